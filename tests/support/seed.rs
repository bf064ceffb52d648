//! Filling a store with onboarded users whose reminder is set, through the store's own batch
//! writes (each batch one transaction, as the engine writes), for the reminder tests.

use backcheck::model::Profile;
use backcheck::store::{Change, ReminderState, Store, UserId};

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
