//! How values map to columns: user ids, check-in dates and due seconds, and the catalog
//! query that finds every table holding a user's rows.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::store::{StoreError, UserId};

/// A user id as its bigint column: the same 64 bits.
pub(super) fn uid(user: UserId) -> i64 {
    user as i64
}

/// A date as the `days.day` column: yyyymmdd, which sorts as dates do (negative years too).
pub(super) fn day_number(date: Date) -> i32 {
    i32::from(date.year()) * 10_000 + i32::from(date.month()) * 100 + i32::from(date.day())
}

/// The date of a `days.day` value.
pub(super) fn date_of_number(number: i32) -> Option<Date> {
    let (year, rest) = (number.div_euclid(10_000), number.rem_euclid(10_000));
    Date::new(
        i16::try_from(year).ok()?,
        (rest / 100) as i8,
        (rest % 100) as i8,
    )
    .ok()
}

/// A due second read from the index.
pub(super) fn due_instant(second: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(second).map_err(|_| StoreError::Corrupt {
        what: "reminder index",
        reason: format!("{second} is not a due instant"),
    })
}

/// Every table of the store's schema with a `user_id` column: the known ones and any added
/// later, so that /forget and `raw_keys` cannot miss one. `reminders` comes first: it is the
/// row writes lock first.
pub(super) const USER_TABLES: &str = "SELECT c.relname::text FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     WHERE a.attname = 'user_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
       AND c.relnamespace = current_schema()::regnamespace
     ORDER BY c.relname <> 'reminders', c.relname";

/// A table name as an SQL identifier.
pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_sort_as_dates_and_round_trip() {
        let dates = [
            date(-9999, 1, 1),
            date(-1, 12, 31),
            date(0, 1, 1),
            date(2025, 12, 31),
            date(2026, 1, 1),
            date(9999, 12, 31),
        ];
        for pair in dates.windows(2) {
            assert!(day_number(pair[0]) < day_number(pair[1]), "{pair:?}");
        }
        for d in dates {
            assert_eq!(date_of_number(day_number(d)), Some(d));
        }
        assert_eq!(day_number(date(2026, 3, 1)), 20260301);
        assert_eq!(date_of_number(20261341), None);
    }
}
