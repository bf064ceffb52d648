//! backcheck on Telegram, end to end: the real transport (teloxide, long polling, Throttle)
//! against the fake Bot API in tests/support, offline. Time comes from a manual clock; the
//! database is a real sled folder, so a test can stop the bot and start it again.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backcheck::clock::{Clock, ManualClock};
use backcheck::config::Token;
use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::Question;
use backcheck::script::Script;
use backcheck::store::{SledStore, Store};
use backcheck::telegram::{self, Limits, RetryPolicy, TelegramError, TelegramSettings};
use serde_json::json;
use support::fake_bot_api::{FakeBotApi, Fault, Keyboard, Outcome, RecordedRequest, TOKEN};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The longest any single expectation waits.
const WAIT: Duration = Duration::from_secs(15);
/// Every plan heading (the first line of a plan message).
const HEADINGS: [&str; 6] = [
    "Urgent: get medical help now",
    "See a doctor before you exercise",
    "Active rest day",
    "Gentle day",
    "Lighter version of your usual routine",
    "Usual routine",
];
const TICK: &str = "✓ ";

fn script() -> Arc<Script> {
    Arc::new(Script::embedded().expect("the built-in dialogs load"))
}

fn prompt(q: Question) -> String {
    script().question(q).prompt.clone()
}

/// 2026-03-02 08:00 UTC, a Monday.
fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        "2026-03-02T08:00:00Z".parse().expect("timestamp"),
    ))
}

// ---------------------------------------------------------------------------------------
// A running bot

/// backcheck running on the test's runtime, pointed at the fake.
struct Running {
    store: Arc<SledStore>,
    engine: Arc<Engine>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), TelegramError>>,
}

/// Limits loose enough that 50 chats are not held to one message a second each.
fn test_limits() -> Limits {
    Limits {
        messages_per_sec_chat: 1_000,
        messages_per_min_chat: 100_000,
        messages_per_min_channel_or_supergroup: 100_000,
        messages_per_sec_overall: 10_000,
    }
}

/// Opens the database in `dir` and starts the bot on it.
fn start(fake: &FakeBotApi, dir: &Path, clock: Arc<ManualClock>) -> Running {
    let store = Arc::new(SledStore::open(dir).expect("open store"));
    let engine = Arc::new(Engine::new(
        store.clone() as Arc<dyn Store>,
        script(),
        "UTC",
    ));
    let settings = TelegramSettings {
        token: Token::new(TOKEN),
        api_url: Some(fake.url().to_string()),
        limits: test_limits(),
        retry: RetryPolicy::default(),
        poll_timeout: Duration::from_secs(10),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(telegram::run(
        engine.clone(),
        settings,
        clock as Arc<dyn Clock>,
        shutdown,
    ));
    Running {
        store,
        engine,
        stop,
        task,
    }
}

impl Running {
    /// Stops the bot the way Ctrl-C does and waits for it; the database stays open.
    async fn stop(self) -> (Arc<Engine>, Arc<SledStore>) {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot stopped in time")
            .expect("the bot task did not panic");
        result.expect("the bot ran and stopped cleanly");
        (self.engine, self.store)
    }
}

// ---------------------------------------------------------------------------------------
// What the chats look like

/// One bot message: as first sent, and as it is now (after edits).
#[derive(Debug, Clone)]
struct Msg {
    id: i64,
    method: String,
    /// The text (or caption) it was sent with.
    sent: String,
    /// The text now.
    text: String,
    /// The keyboard now.
    keyboard: Keyboard,
    /// How many times it was edited.
    edits: usize,
    /// Keyboards it had after each edit.
    edited_keyboards: Vec<Keyboard>,
}

impl Msg {
    /// The data of the button labelled `label` (ticked or not).
    fn button(&self, label: &str) -> Option<String> {
        self.keyboard
            .iter()
            .flatten()
            .find(|(l, _)| l.trim_start_matches(TICK) == label)
            .map(|(_, d)| d.clone())
    }

    fn first_line(&self) -> &str {
        self.sent.lines().next().unwrap_or("")
    }

    fn is_plan(&self) -> bool {
        HEADINGS.contains(&self.first_line())
    }
}

/// Every chat's bot messages by id, folded from the fake's request log.
type View = HashMap<i64, BTreeMap<i64, Msg>>;

fn view_of(requests: &[RecordedRequest]) -> View {
    let mut view: View = HashMap::new();
    for r in requests {
        let Outcome::Ok(result) = &r.outcome else {
            continue;
        };
        let (Some(id), Some(chat)) = (
            result.get("message_id").and_then(|v| v.as_i64()),
            result["chat"]["id"].as_i64(),
        ) else {
            continue;
        };
        let keyboard = r.keyboard().unwrap_or_default();
        let chat = view.entry(chat).or_default();
        match r.method.as_str() {
            "sendMessage" | "sendDocument" | "sendPhoto" => {
                let text = r.text().unwrap_or_default();
                chat.insert(
                    id,
                    Msg {
                        id,
                        method: r.method.clone(),
                        sent: text.clone(),
                        text,
                        keyboard,
                        edits: 0,
                        edited_keyboards: Vec::new(),
                    },
                );
            }
            "editMessageText" | "editMessageReplyMarkup" => {
                if let Some(m) = chat.get_mut(&id) {
                    if let Some(text) = r.param_str("text") {
                        m.text = text;
                    }
                    m.keyboard = keyboard.clone();
                    m.edits += 1;
                    m.edited_keyboards.push(keyboard);
                }
            }
            _ => {}
        }
    }
    view
}

/// Watches the fake for many waiters at once, re-reading its log at most every 10 ms.
struct Watch {
    fake: Arc<FakeBotApi>,
    cache: Mutex<Option<(Instant, Arc<View>)>>,
}

impl Watch {
    fn new(fake: Arc<FakeBotApi>) -> Arc<Watch> {
        Arc::new(Watch {
            fake,
            cache: Mutex::new(None),
        })
    }

    fn view(&self) -> Arc<View> {
        let mut cache = self.cache.lock().unwrap();
        if let Some((at, view)) = cache.as_ref()
            && at.elapsed() < Duration::from_millis(10)
        {
            return view.clone();
        }
        let view = Arc::new(view_of(&self.fake.requests()));
        *cache = Some((Instant::now(), view.clone()));
        view
    }

    /// Polls until `f` finds something; panics with the request log after `WAIT`.
    async fn until<T>(&self, what: &str, f: impl Fn(&View) -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(found) = f(&self.view()) {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out waiting for {what}; requests:\n{}",
                    self.fake.describe_requests()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The bot messages in `chat` now.
    fn chat(&self, chat: i64) -> Vec<Msg> {
        view_of(&self.fake.requests())
            .remove(&chat)
            .map(|m| m.into_values().collect())
            .unwrap_or_default()
    }
}

/// One user's side of a private chat: types, presses, and waits for answers.
struct Talk {
    user: i64,
    /// Messages up to this id are old: expectations look at newer ones.
    floor: i64,
    /// Everything the user did, to replay on an Engine directly.
    inputs: Vec<Input>,
    /// The messages whose buttons were pressed, with the label (or answer) pressed.
    pressed: Vec<(i64, String)>,
    /// The callback query ids pushed.
    callbacks: Vec<String>,
}

impl Talk {
    fn new(user: i64) -> Talk {
        Talk {
            user,
            floor: 0,
            inputs: Vec::new(),
            pressed: Vec::new(),
            callbacks: Vec::new(),
        }
    }

    fn say(&mut self, w: &Watch, text: &str) {
        self.floor = w.fake.push_text(self.user, self.user, text);
        self.inputs.push(Input::Text(text.to_string()));
    }

    /// Waits for a new message with a button `label`, and presses it.
    async fn press(&mut self, w: &Watch, label: &str) -> Msg {
        let msg = self.find_button(w, label).await;
        let data = msg.button(label).expect("the button is there");
        self.push(w, &msg, &data);
        self.floor = msg.id;
        self.pressed.push((msg.id, label.to_string()));
        msg
    }

    /// Presses an option of a multi-select question and waits for its tick.
    async fn toggle(&mut self, w: &Watch, label: &str) -> Msg {
        let msg = self.find_button(w, label).await;
        let data = msg.button(label).expect("the button is there");
        let edits = msg.edits;
        self.push(w, &msg, &data);
        let ticked = format!("{TICK}{label}");
        let (chat, id) = (self.user, msg.id);
        w.until(&format!("a tick on {label:?}"), |v| {
            let m = v.get(&chat)?.get(&id)?;
            let has = m.keyboard.iter().flatten().any(|(l, _)| *l == ticked);
            (m.edits > edits && has).then(|| m.clone())
        })
        .await
    }

    fn push(&mut self, w: &Watch, msg: &Msg, data: &str) {
        let id = w.fake.push_callback(self.user, msg.id, data);
        self.callbacks.push(id);
        self.inputs.push(Input::Button(data.to_string()));
    }

    /// The newest message after the floor that has a button `label`.
    async fn find_button(&self, w: &Watch, label: &str) -> Msg {
        let (chat, floor) = (self.user, self.floor);
        w.until(&format!("a button {label:?} in chat {chat}"), |v| {
            v.get(&chat)?
                .range(floor + 1..)
                .rev()
                .find(|(_, m)| m.button(label).is_some())
                .map(|(_, m)| m.clone())
        })
        .await
    }

    /// Waits for a new message that satisfies `pred`.
    async fn expect(&self, w: &Watch, what: &str, pred: impl Fn(&Msg) -> bool) -> Msg {
        let (chat, floor) = (self.user, self.floor);
        w.until(&format!("{what} in chat {chat}"), |v| {
            v.get(&chat)?
                .range(floor + 1..)
                .find(|(_, m)| pred(m))
                .map(|(_, m)| m.clone())
        })
        .await
    }

    /// Waits for a new message that asks `q`.
    async fn asked(&self, w: &Watch, q: Question) -> Msg {
        let p = prompt(q);
        self.expect(w, &format!("the {q:?} question"), |m| m.sent == p)
            .await
    }

    /// Waits for a plan and returns its message.
    async fn plan(&self, w: &Watch) -> Msg {
        self.expect(w, "a plan", Msg::is_plan).await
    }
}

/// Onboarding by buttons: running and cycling, 60 min, cleared, no cancer, Berlin, 07:00.
async fn onboard(t: &mut Talk, w: &Watch) {
    t.say(w, "/start");
    t.toggle(w, "Running").await;
    t.toggle(w, "Cycling").await;
    t.press(w, "Done").await;
    t.press(w, "60 min").await;
    t.press(w, "Yes").await;
    t.press(w, "No").await;
    t.press(w, "Berlin (Europe)").await;
    t.press(w, "07:00").await;
    t.expect(w, "the onboarding summary", |m| {
        m.sent.starts_with("All set")
    })
    .await;
    // The turn ends with the offer to check in; wait for it so the next step starts clean.
    t.find_button(w, "Check in now").await;
}

/// A check-in by buttons, from the "Check in now" button; returns the plan message.
async fn check_in_by_buttons(t: &mut Talk, w: &Watch, pain: &str) -> Msg {
    t.press(w, "Check in now").await;
    t.press(w, pain).await;
    t.press(w, "Lower back").await;
    t.press(w, "No").await;
    t.press(w, "Sharp").await;
    t.press(w, "When moving").await;
    t.press(w, "Started today").await;
    t.press(w, "None of these").await;
    t.plan(w).await
}

/// The texts of the messages an Engine sends for `inputs`, replayed directly (no Telegram).
fn replay(inputs: &[Input], user: u64, clock: &ManualClock) -> Vec<String> {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().expect("temporary store"));
    let engine = Engine::new(store, script(), "UTC");
    let mut texts = Vec::new();
    for input in inputs {
        for reply in engine.handle(user, input.clone(), clock.now()) {
            match reply {
                Reply::Message { text, .. } => texts.push(text),
                Reply::Document { caption, .. } | Reply::Photo { caption, .. } => {
                    texts.push(caption)
                }
                Reply::Update { .. } => {}
            }
        }
    }
    texts
}

fn ok_requests(fake: &FakeBotApi, method: &str) -> Vec<RecordedRequest> {
    fake.requests_for(method)
        .into_iter()
        .filter(|r| r.is_ok())
        .collect()
}

// ---------------------------------------------------------------------------------------
// The tests

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
    assert_eq!(names.len(), 11, "{names:?}");
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
    let stale = pain.button("7").unwrap();
    let id = fake.push_callback(t.user, pain.id, &stale);
    t.floor = w.chat(t.user).last().unwrap().id;
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
