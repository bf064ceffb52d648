//! The reminder due-index at scale: a tick that finds 1,000 due users, with 10,000 / 100,000 /
//! 300,000 / 1,000,000 users whose reminders are not due, on a real sled database with the
//! real index layout. The claim is that the tick's work and memory follow the number of *due* users, not
//! the number of users. Groups:
//! - `tick_1000_due`: the whole tick (index read, one record read per due user, all claims
//!   written in one transaction, one flush);
//! - `index_read_1000_due`: only the index range the tick reads;
//! - `record_reads_1000_due`: only the per-user lookup (the reminder record, which carries
//!   the time, zone and latest check-in a claim needs), a B-tree lookup by user id;
//! - `tick_1000_due_adjacent_ids`: at 1,000,000, a tick whose 1,000 due users have adjacent ids
//!   (their records share pages, as in a small database), to see what page sharing is worth;
//! - `reference_full_index_scan`: reading the whole index once, what an O(users) scheduler
//!   would do on every tick.
//!
//! Run with `cargo bench --bench reminders`. After the tick group, a table of the index
//! entries one tick read and the heap it allocated (a counting global allocator) is printed.

#[path = "../tests/support/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backcheck::reminders::{ReminderState, Scheduler};
use backcheck::store::{SledStore, Store, UserId};
use criterion::{BatchSize, BenchmarkId, Criterion};
use jiff::{SignedDuration, Timestamp};

/// Counts heap use so the table can show what a tick allocates.
struct CountingAlloc;

/// Bytes allocated since start (never decreases).
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
/// Bytes live right now, and the most seen since the last reset.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are atomics.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Users due in every tick.
const DUE: u64 = 1_000;
/// Sizes of the not-due population.
const SIZES: [u64; 4] = [10_000, 100_000, 300_000, 1_000_000];
/// Users written per bulk batch while filling the database.
const CHUNK: u64 = 20_000;

/// The tick's "now": 07:30 in Berlin.
fn now() -> Timestamp {
    "2026-06-01T05:30:00Z".parse().unwrap()
}

/// Adds not-due users `from..to`, due between one minute and 23 hours from now.
fn add_not_due(store: &SledStore, from: u64, to: u64) {
    let p = seed::berlin_profile();
    let span = 23 * 3600 - 60;
    for start in (from..to).step_by(CHUNK as usize) {
        let states: Vec<(UserId, ReminderState)> = (start..to.min(start + CHUNK))
            .map(|i| {
                let offset = 60 + (seed::scattered_id(i) % span as u64) as i64;
                let due = now() + SignedDuration::from_secs(offset);
                (seed::scattered_id(i), seed::berlin_state(due))
            })
            .collect();
        let rows: Vec<_> = states.iter().map(|(u, s)| (*u, &p, s)).collect();
        store.bulk_load_reminders(&rows).unwrap();
    }
}

/// The due users' ids: a range of `i` far from the not-due ones.
fn due_users() -> Vec<UserId> {
    (0..DUE)
        .map(|i| seed::scattered_id(u64::MAX / 2 + i))
        .collect()
}

/// Makes the due users due again (30 s ago), moving their index entries back.
fn reset_due(store: &SledStore, users: &[UserId]) {
    let p = seed::berlin_profile();
    let s = seed::berlin_state(now() - SignedDuration::from_secs(30));
    let rows: Vec<_> = users.iter().map(|u| (*u, &p, &s)).collect();
    store.bulk_load_reminders(&rows).unwrap();
    // On disk before the tick starts, so the tick's flush writes only the tick's own claims.
    store.flush().unwrap();
}

/// One tick, measured: (index entries read, users sent, bytes allocated, peak extra bytes
/// live, wall time).
fn measure_tick(
    store: &SledStore,
    scheduler: &Scheduler,
    users: &[UserId],
) -> (usize, usize, usize, usize, Duration) {
    reset_due(store, users);
    let read = store.due(now(), 2 * DUE as usize).unwrap().len();
    let (allocated, live) = (
        ALLOCATED.load(Ordering::Relaxed),
        LIVE.load(Ordering::Relaxed),
    );
    PEAK.store(live, Ordering::Relaxed);
    let started = Instant::now();
    let sent = scheduler.tick(now(), 2 * DUE as usize).unwrap().len();
    let took = started.elapsed();
    let allocated = ALLOCATED.load(Ordering::Relaxed) - allocated;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(live);
    (read, sent, allocated, peak, took)
}

/// Only the per-user lookup a tick makes: the reminder record.
fn record_reads(store: &SledStore, users: &[UserId]) -> usize {
    users
        .iter()
        .filter(|&&u| store.reminder(u).unwrap().is_some())
        .count()
}

fn main() {
    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));

    let store = Arc::new(SledStore::temporary().unwrap());
    let scheduler = Scheduler::new(store.clone());
    let users = due_users();
    let mut filled = 0;
    let mut table = Vec::new();
    for size in SIZES {
        let started = Instant::now();
        add_not_due(&store, filled, size);
        // Written out before measuring, so that sled's background flush of the fill does not
        // run during the measured ticks.
        store.flush().unwrap();
        filled = size;
        eprintln!("filled {size} not-due users in {:.1?}", started.elapsed());
        let (read, sent, allocated, peak, took) = measure_tick(&store, &scheduler, &users);
        assert_eq!((read, sent), (DUE as usize, DUE as usize));
        table.push((size, read, sent, allocated, peak, took));
        let id = BenchmarkId::from_parameter(size);

        let mut group = criterion.benchmark_group("tick_1000_due");
        group.bench_function(id.clone(), |b| {
            b.iter_batched(
                || reset_due(&store, &users),
                |()| scheduler.tick(now(), 2 * DUE as usize).unwrap(),
                BatchSize::PerIteration,
            )
        });
        group.finish();

        reset_due(&store, &users);
        let mut group = criterion.benchmark_group("index_read_1000_due");
        group.bench_function(id.clone(), |b| {
            b.iter(|| store.due(now(), 2 * DUE as usize).unwrap().len())
        });
        group.finish();
        let mut group = criterion.benchmark_group("record_reads_1000_due");
        group.bench_function(id, |b| b.iter(|| record_reads(&store, &users)));
        group.finish();
    }

    eprintln!();
    eprintln!("one tick finding {DUE} due users (heap from a counting allocator):");
    eprintln!(
        "  not due   | index entries read | sent | allocated in tick | peak live above start | first (cold) tick"
    );
    for (size, read, sent, allocated, peak, took) in &table {
        eprintln!(
            "  {size:>9} | {read:>18} | {sent:>4} | {:>13.1} KiB | {:>17.1} KiB | {took:.1?}",
            *allocated as f64 / 1024.0,
            *peak as f64 / 1024.0
        );
    }
    eprintln!();

    // The same tick at 1M with 1,000 due users whose ids are adjacent, so that their records
    // share B-tree pages as a small database's do: how much of the growth is page sharing.
    let adjacent: Vec<UserId> = (0..DUE).map(|i| (1 << 62) + i).collect();
    let mut group = criterion.benchmark_group("tick_1000_due_adjacent_ids");
    group.bench_function(BenchmarkId::from_parameter(filled), |b| {
        b.iter_batched(
            || reset_due(&store, &adjacent),
            |()| scheduler.tick(now(), 2 * DUE as usize).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // For contrast: what reading the whole index (an O(users) scheduler) costs at 1M.
    let mut scan_group = criterion.benchmark_group("reference_full_index_scan");
    scan_group.bench_function(BenchmarkId::from_parameter(filled + DUE), |b| {
        b.iter(|| store.due(Timestamp::MAX, usize::MAX).unwrap().len())
    });
    scan_group.finish();
    criterion.final_summary();
}
