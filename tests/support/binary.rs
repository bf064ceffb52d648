//! The real `backcheck` binary as a child process, for tests that run it end to end: a
//! config file written once, the environment pointing it at the fake Bot API, a log file per
//! run (stderr), and the ways a test stops it (SIGTERM and a clean exit, or SIGKILL). A
//! process still running when its `Binary` is dropped (a failed assertion) is killed, so no
//! bot outlives its test.

use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use tokio::time::Instant;

use super::fake_bot_api::{FakeBotApi, TOKEN};
use super::webhook_feeder::get;

/// How often the waits below look again.
const POLL: Duration = Duration::from_millis(10);

/// One bot: how to start it, and the process of its current run.
pub struct Binary {
    config: PathBuf,
    env: Vec<(OsString, OsString)>,
    /// Run `n` logs to `{logs}-{n}.log`.
    logs: PathBuf,
    runs: usize,
    child: Option<Child>,
}

impl Binary {
    /// A bot running `backcheck --config {dir}/{name}.toml run`, with `config` as that file,
    /// talking to `fake` with the fake's token, logging to `{dir}/{name}-{run}.log` at
    /// `RUST_LOG=warn`. Not started yet.
    pub fn new(dir: &Path, name: &str, config: &str, fake: &FakeBotApi) -> Binary {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, config).unwrap();
        Binary {
            config: path,
            env: Vec::new(),
            logs: dir.join(name),
            runs: 0,
            child: None,
        }
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env("RUST_LOG", "warn")
    }

    /// Sets (or replaces) an environment variable of every later run.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Binary {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Starts a new run (the previous one must have ended).
    pub fn spawn(&mut self) {
        assert!(self.child.is_none(), "the bot is already running");
        self.runs += 1;
        let log = std::fs::File::create(self.log(self.runs)).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_backcheck"))
            .arg("--config")
            .arg(&self.config)
            .arg("run")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// How many runs were started.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Waits until `ready()` says so, failing (with the logs) if the process exits first or
    /// `within` passes.
    pub async fn wait_until<F, Fut>(&mut self, within: Duration, what: &str, mut ready: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = Instant::now() + within;
        while !ready().await {
            if let Some(status) = self.child_mut().try_wait().unwrap() {
                panic!("the bot exited at start-up: {status}\n{}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {within:?}\n{}",
                self.logs()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, requests in progress cut off.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("the bot is running");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// Sends SIGTERM, as a service manager does.
    pub fn sigterm(&self) {
        let pid = self.child.as_ref().expect("the bot is running").id();
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to exit, at most `within` (then kills it and fails).
    pub async fn wait_exit(&mut self, within: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child_mut().try_wait().map_err(|e| e.to_string())? {
                self.child = None;
                return Ok(status);
            }
            if Instant::now() > deadline {
                self.kill();
                return Err(format!("the bot did not exit within {within:?}"));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// SIGTERM, then a successful exit within `within`.
    pub async fn stop(&mut self, within: Duration) -> Result<(), String> {
        self.sigterm();
        match self.wait_exit(within).await? {
            status if status.success() => Ok(()),
            status => Err(format!("the bot exited with {status} on SIGTERM")),
        }
    }

    /// Every run's log, for failure messages.
    pub fn logs(&self) -> String {
        (1..=self.runs)
            .map(|run| {
                let path = self.log(run);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                format!("--- {}\n{text}", path.display())
            })
            .collect()
    }

    fn log(&self, run: usize) -> PathBuf {
        PathBuf::from(format!("{}-{run}.log", self.logs.display()))
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("the bot is running")
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port free a moment ago (a webhook replica binds it itself, and again after a restart).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The config of a webhook replica on PostgreSQL listening on `port` (the database URL and
/// the secret come from the environment, see `Replica::new`). Telegram's limits are off:
/// these tests count messages, not their pace.
pub fn replica_config(port: u16) -> String {
    format!(
        "[telegram]\nthrottle = false\nmode = \"webhook\"\n\
         [telegram.webhook]\nlisten = \"127.0.0.1:{port}\"\n\
         [store]\nbackend = \"postgres\"\n"
    )
}

/// A webhook replica on PostgreSQL: the binary and the loopback port it listens on (the same
/// port again after a restart).
pub struct Replica {
    pub bot: Binary,
    pub port: u16,
}

impl Replica {
    /// Replica `name` on a free port, on PostgreSQL at `db`, taking `secret`; not started.
    pub fn new(dir: &Path, name: &str, fake: &FakeBotApi, db: &str, secret: &str) -> Replica {
        let port = free_port();
        let bot = Binary::new(dir, name, &replica_config(port), fake)
            .env("BACKCHECK_DATABASE_URL", db)
            .env("BACKCHECK_WEBHOOK_SECRET", secret);
        Replica { bot, port }
    }

    /// Where updates are posted.
    pub fn hook(&self) -> String {
        format!("{}/telegram", self.base())
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the binary (again), and waits until it is healthy.
    pub async fn start(&mut self) {
        self.bot.spawn();
        self.wait_healthy().await;
    }

    /// Starts every replica at once, then waits until all are healthy.
    pub async fn start_all(replicas: &mut [Replica]) {
        for r in replicas.iter_mut() {
            r.bot.spawn();
        }
        for r in replicas {
            r.wait_healthy().await;
        }
    }

    /// Waits (at most 30 s) until /healthz answers 200.
    async fn wait_healthy(&mut self) {
        let base = self.base();
        self.bot
            .wait_until(Duration::from_secs(30), "/healthz", || {
                let base = base.clone();
                async move { get(&base, "/healthz").await.0 == 200 }
            })
            .await;
    }

    /// SIGTERM, then a clean exit within 20 s (fails with the logs otherwise).
    pub async fn stop(&mut self) {
        let stopped = self.bot.stop(Duration::from_secs(20)).await;
        stopped.unwrap_or_else(|e| panic!("{e}\n{}", self.bot.logs()));
    }
}
