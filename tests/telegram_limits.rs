//! Telegram's flood limits with the production settings, against the fake Bot API's rules
//! checker (1 message a second per chat after a burst of 3, 30 a second in all, 429s
//! honoured): 50 users answering as fast as they can never make the bot break a rule; and
//! SIGTERM in the middle of that load stops the real binary cleanly within 5 s, with every
//! step a user was answered on disk after a restart.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backcheck::clock::{Clock, ManualClock};
use backcheck::config::Token;
use backcheck::engine::Engine;
use backcheck::script::Script;
use backcheck::store::{SledStore, Store, UserId};
use backcheck::telegram::{self, RetryPolicy, TelegramSettings};
use support::answers;
use support::binary::Binary;
use support::fake_bot_api::{FakeBotApi, FloodRules, Keyboard, RecordedRequest, TOKEN};
use tokio::sync::mpsc;

const USERS: i64 = 50;
const TICK: &str = "✓ ";
/// Any one wait of a test; the whole file takes well under a minute.
const WAIT: Duration = Duration::from_secs(40);

// ---------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_users_at_full_speed_never_break_telegrams_limits() {
    let fake = Arc::new(FakeBotApi::start().await);
    fake.check_flood_rules(FloodRules::telegram());
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let script = Arc::new(Script::embedded().unwrap());
    let engine = Arc::new(Engine::new(
        store.clone() as Arc<dyn Store>,
        script.clone(),
        "UTC",
    ));
    let clock = Arc::new(ManualClock::new("2026-03-02T08:00:00Z".parse().unwrap()));
    // The production settings: Telegram's limits (what `telegram.throttle = true` runs).
    let settings = TelegramSettings::new(Token::new(TOKEN), Some(fake.url().to_string()));
    assert_eq!(settings.limits, telegram::telegram_limits());
    assert_eq!(settings.retry, RetryPolicy::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(telegram::run(
        engine,
        settings,
        clock as Arc<dyn Clock>,
        async move {
            let _ = stopped.await;
        },
    ));

    // Each user: /start and the first five answers of onboarding, pressing at once.
    let users = Users::start(&fake, script, 6);
    let finished = users.play(WAIT).await;
    assert_eq!(finished, USERS as usize, "every user got every answer");

    let accepted = fake.flood_accepted();
    let violations = fake.flood_violations();
    assert!(
        violations.is_empty(),
        "{} violations, the first: {:?}",
        violations.len(),
        violations.first()
    );
    // The run was over the limit (more than 30 sends wanted at once), so the rules were
    // tested, and every message of every chat was delivered.
    assert!(accepted.len() >= 5 * USERS as usize, "{}", accepted.len());
    let first = accepted.first().unwrap().0;
    let in_first_second = accepted
        .iter()
        .filter(|(t, _)| t.duration_since(first) < Duration::from_secs(1))
        .count();
    assert!(
        in_first_second <= 30,
        "{in_first_second} sends in the first second"
    );
    let took = accepted.last().unwrap().0.duration_since(first);
    assert!(
        took >= Duration::from_secs(accepted.len() as u64 / 30 - 1),
        "{} sends in {took:?} is more than 30 a second",
        accepted.len()
    );

    let _ = stop.send(());
    let stopped = tokio::time::timeout(WAIT, bot).await.unwrap().unwrap();
    stopped.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_exits_within_five_seconds_and_loses_no_answered_step() {
    let fake = Arc::new(FakeBotApi::start().await);
    fake.check_flood_rules(FloodRules::telegram());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The default configuration: Telegram's limits on.
    let mut bot = Binary::new(dir.path(), "bot", "[telegram]\nthrottle = true\n", &fake)
        .env("BACKCHECK_DATA_DIR", &data)
        .env("RUST_LOG", "info");
    let script = Arc::new(Script::embedded().unwrap());

    bot.spawn();
    wait_until_polling(&fake, &mut bot, 0).await;
    // Users who answer as fast as they can want far more than 30 messages a second, so when
    // the signal comes the bot has replies waiting for Telegram's limits.
    let users = Users::start(&fake, script.clone(), 17);
    let stop_users = users.stop.clone();
    let playing = tokio::spawn(users.play(WAIT));
    let deadline = Instant::now() + WAIT;
    while fake.flood_accepted().len() < 120 {
        assert!(Instant::now() < deadline, "the users did not get going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let signalled = Instant::now();
    bot.sigterm();
    stop_users.store(true, Ordering::SeqCst);
    let status = bot.wait_exit(Duration::from_secs(10)).await;
    let exit = signalled.elapsed();
    let status = status.unwrap_or_else(|e| panic!("{e}\n{}", bot.logs()));
    assert!(status.success(), "exit status {status}\n{}", bot.logs());
    assert!(exit < Duration::from_secs(5), "SIGTERM took {exit:?}");
    let _ = playing.await;

    // What every user saw last: the newest question asked (its buttons carry its number).
    let seen = newest_question_seen(&fake.requests());
    assert_eq!(seen.len(), USERS as usize, "every user was asked something");

    // A restart on the same folder, then a clean stop again.
    let since = fake.requests().len();
    bot.spawn();
    wait_until_polling(&fake, &mut bot, since).await;
    let stopped = bot.stop(Duration::from_secs(10)).await;
    stopped.unwrap_or_else(|e| panic!("second run: {e}\n{}", bot.logs()));

    let store = SledStore::open(&data).unwrap();
    for (&user, &asked) in &seen {
        let state = store
            .state(UserId::try_from(user).unwrap())
            .unwrap()
            .unwrap_or_else(|| panic!("user {user}: no conversation on disk"));
        assert!(
            state.seq >= asked,
            "user {user} was asked question #{asked} but the disk says #{}",
            state.seq
        );
    }
    // Nothing was sent twice: each question (its number, per chat) went out once.
    let mut asked: HashMap<(i64, u32), usize> = HashMap::new();
    for r in fake.requests_for("sendMessage") {
        if let (Some(m), Some(seq)) = (r.bot_message(), r.keyboard().as_ref().and_then(seq_of)) {
            *asked.entry((m.chat, seq)).or_default() += 1;
        }
    }
    let twice: Vec<_> = asked.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    let violations = fake.flood_violations();
    assert!(violations.is_empty(), "{:?}", violations.first());
}

// ---------------------------------------------------------------------------------------
// The bot process

/// Waits until the bot polls: a long poll among the requests after the first `since`.
async fn wait_until_polling(fake: &FakeBotApi, bot: &mut Binary, since: usize) {
    bot.wait_until(WAIT, "polling", || {
        let polled = fake
            .requests()
            .iter()
            .skip(since)
            .any(|r| r.method == "getUpdates" && r.param_i64("timeout").unwrap_or(0) > 0);
        async move { polled }
    })
    .await;
}

/// The question number a keyboard answers (button data is "seq:key").
fn seq_of(keyboard: &Keyboard) -> Option<u32> {
    let (_, data) = keyboard.iter().flatten().next()?;
    data.split_once(':')?.0.parse().ok()
}

/// Per chat, the highest question number among the keyboards the users received.
fn newest_question_seen(requests: &[RecordedRequest]) -> HashMap<i64, u32> {
    let mut seen: HashMap<i64, u32> = HashMap::new();
    for r in requests {
        let Some(m) = r.bot_message() else { continue };
        if let Some(seq) = seq_of(&m.keyboard) {
            let e = seen.entry(m.chat).or_default();
            *e = (*e).max(seq);
        }
    }
    seen
}

// ---------------------------------------------------------------------------------------
// The users: each presses the answer to the newest question as soon as it arrives

struct Event {
    message_id: i64,
    edit: bool,
    text: Option<String>,
    keyboard: Keyboard,
}

struct Msg {
    text: String,
    keyboard: Keyboard,
    edits: usize,
}

struct Users {
    fake: Arc<FakeBotApi>,
    script: Arc<Script>,
    inboxes: Vec<(i64, mpsc::UnboundedReceiver<Event>)>,
    /// Updates each user sends: /start and then presses.
    steps: usize,
    /// Set: the users stop acting (the bot is being stopped).
    stop: Arc<AtomicBool>,
}

impl Users {
    fn start(fake: &Arc<FakeBotApi>, script: Arc<Script>, steps: usize) -> Users {
        let mut routes = HashMap::new();
        let mut inboxes = Vec::new();
        for user in 0..USERS {
            let id = 9_100_000 + user;
            let (tx, rx) = mpsc::unbounded_channel();
            routes.insert(id, tx);
            inboxes.push((id, rx));
        }
        let mut requests = fake.subscribe();
        tokio::spawn(async move {
            while let Some(r) = requests.recv().await {
                let Some(m) = r.bot_message() else { continue };
                if let Some(tx) = routes.get(&m.chat) {
                    let _ = tx.send(Event {
                        message_id: m.message_id,
                        edit: m.edit,
                        text: m.text,
                        keyboard: m.keyboard,
                    });
                }
            }
        });
        Users {
            fake: Arc::clone(fake),
            script,
            inboxes,
            steps,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Plays every user until they sent `steps` updates and got the answer to the last one;
    /// returns how many did.
    async fn play(self, within: Duration) -> usize {
        let done = Arc::new(AtomicUsize::new(0));
        let deadline = tokio::time::Instant::now() + within;
        let mut tasks = Vec::new();
        for (user, inbox) in self.inboxes {
            let (fake, script, stop, done) = (
                self.fake.clone(),
                self.script.clone(),
                self.stop.clone(),
                done.clone(),
            );
            let steps = self.steps;
            tasks.push(tokio::spawn(async move {
                if play_one(user, inbox, &fake, &script, steps, &stop, deadline).await {
                    done.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        done.load(Ordering::SeqCst)
    }
}

/// One user: /start, then the answer to each newest question, `steps` updates in all;
/// true when the answer to the last one arrived.
async fn play_one(
    user: i64,
    mut inbox: mpsc::UnboundedReceiver<Event>,
    fake: &FakeBotApi,
    script: &Script,
    steps: usize,
    stop: &AtomicBool,
    deadline: tokio::time::Instant,
) -> bool {
    let mut chat: BTreeMap<i64, Msg> = BTreeMap::new();
    let (_, mut floor) = fake.push_text_with_id(user, user, "/start");
    let mut sent = 1;
    let mut pressed: Option<(i64, usize)> = None;
    loop {
        // The newest question above the floor, unless it is the one just pressed as it was.
        let next = chat
            .range(floor..)
            .rev()
            .find(|(_, m)| !m.keyboard.is_empty())
            .filter(|(id, m)| pressed != Some((**id, m.edits)))
            .and_then(|(id, m)| {
                let ticked = m.keyboard.iter().flatten().any(|(l, _)| l == "✓ Running");
                let q = answers::question_of(script, &m.text)?;
                let label = answers::label_for(q, ticked)?;
                let data = m
                    .keyboard
                    .iter()
                    .flatten()
                    .find(|(l, _)| l.trim_start_matches(TICK) == label)?
                    .1
                    .clone();
                Some((*id, m.edits, data))
            });
        if let Some((id, edits, data)) = next {
            if sent == steps {
                return true;
            }
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            if fake.try_push_callback(user, id, &data).is_some() {
                sent += 1;
                floor = id;
                pressed = Some((id, edits));
            }
        }
        match tokio::time::timeout_at(deadline, inbox.recv()).await {
            Ok(Some(e)) if e.edit => {
                if let Some(m) = chat.get_mut(&e.message_id) {
                    m.keyboard = e.keyboard;
                    m.edits += 1;
                }
            }
            Ok(Some(e)) => {
                let text = e.text.unwrap_or_default();
                chat.insert(
                    e.message_id,
                    Msg {
                        text,
                        keyboard: e.keyboard,
                        edits: 0,
                    },
                );
            }
            Ok(None) | Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_still_queued_at_shutdown_are_unclaimed_and_sent_once_after_the_restart() {
    use backcheck::model::{Cleared, Profile};
    use backcheck::reminders::Scheduler;
    use backcheck::store::Change;

    let fake = Arc::new(FakeBotApi::start().await);
    fake.check_flood_rules(FloodRules::telegram());
    let dir = tempfile::tempdir().unwrap();
    let script = Arc::new(Script::embedded().unwrap());
    let clock = Arc::new(ManualClock::new("2026-03-02T08:59:00Z".parse().unwrap()));
    let start = |store: Arc<SledStore>| {
        let engine = Arc::new(Engine::new(store as Arc<dyn Store>, script.clone(), "UTC"));
        let settings = TelegramSettings::new(Token::new(TOKEN), Some(fake.url().to_string()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(telegram::run(
            engine.clone(),
            settings,
            clock.clone() as Arc<dyn Clock>,
            async move {
                let _ = stopped.await;
            },
        ));
        (stop, task, engine)
    };
    // 100 users due at 09:00 UTC: more than one second of Telegram's 30 a second.
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let users: Vec<u64> = (0..100).map(|i| 9_200_000 + i).collect();
    let now = clock.now();
    for &user in &users {
        let profile = Profile {
            activities: vec![],
            session_minutes: 30,
            cleared: Cleared::Yes,
            cancer_history: false,
            time_zone: "UTC".to_owned(),
            reminder: Some(jiff::civil::time(9, 0, 0, 0)),
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
        store.write(user, change).unwrap();
    }
    let reminders = |fake: &FakeBotApi| {
        let mut chats: Vec<i64> = fake
            .requests_for("sendMessage")
            .iter()
            .filter(|r| r.is_ok())
            .filter_map(|r| r.chat_id())
            .collect();
        chats.sort_unstable();
        chats
    };

    let (stop, task, engine) = start(store.clone());
    let deadline = Instant::now() + WAIT;
    while fake.requests_for("getUpdates").is_empty() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    clock.set("2026-03-02T09:00:30Z".parse().unwrap());
    engine.scheduler().changed().notify_one();
    while reminders(&fake).len() < 30 {
        assert!(Instant::now() < deadline, "no reminders");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The first second's 30 went out; the rest wait for the next second: stop now.
    let _ = stop.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let first = reminders(&fake);
    assert!(
        first.len() < users.len(),
        "all {} went before the stop",
        first.len()
    );
    let today = jiff::civil::date(2026, 3, 2);
    for &user in &users {
        let state = store.reminder(user).unwrap().unwrap();
        let sent = first.contains(&(user as i64));
        assert_eq!(
            state.last_sent == Some(today),
            sent,
            "user {user}: {state:?}"
        );
        if !sent {
            assert!(
                state.next_due.unwrap() <= clock.now(),
                "user {user} is due again"
            );
        }
    }

    // After the restart the rest go out, and nobody gets a second one. (A new process does
    // not know what the old one sent in its last second, which Telegram still counts: a
    // restart comes at least a second later here, as a real one does.)
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (stop, task, _engine) = start(store.clone());
    while reminders(&fake).len() < users.len() {
        assert!(
            Instant::now() < deadline,
            "{} of 100",
            reminders(&fake).len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = stop.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let all = reminders(&fake);
    let mut once = all.clone();
    once.dedup();
    assert_eq!(once.len(), users.len());
    assert_eq!(all.len(), users.len(), "someone got two reminders");
    assert!(
        fake.flood_violations().is_empty(),
        "{:?}",
        fake.flood_violations()
    );
}
