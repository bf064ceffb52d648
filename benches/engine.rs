//! The hot path of a conversation, on this machine's release build. Groups:
//! - `triage`: one `triage::triage` call for a typical painful check-in, with a profile and 30
//!   days of history (target: under 10 µs);
//! - `engine_step`: one `Engine::handle` on a `SledStore` in a temporary folder: pressing a
//!   pain-level button mid-check-in, which loads the profile and state, asks the next
//!   question and writes the state back. That write is not durable, so no fsync is in the
//!   figure (target: under 100 µs median);
//! - `whole_checkin`: a whole check-in, from /checkin to the plan, for an onboarded user with
//!   30 days of history: eight turns, the last of which writes the day *durably* (sled's
//!   flush, an fsync), so this figure includes one fsync; `whole_checkin/flush_alone` is that
//!   flush by itself, after one small write.
//!
//! Run with `cargo bench --bench engine`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use backcheck::engine::state::{CheckInCtx, ConvState, Flow};
use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::{
    Activity, Area, CheckIn, Cleared, DayRecord, Feeling, Level, Outcome, Profile, Question, Worst,
};
use backcheck::script::Script;
use backcheck::store::{Change, SledStore, Store, UserId};
use backcheck::triage;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date, time};
use jiff::{Timestamp, ToSpan};

/// Monday 2026-03-02, 08:00 UTC (09:00 in Berlin).
fn now() -> Timestamp {
    "2026-03-02T08:00:00Z".parse().unwrap()
}

const TODAY: Date = date(2026, 3, 2);

/// The profile onboarding gives: running and cycling, an hour, cleared, Berlin, 07:00.
fn profile() -> Profile {
    Profile {
        activities: vec![Activity::Running, Activity::Cycling],
        session_minutes: 60,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: "Europe/Berlin".to_string(),
        reminder: Some(time(7, 0, 0, 0)),
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}

/// 30 days before `today`: pain drifting between 1 and 6, a "worse" report now and then, a
/// missed day every week, every level a session can have.
fn history(today: Date) -> Vec<DayRecord> {
    const LEVELS: [Level; 4] = [Level::Usual, Level::Lighter, Level::Gentle, Level::Gentle];
    (1..=30i64)
        .rev()
        .filter(|n| n % 7 != 3)
        .map(|n| {
            let day = today.checked_sub(n.days()).unwrap();
            let pain = ((n * 5 + 1) % 6 + 1) as u8;
            DayRecord {
                date: day,
                checkin: CheckIn {
                    pain: Some(pain),
                    area: Some(Area::LowerBack),
                    spreads: Some(n % 4 == 0),
                    feeling: Some(Feeling::DullAche),
                    worst: Some(Worst::Morning),
                    episode: None,
                    red_flags: Vec::new(),
                    yesterday: Some(match n % 5 {
                        0 => Outcome::Worse,
                        1 | 2 => Outcome::Better,
                        _ => Outcome::Same,
                    }),
                    worse_activity: (n % 5 == 0).then_some(Activity::Running),
                },
                level: LEVELS[n as usize % LEVELS.len()],
                episode_start: Some(today.checked_sub(40.days()).unwrap()),
                suggested: vec![Activity::Cycling, Activity::Walking, Activity::CoreWork],
                clearance_note: false,
                recorded_at: Timestamp::UNIX_EPOCH,
            }
        })
        .collect()
}

/// Today's answers: pain 5 in the lower back, not spreading, a dull ache worst in the
/// morning, no red flags, yesterday the same.
fn todays_answers() -> CheckIn {
    CheckIn {
        pain: Some(5),
        area: Some(Area::LowerBack),
        spreads: Some(false),
        feeling: Some(Feeling::DullAche),
        worst: Some(Worst::Morning),
        episode: None,
        red_flags: Vec::new(),
        yesterday: Some(Outcome::Same),
        worse_activity: None,
    }
}

fn bench_triage(c: &mut Criterion) {
    let profile = profile();
    let today = todays_answers();
    let history = history(TODAY);
    assert!(history.len() >= 25, "about 30 days of history");
    let plan = triage::triage(&profile, &today, &history, TODAY);
    assert_eq!(plan.level, Level::Gentle, "{plan:?}");
    c.bench_function("triage", |b| {
        b.iter(|| {
            triage::triage(
                black_box(&profile),
                black_box(&today),
                black_box(&history),
                TODAY,
            )
        })
    });
}

/// An Engine on a fresh sled folder, and the folder (kept alive with it).
fn engine() -> (tempfile::TempDir, Arc<SledStore>, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let script = Arc::new(Script::embedded().unwrap());
    let engine = Engine::new(store.clone() as Arc<dyn Store>, script, "UTC");
    (dir, store, engine)
}

/// Writes `user`'s profile and 30 days of history straight into the store (what onboarding
/// and a month of check-ins would have left there).
fn seed_user(store: &SledStore, user: UserId) {
    let profile = profile();
    let change = Change {
        profile: Some(&profile),
        ..Change::default()
    };
    store.write(user, change).unwrap();
    for day in history(TODAY) {
        let change = Change {
            day: Some(&day),
            ..Change::default()
        };
        store.write(user, change).unwrap();
    }
}

/// The data of the button whose key is `key` among `replies`.
fn button(replies: &[Reply], key: &str) -> Option<String> {
    replies
        .iter()
        .flat_map(|r| r.buttons().iter().flatten())
        .find(|b| b.data.split_once(':').is_some_and(|(_, k)| k == key))
        .map(|b| b.data.clone())
}

/// The prompt of question `q`, to recognise which question a reply asks.
fn asks(engine: &Engine, replies: &[Reply], q: Question) -> bool {
    let prompt = &engine.script().question(q).prompt;
    replies.last().is_some_and(|r| r.body() == prompt)
}

fn bench_engine_step(c: &mut Criterion) {
    let (_dir, store, engine) = engine();
    let user: UserId = 1001;
    seed_user(&store, user);
    let replies = engine.handle(user, Input::Text("/checkin".into()), now());
    assert!(asks(&engine, &replies, Question::Pain), "{replies:?}");
    // The state at the pain question, to rewind to before every press.
    let at_pain: ConvState = store.state(user).unwrap().unwrap();
    assert!(matches!(
        at_pain.flow,
        Flow::CheckIn {
            step: Question::Pain,
            ctx: CheckInCtx {
                episode_continues: true,
                ..
            },
            ..
        }
    ));
    let press = button(&replies, "6").unwrap();
    let rewind = || {
        let change = Change {
            state: Some(&at_pain),
            ..Change::default()
        };
        store.write(user, change).unwrap();
    };

    // Outside the timing: the press is a real step (the next question), not a stale button.
    rewind();
    let replies = engine.handle(user, Input::Button(press.clone()), now());
    assert!(asks(&engine, &replies, Question::Area), "{replies:?}");
    let moved = store.state(user).unwrap().unwrap();
    assert_eq!(moved.seq, at_pain.seq + 1);

    c.bench_function("engine_step_pain_button", |b| {
        b.iter_batched(
            rewind,
            |()| engine.handle(user, Input::Button(press.clone()), now()),
            BatchSize::PerIteration,
        )
    });
}

/// The answer given to each question of the check-in, by its button key.
const ANSWERS: [(Question, &str); 8] = [
    (Question::Pain, "5"),
    (Question::Area, "lower_back"),
    (Question::Spreads, "no"),
    (Question::Feeling, "dull_ache"),
    (Question::Worst, "morning"),
    (Question::Episode, "up_to_a_week"),
    (Question::RedFlags, "none"),
    (Question::Yesterday, "same"),
];

/// /checkin, then every question answered by its button, until the plan. Returns the turns
/// taken and the last replies.
fn whole_checkin(engine: &Engine, user: UserId) -> (usize, Vec<Reply>) {
    let mut replies = engine.handle(user, Input::Text("/checkin".into()), now());
    let mut turns = 1;
    while let Some(data) = ANSWERS
        .iter()
        .find(|(q, _)| asks(engine, &replies, *q))
        .and_then(|(_, key)| button(&replies, key))
    {
        replies = engine.handle(user, Input::Button(data), now());
        turns += 1;
    }
    (turns, replies)
}

fn bench_whole_checkin(c: &mut Criterion) {
    let (_dir, store, engine) = engine();
    let mut next_user: UserId = 10_000;
    // Seeded and flushed outside the timing, so the check-in's flush writes only its own.
    let mut fresh_user = || {
        next_user += 1;
        seed_user(&store, next_user);
        store.flush().unwrap();
        next_user
    };

    // Outside the timing: the script reaches a plan, and the day is stored.
    let user = fresh_user();
    let (turns, replies) = whole_checkin(&engine, user);
    let plan = replies.last().map(|r| r.body()).unwrap_or_default();
    assert_eq!(turns, 8, "/checkin and 7 answers (the episode continues)");
    assert!(plan.starts_with("Gentle day"), "{replies:?}");
    assert!(store.day(user, TODAY).unwrap().is_some());

    let mut group = c.benchmark_group("whole_checkin");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("durable_flush_included", |b| {
        b.iter_batched(
            &mut fresh_user,
            |user| whole_checkin(&engine, user),
            BatchSize::PerIteration,
        )
    });
    // For comparison: the durable flush alone, after one small write like the check-in's
    // last (the share of the check-in that is the fsync).
    let profile = profile();
    group.bench_function("flush_alone", |b| {
        b.iter_batched(
            || {
                let change = Change {
                    profile: Some(&profile),
                    ..Change::default()
                };
                store.write(user, change).unwrap();
            },
            |()| store.flush().unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_triage,
    bench_engine_step,
    bench_whole_checkin
);
criterion_main!(benches);
