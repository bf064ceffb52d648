//! backcheck on Telegram, end to end: the real transport (teloxide, long polling, Throttle)
//! against the fake Bot API in tests/support, offline. Time comes from a manual clock; the
//! database is a real sled folder, so a test can stop the bot and start it again.

mod support;

#[path = "telegram_e2e/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backcheck::model::Question;
use backcheck::store::Store;
use backcheck::telegram::{RetryPolicy, TelegramError};
use harness::*;
use serde_json::json;
use support::fake_bot_api::{FakeBotApi, Fault, TOKEN};
use tokio::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn onboarding_and_a_check_in_by_buttons_then_by_typing() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());

    let mut t = Talk::new(1001);
    onboard(&mut t, &w).await;
    let ticked = t.pressed.clone();
    let plan = check_in_by_buttons(&mut t, &w, "5").await;
    assert_eq!(plan.first_line(), "Gentle day", "{}", plan.sent);

    // The command menu was registered.
    let menu = fake.wait_for(|r| r.method == "setMyCommands", WAIT).await;
    let names: Vec<String> = menu
        .param_json("commands")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 13, "{names:?}");
    assert!(names.contains(&"checkin".to_string()), "{names:?}");

    // Every press was answered, and every pressed question now shows its answer, keyboard gone.
    let answered: Vec<String> = ok_requests(&fake, "answerCallbackQuery")
        .iter()
        .filter_map(|r| r.param_str("callback_query_id"))
        .collect();
    for id in &t.callbacks {
        assert!(answered.contains(id), "callback {id} was not answered");
    }
    let chat = w.chat(t.user);
    let by_id: HashMap<i64, &Msg> = chat.iter().map(|m| (m.id, m)).collect();
    for (id, label) in &t.pressed {
        let m = by_id[id];
        let answer = if label == "Done" {
            "Running, Cycling"
        } else {
            label
        };
        assert_eq!(m.text, format!("{}\n→ {answer}", m.sent), "message {id}");
        assert!(m.keyboard.is_empty(), "message {id} still has buttons");
    }
    // The multi-select toggles edited the keyboard in place, with ticks.
    let (activities, _) = ticked.iter().find(|(_, l)| l == "Done").unwrap();
    let toggles = &by_id[activities].edited_keyboards;
    assert!(
        toggles[0].iter().flatten().any(|(l, _)| l == "✓ Running"),
        "{toggles:?}"
    );
    assert!(
        toggles[1].iter().flatten().any(|(l, _)| l == "✓ Cycling"),
        "{toggles:?}"
    );

    // A second user does it all by typing.
    let mut t = Talk::new(1002);
    t.say(&w, "/start");
    t.asked(&w, Question::Activities).await;
    for (answer, next) in [
        ("running, yoga", Question::SessionLength),
        ("an hour", Question::Cleared),
        ("yes", Question::Cancer),
        ("no", Question::TimeZone),
        ("Europe/Berlin", Question::Reminder),
    ] {
        t.say(&w, answer);
        t.asked(&w, next).await;
    }
    t.say(&w, "7:30");
    t.expect(&w, "the summary", |m| m.sent.starts_with("All set"))
        .await;
    t.say(&w, "/checkin");
    t.asked(&w, Question::Pain).await;
    for answer in ["6", "lower back", "no", "ache", "morning", "today"] {
        t.say(&w, answer);
        t.expect(&w, "the next question", |m| !m.keyboard.is_empty())
            .await;
    }
    t.say(&w, "none");
    let plan = t.plan(&w).await;
    assert_eq!(plan.first_line(), "Gentle day", "{}", plan.sent);

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_emergency_typed_mid_check_in_is_answered_at_once() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());

    let mut t = Talk::new(2001);
    onboard(&mut t, &w).await;
    t.press(&w, "Check in now").await;
    t.press(&w, "4").await;
    t.asked(&w, Question::Area).await;
    t.say(&w, "I can't control my bladder");
    let plan = t.plan(&w).await;
    assert!(
        plan.sent.starts_with("Urgent: get medical help now"),
        "{}",
        plan.sent
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_button_is_answered_and_the_current_question_asked_again() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());

    let mut t = Talk::new(3001);
    onboard(&mut t, &w).await;
    t.press(&w, "Check in now").await;
    let pain = t.press(&w, "5").await;
    t.asked(&w, Question::Area).await;

    // The pain question's "7", pressed after it was answered.
    // (The floor is set before the press: the answer may come before the next line runs.)
    let stale = pain.button("7").unwrap();
    t.floor = w.chat(t.user).last().unwrap().id;
    let id = fake.push_callback(t.user, pain.id, &stale);
    t.expect(&w, "the stale-button notice", |m| {
        m.sent
            .starts_with("That button belongs to an earlier question")
    })
    .await;
    let again = t.asked(&w, Question::Area).await;
    assert!(again.button("Lower back").is_some());
    fake.wait_for(
        |r| {
            r.method == "answerCallbackQuery"
                && r.param_str("callback_query_id").as_deref() == Some(id.as_str())
                && r.is_ok()
        },
        WAIT,
    )
    .await;
    // The conversation goes on from there.
    t.press(&w, "Lower back").await;
    t.asked(&w, Question::Spreads).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_group_gets_one_reply_and_nothing_is_stored() {
    let fake = Arc::new(FakeBotApi::start().await);
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());
    let (group, member) = (-4242, 4001);

    fake.push_group_text(group, member, "/start");
    let reply = fake
        .wait_for_sent(group, |s| s.method == "sendMessage", WAIT)
        .await;
    assert!(
        reply
            .text
            .as_deref()
            .unwrap_or("")
            .contains("private chats"),
        "{reply:?}"
    );
    fake.push_group_text(group, member, "/checkin");
    fake.push_group_text(group, member, "hello?");
    // Once every update is in the bot's hands, stopping it finishes them.
    let deadline = Instant::now() + WAIT;
    while fake.pending_updates() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (engine, store) = bot.stop().await;
    assert_eq!(fake.sent_to(group).len(), 1, "{}", fake.describe_requests());
    assert!(store.raw_keys(member as u64).unwrap().is_empty());
    drop(engine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restart_mid_check_in_continues_at_the_next_question() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());

    let mut t = Talk::new(5001);
    onboard(&mut t, &w).await;
    t.press(&w, "Check in now").await;
    t.press(&w, "5").await;
    t.asked(&w, Question::Area).await;

    let (engine, store) = bot.stop().await;
    drop(engine);
    drop(store);
    let bot = start(&fake, dir.path(), clock.clone());
    t.press(&w, "Lower back").await;
    t.asked(&w, Question::Spreads).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn fifty_users_check_in_at_once_each_in_their_own_chat() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());

    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..50_i64 {
        let w = w.clone();
        tasks.spawn(async move {
            let mut t = Talk::new(6000 + n);
            onboard(&mut t, &w).await;
            let pain = (1 + n % 9).to_string();
            check_in_by_buttons(&mut t, &w, &pain).await;
            t
        });
    }
    let talks = tasks.join_all().await;
    let view = view_of(&fake.requests());
    for t in &talks {
        let got: Vec<String> = view[&t.user]
            .values()
            .filter(|m| m.method == "sendMessage")
            .map(|m| m.sent.clone())
            .collect();
        let expected = replay(&t.inputs, t.user as u64, &clock);
        assert_eq!(got, expected, "chat {}", t.user);
        assert!(
            view[&t.user].values().last().is_some_and(Msg::is_plan),
            "chat {} ends with a plan",
            t.user
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn flood_control_and_a_bad_gateway_still_deliver_every_reply_once() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());

    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    fake.fail_next("sendMessage", Fault::BadGateway);
    let mut t = Talk::new(7001);
    t.say(&w, "/start");
    t.asked(&w, Question::Activities).await;

    let expected = replay(&t.inputs, t.user as u64, &clock);
    let sends = fake.requests_for("sendMessage");
    for text in &expected {
        let delivered = sends
            .iter()
            .filter(|r| r.is_ok() && r.text().as_deref() == Some(text.as_str()))
            .count();
        assert_eq!(delivered, 1, "{text:?}\n{}", fake.describe_requests());
    }
    assert_eq!(
        sends.iter().filter(|r| !r.is_ok()).count(),
        2,
        "one 429, one 502"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stickers_photos_edits_and_unknown_updates_do_not_stop_the_bot() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());
    let user = 8001;
    let mut t = Talk::new(user);

    t.floor = fake.push_message(
        user,
        user,
        json!({ "sticker": {
            "file_id": "s1", "file_unique_id": "su1", "width": 512, "height": 512,
            "is_animated": false, "is_video": false, "type": "regular", "emoji": "👍"
        }}),
    );
    t.expect(&w, "the text-and-buttons notice", |m| {
        m.sent.starts_with("I understand text and buttons")
    })
    .await;

    fake.push_update(json!({ "some_future_update": { "id": 1, "payload": [1, 2, 3] } }));
    fake.push_update(json!({ "edited_message": {
        "message_id": t.floor, "date": 1_700_000_000, "edit_date": 1_700_000_100,
        "chat": { "id": user, "type": "private", "first_name": "U" },
        "from": { "id": user, "is_bot": false, "first_name": "U" },
        "text": "edited"
    }}));
    t.floor = fake.push_message(
        user,
        user,
        json!({ "photo": [{ "file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90 }] }),
    );
    t.expect(&w, "the notice for a photo", |m| {
        m.sent.starts_with("I understand text and buttons")
    })
    .await;
    fake.push_message(
        user,
        user,
        json!({ "voice": { "file_id": "v1", "file_unique_id": "vu1", "duration": 2 } }),
    );
    t.say(&w, "/start");
    t.asked(&w, Question::Activities).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_arrives_as_a_json_document() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());

    let mut t = Talk::new(9001);
    onboard(&mut t, &w).await;
    t.say(&w, "/export");
    let request = fake
        .wait_for(|r| r.method == "sendDocument" && r.is_ok(), WAIT)
        .await;
    assert_eq!(request.chat_id(), Some(t.user));
    let file = request.file("document").expect("a document");
    assert_eq!(file.file_name.as_deref(), Some("backcheck-export.json"));
    let data: serde_json::Value = serde_json::from_slice(&file.bytes).expect("JSON");
    assert_eq!(data["user"], json!(t.user));
    assert_eq!(data["profile"]["session_minutes"], json!(60));
    assert_eq!(data["profile"]["time_zone"], json!("Europe/Berlin"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_user_who_blocked_the_bot_is_marked_and_others_are_still_served() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());

    let mut t = Talk::new(10_001);
    onboard(&mut t, &w).await;
    fake.fail_next(
        "sendMessage",
        Fault::Api {
            code: 403,
            description: "Forbidden: bot was blocked by the user".into(),
        },
    );
    t.say(&w, "/help");
    let store = bot.store.clone();
    let deadline = Instant::now() + WAIT;
    while !store.profile(10_001).unwrap().unwrap().blocked {
        assert!(Instant::now() < deadline, "{}", fake.describe_requests());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut other = Talk::new(10_002);
    other.say(&w, "/start");
    other.asked(&w, Question::Activities).await;

    // Writing again means the user unblocked the bot.
    t.say(&w, "/help");
    t.expect(&w, "the help text", |m| !m.sent.is_empty()).await;
    assert!(!store.profile(10_001).unwrap().unwrap().blocked);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn start_up_failures_and_an_early_shutdown_end_cleanly() {
    let dir = tempfile::tempdir().unwrap();

    // Stopped while still starting (getMe is slow): ends at once, cleanly.
    let fake = FakeBotApi::start().await;
    fake.set_delay("getMe", Duration::from_millis(300));
    let bot = start(&fake, dir.path(), clock());
    fake.wait_for(|r| r.method == "getMe", WAIT).await;
    let (engine, store) = bot.stop().await;
    drop((engine, store));

    // No Bot API at that address: a clear error, without the token in it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut quick = settings(&url);
    quick.retry = RetryPolicy {
        attempts: 2,
        first_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let error = start_with(quick, dir.path(), clock())
        .ended()
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, TelegramError::Connect(_)), "{shown}");
    let (_, secret) = TOKEN.split_once(':').unwrap();
    assert!(!shown.contains(secret), "{shown}");

    // A bad API URL is named in the error.
    let mut bad = settings("not a url");
    bad.retry.attempts = 1;
    let error = start_with(bad, dir.path(), clock())
        .ended()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not a url"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_due_reminder_arrives_with_its_buttons_and_starts_the_check_in() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let bot = start(&fake, dir.path(), clock.clone());

    // Onboarded at 09:00 in Berlin with a 07:00 reminder: the next one is tomorrow 07:00.
    let mut t = Talk::new(6001);
    onboard(&mut t, &w).await;
    let due = bot.store.reminder(6001).unwrap().unwrap().next_due;
    assert_eq!(due, Some("2026-03-03T06:00:00Z".parse().unwrap()));

    // The next morning, a little after seven in Berlin.
    clock.set("2026-03-03T06:00:20Z".parse().unwrap());
    bot.engine.scheduler().changed().notify_one();
    let reminder = t
        .expect(&w, "the reminder", |m| {
            m.sent.starts_with("Time for today's check-in")
        })
        .await;
    for label in [
        "Check in now",
        "Remind me in an hour",
        "Skip today",
        "Stop reminders",
    ] {
        assert!(
            reminder.button(label).is_some(),
            "{label:?} on the reminder"
        );
    }
    let data = reminder.button("Check in now").unwrap();
    t.push(&w, &reminder, &data);
    t.floor = reminder.id;
    t.asked(&w, Question::Pain).await;
    // Sent once: the claim moved the entry to the next day.
    let state = bot.store.reminder(6001).unwrap().unwrap();
    assert_eq!(
        state.next_due,
        Some("2026-03-04T06:00:00Z".parse().unwrap())
    );
    let reminders = fake
        .requests_for("sendMessage")
        .iter()
        .filter(|r| {
            r.text()
                .is_some_and(|t| t.starts_with("Time for today's check-in"))
        })
        .count();
    assert_eq!(reminders, 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn history_arrives_as_text_and_a_png_photo() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), clock());

    let mut t = Talk::new(9101);
    onboard(&mut t, &w).await;
    let plan = check_in_by_buttons(&mut t, &w, "5").await;
    assert_eq!(plan.first_line(), "Gentle day");
    t.say(&w, "/history");
    let request = fake
        .wait_for(|r| r.method == "sendPhoto" && r.is_ok(), WAIT)
        .await;
    assert_eq!(request.chat_id(), Some(t.user));
    let photo = request.file("photo").expect("a photo");
    assert!(photo.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(photo.bytes.len() > 1_000);
    let chart = fake
        .requests_for("sendMessage")
        .into_iter()
        .filter(|r| r.chat_id() == Some(t.user))
        .filter_map(|r| r.text())
        .find(|text| text.contains("Gentle") && text.contains(" 5 "));
    assert!(chart.is_some(), "{}", fake.describe_requests());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_reminders_goes_out_in_due_order_without_holding_up_a_conversation() {
    use backcheck::model::{Cleared, Profile};
    use backcheck::reminders::Scheduler;
    use backcheck::store::Change;

    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    // Telegram's overall limit, scaled down: 20 messages a second in all.
    let mut settings = settings(fake.url().as_str());
    settings.limits.messages_per_sec_overall = 20;
    let bot = start_with(settings, dir.path(), clock.clone());

    // 60 users with reminders a second apart, at 09:00:00 … 09:00:59 UTC; user ids in the
    // opposite order, so due order is not id order.
    let users: Vec<u64> = (0..60).map(|i| 9_100 - i).collect();
    let now = backcheck::clock::Clock::now(clock.as_ref());
    for (i, &user) in users.iter().enumerate() {
        let profile = Profile {
            activities: vec![],
            session_minutes: 30,
            cleared: Cleared::Yes,
            cancer_history: false,
            time_zone: "UTC".to_owned(),
            reminder: Some(jiff::civil::time(9, 0, i as i8, 0)),
            blocked: false,
            summary_day: Default::default(),
            language: Default::default(),
        };
        let state = Scheduler::schedule(&profile, None, now);
        let change = Change {
            profile: Some(&profile),
            reminder: Some(&state),
            ..Change::default()
        };
        bot.store.write(user, change).unwrap();
    }
    let is_reminder = |r: &support::fake_bot_api::RecordedRequest| {
        r.method == "sendMessage"
            && r.text()
                .is_some_and(|t| t.starts_with("Time for today's check-in"))
    };
    let reminders_sent = || {
        ok_requests(&fake, "sendMessage")
            .iter()
            .filter(|r| is_reminder(r))
            .filter_map(|r| r.chat_id())
            .collect::<Vec<i64>>()
    };

    // All 60 become due at once; a minute at 20 a second takes three seconds to send.
    clock.set("2026-03-02T09:01:00Z".parse().unwrap());
    bot.engine.scheduler().changed().notify_one();
    w.until("the first reminders", |_| {
        (reminders_sent().len() >= 5).then_some(())
    })
    .await;
    // Meanwhile someone else asks for help: the answer does not wait for the burst.
    let mut t = Talk::new(7001);
    t.say(&w, "/help");
    t.expect(&w, "the help text", |m| m.sent.contains("/checkin"))
        .await;
    let before_help = reminders_sent().len();
    assert!(
        before_help < 50,
        "the help answer came after {before_help} of 60 reminders"
    );

    w.until("all 60 reminders", |_| {
        (reminders_sent().len() == 60).then_some(())
    })
    .await;
    // At the rate allowed (20 a second: about three seconds), not one per Throttle release
    // (four a second: fifteen).
    let times: Vec<_> = ok_requests(&fake, "sendMessage")
        .iter()
        .filter(|r| is_reminder(r))
        .map(|r| r.received_at)
        .collect();
    let span = times[times.len() - 1].duration_since(times[0]);
    assert!(span < Duration::from_secs(8), "60 reminders took {span:?}");
    // Once each, in due order up to the sends one second releases together (20 here), whose
    // requests race each other over the wire.
    let sent = reminders_sent();
    let mut once = sent.clone();
    once.sort_unstable();
    once.dedup();
    assert_eq!(once.len(), 60, "{sent:?}");
    for (k, chat) in sent.iter().enumerate() {
        let rank = users.iter().position(|&u| u as i64 == *chat).unwrap();
        assert!(rank.abs_diff(k) < 20, "due #{rank} was sent #{k}: {sent:?}");
    }
    bot.stop().await;
}
