//! Where everything a user tells backcheck is kept: the `Store` trait, so that a server
//! database can back several bot instances later, and its sled implementation.
//!
//! Keys are big-endian so that ranges scan in order: user id for profiles and conversation
//! state, user id ++ local date for check-ins. Values are serde records carrying a version.

use jiff::civil::Date;

use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};

mod keys;
mod records;
mod sled_store;

pub use sled_store::SledStore;

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
}

/// Several writes for one user, applied atomically: all of them or none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Change<'a> {
    pub profile: Option<&'a Profile>,
    pub state: Option<&'a ConvState>,
    pub day: Option<&'a DayRecord>,
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
}

/// The storage backend. Implementations are shared between tasks and must be cheap to call.
pub trait Store: Send + Sync {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError>;
    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError>;
    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError>;
    /// Check-ins with `from <= date <= to`, oldest first.
    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError>;
    /// Applies `change` atomically (and durably when it says so).
    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError>;
    /// Deletes every key of `user`; other users are untouched. Durable.
    fn forget(&self, user: UserId) -> Result<(), StoreError>;
    /// Everything stored about `user`.
    fn export(&self, user: UserId) -> Result<UserData, StoreError>;
    /// Every key stored for `user`, as raw bytes with the tree name: tests use it to check
    /// that /forget leaves nothing behind.
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Flushes everything to disk.
    fn flush(&self) -> Result<(), StoreError>;
}
