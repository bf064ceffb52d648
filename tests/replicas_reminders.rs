//! Reminders across replicas, end to end: 1,000 onboarded users whose reminder is due now,
//! on one PostgreSQL database, and two copies of the real binary in webhook mode ticking at
//! once. The fake Bot API counts the reminders: every chat gets exactly one, both replicas
//! send some, every stored reminder is then tomorrow's, and a restarted replica sends none
//! again. (tests/pg_reminders.rs races two schedulers inside one process; this is the same
//! race between two processes, through their whole delivery path.)
//!
//! Which replica sent a message: each replica has a token of its own, and the fake (which
//! accepts any token) records the token of every request. In production the replicas share
//! one token; here it is only a label. Both send some because a tick claims 100 reminders
//! (src/reminders/run.rs, `BATCH`): while one replica sends its batch, the other claims the
//! next. (With a claim of 1,000 the first replica to commit took all of them, every run.)

#[path = "support/pg.rs"]
mod pg;
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backcheck::model::{Cleared, Profile};
use backcheck::script::{Script, Text};
use backcheck::store::{Daily, PgStore, ReminderState, Store, UserId};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use support::binary::Replica;
use support::fake_bot_api::{FakeBotApi, RecordedRequest, TOKEN};
use support::webhook_feeder::SECRET;
use tokio::time::Instant;

const USERS: i64 = 1_000;
/// The first user's id (and chat id); the others follow at a stride, so ids are not adjacent.
const FIRST: i64 = 9_100_003;
const STRIDE: i64 = 7_919;
/// A second token, so that the fake tells the replicas' requests apart.
const TOKEN_B: &str = "223456789:AAtest-fake-token-replica-b";
/// Every wait of this test; it takes a few seconds when all is well.
const WAIT: Duration = Duration::from_secs(30);
/// From seeding to the instant every reminder is due: time for both replicas to start.
const UP: SignedDuration = SignedDuration::from_secs(4);

fn users() -> Vec<i64> {
    (0..USERS).map(|i| FIRST + i * STRIDE).collect()
}

/// An onboarded user whose daily reminder is at `daily.at` in UTC.
fn profile(daily: &Daily) -> Profile {
    Profile {
        activities: vec![],
        session_minutes: 30,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: daily.zone.clone(),
        reminder: Some(daily.at),
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}

/// The reminder of a user due at `due` (today's, not yet sent), as the scheduler stores it.
fn due_state(due: Timestamp) -> ReminderState {
    ReminderState {
        next_due: Some(due),
        daily: Some(daily_at(due)),
        ..ReminderState::default()
    }
}

/// A daily reminder at the time of day of `due`, in UTC (no daylight saving: tomorrow's is
/// exactly 24 hours later).
fn daily_at(due: Timestamp) -> Daily {
    Daily {
        zone: "UTC".to_owned(),
        at: due.to_zoned(TimeZone::UTC).time(),
    }
}

/// Writes `users` with profiles and reminders due at `due`.
fn seed(store: &PgStore, users: &[i64], due: Timestamp) {
    let state = due_state(due);
    let p = profile(state.daily.as_ref().unwrap());
    let users: Vec<UserId> = users
        .iter()
        .map(|&u| UserId::try_from(u).unwrap())
        .collect();
    support::seed::with_reminder(store, &users, &p, &state);
}

/// Whole seconds: the due index keeps seconds.
fn second(ts: Timestamp) -> Timestamp {
    Timestamp::from_second(ts.as_second()).unwrap()
}

/// The reminders the fake received (every attempt, answered or not), in arrival order.
fn reminders(fake: &FakeBotApi, text: &str) -> Vec<RecordedRequest> {
    fake.requests_for("sendMessage")
        .into_iter()
        .filter(|r| r.text().as_deref() == Some(text))
        .collect()
}

async fn open(db: &str) -> Arc<PgStore> {
    let db = db.to_owned();
    let store = tokio::task::spawn_blocking(move || PgStore::open(&db).unwrap());
    Arc::new(store.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_reminders_due_at_once_on_two_replicas_go_out_once_each() {
    let started = std::time::Instant::now();
    let script = Script::embedded().unwrap();
    let text = script.text(Text::Reminder).to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = tokio::task::spawn_blocking(pg::database).await.unwrap();
    let store = open(&db).await;
    let users = users();
    // Due at one instant a little after both replicas are up (they start in about a
    // second): each ticks at start-up, finds nothing due yet, sleeps until that instant, and
    // wakes to race the other for the same 1,000 rows, as at 07:00 in production. (The
    // binary reads the system clock, so this is a real wait; no test clock reaches it.)
    let due = second(Timestamp::now()) + UP;
    {
        let (store, users) = (store.clone(), users.clone());
        tokio::task::spawn_blocking(move || seed(&store, &users, due))
            .await
            .unwrap();
    }

    // Telegram's limits are off (replica_config): at 30 messages a second, 1,000 reminders
    // would take over 30 s; this test counts them, tests/telegram_limits.rs checks the pace.
    let fake = Arc::new(FakeBotApi::start().await);
    let mut replicas: Vec<Replica> = [TOKEN, TOKEN_B]
        .iter()
        .enumerate()
        .map(|(n, token)| {
            let mut r = Replica::new(dir.path(), &format!("replica-{n}"), &fake, &db, SECRET);
            r.bot = r.bot.env("TELOXIDE_TOKEN", *token);
            r
        })
        .collect();
    // Both start at once, so that they are up and asleep before the reminders are due.
    Replica::start_all(&mut replicas).await;
    let up_in_time = Timestamp::now() < due;
    let logs = |replicas: &[Replica]| -> String { replicas.iter().map(|r| r.bot.logs()).collect() };

    // Bounded: until every chat has been sent its reminder.
    let deadline = Instant::now() + WAIT;
    loop {
        let chats: std::collections::HashSet<i64> = reminders(&fake, &text)
            .iter()
            .filter_map(RecordedRequest::chat_id)
            .collect();
        if chats.len() == users.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} chats reminded within {WAIT:?}\n{}",
            chats.len(),
            users.len(),
            logs(&replicas)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reminded_in = started.elapsed();
    // Both stop cleanly; whatever either had in flight has been answered by then.
    for r in &mut replicas {
        r.stop().await;
    }

    let sent = reminders(&fake, &text);
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    let mut per_replica: HashMap<String, usize> = HashMap::new();
    for r in &sent {
        assert!(r.is_ok(), "the fake refused a reminder: {}", r.summary());
        *per_chat.entry(r.chat_id().unwrap()).or_default() += 1;
        *per_replica.entry(r.token.clone()).or_default() += 1;
    }
    let twice: Vec<_> = per_chat.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{} chats reminded more than once, among them {:?}",
        twice.len(),
        &twice[..twice.len().min(5)]
    );
    let mut chats: Vec<i64> = per_chat.keys().copied().collect();
    chats.sort();
    assert_eq!(chats, users, "exactly the 1,000 users were reminded");
    let (a, b) = (per_replica.get(TOKEN), per_replica.get(TOKEN_B));
    eprintln!(
        "replicas_reminders: {} reminders {reminded_in:.1?} after the start (due after \
         {UP:#}; both up before: {up_in_time}): replica 0 sent {a:?}, replica 1 sent {b:?}",
        sent.len()
    );
    assert!(
        a.is_some() && b.is_some(),
        "both replicas sent reminders: {per_replica:?}"
    );

    // Every stored reminder is tomorrow's, with today marked as sent.
    let tomorrow = due + SignedDuration::from_hours(24);
    let today = due.to_zoned(TimeZone::UTC).date();
    let stored = {
        let (store, users) = (store.clone(), users.clone());
        tokio::task::spawn_blocking(move || {
            users
                .iter()
                .map(|&u| store.reminder(UserId::try_from(u).unwrap()).unwrap())
                .collect::<Vec<_>>()
        })
        .await
        .unwrap()
    };
    for (user, state) in users.iter().zip(stored) {
        let state = state.unwrap_or_else(|| panic!("user {user}: no reminder stored"));
        assert_eq!(state.next_due, Some(tomorrow), "user {user}: next due");
        assert_eq!(state.last_sent, Some(today), "user {user}: sent today");
    }

    // One replica again. It claims in due order and sends a batch before the next tick, so a
    // canary user due now, later than all of the 1,000, is sent only after anything of
    // theirs still due: once the canary's reminder is out, any second one would be too.
    let canary = FIRST - 1;
    {
        let store = store.clone();
        let now = second(Timestamp::now());
        tokio::task::spawn_blocking(move || seed(&store, &[canary], now))
            .await
            .unwrap();
    }
    let r = &mut replicas[0];
    r.start().await;
    r.bot
        .wait_until(WAIT, "the canary's reminder", || {
            let sent = reminders(&fake, &text);
            async move { sent.iter().any(|r| r.chat_id() == Some(canary)) }
        })
        .await;
    r.stop().await;
    let again: Vec<i64> = reminders(&fake, &text)[sent.len()..]
        .iter()
        .filter_map(RecordedRequest::chat_id)
        .collect();
    assert_eq!(again, [canary], "after the restart, only the canary");
}
