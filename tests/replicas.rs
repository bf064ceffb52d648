//! Two replicas of the real binary in webhook mode on one PostgreSQL database, fed by the
//! webhook feeder (tests/support) the way Telegram and a load balancer feed them: updates
//! alternate between the replicas, a failed delivery goes to the other one.
//!
//! - 50 users onboard and check in: each gets exactly one plan and every reply once.
//! - A double tap whose two presses reach the two replicas at the same moment advances the
//!   check-in once, as on one replica (tests/webhook.rs).
//! - One replica is killed with SIGKILL mid-load: the other carries on, every user still
//!   finishes with the check-in stored, and the killed one restarts and takes updates again.

#[path = "support/pg.rs"]
mod pg;
mod support;

#[allow(dead_code)]
#[path = "telegram_e2e/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backcheck::model::Question;
use backcheck::store::{PgStore, Store, UserId};
use harness::{Msg, Talk, Watch, onboard, prompt, script};
use support::binary::Replica;
use support::fake_bot_api::FakeBotApi;
use support::webhook_feeder::{Order, SECRET, WebhookFeeder};
use tokio::time::Instant;

/// Two replicas on a fresh database, a fake Bot API and a feeder posting to both.
struct Setup {
    dir: tempfile::TempDir,
    db: String,
    fake: Arc<FakeBotApi>,
    replicas: Vec<Replica>,
    feeder: Arc<WebhookFeeder>,
    feeding: tokio::task::JoinHandle<()>,
    w: Arc<Watch>,
}

impl Setup {
    async fn start(order: Order) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let db = tokio::task::spawn_blocking(pg::database).await.unwrap();
        let fake = Arc::new(FakeBotApi::start().await);
        let mut replicas: Vec<Replica> = (0..2)
            .map(|n| Replica::new(dir.path(), &format!("replica-{n}"), &fake, &db, SECRET))
            .collect();
        Replica::start_all(&mut replicas).await;
        let feeder = WebhookFeeder::new(replicas.iter().map(Replica::hook).collect(), SECRET);
        let feeding = feeder.start(fake.clone(), order);
        let w = Watch::new(fake.clone());
        Setup {
            dir,
            db,
            fake,
            replicas,
            feeder,
            feeding,
            w,
        }
    }

    fn logs(&self) -> String {
        self.replicas.iter().map(|r| r.bot.logs()).collect()
    }

    async fn stop(self) {
        self.feeding.abort();
        for mut r in self.replicas {
            r.stop().await;
        }
        drop(self.dir);
    }
}

/// Every plan sent to `user`.
fn plans(w: &Watch, user: i64) -> Vec<Msg> {
    w.chat(user).into_iter().filter(Msg::is_plan).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_users_on_two_replicas_get_one_plan_and_every_reply_once() {
    let s = Setup::start(Order::PerChat).await;
    const FIRST: i64 = 8_100_001;
    let users = FIRST..FIRST + 50;
    let mut updates = 0;
    for task in players(&s.fake, users.clone()) {
        updates += task
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{e}\n{}", s.logs()));
    }
    // The plan goes out within the last turn, its 200 right after.
    let deadline = Instant::now() + Duration::from_secs(15);
    while s.feeder.stats().answered.len() < updates && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stats = s.feeder.stats();
    assert_eq!(stats.answered.len(), updates, "every update answered");
    assert!(stats.refused.is_empty() && stats.lost.is_empty());
    let on: Vec<usize> = (0..2)
        .map(|r| stats.answered.values().filter(|&&t| t == r).count())
        .collect();
    assert!(
        on.iter().all(|&n| n > updates / 3),
        "both replicas took updates: {on:?}"
    );
    for user in users {
        assert_eq!(plans(&s.w, user).len(), 1, "user {user}: one plan");
        let mut seen: HashMap<String, usize> = HashMap::new();
        for m in s.w.chat(user) {
            *seen.entry(m.sent).or_default() += 1;
        }
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "user {user}: sent twice: {twice:?}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_tap_reaching_both_replicas_at_once_advances_the_check_in_once() {
    let s = Setup::start(Order::AtOnce).await;
    let user = 8_200_001;
    let mut t = Talk::new(user);
    onboard(&mut t, &s.w).await;
    t.press(&s.w, "Check in now").await;
    let pain = t.asked(&s.w, Question::Pain).await;
    let data = pain.button("5").unwrap();
    // Two presses of "5", one to each replica (the feeder alternates), at the same moment.
    let (a, _) = s.fake.try_push_callback(user, pain.id, &data).unwrap();
    let (b, _) = s.fake.try_push_callback(user, pain.id, &data).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while ![a, b]
        .iter()
        .all(|u| s.feeder.stats().answered.contains_key(u))
    {
        assert!(
            Instant::now() < deadline,
            "{:?}\n{}",
            s.feeder.stats(),
            s.logs()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stats = s.feeder.stats();
    assert_ne!(
        stats.answered.get(&a),
        stats.answered.get(&b),
        "the presses went to different replicas"
    );
    // As on one replica (tests/webhook.rs): the first press asks the next question, the
    // second finds the pain question answered, says so and shows where the user is.
    let stale = script()
        .text(backcheck::script::Text::StaleButton)
        .to_string();
    let area = prompt(Question::Area);
    let after: Vec<String> =
        s.w.chat(user)
            .into_iter()
            .filter(|m| m.id > pain.id)
            .map(|m| m.sent)
            .collect();
    // The same messages as on one replica; the two turns are serialised, their replies are
    // sent outside the lock, so across replicas they may interleave.
    let mut after = after;
    // The stale notice is folded into the question it shows (src/telegram/outbox.rs).
    let mut expected = vec![format!("{stale}\n\n{area}"), area];
    after.sort();
    expected.sort();
    assert_eq!(after, expected);
    t.floor = pain.id;
    // And the stored step moved once: the check-in goes on from Area.
    t.press(&s.w, "Lower back").await;
    t.asked(&s.w, Question::Spreads).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_killed_mid_load_loses_no_answered_step_and_rejoins() {
    let mut s = Setup::start(Order::PerChat).await;
    const FIRST: i64 = 8_300_001;
    const USERS: i64 = 40;
    let users = FIRST..FIRST + USERS;
    let tasks = players(&s.fake, users.clone());

    // Kill replica 1 once a third of the updates are answered, while turns are in flight.
    let expected = USERS as usize * 18;
    let deadline = Instant::now() + Duration::from_secs(60);
    while s.feeder.stats().answered.len() < expected / 3 {
        assert!(Instant::now() < deadline, "stalled\n{}", s.logs());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    s.replicas[1].bot.kill();
    let killed_at = s.feeder.stats().answered.len();
    // Replica 0 alone for a while, then replica 1 comes back on the same port.
    while s.feeder.stats().answered.len() < killed_at + expected / 6 {
        assert!(Instant::now() < deadline, "replica 0 stalled\n{}", s.logs());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let alone = s.feeder.stats();
    s.replicas[1].start().await;
    let back: usize = s
        .feeder
        .stats()
        .answered
        .values()
        .filter(|&&t| t == 1)
        .count();

    for task in tasks {
        let played = task.await.unwrap();
        played.unwrap_or_else(|e| panic!("{e}\n{}", s.logs()));
    }
    let stats = s.feeder.stats();
    assert!(alone.retries > 0, "posts to the dead replica failed over");
    assert!(stats.lost.is_empty() && stats.refused.is_empty());
    let later = stats.answered.values().filter(|&&t| t == 1).count();
    assert!(later > back, "the restarted replica took updates again");

    // Every user reached a plan, and the check-in behind it is in the database, once.
    let store = {
        let db = s.db.clone();
        tokio::task::spawn_blocking(move || PgStore::open(&db).unwrap())
            .await
            .unwrap()
    };
    for user in users {
        assert!(!plans(&s.w, user).is_empty(), "user {user}: a plan");
        let id = UserId::try_from(user).unwrap();
        let data = store.export(id).unwrap();
        assert!(data.profile.is_some(), "user {user}: profile stored");
        assert_eq!(data.days.len(), 1, "user {user}: the check-in is stored");
    }
    eprintln!(
        "replicas: {} updates, {} retried posts, replica 1 answered {back} before and {later} \
         after its restart",
        stats.answered.len(),
        stats.retries
    );
    s.stop().await;
}

// ---------------------------------------------------------------------------------------
// A user who answers whatever the bot shows (driven by the fake's stream of answered
// requests, so fifty of them cost little).
//
// An update whose turn was committed just before its replica died is delivered again (it
// was never answered 200) and handled as a stale press: the bot shows where the user is
// (the current question, or the menu) instead of that turn's replies. So this user answers
// the newest question whatever it is, presses "Check in now" on a menu, and, once the
// check-in is answered, "What can I do today?" when a menu comes instead of the plan.

/// A bot message or edit in one chat.
struct Event {
    message_id: i64,
    edit: bool,
    text: String,
    buttons: Vec<(String, String)>,
}

/// One task per user, fed by one router of the fake's answered requests.
fn players(
    fake: &Arc<FakeBotApi>,
    users: std::ops::Range<i64>,
) -> Vec<tokio::task::JoinHandle<Result<usize, String>>> {
    let mut inboxes = HashMap::new();
    let mut tasks = Vec::new();
    let script = script();
    for user in users {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        inboxes.insert(user, tx);
        let (fake, script) = (fake.clone(), script.clone());
        tasks.push(tokio::spawn(player(user, rx, fake, script)));
    }
    let mut requests = fake.subscribe();
    tokio::spawn(async move {
        while let Some(r) = requests.recv().await {
            let Some(m) = r.bot_message() else { continue };
            if let Some(inbox) = inboxes.get(&m.chat) {
                let _ = inbox.send(Event {
                    message_id: m.message_id,
                    edit: m.edit,
                    text: m.text.unwrap_or_default(),
                    buttons: m.keyboard.into_iter().flatten().collect(),
                });
            }
        }
    });
    tasks
}

async fn player(
    user: i64,
    mut inbox: tokio::sync::mpsc::UnboundedReceiver<Event>,
    fake: Arc<FakeBotApi>,
    script: Arc<backcheck::script::Script>,
) -> Result<usize, String> {
    use backcheck::script::Text;
    use support::answers::{label_for, question_of};
    let today = script.text(Text::ButtonToday).to_string();
    let check_in = script.text(Text::ButtonCheckin).to_string();
    let activities = prompt(Question::Activities);
    let mut answered_flags = false;
    fake.push_text(user, user, "/start");
    let mut pushed = 1;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let event = tokio::time::timeout_at(deadline, inbox.recv())
            .await
            .map_err(|_| format!("user {user}: no plan in time"))?
            .ok_or("the fake stopped")?;
        if harness::HEADINGS.contains(&event.text.lines().next().unwrap_or("")) {
            return Ok(pushed);
        }
        let has = |label: &str| event.buttons.iter().any(|(l, _)| l == label);
        // The question may follow a folded intro (the welcome), in its message and its edits.
        let label = if event.text.contains(&activities) {
            let ticked = event
                .buttons
                .iter()
                .any(|(l, _)| l.starts_with(harness::TICK));
            match (event.edit, ticked) {
                (_, true) => Some("Done"),
                (_, false) if !event.buttons.is_empty() => Some("Running"),
                _ => None,
            }
        } else if event.edit {
            None
        } else if let Some(q) = question_of(&script, &event.text) {
            answered_flags |= q == Question::RedFlags;
            label_for(q, false)
        } else if answered_flags && has(&today) {
            Some(today.as_str())
        } else if has(&check_in) {
            Some(check_in.as_str())
        } else {
            None
        };
        let Some(label) = label else { continue };
        let found = event
            .buttons
            .iter()
            .find(|(l, _)| l.trim_start_matches(harness::TICK) == label);
        if let Some((_, data)) = found {
            fake.try_push_callback(user, event.message_id, data)
                .ok_or_else(|| format!("user {user}: no message {}", event.message_id))?;
            pushed += 1;
        }
    }
}
