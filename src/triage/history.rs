//! Facts triage derives from the user's earlier check-ins: episode continuity, "worse"
//! reports, trends and which weekly notes were already shown. Every window is counted in
//! whole days back from today's date, so the answers depend on dates only, never on the order
//! history arrives in or on a clock.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use jiff::civil::Date;

use crate::model::{Activity, CheckIn, DayRecord, Level, Outcome};

/// Whole days from `earlier` to `later` (negative when `earlier` is after `later`); Date
/// subtraction in jiff yields a Span in days and cannot fail between two dates.
pub(super) fn days_between(earlier: Date, later: Date) -> i32 {
    (later - earlier).get_days()
}

/// The date `days` days before `date`, clamped to the first representable date so that an
/// absurdly old episode stays "very old" instead of failing.
pub(super) fn days_before(date: Date, days: i32) -> Date {
    date.checked_sub(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(Date::MIN)
}

/// How many days back (besides today) "went better" reports count for the preferred option.
const BETTER_DAYS: i32 = 28;

/// The levels whose plan is a session to choose from: only their options can earn a credit.
fn offers_session(level: Level) -> bool {
    matches!(level, Level::Gentle | Level::Lighter | Level::Usual)
}

/// "Went better" credits, the rule of the module docs of `triage`: every report (a check-in
/// date and its answers) that said yesterday went better gives one credit to each activity
/// the session of the day before offered, core work excepted. `plan_on` finds the record of
/// a date. A date reported twice counts once (the later report in `reports` wins).
pub fn better_credits<'a>(
    reports: impl IntoIterator<Item = (Date, &'a CheckIn)>,
    plan_on: impl Fn(Date) -> Option<&'a DayRecord>,
) -> BTreeMap<Activity, u32> {
    let by_date: BTreeMap<Date, &CheckIn> = reports.into_iter().collect();
    let mut credits = BTreeMap::new();
    for (date, checkin) in by_date {
        if checkin.yesterday != Some(Outcome::Better) {
            continue;
        }
        let Some(plan) = date.yesterday().ok().and_then(&plan_on) else {
            continue;
        };
        if !offers_session(plan.level) {
            continue;
        }
        let mut offered: Vec<Activity> = plan
            .suggested
            .iter()
            .copied()
            .filter(|a| *a != Activity::CoreWork)
            .collect();
        offered.sort();
        offered.dedup();
        for activity in offered {
            *credits.entry(activity).or_insert(0) += 1;
        }
    }
    credits
}

/// True when this check-in reported that yesterday's activity made the pain worse.
fn reported_worse(checkin: &CheckIn) -> bool {
    checkin.yesterday == Some(Outcome::Worse)
}

/// True when a pain score was given and is above zero.
fn painful(pain: Option<u8>) -> bool {
    pain.is_some_and(|p| p > 0)
}

/// The earlier check-ins of one user, seen from `date`: only days before `date`, oldest
/// first, so "the most recent record" and "every record after" have one meaning.
pub(super) struct History<'a> {
    date: Date,
    /// Sorted by date, then by completion time so duplicates still sort the same way.
    days: Vec<&'a DayRecord>,
}

impl<'a> History<'a> {
    /// Sorts a local copy of the records and drops any not strictly before `date`, which
    /// history should never hold but which must not leak into today's plan.
    pub(super) fn new(records: &'a [DayRecord], date: Date) -> Self {
        let mut days: Vec<&DayRecord> = records.iter().filter(|d| d.date < date).collect();
        days.sort_by_key(|d| (d.date, d.recorded_at));
        History { date, days }
    }

    /// How many days before today a record was made (1 = yesterday).
    fn age(&self, record: &DayRecord) -> i32 {
        days_between(record.date, self.date)
    }

    /// The most recent earlier check-in, whatever its age.
    pub(super) fn latest(&self) -> Option<&'a DayRecord> {
        self.days.last().copied()
    }

    /// The records made between `ages.start()` and `ages.end()` days ago (inclusive), oldest
    /// first: every rule window ("the last 7 days") is one of these.
    fn aged(&self, ages: RangeInclusive<i32>) -> impl DoubleEndedIterator<Item = &'a DayRecord> {
        let date = self.date;
        self.days
            .iter()
            .copied()
            .filter(move |d| ages.contains(&days_between(d.date, date)))
    }

    /// The start of a pain episode that continues into today: the latest check-in is at most
    /// 7 days old, was painful and knows when its episode began.
    pub(super) fn continuing_episode(&self) -> Option<Date> {
        let last = self.latest()?;
        if self.age(last) <= 7 && painful(last.checkin.pain) {
            last.episode_start
        } else {
            None
        }
    }

    /// The previous check-in also said "worse" (with today's "worse": two in a row).
    pub(super) fn last_reported_worse(&self) -> bool {
        self.latest().is_some_and(|d| reported_worse(&d.checkin))
    }

    /// Dates of "worse" reports made yesterday or the day before, newest first: with today's
    /// own report they make up the 3 days of "keep it gentle for a few days".
    pub(super) fn worse_reports_recently(&self) -> Vec<Date> {
        let mut dates: Vec<Date> = self
            .aged(1..=2)
            .rev()
            .filter(|d| reported_worse(&d.checkin))
            .map(|d| d.date)
            .collect();
        dates.dedup();
        dates
    }

    /// The level of the latest check-in, if it was within 14 days and was a "stop" level
    /// (ActiveRest, SeeDoctor, Emergency): today is the first day back from it.
    pub(super) fn back_from(&self) -> Option<Level> {
        let last = self.latest()?;
        let stop = matches!(
            last.level,
            Level::ActiveRest | Level::SeeDoctor | Level::Emergency
        );
        (self.age(last) <= 14 && stop).then_some(last.level)
    }

    /// How many days severe pain has gone on without improving, given today's pain: the
    /// latest record at least 7 days old had pain 7 or more, and so did every record since.
    pub(super) fn severe_for_days(&self, today_pain: u8) -> Option<i32> {
        if today_pain < 7 {
            return None;
        }
        let base_at = self.days.iter().rposition(|d| self.age(d) >= 7)?;
        let severe = |d: &&DayRecord| d.checkin.pain.is_some_and(|p| p >= 7);
        if self.days[base_at..].iter().all(severe) {
            self.days.get(base_at).map(|base| self.age(base))
        } else {
            None
        }
    }

    /// True when pain is trending down: the mean pain of the last 7 days (today included)
    /// is at least 1 point below the mean of the 7 days before, each week having a rating.
    pub(super) fn improving(&self, today_pain: u8) -> bool {
        let rated = |d: &DayRecord| d.checkin.pain.map(u32::from);
        let older: Vec<u32> = self.aged(7..=13).filter_map(rated).collect();
        let recent: Vec<u32> = self
            .aged(1..=6)
            .filter_map(rated)
            .chain([u32::from(today_pain)])
            .collect();
        if older.is_empty() {
            return false;
        }
        let (older_n, older_sum) = (older.len() as u32, older.iter().sum::<u32>());
        let (recent_n, recent_sum) = (recent.len() as u32, recent.iter().sum::<u32>());
        // recent_sum / recent_n + 1 <= older_sum / older_n, in integers so 1.0 is exact.
        (recent_sum + recent_n) * older_n <= older_sum * recent_n
    }

    /// Some day of the past week (1-7 days ago) was painful: a pain-free day today follows a
    /// recently ended episode, so the plan says to build back up.
    pub(super) fn pain_in_last_week(&self) -> bool {
        self.aged(1..=7).any(|d| painful(d.checkin.pain))
    }

    /// The "how to get cleared" note was already shown within the last 6 days (once a week).
    pub(super) fn clearance_note_this_week(&self) -> bool {
        self.aged(1..=6).any(|d| d.clearance_note)
    }

    /// Every activity reported as making the pain worse in the last 14 days or today, with the
    /// date of its latest report: such activities are not suggested again.
    pub(super) fn made_worse(&self, today: &CheckIn) -> BTreeMap<Activity, Date> {
        let mut reports = BTreeMap::new();
        let earlier = self.aged(1..=14).map(|d| (d.date, &d.checkin));
        for (date, checkin) in earlier.chain([(self.date, today)]) {
            if let (true, Some(activity)) = (reported_worse(checkin), checkin.worse_activity) {
                // Oldest first, so a later report of the same activity overwrites the date.
                reports.insert(activity, date);
            }
        }
        reports
    }

    /// The "went better" credits of today's report and the reports of the last 28 days.
    pub(super) fn better_credits(&self, today: &CheckIn) -> BTreeMap<Activity, u32> {
        let reports = self
            .aged(1..=BETTER_DAYS)
            .map(|d| (d.date, &d.checkin))
            .chain([(self.date, today)]);
        // Days are sorted by date then completion time: the last of a date is its latest.
        let plan_on = |date: Date| self.days.iter().rev().find(|d| d.date == date).copied();
        better_credits(reports, plan_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::civil::date;

    const TODAY: Date = date(2025, 3, 12);

    /// A record `ago` days before TODAY with the given pain and episode start.
    fn rec(ago: i32, pain: Option<u8>, start: Option<i32>) -> DayRecord {
        DayRecord {
            date: days_before(TODAY, ago),
            checkin: CheckIn {
                pain,
                ..CheckIn::default()
            },
            level: Level::Gentle,
            episode_start: start.map(|s| days_before(TODAY, s)),
            suggested: Vec::new(),
            clearance_note: false,
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn better_credits_skip_core_work_repeats_and_non_sessions() {
        let mut plan = rec(2, Some(2), None);
        plan.level = Level::Lighter;
        plan.suggested = vec![Activity::Walking, Activity::Walking, Activity::CoreWork];
        let mut rest = rec(4, Some(8), None);
        rest.level = Level::ActiveRest;
        rest.suggested = vec![Activity::Walking];
        let better = CheckIn {
            yesterday: Some(Outcome::Better),
            ..CheckIn::default()
        };
        let records = [rest.clone(), plan.clone()];
        let plan_on = |date: Date| records.iter().find(|d| d.date == date);
        // After the lighter plan: walking once, however often it was listed; no core work.
        // After the active rest day: nothing. The report of 1 day ago is given twice.
        let reports = [
            (days_before(TODAY, 3), &better),
            (days_before(TODAY, 1), &better),
            (days_before(TODAY, 1), &better),
        ];
        let credits = better_credits(reports, plan_on);
        assert_eq!(
            credits.into_iter().collect::<Vec<_>>(),
            [(Activity::Walking, 1)]
        );
    }

    #[test]
    fn day_arithmetic_counts_whole_days() {
        assert_eq!(days_between(date(2025, 2, 27), date(2025, 3, 1)), 2);
        assert_eq!(days_before(date(2025, 3, 1), 43), date(2025, 1, 17));
        assert_eq!(days_before(Date::MIN, 1), Date::MIN);
    }

    #[test]
    fn episode_continues_from_a_painful_day_up_to_7_days_old() {
        let records = [rec(7, Some(3), Some(20))];
        let h = History::new(&records, TODAY);
        assert_eq!(h.continuing_episode(), Some(days_before(TODAY, 20)));
    }

    #[test]
    fn episode_does_not_continue_after_8_days_or_a_pain_free_day() {
        let old = [rec(8, Some(3), Some(20))];
        assert_eq!(History::new(&old, TODAY).continuing_episode(), None);
        // The latest record decides, even when an earlier one was painful.
        let ended = [rec(3, Some(5), Some(9)), rec(1, Some(0), None)];
        assert_eq!(History::new(&ended, TODAY).continuing_episode(), None);
    }

    #[test]
    fn records_on_or_after_today_are_ignored() {
        let records = [rec(0, Some(9), Some(0)), rec(-1, Some(9), Some(0))];
        let h = History::new(&records, TODAY);
        assert!(h.latest().is_none());
    }

    #[test]
    fn improving_needs_a_full_point_and_both_weeks() {
        // Older week mean 6, recent week mean (5 + 5) / 2 = 5: exactly one point lower.
        let records = [rec(10, Some(6), None), rec(3, Some(5), None)];
        assert!(History::new(&records, TODAY).improving(5));
        // Recent mean (5 + 6) / 2 = 5.5: only half a point lower.
        assert!(!History::new(&records, TODAY).improving(6));
        // No rating 7-13 days ago: no trend to speak of.
        let recent_only = [rec(3, Some(1), None)];
        assert!(!History::new(&recent_only, TODAY).improving(1));
    }

    #[test]
    fn severe_pain_counts_days_from_the_latest_week_old_record() {
        let records = [
            rec(9, Some(8), None),
            rec(7, Some(7), None),
            rec(2, Some(9), None),
        ];
        let h = History::new(&records, TODAY);
        assert_eq!(h.severe_for_days(8), Some(7));
        assert_eq!(h.severe_for_days(6), None);
        let dipped = [rec(7, Some(8), None), rec(3, Some(6), None)];
        assert_eq!(History::new(&dipped, TODAY).severe_for_days(8), None);
    }
}
