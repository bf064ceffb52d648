//! Fixed histories for the history tests (English and German): a date `n` days before a
//! test's today, noon UTC as the completion time, and a check-in with its pain and level.

use backcheck::model::{CheckIn, DayRecord, Level};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// The date `n` days before `today`.
pub fn ago(today: Date, n: i64) -> Date {
    today
        .checked_sub(n.days())
        .expect("test dates are in range")
}

/// Noon UTC of a date: when its check-in was completed.
pub fn noon(d: Date) -> Timestamp {
    d.at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .expect("a valid instant")
        .timestamp()
}

/// A check-in `n` days before `today` with its pain (None: not rated) and level.
pub fn day(today: Date, n: i64, pain: Option<u8>, level: Level) -> DayRecord {
    DayRecord {
        date: ago(today, n),
        checkin: CheckIn {
            pain,
            ..CheckIn::default()
        },
        level,
        episode_start: None,
        suggested: Vec::new(),
        clearance_note: false,
        recorded_at: noon(ago(today, n)),
    }
}
