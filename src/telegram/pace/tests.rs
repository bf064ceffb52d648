#![cfg(test)]
//! The pacer's unit tests (declared `#[cfg(test)] mod tests;` in pace.rs): test-only code.
//! The pacer on tokio's paused clock: exact instants, no wall-clock sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::*;

/// Telegram's rules: 3 at once then 1 a second per chat, 30 a second in all.
fn telegram() -> Rules {
    Rules {
        chat_burst: 3,
        chat_interval: Duration::from_secs(1),
        group_interval: Duration::from_secs(3),
        overall_per_sec: 30,
        margin: Duration::ZERO,
    }
}

/// Milliseconds since `start`, per grant, in grant order.
type Log = Arc<Mutex<Vec<(i64, Lane, u128)>>>;

fn spawn_sends(pacer: &Pacer, log: &Log, start: Instant, chat: i64, lane: Lane, n: usize) {
    let (pacer, log) = (pacer.clone(), Arc::clone(log));
    tokio::spawn(async move {
        for _ in 0..n {
            if pacer.permit(chat, lane).await.is_err() {
                return;
            }
            let at = start.elapsed().as_millis();
            log.lock().unwrap().push((chat, lane, at));
        }
    });
}

async fn settle(secs: u64) {
    tokio::time::sleep(Duration::from_secs(secs)).await;
}

#[tokio::test(start_paused = true)]
async fn a_chat_gets_its_burst_at_once_then_one_a_second() {
    let pacer = Pacer::new(Some(telegram()));
    let log: Log = Arc::default();
    let start = Instant::now();
    spawn_sends(&pacer, &log, start, 1, Lane::Reply, 5);
    settle(10).await;
    let times: Vec<u128> = log.lock().unwrap().iter().map(|e| e.2).collect();
    assert_eq!(times, [0, 0, 0, 1000, 2000]);
}

/// The gaps, in milliseconds, between consecutive grants of `log`.
fn gaps(log: &[(i64, Lane, u128)]) -> Vec<u128> {
    log.windows(2).map(|w| w[1].2 - w[0].2).collect()
}

/// Chats 1..=`chats` each ask for one reply at once; their grants after `secs` seconds.
async fn one_reply_each(chats: i64, secs: u64) -> Vec<(i64, Lane, u128)> {
    let pacer = Pacer::new(Some(telegram()));
    let log: Log = Arc::default();
    let start = Instant::now();
    for chat in 1..=chats {
        spawn_sends(&pacer, &log, start, chat, Lane::Reply, 1);
    }
    settle(secs).await;
    let log = log.lock().unwrap().clone();
    // First come, first served across chats with one message each.
    let order: Vec<i64> = log.iter().map(|e| e.0).collect();
    assert_eq!(order, (1..=chats).collect::<Vec<_>>());
    log
}

/// No more than 30 grants within any one second of `log`.
fn thirty_a_second_at_most(log: &[(i64, Lane, u128)]) {
    for (i, e) in log.iter().enumerate() {
        let in_second = log[i..].iter().take_while(|f| f.2 < e.2 + 1000).count();
        assert!(in_second <= 30, "more than 30 within a second from {e:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_moments_queue_goes_as_soon_as_the_window_allows() {
    let log = one_reply_each(35, 10).await;
    let at = |ms: u128| log.iter().filter(|e| e.2 == ms).count();
    assert_eq!((at(0), at(1000)), (30, 5), "{log:?}");
}

#[tokio::test(start_paused = true)]
async fn over_the_limit_for_good_the_queue_goes_evenly_spaced() {
    let log = one_reply_each(100, 10).await;
    // Thirty at once; the seventy that queued go from the moment the window allows, one per
    // 1/30 s (33 or 34 ms as whole milliseconds), not in clumps of thirty a second.
    assert!(log[..30].iter().all(|e| e.2 == 0), "{log:?}");
    assert_eq!(log[30].2, 1000, "{log:?}");
    assert!(
        gaps(&log[30..]).iter().all(|g| (33..=34).contains(g)),
        "{log:?}"
    );
    thirty_a_second_at_most(&log);
}

#[tokio::test(start_paused = true)]
async fn a_reply_goes_ahead_of_ten_thousand_queued_reminders() {
    let pacer = Pacer::new(Some(telegram()));
    let log: Log = Arc::default();
    let start = Instant::now();
    for chat in 1..=10_000 {
        spawn_sends(&pacer, &log, start, chat, Lane::Reminder, 1);
    }
    settle(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // 2.5 s in, the reminders go one per 1/30 s: the reply takes the very next slot.
    spawn_sends(&pacer, &log, start, 20_000, Lane::Reply, 1);
    settle(2).await;
    let log = log.lock().unwrap();
    let reply = log.iter().position(|e| e.1 == Lane::Reply).unwrap();
    let at = log[reply].2;
    assert!(
        (2500..=2534).contains(&at),
        "the reply waited until {at} ms"
    );
    assert!(log[..reply].iter().all(|e| e.1 == Lane::Reminder));
    assert!(
        log[..reply].iter().all(|e| e.2 <= 2500),
        "{:?}",
        &log[..reply]
    );
    // The reminders carry on at the same pace, the reply taking one of their slots.
    assert!(
        gaps(&log[30..reply + 30])
            .iter()
            .all(|g| (33..=34).contains(g))
    );
    assert_eq!(log.iter().filter(|e| e.2 < 4000).count(), 30 + 90);
}

#[tokio::test(start_paused = true)]
async fn over_the_limit_chats_take_turns() {
    let rules = Rules {
        chat_burst: 100,
        chat_interval: Duration::from_millis(1),
        overall_per_sec: 2,
        ..telegram()
    };
    let pacer = Pacer::new(Some(rules));
    let log: Log = Arc::default();
    let start = Instant::now();
    // Chat 1 queues six messages first; chats 2 and 3 come a moment later.
    spawn_sends(&pacer, &log, start, 1, Lane::Reply, 6);
    tokio::task::yield_now().await;
    spawn_sends(&pacer, &log, start, 2, Lane::Reply, 6);
    spawn_sends(&pacer, &log, start, 3, Lane::Reply, 6);
    settle(20).await;
    let order: Vec<i64> = log.lock().unwrap().iter().map(|e| e.0).collect();
    assert_eq!(order.len(), 18);
    // Two go at once (chat 1's burst), then the three chats in turn.
    assert_eq!(&order[..2], &[1, 1], "{order:?}");
    for turn in order[2..].chunks(3).take(4) {
        let mut turn = turn.to_vec();
        turn.sort_unstable();
        assert_eq!(turn, [1, 2, 3], "{order:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_its_chat_and_everyone_for_retry_after() {
    let pacer = Pacer::new(Some(telegram()));
    let log: Log = Arc::default();
    let start = Instant::now();
    pacer.hold(1, Duration::from_secs(2));
    spawn_sends(&pacer, &log, start, 1, Lane::Reply, 1);
    spawn_sends(&pacer, &log, start, 2, Lane::Reply, 1);
    settle(5).await;
    let times: Vec<u128> = log.lock().unwrap().iter().map(|e| e.2).collect();
    assert_eq!(times, [2000, 2000]);
}

#[tokio::test(start_paused = true)]
async fn closing_a_lane_answers_its_waiters_at_once_and_spares_the_other() {
    let pacer = Pacer::new(Some(telegram()));
    let log: Log = Arc::default();
    let start = Instant::now();
    for chat in 1..=100 {
        spawn_sends(&pacer, &log, start, chat, Lane::Reminder, 1);
    }
    spawn_sends(&pacer, &log, start, 500, Lane::Reply, 5);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // 30 reminders filled the first second; the reply queued behind the window.
    assert_eq!(pacer.queued(), [1, 70]);
    pacer.close(Lane::Reminder);
    assert_eq!(pacer.queued(), [1, 0]);
    assert_eq!(pacer.permit(7, Lane::Reminder).await, Err(Closed));
    settle(5).await;
    let log = log.lock().unwrap();
    assert_eq!(log.iter().filter(|e| e.1 == Lane::Reminder).count(), 30);
    assert_eq!(log.iter().filter(|e| e.1 == Lane::Reply).count(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_waiter_that_gives_up_uses_no_allowance() {
    let pacer = Pacer::new(Some(telegram()));
    for _ in 0..3 {
        pacer.permit(1, Lane::Reply).await.unwrap();
    }
    let start = Instant::now();
    let gave_up = tokio::time::timeout(Duration::from_millis(10), pacer.permit(1, Lane::Reply));
    assert!(gave_up.await.is_err(), "the fourth waits for the bucket");
    pacer.permit(1, Lane::Reply).await.unwrap();
    assert_eq!(
        start.elapsed().as_millis(),
        1000,
        "the next one still goes at 1 s"
    );
}

#[tokio::test]
async fn no_rules_never_wait() {
    let pacer = Pacer::new(None);
    for _ in 0..10_000 {
        pacer.permit(1, Lane::Reply).await.unwrap();
    }
    assert_eq!(pacer.queued(), [0, 0]);
}

#[test]
fn rules_follow_teloxides_limits() {
    let rules = Rules::from_limits(&Limits {
        messages_per_min_chat: 60,
        ..Limits::default()
    })
    .unwrap();
    assert_eq!(rules.chat_interval, Duration::from_secs(1));
    let group = Limits::default().messages_per_min_channel_or_supergroup;
    assert_eq!(rules.group_interval, Duration::from_secs(60) / group);
    assert_eq!(rules.overall_per_sec, 30);
    assert_eq!(rules.margin, MARGIN);
    let default = Rules::from_limits(&Limits::default()).unwrap();
    assert_eq!(default.chat_interval, Duration::from_secs(3), "20 a minute");
    let none = Limits {
        messages_per_sec_chat: u32::MAX,
        messages_per_min_chat: u32::MAX,
        messages_per_min_channel_or_supergroup: u32::MAX,
        messages_per_sec_overall: u32::MAX,
    };
    assert_eq!(Rules::from_limits(&none), None);
}

#[tokio::test(start_paused = true)]
async fn the_window_and_the_spacing_count_from_the_answer_not_the_grant() {
    let rules = Rules {
        overall_per_sec: 1,
        chat_burst: 1,
        ..telegram()
    };
    let pacer = Pacer::new(Some(rules));
    let start = Instant::now();
    let granted = pacer.permit(1, Lane::Reply).await.unwrap();
    // The send takes 300 ms to be answered: it may have reached Telegram only then.
    tokio::time::sleep(Duration::from_millis(300)).await;
    pacer.answered(granted);
    pacer.permit(2, Lane::Reply).await.unwrap();
    assert_eq!(
        start.elapsed().as_millis(),
        1300,
        "overall: a second after the answer"
    );
    let granted = pacer.permit(1, Lane::Reply).await.unwrap();
    assert_eq!(
        start.elapsed().as_millis(),
        2300,
        "the window again, and chat 1 by 1.3 s"
    );
    pacer.answered(granted);
}
