//! Filling a store with onboarded users whose reminder is set, through the store's own batch
//! writes (each batch one transaction, as the engine writes), for the reminder tests.

use backcheck::model::{Cleared, Profile};
use backcheck::reminders::Daily;
use backcheck::store::{Change, ReminderState, Store, UserId};
use jiff::Timestamp;
use jiff::civil::time;

/// Users written per batch.
const CHUNK: usize = 250;

/// Writes each of `users` with `profile` and the reminder `state`.
pub fn with_reminder<S: Store + ?Sized>(
    store: &S,
    users: &[UserId],
    profile: &Profile,
    state: &ReminderState,
) {
    let changes: Vec<(UserId, Change<'_>)> = users
        .iter()
        .map(|&user| {
            let change = Change {
                profile: Some(profile),
                reminder: Some(state),
                ..Change::default()
            };
            (user, change)
        })
        .collect();
    for chunk in changes.chunks(CHUNK) {
        assert!(store.write_many(chunk).unwrap().iter().all(|ok| *ok));
    }
}

/// An onboarded user in Berlin with a daily reminder at 07:30.
pub fn berlin_profile() -> Profile {
    Profile {
        activities: vec![],
        session_minutes: 30,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: "Europe/Berlin".to_owned(),
        reminder: Some(time(7, 30, 0, 0)),
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}

/// `berlin_profile`'s reminder, next due at `due`.
pub fn berlin_state(due: Timestamp) -> ReminderState {
    ReminderState {
        next_due: Some(due),
        daily: Some(Daily {
            zone: "Europe/Berlin".to_owned(),
            at: time(7, 30, 0, 0),
        }),
        ..ReminderState::default()
    }
}

/// Scattered ids, like Telegram's (a bijective 64-bit mix, kept below 2^63 for PostgreSQL's
/// bigint), so that users are spread over the key space, not packed into a few pages.
pub fn scattered_id(i: u64) -> UserId {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) >> 1
}
