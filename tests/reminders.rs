//! Black-box tests of the reminder scheduler on a real sled store, with time given by the
//! test (no wall-clock sleeps): daylight-saving changes in Berlin and New York, half-hour and
//! far-away zones, restarts and downtime, snooze, skip, stop, an existing check-in, blocked
//! users and network failures, 1,000 users due at once, and the async loop on paused time.
//! Expected instants are RFC 3339 literals in the user's own offset.

use std::sync::Arc;

use backcheck::model::{CheckIn, Cleared, DayRecord, Level, Profile};
use backcheck::reminders::{ReminderState, Scheduler};
use backcheck::store::{Change, SledStore, Store, UserId};
use jiff::Timestamp;
use jiff::civil::{Date, Time, date, time};

/// Snooze, skip, stop, check-ins and delivery failures.
#[path = "reminders/actions.rs"]
mod actions;
/// Many users, concurrent schedulers, and the async loop.
#[path = "reminders/scale.rs"]
mod scale;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn profile(zone: &str, at: Option<Time>) -> Profile {
    Profile {
        activities: vec![],
        session_minutes: 30,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: zone.to_owned(),
        reminder: at,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}

/// A completed check-in on the user's local `date`.
fn checkin(date: Date) -> DayRecord {
    DayRecord {
        date,
        checkin: CheckIn {
            pain: Some(2),
            ..CheckIn::default()
        },
        level: Level::Usual,
        episode_start: None,
        suggested: vec![],
        clearance_note: false,
        recorded_at: ts("2026-01-01T00:00:00Z"),
    }
}

struct Bot {
    store: Arc<SledStore>,
    scheduler: Scheduler,
}

impl Bot {
    fn new() -> Bot {
        Bot::on(Arc::new(SledStore::temporary().unwrap()))
    }

    fn on(store: Arc<SledStore>) -> Bot {
        let scheduler = Scheduler::new(store.clone());
        Bot { store, scheduler }
    }

    /// Onboarding ends (or /remind is answered) at `now`: profile and schedule in one change.
    fn remind(&self, user: UserId, zone: &str, at: Time, now: &str) {
        let p = profile(zone, Some(at));
        let old = self.store.reminder(user).unwrap();
        let state = Scheduler::schedule(&p, old.as_ref(), ts(now));
        self.store
            .write(
                user,
                Change {
                    profile: Some(&p),
                    reminder: Some(&state),
                    ..Change::default()
                },
            )
            .unwrap();
    }

    /// Rewrites the user's reminder record as records were before they carried their time,
    /// zone and latest check-in, so the scheduler has to read the profile and check-ins.
    fn make_legacy(&self, user: UserId) {
        let state = ReminderState {
            daily: None,
            checked_in: None,
            ..self.state(user)
        };
        let db = self.store.raw_db();
        let bytes = serde_json::json!({ "v": 1, "data": {
            "next_due": state.next_due,
            "last_sent": state.last_sent,
            "snoozed": state.snoozed,
            "failures": state.failures,
        }});
        db.open_tree("reminders")
            .unwrap()
            .insert(user.to_be_bytes(), serde_json::to_vec(&bytes).unwrap())
            .unwrap();
        assert_eq!(self.state(user), state);
    }

    fn state(&self, user: UserId) -> ReminderState {
        self.store.reminder(user).unwrap().unwrap()
    }

    fn wakeup(&self) -> Option<Timestamp> {
        self.scheduler.next_wakeup().unwrap()
    }

    fn tick(&self, now: &str) -> Vec<UserId> {
        self.scheduler.tick(ts(now), 10_000).unwrap()
    }

    /// Ticks at every wakeup up to `until` and returns the instants something was sent.
    fn sends_until(&self, until: &str) -> Vec<Timestamp> {
        let mut sent = Vec::new();
        while let Some(at) = self.wakeup().filter(|at| *at <= ts(until)) {
            if !self.scheduler.tick(at, 10_000).unwrap().is_empty() {
                sent.push(at);
            }
        }
        sent
    }

    fn has_index_key(&self, user: UserId) -> bool {
        let keys = self.store.raw_keys(user).unwrap();
        keys.iter().any(|(tree, _)| tree == "due")
    }
}

/// Sends from `from` to `until` for one user with a reminder at `at` in `zone`.
fn sends(zone: &str, at: Time, from: &str, until: &str) -> Vec<Timestamp> {
    let bot = Bot::new();
    bot.remind(1, zone, at, from);
    bot.sends_until(until)
}

fn all(instants: &[&str]) -> Vec<Timestamp> {
    instants.iter().map(|s| ts(s)).collect()
}

#[test]
fn berlin_keeps_0730_local_across_both_changes() {
    let seven_thirty = time(7, 30, 0, 0);
    let spring = sends(
        "Europe/Berlin",
        seven_thirty,
        "2026-03-27T12:00:00Z",
        "2026-03-30T23:00:00Z",
    );
    let expected = [
        "2026-03-28T07:30:00+01:00",
        "2026-03-29T07:30:00+02:00",
        "2026-03-30T07:30:00+02:00",
    ];
    assert_eq!(spring, all(&expected));
    let autumn = sends(
        "Europe/Berlin",
        seven_thirty,
        "2026-10-23T12:00:00Z",
        "2026-10-26T23:00:00Z",
    );
    let expected = [
        "2026-10-24T07:30:00+02:00",
        "2026-10-25T07:30:00+01:00",
        "2026-10-26T07:30:00+01:00",
    ];
    assert_eq!(autumn, all(&expected));
}

#[test]
fn berlin_0230_fires_at_the_transition_in_spring_and_once_in_autumn() {
    let two_thirty = time(2, 30, 0, 0);
    let spring = sends(
        "Europe/Berlin",
        two_thirty,
        "2026-03-27T12:00:00Z",
        "2026-03-30T12:00:00Z",
    );
    // 03:00 CEST is the transition instant (01:00 UTC), not 03:30.
    let expected = [
        "2026-03-28T02:30:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-30T02:30:00+02:00",
    ];
    assert_eq!(spring, all(&expected));
    assert_eq!(spring[1], ts("2026-03-29T01:00:00Z"));
    let autumn = sends(
        "Europe/Berlin",
        two_thirty,
        "2026-10-23T12:00:00Z",
        "2026-10-26T12:00:00Z",
    );
    let expected = [
        "2026-10-24T02:30:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
    ];
    assert_eq!(autumn, all(&expected));
}

#[test]
fn new_york_across_both_changes() {
    let ny = "America/New_York";
    let spring = sends(
        ny,
        time(7, 30, 0, 0),
        "2026-03-06T18:00:00Z",
        "2026-03-09T23:00:00Z",
    );
    let expected = [
        "2026-03-07T07:30:00-05:00",
        "2026-03-08T07:30:00-04:00",
        "2026-03-09T07:30:00-04:00",
    ];
    assert_eq!(spring, all(&expected));
    let autumn = sends(
        ny,
        time(7, 30, 0, 0),
        "2026-10-30T18:00:00Z",
        "2026-11-02T23:00:00Z",
    );
    let expected = [
        "2026-10-31T07:30:00-04:00",
        "2026-11-01T07:30:00-05:00",
        "2026-11-02T07:30:00-05:00",
    ];
    assert_eq!(autumn, all(&expected));

    let gap = sends(
        ny,
        time(2, 30, 0, 0),
        "2026-03-07T12:00:00Z",
        "2026-03-09T12:00:00Z",
    );
    assert_eq!(
        gap,
        all(&["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
    );

    // 01:30 happens twice on 2026-11-01; the reminder fires at the first only.
    let fold = sends(
        ny,
        time(1, 30, 0, 0),
        "2026-10-31T12:00:00Z",
        "2026-11-02T12:00:00Z",
    );
    assert_eq!(
        fold,
        all(&["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"])
    );
}

#[test]
fn half_and_quarter_hour_offsets() {
    let at = time(7, 30, 0, 0);
    let kolkata = sends(
        "Asia/Kolkata",
        at,
        "2026-06-01T00:00:00Z",
        "2026-06-02T12:00:00Z",
    );
    assert_eq!(
        kolkata,
        all(&["2026-06-01T07:30:00+05:30", "2026-06-02T07:30:00+05:30"])
    );
    assert_eq!(kolkata[0], ts("2026-06-01T02:00:00Z"));
    let kathmandu = sends(
        "Asia/Kathmandu",
        at,
        "2026-06-01T00:00:00Z",
        "2026-06-01T12:00:00Z",
    );
    assert_eq!(kathmandu, all(&["2026-06-01T07:30:00+05:45"]));
}

#[test]
fn zones_far_from_the_server() {
    let at = time(7, 30, 0, 0);
    // Auckland leaves daylight saving on 2026-04-05.
    let auckland = sends(
        "Pacific/Auckland",
        at,
        "2026-04-03T00:00:00Z",
        "2026-04-06T12:00:00Z",
    );
    let expected = [
        "2026-04-04T07:30:00+13:00",
        "2026-04-05T07:30:00+12:00",
        "2026-04-06T07:30:00+12:00",
    ];
    assert_eq!(auckland, all(&expected));
    let kiritimati = sends(
        "Pacific/Kiritimati",
        at,
        "2026-06-01T00:00:00Z",
        "2026-06-02T00:00:00Z",
    );
    assert_eq!(kiritimati, all(&["2026-06-02T07:30:00+14:00"]));
    assert_eq!(kiritimati[0], ts("2026-06-01T17:30:00Z"));
    let pago = sends(
        "Pacific/Pago_Pago",
        at,
        "2026-06-01T00:00:00Z",
        "2026-06-02T00:00:00Z",
    );
    assert_eq!(pago, all(&["2026-06-01T07:30:00-11:00"]));
}

#[test]
fn the_check_in_date_is_the_users_local_date() {
    // In Kiritimati the 07:30 reminder on local 2026-06-02 is at 17:30 UTC on 06-01.
    let bot = Bot::new();
    bot.remind(
        1,
        "Pacific/Kiritimati",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    bot.remind(
        2,
        "Pacific/Kiritimati",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    for (user, day) in [(1, date(2026, 6, 2)), (2, date(2026, 6, 1))] {
        let record = checkin(day);
        let change = Change {
            day: Some(&record),
            ..Change::default()
        };
        bot.store.write(user, change).unwrap();
    }
    // User 1 checked in on that local date; user 2's check-in was the day before.
    assert_eq!(bot.tick("2026-06-01T17:30:00Z"), [2]);
    let tomorrow = Some(ts("2026-06-03T07:30:00+14:00"));
    assert_eq!(bot.state(1).next_due, tomorrow);
    assert_eq!(bot.state(1).last_sent, None);
    assert_eq!(bot.state(2).last_sent, Some(date(2026, 6, 2)));
}

#[test]
fn a_crash_before_the_claim_sends_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let bot = Bot::on(Arc::new(SledStore::open(dir.path()).unwrap()));
        bot.remind(
            1,
            "Europe/Berlin",
            time(7, 30, 0, 0),
            "2026-06-01T00:00:00Z",
        );
        bot.store.flush().unwrap();
        // The process dies at 07:30 before its tick: nothing claimed.
    }
    let bot = Bot::on(Arc::new(SledStore::open(dir.path()).unwrap()));
    assert_eq!(bot.wakeup(), Some(ts("2026-06-01T07:30:00+02:00")));
    assert_eq!(bot.tick("2026-06-01T07:40:00+02:00"), [1]);
    assert!(bot.tick("2026-06-01T07:41:00+02:00").is_empty());
    drop(bot);

    // A crash right after the claim: the reopened store has it, nothing is due again.
    let bot = Bot::on(Arc::new(SledStore::open(dir.path()).unwrap()));
    assert!(bot.tick("2026-06-01T07:45:00+02:00").is_empty());
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+02:00")));
    assert_eq!(bot.state(1).last_sent, Some(date(2026, 6, 1)));
}

#[test]
fn downtime_under_two_hours_still_sends_and_longer_skips_to_tomorrow() {
    let bot = Bot::new();
    for user in 1..=4 {
        bot.remind(
            user,
            "Europe/Berlin",
            time(7, 30, 0, 0),
            "2026-06-01T00:00:00Z",
        );
    }
    // Back after one hour: sent.
    assert_eq!(bot.tick("2026-06-01T08:30:00+02:00"), [1, 2, 3, 4]);

    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    // Back after five hours: skipped, tomorrow's scheduled, nothing marked sent.
    assert!(bot.tick("2026-06-01T12:30:00+02:00").is_empty());
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+02:00")));
    assert_eq!(bot.state(1).last_sent, None);

    // The limit is exclusive: 1 h 59 min 59 s late is sent, 2 h is not.
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    bot.remind(
        2,
        "Europe/Berlin",
        time(7, 30, 1, 0),
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(bot.tick("2026-06-01T09:30:00+02:00"), [2]);
}

#[test]
fn a_reminder_is_decided_from_its_own_record() {
    let bot = Bot::new();
    bot.remind(1, "Asia/Kolkata", time(7, 30, 0, 0), "2026-06-01T00:00:00Z");
    // The profile is unreadable; the record knows the time and zone, so the reminder comes.
    bot.store
        .raw_db()
        .open_tree("profiles")
        .unwrap()
        .insert(1u64.to_be_bytes(), &b"not a record"[..])
        .unwrap();
    assert_eq!(bot.tick("2026-06-01T07:30:00+05:30"), [1]);
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+05:30")));
}

#[test]
fn an_unreadable_user_does_not_stall_the_others() {
    let bot = Bot::new();
    for user in 1..=3 {
        bot.remind(
            user,
            "Europe/Berlin",
            time(7, 30, 0, 0),
            "2026-06-01T00:00:00Z",
        );
    }
    // User 1's record is from before records carried their time and zone, so the profile
    // is read, and it is garbage; user 2's reminder record is garbage.
    bot.make_legacy(1);
    let db = bot.store.raw_db();
    let garbage = &b"not a record"[..];
    db.open_tree("profiles")
        .unwrap()
        .insert(1u64.to_be_bytes(), garbage)
        .unwrap();
    db.open_tree("reminders")
        .unwrap()
        .insert(2u64.to_be_bytes(), garbage)
        .unwrap();
    assert_eq!(bot.tick("2026-06-01T07:30:00+02:00"), [3]);
    // User 1 is looked at again a day later; user 2's entry is gone.
    assert_eq!(bot.state(1).next_due, Some(ts("2026-06-02T07:30:00+02:00")));
    assert!(!bot.has_index_key(2));
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+02:00")));
}

#[test]
fn an_index_entry_without_a_record_is_dropped() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    // An entry for user 9 at 07:00, with no reminder record behind it.
    let second = ts("2026-06-01T07:00:00+02:00").as_second();
    let mut key = ((second as u64) ^ (1 << 63)).to_be_bytes().to_vec();
    key.extend_from_slice(&9u64.to_be_bytes());
    bot.store
        .raw_db()
        .open_tree("due")
        .unwrap()
        .insert(key, &[][..])
        .unwrap();
    assert_eq!(bot.wakeup(), Some(ts("2026-06-01T07:00:00+02:00")));
    assert!(bot.tick("2026-06-01T07:00:00+02:00").is_empty());
    assert_eq!(bot.wakeup(), Some(ts("2026-06-01T07:30:00+02:00")));
    assert!(bot.store.raw_keys(9).unwrap().is_empty());
}
