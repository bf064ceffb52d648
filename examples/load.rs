//! Load test: the real bot binary against the fake Bot API, many users at once.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example load -- --users 1000
//! cargo run --release --example load -- --users 1000 --stored-users 100000 --days 7
//! cargo run --release --example load -- --users 100 --answers typed   # typed, never pressed
//! ```
//!
//! It starts the fake Bot API (tests/support/fake_bot_api.rs) on 127.0.0.1 in this process,
//! writes a config with `telegram.throttle = false`, and spawns the bot (`--bin`, default
//! target/release/backcheck) with TELOXIDE_TOKEN, TELOXIDE_API_URL and BACKCHECK_DATA_DIR
//! pointing at the fake and a temporary folder. Then `--users` simulated users, all at once,
//! each send /start, onboard and check in by pressing the buttons the bot sent (callback
//! queries with their data, as a Telegram client does). It reports:
//!
//! - updates per second: updates pushed / wall time from the first push to the last reply;
//! - latency from an update being served to the bot (returned by getUpdates) to the first
//!   sendMessage or editMessageText for that chat after it: p50, p99, max;
//! - the bot's peak RSS (VmHWM in /proc/<pid>/status, read just before SIGTERM);
//! - bytes on disk per user-day: the data folder's size after the bot stopped on SIGTERM,
//!   divided by the check-ins stored.
//!
//! `--stored-users K` fills the data folder with K onboarded users before the bot starts (one
//! user onboarded through the Engine, copied K times with `SledStore::bulk_load_reminders`),
//! to measure RSS with a large database. `--days D` adds D-1 more check-ins per user after the
//! bot stopped: the binary reads the system clock, so later days cannot be played through it;
//! they are played through the library instead (the same Engine and SledStore, the clock a
//! day further each time, the same button policy), and the folder is measured again.
//!
//! Everything is bounded: every wait has a deadline (`--timeout`), and a missed one fails the
//! run with what the user was waiting for.

#[path = "../tests/support/answers.rs"]
mod answers;
#[path = "../tests/support/fake_bot_api.rs"]
#[allow(dead_code)]
mod fake_bot_api;
#[path = "load/limits.rs"]
mod limits;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use fake_bot_api::{FakeBotApi, FloodRules, Keyboard, RecordedRequest, TOKEN};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;

use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::Question;
use backcheck::script::Script;
use backcheck::store::{SledStore, Store, UserId};

#[derive(Parser, Debug)]
#[command(about = "Load test: the real bot binary against the fake Bot API")]
struct Args {
    /// Simulated users, all starting at once.
    #[arg(long, default_value_t = 1000)]
    users: u64,
    /// Onboarded users to store before the bot starts.
    #[arg(long, default_value_t = 0)]
    stored_users: u64,
    /// Check-ins per user: the first through the bot, the rest through the library.
    #[arg(long, default_value_t = 1)]
    days: u32,
    /// The bot binary.
    #[arg(long = "bin", default_value = "target/release/backcheck")]
    bin: PathBuf,
    /// Updates per second the users send in all, paced (0: each user presses as soon as the
    /// bot's answer arrives, a closed loop as fast as the bot goes).
    #[arg(long, default_value_t = 0)]
    rate: u32,
    /// Also print the served→reply latency of each step of the conversation.
    #[arg(long)]
    steps: bool,
    /// Seconds the whole simulated session may take before the run fails.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Keep the data folder here instead of a temporary one (must not exist yet).
    #[arg(long)]
    keep: Option<PathBuf>,
    /// `on`: the default configuration (`telegram.throttle = true`, Telegram's limits) and
    /// the fake checks Telegram's flood rules; `off`: no limits anywhere.
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    limits: String,
    /// Each user answers this long after the message it answers arrived (0: at once). Users
    /// start spread over one think time. Ignored with `--rate`.
    #[arg(long, default_value_t = 5000)]
    think_ms: u64,
    /// Updates per user (at most 17: /start, onboarding and a check-in); fewer shortens a run.
    #[arg(long, default_value_t = 17)]
    updates: usize,
    /// Stored users with a reminder due within the first minute of the run (a reminder burst
    /// while the live users chat).
    #[arg(long, default_value_t = 0)]
    reminders: u64,
    /// `pressed`: every answer is a button press (a callback query); `typed`: every answer is
    /// typed as a message, in the words a user would use (`TYPED`), never pressed.
    #[arg(long, default_value = "pressed", value_parser = ["pressed", "typed"])]
    answers: String,
}

/// Every plan's first line (as tests/telegram_e2e/harness.rs lists them).
const HEADINGS: [&str; 6] = [
    "Urgent: get medical help now",
    "See a doctor before you exercise",
    "Active rest day",
    "Gentle day",
    "Lighter version of your usual routine",
    "Usual routine",
];
const TICK: &str = "✓ ";
/// What each user sends, in order: /start, then the buttons pressed.
const STEPS: [&str; 17] = [
    "/start",
    "Running",
    "Cycling",
    "Done",
    "60 min",
    "Yes",
    "No",
    "Berlin (Europe)",
    "07:00",
    "Check in now",
    "5",
    "Lower back",
    "No",
    "Sharp",
    "When moving",
    "Started today",
    "None of these",
];
/// What a user types for each step with `--answers typed`: lower case, short, a synonym where
/// people would use one ("let's go" for "Check in now", "7am" for "07:00"). The activities
/// are one message: steps 2 and 3 (the second toggle and Done) are not sent.
const TYPED: [&str; 17] = [
    "/start",
    "running and cycling",
    "",
    "",
    "60",
    "yes",
    "no",
    "berlin",
    "7am",
    "let's go",
    "5",
    "lower back",
    "no",
    "sharp",
    "when i move",
    "today",
    "none",
];
/// Live users get ids from here; stored users from `STORED_BASE`.
const USER_BASE: u64 = 10_000_000;
const STORED_BASE: u64 = 500_000_000;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.users == 0 || args.days == 0 {
        bail!("--users and --days must be at least 1");
    }
    if !args.bin.exists() {
        bail!(
            "no bot binary at {} (build it with `cargo build --release`, or pass --bin)",
            args.bin.display()
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let temp = tempfile::tempdir().context("cannot make a temporary folder")?;
    let data = match &args.keep {
        Some(dir) if dir.exists() => bail!("--keep {}: already exists", dir.display()),
        Some(dir) => dir.clone(),
        None => temp.path().join("data"),
    };
    let config = temp.path().join("config.toml");
    let limits_on = args.limits == "on";
    std::fs::write(
        &config,
        format!("[telegram]\nthrottle = {limits_on}\n[log]\nlevel = \"warn\"\n"),
    )?;
    let think = if args.rate > 0 {
        Duration::ZERO
    } else {
        Duration::from_millis(args.think_ms)
    };
    let steps = args.updates.clamp(1, STEPS.len());
    let script = Arc::new(Script::embedded()?);

    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    let mut stored_bytes = 0;
    if args.stored_users > 0 {
        let started = Instant::now();
        let (dir, script, k) = (data.clone(), script.clone(), args.stored_users);
        tokio::task::spawn_blocking(move || prefill(&dir, script, k)).await??;
        stored_bytes = dir_size(&data)?.0;
        println!(
            "stored {} onboarded users in {:.1} s: {} on disk",
            args.stored_users,
            started.elapsed().as_secs_f64(),
            bytes(stored_bytes)
        );
    }

    let mut burst = None;
    if args.reminders > 0 {
        let (dir, script, k) = (data.clone(), script.clone(), args.reminders);
        burst =
            Some(tokio::task::spawn_blocking(move || limits::prefill_due(&dir, script, k)).await??);
        println!(
            "stored {} users with a reminder due within the next minute",
            args.reminders
        );
    }

    let fake = Arc::new(FakeBotApi::start().await);
    if limits_on {
        fake.check_flood_rules(FloodRules::telegram());
    }
    let requests = fake.subscribe();
    let mut bot = spawn_bot(&args.bin, &config, &data, &fake)?;
    let pid = bot.id();
    wait_until_polling(&fake, &mut bot).await?;
    let rss_idle = vm_kb(pid, "VmRSS")?;
    println!("bot pid {pid} polling; RSS at rest {} kB", rss_idle);

    // One channel per user, fed by one router reading the fake's answered requests.
    let users: Vec<i64> = (0..args.users)
        .map(|i| i64::try_from(USER_BASE + i).unwrap_or(i64::MAX))
        .collect();
    let mut inboxes = HashMap::new();
    let mut sims = Vec::new();
    let pacer = (args.rate > 0).then(|| {
        Arc::new(Pacer {
            gap: Duration::from_secs(1) / args.rate,
            next: std::sync::Mutex::new(Instant::now()),
        })
    });
    let start = Instant::now() + Duration::from_millis(200);
    for (i, &user) in users.iter().enumerate() {
        let (tx, rx) = mpsc::unbounded_channel();
        inboxes.insert(user, tx);
        let mut sim = Sim::new(user, rx, fake.clone(), pacer.clone());
        sim.think = think;
        sim.steps = steps;
        sim.typed = args.answers == "typed";
        // Users start spread over one think time, as people do, not all in one instant.
        sim.start_at = start + think.mul_f64(i as f64 / users.len() as f64);
        sims.push(sim);
    }
    tokio::spawn(route(requests, inboxes));

    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let bot_cpu_before = cpu_seconds(&pid.to_string())?;
    let tool_cpu_before = cpu_seconds("self")?;
    let first_push = Instant::now();
    let tasks: Vec<_> = sims
        .into_iter()
        .map(|mut sim| {
            tokio::spawn(async move {
                let result = sim.session(deadline).await;
                (sim, result)
            })
        })
        .collect();
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        let (sim, result) = task.await?;
        if let Err(e) = result {
            failures.push(e);
        }
        done.push(sim);
    }
    if !failures.is_empty() {
        let _ = bot.kill();
        bail!(
            "{} of {} users did not finish; the first: {}",
            failures.len(),
            users.len(),
            failures[0]
        );
    }
    let last_reply = done
        .iter()
        .filter_map(|s| s.last_reply)
        .max()
        .ok_or_else(|| anyhow!("no replies"))?;
    let pushes: usize = done.iter().map(|s| s.pushes).sum();
    let wall = last_reply.duration_since(first_push);
    let mut latencies: Vec<Duration> = done.iter().flat_map(|s| s.latencies.clone()).collect();
    latencies.sort();
    let mut seen: Vec<Duration> = done.iter().flat_map(|s| s.seen.clone()).collect();
    seen.sort();
    if let Some(burst) = &burst {
        limits::wait_for_reminders(&fake, burst, deadline).await?;
    }
    let hwm = vm_kb(pid, "VmHWM")?;
    let rss = vm_kb(pid, "VmRSS")?;
    let bot_cpu = cpu_seconds(&pid.to_string())? - bot_cpu_before;
    let tool_cpu = cpu_seconds("self")? - tool_cpu_before;

    stop_bot(&mut bot).await?;
    let (live_bytes, live_blocks) = dir_size(&data)?;

    println!();
    println!(
        "users: {}   stored users: {}   answers: {}   pace: {}",
        args.users,
        args.stored_users,
        args.answers,
        if args.rate > 0 {
            format!("{} updates/s in all", args.rate)
        } else {
            "none (closed loop)".to_string()
        }
    );
    println!(
        "updates: {pushes} in {:.2} s = {:.0} updates/s",
        wall.as_secs_f64(),
        pushes as f64 / wall.as_secs_f64()
    );
    println!(
        "latency served→reply ({} samples): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    if args.steps {
        for (step, label) in STEPS.iter().enumerate() {
            let mut at: Vec<Duration> = done
                .iter()
                .filter_map(|s| s.latencies.get(step).copied())
                .collect();
            at.sort();
            println!(
                "  step {step:2} {:16} p50 {:7.1} ms  p99 {:7.1} ms",
                label,
                ms(percentile(&at, 0.50)),
                ms(percentile(&at, 0.99))
            );
        }
    }
    println!(
        "latency pushed→reply, as a user sees it: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&seen, 0.50)),
        ms(percentile(&seen, 0.99)),
        ms(seen.last().copied().unwrap_or_default())
    );
    println!(
        "CPU during the session: bot {bot_cpu:.1} s, this tool (fake Bot API and users) {tool_cpu:.1} s, over {:.1} s of wall time",
        wall.as_secs_f64()
    );
    println!(
        "bot memory: peak RSS (VmHWM) {hwm} kB, RSS at the end {rss} kB, at rest {rss_idle} kB"
    );
    limits::report(&limits::Run {
        fake: &fake,
        sims: &done,
        think,
        limits_on,
        burst: burst.as_ref(),
    });
    let days_live = args.users;
    println!(
        "disk after SIGTERM: {} ({} allocated); {} per user-day over {} user-days{}",
        bytes(live_bytes),
        bytes(live_blocks),
        bytes(live_bytes.saturating_sub(stored_bytes) / days_live),
        days_live,
        if stored_bytes > 0 {
            " (the stored users' bytes taken off)"
        } else {
            ""
        }
    );

    if args.days > 1 {
        let started = Instant::now();
        let (data2, script2, users2, days) =
            (data.clone(), script.clone(), users.clone(), args.days);
        tokio::task::spawn_blocking(move || more_days(&data2, script2, &users2, days)).await??;
        let (all_bytes, all_blocks) = dir_size(&data)?;
        let user_days = args.users * u64::from(args.days);
        println!(
            "disk after {} more days through the library ({:.1} s): {} ({} allocated); {} per user-day over {} user-days",
            args.days - 1,
            started.elapsed().as_secs_f64(),
            bytes(all_bytes),
            bytes(all_blocks),
            bytes(all_bytes.saturating_sub(stored_bytes) / user_days),
            user_days
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The bot process

fn spawn_bot(bin: &Path, config: &Path, data: &Path, fake: &FakeBotApi) -> Result<Child> {
    Command::new(bin)
        .arg("--config")
        .arg(config)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env("BACKCHECK_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))
}

/// Waits (at most 30 s) for the bot's first getUpdates.
async fn wait_until_polling(fake: &FakeBotApi, bot: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.requests_for("getUpdates").is_empty() {
        if let Some(status) = bot.try_wait()? {
            bail!("the bot exited before polling: {status}");
        }
        if Instant::now() > deadline {
            let _ = bot.kill();
            bail!("the bot did not start polling within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// SIGTERM, then waits (at most 30 s) for a clean exit.
async fn stop_bot(bot: &mut Child) -> Result<()> {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(bot.id().to_string())
        .status()?;
    if !status.success() {
        bail!("kill -TERM failed");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = bot.try_wait()? {
            if !status.success() {
                bail!("the bot exited with {status} on SIGTERM");
            }
            return Ok(());
        }
        if Instant::now() > deadline {
            let _ = bot.kill();
            bail!("the bot did not stop within 30 s of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A field of /proc/<pid>/status in kB (VmHWM: peak resident set; VmRSS: now).
fn vm_kb(pid: u32, field: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow!("no {field} in /proc/{pid}/status"))
}

/// User + system CPU seconds of a process (`self` or a pid), from /proc/<pid>/stat.
fn cpu_seconds(pid: &str) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or_else(|| anyhow!("bad /proc/{pid}/stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64> {
        let v: f64 = fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| anyhow!("bad /proc/{pid}/stat"))?;
        Ok(v)
    };
    // utime and stime are fields 14 and 15 (11 and 12 after the name), in clock ticks (100/s).
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// Apparent size and allocated size (blocks) of every file under `dir`.
fn dir_size(dir: &Path) -> Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut total = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (a, b) = dir_size(&entry.path())?;
            total = (total.0 + a, total.1 + b);
        } else {
            total = (total.0 + meta.len(), total.1 + meta.blocks() * 512);
        }
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------
// The simulated users

/// A bot message to one chat, as the router saw it answered.
struct Event {
    received_at: Instant,
    message_id: i64,
    edit: bool,
    text: Option<String>,
    keyboard: Keyboard,
}

/// Routes every successful sendMessage / editMessageText to the chat's user.
async fn route(
    mut requests: mpsc::UnboundedReceiver<RecordedRequest>,
    inboxes: HashMap<i64, mpsc::UnboundedSender<Event>>,
) {
    while let Some(r) = requests.recv().await {
        let Some(m) = r.bot_message() else {
            continue;
        };
        if let Some(inbox) = inboxes.get(&m.chat) {
            let _ = inbox.send(Event {
                received_at: r.received_at,
                message_id: m.message_id,
                edit: m.edit,
                text: m.text,
                keyboard: m.keyboard,
            });
        }
    }
}

#[derive(Clone)]
struct Msg {
    sent: String,
    keyboard: Keyboard,
    edits: usize,
    /// When it (or its latest edit) arrived.
    at: Instant,
}

impl Msg {
    fn button(&self, label: &str) -> Option<String> {
        self.keyboard
            .iter()
            .flatten()
            .find(|(l, _)| l.trim_start_matches(TICK) == label)
            .map(|(_, d)| d.clone())
    }
}

/// Spaces all users' pushes `gap` apart (`--rate`).
struct Pacer {
    gap: Duration,
    next: std::sync::Mutex<Instant>,
}

impl Pacer {
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.gap;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

/// One user: their chat as the bot sent it, and the timings of their updates.
struct Sim {
    user: i64,
    inbox: mpsc::UnboundedReceiver<Event>,
    fake: Arc<FakeBotApi>,
    chat: BTreeMap<i64, Msg>,
    /// Messages up to this id are old.
    floor: i64,
    /// The last update pushed whose first reply has not arrived yet, and when.
    waiting: Option<(i64, Instant)>,
    /// Served (getUpdates) to the first reply.
    latencies: Vec<Duration>,
    /// Pushed to the first reply.
    seen: Vec<Duration>,
    pacer: Option<Arc<Pacer>>,
    pushes: usize,
    last_reply: Option<Instant>,
    /// How long the user waits before answering a message (`--think-ms`).
    think: Duration,
    /// Updates this user sends (`--updates`).
    steps: usize,
    /// When the user sends /start.
    start_at: Instant,
    /// The last update pushed whose first new message (sendMessage) has not arrived yet.
    waiting_send: Option<i64>,
    /// Served (getUpdates) to the first new message, for updates answered by one.
    send_latencies: Vec<Duration>,
    /// "Check in now" pushed, and the plan's arrival.
    checkin: (Option<Instant>, Option<Instant>),
    /// Answers are typed (`TYPED`), not pressed.
    typed: bool,
}

impl Sim {
    fn new(
        user: i64,
        inbox: mpsc::UnboundedReceiver<Event>,
        fake: Arc<FakeBotApi>,
        pacer: Option<Arc<Pacer>>,
    ) -> Sim {
        Sim {
            user,
            inbox,
            fake,
            chat: BTreeMap::new(),
            floor: 0,
            waiting: None,
            latencies: Vec::new(),
            seen: Vec::new(),
            pacer,
            pushes: 0,
            last_reply: None,
            think: Duration::ZERO,
            steps: STEPS.len(),
            start_at: Instant::now(),
            waiting_send: None,
            send_latencies: Vec::new(),
            checkin: (None, None),
            typed: false,
        }
    }

    /// Onboarding and a check-in by buttons, as tests/telegram_e2e/harness.rs plays them.
    async fn session(&mut self, deadline: tokio::time::Instant) -> Result<()> {
        tokio::time::sleep_until(self.start_at.into()).await;
        self.pace().await;
        let (update, message) = self.fake.push_text_with_id(self.user, self.user, "/start");
        self.pushed(update);
        self.floor = message;
        for (step, label) in STEPS.iter().enumerate().take(self.steps).skip(1) {
            if self.typed && (2..=3).contains(&step) {
                // Typed, the activities are one answer ("running and cycling"), not
                // toggles and Done: a typed message answers a multi-select question whole.
                continue;
            }
            if self.typed && step == 1 {
                self.press(label, deadline).await?;
            } else if step <= 2 {
                self.toggle(label, deadline).await?;
            } else {
                self.press(label, deadline).await?;
            }
            if *label == "Check in now" {
                self.checkin.0 = Some(Instant::now());
            }
        }
        if self.steps < STEPS.len() {
            // A shortened run: the answer to the last update is enough.
            let floor = self.floor;
            return self
                .wait(deadline, "the last answer", |s| {
                    (s.waiting.is_none() && s.floor == floor).then_some(())
                })
                .await;
        }
        self.wait(deadline, "a plan", |s| {
            s.chat
                .range(s.floor + 1..)
                .any(|(_, m)| m.sent.lines().any(|l| HEADINGS.contains(&l)))
                .then_some(())
        })
        .await?;
        self.checkin.1 = self.last_reply;
        Ok(())
    }

    fn pushed(&mut self, update: i64) {
        self.pushes += 1;
        self.waiting = Some((update, Instant::now()));
        self.waiting_send = Some(update);
    }

    /// Waits `--think-ms` after the message to answer arrived.
    async fn think(&self, arrived: Instant) {
        if !self.think.is_zero() {
            tokio::time::sleep_until((arrived + self.think).into()).await;
        }
    }

    /// Waits for this user's turn under `--rate`.
    async fn pace(&self) {
        if let Some(pacer) = &self.pacer {
            pacer.wait().await;
        }
    }

    /// Takes one event into the chat, timing the reply to the waiting update.
    fn take(&mut self, e: Event) {
        if let Some((update, pushed)) = self.waiting.take() {
            match self.fake.served_at(update) {
                Some(served) => {
                    self.latencies
                        .push(e.received_at.saturating_duration_since(served));
                    self.seen
                        .push(e.received_at.saturating_duration_since(pushed));
                }
                None => self.waiting = Some((update, pushed)),
            }
        }
        if !e.edit
            && let Some(update) = self.waiting_send
            && let Some(served) = self.fake.served_at(update)
        {
            self.waiting_send = None;
            self.send_latencies
                .push(e.received_at.saturating_duration_since(served));
        }
        self.last_reply = Some(e.received_at);
        if e.edit {
            if let Some(m) = self.chat.get_mut(&e.message_id) {
                m.keyboard = e.keyboard;
                m.edits += 1;
                m.at = e.received_at;
            }
        } else {
            self.chat.insert(
                e.message_id,
                Msg {
                    sent: e.text.unwrap_or_default(),
                    keyboard: e.keyboard,
                    edits: 0,
                    at: e.received_at,
                },
            );
        }
    }

    /// Reads events until `f` finds something, or fails at the deadline.
    async fn wait<T>(
        &mut self,
        deadline: tokio::time::Instant,
        what: &str,
        f: impl Fn(&Sim) -> Option<T>,
    ) -> Result<T> {
        loop {
            if let Some(found) = f(self) {
                return Ok(found);
            }
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(e)) => self.take(e),
                Ok(None) => bail!("user {}: the fake stopped", self.user),
                Err(_) => {
                    let last: Vec<String> = self
                        .chat
                        .values()
                        .rev()
                        .take(3)
                        .map(|m| m.sent.lines().next().unwrap_or("").to_string())
                        .collect();
                    bail!(
                        "user {}: timed out waiting for {what}; last messages: {last:?}",
                        self.user
                    )
                }
            }
        }
    }

    /// The newest message after the floor with a button `label`.
    async fn find(&mut self, label: &str, deadline: tokio::time::Instant) -> Result<(i64, Msg)> {
        self.wait(deadline, &format!("a button {label:?}"), |s| {
            s.chat
                .range(s.floor + 1..)
                .rev()
                .find(|(_, m)| m.button(label).is_some())
                .map(|(id, m)| (*id, m.clone()))
        })
        .await
    }

    /// Answers the question in message `id`: presses its button `label`, or with `--answers
    /// typed` types that step's words. Returns the newest message id the answer put in the
    /// chat (the typed message's own id), for the floor.
    fn push(&mut self, id: i64, msg: &Msg, label: &str) -> Result<i64> {
        if self.typed {
            let step = STEPS.iter().position(|l| *l == label).unwrap_or(0);
            let (update, message) = self
                .fake
                .push_text_with_id(self.user, self.user, TYPED[step]);
            self.pushed(update);
            return Ok(message.max(id));
        }
        let data = msg
            .button(label)
            .ok_or_else(|| anyhow!("user {}: no button {label:?}", self.user))?;
        let (update, _) = self
            .fake
            .try_push_callback(self.user, id, &data)
            .ok_or_else(|| anyhow!("user {}: message {id} unknown to the fake", self.user))?;
        self.pushed(update);
        Ok(id)
    }

    async fn press(&mut self, label: &str, deadline: tokio::time::Instant) -> Result<()> {
        let (id, msg) = self.find(label, deadline).await?;
        self.think(msg.at).await;
        self.pace().await;
        self.floor = self.push(id, &msg, label)?;
        Ok(())
    }

    /// Presses an option of a multi-select question and waits for its tick.
    async fn toggle(&mut self, label: &str, deadline: tokio::time::Instant) -> Result<()> {
        let (id, msg) = self.find(label, deadline).await?;
        self.think(msg.at).await;
        self.pace().await;
        let newest = self.push(id, &msg, label)?;
        let ticked = format!("{TICK}{label}");
        let edits = msg.edits;
        // Pressed, the question is edited; typed, it may be edited or asked anew.
        self.wait(deadline, &format!("a tick on {label:?}"), |s| {
            s.chat
                .range(id..)
                .any(|(mid, m)| {
                    let has = m.keyboard.iter().flatten().any(|(l, _)| *l == ticked);
                    has && ((*mid == id && m.edits > edits) || *mid > newest)
                })
                .then_some(())
        })
        .await
    }
}

// ---------------------------------------------------------------------------------------
// Through the library: stored users and later days

/// Onboards one user through the Engine and stores `k` copies of them in bulk.
fn prefill(data: &Path, script: Arc<Script>, k: u64) -> Result<()> {
    let store = Arc::new(SledStore::open(data)?);
    let engine = Engine::new(store.clone() as Arc<dyn Store>, script.clone(), "UTC");
    let template: UserId = STORED_BASE - 1;
    let now = Timestamp::now();
    let replies = engine.handle(template, Input::Text("/start".into()), now);
    converse(&engine, &script, template, now, replies, |r| {
        r.iter().any(|r| r.body().starts_with("All set"))
    })?;
    let profile = store
        .profile(template)?
        .ok_or_else(|| anyhow!("the template user has no profile"))?;
    let reminder = store
        .reminder(template)?
        .ok_or_else(|| anyhow!("the template user has no reminder"))?;
    store.forget(template)?;
    let mut start = 0;
    while start < k {
        let end = (start + 10_000).min(k);
        let batch: Vec<(UserId, &_, &_)> = (start..end)
            .map(|i| (STORED_BASE + i, &profile, &reminder))
            .collect();
        store.bulk_load_reminders(&batch)?;
        start = end;
    }
    store.flush()?;
    Ok(())
}

/// D-1 more check-ins per user, a day apart, through the Engine on the bot's database.
fn more_days(data: &Path, script: Arc<Script>, users: &[i64], days: u32) -> Result<()> {
    let store = Arc::new(SledStore::open(data)?);
    let engine = Engine::new(store.clone() as Arc<dyn Store>, script.clone(), "UTC");
    let start = Timestamp::now();
    for day in 1..days {
        let now = start + SignedDuration::from_hours(24 * i64::from(day));
        for &user in users {
            let user = UserId::try_from(user)?;
            let replies = engine.handle(user, Input::Text("/checkin".into()), now);
            converse(&engine, &script, user, now, replies, |r| {
                r.iter()
                    .any(|r| HEADINGS.contains(&r.body().lines().next().unwrap_or("")))
            })?;
        }
    }
    store.flush()?;
    Ok(())
}

/// Presses the answer to each question the Engine asks until `done` holds (at most 30 turns).
fn converse(
    engine: &Engine,
    script: &Script,
    user: UserId,
    now: Timestamp,
    mut replies: Vec<Reply>,
    done: impl Fn(&[Reply]) -> bool,
) -> Result<()> {
    let mut ticked = false;
    for _ in 0..30 {
        if done(&replies) {
            return Ok(());
        }
        let asked = replies
            .iter()
            .rev()
            .find(|r| !r.buttons().is_empty())
            .ok_or_else(|| anyhow!("user {user}: no question to answer"))?;
        let label = answer(script, asked.body(), &mut ticked)
            .ok_or_else(|| anyhow!("user {user}: no answer for {:?}", asked.body()))?;
        let data = asked
            .buttons()
            .iter()
            .flatten()
            .find(|b| b.label.trim_start_matches(TICK) == label)
            .map(|b| b.data.clone())
            .ok_or_else(|| anyhow!("user {user}: no button {label:?}"))?;
        replies = engine.handle(user, Input::Button(data), now);
    }
    bail!("user {user}: the conversation did not end in 30 turns")
}

/// The button this user presses for a message (by the question it asks).
fn answer(script: &Script, text: &str, ticked: &mut bool) -> Option<&'static str> {
    let q = answers::question_of(script, text)?;
    let label = answers::label_for(q, *ticked)?;
    *ticked |= q == Question::Activities;
    Some(label)
}

// ---------------------------------------------------------------------------------------
// Figures

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bytes(n: u64) -> String {
    if n >= 10 * 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 10 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}
