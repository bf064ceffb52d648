//! Key encoding. Every key starts with the user id, big-endian, so one prefix scan finds all
//! of a user's keys; a check-in key appends the local date so that byte order is date order
//! and a date range is a key range.

use jiff::civil::Date;

use super::UserId;

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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

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
    fn user_comes_first() {
        assert!(day_key(1, date(9999, 12, 31)) < day_key(2, date(-9999, 1, 1)));
        assert!(day_key(1, date(2026, 3, 1)).starts_with(&user_key(1)));
    }
}
