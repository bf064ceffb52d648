//! Smoke tests for the fake Telegram Bot API in `tests/support`: they drive
//! the real teloxide client and `Dispatcher` against it, offline.

mod support;

use std::time::Duration;

use serde_json::json;
use support::fake_bot_api::{BOT_USERNAME, FakeBotApi, Fault, Outcome, Sent};
use teloxide::{
    ApiError, RequestError,
    adaptors::throttle::{Limits, Settings, Throttle},
    dispatching::{ShutdownToken, UpdateHandler},
    prelude::*,
    types::{CallbackQueryId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, UpdateKind},
};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(5);
const USER: i64 = 4242;

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("Again", "again"),
        InlineKeyboardButton::callback("Stop", "stop"),
    ]])
}

async fn echo(bot: Bot, msg: Message) -> ResponseResult<()> {
    if let Some(text) = msg.text() {
        bot.send_message(msg.chat.id, format!("echo: {text}"))
            .reply_markup(keyboard())
            .await?;
    }
    Ok(())
}

async fn pressed(bot: Bot, q: CallbackQuery) -> ResponseResult<()> {
    bot.answer_callback_query(q.id.clone()).await?;
    if let (Some(data), Some(message)) = (q.data.as_deref(), q.regular_message()) {
        bot.edit_message_text(message.chat.id, message.id, format!("pressed: {data}"))
            .await?;
    }
    Ok(())
}

fn handler() -> UpdateHandler<RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(echo))
        .branch(Update::filter_callback_query().endpoint(pressed))
}

/// Starts a real `Dispatcher` (default long-polling listener) against the
/// fake and waits until it is polling.
async fn start_dispatcher(fake: &FakeBotApi) -> (ShutdownToken, JoinHandle<()>) {
    let mut dispatcher = Dispatcher::builder(fake.bot(), handler()).build();
    let token = dispatcher.shutdown_token();
    let task = tokio::spawn(async move { dispatcher.dispatch().await });
    fake.wait_for(|r| r.method == "getUpdates", WAIT).await;
    (token, task)
}

async fn stop_dispatcher(token: ShutdownToken, task: JoinHandle<()>) {
    let stopping = token
        .shutdown()
        .expect("dispatcher should be running, not idle");
    tokio::time::timeout(WAIT, stopping)
        .await
        .expect("dispatcher shut down in time");
    tokio::time::timeout(WAIT, task)
        .await
        .expect("dispatch task ended in time")
        .expect("dispatch task did not panic");
}

fn texts(sent: &[Sent]) -> Vec<(&str, Option<&str>)> {
    sent.iter()
        .map(|s| (s.method.as_str(), s.text.as_deref()))
        .collect()
}

fn kb(rows: &[&[(&str, &str)]]) -> Vec<Vec<(String, String)>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|(l, d)| ((*l).to_owned(), (*d).to_owned()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn get_me_and_send_message_with_keyboard() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();

    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.username(), BOT_USERNAME);
    assert!(me.is_bot);

    let sent = bot
        .send_message(ChatId(USER), "Pick one")
        .reply_markup(keyboard())
        .await
        .expect("sendMessage");
    assert_eq!(sent.text(), Some("Pick one"));
    assert_eq!(sent.chat.id, ChatId(USER));
    assert!(sent.chat.is_private());
    assert_eq!(sent.reply_markup(), Some(&keyboard()));

    let recorded = fake.requests_for("sendMessage");
    assert_eq!(recorded.len(), 1);
    assert!(!recorded[0].multipart);
    assert_eq!(recorded[0].params["chat_id"], json!(USER));
    assert_eq!(recorded[0].params["text"], json!("Pick one"));

    let to_user = fake.sent_to(USER);
    assert_eq!(to_user.len(), 1);
    assert_eq!(to_user[0].method, "sendMessage");
    assert_eq!(i64::from(sent.id.0), to_user[0].message_id);
    assert_eq!(to_user[0].text.as_deref(), Some("Pick one"));
    assert_eq!(
        to_user[0].keyboard,
        Some(kb(&[&[("Again", "again"), ("Stop", "stop")]]))
    );

    // Message ids increase per chat.
    let second = bot.send_message(ChatId(USER), "two").await.unwrap();
    let elsewhere = bot.send_message(ChatId(USER + 1), "one").await.unwrap();
    assert_eq!(second.id.0, sent.id.0 + 1);
    assert_eq!(elsewhere.id.0, 1);
    fake.shutdown().await;
}

#[tokio::test]
async fn dispatcher_echoes_and_handles_callbacks() {
    let fake = FakeBotApi::start().await;
    let (token, task) = start_dispatcher(&fake).await;

    let incoming = fake.push_text(USER, USER, "hi");
    let reply = fake
        .wait_for_sent(USER, |s| s.text.as_deref() == Some("echo: hi"), WAIT)
        .await;
    assert_eq!(reply.method, "sendMessage");
    assert_eq!(reply.message_id, incoming + 1, "ids are shared per chat");
    assert_eq!(
        reply.keyboard,
        Some(kb(&[&[("Again", "again"), ("Stop", "stop")]]))
    );

    let query_id = fake.push_callback(USER, reply.message_id, "again");
    let answer = fake
        .wait_for(|r| r.method == "answerCallbackQuery", WAIT)
        .await;
    assert_eq!(answer.param_str("callback_query_id"), Some(query_id));
    assert!(answer.is_ok());
    let edit = fake
        .wait_for_sent(USER, |s| s.method == "editMessageText", WAIT)
        .await;
    assert_eq!(edit.message_id, reply.message_id);
    assert_eq!(edit.text.as_deref(), Some("pressed: again"));

    // Editing without reply_markup removes the keyboard, as on Telegram.
    let now = fake
        .message(USER, reply.message_id)
        .expect("stored message");
    assert_eq!(now["text"], json!("pressed: again"));
    assert!(now.get("reply_markup").is_none());

    assert_eq!(
        texts(&fake.sent_to(USER)),
        vec![
            ("sendMessage", Some("echo: hi")),
            ("editMessageText", Some("pressed: again"))
        ]
    );
    // The default listener checks the webhook before polling.
    assert!(!fake.requests_for("getWebhookInfo").is_empty());

    stop_dispatcher(token, task).await;
    assert_eq!(fake.pending_updates(), 0, "all updates were confirmed");
    fake.shutdown().await;
}

#[tokio::test]
async fn send_document_and_photo_arrive_as_multipart() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();
    let bytes = b"date,pain\n2024-01-01,3\n".to_vec();

    let message = bot
        .send_document(
            ChatId(USER),
            InputFile::memory(bytes.clone()).file_name("report.csv"),
        )
        .caption("Your week")
        .await
        .expect("sendDocument");
    let document = message.document().expect("document in reply");
    assert_eq!(document.file_name.as_deref(), Some("report.csv"));
    assert_eq!(message.caption(), Some("Your week"));

    let request = fake.wait_for(|r| r.method == "sendDocument", WAIT).await;
    assert!(request.multipart);
    assert_eq!(request.chat_id(), Some(USER));
    assert_eq!(request.param_str("chat_id").as_deref(), Some("4242"));
    assert_eq!(request.param_str("caption").as_deref(), Some("Your week"));
    let file = request.file("document").expect("document part");
    assert_eq!(file.file_name.as_deref(), Some("report.csv"));
    assert_eq!(file.bytes, bytes);
    assert_eq!(
        request.param_str("document"),
        Some(format!("attach://{}", file.part_name))
    );

    let png = vec![0x89, b'P', b'N', b'G', 1, 2, 3];
    bot.send_photo(
        ChatId(USER),
        InputFile::memory(png.clone()).file_name("chart.png"),
    )
    .reply_markup(keyboard())
    .await
    .expect("sendPhoto");

    let sent = fake.sent_to(USER);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].method, "sendDocument");
    assert_eq!(sent[0].text.as_deref(), Some("Your week"));
    assert_eq!(sent[0].file.as_ref().map(|f| &f.bytes), Some(&bytes));
    assert_eq!(sent[1].method, "sendPhoto");
    assert_eq!(sent[1].file.as_ref().map(|f| &f.bytes), Some(&png));
    assert_eq!(
        sent[1].keyboard,
        Some(kb(&[&[("Again", "again"), ("Stop", "stop")]])),
        "reply_markup arrives as JSON text in multipart"
    );
    fake.shutdown().await;
}

/// What the transport sees on flood control: a plain `Bot` surfaces
/// `RequestError::RetryAfter` and never retries; `Throttle` (default
/// settings) sleeps `retry_after` and resends by itself; `Throttle` with
/// `no_retry` surfaces the error like the plain bot.
#[tokio::test]
async fn too_many_requests_is_retry_after() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();

    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    let err = bot
        .send_message(ChatId(USER), "flood")
        .await
        .expect_err("429 surfaces");
    match &err {
        RequestError::RetryAfter(after) => assert_eq!(after.seconds(), 1),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    assert!(fake.sent_to(USER).is_empty(), "a 429 delivers nothing");
    assert_eq!(
        fake.requests_for("sendMessage")[0].outcome,
        Outcome::Fault(Fault::TooManyRequests { retry_after: 1 })
    );

    let (throttled, worker) = Throttle::with_settings(bot.clone(), Settings::default().no_retry());
    let worker = tokio::spawn(worker);
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    let err = throttled
        .send_message(ChatId(USER), "flood")
        .await
        .expect_err("no_retry surfaces 429");
    assert!(matches!(err, RequestError::RetryAfter(_)), "{err:?}");
    drop(throttled);
    worker.abort();

    let throttled = bot.throttle(Limits::default());
    fake.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    let started = tokio::time::Instant::now();
    let message = throttled
        .send_message(ChatId(USER), "patient")
        .await
        .expect("Throttle retries after retry_after");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(message.text(), Some("patient"));
    let attempts: Vec<_> = fake
        .requests_for("sendMessage")
        .into_iter()
        .filter(|r| r.text().as_deref() == Some("patient"))
        .collect();
    assert_eq!(attempts.len(), 2, "one 429, one resend");
    assert!(!attempts[0].is_ok() && attempts[1].is_ok());
    assert_eq!(
        texts(&fake.sent_to(USER)),
        vec![("sendMessage", Some("patient"))]
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn odd_updates_do_not_stop_the_dispatcher() {
    let fake = FakeBotApi::start().await;
    let (token, task) = start_dispatcher(&fake).await;

    fake.push_update(json!({ "some_future_update": { "id": 1, "payload": [1, 2, 3] } }));
    fake.push_message(
        USER,
        USER,
        json!({
            "sticker": {
                "file_id": "sticker-file",
                "file_unique_id": "sticker-unique",
                "width": 512,
                "height": 512,
                "is_animated": false,
                "is_video": false,
                "type": "regular",
                "emoji": "👍"
            }
        }),
    );
    fake.push_update(json!({
        "edited_message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "edit_date": 1_700_000_100,
            "chat": { "id": USER, "type": "private", "first_name": "User" },
            "from": { "id": USER, "is_bot": false, "first_name": "User" },
            "text": "edited"
        }
    }));
    fake.push_update(json!({
        "channel_post": {
            "message_id": 7,
            "date": 1_700_000_000,
            "chat": { "id": -1_001_234, "type": "channel", "title": "News" },
            "text": "post"
        }
    }));
    fake.push_text(USER, USER, "still here?");

    fake.wait_for_sent(
        USER,
        |s| s.text.as_deref() == Some("echo: still here?"),
        WAIT,
    )
    .await;
    assert_eq!(
        texts(&fake.sent_to(USER)),
        vec![("sendMessage", Some("echo: still here?"))],
        "only the text message is answered"
    );
    assert!(fake.sent_to(-1_001_234).is_empty());

    stop_dispatcher(token, task).await;
    assert_eq!(fake.pending_updates(), 0);
    fake.shutdown().await;
}

#[tokio::test]
async fn get_updates_honours_offset_and_caps_long_polls() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();

    let first_msg = fake.push_text(USER, USER, "one");
    fake.push_group_text(-77, USER, "/start now");
    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.len(), 2);
    assert!(updates[0].id.0 < updates[1].id.0);
    let UpdateKind::Message(m) = &updates[1].kind else {
        panic!("expected a message: {:?}", updates[1]);
    };
    assert!(m.chat.is_group());
    assert_eq!(m.text(), Some("/start now"));
    assert_eq!(first_msg, 1);

    // Unconfirmed updates are returned again.
    assert_eq!(bot.get_updates().await.unwrap().len(), 2);
    // offset confirms everything below it.
    let next = updates[1].id.as_offset();
    let started = tokio::time::Instant::now();
    let none = bot.get_updates().offset(next).timeout(30).await.unwrap();
    assert!(none.is_empty());
    let held = started.elapsed();
    assert!(
        held >= Duration::from_millis(900) && held < Duration::from_secs(3),
        "long poll held for {held:?}"
    );
    assert_eq!(fake.pending_updates(), 0);

    // A held poll returns as soon as an update is queued.
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().offset(next).timeout(30).await }
    });
    fake.wait_for(
        |r| r.method == "getUpdates" && r.outcome == Outcome::Pending,
        WAIT,
    )
    .await;
    fake.push_text(USER, USER, "wake up");
    let woke = poll.await.unwrap().unwrap();
    assert_eq!(woke.len(), 1);
    fake.shutdown().await;
}

#[tokio::test]
async fn api_errors_and_transport_faults_map_to_request_errors() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();

    fake.fail_next(
        "sendMessage",
        Fault::Api {
            code: 403,
            description: "Forbidden: bot was blocked by the user".to_owned(),
        },
    );
    let err = bot.send_message(ChatId(USER), "x").await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::BotBlocked)),
        "{err:?}"
    );

    fake.fail_next("sendMessage", Fault::MalformedJson);
    let err = bot.send_message(ChatId(USER), "x").await.unwrap_err();
    assert!(matches!(err, RequestError::InvalidJson { .. }), "{err:?}");

    fake.fail_next("sendMessage", Fault::TruncatedBody);
    let err = bot.send_message(ChatId(USER), "x").await.unwrap_err();
    assert!(matches!(err, RequestError::Network(_)), "{err:?}");

    // The fake's own Telegram-like checks.
    let err = bot
        .edit_message_text(ChatId(USER), teloxide::types::MessageId(999), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{err:?}"
    );
    let sent = bot.send_message(ChatId(USER), "same").await.unwrap();
    let err = bot
        .edit_message_text(ChatId(USER), sent.id, "same")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageNotModified)),
        "{err:?}"
    );
    let err = bot
        .answer_callback_query(CallbackQueryId("nope".to_owned()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::InvalidQueryId)),
        "{err:?}"
    );

    // Faults are consumed once.
    bot.send_message(ChatId(USER), "fine").await.unwrap();
    assert_eq!(
        texts(&fake.sent_to(USER)),
        vec![("sendMessage", Some("same")), ("sendMessage", Some("fine"))]
    );
    fake.shutdown().await;
}

/// 5xx answers are checked on the raw HTTP level: through teloxide each
/// would cost its fixed 10 s sleep.
#[tokio::test]
async fn raw_http_shapes_of_errors_and_unknown_methods() {
    let fake = FakeBotApi::start().await;
    let client = teloxide::net::default_reqwest_settings().build().unwrap();
    let url = |method: &str| format!("{}bot{}/{method}", fake.url(), "123:abc");

    let response = client.post(url("noSuchMethod")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );

    fake.fail_next("getMe", Fault::BadGateway);
    let response = client.post(url("getMe")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 502);
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));

    fake.fail_next("getMe", Fault::ServerError500);
    let response = client.post(url("getMe")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 500);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], json!(500));

    fake.fail_next("getMe", Fault::TooManyRequests { retry_after: 7 });
    let response = client.post(url("GETME")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "ok": false,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": { "retry_after": 7 }
        })
    );

    let response = client.post(url("getMe")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["result"]["username"], json!(BOT_USERNAME));

    let methods: Vec<_> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(
        methods,
        vec!["noSuchMethod", "getMe", "getMe", "getMe", "getMe"],
        "method names are normalised case-insensitively"
    );
    assert!(fake.requests().iter().all(|r| r.token == "123:abc"));
    fake.shutdown().await;
}

#[tokio::test]
async fn commands_delay_and_chat_action() {
    let fake = FakeBotApi::start().await;
    let bot = fake.bot();

    bot.set_my_commands([teloxide::types::BotCommand::new("start", "Begin")])
        .await
        .unwrap();
    let commands = bot.get_my_commands().await.unwrap();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].command, "start");

    bot.delete_webhook().await.unwrap();
    bot.send_chat_action(ChatId(USER), teloxide::types::ChatAction::Typing)
        .await
        .unwrap();
    assert_eq!(
        fake.requests_for("sendChatAction")[0]
            .param_str("action")
            .as_deref(),
        Some("typing")
    );
    assert!(
        fake.sent_to(USER).is_empty(),
        "chat actions are not messages"
    );

    fake.set_delay("getMe", Duration::from_millis(300));
    let started = tokio::time::Instant::now();
    bot.get_me().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    fake.set_delay("getMe", Duration::ZERO);

    let started = tokio::time::Instant::now();
    bot.get_me().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
    fake.shutdown().await;
}
