//! What users and deliveries do to a reminder: snooze, skip today, stop, an existing
//! check-in, a new time, blocked users and network failures.

use backcheck::reminders::FailureOutcome;
use backcheck::store::{Change, Store};
use jiff::civil::{date, time};

use super::{Bot, checkin, profile, ts};

#[test]
fn snooze_sends_once_an_hour_later() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(bot.tick("2026-06-01T07:30:00+02:00"), [1]);
    let again = bot
        .scheduler
        .snooze(1, ts("2026-06-01T07:35:00+02:00"))
        .unwrap();
    assert_eq!(again, Some(ts("2026-06-01T08:35:00+02:00")));
    assert_eq!(bot.wakeup(), again);
    assert!(bot.tick("2026-06-01T08:34:59+02:00").is_empty());
    assert_eq!(bot.tick("2026-06-01T08:35:00+02:00"), [1]);
    // Once: back to the daily time.
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+02:00")));
    assert!(!bot.state(1).snoozed);
    assert_eq!(bot.state(1).last_sent, Some(date(2026, 6, 1)));

    // A snooze the user answers by checking in is not sent.
    assert_eq!(bot.tick("2026-06-02T07:30:00+02:00"), [1]);
    bot.scheduler
        .snooze(1, ts("2026-06-02T07:31:00+02:00"))
        .unwrap();
    let record = checkin(date(2026, 6, 2));
    let change = Change {
        day: Some(&record),
        ..Change::default()
    };
    bot.store.write(1, change).unwrap();
    assert!(bot.tick("2026-06-02T08:31:00+02:00").is_empty());
    assert_eq!(bot.wakeup(), Some(ts("2026-06-03T07:30:00+02:00")));
}

#[test]
fn skip_today_moves_to_tomorrow() {
    let bot = Bot::new();
    bot.remind(
        1,
        "America/New_York",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    let next = bot
        .scheduler
        .skip_today(1, ts("2026-06-01T06:00:00-04:00"))
        .unwrap();
    assert_eq!(next, Some(ts("2026-06-02T07:30:00-04:00")));
    assert!(bot.tick("2026-06-01T07:30:00-04:00").is_empty());
    assert_eq!(bot.wakeup(), next);
    // Pressed after today's reminder was sent: still tomorrow.
    assert_eq!(bot.tick("2026-06-02T07:30:00-04:00"), [1]);
    let next = bot
        .scheduler
        .skip_today(1, ts("2026-06-02T07:31:00-04:00"))
        .unwrap();
    assert_eq!(next, Some(ts("2026-06-03T07:30:00-04:00")));
}

#[test]
fn stop_turns_reminders_off_and_removes_the_index_entry() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    assert!(bot.has_index_key(1));
    bot.scheduler.stop(1).unwrap();
    assert_eq!(bot.store.profile(1).unwrap().unwrap().reminder, None);
    assert_eq!(bot.state(1).next_due, None);
    assert!(!bot.has_index_key(1));
    assert_eq!(bot.wakeup(), None);
    assert!(bot.tick("2026-06-01T07:30:00+02:00").is_empty());
    // Snoozing or skipping a stopped reminder does nothing.
    assert_eq!(
        bot.scheduler
            .snooze(1, ts("2026-06-01T07:31:00+02:00"))
            .unwrap(),
        None
    );
    assert_eq!(
        bot.scheduler
            .skip_today(1, ts("2026-06-01T07:31:00+02:00"))
            .unwrap(),
        None
    );
    assert_eq!(bot.wakeup(), None);
    // Stopping someone unknown writes nothing.
    bot.scheduler.stop(77).unwrap();
    assert!(bot.store.raw_keys(77).unwrap().is_empty());
}

#[test]
fn a_reminder_turned_off_in_the_profile_leaves_the_index() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    // A reminder record from before records carried their time and zone, and a profile
    // written without its reminder state (say, by an older code path).
    bot.make_legacy(1);
    let p = profile("Europe/Berlin", None);
    let change = Change {
        profile: Some(&p),
        ..Change::default()
    };
    bot.store.write(1, change).unwrap();
    assert!(bot.tick("2026-06-01T07:30:00+02:00").is_empty());
    assert!(!bot.has_index_key(1));
    assert_eq!(bot.wakeup(), None);
}

#[test]
fn no_reminder_after_a_check_in_that_day() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(19, 0, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    let record = checkin(date(2026, 6, 1));
    let change = Change {
        day: Some(&record),
        ..Change::default()
    };
    bot.store.write(1, change).unwrap();
    assert!(bot.tick("2026-06-01T19:00:00+02:00").is_empty());
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T19:00:00+02:00")));
    assert_eq!(bot.tick("2026-06-02T19:00:00+02:00"), [1]);
}

#[test]
fn a_reminder_set_after_todays_check_in_waits_for_tomorrow() {
    let bot = Bot::new();
    let record = checkin(date(2026, 6, 1));
    let change = Change {
        day: Some(&record),
        ..Change::default()
    };
    bot.store.write(1, change).unwrap();
    // Checked in in the morning, then asked for an evening reminder.
    bot.remind(
        1,
        "Europe/Berlin",
        time(19, 0, 0, 0),
        "2026-06-01T09:00:00+02:00",
    );
    assert_eq!(bot.state(1).checked_in, Some(date(2026, 6, 1)));
    assert!(bot.tick("2026-06-01T19:00:00+02:00").is_empty());
    assert_eq!(bot.tick("2026-06-02T19:00:00+02:00"), [1]);
}

#[test]
fn the_reminder_record_keeps_the_latest_check_in() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(19, 0, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(bot.state(1).checked_in, None);
    for (day, latest) in [(3, 3), (1, 3), (4, 4)] {
        // A late check-in for an earlier date does not move it back.
        let record = checkin(date(2026, 6, day));
        let change = Change {
            day: Some(&record),
            ..Change::default()
        };
        bot.store.write(1, change).unwrap();
        assert_eq!(bot.state(1).checked_in, Some(date(2026, 6, latest)));
    }
    // A claim carries it along.
    assert!(bot.tick("2026-06-04T19:00:00+02:00").is_empty());
    assert_eq!(bot.state(1).checked_in, Some(date(2026, 6, 4)));
    assert_eq!(bot.tick("2026-06-05T19:00:00+02:00"), [1]);
    assert_eq!(bot.state(1).checked_in, Some(date(2026, 6, 4)));
}

#[test]
fn a_legacy_record_still_sees_the_check_in() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(19, 0, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    // Written before the record knew its check-ins: only the check-in itself says so.
    let record = checkin(date(2026, 6, 1));
    bot.store
        .write(
            1,
            Change {
                day: Some(&record),
                ..Change::default()
            },
        )
        .unwrap();
    bot.make_legacy(1);
    assert_eq!(bot.state(1).checked_in, None);
    assert!(bot.tick("2026-06-01T19:00:00+02:00").is_empty());
    assert_eq!(bot.tick("2026-06-02T19:00:00+02:00"), [1]);
    // The claim wrote the time and zone into the record.
    assert!(bot.state(1).daily.is_some());
}

#[test]
fn a_new_time_after_todays_reminder_waits_for_tomorrow() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(bot.tick("2026-06-01T07:30:00+02:00"), [1]);
    bot.remind(
        1,
        "Europe/Berlin",
        time(9, 0, 0, 0),
        "2026-06-01T08:00:00+02:00",
    );
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T09:00:00+02:00")));
    // Moving to a zone where it is still the previous day does not repeat it either.
    bot.remind(
        1,
        "Pacific/Pago_Pago",
        time(9, 0, 0, 0),
        "2026-06-01T08:00:00+02:00",
    );
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T09:00:00-11:00")));
}

#[test]
fn three_blocked_deliveries_in_a_row_turn_reminders_off() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    let outcomes: Vec<FailureOutcome> = ["2026-06-01", "2026-06-02", "2026-06-03"]
        .iter()
        .map(|day| {
            let now = format!("{day}T07:30:00+02:00");
            assert_eq!(bot.tick(&now), [1]);
            bot.scheduler.delivery_failed(1, true, ts(&now)).unwrap()
        })
        .collect();
    use FailureOutcome::{Disabled, NextDay};
    assert_eq!(outcomes, [NextDay, NextDay, Disabled]);
    assert_eq!(bot.store.profile(1).unwrap().unwrap().reminder, None);
    assert_eq!(bot.state(1).failures, 3);
    assert_eq!(bot.wakeup(), None);
    assert!(!bot.has_index_key(1));
    // Turning reminders back on starts the count again.
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-03T12:00:00+02:00",
    );
    assert_eq!(bot.state(1).failures, 0);
    assert_eq!(bot.wakeup(), Some(ts("2026-06-04T07:30:00+02:00")));
}

#[test]
fn a_delivery_in_between_resets_the_count() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    for (day, blocked) in [(1, true), (2, true), (3, false), (4, true), (5, true)] {
        let now = ts(&format!("2026-06-0{day}T07:30:00+02:00"));
        assert_eq!(bot.scheduler.tick(now, 10).unwrap(), [1]);
        if blocked {
            let outcome = bot.scheduler.delivery_failed(1, true, now).unwrap();
            assert_eq!(outcome, FailureOutcome::NextDay);
        } else {
            bot.scheduler.delivered(1).unwrap();
            assert_eq!(bot.state(1).failures, 0);
        }
    }
    assert_eq!(bot.state(1).failures, 2);
    assert_eq!(bot.wakeup(), Some(ts("2026-06-06T07:30:00+02:00")));
}

#[test]
fn a_network_failure_is_retried_in_ten_minutes_within_two_hours() {
    let bot = Bot::new();
    bot.remind(
        1,
        "Europe/Berlin",
        time(7, 30, 0, 0),
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(bot.tick("2026-06-01T07:30:00+02:00"), [1]);
    let outcome = bot
        .scheduler
        .delivery_failed(1, false, ts("2026-06-01T07:30:02+02:00"));
    let retry = ts("2026-06-01T07:40:02+02:00");
    assert_eq!(outcome.unwrap(), FailureOutcome::Retry(retry));
    assert_eq!(bot.wakeup(), Some(retry));
    assert_eq!(bot.tick("2026-06-01T07:40:02+02:00"), [1]);
    // Failing again near the end of the window: 09:15 + 10 min is still under two hours.
    let outcome = bot
        .scheduler
        .delivery_failed(1, false, ts("2026-06-01T09:15:00+02:00"));
    assert_eq!(
        outcome.unwrap(),
        FailureOutcome::Retry(ts("2026-06-01T09:25:00+02:00"))
    );
    assert_eq!(bot.tick("2026-06-01T09:25:00+02:00"), [1]);
    // 09:25 + 10 min is past 09:30: not retried; tomorrow stays.
    let outcome = bot
        .scheduler
        .delivery_failed(1, false, ts("2026-06-01T09:25:00+02:00"));
    assert_eq!(outcome.unwrap(), FailureOutcome::NextDay);
    assert_eq!(bot.wakeup(), Some(ts("2026-06-02T07:30:00+02:00")));
    // Network failures do not count as blocks.
    assert_eq!(bot.state(1).failures, 0);
}
