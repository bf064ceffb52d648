//! The schema and its migrations, applied at start-up.
//!
//! `schema_version` lists every migration applied. Each migration runs in its own transaction
//! together with its row in that table, so it lands whole or not at all, and one already
//! listed is never run again. Replicas starting at once take turns: the whole check runs
//! under a session advisory lock, on a connection of its own that closes afterwards (so the
//! lock cannot stay behind in a pool, even after an error).

use tokio_postgres::Client;

use crate::store::StoreError;

/// The advisory lock key of migrations, in the two-integer key space (which never meets the
/// single 64-bit keys of the per-user turn locks): "bc" and 1.
const MIGRATION_LOCK: (i32, i32) = (0x6263, 1);

/// Every migration, in order; never edit one that was released, add another.
///
/// Tables mirror the sled trees: one row per record, the value being the same versioned JSON
/// bytes (`records::encode`), as bytea so that a record is read back byte for byte. User ids
/// are the u64 as a bigint bit for bit (Telegram ids are far below 2^63, so they read
/// naturally in SQL). A check-in's `day` is yyyymmdd as an integer (order is date order, and
/// every jiff date fits, which PostgreSQL's date type does not promise); `due` is the due
/// second since 1970.
const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    "CREATE TABLE profiles (user_id BIGINT PRIMARY KEY, value BYTEA NOT NULL);
     CREATE TABLE states (user_id BIGINT PRIMARY KEY, value BYTEA NOT NULL);
     CREATE TABLE days (
         user_id BIGINT NOT NULL,
         day INTEGER NOT NULL,
         value BYTEA NOT NULL,
         PRIMARY KEY (user_id, day)
     );
     CREATE TABLE reminders (user_id BIGINT PRIMARY KEY, value BYTEA NOT NULL);
     -- The reminder index: one row per scheduled reminder, read in (due, user_id) order.
     CREATE TABLE due (due BIGINT NOT NULL, user_id BIGINT NOT NULL, PRIMARY KEY (due, user_id));
     -- /forget and rescheduling find a user's entry without knowing its instant.
     CREATE INDEX due_by_user ON due (user_id);",
)];

/// The newest schema this backcheck knows.
pub(super) fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// Brings the database up to `latest()`; returns the versions it applied. A database
/// migrated by a newer backcheck is refused.
pub(super) async fn migrate(client: &mut Client) -> Result<Vec<i32>, StoreError> {
    client
        .execute(
            "SELECT pg_advisory_lock($1, $2)",
            &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
        )
        .await?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 version INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
    let row = client
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
        .await?;
    let current: i32 = row.get(0);
    if current > latest() {
        return Err(StoreError::Open {
            path: "the PostgreSQL database".to_owned(),
            reason: format!(
                "its schema is version {current}, newer than this backcheck understands ({}); upgrade backcheck",
                latest()
            ),
        });
    }
    let mut applied = Vec::new();
    for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        tx.commit().await?;
        applied.push(version);
    }
    client
        .execute(
            "SELECT pg_advisory_unlock($1, $2)",
            &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
        )
        .await?;
    Ok(applied)
}
