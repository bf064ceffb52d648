//! Pacer or governor: the same sends, paced by backcheck's pacer (src/telegram/pace.rs) and by
//! `governor`'s rate limiters, against the fake Bot API checking Telegram's flood rules.
//!
//! ```text
//! cargo run --release --example pacing -- --scenario below
//! cargo run --release --example pacing -- --scenario above
//! cargo run --release --example pacing -- --scenario burst --reminders 10000
//! ```
//!
//! Issue 12 asked to choose the pacing by measurement, `governor` being one candidate. This
//! tool takes the bot out of the picture: simulated chats ask for sends (sendMessage through
//! teloxide, so the HTTP stack is the bot's), each send waits for the pacing under test, and
//! the fake Bot API (tests/support/fake_bot_api.rs, in this process) answers a send that
//! breaks a rule with 429 `retry_after`, as Telegram does. Pacings (`--pacer`, all by default):
//!
//! - `ours`: `backcheck::telegram::send::with_pacing` with the pacer the bot runs
//!   (`telegram_limits()`): per chat a burst of 3 then 1 a second, 30 in any second overall,
//!   replies before reminders, chats in turn, a 429 held for its chat and the bot.
//! - `governor`: a keyed GCRA limiter per chat (1 a second, burst 3) and a direct one overall
//!   (`Quota::per_second(30)`, governor's default burst of 30), waited on in that order; a 429
//!   is slept off by the task that got it and the send tried again.
//! - `governor-even`: the same, but the overall limiter has no burst (one send every 1/30 of
//!   the pacer's window of 1 s plus its margin), since a burst of 30 can put 59 sends in one
//!   second.
//!
//! Scenarios (`--scenario`):
//! - `below`: 100 chats; each turn is 1 send (2 in a fifth of turns, one after the other); a
//!   chat thinks 4-8 s after its turn. About 20 sends a second, as 100 users of the bot
//!   thinking 5 s ask.
//! - `above`: 100 chats each asking for one send 1.3 s after the last one was answered: more
//!   than 30 a second, so the pacing has to run at the limit and share it.
//! - `burst`: `--reminders` reminder sends due evenly over one minute, each in its own chat,
//!   while 50 chats talk as in `below`; until the last reminder is delivered.
//!
//! Reported per pacing: sends delivered; latency from asking to the send's answer (p50, p99,
//! max: the wait the pacing added plus one loopback round trip) for the chats that talk;
//! sends a second (min and mean over the middle 80% of the run: `--seconds`, or up to the
//! last reminder); fairness (the worst chat's
//! mean latency over the mean of all, `above`); the reminders' time from the first due to the
//! last delivered (`burst`); violations answered 429 by the fake.

#[path = "../tests/support/fake_bot_api.rs"]
#[allow(dead_code)]
mod fake_bot_api;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::{Parser, ValueEnum};
use fake_bot_api::{FakeBotApi, FloodRules};
use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use teloxide::RequestError;
use teloxide::prelude::*;

use backcheck::telegram::pace::{Lane, MARGIN, Pacer, Rules};
use backcheck::telegram::send::{RetryPolicy, with_pacing};
use backcheck::telegram::telegram_limits;

#[derive(Parser, Debug)]
#[command(about = "Pacer or governor: the same sends against the fake Bot API's flood rules")]
struct Args {
    #[arg(long, value_enum, default_value = "below")]
    scenario: Scenario,
    /// The pacings to run, one after another (each against a fresh fake).
    #[arg(long, value_enum, num_args = 1.., default_values = ["ours", "governor", "governor-even"])]
    pacer: Vec<Pacing>,
    /// Seconds each `below` and `above` run lasts.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Reminders due over the first minute (`burst`).
    #[arg(long, default_value_t = 10_000)]
    reminders: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Below,
    Above,
    Burst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Pacing {
    Ours,
    Governor,
    GovernorEven,
}

type Keyed = RateLimiter<i64, DefaultKeyedStateStore<i64>, DefaultClock>;
type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;

/// One pacing under test, shared by every simulated chat.
#[derive(Clone)]
enum Sender {
    Ours {
        pacer: Pacer,
        policy: RetryPolicy,
    },
    Governor {
        chats: Arc<Keyed>,
        overall: Arc<Direct>,
    },
}

impl Sender {
    fn new(pacing: Pacing) -> Result<Sender> {
        let n = |v: u32| NonZeroU32::new(v).ok_or_else(|| anyhow::anyhow!("zero quota"));
        Ok(match pacing {
            Pacing::Ours => Sender::Ours {
                pacer: Pacer::new(Rules::from_limits(&telegram_limits())),
                policy: RetryPolicy::default(),
            },
            Pacing::Governor | Pacing::GovernorEven => {
                let chat = Quota::per_second(n(1)?).allow_burst(n(3)?);
                let overall = match pacing {
                    Pacing::Governor => Quota::per_second(n(30)?),
                    _ => Quota::with_period((Duration::from_secs(1) + MARGIN) / 30)
                        .ok_or_else(|| anyhow::anyhow!("zero period"))?,
                };
                Sender::Governor {
                    chats: Arc::new(RateLimiter::keyed(chat)),
                    overall: Arc::new(RateLimiter::direct(overall)),
                }
            }
        })
    }

    /// Sends one message to `chat`, waiting as the pacing says and retrying after a 429.
    async fn send(&self, bot: &Bot, chat: i64, lane: Lane) -> Result<()> {
        let call = || bot.send_message(ChatId(chat), "x").send();
        match self {
            Sender::Ours { pacer, policy } => {
                if let Err(e) = with_pacing(policy, pacer, ChatId(chat), lane, call).await {
                    bail!("chat {chat}: {e:?}");
                }
            }
            Sender::Governor { chats, overall } => {
                for _ in 0..5 {
                    chats.until_key_ready(&chat).await;
                    overall.until_ready().await;
                    match call().await {
                        Ok(_) => return Ok(()),
                        Err(RequestError::RetryAfter(after)) => {
                            tokio::time::sleep(after.duration()).await;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                bail!("chat {chat}: five 429s in a row");
            }
        }
        Ok(())
    }
}

/// What the simulated chats measured.
#[derive(Default)]
struct Tally {
    /// (chat, latency) of every send of a talking chat.
    latencies: Vec<(i64, Duration)>,
    /// When the last reminder was delivered.
    last_reminder: Option<Instant>,
}

/// A small deterministic generator (splitmix64): the same workload for every pacing.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A chat that talks: a turn of 1 send (2 in a fifth of turns), then 4-8 s of thinking.
async fn talker(sender: Sender, bot: Bot, chat: i64, until: Instant, tally: Arc<Mutex<Tally>>) {
    let mut dice = Dice(chat as u64);
    // Chats start spread over one think time, as users do.
    tokio::time::sleep(Duration::from_secs_f64(5.0 * dice.unit())).await;
    while Instant::now() < until {
        let roll = dice.unit();
        let sends = if roll < 0.2 { 2 } else { 1 };
        for _ in 0..sends {
            let asked = Instant::now();
            if let Err(e) = sender.send(&bot, chat, Lane::Reply).await {
                eprintln!("chat {chat}: {e:#}");
                return;
            }
            lock(&tally).latencies.push((chat, asked.elapsed()));
        }
        tokio::time::sleep(Duration::from_secs_f64(4.0 + 4.0 * dice.unit())).await;
    }
}

/// A chat that asks for one send 1.3 s after its last one was answered, until `until`.
async fn eager(sender: Sender, bot: Bot, chat: i64, until: Instant, tally: Arc<Mutex<Tally>>) {
    let mut dice = Dice(chat as u64);
    tokio::time::sleep(Duration::from_secs_f64(1.3 * dice.unit())).await;
    while Instant::now() < until {
        let asked = Instant::now();
        if let Err(e) = sender.send(&bot, chat, Lane::Reply).await {
            eprintln!("chat {chat}: {e:#}");
            return;
        }
        lock(&tally).latencies.push((chat, asked.elapsed()));
        tokio::time::sleep(Duration::from_millis(1300)).await;
    }
}

fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(|e| e.into_inner())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// Sends accepted per whole second since `start`, over the middle 80% of the run: (min, mean).
fn per_second(accepted: &[(Instant, i64)], start: Instant, end: Instant) -> (usize, f64) {
    let secs = end.saturating_duration_since(start).as_secs() as usize;
    if secs == 0 {
        return (0, 0.0);
    }
    let mut counts = vec![0usize; secs + 1];
    for (at, _) in accepted {
        let s = at.saturating_duration_since(start).as_secs() as usize;
        if let Some(c) = counts.get_mut(s) {
            *c += 1;
        }
    }
    let (from, to) = (secs / 10, secs - secs / 10);
    let middle = &counts[from..to.max(from + 1).min(counts.len())];
    let min = middle.iter().copied().min().unwrap_or(0);
    let mean = middle.iter().sum::<usize>() as f64 / middle.len().max(1) as f64;
    (min, mean)
}

async fn run(args: &Args, pacing: Pacing) -> Result<()> {
    let fake = FakeBotApi::start().await;
    fake.check_flood_rules(FloodRules::telegram());
    let bot = fake.bot();
    let sender = Sender::new(pacing)?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let start = Instant::now();
    // The end of the span sends are counted over: the talkers' last turn (`below`, `above`),
    // the last reminder delivered (`burst`).
    let mut counted_until = start + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    match args.scenario {
        Scenario::Below | Scenario::Above => {
            let until = start + Duration::from_secs(args.seconds);
            for chat in 1..=100 {
                let (s, b, t) = (sender.clone(), bot.clone(), Arc::clone(&tally));
                tasks.push(match args.scenario {
                    Scenario::Below => tokio::spawn(talker(s, b, chat, until, t)),
                    _ => tokio::spawn(eager(s, b, chat, until, t)),
                });
            }
        }
        Scenario::Burst => {
            let reminders = args.reminders;
            let mut remind = Vec::new();
            for i in 0..reminders {
                let (s, b, t) = (sender.clone(), bot.clone(), Arc::clone(&tally));
                let chat = 1_000_000 + i as i64;
                let due = start + Duration::from_secs(60).mul_f64(i as f64 / reminders as f64);
                remind.push(tokio::spawn(async move {
                    tokio::time::sleep_until(due.into()).await;
                    if let Err(e) = s.send(&b, chat, Lane::Reminder).await {
                        eprintln!("reminder {chat}: {e:#}");
                        return;
                    }
                    let mut t = lock(&t);
                    t.last_reminder = t.last_reminder.max(Some(Instant::now()));
                }));
            }
            let done = Arc::new(tokio::sync::Notify::new());
            let finished = Arc::clone(&done);
            tokio::spawn(async move {
                for r in remind {
                    let _ = r.await;
                }
                finished.notify_one();
            });
            // The talkers run until the burst is over (bounded at 20 minutes).
            let until = start + Duration::from_secs(1200);
            for chat in 1..=50 {
                let (s, b, t) = (sender.clone(), bot.clone(), Arc::clone(&tally));
                tasks.push(tokio::spawn(talker(s, b, chat, until, t)));
            }
            tokio::select! {
                () = done.notified() => {}
                () = tokio::time::sleep_until(until.into()) => bail!("the burst did not end in 20 minutes"),
            }
            for t in &tasks {
                t.abort();
            }
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let end = Instant::now();
    let accepted = fake.flood_accepted();
    let violations = fake.flood_violations();
    // Taken out, so that no lock is held across the fake's shutdown below.
    let tally = std::mem::take(&mut *lock(&tally));
    let mut all: Vec<Duration> = tally.latencies.iter().map(|(_, d)| *d).collect();
    all.sort_unstable();
    let mean = all.iter().sum::<Duration>().as_secs_f64() / all.len().max(1) as f64;
    let mut per_chat: HashMap<i64, (f64, u32)> = HashMap::new();
    for (chat, d) in &tally.latencies {
        let e = per_chat.entry(*chat).or_default();
        e.0 += d.as_secs_f64();
        e.1 += 1;
    }
    let worst = per_chat
        .values()
        .map(|(sum, n)| sum / f64::from(*n))
        .fold(0.0, f64::max);
    if let Some(last) = tally.last_reminder {
        counted_until = last;
    }
    let (min_s, mean_s) = per_second(&accepted, start, counted_until.min(end));
    let burst = match tally.last_reminder {
        Some(last) => format!("{:.1} s", last.duration_since(start).as_secs_f64()),
        None => "–".into(),
    };
    println!(
        "| {:?} | {:?} | {} | {} / {} / {} ms | {} / {:.1} | {:.2} | {} | {} |",
        args.scenario,
        pacing,
        accepted.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default()),
        min_s,
        mean_s,
        if mean > 0.0 { worst / mean } else { 0.0 },
        burst,
        violations.len(),
    );
    fake.shutdown().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    println!(
        "| scenario | pacing | sends delivered | talkers' latency p50 / p99 / max | sends/s middle 80%: min / mean | worst chat / mean | reminders: first due to last delivered | violations (429) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &pacing in &args.pacer {
        run(&args, pacing).await?;
    }
    Ok(())
}
