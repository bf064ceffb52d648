//! Reminders across replicas on PostgreSQL: two `Scheduler`s, each on its own `PgStore` of
//! one database (two replicas), run their loops at once over 1,000 users due at the same
//! instant. The deliveries are counted: every reminder is handed out exactly once, by one
//! replica or the other, and nothing is handed out again afterwards.

#[path = "support/pg.rs"]
mod pg;
mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backcheck::clock::{Clock, ManualClock};

use backcheck::reminders::Scheduler;
use backcheck::store::{Change, PgStore, Store, UserId};
use jiff::Timestamp;
use jiff::civil::time;

const USERS: u64 = 1_000;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// 1,000 users (ids spread out, not adjacent) due at 07:30 Berlin on 2026-06-01, and one
/// due later that day who must not be sent.
fn populate(store: &PgStore) -> Vec<UserId> {
    let p = support::seed::berlin_profile();
    let state = Scheduler::schedule(&p, None, ts("2026-06-01T00:00:00Z"));
    let users: Vec<UserId> = (0..USERS).map(|i| 1_000_003 * i + 17).collect();
    support::seed::with_reminder(store, &users, &p, &state);
    let mut late = support::seed::berlin_profile();
    late.reminder = Some(time(9, 0, 0, 0));
    let later = Scheduler::schedule(&late, None, ts("2026-06-01T00:00:00Z"));
    let change = Change {
        profile: Some(&late),
        reminder: Some(&later),
        ..Change::default()
    };
    store.write(1, change).unwrap();
    users
}

/// Two loops (async callers of the store) on a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_send_each_of_1000_due_reminders_exactly_once() {
    let url = pg::database();
    let stores: Vec<Arc<PgStore>> = (0..2)
        .map(|_| Arc::new(PgStore::open(&url).unwrap()))
        .collect();
    let users = populate(&stores[0]);
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(ts("2026-06-01T07:30:00+02:00")));

    // Which replica sent what, in order.
    let sent: Arc<Mutex<Vec<(usize, UserId)>>> = Arc::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    for (replica, store) in stores.iter().enumerate() {
        let scheduler = Arc::new(Scheduler::new(store.clone()));
        let sent = sent.clone();
        let deliver = move |batch: Vec<UserId>| {
            let sent = sent.clone();
            async move {
                sent.lock()
                    .unwrap()
                    .extend(batch.into_iter().map(|u| (replica, u)));
            }
        };
        let mut stop = stop_rx.clone();
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        loops.push(tokio::spawn(scheduler.run(
            clock.clone(),
            deliver,
            shutdown,
        )));
    }
    // Wait (bounded) until everything due went out; the loops keep going meanwhile.
    let all_out = async {
        while sent.lock().unwrap().len() < users.len() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all_out)
        .await
        .expect("every due reminder is sent within a minute");
    // Both loops tick again (a change wakes them) and must find nothing more to send.
    for store in &stores {
        let scheduler = Scheduler::new(store.clone());
        assert!(
            scheduler
                .tick(ts("2026-06-01T07:31:00+02:00"), 5_000)
                .unwrap()
                .is_empty()
        );
    }
    stop_tx.send(true).unwrap();
    for l in loops {
        l.await.unwrap();
    }

    let sent = sent.lock().unwrap().clone();
    let mut times: BTreeMap<UserId, usize> = BTreeMap::new();
    for (_, user) in &sent {
        *times.entry(*user).or_default() += 1;
    }
    assert_eq!(sent.len(), users.len(), "no reminder was sent twice");
    assert_eq!(times.keys().copied().collect::<Vec<_>>(), users);
    assert!(times.values().all(|n| *n == 1));
    assert!(!times.contains_key(&1), "the 09:00 user is not due yet");
    // The next reminder of each is tomorrow's.
    let next = stores[1].reminder(users[0]).unwrap().unwrap().next_due;
    assert_eq!(next, Some(ts("2026-06-02T07:30:00+02:00")));
}

/// Ticks from plain threads (blocking callers) racing in small batches: the claims skip each
/// other's locked rows and still cover everyone once.
#[test]
fn two_replicas_ticking_from_threads_claim_each_reminder_once() {
    let url = pg::database();
    let a = Arc::new(PgStore::open(&url).unwrap());
    let b = Arc::new(PgStore::open(&url).unwrap());
    let users = populate(&a);
    let now = ts("2026-06-01T07:30:00+02:00");
    let runs: Vec<Vec<UserId>> = std::thread::scope(|scope| {
        let handles: Vec<_> = [a.clone(), b.clone()]
            .into_iter()
            .map(|store| {
                let scheduler = Scheduler::new(store);
                scope.spawn(move || {
                    let mut sent = Vec::new();
                    // Enough rounds of 100 for everyone even if one replica claimed nothing.
                    for _ in 0..30 {
                        sent.extend(scheduler.tick(now, 100).unwrap());
                    }
                    sent
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sent = runs.concat();
    sent.sort();
    assert_eq!(sent, users);
}
