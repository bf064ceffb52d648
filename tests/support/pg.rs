//! A real PostgreSQL server for tests and benchmarks, started from the binaries Debian's
//! `postgresql` package installs (`apt-get install -y postgresql`; .ci/run does it).
//!
//! `database()` hands each test a fresh, empty database on one server shared by the whole
//! test binary (started on first use). `PgServer::start` starts a server of your own, stopped
//! when dropped. Either way the server runs `initdb` in a temporary folder and listens on a
//! free port on 127.0.0.1 (its unix socket in that folder), as the `postgres` user when the
//! tests run as root (PostgreSQL refuses to run as root).
//!
//! The server is a child of a small shell that waits on a pipe from this process: when the
//! test process ends in any way (even SIGKILL, or a static never dropped), the pipe closes
//! and the shell stops the server and deletes its folder. No server outlives its tests.
//!
//! When PostgreSQL is not installed, every caller fails with how to install it: the tests
//! are never skipped.

#![allow(dead_code)]

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How to get the binaries, said whenever they are missing.
const INSTALL: &str = "PostgreSQL is not installed: these tests start a real server. Install it with `sudo apt-get install -y postgresql` (Debian/Ubuntu; .ci/run does this), or set BACKCHECK_PG_BIN to the folder holding initdb and postgres";

/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running PostgreSQL server; dropping it stops the server and deletes its folder.
pub struct PgServer {
    bin: PathBuf,
    port: u16,
    /// The folder with the cluster and the unix socket (deleted by the watchdog shell).
    dir: PathBuf,
    /// Run client commands (psql) as this user, if not ourselves.
    run_as: Option<&'static str>,
    /// Closing it tells the watchdog shell to stop the server.
    stdin: Option<ChildStdin>,
    child: Child,
    /// Database names handed out so far.
    next_db: AtomicUsize,
}

/// Settings of a server.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `fsync = off` makes tests fast; a benchmark measuring commits keeps it on.
    pub fsync: bool,
}

/// The server shared by every test in this binary.
static SHARED: OnceLock<Result<PgServer, String>> = OnceLock::new();

/// A fresh database on the shared server, as a connection URL. Fails the test (with how to
/// install PostgreSQL) when the server cannot start.
pub fn database() -> String {
    shared().create_database()
}

/// The shared server, started on first use.
pub fn shared() -> &'static PgServer {
    match SHARED.get_or_init(|| PgServer::start(Options::default())) {
        Ok(server) => server,
        Err(e) => panic!("{e}"),
    }
}

impl PgServer {
    /// Starts a server of its own (a benchmark, a test that stops the server).
    pub fn start(options: Options) -> Result<PgServer, String> {
        let bin = find_bin()?;
        let run_as = is_root().then_some("postgres");
        let mut last = String::new();
        // A port found free can be taken before the server binds it: try again, afresh.
        for _ in 0..5 {
            match Self::attempt(&bin, run_as, options) {
                Ok(server) => return Ok(server),
                Err(e) => last = e,
            }
        }
        Err(format!("PostgreSQL did not start: {last}"))
    }

    /// Creates a cluster in a new folder, starts the server on a free port under its
    /// watchdog and waits until it accepts connections.
    fn attempt(
        bin: &Path,
        run_as: Option<&'static str>,
        options: Options,
    ) -> Result<PgServer, String> {
        let dir = tempfile::Builder::new()
            .prefix("backcheck-pg-")
            .tempdir()
            .map_err(|e| format!("cannot create a folder for PostgreSQL: {e}"))?
            .keep();
        if run_as.is_some() {
            // The server runs as `postgres`, which must own its folder.
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "cannot hand {} to the postgres user (does it exist? the postgresql package creates it)",
                    dir.display()
                ));
            }
        }
        let out = command(run_as, &bin.join("initdb"))
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
            .args(["--locale", "C"])
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !out.status.success() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let port = free_port()?;
        let fsync = if options.fsync { "on" } else { "off" };
        // The watchdog: start postgres, wait for our end of the pipe to close, then stop it
        // (fast shutdown) and remove the folder.
        let script = r#"
            "$1/postgres" -D "$2/data" -p "$3" -k "$2" -c listen_addresses=127.0.0.1 \
                -c fsync="$4" -c max_connections=300 -c shared_buffers=64MB \
                >"$2/server.log" 2>&1 &
            pid=$!
            cat >/dev/null
            kill -INT "$pid" 2>/dev/null
            wait "$pid"
            rm -rf "$2"
        "#;
        let mut child = command(run_as, Path::new("sh"))
            .args(["-c", script, "pg-watchdog"])
            .arg(bin)
            .arg(&dir)
            .arg(port.to_string())
            .arg(fsync)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start postgres: {e}"))?;
        let stdin = child.stdin.take();
        // From here on, dropping `server` stops the server and deletes the folder.
        let mut server = PgServer {
            bin: bin.to_path_buf(),
            port,
            dir,
            run_as,
            stdin,
            child,
            next_db: AtomicUsize::new(0),
        };
        let started = Instant::now();
        loop {
            if server.ready() {
                return Ok(server);
            }
            let log = server.log();
            // "database system was shut down at ..." is a normal start-up line; "is shut down" is the end.
            let failed = [
                "could not bind",
                "could not create",
                "system is shut down",
                "PANIC",
            ]
            .iter()
            .any(|m| log.contains(m));
            if failed || matches!(server.child.try_wait(), Ok(Some(_))) {
                return Err(format!("the server failed: {}", log.trim()));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "no connection after {START_TIMEOUT:?}: {}",
                    log.trim()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server accepts connections (pg_isready).
    fn ready(&self) -> bool {
        Command::new(self.bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates a fresh, empty database and returns its URL.
    pub fn create_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{}_{n}", std::process::id());
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs one SQL command with psql as the superuser, failing the test if it fails; returns
    /// its output (unaligned, tuples only).
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .output()
            .unwrap_or_else(|e| panic!("cannot run psql: {e}"));
        assert!(
            out.status.success(),
            "psql {sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        let mut log = String::new();
        if let Ok(mut file) = std::fs::File::open(self.dir.join("server.log")) {
            let _ = file.read_to_string(&mut log);
        }
        log
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog stop the server and delete its folder.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A command run as `user` (via runuser) or as ourselves.
fn command(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// The folder with initdb and postgres: BACKCHECK_PG_BIN, or the newest
/// /usr/lib/postgresql/*/bin.
fn find_bin() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("BACKCHECK_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("postgres").exists() {
            Ok(dir)
        } else {
            Err(format!(
                "BACKCHECK_PG_BIN={} has no postgres. {INSTALL}",
                dir.display()
            ))
        };
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| INSTALL.to_string())?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| INSTALL.to_string())
}

/// Whether this process runs as root (the owner of /proc/self is the effective user).
fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}
