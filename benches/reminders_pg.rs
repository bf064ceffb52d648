//! The reminder tick on PostgreSQL: 100,000 users, 1,000 of them due, on a real server that
//! this benchmark starts itself (tests/support/pg.rs; `fsync = on`, as in production), over
//! TCP on 127.0.0.1. Groups, each at 100,000 users:
//! - `pg_tick_1000_due`: the whole tick (index read, one reminder read per due user, all
//!   claims in one transaction with `FOR UPDATE SKIP LOCKED`, a synchronous commit);
//! - `pg_index_read_1000_due`: only the index query the tick makes;
//! - `pg_record_reads_1000_due`: only the 1,000 reminder reads, one query each.
//!
//! Run with `cargo bench --bench reminders_pg` (needs PostgreSQL installed, as the tests do).

#[path = "../tests/support/pg.rs"]
mod pg;
#[path = "../tests/support/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use backcheck::reminders::{ReminderState, Scheduler};
use backcheck::store::{PgStore, Store, UserId};
use criterion::{BatchSize, BenchmarkId, Criterion};
use jiff::{SignedDuration, Timestamp};

/// Users due in every tick.
const DUE: u64 = 1_000;
/// All users.
const USERS: u64 = 100_000;
/// Users written per bulk statement while filling the database.
const CHUNK: u64 = 10_000;

/// The tick's "now": 07:30 in Berlin.
fn now() -> Timestamp {
    "2026-06-01T05:30:00Z".parse().unwrap()
}

/// Users `DUE..USERS`, due between one minute and 23 hours from now.
fn add_not_due(store: &PgStore) {
    let p = seed::berlin_profile();
    let span = 23 * 3600 - 60;
    for start in (DUE..USERS).step_by(CHUNK as usize) {
        let states: Vec<(UserId, ReminderState)> = (start..USERS.min(start + CHUNK))
            .map(|i| {
                let offset = 60 + (seed::scattered_id(i) % span as u64) as i64;
                (
                    seed::scattered_id(i),
                    seed::berlin_state(now() + SignedDuration::from_secs(offset)),
                )
            })
            .collect();
        let rows: Vec<_> = states.iter().map(|(u, s)| (*u, &p, s)).collect();
        store.bulk_load_reminders(&rows).unwrap();
    }
}

/// The due users: `0..DUE`.
fn due_users() -> Vec<UserId> {
    (0..DUE).map(seed::scattered_id).collect()
}

/// Makes the due users due again (30 s ago).
fn reset_due(store: &PgStore, users: &[UserId]) {
    let p = seed::berlin_profile();
    let s = seed::berlin_state(now() - SignedDuration::from_secs(30));
    let rows: Vec<_> = users.iter().map(|u| (*u, &p, &s)).collect();
    store.bulk_load_reminders(&rows).unwrap();
}

fn main() {
    let server = pg::PgServer::start(pg::Options { fsync: true }).unwrap_or_else(|e| panic!("{e}"));
    let url = server.create_database();
    let store = Arc::new(PgStore::open(&url).unwrap());
    let scheduler = Scheduler::new(store.clone());
    let users = due_users();

    let started = Instant::now();
    add_not_due(&store);
    reset_due(&store, &users);
    server.psql(url.rsplit('/').next().unwrap(), "VACUUM ANALYZE");
    eprintln!("filled {USERS} users in {:.1?}", started.elapsed());
    let sent = scheduler.tick(now(), 2 * DUE as usize).unwrap();
    assert_eq!(sent.len(), DUE as usize, "every due user is sent, no other");

    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    let id = BenchmarkId::from_parameter(USERS);

    let mut group = criterion.benchmark_group("pg_tick_1000_due");
    group.bench_function(id.clone(), |b| {
        b.iter_batched(
            || reset_due(&store, &users),
            |()| {
                let sent = scheduler.tick(now(), 2 * DUE as usize).unwrap();
                assert_eq!(sent.len(), DUE as usize);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    reset_due(&store, &users);
    let mut group = criterion.benchmark_group("pg_index_read_1000_due");
    group.bench_function(id.clone(), |b| {
        b.iter(|| store.due(now(), 2 * DUE as usize).unwrap().len())
    });
    group.finish();

    let mut group = criterion.benchmark_group("pg_record_reads_1000_due");
    group.bench_function(id, |b| {
        b.iter(|| {
            users
                .iter()
                .filter(|&&u| store.reminder(u).unwrap().is_some())
                .count()
        })
    });
    group.finish();
    criterion.final_summary();
}
