//! Crash safety: the real bot binary, killed with SIGKILL 3 to 5 times at seeded points of
//! the users' progress (the last while check-ins complete) while 200 users onboard and check
//! in at once, and restarted on the same data folder each time. In the end every
//! user has reached a plan, every check-in whose plan was sent is on disk, and every stored
//! record decodes.
//!
//! The users play as Telegram clients do: each reads the newest message with buttons the bot
//! sent to their chat and presses the answer to it; a user who sees nothing new for a while
//! after the bot is back presses again (an update the bot confirmed but never handled is
//! lost), or sends /start when there is nothing to press. Updates the bot fetched but had not
//! confirmed when it died are delivered again by the fake, as Telegram does.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backcheck::script::Script;
use backcheck::store::{SledStore, Store, UserId};
use support::answers;
use support::binary::Binary;
use support::fake_bot_api::{FakeBotApi, Keyboard, RecordedRequest};
use tokio::sync::mpsc;

const USERS: i64 = 200;
const FIRST_USER: i64 = 7_000_001;
/// The seed of the kill schedule.
const SEED: u64 = 0x5eed_0fc4_a5e5;
/// The whole test fails past this.
const DEADLINE: Duration = Duration::from_secs(90);
/// How long a user waits for something new (with the bot up) before acting again.
const STUCK: Duration = Duration::from_secs(3);
/// At most this many actions per user.
const MAX_ACTIONS: usize = 150;
/// The actions of one user who is never held up: /start and 15 presses (Running, Done, five
/// more answers to finish onboarding, "Check in now" and seven check-in answers).
const STEPS: usize = 16;
const TICK: &str = "✓ ";
/// Every plan's first line (as tests/telegram_e2e/harness.rs lists them).
const HEADINGS: [&str; 6] = [
    "Urgent: get medical help now",
    "See a doctor before you exercise",
    "Active rest day",
    "Gentle day",
    "Lighter version of your usual routine",
    "Usual routine",
];

/// A tiny seeded generator (splitmix64), so the kill schedule is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// When the bot is up: the instant its newest process first polled, None while it is down.
type Up = Arc<Mutex<Option<Instant>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_bot_loses_no_plan_and_every_user_finishes() {
    let started = Instant::now();
    let fake = Arc::new(FakeBotApi::start().await);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut bot = Binary::new(dir.path(), "bot", "[telegram]\nthrottle = false\n", &fake)
        .env("BACKCHECK_DATA_DIR", &data);
    let script = Arc::new(Script::embedded().unwrap());

    let up: Up = Arc::new(Mutex::new(None));
    // Every user's actions so far: kills are placed by progress, not by wall time, so they
    // land in the same phases of the conversation on a fast or a slow machine.
    let progress = Arc::new(AtomicUsize::new(0));
    let mut inboxes = HashMap::new();
    let mut users = Vec::new();
    for user in FIRST_USER..FIRST_USER + USERS {
        let (tx, rx) = mpsc::unbounded_channel();
        inboxes.insert(user, tx);
        users.push(User::new(
            user,
            rx,
            fake.clone(),
            up.clone(),
            script.clone(),
            progress.clone(),
        ));
    }
    tokio::spawn(route(fake.subscribe(), inboxes, up.clone()));

    bot.spawn();
    wait_until_up(&up, &mut bot).await;

    let deadline = tokio::time::Instant::now() + DEADLINE;
    let tasks: Vec<_> = users
        .into_iter()
        .map(|mut u| {
            tokio::spawn(async move {
                let result = u.play(deadline).await;
                (u, result)
            })
        })
        .collect();

    // Kill and restart at seeded moments while the users are mid-conversation: after 5% to
    // 90% of the actions a smooth run takes, and once more between 90% and 97%, while the
    // check-ins complete (the last presses write them durably and send the plans).
    let mut rng = Rng(SEED);
    let kills = 3 + rng.next() % 3;
    let total = (USERS as usize * STEPS) as u64;
    let mut at: Vec<u64> = (1..kills)
        .map(|_| total * 5 / 100 + rng.next() % (total * 85 / 100))
        .collect();
    at.sort();
    at.push(total * 90 / 100 + rng.next() % (total * 7 / 100));
    for threshold in at {
        while (progress.load(Ordering::Relaxed) as u64) < threshold {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the users stalled at {} actions\n{}",
                progress.load(Ordering::Relaxed),
                bot.logs()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.next() % 50)).await;
        bot.kill();
        *up.lock().unwrap() = None;
        bot.spawn();
        wait_until_up(&up, &mut bot).await;
    }

    let mut finished = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        let (u, result) = task.await.unwrap();
        if let Err(e) = result {
            failures.push(e);
        }
        finished.push(u);
    }
    let stopped = bot.stop(Duration::from_secs(20)).await;
    assert!(
        failures.is_empty(),
        "{} users did not reach a plan; the first: {}\nbot log:\n{}",
        failures.len(),
        failures[0],
        bot.logs()
    );
    stopped.unwrap_or_else(|e| panic!("{e}\nbot log:\n{}", bot.logs()));
    assert!(finished.iter().all(|u| u.done), "every user reached a plan");

    // Every chat the fake saw a plan sent to, and the user's records, as stored.
    let planned: HashSet<i64> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "sendMessage" && r.is_ok())
        .filter(|r| {
            let text = r.param_str("text").unwrap_or_default();
            HEADINGS.contains(&text.lines().next().unwrap_or(""))
        })
        .filter_map(|r| r.chat_id())
        .collect();
    assert_eq!(planned.len(), USERS as usize, "a plan went to every user");
    let store = SledStore::open(&data).unwrap();
    for user in FIRST_USER..FIRST_USER + USERS {
        let id = UserId::try_from(user).unwrap();
        let stored = store
            .export(id)
            .unwrap_or_else(|e| panic!("user {user}: a stored record does not decode: {e}"));
        assert!(stored.profile.is_some(), "user {user} has a profile");
        if planned.contains(&user) {
            let day = stored
                .days
                .last()
                .unwrap_or_else(|| panic!("user {user} saw a plan, but no check-in is stored"));
            assert_eq!(
                store.day(id, day.date).unwrap().as_ref(),
                Some(day),
                "user {user}: the day record reads back"
            );
        }
    }

    let runs = bot.runs();
    let presses: usize = finished.iter().map(|u| u.actions).sum();
    let restarts: usize = finished.iter().map(|u| u.unstuck).sum();
    eprintln!(
        "crash test: {kills} kills, {runs} bot runs, {presses} user actions ({restarts} after \
         waiting on a stuck chat), {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        runs >= 4,
        "the bot was killed and restarted at least 3 times"
    );
}

// ---------------------------------------------------------------------------------------
// The bot process

/// Waits (at most 20 s) until the new process polls.
async fn wait_until_up(up: &Up, bot: &mut Binary) {
    bot.wait_until(Duration::from_secs(20), "polling", || {
        let polling = up.lock().unwrap().is_some();
        async move { polling }
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// The users

/// A bot message to one chat, as the fake answered it.
struct Event {
    message_id: i64,
    edit: bool,
    text: Option<String>,
    keyboard: Keyboard,
}

/// Routes answered sendMessage / editMessageText calls to the chat's user, and notes when a
/// new bot process first polls.
async fn route(
    mut requests: mpsc::UnboundedReceiver<RecordedRequest>,
    inboxes: HashMap<i64, mpsc::UnboundedSender<Event>>,
    up: Up,
) {
    while let Some(r) = requests.recv().await {
        if r.method == "getUpdates" {
            up.lock().unwrap().get_or_insert_with(Instant::now);
            continue;
        }
        let Some(m) = r.bot_message() else {
            continue;
        };
        if let Some(inbox) = inboxes.get(&m.chat) {
            let _ = inbox.send(Event {
                message_id: m.message_id,
                edit: m.edit,
                text: m.text,
                keyboard: m.keyboard,
            });
        }
    }
}

struct Msg {
    sent: String,
    keyboard: Keyboard,
    edits: usize,
}

struct User {
    user: i64,
    inbox: mpsc::UnboundedReceiver<Event>,
    fake: Arc<FakeBotApi>,
    up: Up,
    script: Arc<Script>,
    chat: BTreeMap<i64, Msg>,
    /// Messages below this id are not pressed any more (the last pressed one, or /start).
    floor: i64,
    /// The message pressed last and its edit count then.
    pressed: Option<(i64, usize, String)>,
    last_action: Instant,
    done: bool,
    actions: usize,
    /// Everyone's actions (see the test).
    progress: Arc<AtomicUsize>,
    /// Actions taken because nothing new came.
    unstuck: usize,
}

impl User {
    fn new(
        user: i64,
        inbox: mpsc::UnboundedReceiver<Event>,
        fake: Arc<FakeBotApi>,
        up: Up,
        script: Arc<Script>,
        progress: Arc<AtomicUsize>,
    ) -> User {
        User {
            user,
            inbox,
            fake,
            up,
            script,
            chat: BTreeMap::new(),
            floor: 0,
            pressed: None,
            last_action: Instant::now(),
            done: false,
            actions: 0,
            progress,
            unstuck: 0,
        }
    }

    /// Plays until a plan arrives: /start, then the answer to each newest question.
    async fn play(&mut self, deadline: tokio::time::Instant) -> Result<(), String> {
        self.say("/start");
        loop {
            if self.done {
                return Ok(());
            }
            if self.actions > MAX_ACTIONS {
                return Err(self.report("took too many actions"));
            }
            if let Some((id, edits, label)) = self.next_press() {
                self.press(id, edits, &label);
            } else if self.stuck() {
                self.unstuck += 1;
                match self.pressed.clone() {
                    // The last press brought nothing; if its buttons are still there, again.
                    Some((id, edits, label))
                        if self.chat.get(&id).is_some_and(|m| !m.keyboard.is_empty()) =>
                    {
                        self.press(id, edits, &label)
                    }
                    _ => self.say("/start"),
                }
            }
            let wake = tokio::time::Instant::now() + Duration::from_millis(250);
            match tokio::time::timeout_at(wake.min(deadline), self.inbox.recv()).await {
                Ok(Some(e)) => self.take(e),
                Ok(None) => return Err(self.report("the fake stopped")),
                Err(_) if tokio::time::Instant::now() >= deadline => {
                    return Err(self.report("timed out"));
                }
                Err(_) => {}
            }
        }
    }

    fn take(&mut self, e: Event) {
        if e.edit {
            if let Some(m) = self.chat.get_mut(&e.message_id) {
                m.keyboard = e.keyboard;
                m.edits += 1;
            }
            return;
        }
        let sent = e.text.unwrap_or_default();
        if HEADINGS.contains(&sent.lines().next().unwrap_or("")) {
            self.done = true;
        }
        self.chat.insert(
            e.message_id,
            Msg {
                sent,
                keyboard: e.keyboard,
                edits: 0,
            },
        );
    }

    /// Nothing new since the last action, for `STUCK`, while the bot was up.
    fn stuck(&self) -> bool {
        match *self.up.lock().unwrap() {
            Some(since) => since.max(self.last_action).elapsed() > STUCK,
            None => false,
        }
    }

    /// The newest message with buttons (at or above the floor), if it is not the one just
    /// pressed as it was, and the answer to press on it.
    fn next_press(&self) -> Option<(i64, usize, String)> {
        let (id, m) = self
            .chat
            .range(self.floor..)
            .rev()
            .find(|(_, m)| !m.keyboard.is_empty())?;
        if self
            .pressed
            .as_ref()
            .is_some_and(|(pid, edits, _)| pid == id && *edits == m.edits)
        {
            return None;
        }
        let label = answer(&self.script, m)?;
        Some((*id, m.edits, label.to_string()))
    }

    fn press(&mut self, id: i64, edits: usize, label: &str) {
        let Some(data) = self.chat.get(&id).and_then(|m| button(m, label)) else {
            return;
        };
        if self.fake.try_push_callback(self.user, id, &data).is_some() {
            self.actions += 1;
            self.progress.fetch_add(1, Ordering::Relaxed);
            self.floor = id;
            self.pressed = Some((id, edits, label.to_string()));
            self.last_action = Instant::now();
        }
    }

    fn say(&mut self, text: &str) {
        let (_, message) = self.fake.push_text_with_id(self.user, self.user, text);
        self.actions += 1;
        self.progress.fetch_add(1, Ordering::Relaxed);
        self.floor = message;
        self.pressed = None;
        self.last_action = Instant::now();
    }

    fn report(&self, what: &str) -> String {
        let last: Vec<String> = self
            .chat
            .values()
            .rev()
            .take(4)
            .map(|m| m.sent.lines().next().unwrap_or("").to_string())
            .collect();
        format!(
            "user {} {what} after {} actions; newest messages: {last:?}",
            self.user, self.actions
        )
    }
}

fn button(m: &Msg, label: &str) -> Option<String> {
    m.keyboard
        .iter()
        .flatten()
        .find(|(l, _)| l.trim_start_matches(TICK) == label)
        .map(|(_, d)| d.clone())
}

/// What this user presses on a message: the answer to the question it asks, or "Check in
/// now" on anything that offers it.
fn answer(script: &Script, m: &Msg) -> Option<&'static str> {
    let has = |label: &str| m.keyboard.iter().flatten().any(|(l, _)| l == label);
    answers::question_of(script, &m.sent)
        .and_then(|q| answers::label_for(q, has("✓ Running")))
        .or_else(|| has("Check in now").then_some("Check in now"))
}
