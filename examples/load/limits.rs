//! The load tool's figures for Telegram's limits (issue 12): replies' latency with the limits
//! on, sends per second over the run, fairness between users, the check-in's length beyond
//! the users' own thinking, flood-rule violations, and a burst of due reminders.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use jiff::{SignedDuration, Timestamp};

use super::fake_bot_api::{FakeBotApi, Outcome, Rule};
use super::{Sim, ms, percentile};
use backcheck::engine::{Engine, Input};
use backcheck::script::Script;
use backcheck::store::{SledStore, Store, UserId};

/// Users with a due reminder get ids from here.
const REMIND_BASE: u64 = 700_000_000;
/// The reminders fall due over this long, from `LEAD` after the fill.
const SPREAD: SignedDuration = SignedDuration::from_secs(60);
const LEAD: SignedDuration = SignedDuration::from_secs(5);

/// The reminder burst of a run: who is due, and when the first one is.
pub struct Burst {
    pub users: u64,
    pub first_due: Instant,
}

/// Stores `k` onboarded users whose reminders fall due over one minute from 5 s after now.
pub fn prefill_due(data: &Path, script: Arc<Script>, k: u64) -> Result<Burst> {
    let store = Arc::new(SledStore::open(data)?);
    let engine = Engine::new(store.clone() as Arc<dyn Store>, script.clone(), "UTC");
    let template: UserId = REMIND_BASE - 1;
    let now = Timestamp::now();
    let replies = engine.handle(template, Input::Text("/start".into()), now);
    super::converse(&engine, &script, template, now, replies, |r| {
        r.iter().any(|r| r.body().starts_with("All set"))
    })?;
    let profile = store
        .profile(template)?
        .ok_or_else(|| anyhow!("the template user has no profile"))?;
    let reminder = store
        .reminder(template)?
        .ok_or_else(|| anyhow!("the template user has no reminder"))?;
    store.forget(template)?;
    let states: Vec<_> = (0..k)
        .map(|i| {
            let offset = SPREAD.as_nanos() * i128::from(i) / i128::from(k.max(1));
            let due = now + LEAD + SignedDuration::from_nanos(offset as i64);
            backcheck::store::ReminderState {
                next_due: Some(due),
                last_sent: None,
                ..reminder.clone()
            }
        })
        .collect();
    for chunk in (0..k).collect::<Vec<_>>().chunks(10_000) {
        let batch: Vec<(UserId, &_, &_)> = chunk
            .iter()
            .map(|&i| (REMIND_BASE + i, &profile, &states[i as usize]))
            .collect();
        store.bulk_load_reminders(&batch)?;
    }
    store.flush()?;
    let lead = Duration::try_from(LEAD)?;
    let elapsed = Duration::try_from(Timestamp::now().duration_since(now)).unwrap_or_default();
    Ok(Burst {
        users: k,
        first_due: Instant::now() + lead.saturating_sub(elapsed),
    })
}

fn is_reminder_chat(chat: i64) -> bool {
    u64::try_from(chat).is_ok_and(|c| c >= REMIND_BASE)
}

/// Waits until every due user got a reminder (or the deadline).
pub async fn wait_for_reminders(
    fake: &FakeBotApi,
    burst: &Burst,
    deadline: tokio::time::Instant,
) -> Result<()> {
    loop {
        let got = fake.count_requests(|r| {
            r.method == "sendMessage"
                && matches!(r.outcome, Outcome::Ok(_))
                && r.chat_id().is_some_and(is_reminder_chat)
        }) as u64;
        if got >= burst.users {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("only {got} of {} reminders arrived in time", burst.users);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Delivered reminders: (arrival, chat).
fn reminders(fake: &FakeBotApi) -> Vec<(Instant, i64)> {
    fake.requests_for("sendMessage")
        .into_iter()
        .filter(|r| matches!(r.outcome, Outcome::Ok(_)))
        .filter_map(|r| Some((r.received_at, r.chat_id()?)))
        .filter(|&(_, chat)| is_reminder_chat(chat))
        .collect()
}

/// What `report` reads.
pub struct Run<'a> {
    pub fake: &'a FakeBotApi,
    pub sims: &'a [Sim],
    pub think: Duration,
    pub limits_on: bool,
    pub burst: Option<&'a Burst>,
}

/// Prints the issue-12 figures.
pub fn report(run: &Run<'_>) {
    let mut first: Vec<Duration> = run.sims.iter().flat_map(|s| s.latencies.clone()).collect();
    first.sort();
    let mut sends: Vec<Duration> = run
        .sims
        .iter()
        .flat_map(|s| s.send_latencies.clone())
        .collect();
    sends.sort();
    println!();
    println!(
        "limits {}, think {} ms per user",
        if run.limits_on { "on" } else { "off" },
        run.think.as_millis()
    );
    println!(
        "update->first reply ({} samples): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        first.len(),
        ms(percentile(&first, 0.50)),
        ms(percentile(&first, 0.99)),
        ms(first.last().copied().unwrap_or_default())
    );
    println!(
        "update->first sendMessage ({} samples): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        sends.len(),
        ms(percentile(&sends, 0.50)),
        ms(percentile(&sends, 0.99)),
        ms(sends.last().copied().unwrap_or_default())
    );

    // Fairness: each user's mean wait for their first sendMessage against everyone's.
    let all = mean(&sends);
    let per_user: Vec<Duration> = run
        .sims
        .iter()
        .filter(|s| !s.send_latencies.is_empty())
        .map(|s| mean(&s.send_latencies))
        .collect();
    let worst = per_user.iter().max().copied().unwrap_or_default();
    println!(
        "per-user mean wait for the first sendMessage: worst {:.1} ms, all users {:.1} ms, ratio {:.2}",
        ms(worst),
        ms(all),
        if all.is_zero() {
            0.0
        } else {
            worst.as_secs_f64() / all.as_secs_f64()
        }
    );

    // The check-in from "Check in now" to the plan, less the users' own thinking (7 answers).
    let mut beyond: Vec<Duration> = run
        .sims
        .iter()
        .filter_map(|s| Some(s.checkin.1?.saturating_duration_since(s.checkin.0?)))
        .map(|d| d.saturating_sub(run.think * 7))
        .collect();
    beyond.sort();
    if !beyond.is_empty() {
        println!(
            "check-in minus think time ({} users): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            beyond.len(),
            ms(percentile(&beyond, 0.50)),
            ms(percentile(&beyond, 0.99)),
            ms(beyond.last().copied().unwrap_or_default())
        );
    }

    sends_per_second(run.fake);
    let violations = run.fake.flood_violations();
    let count = |rule: Rule| violations.iter().filter(|v| v.rule == rule).count();
    println!(
        "flood-rule violations: {} (per chat {}, overall {}, ignored retry_after {}){}",
        violations.len(),
        count(Rule::Chat),
        count(Rule::Overall),
        count(Rule::RetryAfter),
        if run.limits_on {
            ""
        } else {
            " (not checked: limits off)"
        }
    );

    if let Some(burst) = run.burst {
        let got = reminders(run.fake);
        let mut per_chat: HashMap<i64, usize> = HashMap::new();
        for &(_, chat) in &got {
            *per_chat.entry(chat).or_default() += 1;
        }
        let twice = per_chat.values().filter(|&&n| n > 1).count();
        let last = got.iter().map(|&(t, _)| t).max();
        let took = last.map(|t| t.saturating_duration_since(burst.first_due));
        let physics = burst.users as f64 / 30.0;
        println!(
            "reminders: {} delivered to {} of {} users, {} more than once; first due to last delivered {:.1} s (1.05 x {:.0} s = {:.0} s)",
            got.len(),
            per_chat.len(),
            burst.users,
            twice,
            took.unwrap_or_default().as_secs_f64(),
            physics,
            physics * 1.05
        );
        // Every counted send in that span shares the 30 a second, the chatters' too: the
        // floor no pacer can beat.
        if let Some(last) = last {
            let in_span = run.fake.count_requests(|r| {
                is_counted(&r.method)
                    && matches!(r.outcome, Outcome::Ok(_))
                    && r.received_at >= burst.first_due
                    && r.received_at <= last
            });
            let others = in_span.saturating_sub(got.len());
            let floor = in_span as f64 / 30.0;
            let took = took.unwrap_or_default().as_secs_f64();
            println!(
                "counted sends in that span: {in_span} ({others} to chatting users); at 30 a second they need {floor:.1} s, so the burst took {:.3} x that floor",
                if floor > 0.0 { took / floor } else { 0.0 }
            );
        }
    }
}

fn is_counted(method: &str) -> bool {
    matches!(method, "sendMessage" | "sendPhoto" | "sendDocument")
}

/// Counted sends (sendMessage, sendPhoto, sendDocument answered ok) per wall-clock second,
/// over the middle 80% of the span from the first to the last.
fn sends_per_second(fake: &FakeBotApi) {
    let mut times: Vec<Instant> = fake
        .requests()
        .into_iter()
        .filter(|r| is_counted(&r.method))
        .filter(|r| matches!(r.outcome, Outcome::Ok(_)))
        .map(|r| r.received_at)
        .collect();
    times.sort();
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return;
    };
    let seconds = last.duration_since(first).as_secs() as usize + 1;
    let mut buckets = vec![0usize; seconds];
    for t in &times {
        buckets[t.duration_since(first).as_secs() as usize] += 1;
    }
    let middle = &buckets[seconds / 10..seconds - seconds / 10];
    let min = middle.iter().min().copied().unwrap_or(0);
    let max = middle.iter().max().copied().unwrap_or(0);
    let mean = middle.iter().sum::<usize>() as f64 / middle.len().max(1) as f64;
    println!(
        "counted sends: {} over {seconds} s; per second over the middle 80%: min {min}, mean {mean:.1}, max {max}",
        times.len()
    );
}

fn mean(d: &[Duration]) -> Duration {
    if d.is_empty() {
        return Duration::ZERO;
    }
    d.iter().sum::<Duration>() / d.len() as u32
}
