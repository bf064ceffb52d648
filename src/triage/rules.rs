//! The rules themselves (placeholder until the triage rules land).

use jiff::civil::Date;

use super::Plan;
use crate::model::{CheckIn, DayRecord, Profile};

/// Today's plan. `history` holds earlier days only (any order), never today's.
pub fn triage(profile: &Profile, today: &CheckIn, history: &[DayRecord], date: Date) -> Plan {
    let _ = (profile, today, history, date);
    todo!("triage rules")
}

/// The start of a pain episode that continues from history into `date` (the most recent
/// earlier check-in is at most 7 days old and was painful), or None when a painful day today
/// would begin a new episode, so the check-in must ask how long it has lasted.
pub fn episode_start(history: &[DayRecord], date: Date) -> Option<Date> {
    let _ = (history, date);
    todo!("episode continuity")
}

/// Yesterday's record when a plan was given yesterday (asks "how did yesterday go?").
pub fn plan_yesterday(history: &[DayRecord], date: Date) -> Option<&DayRecord> {
    history
        .iter()
        .find(|d| d.date.tomorrow().ok() == Some(date))
}
