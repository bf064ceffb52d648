//! Where everything a user tells backcheck is kept: the `Store` trait and its two
//! implementations, sled (embedded, one process: the default) and PostgreSQL (a server
//! database that several replicas share).
//!
//! Keys are big-endian so that ranges scan in order: user id for profiles, conversation
//! state and reminder state, user id ++ local date for check-ins, and due instant ++ user id
//! for the reminder index, so the scheduler reads only what is due. Values are serde records
//! carrying a version.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};

mod keys;
pub mod migrate;
mod postgres;
mod records;
mod sled_store;
mod user_lock;

pub use postgres::{PgStore, redact_url};
pub use sled_store::SledStore;
pub use user_lock::UserLock;

/// A user, as the transport identifies them (the Telegram user id; 0 for the console).
pub type UserId = u64;

/// What can go wrong with the database. Messages tell the person running the bot what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database at {path} is in use by another backcheck process; stop it or choose another data folder (BACKCHECK_DATA_DIR)"
    )]
    InUse { path: String },
    #[error("cannot open the database at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("database error: {0}")]
    Db(String),
    #[error("a stored {what} record is unreadable: {reason}")]
    Corrupt { what: &'static str, reason: String },
    #[error(
        "a stored {what} record has version {found}, newer than this backcheck understands ({supported}); upgrade backcheck"
    )]
    NewerVersion {
        what: &'static str,
        found: u16,
        supported: u16,
    },
    /// A conditional write (`Change::expect_reminder`) found the reminder changed under it.
    #[error("the stored reminder changed while this write was prepared; nothing was written")]
    Conflict,
}

/// What the scheduler remembers about one user's daily reminder (see `crate::reminders`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReminderState {
    /// When the reminder is next due; the due index holds exactly this entry. `None`: no
    /// reminder is scheduled.
    pub next_due: Option<Timestamp>,
    /// The local date of the last reminder handed out for sending: never two for one date.
    pub last_sent: Option<Date>,
    /// `next_due` is a one-off (a snooze, or a retry after a network failure) that re-sends
    /// the last reminder instead of starting a new day.
    pub snoozed: bool,
    /// Deliveries refused with 403 (the user blocked the bot) in a row.
    pub failures: u8,
    /// The profile's reminder time and zone, copied whenever it is scheduled
    /// (`Scheduler::schedule`), so that a scheduler tick decides from this one record instead
    /// of reading the profile too. `None` in records written before it existed.
    #[serde(default)]
    pub daily: Option<Daily>,
    /// The latest local date with a check-in, kept by the store itself: every write of a
    /// check-in raises it, and a new reminder record starts from the user's latest check-in.
    /// So "already checked in today" needs no read of the check-ins.
    #[serde(default)]
    pub checked_in: Option<Date>,
}

/// When a daily reminder is due: a local time in a time zone (an IANA name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Daily {
    pub zone: String,
    pub at: jiff::civil::Time,
}

/// Several writes for one user, applied atomically: all of them or none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Change<'a> {
    pub profile: Option<&'a Profile>,
    pub state: Option<&'a ConvState>,
    pub day: Option<&'a DayRecord>,
    /// The new reminder state. Its due-index entry moves with it: the entry for the stored
    /// state's `next_due` is removed and one for the new `next_due` inserted, in the same
    /// transaction as the rest of the change.
    pub reminder: Option<&'a ReminderState>,
    /// When set, the change is applied only if the stored reminder state is still exactly
    /// this (`Some(None)`: there is none); otherwise nothing is written and the write fails
    /// with `StoreError::Conflict`. A scheduler tick uses it to claim a reminder once, even
    /// when a settings change or another tick races it. (A change that writes nothing checks
    /// nothing either.)
    pub expect_reminder: Option<Option<&'a ReminderState>>,
    /// Flush to disk before returning (a completed check-in is on disk before its plan is sent).
    pub durable: bool,
}

/// Everything stored about one user, as /export hands it out.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UserData {
    pub user: UserId,
    pub profile: Option<Profile>,
    pub state: Option<ConvState>,
    pub days: Vec<DayRecord>,
    pub reminder: Option<ReminderState>,
}

/// The storage backend. Implementations are shared between tasks and must be cheap to call.
pub trait Store: Send + Sync {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError>;
    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError>;
    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError>;
    /// Check-ins with `from <= date <= to`, oldest first.
    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError>;
    /// The user's reminder state, if a reminder was ever scheduled.
    fn reminder(&self, user: UserId) -> Result<Option<ReminderState>, StoreError>;
    /// Up to `limit` reminder-index entries due at or before `up_to` (to the second), earliest
    /// first and by user id within a second. Reads only those entries, never the whole index.
    fn due(&self, up_to: Timestamp, limit: usize) -> Result<Vec<(Timestamp, UserId)>, StoreError>;
    /// The earliest due instant in the index (to the second), so the scheduler knows how long
    /// it may sleep.
    fn next_due(&self) -> Result<Option<Timestamp>, StoreError>;
    /// Removes the index entry (`due`, `user`) unless the user's readable reminder state
    /// points at it: repairs an entry that outlived its record, so it cannot stall the index.
    fn remove_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError>;
    /// Applies `change` atomically (and durably when it says so).
    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError>;
    /// Applies several users' changes as one batch, returning for each whether it was
    /// applied: a change whose `expect_reminder` no longer holds is skipped whole (`false`)
    /// and the others still land. Durable when any of them says so. A scheduler tick claims
    /// a thousand reminders this way at the cost of one write instead of a thousand.
    ///
    /// The default applies them one by one; a backend with multi-key transactions (sled)
    /// applies them all in one.
    fn write_many(&self, changes: &[(UserId, Change<'_>)]) -> Result<Vec<bool>, StoreError> {
        let mut applied = Vec::with_capacity(changes.len());
        for &(user, change) in changes {
            match self.write(user, change) {
                Ok(()) => applied.push(true),
                Err(StoreError::Conflict) => applied.push(false),
                Err(e) => return Err(e),
            }
        }
        Ok(applied)
    }
    /// Deletes every key of `user`, their reminder and its index entry included; other users
    /// are untouched. Durable.
    fn forget(&self, user: UserId) -> Result<(), StoreError>;
    /// Everything stored about `user`.
    fn export(&self, user: UserId) -> Result<UserData, StoreError>;
    /// Every key stored for `user`, as raw bytes with the tree name, including reminder-index
    /// keys that end with the user id, sorted by tree then key: tests use it to check that /forget leaves nothing
    /// behind. Scans the whole index, so it is for tests and audits, not for requests.
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Flushes everything to disk.
    fn flush(&self) -> Result<(), StoreError>;
    /// Waits until no other turn of `user` runs, on this process or (for a shared database)
    /// any replica, and holds that until the returned lock is dropped: `Engine` holds it for
    /// a whole turn, so two updates of one user never interleave their reads and writes.
    /// Blocks the thread; call it from a blocking thread.
    ///
    /// The default holds nothing, for a store used by one turn at a time (a test wrapper);
    /// both backends override it.
    fn lock_user(&self, user: UserId) -> Result<UserLock, StoreError> {
        let _ = user;
        Ok(UserLock::none())
    }
}
