//! The harness of the Telegram end-to-end tests: a running bot on the fake Bot API, the
//! chats as the fake saw them (messages as sent and as edited), and a `Talk` per user that
//! types, presses buttons by their label, and waits for the bot's answers.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::fake_bot_api::{FakeBotApi, Keyboard, Outcome, RecordedRequest, TOKEN};
use backcheck::clock::{Clock, ManualClock};
use backcheck::config::Token;
use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::Question;
use backcheck::script::{Script, Scripts};
use backcheck::store::{SledStore, Store};
use backcheck::telegram::{self, Limits, RetryPolicy, TelegramError, TelegramSettings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The longest any single expectation waits.
pub const WAIT: Duration = Duration::from_secs(15);
/// Every plan heading (the first line of a plan message).
pub const HEADINGS: [&str; 6] = [
    "Urgent: get medical help now",
    "See a doctor before you exercise",
    "Active rest day",
    "Gentle day",
    "Lighter version of your usual routine",
    "Usual routine",
];
pub const TICK: &str = "✓ ";

pub fn script() -> Arc<Script> {
    Arc::new(Script::embedded().expect("the built-in dialogs load"))
}

pub fn prompt(q: Question) -> String {
    script().question(q).prompt.clone()
}

/// 2026-03-02 08:00 UTC, a Monday.
pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        "2026-03-02T08:00:00Z".parse().expect("timestamp"),
    ))
}

// ---------------------------------------------------------------------------------------
// A running bot

/// backcheck running on the test's runtime, pointed at the fake.
pub struct Running {
    pub store: Arc<SledStore>,
    pub engine: Arc<Engine>,
    pub stop: oneshot::Sender<()>,
    pub task: JoinHandle<Result<(), TelegramError>>,
}

/// Limits loose enough that 50 chats are not held to one message a second each.
pub fn test_limits() -> Limits {
    Limits {
        messages_per_sec_chat: 1_000,
        messages_per_min_chat: 100_000,
        messages_per_min_channel_or_supergroup: 100_000,
        messages_per_sec_overall: 10_000,
    }
}

/// The settings for a bot on the Bot API at `url`: the fake's token, loose limits.
pub fn settings(url: &str) -> TelegramSettings {
    TelegramSettings {
        token: Token::new(TOKEN),
        api_url: Some(url.to_string()),
        limits: test_limits(),
        retry: RetryPolicy::default(),
        poll_timeout: Duration::from_secs(10),
    }
}

/// Opens the database in `dir` and starts the bot on it, pointed at the fake.
pub fn start(fake: &FakeBotApi, dir: &Path, clock: Arc<ManualClock>) -> Running {
    start_with(settings(fake.url().as_str()), dir, clock)
}

/// Opens the database in `dir` and starts the bot on it with `settings`.
pub fn start_with(settings: TelegramSettings, dir: &Path, clock: Arc<ManualClock>) -> Running {
    let store = Arc::new(SledStore::open(dir).expect("open store"));
    // Every language, as `backcheck run` has them.
    let scripts = Scripts::embedded().expect("the built-in dialogs load");
    let engine = Arc::new(Engine::new(store.clone() as Arc<dyn Store>, scripts, "UTC"));
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
    pub async fn stop(self) -> (Arc<Engine>, Arc<SledStore>) {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot stopped in time")
            .expect("the bot task did not panic");
        result.expect("the bot ran and stopped cleanly");
        (self.engine, self.store)
    }

    /// Waits for the bot to end by itself (a start-up failure) and returns how it ended.
    pub async fn ended(self) -> Result<(), TelegramError> {
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot ended in time")
            .expect("the bot task did not panic")
    }
}

// ---------------------------------------------------------------------------------------
// What the chats look like

/// One bot message: as first sent, and as it is now (after edits).
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: i64,
    pub method: String,
    /// The text (or caption) it was sent with.
    pub sent: String,
    /// The text now.
    pub text: String,
    /// The keyboard now.
    pub keyboard: Keyboard,
    /// How many times it was edited.
    pub edits: usize,
    /// Keyboards it had after each edit.
    pub edited_keyboards: Vec<Keyboard>,
}

impl Msg {
    /// The data of the button labelled `label` (ticked or not).
    pub fn button(&self, label: &str) -> Option<String> {
        self.keyboard
            .iter()
            .flatten()
            .find(|(l, _)| l.trim_start_matches(TICK) == label)
            .map(|(_, d)| d.clone())
    }

    pub fn first_line(&self) -> &str {
        self.sent.lines().next().unwrap_or("")
    }

    pub fn is_plan(&self) -> bool {
        HEADINGS.contains(&self.first_line())
    }
}

/// Every chat's bot messages by id, folded from the fake's request log.
pub type View = HashMap<i64, BTreeMap<i64, Msg>>;

pub fn view_of(requests: &[RecordedRequest]) -> View {
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
pub struct Watch {
    pub fake: Arc<FakeBotApi>,
    pub cache: Mutex<Option<(Instant, Arc<View>)>>,
}

impl Watch {
    pub fn new(fake: Arc<FakeBotApi>) -> Arc<Watch> {
        Arc::new(Watch {
            fake,
            cache: Mutex::new(None),
        })
    }

    pub fn view(&self) -> Arc<View> {
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
    pub async fn until<T>(&self, what: &str, f: impl Fn(&View) -> Option<T>) -> T {
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
    pub fn chat(&self, chat: i64) -> Vec<Msg> {
        view_of(&self.fake.requests())
            .remove(&chat)
            .map(|m| m.into_values().collect())
            .unwrap_or_default()
    }
}

/// One user's side of a private chat: types, presses, and waits for answers.
pub struct Talk {
    pub user: i64,
    /// Messages up to this id are old: expectations look at newer ones.
    pub floor: i64,
    /// Everything the user did, to replay on an Engine directly.
    pub inputs: Vec<Input>,
    /// The messages whose buttons were pressed, with the label (or answer) pressed.
    pub pressed: Vec<(i64, String)>,
    /// The callback query ids pushed.
    pub callbacks: Vec<String>,
}

impl Talk {
    pub fn new(user: i64) -> Talk {
        Talk {
            user,
            floor: 0,
            inputs: Vec::new(),
            pressed: Vec::new(),
            callbacks: Vec::new(),
        }
    }

    pub fn say(&mut self, w: &Watch, text: &str) {
        self.floor = w.fake.push_text(self.user, self.user, text);
        self.inputs.push(Input::Text(text.to_string()));
    }

    /// Waits for a new message with a button `label`, and presses it.
    pub async fn press(&mut self, w: &Watch, label: &str) -> Msg {
        let msg = self.find_button(w, label).await;
        let data = msg.button(label).expect("the button is there");
        self.push(w, &msg, &data);
        self.floor = msg.id;
        self.pressed.push((msg.id, label.to_string()));
        msg
    }

    /// Presses an option of a multi-select question and waits for its tick.
    pub async fn toggle(&mut self, w: &Watch, label: &str) -> Msg {
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

    pub fn push(&mut self, w: &Watch, msg: &Msg, data: &str) {
        let id = w.fake.push_callback(self.user, msg.id, data);
        self.callbacks.push(id);
        self.inputs.push(Input::Button(data.to_string()));
    }

    /// The newest message after the floor that has a button `label`.
    pub async fn find_button(&self, w: &Watch, label: &str) -> Msg {
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
    pub async fn expect(&self, w: &Watch, what: &str, pred: impl Fn(&Msg) -> bool) -> Msg {
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
    pub async fn asked(&self, w: &Watch, q: Question) -> Msg {
        // The question alone, or after a text-only message sent with it.
        let p = prompt(q);
        let after = format!("\n\n{p}");
        self.expect(w, &format!("the {q:?} question"), |m| {
            m.sent == p || m.sent.ends_with(&after)
        })
        .await
    }

    /// Waits for a plan and returns its message.
    pub async fn plan(&self, w: &Watch) -> Msg {
        self.expect(w, "a plan", Msg::is_plan).await
    }
}

/// Onboarding by buttons: running and cycling, 60 min, cleared, no cancer, Berlin, 07:00.
pub async fn onboard(t: &mut Talk, w: &Watch) {
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
pub async fn check_in_by_buttons(t: &mut Talk, w: &Watch, pain: &str) -> Msg {
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
pub fn replay(inputs: &[Input], user: u64, clock: &ManualClock) -> Vec<String> {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().expect("temporary store"));
    let engine = Engine::new(store, script(), "UTC");
    let mut texts = Vec::new();
    for input in inputs {
        // A text-only message is sent together with the message after it in the same turn
        // (a blank line between), as the transport folds them.
        let mut intro: Option<String> = None;
        for reply in engine.handle(user, input.clone(), clock.now()) {
            match reply {
                Reply::Message { text, buttons } => {
                    let text = match intro.take() {
                        Some(first) => format!("{first}\n\n{text}"),
                        None => text,
                    };
                    if buttons.is_empty() {
                        intro = Some(text);
                    } else {
                        texts.push(text);
                    }
                }
                Reply::Document { caption, .. } | Reply::Photo { caption, .. } => {
                    texts.extend(intro.take());
                    texts.push(caption)
                }
                Reply::Update { .. } => texts.extend(intro.take()),
            }
        }
        texts.extend(intro);
    }
    texts
}

pub fn ok_requests(fake: &FakeBotApi, method: &str) -> Vec<RecordedRequest> {
    fake.requests_for(method)
        .into_iter()
        .filter(|r| r.is_ok())
        .collect()
}
