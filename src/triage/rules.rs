//! The levels of TRIAGE.md in order of precedence, and the plan each level carries. The
//! first level that applies wins; within it, every reason that applies is kept, most
//! important first (red flags in enum order, then the other reasons in rule order).

use jiff::civil::Date;

use super::history::{History, days_before, days_between};
use super::sessions::todo_for;
use super::{Avoid, Plan, Reason, Urgency};
use crate::model::{
    CheckIn, Cleared, DayRecord, Episode, Feeling, Level, Outcome, Profile, RedFlag,
};

/// Today's plan. `history` holds earlier days only (any order), never today's.
pub fn triage(profile: &Profile, today: &CheckIn, history: &[DayRecord], date: Date) -> Plan {
    let history = History::new(history, date);
    let facts = Facts::gather(today, &history, date);
    let (level, reasons) = decide(profile, today, &history, &facts);

    let made_worse = history.made_worse(today);
    let session = todo_for(level, profile, &made_worse, &history.better_credits(today));
    let urgency = (level == Level::SeeDoctor).then(|| {
        if facts.flags.iter().any(|f| f.needs_doctor_today()) {
            Urgency::Today
        } else {
            Urgency::Soon
        }
    });
    // The levels on which the user still moves on their own and gets self-care advice.
    let self_care = matches!(level, Level::ActiveRest | Level::Gentle | Level::Lighter);
    let exercising = self_care || level == Level::Usual;

    Plan {
        level,
        reasons,
        urgency,
        todo: session.todo,
        avoid: avoid_list(level),
        home_therapies: self_care,
        stop_rule: exercising,
        left_out: session.left_out,
        preferred: session.preferred,
        long_episode_note: facts.long_episode() && level != Level::Emergency,
        clearance_note: exercising
            && profile.cleared != Cleared::Yes
            && !history.clearance_note_this_week(),
        build_up_note: level == Level::Usual && history.pain_in_last_week(),
        episode_start: facts.episode_start,
    }
}

/// The start of a pain episode that continues from history into `date` (the most recent
/// earlier check-in is at most 7 days old and was painful), or None when a painful day today
/// would begin a new episode, so the check-in must ask how long it has lasted.
pub fn episode_start(history: &[DayRecord], date: Date) -> Option<Date> {
    History::new(history, date).continuing_episode()
}

/// Yesterday's record when a plan was given yesterday (asks "how did yesterday go?").
pub fn plan_yesterday(history: &[DayRecord], date: Date) -> Option<&DayRecord> {
    history
        .iter()
        .find(|d| d.date.tomorrow().ok() == Some(date))
}

/// Today's answers in the shape the rules read them.
struct Facts {
    date: Date,
    /// Today's red flags, sorted and unique whatever the check-in holds.
    flags: Vec<RedFlag>,
    /// Today's pain, if rated.
    pain: Option<u8>,
    /// First day of today's episode; Some exactly when today is painful.
    episode_start: Option<Date>,
}

impl Facts {
    /// Reads today's answers, deriving the episode start the way TRIAGE.md asks: today's
    /// answer, else the episode continuing from history, else an episode starting today.
    fn gather(today: &CheckIn, history: &History<'_>, date: Date) -> Facts {
        let mut flags = today.red_flags.clone();
        flags.sort();
        flags.dedup();
        let painful = today.pain.is_some_and(|p| p > 0);
        let episode_start = painful.then(|| {
            today
                .episode
                .map(|e| days_before(date, e.min_days()))
                .or_else(|| history.continuing_episode())
                .unwrap_or(date)
        });
        Facts {
            date,
            flags,
            pain: today.pain,
            episode_start,
        }
    }

    /// How long today's episode has lasted, when today is painful.
    fn episode(&self) -> Option<Episode> {
        self.episode_start
            .map(|start| Episode::from_days(days_between(start, self.date)))
    }

    /// Today's episode has lasted over 6 weeks.
    fn long_episode(&self) -> bool {
        self.episode() == Some(Episode::OverSixWeeks)
    }
}

/// The winning level and its reasons, rule by rule in order of precedence.
fn decide(
    profile: &Profile,
    today: &CheckIn,
    history: &History<'_>,
    facts: &Facts,
) -> (Level, Vec<Reason>) {
    let flag_reasons = |emergency: bool| -> Vec<Reason> {
        facts
            .flags
            .iter()
            .filter(|f| f.is_emergency() == emergency)
            .map(|&flag| Reason::Flag { flag })
            .collect()
    };

    // 1. Emergency: never softened by any other answer.
    let emergency = flag_reasons(true);
    if !emergency.is_empty() {
        return (Level::Emergency, emergency);
    }

    // 2. See a doctor before exercising.
    let mut doctor = flag_reasons(false);
    doctor.extend(doctor_history_reasons(profile, history, facts));
    if !doctor.is_empty() {
        return (Level::SeeDoctor, doctor);
    }

    // 4-7, then 3: not cleared caps the level at Gentle.
    let (level, mut reasons) = self_care_level(today, history, facts);
    if profile.cleared != Cleared::Yes && matches!(level, Level::Lighter | Level::Usual) {
        reasons.push(Reason::NotCleared {
            cleared: profile.cleared,
        });
        return (Level::Gentle, reasons);
    }
    (level, reasons)
}

/// The SeeDoctor reasons that come from the profile and the course of the pain rather than
/// from a flag: cancer history with a new episode, severe pain not improving for 7 days,
/// an episode over 6 weeks without an improving trend.
fn doctor_history_reasons(profile: &Profile, history: &History<'_>, facts: &Facts) -> Vec<Reason> {
    let mut reasons = Vec::new();
    // Only a painful day has an episode, so these all need pain today.
    let (Some(pain), Some(episode)) = (facts.pain, facts.episode()) else {
        return reasons;
    };
    if profile.cancer_history && episode != Episode::OverSixWeeks {
        reasons.push(Reason::CancerNewEpisode);
    }
    if let Some(days) = history.severe_for_days(pain) {
        reasons.push(Reason::SevereNotImproving { days });
    }
    if episode == Episode::OverSixWeeks && !history.improving(pain) {
        reasons.push(Reason::LongEpisodeNotImproving);
    }
    reasons
}

/// Rules 4 to 7: ActiveRest, Gentle, Lighter, Usual, before the clearance cap.
fn self_care_level(today: &CheckIn, history: &History<'_>, facts: &Facts) -> (Level, Vec<Reason>) {
    let worse_today = today.yesterday == Some(Outcome::Worse);

    // 4. ActiveRest.
    let mut rest = Vec::new();
    if let Some(pain @ 7..) = facts.pain {
        rest.push(Reason::Pain { pain });
    }
    if worse_today && history.last_reported_worse() {
        rest.push(Reason::WorseTwiceInARow);
    }
    if !rest.is_empty() {
        return (Level::ActiveRest, rest);
    }

    // 5. Gentle. An unrated pain (only possible after a red flag) is treated as moderate.
    let mut gentle = Vec::new();
    match facts.pain {
        None => gentle.push(Reason::PainNotRated),
        Some(pain @ 4..=6) => gentle.push(Reason::Pain { pain }),
        Some(_) => {}
    }
    if today.spreads == Some(true) {
        gentle.push(Reason::Spreads);
    }
    if let Some(feeling @ (Feeling::Sharp | Feeling::BurningTingling)) = today.feeling {
        gentle.push(Reason::Feeling { feeling });
    }
    let worse_on = worse_today.then_some(facts.date);
    for on in worse_on.into_iter().chain(history.worse_reports_recently()) {
        gentle.push(Reason::WorseRecently { on });
    }
    if let Some(level) = history.back_from() {
        gentle.push(Reason::BackFrom { level });
    }
    if !gentle.is_empty() {
        return (Level::Gentle, gentle);
    }

    // 6-7. Lighter for mild pain, Usual when pain-free (no reason needed).
    match facts.pain {
        Some(pain @ 1..) => (Level::Lighter, vec![Reason::Pain { pain }]),
        _ => (Level::Usual, Vec::new()),
    }
}

/// What to avoid today: the back-loading trio below Usual (Emergency has no exercise at
/// all), plus high-impact activity on the two most careful exercising levels.
fn avoid_list(level: Level) -> Vec<Avoid> {
    let mut avoid = Vec::new();
    if matches!(
        level,
        Level::SeeDoctor | Level::ActiveRest | Level::Gentle | Level::Lighter
    ) {
        avoid.extend([
            Avoid::HeavyLifting,
            Avoid::RepeatedBending,
            Avoid::OverheadLifting,
        ]);
    }
    if matches!(level, Level::ActiveRest | Level::Gentle) {
        avoid.push(Avoid::HighImpact);
    }
    avoid
}
