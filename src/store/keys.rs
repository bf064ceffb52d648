//! Key encoding. Every per-user key starts with the user id, big-endian, so one prefix scan
//! finds all of a user's keys; a check-in key appends the local date so that byte order is
//! date order and a date range is a key range. The reminder index is the exception: its keys
//! start with the due instant, so that "everything due by now" is one range from the start.

use jiff::Timestamp;
use jiff::civil::Date;

use super::UserId;

/// Length of a due-index key: due second, user id.
pub(crate) const DUE_KEY_LEN: usize = 8 + 8;

/// Length of a check-in key: user id, year, month, day.
pub(crate) const DAY_KEY_LEN: usize = 8 + 2 + 1 + 1;

/// The key of everything kept once per user (profile, conversation state), and the prefix of
/// every key that belongs to the user.
pub(crate) fn user_key(user: UserId) -> [u8; 8] {
    user.to_be_bytes()
}

/// The key of one check-in. The year's sign bit is flipped so negative years would sort
/// before positive ones; month and day are never negative in a valid `Date`.
pub(crate) fn day_key(user: UserId, date: Date) -> [u8; DAY_KEY_LEN] {
    let mut key = [0u8; DAY_KEY_LEN];
    key[..8].copy_from_slice(&user_key(user));
    let year = (date.year() as u16) ^ 0x8000;
    key[8..10].copy_from_slice(&year.to_be_bytes());
    key[10] = date.month() as u8;
    key[11] = date.day() as u8;
    key
}

/// The date of a check-in key; `None` for a key `day_key` cannot have written.
pub(crate) fn date_of_day_key(key: &[u8]) -> Option<Date> {
    let [y0, y1, month, day]: [u8; 4] = key.get(8..DAY_KEY_LEN)?.try_into().ok()?;
    let year = (u16::from_be_bytes([y0, y1]) ^ 0x8000) as i16;
    Date::new(year, month as i8, day as i8).ok()
}

/// The whole second at or before `ts` (jiff's `as_second` truncates towards zero, which
/// before 1970 is the wrong way).
pub(crate) fn floor_second(ts: Timestamp) -> i64 {
    ts.as_second() - i64::from(ts.subsec_nanosecond() < 0)
}

/// The reminder-index key of `user` due at `due`: the second with its sign bit flipped (so
/// that byte order is time order across 1970), then the user id, both big-endian. Ties in
/// the same second come out in user-id order.
pub(crate) fn due_key(due: Timestamp, user: UserId) -> [u8; DUE_KEY_LEN] {
    let mut key = [0u8; DUE_KEY_LEN];
    let second = (floor_second(due) as u64) ^ (1 << 63);
    key[..8].copy_from_slice(&second.to_be_bytes());
    key[8..].copy_from_slice(&user.to_be_bytes());
    key
}

/// The due second and user of an index key; `None` for a key `due_key` cannot have written.
pub(crate) fn parse_due_key(key: &[u8]) -> Option<(Timestamp, UserId)> {
    let second: [u8; 8] = key.get(..8)?.try_into().ok()?;
    let user: [u8; 8] = key.get(8..)?.try_into().ok()?;
    let second = (u64::from_be_bytes(second) ^ (1 << 63)) as i64;
    let due = Timestamp::from_second(second).ok()?;
    Some((due, u64::from_be_bytes(user)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_keys_order_by_instant_then_user_and_round_trip() {
        let instants: Vec<Timestamp> = [
            "1900-01-01T00:00:00Z",
            "1969-12-31T23:59:58.5Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T01:00:01Z",
            "2100-01-01T00:00:00Z",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        for pair in instants.windows(2) {
            assert!(due_key(pair[0], u64::MAX) < due_key(pair[1], 0), "{pair:?}");
        }
        assert!(due_key(instants[4], 1) < due_key(instants[4], 256));
        for &ts in &instants {
            let (due, user) = parse_due_key(&due_key(ts, 42)).unwrap();
            assert_eq!((due.as_second(), user), (floor_second(ts), 42));
        }
        assert_eq!(parse_due_key(&[0u8; 15]), None);
    }

    #[test]
    fn byte_order_is_date_order() {
        let dates = [
            date(-9999, 1, 1),
            date(-1, 12, 31),
            date(0, 1, 1),
            date(1999, 12, 31),
            date(2025, 12, 31),
            date(2026, 1, 1),
            date(2026, 1, 31),
            date(2026, 2, 1),
            date(9999, 12, 31),
        ];
        for pair in dates.windows(2) {
            assert!(day_key(5, pair[0]) < day_key(5, pair[1]), "{pair:?}");
        }
    }

    #[test]
    fn day_keys_give_their_date_back() {
        for d in [date(-9999, 1, 1), date(1999, 12, 31), date(2026, 2, 28)] {
            assert_eq!(date_of_day_key(&day_key(7, d)), Some(d));
        }
        assert_eq!(date_of_day_key(&[0u8; 11]), None);
    }

    #[test]
    fn user_comes_first() {
        assert!(day_key(1, date(9999, 12, 31)) < day_key(2, date(-9999, 1, 1)));
        assert!(day_key(1, date(2026, 3, 1)).starts_with(&user_key(1)));
    }
}
