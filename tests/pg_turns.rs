//! Per-user turns across replicas: two `PgStore`s on one database stand for two replicas,
//! each with its own Engine. The same user's updates arrive at both at once; every turn must
//! see the state the previous one wrote, so the conversation advances exactly once per
//! input. (/remind asks the reminder question afresh, which bumps the state's `seq` by one:
//! a lost update would show as a smaller `seq`.)

#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;

use backcheck::engine::Engine;
use backcheck::engine::io::Input;
use backcheck::model::{Activity, Cleared, Profile};
use backcheck::script::Script;
use backcheck::store::{Change, PgStore, Store};
use jiff::Timestamp;

/// Inputs per replica.
const TURNS: usize = 40;

fn replica(url: &str) -> (Arc<PgStore>, Engine) {
    let store = Arc::new(PgStore::open(url).unwrap());
    let script = Arc::new(Script::embedded().unwrap());
    let engine = Engine::new(store.clone(), script, "UTC");
    (store, engine)
}

#[test]
fn one_users_turns_on_two_replicas_never_interleave() {
    let url = pg::database();
    let (store_a, a) = replica(&url);
    let (_store_b, b) = replica(&url);
    let now: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
    let user = 4242;
    let p = Profile {
        activities: vec![Activity::Running],
        session_minutes: 30,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: "UTC".to_owned(),
        reminder: None,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    };
    let change = Change {
        profile: Some(&p),
        ..Change::default()
    };
    store_a.write(user, change).unwrap();
    let start_over = || Input::Text("/remind".into());
    assert!(!a.handle(user, start_over(), now).is_empty());
    let start = store_a.state(user).unwrap().unwrap().seq;
    // One turn alone moves `seq` on by exactly one.
    b.handle(user, start_over(), now);
    assert_eq!(
        store_a.state(user).unwrap().unwrap().seq,
        start.wrapping_add(1)
    );
    let start = start.wrapping_add(1);

    std::thread::scope(|scope| {
        for engine in [&a, &b] {
            scope.spawn(move || {
                for _ in 0..TURNS {
                    let replies = engine.handle(user, start_over(), now);
                    assert!(!replies.is_empty());
                }
            });
        }
    });
    let end = store_a.state(user).unwrap().unwrap().seq;
    assert_eq!(
        end.wrapping_sub(start) as usize,
        2 * TURNS,
        "every turn must build on the one before it"
    );
}

#[test]
fn a_turn_lock_waits_for_the_other_replica_and_other_users_pass() {
    let url = pg::database();
    let a = PgStore::open(&url).unwrap();
    let b = PgStore::open(&url).unwrap();
    let held = a.lock_user(7).unwrap();
    // Another user is not held up.
    drop(b.lock_user(8).unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let lock = b.lock_user(7).unwrap();
            tx.send(()).unwrap();
            drop(lock);
        });
        // While `a` holds user 7, `b`'s lock cannot be granted.
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(300))
                .is_err(),
            "replica b took user 7's lock while replica a held it"
        );
        drop(held);
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("replica b gets the lock once a releases it");
    });
}

#[test]
fn a_dead_replicas_turn_lock_is_released_with_its_connection() {
    let url = pg::database();
    let b = PgStore::open(&url).unwrap();
    {
        let a = PgStore::open(&url).unwrap();
        let lock = a.lock_user(9).unwrap();
        // The replica goes away without releasing: its runtime and connections close.
        std::mem::forget(lock);
        drop(a);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let lock = b.lock_user(9).unwrap();
            tx.send(()).unwrap();
            drop(lock);
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the lock of a closed session is free");
    });
}

/// The trait is synchronous; the store bridges to its own runtime, so a call from inside an
/// async task (here the only thread of a current-thread runtime) works instead of panicking
/// in a nested `block_on`, and so does dropping the store there.
#[tokio::test]
async fn the_store_can_be_called_and_dropped_inside_an_async_task() {
    let url = pg::database();
    let store = PgStore::open(&url).unwrap();
    let p = Profile {
        activities: vec![Activity::Walking],
        session_minutes: 20,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: "UTC".to_owned(),
        reminder: None,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    };
    let change = Change {
        profile: Some(&p),
        durable: true,
        ..Change::default()
    };
    store.write(5, change).unwrap();
    assert_eq!(store.profile(5).unwrap(), Some(p));
    let lock = store.lock_user(5).unwrap();
    drop(lock);
    drop(store);
    tokio::task::yield_now().await;
}
