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

mod columns;
mod ops;
mod schema;
mod url;
mod write;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio::runtime::{Handle, Runtime};
use tokio_postgres::NoTls;

use super::keys::floor_second;
use super::records::{Record, decode, encode};
use super::user_lock::LocalLocks;
use super::{ReminderState, StoreError, UserId};
use crate::model::Profile;
use columns::uid;
use url::hide_password;
pub use url::redact_url;
use write::{Outcome, Prepared, Wait};

/// Connections for reads and writes, per replica.
const POOL_SIZE: usize = 16;
/// Connections holding turn locks, per replica: one per turn in progress (the Telegram
/// runtime runs at most 32 blocking tasks, so no more turns run at once). With the main
/// pool, a replica opens at most 48 connections: `max_connections` must allow that times
/// the replicas.
const LOCK_POOL_SIZE: usize = 32;
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
        main.options(with_option(&config, "synchronous_commit=on"));
        let mut locking = config.clone();
        locking.options(with_option(
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
                    StoreError::Open { reason, .. } | StoreError::Db(reason) => open_error(reason),
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

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) => StoreError::Db(format!("PostgreSQL: {}", db.message())),
            None => StoreError::Db(with_causes(&error)),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StoreError::Db(format!("no database connection: {}", with_causes(&other))),
        }
    }
}

/// An error and its causes on one line ("error connecting to server: Connection refused").
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = cause.source();
    }
    message
}
