//! A thousand users due at once, two schedulers racing, and the async loop on paused time.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use backcheck::clock::Clock;
use backcheck::engine::state::ConvState;
use backcheck::model::{DayRecord, Profile};
use backcheck::reminders::{ReminderState, Scheduler};
use backcheck::store::{Change, SledStore, Store, StoreError, UserData, UserId};
use jiff::civil::{Date, time};
use jiff::{SignedDuration, Timestamp};

use super::{Bot, profile, ts};

/// A store that records which users' records were read or written.
struct Counting {
    inner: SledStore,
    touched: Mutex<BTreeSet<UserId>>,
}

impl Counting {
    fn touch(&self, user: UserId) {
        self.touched.lock().unwrap().insert(user);
    }
}

impl Store for Counting {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        self.touch(user);
        self.inner.profile(user)
    }
    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError> {
        self.touch(user);
        self.inner.state(user)
    }
    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError> {
        self.touch(user);
        self.inner.day(user, date)
    }
    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError> {
        self.touch(user);
        self.inner.days(user, from, to)
    }
    fn reminder(&self, user: UserId) -> Result<Option<ReminderState>, StoreError> {
        self.touch(user);
        self.inner.reminder(user)
    }
    fn due(&self, up_to: Timestamp, limit: usize) -> Result<Vec<(Timestamp, UserId)>, StoreError> {
        self.inner.due(up_to, limit)
    }
    fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.inner.next_due()
    }
    fn remove_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError> {
        self.touch(user);
        self.inner.remove_due(due, user)
    }
    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError> {
        self.touch(user);
        self.inner.write(user, change)
    }
    fn forget(&self, user: UserId) -> Result<(), StoreError> {
        self.inner.forget(user)
    }
    fn export(&self, user: UserId) -> Result<UserData, StoreError> {
        self.inner.export(user)
    }
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.inner.raw_keys(user)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }
}

#[test]
fn a_thousand_users_due_in_one_minute_come_out_in_order_touching_only_them() {
    let store = Arc::new(Counting {
        inner: SledStore::temporary().unwrap(),
        touched: Mutex::new(BTreeSet::new()),
    });
    let scheduler = Scheduler::new(store.clone());
    let now = ts("2026-06-01T00:00:00Z");
    // Ids in a scrambled order; reminder seconds 0-59 so many users share each second.
    let mut expected = Vec::new();
    for i in 0..2_000u64 {
        let user = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
        let (hour, second) = if i % 2 == 0 {
            (7i8, (i * 7 % 60) as i8)
        } else {
            (8, 0)
        };
        let p = profile("Europe/Berlin", Some(time(hour, 30, second, 0)));
        let state = Scheduler::schedule(&p, None, now);
        if hour == 7 {
            expected.push((state.next_due.unwrap(), user));
        }
        let change = Change {
            profile: Some(&p),
            reminder: Some(&state),
            ..Change::default()
        };
        store.write(user, change).unwrap();
    }
    expected.sort();
    let expected: Vec<UserId> = expected.into_iter().map(|(_, user)| user).collect();
    assert_eq!(expected.len(), 1_000);

    store.touched.lock().unwrap().clear();
    let sent = scheduler
        .tick(ts("2026-06-01T07:31:00+02:00"), 5_000)
        .unwrap();
    assert_eq!(sent, expected);
    let touched = store.touched.lock().unwrap().clone();
    assert_eq!(touched, expected.iter().copied().collect::<BTreeSet<_>>());
    assert!(
        scheduler
            .tick(ts("2026-06-01T07:31:00+02:00"), 5_000)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        scheduler.next_wakeup().unwrap(),
        Some(ts("2026-06-01T08:30:00+02:00"))
    );
}

#[test]
fn two_schedulers_ticking_at_once_send_each_reminder_once() {
    let store = Arc::new(SledStore::temporary().unwrap());
    let bot = Bot::on(store.clone());
    for user in 0..500 {
        bot.remind(
            user,
            "Europe/Berlin",
            time(7, 30, 0, 0),
            "2026-06-01T00:00:00Z",
        );
    }
    let now = ts("2026-06-01T07:30:00+02:00");
    let runs: Vec<Vec<UserId>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let scheduler = Scheduler::new(store.clone());
                scope.spawn(move || {
                    let mut sent = Vec::new();
                    for _ in 0..20 {
                        sent.extend(scheduler.tick(now, 100).unwrap());
                    }
                    sent
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sent: Vec<UserId> = runs.concat();
    sent.sort();
    assert_eq!(sent, (0..500).collect::<Vec<_>>());
}

/// A clock that follows tokio's (paused) time from a fixed start, so the loop's sleeps and
/// its idea of "now" agree.
struct TokioClock {
    start: Timestamp,
    since: tokio::time::Instant,
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = SignedDuration::try_from(self.since.elapsed()).unwrap();
        self.start.checked_add(elapsed).unwrap()
    }
}

#[tokio::test(start_paused = true)]
async fn the_loop_sends_at_the_due_instant_and_wakes_on_a_change() {
    let bot = Arc::new(Bot::new());
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-03-28T23:00:00Z",
    );
    let clock: Arc<TokioClock> = Arc::new(TokioClock {
        start: ts("2026-03-28T23:00:00Z"),
        since: tokio::time::Instant::now(),
    });
    let scheduler = Arc::new(Scheduler::new(bot.store.clone()));
    let (sent_tx, mut sent) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let deliver = {
        let clock = clock.clone();
        move |users: Vec<UserId>| {
            let (now, sent_tx) = (clock.now(), sent_tx.clone());
            async move {
                sent_tx.send((now, users)).unwrap();
            }
        }
    };
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let task = tokio::spawn(scheduler.clone().run(dyn_clock, deliver, async {
        stopped.await.ok();
    }));

    // Across the spring-forward night, at 07:30 CEST to the second.
    let (at, users) = sent.recv().await.unwrap();
    assert_eq!((at, users), (ts("2026-03-29T07:30:00+02:00"), vec![1]));

    // A reminder set now for ten seconds later: without the poke the loop would sleep a
    // whole minute; with it, the reminder goes out on the second.
    bot.remind(
        2,
        "Europe/Berlin",
        time(7, 30, 10, 0),
        "2026-03-29T07:30:00+02:00",
    );
    scheduler.changed().notify_one();
    let (at, users) = sent.recv().await.unwrap();
    assert_eq!((at, users), (ts("2026-03-29T07:30:10+02:00"), vec![2]));

    stop.send(()).unwrap();
    task.await.unwrap();
    assert!(sent.try_recv().is_err());
}
