//! The two backends of the contract tests: where a store lives (a sled folder, a database
//! on the test PostgreSQL server), reopening it, and raw access for planting bytes.

use std::path::PathBuf;

use backcheck::store::{PgStore, SledStore, Store};
use jiff::civil::Date;

use super::pg;

/// A place a store lives, opened as often as a test likes (a reopen is a restart), with raw
/// access for tests that plant bytes the store would never write.
pub trait Db {
    type S: Store;
    fn new() -> Self;
    fn open(&self) -> Self::S;
    /// Users with a profile.
    fn user_count(&self, store: &Self::S) -> usize;
    /// The reminder index as the sled keys (due second with its sign bit flipped ++ user id,
    /// big-endian), in key order.
    fn index_keys(&self, store: &Self::S) -> Vec<Vec<u8>>;
    /// The stored bytes of a per-user record ("profiles", "states", "reminders").
    fn raw_value(&self, store: &Self::S, table: &str, user: u64) -> Option<Vec<u8>>;
    /// Stores `bytes` as the record `row`, unchecked.
    fn plant(&self, store: &Self::S, row: Row, bytes: &[u8]);
}

/// A raw record to plant.
#[derive(Debug, Clone, Copy)]
pub enum Row {
    Profile(u64),
    State(u64),
    Reminder(u64),
    Day(u64, Date),
    /// A reminder-index entry: the due second and the user (the bytes are ignored).
    Due(i64, u64),
    /// A record in a table (tree) the store does not know, keyed by user.
    Extra(&'static str, u64),
}

/// A sled folder.
pub struct SledDb {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db for SledDb {
    type S = SledStore;
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        SledDb { _dir: dir, path }
    }
    fn open(&self) -> SledStore {
        SledStore::open(&self.path).unwrap()
    }
    fn user_count(&self, store: &SledStore) -> usize {
        store.user_count()
    }
    fn index_keys(&self, store: &SledStore) -> Vec<Vec<u8>> {
        let tree = store.raw_db().open_tree("due").unwrap();
        tree.iter()
            .map(|entry| {
                let (key, value) = entry.unwrap();
                assert!(value.is_empty(), "index values are empty");
                key.to_vec()
            })
            .collect()
    }
    fn raw_value(&self, store: &SledStore, table: &str, user: u64) -> Option<Vec<u8>> {
        let tree = store.raw_db().open_tree(table).unwrap();
        tree.get(user.to_be_bytes()).unwrap().map(|v| v.to_vec())
    }
    fn plant(&self, store: &SledStore, row: Row, bytes: &[u8]) {
        let (tree, key) = match row {
            Row::Profile(u) => ("profiles", u.to_be_bytes().to_vec()),
            Row::State(u) => ("states", u.to_be_bytes().to_vec()),
            Row::Reminder(u) => ("reminders", u.to_be_bytes().to_vec()),
            Row::Day(u, d) => {
                let mut key = u.to_be_bytes().to_vec();
                key.extend_from_slice(&((d.year() as u16) ^ 0x8000).to_be_bytes());
                key.extend_from_slice(&[d.month() as u8, d.day() as u8]);
                ("days", key)
            }
            Row::Due(second, u) => {
                let mut key = ((second as u64) ^ (1 << 63)).to_be_bytes().to_vec();
                key.extend_from_slice(&u.to_be_bytes());
                ("due", key)
            }
            Row::Extra(tree, u) => (tree, u.to_be_bytes().to_vec()),
        };
        let bytes = if matches!(row, Row::Due(..)) {
            &[][..]
        } else {
            bytes
        };
        let tree = store.raw_db().open_tree(tree).unwrap();
        tree.insert(key, bytes).unwrap();
    }
}

/// A database on the test binary's PostgreSQL server.
pub struct PgDb {
    url: String,
}

impl PgDb {
    /// Runs SQL on this database with psql; returns its output.
    fn sql(&self, sql: &str) -> String {
        let name = self.url.rsplit('/').next().unwrap();
        pg::shared().psql(name, sql)
    }
}

/// Bytes as a PostgreSQL bytea literal.
fn bytea(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("'\\x{hex}'::bytea")
}

impl Db for PgDb {
    type S = PgStore;
    fn new() -> Self {
        PgDb {
            url: pg::database(),
        }
    }
    fn open(&self) -> PgStore {
        PgStore::open(&self.url).unwrap()
    }
    fn user_count(&self, _: &PgStore) -> usize {
        self.sql("SELECT count(*) FROM profiles").parse().unwrap()
    }
    fn index_keys(&self, _: &PgStore) -> Vec<Vec<u8>> {
        let out = self.sql("SELECT due, user_id FROM due");
        let mut keys: Vec<Vec<u8>> = out
            .lines()
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (due, user) = line.split_once('|').unwrap();
                let (due, user): (i64, i64) = (due.parse().unwrap(), user.parse().unwrap());
                let mut key = ((due as u64) ^ (1 << 63)).to_be_bytes().to_vec();
                key.extend_from_slice(&(user as u64).to_be_bytes());
                key
            })
            .collect();
        keys.sort();
        keys
    }
    fn raw_value(&self, _: &PgStore, table: &str, user: u64) -> Option<Vec<u8>> {
        let out = self.sql(&format!(
            "SELECT encode(value, 'hex') FROM {table} WHERE user_id = {}",
            user as i64
        ));
        (!out.is_empty()).then(|| {
            (0..out.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&out[i..i + 2], 16).unwrap())
                .collect()
        })
    }
    fn plant(&self, _: &PgStore, row: Row, bytes: &[u8]) {
        let value = bytea(bytes);
        let sql = match row {
            Row::Profile(u) | Row::State(u) | Row::Reminder(u) => {
                let table = match row {
                    Row::Profile(_) => "profiles",
                    Row::State(_) => "states",
                    _ => "reminders",
                };
                format!(
                    "INSERT INTO {table} VALUES ({}, {value}) ON CONFLICT (user_id) DO UPDATE SET value = EXCLUDED.value",
                    u as i64
                )
            }
            Row::Day(u, d) => {
                let number =
                    i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day());
                format!("INSERT INTO days VALUES ({}, {number}, {value})", u as i64)
            }
            Row::Due(second, u) => format!("INSERT INTO due VALUES ({second}, {})", u as i64),
            Row::Extra(table, u) => format!(
                "CREATE TABLE IF NOT EXISTS {table} (user_id BIGINT NOT NULL, value BYTEA);
                 INSERT INTO {table} VALUES ({}, {value})",
                u as i64
            ),
        };
        self.sql(&sql);
    }
}
