//! backcheck on a Bot API that misbehaves: getUpdates answering garbage, sends failing with
//! unreadable or cut-off bodies, flood control, slow answers and a 502 from a proxy. Each
//! scenario checks exactly what the user ends up with: every reply once, in order, and the
//! bot still serving a newcomer afterwards.
//!
//! The fake answers a faulted call without acting on it ("no side effect"), so a reply that
//! hit a fault and was never sent again is missing from the fake's record of messages.

mod support;

// Shared with tests/telegram_e2e.rs, which uses more of it.
#[allow(dead_code)]
#[path = "telegram_e2e/harness.rs"]
mod harness;

use std::sync::Arc;
use std::time::Duration;

use backcheck::clock::ManualClock;
use backcheck::model::Question;
use harness::*;
use support::fake_bot_api::{FakeBotApi, Fault, Outcome, RecordedRequest};

/// The texts of the messages, documents and photos the fake delivered to `chat`, in order.
fn delivered(fake: &FakeBotApi, chat: i64) -> Vec<String> {
    fake.sent_to(chat)
        .into_iter()
        .filter(|s| {
            matches!(
                s.method.as_str(),
                "sendMessage" | "sendDocument" | "sendPhoto"
            )
        })
        .filter_map(|s| s.text)
        .collect()
}

/// The sendMessage calls to `chat` that the fake answered with `fault`.
fn faulted(fake: &FakeBotApi, chat: i64, fault: &Fault) -> Vec<RecordedRequest> {
    fake.requests_for("sendMessage")
        .into_iter()
        .filter(|r| r.chat_id() == Some(chat) && r.outcome == Outcome::Fault(fault.clone()))
        .collect()
}

/// Asserts that `chat` received exactly what an Engine says for `t`'s inputs, in order,
/// each message once.
#[track_caller]
fn assert_delivered_once_in_order(fake: &FakeBotApi, t: &Talk, clock: &ManualClock) {
    let expected = replay(&t.inputs, t.user as u64, clock);
    assert_eq!(
        delivered(fake, t.user),
        expected,
        "chat {}:\n{}",
        t.user,
        fake.describe_requests()
    );
}

/// A newcomer onboards and checks in: the bot is still fully working.
async fn newcomer_checks_in(w: &Watch, user: i64) {
    let mut t = Talk::new(user);
    onboard(&mut t, w).await;
    let plan = check_in_by_buttons(&mut t, w, "3").await;
    assert_eq!(plan.first_line(), "Gentle day", "{}", plan.sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn get_updates_answering_garbage_then_recovering_handles_the_queued_updates() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());
    fake.wait_for(|r| r.method == "getUpdates", WAIT).await;

    // The next two polls fail: an unreadable body, then one cut off mid-way.
    fake.fail_next("getUpdates", Fault::MalformedJson);
    fake.fail_next("getUpdates", Fault::TruncatedBody);
    let fault = |f: Fault| move |r: &RecordedRequest| r.outcome == Outcome::Fault(f.clone());
    fake.wait_for(fault(Fault::MalformedJson), WAIT).await;
    // Updates queue up while polling is broken.
    let (mut a, mut b) = (Talk::new(8101), Talk::new(8102));
    a.say(&w, "/help");
    a.say(&w, "/start");
    b.say(&w, "/start");
    fake.wait_for(fault(Fault::TruncatedBody), WAIT).await;
    assert_eq!(fake.pending_updates(), 3, "a faulted poll confirms nothing");

    // Polling recovers (after teloxide's backoff) and every queued update is handled once.
    a.asked(&w, Question::Activities).await;
    b.asked(&w, Question::Activities).await;
    assert_delivered_once_in_order(&fake, &a, &clock);
    assert_delivered_once_in_order(&fake, &b, &clock);
    let polls = fake.requests_for("getUpdates");
    let failed: Vec<&Outcome> = polls
        .iter()
        .map(|r| &r.outcome)
        .filter(|o| matches!(o, Outcome::Fault(_)))
        .collect();
    assert_eq!(
        failed,
        [
            &Outcome::Fault(Fault::MalformedJson),
            &Outcome::Fault(Fault::TruncatedBody)
        ]
    );

    newcomer_checks_in(&w, 8103).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_sends_deliver_each_reply_once_and_the_turn_goes_on() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());
    let mut t = Talk::new(8201);
    onboard(&mut t, &w).await;

    // An unreadable answer that says ok: Telegram delivered the check-in's first question
    // (its intro folded in), so it is not sent again; the user answers it by typing.
    fake.fail_next("sendMessage", Fault::MalformedJson);
    t.press(&w, "Check in now").await;
    let swallowed = |r: &RecordedRequest| r.outcome == Outcome::Fault(Fault::MalformedJson);
    fake.wait_for(swallowed, WAIT).await;
    t.say(&w, "5");
    t.asked(&w, Question::Area).await;
    let unreadable = faulted(&fake, t.user, &Fault::MalformedJson);
    assert_eq!(unreadable.len(), 1, "{}", fake.describe_requests());
    let intro = unreadable[0].text().unwrap();

    // A body cut off mid-way: nothing was delivered, so it is sent again, once.
    fake.fail_next("sendMessage", Fault::TruncatedBody);
    t.press(&w, "Lower back").await;
    t.asked(&w, Question::Spreads).await;
    // Flood control: wait `retry_after`, then send.
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    t.press(&w, "No").await;
    t.asked(&w, Question::Feeling).await;
    t.press(&w, "Sharp").await;
    t.press(&w, "When moving").await;
    t.press(&w, "Started today").await;
    // The plan itself hits both, one after the other.
    fake.fail_next("sendMessage", Fault::TruncatedBody);
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    t.press(&w, "None of these").await;
    let plan = t.plan(&w).await;
    assert_eq!(plan.first_line(), "Gentle day", "{}", plan.sent);

    // Everything the Engine said arrived once and in order, but the intro, which the fake
    // swallowed while answering "ok" (a real Telegram delivers it).
    let mut expected = replay(&t.inputs, t.user as u64, &clock);
    let at = expected.iter().position(|m| *m == intro).unwrap();
    expected.remove(at);
    assert_eq!(
        delivered(&fake, t.user),
        expected,
        "{}",
        fake.describe_requests()
    );
    let plans = delivered(&fake, t.user)
        .into_iter()
        .filter(|m| *m == plan.sent)
        .count();
    assert_eq!(plans, 1, "the plan once");
    assert_eq!(faulted(&fake, t.user, &Fault::TruncatedBody).len(), 2);
    let flood = Fault::TooManyRequests { retry_after: 1 };
    assert_eq!(faulted(&fake, t.user, &flood).len(), 2);

    newcomer_checks_in(&w, 8202).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_answers_still_bring_every_reply_in_order() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());
    fake.wait_for(|r| r.method == "getUpdates", WAIT).await;

    // Every send answered after 1.5 s: far slower than usual, well inside the client's 17 s.
    fake.set_delay("sendMessage", Duration::from_millis(1500));
    let mut t = Talk::new(8301);
    t.say(&w, "/help");
    t.say(&w, "/start");
    t.say(&w, "running, cycling");
    t.asked(&w, Question::SessionLength).await;
    assert_delivered_once_in_order(&fake, &t, &clock);
    // /help, then /start's intro with the first question, then the second question.
    assert!(
        delivered(&fake, t.user).len() >= 3,
        "{:?}",
        delivered(&fake, t.user)
    );

    fake.set_delay("sendMessage", Duration::ZERO);
    newcomer_checks_in(&w, 8302).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_gateway_on_one_send_is_delivered_later_while_other_chats_go_on() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());
    fake.wait_for(|r| r.method == "getUpdates", WAIT).await;

    // The first send to this chat meets a proxy's 502: teloxide sleeps 10 s, then the send
    // is retried.
    fake.fail_next("sendMessage", Fault::BadGateway);
    let mut t = Talk::new(8401);
    t.say(&w, "/start");
    fake.wait_for(|r| r.outcome == Outcome::Fault(Fault::BadGateway), WAIT)
        .await;

    // Meanwhile another user onboards and checks in: one slow chat holds up no other.
    newcomer_checks_in(&w, 8402).await;
    assert!(
        delivered(&fake, t.user).is_empty(),
        "the retried send is still waiting out teloxide's 10 s"
    );

    t.asked(&w, Question::Activities).await;
    assert_delivered_once_in_order(&fake, &t, &clock);
    assert_eq!(faulted(&fake, t.user, &Fault::BadGateway).len(), 1);

    newcomer_checks_in(&w, 8403).await;
    bot.stop().await;
}
