//! History: what a user's check-ins add up to, so they can see their progress.
//!
//! - `stats`: check-in streaks and the average pain of this week against last week;
//! - `chart`: /history as a compact text chart (a row a day, or a row a week for long spans);
//! - `png`: the same days as a picture (pain per day over the plan level as colour bands);
//! - `summary`: the weekly summary, with one suggestion chosen by fixed rules.
//!
//! Everything here is a pure function of the day records, today's date and the span asked
//! for: no store, no clock. Data comes out as structs; the `render` functions take their
//! wording from the Script (dialogs/en/history.toml).
//!
//! Days are counted by local date, the way the Store keys check-ins: one record per date.
//! A time-zone change can put two consecutive check-ins on the same date (the later one
//! counts) or skip a date (which then counts as a day without a check-in).

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::model::{DayRecord, Level};

pub mod chart;
pub mod glyphs;
pub mod png;
pub mod stats;
pub mod summary;

pub use chart::{TextChart, text_chart};
pub use png::{PainSeries, PngError, pain_series, render_png};
pub use stats::{PainAverage, Streaks, Trend, Weeks, streaks, weeks};
pub use summary::{Suggestion, WeeklySummary, weekly_summary};

/// The dates a view covers: `days` dates ending with `last` (today), oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: Date,
    pub last: Date,
}

impl Window {
    /// The `days` dates ending with `today` (at least one; clamped at the first date jiff
    /// knows, so an absurd span still gives a window instead of failing).
    pub fn ending(today: Date, days: u16) -> Window {
        let back = i64::from(days.max(1)) - 1;
        let first = today.checked_sub(back.days()).unwrap_or(Date::MIN);
        Window { first, last: today }
    }

    /// Every date of the window, oldest first.
    pub fn dates(&self) -> impl Iterator<Item = Date> + use<> {
        let last = self.last;
        self.first.series(1.day()).take_while(move |d| *d <= last)
    }

    /// How many dates the window has.
    pub fn len(&self) -> usize {
        usize::try_from((self.last - self.first).get_days() + 1).unwrap_or(0)
    }

    /// A window always has at least one date; clippy wants `is_empty` next to `len`.
    pub fn is_empty(&self) -> bool {
        self.last < self.first
    }

    /// True when `date` falls inside the window.
    pub fn contains(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }
}

/// What one day with a check-in shows: its pain (None when a red flag ended the check-in
/// before pain was asked) and its plan level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub pain: Option<u8>,
    pub level: Level,
}

impl Mark {
    /// The mark of a record.
    pub fn of(record: &DayRecord) -> Mark {
        Mark {
            pain: record.checkin.pain.map(|p| p.min(10)),
            level: record.level,
        }
    }
}

/// One record per date, up to and including `today`: a slice that holds two records of one
/// date (the Store never does) keeps the one completed last, so counts are per date. Dates
/// after `today` (possible for a moment after moving west across time zones) are left out:
/// history is told as of today.
pub fn by_date(records: &[DayRecord], today: Date) -> BTreeMap<Date, &DayRecord> {
    let mut days: BTreeMap<Date, &DayRecord> = BTreeMap::new();
    for record in records.iter().filter(|r| r.date <= today) {
        let newer = days
            .get(&record.date)
            .is_none_or(|kept| kept.recorded_at <= record.recorded_at);
        if newer {
            days.insert(record.date, record);
        }
    }
    days
}

/// The mark of every date of `window`, oldest first (None: no check-in that day).
pub fn marks(days: &BTreeMap<Date, &DayRecord>, window: Window) -> Vec<(Date, Option<Mark>)> {
    window
        .dates()
        .map(|date| (date, days.get(&date).map(|r| Mark::of(r))))
        .collect()
}

/// A number of tenths as text with one decimal ("3.4"), with the dialog's decimal point.
pub fn tenths_text(tenths: u32, point: &str) -> String {
    format!("{}{point}{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_window_counts_its_dates_across_a_month_end() {
        let w = Window::ending(date(2025, 3, 2), 5);
        assert_eq!(w.first, date(2025, 2, 26));
        assert_eq!(w.len(), 5);
        assert_eq!(w.dates().count(), 5);
        assert!(w.contains(date(2025, 2, 28)) && !w.contains(date(2025, 2, 25)));
        assert_eq!(Window::ending(date(2025, 3, 2), 0).len(), 1);
    }

    #[test]
    fn tenths_read_with_one_decimal() {
        assert_eq!(tenths_text(34, "."), "3.4");
        assert_eq!(tenths_text(100, ","), "10,0");
        assert_eq!(tenths_text(5, "."), "0.5");
    }
}
