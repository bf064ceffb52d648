//! The Store contract, run against both backends with the same inputs and the same expected
//! results: records round-trip, check-in ranges scan in date order and never cross users,
//! writes are atomic and durable, the reminder index moves with its record and reads only
//! what is due, /forget leaves nothing behind, and unreadable or newer records are reported
//! as such. Each contract test is a generic function; `contract!` makes a `sled::` and a
//! `postgres::` test of it. PostgreSQL is a real server (tests/support/pg.rs), one per test
//! binary with a fresh database per test. A few sled-only tests (a second open, a folder
//! that cannot be made) follow.

#[path = "store/backends.rs"]
mod backends;
#[path = "support/pg.rs"]
mod pg;
#[path = "support/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use backcheck::engine::state::{CheckInCtx, ConvState, Flow, ProfileDraft};
use backcheck::model::{
    Activity, Area, CheckIn, DayRecord, Episode, Feeling, Level, Outcome, Profile, Question,
    RedFlag, Worst,
};
use backcheck::store::{Change, PgStore, ReminderState, SledStore, Store, StoreError, UserData};
use backends::{Db, PgDb, Row, SledDb};
use jiff::civil::{Date, date, time};
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;

/// A `sled::NAME` and a `postgres::NAME` test for each generic contract test.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sled {
            $( #[test] fn $name() { super::$name::<super::SledDb>() } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name::<super::PgDb>() } )*
        }
    };
}

contract!(
    records_round_trip,
    a_chosen_no_reminder_survives_storage,
    values_are_versioned_json,
    days_scan_in_date_order_across_month_and_year,
    days_never_leak_between_users,
    one_change_writes_every_part,
    an_empty_change_writes_nothing,
    a_durable_write_survives_reopening,
    forget_removes_one_user_entirely,
    forget_finds_the_index_key_even_when_the_reminder_record_is_unreadable,
    the_reminder_index_layout,
    the_due_index_reads_only_what_is_due_in_order,
    an_expected_reminder_guards_the_whole_change,
    remove_due_drops_only_entries_no_record_points_at,
    unreadable_records_are_corrupt,
    a_newer_record_is_reported_as_newer,
    a_batch_skips_only_the_changes_whose_reminder_moved,
);

fn profile() -> Profile {
    Profile {
        activities: vec![
            Activity::Running,
            Activity::Swimming,
            Activity::WeightLifting,
        ],
        session_minutes: 45,
        ..seed::berlin_profile()
    }
}

/// A check-in on `date` with `pain`, as the engine would record it.
fn day(date: Date, pain: u8) -> DayRecord {
    DayRecord {
        date,
        checkin: CheckIn {
            pain: Some(pain),
            area: Some(Area::LowerBack),
            spreads: Some(false),
            feeling: Some(Feeling::DullAche),
            worst: Some(Worst::AfterSitting),
            episode: Some(Episode::UpToAWeek),
            red_flags: vec![RedFlag::NightPain],
            yesterday: Some(Outcome::Better),
            worse_activity: None,
        },
        level: Level::Lighter,
        episode_start: Some(date.checked_sub(3.days()).unwrap()),
        suggested: vec![Activity::Walking, Activity::CoreWork],
        clearance_note: pain > 5,
        recorded_at: date
            .at(7, 45, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp(),
    }
}

/// A check-in half done: pain answered, a red flag being confirmed.
fn state() -> ConvState {
    ConvState {
        seq: 4,
        flow: Flow::Confirm {
            question: Question::ConfirmFlag,
            flag: Some(RedFlag::Fever),
            resume: Box::new(Flow::CheckIn {
                step: Question::Area,
                date: date(2026, 3, 1),
                draft: CheckIn {
                    pain: Some(6),
                    ..CheckIn::default()
                },
                ctx: CheckInCtx {
                    episode_continues: true,
                    yesterday: Some(vec![Activity::Walking]),
                    text_flags: Vec::new(),
                },
            }),
        },
    }
}

fn onboarding_state() -> ConvState {
    ConvState {
        seq: 2,
        flow: Flow::Onboarding {
            step: Question::SessionLength,
            draft: ProfileDraft {
                activities: vec![Activity::Cycling],
                activities_done: true,
                session_minutes: Some(30),
                tz_candidates: vec!["Europe/Berlin".to_owned(), "Europe/Paris".to_owned()],
                reminder: Some(Some(time(6, 15, 0, 0))),
                ..ProfileDraft::default()
            },
        },
    }
}

/// Writes a profile, a state and one check-in per date for `user`, in one change each.
fn populate(store: &impl Store, user: u64, dates: &[Date]) {
    let (profile, state) = (profile(), state());
    store
        .write(
            user,
            Change {
                profile: Some(&profile),
                state: Some(&state),
                ..Change::default()
            },
        )
        .unwrap();
    for (i, &d) in dates.iter().enumerate() {
        let record = day(d, (user as u8).wrapping_add(i as u8) % 11);
        store
            .write(
                user,
                Change {
                    day: Some(&record),
                    ..Change::default()
                },
            )
            .unwrap();
    }
}

fn dates_of(records: &[DayRecord]) -> Vec<Date> {
    records.iter().map(|r| r.date).collect()
}

fn records_round_trip<D: Db>() {
    let db = D::new();
    let store = db.open();
    assert_eq!(store.profile(1).unwrap(), None);
    assert_eq!(store.state(1).unwrap(), None);
    assert_eq!(store.day(1, date(2026, 3, 1)).unwrap(), None);

    let (p, s, d) = (profile(), state(), day(date(2026, 3, 1), 6));
    store
        .write(
            1,
            Change {
                profile: Some(&p),
                ..Change::default()
            },
        )
        .unwrap();
    store
        .write(
            1,
            Change {
                state: Some(&s),
                ..Change::default()
            },
        )
        .unwrap();
    store
        .write(
            1,
            Change {
                day: Some(&d),
                ..Change::default()
            },
        )
        .unwrap();

    assert_eq!(store.profile(1).unwrap(), Some(p));
    assert_eq!(store.state(1).unwrap(), Some(s));
    assert_eq!(store.day(1, date(2026, 3, 1)).unwrap(), Some(d));
    assert_eq!(store.day(1, date(2026, 3, 2)).unwrap(), None);
    assert_eq!(db.user_count(&store), 1);

    // A later state replaces the earlier one.
    let next = onboarding_state();
    store
        .write(
            1,
            Change {
                state: Some(&next),
                ..Change::default()
            },
        )
        .unwrap();
    assert_eq!(store.state(1).unwrap(), Some(next));
}

/// `ProfileDraft::reminder` uses `Some(None)` for "no reminder chosen"; serde_json writes
/// `None` and `Some(None)` alike as `null`, so the draft skips `None` and reads a present
/// `null` as `Some(None)`. This checks that answer survives storage.
fn a_chosen_no_reminder_survives_storage<D: Db>() {
    let db = D::new();
    let store = db.open();
    let mut s = onboarding_state();
    if let Flow::Onboarding { draft, .. } = &mut s.flow {
        draft.reminder = Some(None);
    }
    store
        .write(
            1,
            Change {
                state: Some(&s),
                ..Change::default()
            },
        )
        .unwrap();
    assert_eq!(store.state(1).unwrap(), Some(s));
}

fn values_are_versioned_json<D: Db>() {
    let db = D::new();
    let store = db.open();
    let p = profile();
    store
        .write(
            5,
            Change {
                profile: Some(&p),
                ..Change::default()
            },
        )
        .unwrap();
    let raw = db.raw_value(&store, "profiles", 5).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(json["v"], 1);
    assert_eq!(json["data"]["time_zone"], "Europe/Berlin");
    assert_eq!(json["data"]["activities"][0], "running");
}

fn days_scan_in_date_order_across_month_and_year<D: Db>() {
    let db = D::new();
    let store = db.open();
    // Written out of order on purpose.
    let written = [
        date(2026, 1, 1),
        date(2025, 12, 31),
        date(2026, 2, 1),
        date(2026, 1, 31),
        date(2025, 11, 30),
        date(2024, 2, 29),
        date(2026, 3, 1),
    ];
    populate(&store, 3, &written);

    let all = store.days(3, Date::MIN, Date::MAX).unwrap();
    assert_eq!(
        dates_of(&all),
        vec![
            date(2024, 2, 29),
            date(2025, 11, 30),
            date(2025, 12, 31),
            date(2026, 1, 1),
            date(2026, 1, 31),
            date(2026, 2, 1),
            date(2026, 3, 1),
        ]
    );
    // Each record comes back whole, not just its date.
    for record in &all {
        assert_eq!(store.day(3, record.date).unwrap().as_ref(), Some(record));
    }

    // Inclusive at both ends, across the year boundary.
    let range = store
        .days(3, date(2025, 12, 31), date(2026, 1, 31))
        .unwrap();
    assert_eq!(
        dates_of(&range),
        vec![date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 31)]
    );
    // Bounds that fall between records.
    let range = store.days(3, date(2025, 12, 1), date(2026, 1, 30)).unwrap();
    assert_eq!(dates_of(&range), vec![date(2025, 12, 31), date(2026, 1, 1)]);
    // A single day.
    let one = store.days(3, date(2026, 2, 1), date(2026, 2, 1)).unwrap();
    assert_eq!(dates_of(&one), vec![date(2026, 2, 1)]);
    // Reversed bounds and empty ranges.
    assert!(
        store
            .days(3, date(2026, 3, 1), date(2025, 1, 1))
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .days(3, date(2025, 1, 1), date(2025, 11, 29))
            .unwrap()
            .is_empty()
    );
}

fn days_never_leak_between_users<D: Db>() {
    let db = D::new();
    let store = db.open();
    let dates = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 1)];
    // 1 and 256 differ only in the last two bytes of the big-endian id; u64::MAX is all ones.
    let users = [0, 1, 255, 256, 257, u64::MAX - 1, u64::MAX];
    for &user in &users {
        populate(&store, user, &dates);
    }
    populate(&store, 2, &[date(2026, 1, 15)]);

    for &user in &users {
        let all = store.days(user, Date::MIN, Date::MAX).unwrap();
        assert_eq!(dates_of(&all), dates.to_vec(), "user {user}");
        // The pains written for this user, not anyone else's.
        let pains: Vec<_> = all.iter().map(|r| r.checkin.pain).collect();
        let expected: Vec<_> = (0..3)
            .map(|i| Some((user as u8).wrapping_add(i) % 11))
            .collect();
        assert_eq!(pains, expected, "user {user}");
        assert_eq!(store.export(user).unwrap().days, all, "user {user}");
        assert!(
            store
                .days(user, date(2026, 1, 2), date(2026, 2, 28))
                .unwrap()
                .is_empty(),
            "user {user} sees user 2's check-in"
        );
    }
    assert_eq!(
        dates_of(&store.days(2, Date::MIN, Date::MAX).unwrap()),
        vec![date(2026, 1, 15)]
    );
    assert!(store.days(3, Date::MIN, Date::MAX).unwrap().is_empty());
    assert_eq!(db.user_count(&store), users.len() + 1);
}

/// A reminder state due at `due` (RFC 3339).
fn reminder(due: &str) -> ReminderState {
    ReminderState {
        next_due: Some(due.parse().unwrap()),
        last_sent: Some(date(2026, 2, 28)),
        snoozed: false,
        failures: 0,
        ..ReminderState::default()
    }
}

/// Writes only a reminder state for `user`.
fn put_reminder(store: &impl Store, user: u64, r: &ReminderState) {
    store
        .write(
            user,
            Change {
                reminder: Some(r),
                ..Change::default()
            },
        )
        .unwrap();
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn one_change_writes_every_part<D: Db>() {
    let db = D::new();
    let store = db.open();
    let (p, s, d) = (profile(), state(), day(date(2026, 3, 1), 4));
    let r = reminder("2026-03-02T06:30:00Z");
    store
        .write(
            9,
            Change {
                profile: Some(&p),
                state: Some(&s),
                day: Some(&d),
                reminder: Some(&r),
                expect_reminder: Some(None),
                durable: false,
            },
        )
        .unwrap();
    assert_eq!(
        store.export(9).unwrap(),
        UserData {
            user: 9,
            profile: Some(p),
            state: Some(s),
            days: vec![d.clone()],
            // The store keeps the reminder's latest check-in.
            reminder: Some(ReminderState {
                checked_in: Some(date(2026, 3, 1)),
                ..r
            }),
        }
    );
    let mut trees: Vec<String> = store
        .raw_keys(9)
        .unwrap()
        .into_iter()
        .map(|(tree, _)| tree)
        .collect();
    trees.sort();
    assert_eq!(trees, ["days", "due", "profiles", "reminders", "states"]);

    // Writing the same date again replaces that day instead of adding one.
    let redone = day(date(2026, 3, 1), 8);
    store
        .write(
            9,
            Change {
                day: Some(&redone),
                ..Change::default()
            },
        )
        .unwrap();
    assert_eq!(store.days(9, Date::MIN, Date::MAX).unwrap(), vec![redone]);
}

fn an_empty_change_writes_nothing<D: Db>() {
    let db = D::new();
    let store = db.open();
    store
        .write(
            4,
            Change {
                durable: true,
                ..Change::default()
            },
        )
        .unwrap();
    assert!(store.raw_keys(4).unwrap().is_empty());
    assert_eq!(db.user_count(&store), 0);
}

fn a_durable_write_survives_reopening<D: Db>() {
    let db = D::new();
    let (p, s, d) = (profile(), state(), day(date(2026, 3, 1), 7));
    {
        let store = db.open();
        store
            .write(
                11,
                Change {
                    profile: Some(&p),
                    state: Some(&s),
                    day: Some(&d),
                    durable: true,
                    ..Change::default()
                },
            )
            .unwrap();
    }
    let store = db.open();
    assert_eq!(store.profile(11).unwrap(), Some(p));
    assert_eq!(store.state(11).unwrap(), Some(s));
    assert_eq!(store.days(11, Date::MIN, Date::MAX).unwrap(), vec![d]);
    assert_eq!(db.user_count(&store), 1);
}

fn forget_removes_one_user_entirely<D: Db>() {
    let db = D::new();
    let dates = [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 3, 1),
    ];
    let (before_keys, before_data) = {
        let store = db.open();
        populate(&store, 7, &dates);
        populate(&store, 8, &dates[1..]);
        // Both due in the same second: their index keys differ only in the user suffix.
        put_reminder(&store, 7, &reminder("2026-03-02T06:30:00Z"));
        put_reminder(&store, 8, &reminder("2026-03-02T06:30:00Z"));
        // A tree this store does not write (say, a later index) keyed by user.
        db.plant(&store, Row::Extra("later_index", 7), b"x");
        db.plant(&store, Row::Extra("later_index", 8), b"y");

        let keys7 = store.raw_keys(7).unwrap();
        assert_eq!(keys7.len(), 2 + dates.len() + 2 + 1);
        assert!(keys7.contains(&("later_index".to_owned(), 7u64.to_be_bytes().to_vec())));
        assert_eq!(keys7.iter().filter(|(tree, _)| tree == "due").count(), 1);
        assert_eq!(db.index_keys(&store).len(), 2);

        let before = (store.raw_keys(8).unwrap(), store.export(8).unwrap());
        assert_eq!(before.1.days.len(), 3);

        store.forget(7).unwrap();
        assert!(store.raw_keys(7).unwrap().is_empty());
        // User 8's index key stays; 7's is gone although 7 is not a prefix of it.
        let left = db.index_keys(&store);
        assert_eq!(left.len(), 1);
        assert!(left[0].ends_with(&8u64.to_be_bytes()));
        before
    };

    // Reopen: forget was durable, and user 8 is exactly as before.
    let store = db.open();
    assert!(store.raw_keys(7).unwrap().is_empty());
    assert_eq!(
        store.export(7).unwrap(),
        UserData {
            user: 7,
            profile: None,
            state: None,
            days: vec![],
            reminder: None,
        }
    );
    assert_eq!(store.raw_keys(8).unwrap(), before_keys);
    assert_eq!(store.export(8).unwrap(), before_data);
    assert_eq!(db.user_count(&store), 1);
    assert_eq!(
        store.due(ts("2026-03-02T06:30:00Z"), 10).unwrap(),
        [(ts("2026-03-02T06:30:00Z"), 8)]
    );

    // Forgetting someone unknown is fine.
    store.forget(12345).unwrap();
    assert_eq!(store.export(8).unwrap(), before_data);
}

fn forget_finds_the_index_key_even_when_the_reminder_record_is_unreadable<D: Db>() {
    let db = D::new();
    let store = db.open();
    put_reminder(&store, 3, &reminder("2026-03-02T06:30:00Z"));
    put_reminder(&store, 4, &reminder("2026-03-02T06:30:00Z"));
    db.plant(&store, Row::Reminder(3), b"garbage");
    store.forget(3).unwrap();
    assert!(store.raw_keys(3).unwrap().is_empty());
    assert_eq!(db.index_keys(&store).len(), 1);
    assert_eq!(
        store.reminder(4).unwrap(),
        Some(reminder("2026-03-02T06:30:00Z"))
    );
}

/// The index layout is the documented one: the due second with its sign bit flipped, then
/// the user id, both big-endian, and an empty value; the record is versioned JSON.
fn the_reminder_index_layout<D: Db>() {
    let db = D::new();
    let store = db.open();
    let r = reminder("2026-03-29T01:00:00Z");
    put_reminder(&store, 258, &r);
    let second = ts("2026-03-29T01:00:00Z").as_second();
    let mut key = ((second as u64) ^ (1 << 63)).to_be_bytes().to_vec();
    key.extend_from_slice(&258u64.to_be_bytes());
    assert_eq!(db.index_keys(&store), [key.clone()]);
    assert!(
        store
            .raw_keys(258)
            .unwrap()
            .contains(&("due".to_owned(), key))
    );

    let raw = db.raw_value(&store, "reminders", 258).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(json["v"], 1);
    assert_eq!(json["data"]["next_due"], "2026-03-29T01:00:00Z");
    assert_eq!(json["data"]["last_sent"], "2026-02-28");
    assert_eq!(store.reminder(258).unwrap(), Some(r));
}

fn the_due_index_reads_only_what_is_due_in_order<D: Db>() {
    let db = D::new();
    let store = db.open();
    assert_eq!(store.next_due().unwrap(), None);
    assert!(store.due(Timestamp::MAX, 10).unwrap().is_empty());
    // Written out of order; users 1 and 256 tie on an instant, and one is before 1970.
    let plan = [
        (256, "2026-03-02T06:30:00Z"),
        (5, "2026-03-02T06:31:00Z"),
        (1, "2026-03-02T06:30:00Z"),
        (9, "1969-12-31T23:59:59Z"),
        (7, "2026-03-03T06:30:00Z"),
    ];
    for (user, due) in plan {
        put_reminder(&store, user, &reminder(due));
    }
    assert_eq!(store.next_due().unwrap(), Some(ts("1969-12-31T23:59:59Z")));
    let all = store.due(ts("2026-03-02T06:31:00Z"), 100).unwrap();
    assert_eq!(
        all,
        [
            (ts("1969-12-31T23:59:59Z"), 9),
            (ts("2026-03-02T06:30:00Z"), 1),
            (ts("2026-03-02T06:30:00Z"), 256),
            (ts("2026-03-02T06:31:00Z"), 5),
        ]
    );
    // `up_to` is inclusive to the second, and `limit` cuts the earliest first.
    assert_eq!(
        store.due(ts("2026-03-02T06:30:59.9Z"), 100).unwrap(),
        all[..3]
    );
    assert_eq!(
        store.due(ts("2026-03-02T06:29:59Z"), 100).unwrap(),
        all[..1]
    );
    assert_eq!(store.due(ts("2026-03-02T06:31:00Z"), 2).unwrap(), all[..2]);
    assert!(store.due(ts("2026-03-02T06:31:00Z"), 0).unwrap().is_empty());

    // Moving a reminder moves its entry; turning it off removes the entry.
    put_reminder(&store, 9, &reminder("2026-03-04T06:30:00Z"));
    put_reminder(&store, 1, &ReminderState::default());
    assert_eq!(store.next_due().unwrap(), Some(ts("2026-03-02T06:30:00Z")));
    assert_eq!(
        store.due(Timestamp::MAX, 100).unwrap(),
        [
            (ts("2026-03-02T06:30:00Z"), 256),
            (ts("2026-03-02T06:31:00Z"), 5),
            (ts("2026-03-03T06:30:00Z"), 7),
            (ts("2026-03-04T06:30:00Z"), 9),
        ]
    );
    assert_eq!(db.index_keys(&store).len(), 4);
    assert_eq!(store.reminder(1).unwrap(), Some(ReminderState::default()));
    assert!(
        store
            .raw_keys(1)
            .unwrap()
            .iter()
            .all(|(tree, _)| tree != "due")
    );
}

fn an_expected_reminder_guards_the_whole_change<D: Db>() {
    let db = D::new();
    let store = db.open();
    let (first, second) = (
        reminder("2026-03-02T06:30:00Z"),
        reminder("2026-03-03T06:30:00Z"),
    );
    let p = profile();
    // Expecting "none" while one is stored: a conflict, and the profile is not written either.
    put_reminder(&store, 2, &first);
    let err = store
        .write(
            2,
            Change {
                profile: Some(&p),
                reminder: Some(&second),
                expect_reminder: Some(None),
                ..Change::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    assert_eq!(store.profile(2).unwrap(), None);
    assert_eq!(store.reminder(2).unwrap(), Some(first.clone()));
    assert_eq!(
        store.due(Timestamp::MAX, 9).unwrap(),
        [(ts("2026-03-02T06:30:00Z"), 2)]
    );

    // Expecting what is stored: written, entry moved.
    store
        .write(
            2,
            Change {
                profile: Some(&p),
                reminder: Some(&second),
                expect_reminder: Some(Some(&first)),
                ..Change::default()
            },
        )
        .unwrap();
    assert_eq!(store.profile(2).unwrap(), Some(p));
    assert_eq!(
        store.due(Timestamp::MAX, 9).unwrap(),
        [(ts("2026-03-03T06:30:00Z"), 2)]
    );
}

fn remove_due_drops_only_entries_no_record_points_at<D: Db>() {
    let db = D::new();
    let store = db.open();
    put_reminder(&store, 6, &reminder("2026-03-02T06:30:00Z"));
    // A stray entry for user 6 and one for a user with no record at all.
    let early = ts("2026-03-01T00:00:00Z");
    db.plant(&store, Row::Due(early.as_second(), 6), b"");
    db.plant(&store, Row::Due(early.as_second(), 99), b"");
    assert_eq!(store.due(early, 9).unwrap(), [(early, 6), (early, 99)]);

    store.remove_due(early, 6).unwrap();
    store.remove_due(early, 99).unwrap();
    store.remove_due(ts("2026-03-02T06:30:00Z"), 6).unwrap(); // the real one: kept
    assert_eq!(
        store.due(Timestamp::MAX, 9).unwrap(),
        [(ts("2026-03-02T06:30:00Z"), 6)]
    );
}

#[test]
fn a_second_open_reports_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let first = SledStore::open(dir.path()).unwrap();
    let err = SledStore::open(dir.path())
        .err()
        .expect("a second open of a locked folder must fail");
    match &err {
        StoreError::InUse { path } => assert_eq!(path, &dir.path().display().to_string()),
        other => panic!("expected InUse, got {other:?}"),
    }
    assert!(err.to_string().contains("in use"), "{err}");
    drop(first);
    // Once the first handle is gone the folder opens again.
    SledStore::open(dir.path()).unwrap();
}

#[test]
fn a_folder_that_cannot_be_created_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"hello").unwrap();
    match SledStore::open(&file.join("data")) {
        Err(StoreError::Open { path, .. }) => assert!(path.contains("not-a-folder")),
        Err(other) => panic!("expected Open, got {other:?}"),
        Ok(_) => panic!("opened a database below a file"),
    }
}

fn unreadable_records_are_corrupt<D: Db>() {
    let db = D::new();
    let store = db.open();
    db.plant(&store, Row::Profile(21), b"\xff\x00 not json");
    // Valid JSON in an envelope, but not a conversation state.
    db.plant(
        &store,
        Row::State(21),
        br#"{"v":1,"data":{"flow":"sideways"}}"#,
    );
    // A check-in without an envelope.
    let good = serde_json::to_vec(&day(date(2026, 3, 1), 3)).unwrap();
    db.plant(&store, Row::Day(21, date(2026, 3, 1)), &good);

    match store.profile(21) {
        Err(StoreError::Corrupt { what, .. }) => assert_eq!(what, "profile"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    match store.state(21) {
        Err(StoreError::Corrupt { what, reason }) => {
            assert_eq!(what, "conversation state");
            assert!(reason.contains("version 1"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // The planted key is where the store looks for 2026-03-01, by point and by range.
    assert!(matches!(
        store.day(21, date(2026, 3, 1)),
        Err(StoreError::Corrupt {
            what: "check-in",
            ..
        })
    ));
    assert!(matches!(
        store.days(21, date(2026, 1, 1), date(2026, 12, 31)),
        Err(StoreError::Corrupt {
            what: "check-in",
            ..
        })
    ));
    assert!(matches!(store.export(21), Err(StoreError::Corrupt { .. })));
    // Another user's reads are unaffected.
    assert_eq!(store.profile(22).unwrap(), None);
}

fn a_newer_record_is_reported_as_newer<D: Db>() {
    let db = D::new();
    let store = db.open();
    let data = serde_json::to_value(profile()).unwrap();
    let newer = serde_json::json!({ "v": 99, "data": data });
    db.plant(
        &store,
        Row::Profile(30),
        &serde_json::to_vec(&newer).unwrap(),
    );
    let err = store.profile(30).unwrap_err();
    match &err {
        StoreError::NewerVersion {
            what,
            found,
            supported,
        } => {
            assert_eq!((*what, *found, *supported), ("profile", 99, 1));
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    assert!(err.to_string().contains("upgrade backcheck"), "{err}");

    // The same data at version 1 reads fine.
    let current = serde_json::json!({ "v": 1, "data": data });
    db.plant(
        &store,
        Row::Profile(30),
        &serde_json::to_vec(&current).unwrap(),
    );
    assert_eq!(store.profile(30).unwrap(), Some(profile()));
}

/// One shared store per backend for the property test, a new user per case, so that 32
/// cases do not create 32 databases.
fn scan_case<S: Store>(
    store: &S,
    user: u64,
    days: &[(i16, i16)],
    bounds: (usize, usize),
) -> Result<(), TestCaseError> {
    let dates: Vec<Date> = days
        .iter()
        .map(|&(y, d)| date(y, 1, 1).with().day_of_year_no_leap(d).build().unwrap())
        .collect();
    populate(store, user, &dates);
    let mut expected = dates.clone();
    expected.sort();
    expected.dedup();
    let all = store.days(user, Date::MIN, Date::MAX).unwrap();
    prop_assert_eq!(dates_of(&all), expected.clone());

    let from = expected[bounds.0 % expected.len()];
    let to = expected[bounds.1 % expected.len()];
    let inside: Vec<Date> = expected
        .iter()
        .copied()
        .filter(|d| from <= *d && *d <= to)
        .collect();
    prop_assert_eq!(dates_of(&store.days(user, from, to).unwrap()), inside);
    Ok(())
}

/// A user id per property-test case.
static CASE: AtomicU64 = AtomicU64::new(1);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Whatever dates are written, in whatever order, a full scan returns them sorted, and
    /// any sub-range returns exactly the dates inside it.
    #[test]
    fn any_dates_scan_sorted_sled(
        days in prop::collection::vec((1900i16..2200, 1i16..=365), 1..20),
        bounds in (0usize..20, 0usize..20),
    ) {
        static STORE: OnceLock<(SledDb, SledStore)> = OnceLock::new();
        let (_, store) = STORE.get_or_init(|| { let db = SledDb::new(); let s = db.open(); (db, s) });
        scan_case(store, CASE.fetch_add(1, Ordering::Relaxed), &days, bounds)?;
    }

    #[test]
    fn any_dates_scan_sorted_postgres(
        days in prop::collection::vec((1900i16..2200, 1i16..=365), 1..20),
        bounds in (0usize..20, 0usize..20),
    ) {
        static STORE: OnceLock<PgStore> = OnceLock::new();
        let store = STORE.get_or_init(|| PgDb::new().open());
        scan_case(store, CASE.fetch_add(1, Ordering::Relaxed), &days, bounds)?;
    }
}

fn a_batch_skips_only_the_changes_whose_reminder_moved<D: Db>() {
    let db = D::new();
    let store = db.open();
    let old = reminder("2026-03-02T06:30:00Z");
    for user in 1..=3 {
        let change = Change {
            reminder: Some(&old),
            ..Change::default()
        };
        store.write(user, change).unwrap();
    }
    // User 2's reminder changes after the batch was prepared.
    let moved = reminder("2026-03-02T09:00:00Z");
    let change = Change {
        reminder: Some(&moved),
        ..Change::default()
    };
    store.write(2, change).unwrap();

    let new = reminder("2026-03-03T06:30:00Z");
    let claim = Change {
        reminder: Some(&new),
        expect_reminder: Some(Some(&old)),
        ..Change::default()
    };
    let applied = store
        .write_many(&[(1, claim), (2, claim), (3, claim), (4, Change::default())])
        .unwrap();
    assert_eq!(applied, [true, false, true, true]);
    assert_eq!(store.reminder(1).unwrap(), Some(new.clone()));
    assert_eq!(store.reminder(2).unwrap(), Some(moved));
    assert_eq!(store.reminder(3).unwrap(), Some(new));
    assert_eq!(store.reminder(4).unwrap(), None);
    // The index moved with the records that were written, and only with them.
    let due: Vec<_> = store
        .due(ts("2026-03-04T00:00:00Z"), 10)
        .unwrap()
        .into_iter()
        .map(|(at, user)| (at.to_string(), user))
        .collect();
    assert_eq!(
        due,
        [
            ("2026-03-02T09:00:00Z".to_string(), 2),
            ("2026-03-03T06:30:00Z".to_string(), 1),
            ("2026-03-03T06:30:00Z".to_string(), 3),
        ]
    );
}
