//! The PostgreSQL implementation of `Store`, for several replicas on one database.
//!
//! Same records and semantics as the sled store: one table per sled tree (see `schema`),
//! values are the same versioned JSON bytes, the reminder index is a table in (due, user)
//! order, and a `Change` is one transaction. Every commit is synchronous
//! (`synchronous_commit = on` on every connection), so a write has reached the server's disk
//! when it returns, durable or not, and `flush` has nothing left to do.
//!
//! # Sync trait, async driver
//!
//! `Store` is synchronous and is called both from blocking threads (Engine turns) and from
//! async tasks (the reminder loop ticks inline). The store owns a small tokio runtime on
//! which tokio-postgres and its deadpool pools run; a call spawns its work there and waits on
//! a std channel. That never enters the caller's runtime (whose `block_on` would panic inside
//! an async context), so either kind of caller may use it; like sled's, a call blocks its
//! thread for the duration of the query.
//!
//! # Turn locks
//!
//! `lock_user` holds a session advisory lock (`pg_advisory_lock(user id)`) on a connection
//! from a pool of its own for the whole turn, so the turn's reads and writes (on the main
//! pool) can never wait for a connection that a waiting lock holds. The lock goes with the
//! session: if the connection or the replica dies, PostgreSQL releases it.

mod schema;
mod write;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use jiff::Timestamp;
use jiff::civil::Date;
use tokio::runtime::{Handle, Runtime};
use tokio_postgres::NoTls;

use super::keys::{day_key, due_key, floor_second, user_key};
use super::records::{Record, decode, encode};
use super::user_lock::{LocalGuard, LocalLocks, UserLock};
use super::{Change, ReminderState, Store, StoreError, UserData, UserId};
use crate::engine::state::ConvState;
use crate::model::{DayRecord, Profile};
use write::{Outcome, Prepared, Wait};

/// Connections for reads and writes, per replica.
const POOL_SIZE: usize = 16;
/// Connections holding turn locks, per replica: one per turn in progress (the Telegram
/// runtime runs at most 32 blocking tasks).
const LOCK_POOL_SIZE: usize = 40;
/// How long connecting may take, unless the URL says (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a turn waits for another replica's turn of the same user before it fails.
const LOCK_TIMEOUT: &str = "30s";
/// How often an unconditional write retries after losing the race to create its row.
const RACE_ATTEMPTS: usize = 5;

/// A `Store` on a PostgreSQL database.
pub struct PgStore {
    /// The runtime the driver runs on; `Option` so that `Drop` can shut it down without
    /// blocking (a store may be dropped inside an async task).
    runtime: Option<Runtime>,
    handle: Handle,
    pool: Pool,
    locks: Pool,
    local: Arc<LocalLocks>,
    /// The URL without its password, for messages.
    shown: String,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`, or
    /// a `host=... dbname=...` string) and brings its schema up to date. A bad URL, an
    /// unreachable server or a refused login is `StoreError::Open`, whose message never
    /// holds the password.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let shown = redact_url(url);
        let open_error = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason: hide_password(url, &reason),
        };
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| open_error(format!("not a valid PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("backcheck-pg")
            .enable_all()
            .build()
            .map_err(|e| open_error(format!("cannot start the database runtime: {e}")))?;
        let handle = runtime.handle().clone();

        let mut main = config.clone();
        main.options(&with_option(&config, "synchronous_commit=on"));
        let mut locking = config.clone();
        locking.options(&with_option(
            &config,
            &format!("lock_timeout={LOCK_TIMEOUT}"),
        ));
        let started = bridge(&handle, async move {
            let (mut client, connection) = config.connect(NoTls).await?;
            let task = tokio::spawn(connection);
            let applied = schema::migrate(&mut client).await;
            drop(client);
            let _ = task.await;
            let pool = pool_of(main, POOL_SIZE)?;
            let locks = pool_of(locking, LOCK_POOL_SIZE)?;
            // One connection now, so that a login the pool cannot make fails here.
            drop(pool.get().await?);
            Ok((applied?, pool, locks))
        });
        let (applied, pool, locks) = match started {
            Ok(ok) => ok,
            Err(e) => {
                runtime.shutdown_background();
                return Err(match e {
                    StoreError::Open { reason, .. } => open_error(reason),
                    other => open_error(other.to_string()),
                });
            }
        };
        if !applied.is_empty() {
            tracing::info!(database = %shown, versions = ?applied, "database schema migrated");
        }
        Ok(PgStore {
            runtime: Some(runtime),
            handle,
            pool,
            locks,
            local: Arc::new(LocalLocks::default()),
            shown,
        })
    }

    /// The URL it was opened with, without the password.
    pub fn shown_url(&self) -> &str {
        &self.shown
    }

    /// Runs `work` on the store's runtime and waits for it from this thread, whatever runtime
    /// (if any) this thread belongs to.
    fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        bridge(&self.handle, work)
    }

    /// Runs `work` with a connection of the main pool.
    fn with_client<T, F, Fut>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Object) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send,
    {
        let pool = self.pool.clone();
        self.run(async move { work(pool.get().await?).await })
    }

    /// One record by user id from `table` (a constant name).
    fn get<T: Record + Send + 'static>(
        &self,
        sql: &'static str,
        user: UserId,
    ) -> Result<Option<T>, StoreError> {
        self.with_client(move |client| async move {
            let stmt = client.prepare_cached(sql).await?;
            let row = client.query_opt(&stmt, &[&uid(user)]).await?;
            row.map(|row| decode(row.get::<_, &[u8]>(0))).transpose()
        })
    }

    /// Every user with any record, in id order (for `backcheck migrate` checks).
    pub fn users(&self) -> Result<Vec<UserId>, StoreError> {
        self.with_client(|client| async move {
            let rows = client
                .query(
                    "SELECT user_id FROM profiles UNION SELECT user_id FROM states
                     UNION SELECT user_id FROM days UNION SELECT user_id FROM reminders
                     ORDER BY 1",
                    &[],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get::<_, i64>(0) as UserId).collect())
        })
    }

    /// Writes profiles and reminder states (with their index entries) in a few big
    /// statements: for filling a benchmark database with 100,000 users in seconds. Replaces
    /// whatever those users had; not part of the API.
    #[doc(hidden)]
    pub fn bulk_load_reminders(
        &self,
        users: &[(UserId, &Profile, &ReminderState)],
    ) -> Result<(), StoreError> {
        let mut ids = Vec::with_capacity(users.len());
        let (mut profiles, mut reminders) = (Vec::new(), Vec::new());
        let (mut due_ids, mut due_at) = (Vec::new(), Vec::new());
        for &(user, profile, state) in users {
            ids.push(uid(user));
            profiles.push(encode(profile)?);
            reminders.push(encode(state)?);
            if let Some(next) = state.next_due {
                due_ids.push(uid(user));
                due_at.push(floor_second(next));
            }
        }
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await?;
            tx.execute("DELETE FROM due WHERE user_id = ANY($1)", &[&ids])
                .await?;
            for table in ["profiles", "reminders"] {
                let values = if table == "profiles" {
                    &profiles
                } else {
                    &reminders
                };
                let sql = format!(
                    "INSERT INTO {table} (user_id, value) SELECT * FROM unnest($1::bigint[], $2::bytea[])
                     ON CONFLICT (user_id) DO UPDATE SET value = EXCLUDED.value"
                );
                tx.execute(&sql, &[&ids, values]).await?;
            }
            tx.execute(
                "INSERT INTO due (due, user_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])",
                &[&due_at, &due_ids],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Applies prepared changes of distinct users in one transaction.
    fn apply(&self, changes: Vec<Prepared>, wait: Wait) -> Result<Vec<Outcome>, StoreError> {
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await?;
            write::apply(tx, &changes, wait).await
        })
    }

    /// Applies one change, waiting for its row, again when it raced to create the row.
    fn write_one(&self, change: Prepared) -> Result<Outcome, StoreError> {
        let change = Arc::new(change);
        self.with_client(move |mut client| async move {
            for _ in 0..RACE_ATTEMPTS {
                let tx = client.transaction().await?;
                let outcome = write::apply(tx, std::slice::from_ref(&*change), Wait::Block).await?;
                if outcome[0] != Outcome::Raced {
                    return Ok(outcome[0]);
                }
            }
            Err(StoreError::Db(
                "a reminder record kept changing while it was written; nothing was written"
                    .to_owned(),
            ))
        })
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Spawns `work` on `handle` and waits for its result on a std channel.
fn bridge<T, F>(handle: &Handle, work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, StoreError>> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    handle.spawn(async move {
        let _ = tx.send(work.await);
    });
    rx.recv().unwrap_or_else(|_| {
        Err(StoreError::Db(
            "the database runtime stopped before the query finished".to_owned(),
        ))
    })
}

/// A pool of at most `size` connections, recycled without a test query.
fn pool_of(config: tokio_postgres::Config, size: usize) -> Result<Pool, StoreError> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| StoreError::Db(format!("cannot build the connection pool: {e}")))
}

/// `config`'s server options with `-c setting` added.
fn with_option(config: &tokio_postgres::Config, setting: &str) -> String {
    match config.get_options() {
        Some(options) if !options.trim().is_empty() => format!("{options} -c {setting}"),
        _ => format!("-c {setting}"),
    }
}

/// The URL as it may be shown: `postgres://user:***@host/db`. A key-value string loses its
/// `password=` value.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if let Some((userinfo, host)) = authority.rsplit_once('@') {
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            let tail = hide_query_password(tail);
            return format!("{scheme}://{user}{hidden}@{host}{tail}");
        }
        return format!("{scheme}://{authority}{}", hide_query_password(tail));
    }
    url.split_whitespace()
        .map(|part| match part.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => "password=***".to_owned(),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `?password=...` in a URL's query, hidden.
fn hide_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => "password=***".to_owned(),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// `message` with any password of `url` cut out, in case a driver message quotes it.
fn hide_password(url: &str, message: &str) -> String {
    let mut message = message.to_owned();
    for password in passwords_in(url) {
        if !password.is_empty() {
            message = message.replace(&password, "***");
        }
    }
    message
}

/// The password(s) a URL or key-value string holds, as written.
fn passwords_in(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                found.push(password.to_owned());
            }
        }
    }
    for part in url.split(['&', '?', ' ']) {
        if let Some((key, value)) = part.split_once('=') {
            if key.eq_ignore_ascii_case("password") {
                found.push(value.to_owned());
            }
        }
    }
    found
}

/// A user id as its bigint column: the same 64 bits.
fn uid(user: UserId) -> i64 {
    user as i64
}

/// A date as the `days.day` column: yyyymmdd, which sorts as dates do (negative years too).
fn day_number(date: Date) -> i32 {
    i32::from(date.year()) * 10_000 + i32::from(date.month()) * 100 + i32::from(date.day())
}

/// The date of a `days.day` value.
fn date_of_number(number: i32) -> Option<Date> {
    let (year, rest) = (number.div_euclid(10_000), number.rem_euclid(10_000));
    Date::new(
        i16::try_from(year).ok()?,
        (rest / 100) as i8,
        (rest % 100) as i8,
    )
    .ok()
}

/// A due second read from the index.
fn due_instant(second: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(second).map_err(|_| StoreError::Corrupt {
        what: "reminder index",
        reason: format!("{second} is not a due instant"),
    })
}

/// Every table of the store's schema with a `user_id` column: the known ones and any added
/// later, so that /forget and `raw_keys` cannot miss one. `reminders` comes first: it is the
/// row writes lock first.
const USER_TABLES: &str = "SELECT c.relname::text FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     WHERE a.attname = 'user_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
       AND c.relnamespace = current_schema()::regnamespace
     ORDER BY c.relname <> 'reminders', c.relname";

/// A table name as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

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
        let users: Vec<UserId> = prepared.iter().map(Prepared::user).collect();
        let outcomes = if prepared.is_empty() {
            Vec::new()
        } else {
            self.apply(prepared, Wait::SkipLocked)?
        };
        let mut applied = Vec::with_capacity(changes.len());
        for slot in slots {
            let Some(i) = slot else {
                applied.push(true);
                continue;
            };
            applied.push(match outcomes[i] {
                Outcome::Applied => true,
                Outcome::Conflict => false,
                // An unconditional change that lost its row: applied on its own, waiting.
                Outcome::Raced => {
                    let (user, change) = changes[i];
                    debug_assert_eq!(user, users[i]);
                    match self.write(user, change) {
                        Ok(()) => true,
                        Err(StoreError::Conflict) => false,
                        Err(e) => return Err(e),
                    }
                }
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

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) => StoreError::Db(format!("PostgreSQL: {}", db.message())),
            None => StoreError::Db(error.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        StoreError::Db(format!("no database connection: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_sort_as_dates_and_round_trip() {
        let dates = [
            date(-9999, 1, 1),
            date(-1, 12, 31),
            date(0, 1, 1),
            date(2025, 12, 31),
            date(2026, 1, 1),
            date(9999, 12, 31),
        ];
        for pair in dates.windows(2) {
            assert!(day_number(pair[0]) < day_number(pair[1]), "{pair:?}");
        }
        for d in dates {
            assert_eq!(date_of_number(day_number(d)), Some(d));
        }
        assert_eq!(day_number(date(2026, 3, 1)), 20260301);
        assert_eq!(date_of_number(20261341), None);
    }

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redact_url("postgres://bc:s3cr%40t@db.example:5432/backcheck?sslmode=disable"),
            "postgres://bc:***@db.example:5432/backcheck?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgresql://bc@localhost/bc"),
            "postgresql://bc@localhost/bc"
        );
        assert_eq!(
            redact_url("postgres://localhost/bc?user=bc&password=hunter2"),
            "postgres://localhost/bc?user=bc&password=***"
        );
        assert_eq!(
            redact_url("host=localhost user=bc password=hunter2 dbname=bc"),
            "host=localhost user=bc password=*** dbname=bc"
        );
        assert_eq!(
            hide_password("postgres://bc:hunter2@h/db", "login hunter2 refused"),
            "login *** refused"
        );
    }
}
