//! Schema migrations at start-up: replicas starting at once on an empty database migrate it
//! once between them, a restart applies nothing again, and a database migrated by a newer
//! backcheck is refused with a message that says so.

#[path = "support/pg.rs"]
mod pg;

use backcheck::store::{PgStore, StoreError};

fn sql(url: &str, sql: &str) -> String {
    pg::shared().psql(url.rsplit('/').next().unwrap(), sql)
}

#[test]
fn replicas_starting_together_migrate_once_and_a_restart_changes_nothing() {
    let url = pg::database();
    std::thread::scope(|scope| {
        let starts: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| PgStore::open(&url).map(drop)))
            .collect();
        for start in starts {
            start.join().unwrap().unwrap();
        }
    });
    assert_eq!(
        sql(&url, "SELECT version FROM schema_version ORDER BY 1"),
        "1"
    );
    let tables = sql(
        &url,
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(tables, "days,due,profiles,reminders,schema_version,states");
    let applied_at = sql(&url, "SELECT applied_at FROM schema_version");

    drop(PgStore::open(&url).unwrap());
    assert_eq!(sql(&url, "SELECT count(*) FROM schema_version"), "1");
    assert_eq!(
        sql(&url, "SELECT applied_at FROM schema_version"),
        applied_at
    );
    // The due index is read in (due, user) order from its primary key.
    let index = sql(
        &url,
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'due' AND indexname = 'due_pkey'",
    );
    assert!(index.contains("(due, user_id)"), "{index}");
}

#[test]
fn a_database_from_a_newer_backcheck_is_refused() {
    let url = pg::database();
    drop(PgStore::open(&url).unwrap());
    sql(&url, "INSERT INTO schema_version (version) VALUES (99)");
    let err = PgStore::open(&url)
        .err()
        .expect("a newer schema must be refused");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("version 99") && message.contains("upgrade backcheck"),
        "{message}"
    );
}

#[test]
fn a_half_applied_migration_leaves_nothing_behind() {
    // A table in the way makes migration 1 fail part-way: its transaction rolls back whole,
    // so no version is recorded and no other table of it exists.
    let url = pg::database();
    sql(&url, "CREATE TABLE due (something TEXT)");
    let err = PgStore::open(&url)
        .err()
        .expect("the migration cannot apply");
    assert!(err.to_string().contains("due"), "{err}");
    assert_eq!(sql(&url, "SELECT count(*) FROM schema_version"), "0");
    assert_eq!(
        sql(
            &url,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'profiles'"
        ),
        "0"
    );
    // Once the obstacle is gone, the next start migrates.
    sql(&url, "DROP TABLE due");
    drop(PgStore::open(&url).unwrap());
    assert_eq!(sql(&url, "SELECT count(*) FROM schema_version"), "1");
}
