//! The sled implementation of `Store`: one tree per kind of record, keys from `keys`, values
//! from `records`, and sled's multi-tree transactions so that one `Change` lands whole. The
//! reminder index ("due") holds one empty-valued key per scheduled reminder; it always
//! changes in the same transaction as the "reminders" record that names it.

use std::fmt::Display;
use std::io;
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, Transactional, TransactionalTree,
};
use sled::{Batch, IVec, Tree};

use super::keys::{DAY_KEY_LEN, date_of_day_key, day_key, due_key, user_key};
use super::records::{Record, decode, encode};
use super::user_lock::{LocalLocks, UserLock};
use super::{Change, ReminderState, Store, StoreError, UserData, UserId};
use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};

mod group_flush;
mod index;

use group_flush::GroupFlush;

use index::{NewReminder, due_keys_of, encode_reminder, tx_reminder, tx_write_reminder};

/// Tree of profiles, keyed by user id.
const PROFILES: &str = "profiles";
/// Tree of conversation states, keyed by user id.
const STATES: &str = "states";
/// Tree of completed check-ins, keyed by user id ++ local date.
const DAYS: &str = "days";
/// Tree of reminder states, keyed by user id.
const REMINDERS: &str = "reminders";
/// The reminder index: due second ++ user id, empty values.
const DUE: &str = "due";
/// Every tree this module writes; `forget` sweeps any other tree by user prefix.
const KNOWN: [&str; 5] = [PROFILES, STATES, DAYS, REMINDERS, DUE];

/// A `Store` on an embedded sled database.
pub struct SledStore {
    db: sled::Db,
    profiles: Tree,
    states: Tree,
    days: Tree,
    reminders: Tree,
    due: Tree,
    /// Durable writes that arrive together share one flush.
    flushes: GroupFlush,
    /// Turns in progress, one per user (`Store::lock_user`): sled is one process, so an
    /// in-process lock serialises them all.
    turns: Arc<LocalLocks>,
}

impl SledStore {
    /// Every tree a user's records live in, in the order transactions take them.
    fn trees(
        &self,
    ) -> (
        &sled::Tree,
        &sled::Tree,
        &sled::Tree,
        &sled::Tree,
        &sled::Tree,
    ) {
        (
            &self.profiles,
            &self.states,
            &self.days,
            &self.reminders,
            &self.due,
        )
    }

    /// Opens (or creates) the database in `path`. A second process gets `StoreError::InUse`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        std::fs::create_dir_all(path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let db = sled::Config::new()
            .path(path)
            .open()
            .map_err(|e| open_error(&shown, e))?;
        Self::with_db(db)
    }

    /// A throwaway database that lives in memory and is deleted on drop (tests, benchmarks).
    pub fn temporary() -> Result<Self, StoreError> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| open_error("a temporary folder", e))?;
        Self::with_db(db)
    }

    /// Opens the trees once, so that every call uses a handle instead of a name lookup.
    fn with_db(db: sled::Db) -> Result<Self, StoreError> {
        Ok(SledStore {
            profiles: db.open_tree(PROFILES)?,
            states: db.open_tree(STATES)?,
            days: db.open_tree(DAYS)?,
            reminders: db.open_tree(REMINDERS)?,
            due: db.open_tree(DUE)?,
            flushes: GroupFlush::default(),
            turns: Arc::default(),
            db,
        })
    }

    /// The date of the user's latest check-in, from the last key under their prefix.
    fn latest_day(&self, user: UserId) -> Result<Option<Date>, StoreError> {
        match self.days.scan_prefix(user_key(user)).keys().next_back() {
            Some(key) => Ok(date_of_day_key(&key?)),
            None => Ok(None),
        }
    }

    /// Every user with any record, in id order (`backcheck migrate` copies them all).
    pub fn users(&self) -> Result<Vec<UserId>, StoreError> {
        let mut users = std::collections::BTreeSet::new();
        for tree in [&self.profiles, &self.states, &self.days, &self.reminders] {
            for key in tree.iter().keys() {
                let key = key?;
                if let Some(id) = key.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                    users.insert(u64::from_be_bytes(id));
                }
            }
        }
        Ok(users.into_iter().collect())
    }

    /// How many users have a profile (for start-up logs and statistics).
    pub fn user_count(&self) -> usize {
        self.profiles.len()
    }

    /// The underlying database, so tests can plant raw bytes; not part of the API.
    #[doc(hidden)]
    pub fn raw_db(&self) -> &sled::Db {
        &self.db
    }
}

/// Tells "another process holds the folder" apart from every other reason an open fails.
fn open_error(path: &str, error: sled::Error) -> StoreError {
    match &error {
        sled::Error::Io(io) if is_lock_error(io) => StoreError::InUse {
            path: path.to_owned(),
        },
        _ => StoreError::Open {
            path: path.to_owned(),
            reason: error.to_string(),
        },
    }
}

/// sled 0.34 reports a held lock as `ErrorKind::Other` with "could not acquire lock on …"
/// (Config::try_lock), wrapping the OS's WouldBlock; the kind is checked too in case a later
/// sled passes the OS error through.
fn is_lock_error(error: &io::Error) -> bool {
    let message = error.to_string();
    error.kind() == io::ErrorKind::WouldBlock
        || message.contains("could not acquire lock")
        || message.contains("Resource temporarily unavailable")
}

impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> Self {
        StoreError::Db(error.to_string())
    }
}

impl<E: Display> From<TransactionError<E>> for StoreError {
    fn from(error: TransactionError<E>) -> Self {
        StoreError::Db(error.to_string())
    }
}

/// Reads and decodes one record, `None` when the key is absent.
fn get<T: Record>(tree: &Tree, key: &[u8]) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|bytes| decode(&bytes)).transpose()
}

/// Decodes every value an iterator yields, in its order.
fn decode_all<T: Record>(iter: sled::Iter) -> Result<Vec<T>, StoreError> {
    iter.values().map(|bytes| decode(&bytes?)).collect()
}

/// Every key under `prefix` in `tree`, collected first because sled transactions cannot scan.
fn keys_with_prefix(tree: &Tree, prefix: &[u8]) -> Result<Vec<IVec>, StoreError> {
    Ok(tree.scan_prefix(prefix).keys().collect::<Result<_, _>>()?)
}

/// The transaction result of closures that can abort with a `StoreError`.
type TxResult = Result<(), ConflictableTransactionError<StoreError>>;

/// Unwraps an abort into the `StoreError` that caused it (the blanket `From` would turn it
/// into a string).
fn tx_error(error: TransactionError<StoreError>) -> StoreError {
    match error {
        TransactionError::Abort(error) => error,
        TransactionError::Storage(error) => error.into(),
    }
}

impl Store for SledStore {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        get(&self.profiles, &user_key(user))
    }

    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError> {
        get(&self.states, &user_key(user))
    }

    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError> {
        get(&self.days, &day_key(user, date))
    }

    fn reminder(&self, user: UserId) -> Result<Option<ReminderState>, StoreError> {
        get(&self.reminders, &user_key(user))
    }

    fn due(&self, up_to: Timestamp, limit: usize) -> Result<Vec<(Timestamp, UserId)>, StoreError> {
        self.due_entries(up_to, limit)
    }

    fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.first_due()
    }

    fn remove_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError> {
        self.remove_stray_due(due, user)
    }

    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError> {
        if from > to {
            return Ok(Vec::new());
        }
        decode_all(self.days.range(day_key(user, from)..=day_key(user, to)))
    }

    /// Encodes everything before the transaction so that the closure, which sled may retry on
    /// conflict, only reads the stored reminder and inserts bytes. An empty change writes and
    /// flushes nothing.
    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError> {
        let Some(encoded) = Encoded::new(self, user, &change)? else {
            return Ok(());
        };
        self.trees()
            .transaction(|trees| match encoded.apply(trees)? {
                true => Ok(()),
                false => Err(ConflictableTransactionError::Abort(StoreError::Conflict)),
            })
            .map_err(tx_error)?;
        if change.durable {
            self.flush()?;
        }
        Ok(())
    }

    /// One transaction for the whole batch; a change whose expectation fails is skipped
    /// inside it, so one user's race cannot undo the others' writes.
    fn write_many(&self, changes: &[(UserId, Change<'_>)]) -> Result<Vec<bool>, StoreError> {
        let encoded = changes
            .iter()
            .map(|(user, change)| Encoded::new(self, *user, change))
            .collect::<Result<Vec<_>, _>>()?;
        let applied = self
            .trees()
            .transaction(|trees| {
                encoded
                    .iter()
                    .map(|e| e.as_ref().map_or(Ok(true), |e| e.apply(trees)))
                    .collect::<Result<Vec<bool>, _>>()
            })
            .map_err(tx_error)?;
        if changes.iter().any(|(_, c)| c.durable) {
            self.flush()?;
        }
        Ok(applied)
    }

    /// Removes the known trees' keys in one transaction, then sweeps any other tree (a later
    /// index, sled's default tree) by prefix, and flushes: /forget is a promise to the user.
    /// The reminder's index key is found from the reminder record, read inside the
    /// transaction so a concurrent reschedule cannot leave a new key behind; only when that
    /// record is unreadable is the whole index scanned for the user's keys.
    fn forget(&self, user: UserId) -> Result<(), StoreError> {
        let prefix = user_key(user);
        let profile_keys = keys_with_prefix(&self.profiles, &prefix)?;
        let state_keys = keys_with_prefix(&self.states, &prefix)?;
        let day_keys = keys_with_prefix(&self.days, &prefix)?;
        let unreadable = matches!(self.reminders.get(prefix)?, Some(bytes) if decode::<ReminderState>(&bytes).is_err());
        let stray_due_keys = if unreadable {
            due_keys_of(&self.due, user)?
        } else {
            Vec::new()
        };

        self.trees()
            .transaction(|(profiles, states, days, reminders, index)| {
                for key in &profile_keys {
                    profiles.remove(key.clone())?;
                }
                for key in &state_keys {
                    states.remove(key.clone())?;
                }
                for key in &day_keys {
                    days.remove(key.clone())?;
                }
                if let Some(Ok(ReminderState {
                    next_due: Some(next),
                    ..
                })) = tx_reminder(reminders, &prefix)?
                {
                    index.remove(&due_key(next, user)[..])?;
                }
                for key in &stray_due_keys {
                    index.remove(key.clone())?;
                }
                reminders.remove(&prefix[..])?;
                TxResult::Ok(())
            })
            .map_err(tx_error)?;

        for name in self.db.tree_names() {
            if KNOWN.iter().any(|known| known.as_bytes() == &*name) {
                continue;
            }
            let tree = self.db.open_tree(&name)?;
            let mut batch = Batch::default();
            for key in keys_with_prefix(&tree, &prefix)? {
                batch.remove(key);
            }
            tree.apply_batch(batch)?;
        }

        self.flush()
    }

    fn export(&self, user: UserId) -> Result<UserData, StoreError> {
        Ok(UserData {
            user,
            profile: self.profile(user)?,
            state: self.state(user)?,
            days: decode_all(self.days.scan_prefix(user_key(user)))?,
            reminder: self.reminder(user)?,
        })
    }

    /// Scans every tree the database has, not just the ones this module writes, so that a
    /// tree added later cannot silently keep a forgotten user's data. In the reminder index
    /// the user id is the suffix, not the prefix, so that tree is scanned whole.
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let prefix = user_key(user);
        let mut found = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let label = String::from_utf8_lossy(&name).into_owned();
            let keys = if DUE.as_bytes() == &*name {
                due_keys_of(&tree, user)?
            } else {
                keys_with_prefix(&tree, &prefix)?
            };
            found.extend(keys.into_iter().map(|key| (label.clone(), key.to_vec())));
        }
        // sled lists trees in no fixed order (it changes across a reopen); sorting makes
        // two listings comparable.
        found.sort();
        Ok(found)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.flushes.flush(|| self.db.flush().map(drop))?;
        Ok(())
    }

    fn lock_user(&self, user: UserId) -> Result<UserLock, StoreError> {
        Ok(UserLock::holding(self.turns.lock(user)))
    }
}

/// The transactional views of every tree, in `SledStore::trees` order.
type TxTrees = (
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
);

/// A `Change` encoded before its transaction, so that the closure (which sled may retry on a
/// conflict) only reads the stored reminder and moves bytes.
struct Encoded<'a> {
    user: UserId,
    key: [u8; 8],
    profile: Option<Vec<u8>>,
    state: Option<Vec<u8>>,
    day: Option<([u8; DAY_KEY_LEN], Vec<u8>)>,
    reminder: Option<(&'a ReminderState, NewReminder)>,
    expect_reminder: Option<Option<&'a ReminderState>>,
    /// The latest check-in the reminder record must know of (see `ReminderState::checked_in`).
    checked_in: Option<Date>,
}

impl<'a> Encoded<'a> {
    /// `None` when the change writes nothing (and so checks nothing either).
    fn new(
        store: &SledStore,
        user: UserId,
        change: &Change<'a>,
    ) -> Result<Option<Self>, StoreError> {
        let Change {
            profile,
            state,
            day,
            reminder,
            expect_reminder,
            durable: _,
        } = *change;
        if profile.is_none() && state.is_none() && day.is_none() && reminder.is_none() {
            return Ok(None);
        }
        // A reminder record that may be new starts from the user's latest check-in; one that
        // replaces a known record (a scheduler's claim) carries the stored date along.
        let latest = match (reminder, expect_reminder) {
            (Some(_), Some(Some(_))) | (None, _) => None,
            (Some(_), _) => store.latest_day(user)?,
        };
        Ok(Some(Encoded {
            user,
            key: user_key(user),
            profile: profile.map(encode).transpose()?,
            state: state.map(encode).transpose()?,
            day: match day {
                Some(record) => Some((day_key(user, record.date), encode(record)?)),
                None => None,
            },
            reminder: match reminder {
                Some(r) => Some((r, encode_reminder(user, r)?)),
                None => None,
            },
            expect_reminder,
            checked_in: latest.max(day.map(|d| d.date)),
        }))
    }

    /// Inside a transaction: writes the change and returns true, or returns false and writes
    /// nothing when the stored reminder is not the one `expect_reminder` names.
    fn apply(&self, trees: &TxTrees) -> Result<bool, ConflictableTransactionError<StoreError>> {
        let (profiles, states, days, reminders, index) = trees;
        let reminder = self.reminder.as_ref().map(|(r, bytes)| (*r, bytes));
        if !tx_write_reminder(
            reminders,
            index,
            self.user,
            reminder,
            self.expect_reminder,
            self.checked_in,
        )? {
            return Ok(false);
        }
        if let Some(bytes) = &self.profile {
            profiles.insert(&self.key[..], bytes.as_slice())?;
        }
        if let Some(bytes) = &self.state {
            states.insert(&self.key[..], bytes.as_slice())?;
        }
        if let Some((day_key, bytes)) = &self.day {
            days.insert(&day_key[..], bytes.as_slice())?;
        }
        Ok(true)
    }
}
