//! Webhook mode on one replica (sled), in process: the webhook feeder in tests/support posts
//! the fake Bot API's updates to the bot's listener as Telegram does. Requests without the
//! right secret, malformed and oversized bodies are refused and change nothing; an update is
//! answered only after its turn; /healthz says when the store fails; /metrics counts a
//! conversation; a double tap on one replica advances the conversation once.
//!
//! The tests run one at a time (`SERIAL`): the counters in /metrics belong to the process.

mod support;

#[allow(dead_code)]
#[path = "telegram_e2e/harness.rs"]
mod harness;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use backcheck::clock::Clock;
use backcheck::engine::Engine;
use backcheck::engine::state::ConvState;
use backcheck::model::Question;
use backcheck::model::{DayRecord, Profile};
use backcheck::store::{
    Change, ReminderState, SledStore, Store, StoreError, UserData, UserId, UserLock,
};
use backcheck::telegram::{self, MAX_BODY, Mode, TelegramError, WebhookSettings};
use harness::{Talk, Watch, clock, onboard, prompt, script, settings};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};
use support::fake_bot_api::{FakeBotApi, Fault};
use support::webhook_feeder::{Order, SECRET, WebhookFeeder, get, metric};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// One test at a time: they read the process's counters.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A sled store that can be made to fail, as a database that went away does.
struct FlakyStore {
    inner: SledStore,
    broken: AtomicBool,
}

impl FlakyStore {
    fn check(&self) -> Result<(), StoreError> {
        if self.broken.load(Ordering::SeqCst) {
            Err(StoreError::Db("the disk went away (test)".into()))
        } else {
            Ok(())
        }
    }
}

impl Store for FlakyStore {
    fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        self.check()?;
        self.inner.profile(user)
    }
    fn state(&self, user: UserId) -> Result<Option<ConvState>, StoreError> {
        self.check()?;
        self.inner.state(user)
    }
    fn day(&self, user: UserId, date: Date) -> Result<Option<DayRecord>, StoreError> {
        self.check()?;
        self.inner.day(user, date)
    }
    fn days(&self, user: UserId, from: Date, to: Date) -> Result<Vec<DayRecord>, StoreError> {
        self.check()?;
        self.inner.days(user, from, to)
    }
    fn reminder(&self, user: UserId) -> Result<Option<ReminderState>, StoreError> {
        self.check()?;
        self.inner.reminder(user)
    }
    fn due(&self, up_to: Timestamp, limit: usize) -> Result<Vec<(Timestamp, UserId)>, StoreError> {
        self.check()?;
        self.inner.due(up_to, limit)
    }
    fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.check()?;
        self.inner.next_due()
    }
    fn remove_due(&self, due: Timestamp, user: UserId) -> Result<(), StoreError> {
        self.check()?;
        self.inner.remove_due(due, user)
    }
    fn write(&self, user: UserId, change: Change<'_>) -> Result<(), StoreError> {
        self.check()?;
        self.inner.write(user, change)
    }
    fn forget(&self, user: UserId) -> Result<(), StoreError> {
        self.check()?;
        self.inner.forget(user)
    }
    fn export(&self, user: UserId) -> Result<UserData, StoreError> {
        self.check()?;
        self.inner.export(user)
    }
    fn raw_keys(&self, user: UserId) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.inner.raw_keys(user)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }
    fn lock_user(&self, user: UserId) -> Result<UserLock, StoreError> {
        self.inner.lock_user(user)
    }
}

/// The bot in webhook mode on the test's runtime.
struct Replica {
    store: Arc<FlakyStore>,
    /// `http://127.0.0.1:PORT`.
    base: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), TelegramError>>,
}

impl Replica {
    /// Starts the bot on a sled folder in `dir`, listening on 127.0.0.1:0, and waits until
    /// it answers /healthz.
    async fn start(fake: &FakeBotApi, dir: &Path) -> Replica {
        let listener = loopback();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mode = Mode::Webhook(WebhookSettings {
            listener,
            secret: SECRET.to_string(),
        });
        Replica::run(fake, dir, mode, base).await
    }

    async fn run(fake: &FakeBotApi, dir: &Path, mode: Mode, base: String) -> Replica {
        let store = Arc::new(FlakyStore {
            inner: SledStore::open(dir).unwrap(),
            broken: AtomicBool::new(false),
        });
        let engine = Arc::new(Engine::new(
            store.clone() as Arc<dyn Store>,
            script(),
            "UTC",
        ));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(telegram::run_with(
            engine,
            settings(fake.url().as_str()),
            mode,
            clock() as Arc<dyn Clock>,
            async move {
                let _ = stopped.await;
            },
        ));
        let (status, body) = get(&base, "/healthz").await;
        assert_eq!((status, body.as_str()), (200, "ok\n"), "the bot is up");
        Replica {
            store,
            base,
            stop,
            task,
        }
    }

    /// The webhook URL (any path; the operator's public URL decides it).
    fn hook(&self) -> String {
        format!("{}/telegram", self.base)
    }

    async fn metrics(&self) -> String {
        let (status, text) = get(&self.base, "/metrics").await;
        assert_eq!(status, 200);
        text
    }

    /// Stops it as SIGTERM does; it must stop cleanly.
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(harness::WAIT, self.task).await;
        ended.unwrap().unwrap().unwrap();
    }
}

fn loopback() -> std::net::TcpListener {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    listener
}

/// A /start from `user` as the fake builds it, taken out of its queue (not delivered).
async fn start_update(fake: &FakeBotApi, user: i64) -> Value {
    fake.push_text(user, user, "/start");
    let mut taken = fake.take_updates(harness::WAIT).await.unwrap();
    assert_eq!(taken.len(), 1);
    taken.remove(0).1
}

/// Waits until the feeder has had a 200 for each of `updates`.
async fn answered(feeder: &WebhookFeeder, updates: &[i64]) {
    let deadline = tokio::time::Instant::now() + harness::WAIT;
    while !updates
        .iter()
        .all(|u| feeder.stats().answered.contains_key(u))
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            feeder.stats()
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

fn sends(fake: &FakeBotApi) -> usize {
    fake.requests_for("sendMessage").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_the_secret_or_with_a_bad_body_are_refused_and_change_nothing() {
    let _one = SERIAL.lock().await;
    let fake = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Replica::start(&fake, dir.path()).await;
    let feeder = WebhookFeeder::new(vec![bot.hook()], SECRET);
    let user = 4_242;
    let update = start_update(&fake, user).await;
    let body = serde_json::to_vec(&update).unwrap();
    let before = bot.metrics().await;

    let wrong = SECRET.replace('4', "5");
    assert_eq!(wrong.len(), SECRET.len());
    let prefix = &SECRET[..SECRET.len() - 1];
    for secret in [None, Some(wrong.as_str()), Some(prefix), Some("")] {
        let status = feeder.post(0, secret, body.clone()).await.unwrap();
        assert_eq!(status, 401, "secret {secret:?}");
    }
    let mut padded = update.clone();
    padded["padding"] = json!("x".repeat(MAX_BODY));
    let oversized = serde_json::to_vec(&padded).unwrap();
    let status = feeder.post(0, Some(&wrong), oversized.clone()).await;
    assert_eq!(
        status.unwrap(),
        401,
        "the secret is checked before the body"
    );
    // That 401 left the oversized body unread, so the server closed the connection; a new
    // feeder (a new connection pool) keeps the next post off the closed connection.
    let feeder = WebhookFeeder::new(vec![bot.hook()], SECRET);

    let malformed: [&[u8]; 5] = [
        b"",
        b"not json",
        b"{\"message\": {}}",
        b"{\"update_id\": 77, \"message\": \"garbage\"}",
        b"[1, 2, 3]",
    ];
    for body in malformed {
        let status = feeder.post(0, Some(SECRET), body.to_vec()).await.unwrap();
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(body));
    }
    let status = feeder.post(0, Some(SECRET), oversized).await.unwrap();
    assert_eq!(status, 413, "an oversized body is refused");

    let after = bot.metrics().await;
    let delta = |name: &str| metric(&after, name) - metric(&before, name);
    assert_eq!(delta("backcheck_webhook_unauthorized_total"), 5);
    assert_eq!(delta("backcheck_webhook_bad_request_total"), 6);
    assert_eq!(delta("backcheck_updates_handled_total"), 0);
    assert_eq!(sends(&fake), 0, "nothing was said to anyone");
    let id = UserId::try_from(user).unwrap();
    assert!(bot.store.raw_keys(id).unwrap().is_empty(), "nothing stored");

    // The same update with the secret: answered 200 only once its turn is done, so the
    // reply has been sent and the user stored by the time the answer arrives.
    let status = feeder.post(0, Some(SECRET), body).await.unwrap();
    assert_eq!(status, 200);
    assert!(sends(&fake) > 0, "the welcome went out before the 200");
    assert!(
        !bot.store.raw_keys(id).unwrap().is_empty(),
        "and was stored"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_a_failing_store_and_recovers() {
    let _one = SERIAL.lock().await;
    let fake = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Replica::start(&fake, dir.path()).await;
    bot.store.broken.store(true, Ordering::SeqCst);
    let (status, body) = get(&bot.base, "/healthz").await;
    assert_eq!(status, 503);
    assert!(
        body.contains("store") && body.contains("the disk went away"),
        "{body}"
    );
    bot.store.broken.store(false, Ordering::SeqCst);
    assert_eq!(get(&bot.base, "/healthz").await, (200, "ok\n".to_string()));
    let (status, _) = get(&bot.base, "/nothing-here").await;
    assert_eq!(status, 405, "GET elsewhere is not an update");
    bot.stop().await;

    // Long polling serves them on [http] listen when set.
    let dir = tempfile::tempdir().unwrap();
    let listener = loopback();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mode = Mode::Polling {
        http: Some(listener),
    };
    let bot = Replica::run(&fake, dir.path(), mode, base).await;
    bot.store.broken.store(true, Ordering::SeqCst);
    assert_eq!(get(&bot.base, "/healthz").await.0, 503);
    bot.store.broken.store(false, Ordering::SeqCst);
    let text = bot.metrics().await;
    assert!(text.contains("# TYPE backcheck_updates_handled_total counter"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_a_conversation() {
    let _one = SERIAL.lock().await;
    let fake = Arc::new(FakeBotApi::start().await);
    let dir = tempfile::tempdir().unwrap();
    let bot = Replica::start(&fake, dir.path()).await;
    let feeder = WebhookFeeder::new(vec![bot.hook()], SECRET);
    let feeding = feeder.start(fake.clone(), Order::PerChat);
    let before = bot.metrics().await;

    // One button answer meets a 429 first (answerCallbackQuery is retried by backcheck).
    fake.fail_next(
        "answerCallbackQuery",
        Fault::TooManyRequests { retry_after: 0 },
    );
    let w = Watch::new(fake.clone());
    let mut t = Talk::new(5_151);
    onboard(&mut t, &w).await;
    let after = bot.metrics().await;
    let delta = |name: &str| metric(&after, name) - metric(&before, name);
    let turns = t.inputs.len() as u64;
    assert!(turns >= 8, "onboarding took {turns} updates");
    assert_eq!(delta("backcheck_updates_handled_total"), turns);
    assert_eq!(delta("backcheck_reply_latency_seconds_count"), turns);
    let sent = fake
        .requests_for("sendMessage")
        .iter()
        .filter(|r| r.is_ok())
        .count() as u64;
    assert_eq!(delta("backcheck_replies_sent_total"), sent);
    assert_eq!(delta("backcheck_telegram_429_total"), 1);
    assert_eq!(
        metric(
            &after,
            "backcheck_reply_latency_seconds_bucket{le=\"+Inf\"}"
        ),
        metric(&after, "backcheck_reply_latency_seconds_count")
    );
    let stats = feeder.stats();
    assert_eq!(stats.answered.len() as u64, turns);
    assert!(stats.refused.is_empty() && stats.lost.is_empty());
    feeding.abort();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_tap_on_one_replica_advances_the_check_in_once() {
    let _one = SERIAL.lock().await;
    let fake = Arc::new(FakeBotApi::start().await);
    let dir = tempfile::tempdir().unwrap();
    let bot = Replica::start(&fake, dir.path()).await;
    let feeder = WebhookFeeder::new(vec![bot.hook()], SECRET);
    let feeding = feeder.start(fake.clone(), Order::AtOnce);
    let w = Watch::new(fake.clone());
    let user = 6_161;
    let mut t = Talk::new(user);
    onboard(&mut t, &w).await;
    t.press(&w, "Check in now").await;
    let pain = t.asked(&w, Question::Pain).await;
    let data = pain.button("5").unwrap();
    // Two presses of "5", posted at once; each is answered once its turn is done.
    let (a, _) = fake.try_push_callback(user, pain.id, &data).unwrap();
    let (b, _) = fake.try_push_callback(user, pain.id, &data).unwrap();
    answered(&feeder, &[a, b]).await;
    // The first press answers the pain question and asks the next one; the second finds
    // the pain question answered, says so and shows where the user is. The step moved once.
    let stale = script()
        .text(backcheck::script::Text::StaleButton)
        .to_string();
    let area = prompt(Question::Area);
    let after: Vec<String> = w
        .chat(user)
        .into_iter()
        .filter(|m| m.id > pain.id)
        .map(|m| m.sent)
        .collect();
    assert_eq!(
        after,
        // The stale notice is folded into the question it shows (src/telegram/outbox.rs).
        [area.clone(), format!("{stale}\n\n{area}")],
        "tests/replicas.rs expects the same"
    );
    t.floor = pain.id;
    t.press(&w, "Lower back").await;
    t.asked(&w, Question::Spreads).await;
    feeding.abort();
    bot.stop().await;
}

/// Runs the binary with `args` against the fake; (success, stdout, stderr).
fn backcheck(fake_url: &str, args: &[&str], secret: Option<&str>) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_backcheck"));
    command
        .args(args)
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", support::fake_bot_api::TOKEN)
        .env("TELOXIDE_API_URL", fake_url)
        .env("BACKCHECK_DATA_DIR", dir.path().join("data"))
        .env_remove("BACKCHECK_CONFIG")
        .env_remove("BACKCHECK_WEBHOOK_SECRET")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    if let Some(secret) = secret {
        command.env("BACKCHECK_WEBHOOK_SECRET", secret);
    }
    let out = command.output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_set_registers_the_url_with_the_secret_and_webhook_mode_needs_one() {
    let fake = FakeBotApi::start().await;
    let url = fake.url().to_string();
    let run = |args: Vec<&'static str>, secret: Option<&'static str>| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || backcheck(&url, &args, secret))
    };
    let set = vec![
        "webhook",
        "set",
        "https://bot.example.com/tg",
        "--max-connections",
        "10",
    ];
    let (ok, out, err) = run(set.clone(), Some(SECRET)).await.unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("https://bot.example.com/tg"), "{out}");
    let calls = fake.requests_for("setWebhook");
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(
        call.param_str("url").as_deref(),
        Some("https://bot.example.com/tg")
    );
    assert_eq!(call.param_str("secret_token").as_deref(), Some(SECRET));
    assert_eq!(call.param_i64("max_connections"), Some(10));
    let allowed = call.param_json("allowed_updates").unwrap();
    assert!(allowed.to_string().contains("callback_query"), "{allowed}");

    let (ok, _, err) = run(vec!["webhook", "delete"], None).await.unwrap();
    assert!(ok, "{err}");
    assert_eq!(fake.requests_for("deleteWebhook").len(), 1);

    // Without a secret, neither `webhook set` nor webhook mode starts; one line says why.
    for args in [set, vec!["run", "--webhook"]] {
        let (ok, _, err) = run(args.clone(), None).await.unwrap();
        assert!(!ok, "{args:?} ran without a secret");
        assert!(err.contains("BACKCHECK_WEBHOOK_SECRET"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(
        fake.requests_for("setWebhook").len(),
        1,
        "nothing more was set"
    );
    assert!(fake.requests_for("getUpdates").is_empty());
}
