//! `Store` on PostgreSQL: reads, the index, /forget, and the turn lock. Writes are in
//! `write`.

use deadpool_postgres::Object;
use jiff::Timestamp;
use jiff::civil::Date;
use tokio::runtime::Handle;

use super::PgStore;
use super::columns::{USER_TABLES, date_of_number, day_number, due_instant, quoted, uid};
use super::write::{Outcome, Prepared, Wait};
use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};
use crate::store::keys::{day_key, due_key, floor_second, user_key};
use crate::store::records::decode;
use crate::store::user_lock::{LocalGuard, UserLock};
use crate::store::{Change, ReminderState, Store, StoreError, UserData, UserId};

/// A turn lock: the in-process lock, and the connection holding the advisory lock.
struct PgUserLock {
    conn: Option<Object>,
    handle: Handle,
    user: i64,
    /// Released after the advisory unlock is on its way (field drop order).
    _local: LocalGuard,
}

impl Drop for PgUserLock {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let user = self.user;
        self.handle.spawn(async move {
            if let Err(e) = conn
                .execute("SELECT pg_advisory_unlock($1)", &[&user])
                .await
            {
                // Closing the session releases the lock for sure.
                tracing::warn!(error = %e, "cannot release a turn lock; closing its connection");
                drop(Object::take(conn));
            }
        });
    }
}

impl Store for PgStore {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        self.get("SELECT value FROM profiles WHERE user_id = $1", user)
    }

    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError> {
        self.get("SELECT value FROM states WHERE user_id = $1", user)
    }

    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError> {
        self.with_client(move |client| async move {
            let stmt = client
                .prepare_cached("SELECT value FROM days WHERE user_id = $1 AND day = $2")
                .await?;
            let row = client
                .query_opt(&stmt, &[&uid(user), &day_number(date)])
                .await?;
            row.map(|row| decode(row.get::<_, &[u8]>(0))).transpose()
        })
    }

    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError> {
        if from > to {
            return Ok(Vec::new());
        }
        self.with_client(move |client| async move {
            let stmt = client
                .prepare_cached(
                    "SELECT value FROM days WHERE user_id = $1 AND day BETWEEN $2 AND $3
                     ORDER BY day",
                )
                .await?;
            let rows = client
                .query(&stmt, &[&uid(user), &day_number(from), &day_number(to)])
                .await?;
            rows.iter()
                .map(|row| decode(row.get::<_, &[u8]>(0)))
                .collect()
        })
    }

    fn reminder(&self, user: UserId) -> Result<Option<ReminderState>, StoreError> {
        self.get("SELECT value FROM reminders WHERE user_id = $1", user)
    }

    fn due(&self, up_to: Timestamp, limit: usize) -> Result<Vec<(Timestamp, UserId)>, StoreError> {
        let (up_to, limit) = (
            floor_second(up_to),
            i64::try_from(limit).unwrap_or(i64::MAX),
        );
        self.with_client(move |client| async move {
            let stmt = client
                .prepare_cached(
                    "SELECT due, user_id FROM due WHERE due <= $1 ORDER BY due, user_id LIMIT $2",
                )
                .await?;
            let rows = client.query(&stmt, &[&up_to, &limit]).await?;
            rows.iter()
                .map(|row| Ok((due_instant(row.get(0))?, row.get::<_, i64>(1) as UserId)))
                .collect()
        })
    }

    fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.with_client(|client| async move {
            let stmt = client.prepare_cached("SELECT min(due) FROM due").await?;
            let first: Option<i64> = client.query_one(&stmt, &[]).await?.get(0);
            first.map(due_instant).transpose()
        })
    }

    /// Locks the reminder row, so that a write re-pointing it at this very entry cannot
    /// lose it.
    fn remove_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError> {
        let second = floor_second(due);
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await?;
            let row = tx
                .query_opt(
                    "SELECT value FROM reminders WHERE user_id = $1 FOR UPDATE",
                    &[&uid(user)],
                )
                .await?;
            let points_here = match row {
                Some(row) => matches!(
                    decode::<ReminderState>(row.get(0)),
                    Ok(ReminderState { next_due: Some(next), .. }) if floor_second(next) == second
                ),
                None => false,
            };
            if !points_here {
                tx.execute(
                    "DELETE FROM due WHERE due = $1 AND user_id = $2",
                    &[&second, &uid(user)],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError> {
        let Some(prepared) = Prepared::new(user, &change)? else {
            return Ok(());
        };
        match self.write_one(prepared)? {
            Outcome::Applied => Ok(()),
            Outcome::Conflict | Outcome::Raced => Err(StoreError::Conflict),
        }
    }

    /// One transaction claiming rows with `FOR UPDATE SKIP LOCKED` (see `write`). A batch
    /// naming a user twice is applied change by change instead, in order.
    fn write_many(&self, changes: &[(UserId, Change<'_>)]) -> Result<Vec<bool>, StoreError> {
        let mut seen = std::collections::HashSet::new();
        if !changes.iter().all(|(user, _)| seen.insert(*user)) {
            let mut applied = Vec::with_capacity(changes.len());
            for &(user, change) in changes {
                match self.write(user, change) {
                    Ok(()) => applied.push(true),
                    Err(StoreError::Conflict) => applied.push(false),
                    Err(e) => return Err(e),
                }
            }
            return Ok(applied);
        }
        let mut slots = Vec::with_capacity(changes.len());
        let mut prepared = Vec::new();
        for (user, change) in changes {
            match Prepared::new(*user, change)? {
                Some(p) => {
                    slots.push(Some(prepared.len()));
                    prepared.push(p);
                }
                None => slots.push(None),
            }
        }
        let outcomes = if prepared.is_empty() {
            Vec::new()
        } else {
            self.apply(prepared, Wait::SkipLocked)?
        };
        let mut applied = Vec::with_capacity(changes.len());
        for (&(user, change), slot) in changes.iter().zip(slots) {
            let Some(i) = slot else {
                applied.push(true);
                continue;
            };
            applied.push(match outcomes[i] {
                Outcome::Applied => true,
                Outcome::Conflict => false,
                // An unconditional change that lost its row: applied on its own, waiting.
                Outcome::Raced => match self.write(user, change) {
                    Ok(()) => true,
                    Err(StoreError::Conflict) => false,
                    Err(e) => return Err(e),
                },
            });
        }
        Ok(applied)
    }

    fn forget(&self, user: UserId) -> Result<(), StoreError> {
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await?;
            let tables = tx.query(USER_TABLES, &[]).await?;
            for row in tables {
                let table: String = row.get(0);
                let sql = format!("DELETE FROM {} WHERE user_id = $1", quoted(&table));
                tx.execute(&sql, &[&uid(user)]).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn export(&self, user: UserId) -> Result<UserData, StoreError> {
        Ok(UserData {
            user,
            profile: self.profile(user)?,
            state: self.state(user)?,
            days: self.days(user, Date::MIN, Date::MAX)?,
            reminder: self.reminder(user)?,
        })
    }

    /// The sled store's keys for the same rows (user id, user id ++ date, due second ++ user
    /// id), so both backends list a user alike; a table this module does not know lists the
    /// user key once per row.
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.with_client(move |client| async move {
            let mut found = Vec::new();
            for row in client.query(USER_TABLES, &[]).await? {
                let table: String = row.get(0);
                let keys: Vec<Vec<u8>> = match table.as_str() {
                    "days" => client
                        .query("SELECT day FROM days WHERE user_id = $1", &[&uid(user)])
                        .await?
                        .iter()
                        .filter_map(|r| date_of_number(r.get(0)))
                        .map(|d| day_key(user, d).to_vec())
                        .collect(),
                    "due" => {
                        let rows = client
                            .query("SELECT due FROM due WHERE user_id = $1", &[&uid(user)])
                            .await?;
                        let mut keys = Vec::new();
                        for r in rows {
                            keys.push(due_key(due_instant(r.get(0))?, user).to_vec());
                        }
                        keys
                    }
                    _ => {
                        let sql =
                            format!("SELECT count(*) FROM {} WHERE user_id = $1", quoted(&table));
                        let n: i64 = client.query_one(&sql, &[&uid(user)]).await?.get(0);
                        (0..n).map(|_| user_key(user).to_vec()).collect()
                    }
                };
                found.extend(keys.into_iter().map(|key| (table.clone(), key)));
            }
            found.sort();
            Ok(found)
        })
    }

    /// Every commit is already synchronous.
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn lock_user(&self, user: UserId) -> Result<UserLock, StoreError> {
        let local = self.local.lock(user);
        let pool = self.locks.clone();
        let id = uid(user);
        let conn = self.run(async move {
            let client = pool.get().await?;
            client
                .execute("SELECT pg_advisory_lock($1)", &[&id])
                .await?;
            Ok(client)
        })?;
        Ok(UserLock::holding(PgUserLock {
            conn: Some(conn),
            handle: self.handle.clone(),
            user: id,
            _local: local,
        }))
    }
}
