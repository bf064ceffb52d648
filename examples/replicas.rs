//! Load on replicas: N copies of the real bot binary in webhook mode, on PostgreSQL or (one
//! replica) sled, fed by the webhook feeder of tests/support the way Telegram and a load
//! balancer feed them (updates alternate between the replicas; a chat's next update waits
//! for the answer to its previous one).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example replicas -- --store sled --replicas 1 --users 300 --rate 300
//! cargo run --release --example replicas -- --store postgres --replicas 1 --users 300 --rate 300
//! cargo run --release --example replicas -- --store postgres --replicas 2 --users 300 --rate 300
//! ```
//!
//! Each user sends /start, onboards and checks in by pressing the buttons the bot sent (as
//! tests/support/answers.rs answers), 17 updates in all. `--rate R` paces all users' updates
//! to R a second (0: each presses as soon as the answer arrives). PostgreSQL is a server of
//! its own started from Debian's binaries (tests/support/pg.rs) with fsync on. It reports
//! updates per second (updates / wall time from the first push to the last plan) and the
//! latency from pushing an update to the bot's first message or edit in that chat after it
//! (p50, p99, max).

#[path = "../tests/support/answers.rs"]
mod answers;
#[path = "../tests/support/fake_bot_api.rs"]
#[allow(dead_code)]
mod fake_bot_api;
#[path = "../tests/support/pg.rs"]
mod pg;
#[path = "../tests/support/webhook_feeder.rs"]
#[allow(dead_code)]
mod webhook_feeder;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use fake_bot_api::{FakeBotApi, RecordedRequest, TOKEN};
use tokio::sync::{Semaphore, mpsc};
use webhook_feeder::{Order, SECRET, WebhookFeeder, get};

use backcheck::script::Script;

#[derive(Parser, Debug)]
#[command(about = "Load on N webhook replicas against the fake Bot API")]
struct Args {
    /// "postgres" or "sled" (sled: one replica only).
    #[arg(long, default_value = "postgres")]
    store: String,
    #[arg(long, default_value_t = 2)]
    replicas: usize,
    /// Simulated users, all starting at once.
    #[arg(long, default_value_t = 300)]
    users: u64,
    /// Updates per second in all (0: closed loop).
    #[arg(long, default_value_t = 0)]
    rate: u32,
    /// The bot binary.
    #[arg(long = "bin", default_value = "target/release/backcheck")]
    bin: PathBuf,
    /// Seconds the run may take.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

/// Every plan's first line.
const HEADINGS: [&str; 6] = [
    "Urgent: get medical help now",
    "See a doctor before you exercise",
    "Active rest day",
    "Gentle day",
    "Lighter version of your usual routine",
    "Usual routine",
];
const FIRST_USER: i64 = 9_000_001;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.store == "sled" && args.replicas != 1 {
        bail!("--store sled runs one replica (sled locks its folder)");
    }
    if !args.bin.exists() {
        bail!(
            "{} not found: run cargo build --release first",
            args.bin.display()
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = match args.store.as_str() {
        "postgres" => {
            Some(pg::PgServer::start(pg::Options { fsync: true }).map_err(anyhow::Error::msg)?)
        }
        "sled" => None,
        other => bail!("--store {other}: postgres or sled"),
    };
    let db = server.as_ref().map(pg::PgServer::create_database);
    let fake = Arc::new(FakeBotApi::start().await);
    let mut children = Vec::new();
    let mut hooks = Vec::new();
    for n in 0..args.replicas {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let store = if db.is_some() { "postgres" } else { "sled" };
        let config = dir.path().join(format!("replica-{n}.toml"));
        std::fs::write(
            &config,
            format!(
                "[telegram]\nthrottle = false\nmode = \"webhook\"\n[telegram.webhook]\n\
                 listen = \"127.0.0.1:{port}\"\n[store]\nbackend = \"{store}\"\n"
            ),
        )?;
        let child = spawn(&args.bin, &config, dir.path(), n, &fake, db.as_deref())?;
        children.push(child);
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while get(&base, "/healthz").await.0 != 200 {
            if Instant::now() > deadline {
                bail!("replica {n} did not answer /healthz");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        hooks.push(format!("{base}/telegram"));
    }
    let feeder = WebhookFeeder::new(hooks, SECRET);
    let feeding = feeder.start(fake.clone(), Order::PerChat);

    let script = Arc::new(Script::embedded()?);
    let pace = Arc::new(Semaphore::new(0));
    let pacer = (args.rate > 0).then(|| {
        let pace = pace.clone();
        let every = Duration::from_secs_f64(1.0 / f64::from(args.rate));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                pace.add_permits(1);
            }
        })
    });
    let mut inboxes = HashMap::new();
    let mut users = Vec::new();
    for i in 0..args.users {
        let (tx, rx) = mpsc::unbounded_channel();
        let id = FIRST_USER + i64::try_from(i)?;
        inboxes.insert(id, tx);
        users.push((id, rx));
    }
    tokio::spawn(route(fake.subscribe(), inboxes));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let tasks: Vec<_> = users
        .into_iter()
        .map(|(id, rx)| {
            let (fake, script) = (fake.clone(), script.clone());
            let pace = (args.rate > 0).then(|| pace.clone());
            tokio::spawn(play(id, rx, fake, script, pace, deadline))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut updates = 0;
    for task in tasks {
        let user = task.await??;
        updates += user.updates;
        latencies.extend(user.latencies);
    }
    let wall = started.elapsed();
    if let Some(p) = pacer {
        p.abort();
    }
    feeding.abort();
    for mut child in children {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} replica(s) on {}: {} users, {updates} updates in {:.1} s: {:.0} updates/s; \
         push→reply p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} retried posts",
        args.replicas,
        args.store,
        args.users,
        wall.as_secs_f64(),
        updates as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        feeder.stats().retries,
    );
    Ok(())
}

fn spawn(
    bin: &Path,
    config: &Path,
    dir: &Path,
    n: usize,
    fake: &FakeBotApi,
    db: Option<&str>,
) -> Result<Child> {
    let log = std::fs::File::create(dir.join(format!("replica-{n}.log")))?;
    let mut command = Command::new(bin);
    command
        .arg("--config")
        .arg(config)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env("BACKCHECK_DATA_DIR", dir.join("data"))
        .env("BACKCHECK_WEBHOOK_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    if let Some(db) = db {
        command.env("BACKCHECK_DATABASE_URL", db);
    }
    command.spawn().context("cannot start the bot")
}

/// A bot message or edit in one chat.
struct Event {
    message_id: i64,
    edit: bool,
    text: String,
    buttons: Vec<(String, String)>,
}

/// Hands each answered sendMessage / edit to its chat's user.
async fn route(
    mut requests: mpsc::UnboundedReceiver<RecordedRequest>,
    inboxes: HashMap<i64, mpsc::UnboundedSender<Event>>,
) {
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
}

struct Played {
    updates: u64,
    latencies: Vec<Duration>,
}

/// One user: /start, then the answer to each new question, until a plan arrives.
async fn play(
    user: i64,
    mut inbox: mpsc::UnboundedReceiver<Event>,
    fake: Arc<FakeBotApi>,
    script: Arc<Script>,
    pace: Option<Arc<Semaphore>>,
    deadline: tokio::time::Instant,
) -> Result<Played> {
    let mut played = Played {
        updates: 0,
        latencies: Vec::new(),
    };
    let wait = |pace: &Option<Arc<Semaphore>>| {
        let pace = pace.clone();
        async move {
            if let Some(p) = pace
                && let Ok(permit) = p.acquire().await
            {
                permit.forget();
            }
        }
    };
    wait(&pace).await;
    fake.push_text(user, user, "/start");
    played.updates += 1;
    let mut pushed = Some(Instant::now());
    let mut ticked = false;
    loop {
        let event = tokio::time::timeout_at(deadline, inbox.recv())
            .await
            .context("timed out")?
            .context("the fake stopped")?;
        if let Some(at) = pushed.take() {
            played.latencies.push(at.elapsed());
        }
        if HEADINGS.contains(&event.text.lines().next().unwrap_or("")) {
            return Ok(played);
        }
        let press = if event.edit {
            // The multi-select shows its tick: now "Done".
            (ticked && event.buttons.iter().any(|(l, _)| l.starts_with("✓ "))).then_some("Done")
        } else if event.buttons.iter().any(|(l, _)| l == "Check in now") {
            Some("Check in now")
        } else {
            answers::question_of(&script, &event.text).and_then(|q| {
                let label = answers::label_for(q, false);
                ticked = label == Some("Running");
                label
            })
        };
        let Some(label) = press else { continue };
        let Some((_, data)) = event
            .buttons
            .iter()
            .find(|(l, _)| l.trim_start_matches("✓ ") == label)
        else {
            continue;
        };
        if label == "Done" {
            ticked = false;
        }
        wait(&pace).await;
        if fake
            .try_push_callback(user, event.message_id, data)
            .is_none()
        {
            bail!("user {user}: no message {} to press", event.message_id);
        }
        played.updates += 1;
        pushed = Some(Instant::now());
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
