//! The sled implementation of `Store` (placeholder until it lands).

use std::path::Path;

use jiff::civil::Date;

use super::{Change, Store, StoreError, UserData, UserId};
use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};

/// A `Store` on an embedded sled database.
pub struct SledStore {
    _db: sled::Db,
}

impl SledStore {
    /// Opens (or creates) the database in `path`. A second process gets `StoreError::InUse`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let _ = path;
        todo!()
    }

    /// A throwaway database that lives in memory and is deleted on drop (tests, benchmarks).
    pub fn temporary() -> Result<Self, StoreError> {
        todo!()
    }
}

impl Store for SledStore {
    fn profile(&self, _user: UserId) -> Result<Option<Profile>, StoreError> {
        todo!()
    }
    fn state(&self, _user: UserId) -> Result<Option<ConvState>, StoreError> {
        todo!()
    }
    fn day(&self, _user: UserId, _date: Date) -> Result<Option<DayRecord>, StoreError> {
        todo!()
    }
    fn days(&self, _user: UserId, _from: Date, _to: Date) -> Result<Vec<DayRecord>, StoreError> {
        todo!()
    }
    fn write(&self, _user: UserId, _change: Change<'_>) -> Result<(), StoreError> {
        todo!()
    }
    fn forget(&self, _user: UserId) -> Result<(), StoreError> {
        todo!()
    }
    fn export(&self, _user: UserId) -> Result<UserData, StoreError> {
        todo!()
    }
    fn raw_keys(&self, _user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        todo!()
    }
    fn flush(&self) -> Result<(), StoreError> {
        todo!()
    }
}
