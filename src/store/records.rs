//! Stored values: every record is JSON in a versioned envelope, `{"v":1,"data":{...}}`, so a
//! newer backcheck can upgrade old records and an older one refuses records it cannot read
//! instead of misreading them. Nothing here is sled-specific: another backend can store the
//! same bytes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ReminderState, StoreError};
use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};

/// A type kept in the store, with the name errors use for it and its current version.
pub(crate) trait Record: Serialize + DeserializeOwned {
    /// What the record is, for error messages ("profile", "conversation state", ...).
    const WHAT: &'static str;
    /// The version written now; bump it when the serialized shape changes incompatibly.
    const VERSION: u16;
}

impl Record for Profile {
    const WHAT: &'static str = "profile";
    const VERSION: u16 = 1;
}

impl Record for ConvState {
    const WHAT: &'static str = "conversation state";
    const VERSION: u16 = 1;
}

impl Record for DayRecord {
    const WHAT: &'static str = "check-in";
    const VERSION: u16 = 1;
}

impl Record for ReminderState {
    const WHAT: &'static str = "reminder";
    const VERSION: u16 = 1;
}

/// The envelope as written: borrows the record so encoding copies nothing.
#[derive(Serialize)]
struct Outgoing<'a, T> {
    v: u16,
    data: &'a T,
}

/// The envelope as read: `data` stays untyped until the version has been checked, so that a
/// newer record is reported as newer rather than as garbled.
#[derive(serde::Deserialize)]
struct Incoming {
    v: u16,
    data: serde_json::Value,
}

/// Serializes `record` in its envelope at the current version.
pub(crate) fn encode<T: Record>(record: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(&Outgoing {
        v: T::VERSION,
        data: record,
    })
    .map_err(|e| StoreError::Corrupt {
        what: T::WHAT,
        reason: format!("cannot be serialized: {e}"),
    })
}

/// Reads a record written by `encode`, by this or an earlier version of backcheck.
pub(crate) fn decode<T: Record>(bytes: &[u8]) -> Result<T, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: T::WHAT,
        reason,
    };
    let envelope: Incoming = serde_json::from_slice(bytes)
        .map_err(|e| corrupt(format!("not a versioned record: {e}")))?;
    match envelope.v {
        0 => Err(corrupt("version 0 was never written".to_owned())),
        v if v > T::VERSION => Err(StoreError::NewerVersion {
            what: T::WHAT,
            found: v,
            supported: T::VERSION,
        }),
        // Only version 1 exists so far; older versions get upgraded here once there are any.
        v => serde_json::from_value(envelope.data)
            .map_err(|e| corrupt(format!("version {v} data does not fit: {e}"))),
    }
}
