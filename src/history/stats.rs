//! Check-in streaks and weekly pain averages.
//!
//! Streaks count local dates, one record per date (see `by_date`):
//! - the current streak is the run of consecutive dates with a check-in that ends today, or
//!   yesterday while today's check-in is not done yet (a streak is not broken before the day
//!   is over); it is 0 when neither today nor yesterday has one;
//! - the best streak is the longest such run in all of history, so it is never below the
//!   current one.
//!
//! "This week" is the 7 dates ending today, "last week" the 7 before: a rolling week reads
//! the same on every day, where a calendar week would hold one day on Mondays.

use jiff::ToSpan;
use jiff::civil::Date;

use super::{Window, by_date};
use crate::model::DayRecord;

/// A week of pain ratings, in points per day.
const WEEK: u16 = 7;

/// The current and best runs of consecutive check-in dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streaks {
    /// Consecutive dates with a check-in, ending today (or yesterday, see `today_done`).
    pub current: u32,
    /// The longest run ever, at least `current`.
    pub best: u32,
    /// Today's check-in is done; when false, a current run ends yesterday and can still grow.
    pub today_done: bool,
}

/// The streaks of `records` as of `today` (rules in the module docs).
pub fn streaks(records: &[DayRecord], today: Date) -> Streaks {
    let days = by_date(records, today);
    let (mut run, mut best) = (0u32, 0u32);
    let mut previous: Option<Date> = None;
    for &date in days.keys() {
        let continues = previous.is_some_and(|p| p.tomorrow().ok() == Some(date));
        run = if continues { run + 1 } else { 1 };
        best = best.max(run);
        previous = Some(date);
    }
    let today_done = days.contains_key(&today);
    // Dates after today are not in `days`, so the last run ends today at the latest.
    let ends_recently =
        previous.is_some_and(|last| last == today || last.tomorrow().ok() == Some(today));
    Streaks {
        current: if ends_recently { run } else { 0 },
        best,
        today_done,
    }
}

/// The pain ratings of some days: their sum and how many days were rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PainAverage {
    pub sum: u32,
    pub days: u32,
}

impl PainAverage {
    /// The average of the given ratings; unrated days (None) are left out.
    pub fn of(pains: impl IntoIterator<Item = Option<u8>>) -> PainAverage {
        pains
            .into_iter()
            .flatten()
            .fold(PainAverage::default(), |a, p| PainAverage {
                sum: a.sum + u32::from(p.min(10)),
                days: a.days + 1,
            })
    }

    /// The average in tenths of a point, rounded half up (34 is 3.4); None without ratings.
    pub fn tenths(&self) -> Option<u32> {
        (self.days > 0).then(|| (self.sum * 20 + self.days) / (2 * self.days))
    }
}

/// Which way pain went from last week to this week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// This week's average is at least a point below last week's.
    Down,
    /// Within a point either way.
    Steady,
    /// At least a point above.
    Up,
}

/// This week's pain against last week's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weeks {
    /// The 7 dates ending today.
    pub this: PainAverage,
    /// The 7 dates before those.
    pub before: PainAverage,
}

impl Weeks {
    /// The trend, when both weeks have ratings. A point is the same threshold triage uses for
    /// "improving"; compared in integers so that exactly one point counts.
    pub fn trend(&self) -> Option<Trend> {
        let (a, b) = (self.this, self.before);
        if a.days == 0 || b.days == 0 {
            return None;
        }
        // a.sum / a.days compared with b.sum / b.days ± 1, multiplied out by a.days * b.days.
        let this = a.sum * b.days;
        let before = b.sum * a.days;
        let point = a.days * b.days;
        Some(if this + point <= before {
            Trend::Down
        } else if this >= before + point {
            Trend::Up
        } else {
            Trend::Steady
        })
    }
}

/// This week's and last week's average pain as of `today`.
pub fn weeks(records: &[DayRecord], today: Date) -> Weeks {
    let days = by_date(records, today);
    let this = Window::ending(today, WEEK);
    let before_end = this.first.checked_sub(1.day()).unwrap_or(Date::MIN);
    let before = Window::ending(before_end, WEEK);
    let average =
        |w: Window| PainAverage::of(days.range(w.first..=w.last).map(|(_, r)| r.checkin.pain));
    Weeks {
        this: average(this),
        before: average(before),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_round_half_up_and_skip_unrated_days() {
        let a = PainAverage::of([Some(3), None, Some(4)]);
        assert_eq!((a.sum, a.days, a.tenths()), (7, 2, Some(35)));
        assert_eq!(
            PainAverage::of([Some(1), Some(1), Some(2)]).tenths(),
            Some(13)
        );
        assert_eq!(PainAverage::of([None]).tenths(), None);
    }

    #[test]
    fn a_trend_needs_a_full_point_and_two_rated_weeks() {
        let week = |sum, days| PainAverage { sum, days };
        let trend = |this, before| Weeks { this, before }.trend();
        assert_eq!(trend(week(10, 2), week(18, 3)), Some(Trend::Down)); // 5 vs 6
        assert_eq!(trend(week(11, 2), week(18, 3)), Some(Trend::Steady)); // 5.5 vs 6
        assert_eq!(trend(week(14, 2), week(18, 3)), Some(Trend::Up)); // 7 vs 6
        assert_eq!(trend(week(14, 2), week(0, 0)), None);
    }
}
