//! The reminder half of the sled store: the "due" index (due second ++ user id, empty values)
//! and the "reminders" records it mirrors. Every index change happens in the transaction
//! that changes the record, so the two never disagree.

use jiff::Timestamp;
use jiff::civil::Date;
use sled::transaction::{ConflictableTransactionError, Transactional, TransactionalTree};
use sled::{Batch, IVec, Tree};

use super::{SledStore, TxResult, tx_error};
use crate::model::Profile;
use crate::store::keys::{DUE_KEY_LEN, due_key, floor_second, parse_due_key, user_key};
use crate::store::records::{decode, encode};
use crate::store::{ReminderState, Store, StoreError, UserId};

/// A new reminder record for the transaction: its index key (if it is due at all) and bytes.
pub(super) type NewReminder = (Option<[u8; DUE_KEY_LEN]>, Vec<u8>);

impl SledStore {
    /// Writes profiles and reminder states (with their index entries) in plain batches, one
    /// per tree, without a transaction: for filling a benchmark database with a million users
    /// in seconds instead of minutes. Not atomic; not part of the API.
    #[doc(hidden)]
    pub fn bulk_load_reminders(
        &self,
        users: &[(UserId, &Profile, &ReminderState)],
    ) -> Result<(), StoreError> {
        let (mut profiles, mut reminders, mut due) =
            (Batch::default(), Batch::default(), Batch::default());
        for &(user, profile, state) in users {
            let key = user_key(user);
            if let Some(old) = self.reminder(user)?.and_then(|r| r.next_due) {
                due.remove(&due_key(old, user)[..]);
            }
            profiles.insert(&key[..], encode(profile)?);
            reminders.insert(&key[..], encode(state)?);
            if let Some(next) = state.next_due {
                due.insert(&due_key(next, user)[..], IVec::default());
            }
        }
        self.profiles.apply_batch(profiles)?;
        self.reminders.apply_batch(reminders)?;
        self.due.apply_batch(due)?;
        Ok(())
    }

    /// `Store::due`: one range from the start of the index to the last possible key of
    /// `up_to`'s second, cut at `limit`.
    pub(super) fn due_entries(
        &self,
        up_to: Timestamp,
        limit: usize,
    ) -> Result<Vec<(Timestamp, UserId)>, StoreError> {
        let end = due_key(up_to, UserId::MAX);
        self.due
            .range(..=end)
            .keys()
            .take(limit)
            .map(|key| {
                let key = key?;
                parse_due_key(&key).ok_or_else(|| bad_due_key(&key))
            })
            .collect()
    }

    /// `Store::next_due`: the first key.
    pub(super) fn first_due(&self) -> Result<Option<Timestamp>, StoreError> {
        match self.due.first()? {
            Some((key, _)) => Ok(Some(
                parse_due_key(&key).ok_or_else(|| bad_due_key(&key))?.0,
            )),
            None => Ok(None),
        }
    }

    /// `Store::remove_due`. Checks the record inside the transaction, so a write that
    /// re-points the record at this very entry cannot lose it.
    pub(super) fn remove_stray_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError> {
        let (key, entry) = (user_key(user), due_key(due, user));
        (&self.reminders, &self.due)
            .transaction(|(reminders, index)| {
                let points_here = matches!(
                    tx_reminder(reminders, &key)?,
                    Some(Ok(ReminderState { next_due: Some(next), .. }))
                        if floor_second(next) == floor_second(due)
                );
                if !points_here {
                    index.remove(&entry[..])?;
                }
                TxResult::Ok(())
            })
            .map_err(tx_error)
    }
}

/// Encodes a `Change`'s reminder before its transaction, so the closure only moves bytes.
pub(super) fn encode_reminder(
    user: UserId,
    reminder: &ReminderState,
) -> Result<NewReminder, StoreError> {
    Ok((
        reminder.next_due.map(|next| due_key(next, user)),
        encode(reminder)?,
    ))
}

/// The reminder part of a `Change` inside its transaction: checks `expect` (returning false,
/// having written nothing, when it does not hold), then replaces the record and moves its
/// index entry. `checked_in` is the latest check-in date the change knows of (a check-in it
/// writes, or the user's latest for a new record): the record written never says less.
pub(super) fn tx_write_reminder(
    reminders: &TransactionalTree,
    index: &TransactionalTree,
    user: UserId,
    reminder: Option<(&ReminderState, &NewReminder)>,
    expect_reminder: Option<Option<&ReminderState>>,
    checked_in: Option<Date>,
) -> Result<bool, ConflictableTransactionError<StoreError>> {
    if reminder.is_none() && expect_reminder.is_none() && checked_in.is_none() {
        return Ok(true);
    }
    let key = user_key(user);
    let stored = tx_reminder(reminders, &key)?;
    if let Some(expected) = expect_reminder {
        let same = match (&stored, expected) {
            (None, None) => true,
            (Some(Ok(stored)), Some(expected)) => stored == expected,
            _ => false,
        };
        if !same {
            return Ok(false);
        }
    }
    let stored = stored.and_then(Result::ok);
    let known = checked_in.max(stored.as_ref().and_then(|s| s.checked_in));
    match (reminder, stored) {
        (Some((new, (entry, bytes))), stored) => {
            // An unreadable old record cannot name its entry; `remove_due` drops that entry
            // when the scheduler meets it.
            if let Some(old) = stored.and_then(|s| s.next_due) {
                index.remove(&due_key(old, user)[..])?;
            }
            if known > new.checked_in {
                let raised = ReminderState {
                    checked_in: known,
                    ..new.clone()
                };
                reminders.insert(&key[..], tx_encode(&raised)?)?;
            } else {
                reminders.insert(&key[..], bytes.as_slice())?;
            }
            if let Some(entry) = entry {
                index.insert(&entry[..], IVec::default())?;
            }
        }
        (None, Some(stored)) if known > stored.checked_in => {
            let raised = ReminderState {
                checked_in: known,
                ..stored
            };
            reminders.insert(&key[..], tx_encode(&raised)?)?;
        }
        (None, _) => {}
    }
    Ok(true)
}

/// Encodes a record inside a transaction, aborting it on failure.
fn tx_encode(state: &ReminderState) -> Result<Vec<u8>, ConflictableTransactionError<StoreError>> {
    encode(state).map_err(ConflictableTransactionError::Abort)
}

/// The stored reminder state inside a transaction: `None` when absent, `Some(Err)` when
/// unreadable (the caller decides whether that matters).
pub(super) fn tx_reminder(
    reminders: &TransactionalTree,
    key: &[u8],
) -> Result<Option<Result<ReminderState, StoreError>>, ConflictableTransactionError<StoreError>> {
    Ok(reminders.get(key)?.map(|bytes| decode(&bytes)))
}

/// Every index key whose user-id suffix is `user`: a full scan, for the rare cases (an
/// unreadable record on /forget, `raw_keys`) where the record cannot say which key it is.
pub(super) fn due_keys_of(due: &Tree, user: UserId) -> Result<Vec<IVec>, StoreError> {
    let suffix = user_key(user);
    let mut found = Vec::new();
    for key in due.iter().keys() {
        let key = key?;
        if key.len() == DUE_KEY_LEN && key[8..] == suffix {
            found.push(key);
        }
    }
    Ok(found)
}

/// The error for an index key `due_key` cannot have written.
fn bad_due_key(key: &[u8]) -> StoreError {
    StoreError::Corrupt {
        what: "reminder index",
        reason: format!("key {key:02x?} is not a due instant and a user id"),
    }
}
