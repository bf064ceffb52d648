//! The real binary on PostgreSQL: the console chat on `BACKCHECK_DATABASE_URL`, one-line
//! errors for a bad or unreachable database that name the setting and never the password,
//! and `backcheck migrate --from sled DIR --to postgres URL` (a second run copies nothing).

#[path = "support/pg.rs"]
mod pg;
#[path = "support/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use backcheck::console::CONSOLE_USER;
use backcheck::engine::state::ConvState;
use backcheck::model::{CheckIn, DayRecord, Level, Profile};
use backcheck::reminders::Scheduler;
use backcheck::store::{Change, PgStore, SledStore, Store};
use jiff::Timestamp;
use jiff::civil::{date, time};

/// Runs the binary with `args`, extra environment and stdin; returns (success, stdout, stderr).
fn backcheck(
    args: &[&str],
    env: &[(&str, &str)],
    dir: &Path,
    input: &str,
) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backcheck"));
    command
        .args(args)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("BACKCHECK_CONFIG")
        .env_remove("BACKCHECK_DATABASE_URL")
        // anyhow would print a backtrace under the test harness's RUST_BACKTRACE.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("BACKCHECK_DATA_DIR", dir.join("data"))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start backcheck");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_console_chat_runs_on_postgres_and_resumes_there() {
    let dir = tempfile::tempdir().unwrap();
    let url = pg::database();
    let env = [("BACKCHECK_DATABASE_URL", url.as_str())];
    let (ok, out, err) = backcheck(&["chat"], &env, dir.path(), "walking\nDone\n");
    assert!(ok, "stderr: {err}");
    assert!(out.contains("Hi, I'm backcheck"), "{out}");
    let (ok, _, err) = backcheck(&["check"], &env, dir.path(), "");
    assert!(ok, "stderr: {err}");
    // The conversation is in PostgreSQL, not in a sled folder.
    assert!(!dir.path().join("data").exists());
    let store = PgStore::open(&url).unwrap();
    let state = store.state(CONSOLE_USER).unwrap();
    assert!(state.is_some(), "the onboarding answers are stored");
}

#[test]
fn bad_or_unreachable_databases_are_one_line_errors_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1 of 127.0.0.1.
    let unreachable = "postgres://bc:hunter2@127.0.0.1:1/backcheck";
    // (environment, the setting the error names, what it says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            vec![("BACKCHECK_DATABASE_URL", unreachable)],
            "BACKCHECK_DATABASE_URL",
            "127.0.0.1:1",
        ),
        (
            vec![("BACKCHECK_DATABASE_URL", "mysql://bc:hunter2@db/x")],
            "BACKCHECK_DATABASE_URL",
            "PostgreSQL URL",
        ),
        (
            vec![(
                "BACKCHECK_DATABASE_URL",
                "postgres://bc:hunter2@127.0.0.1:notaport/x",
            )],
            "BACKCHECK_DATABASE_URL",
            "not a valid PostgreSQL URL",
        ),
    ];
    for (env, key, says) in cases {
        let (ok, _, err) = backcheck(&["chat"], &env, dir.path(), "");
        assert!(!ok, "{env:?} must fail");
        let err = err.trim();
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(key) && err.contains(says), "{env:?}: {err}");
        assert!(!err.contains("hunter2"), "the password leaked: {err}");
    }

    // The same from the config file names store.url; a real server with a wrong database too.
    let missing = pg::shared().url("no_such_database");
    for (url, says) in [
        (unreachable, "127.0.0.1:1"),
        (missing.as_str(), "no_such_database"),
    ] {
        std::fs::write(
            dir.path().join("config.toml"),
            format!("[store]\nbackend = \"postgres\"\nurl = \"{url}\"\n"),
        )
        .unwrap();
        let (ok, _, err) = backcheck(&["chat"], &[], dir.path(), "");
        let err = err.trim();
        assert!(!ok);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("store.url") && err.contains(says), "{err}");
        assert!(!err.contains("hunter2"), "the password leaked: {err}");
    }
    std::fs::write(
        dir.path().join("config.toml"),
        "[store]\nbackend = \"postgres\"\n",
    )
    .unwrap();
    let (ok, _, err) = backcheck(&["chat"], &[], dir.path(), "");
    assert!(!ok && err.contains("store.url"), "{err}");
}

fn profile(reminder: bool) -> Profile {
    Profile {
        reminder: reminder.then(|| time(7, 30, 0, 0)),
        ..seed::berlin_profile()
    }
}

fn day(d: jiff::civil::Date) -> DayRecord {
    DayRecord {
        date: d,
        checkin: CheckIn {
            pain: Some(3),
            ..CheckIn::default()
        },
        level: Level::Lighter,
        episode_start: None,
        suggested: vec![],
        clearance_note: false,
        recorded_at: "2026-03-01T08:00:00Z".parse().unwrap(),
    }
}

/// The numbers of one row of the migrate report: source, new, updated, target.
fn row(out: &str, name: &str) -> [usize; 4] {
    let line = out
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} row in {out}"));
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    numbers
        .try_into()
        .unwrap_or_else(|n| panic!("{name}: {n:?}"))
}

#[test]
fn migrate_copies_every_user_checks_the_counts_and_copies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let sled_dir = dir.path().join("old");
    let now: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
    let users = [1u64, 2, 300, 7_000_000_000];
    let expected = {
        let sled = SledStore::open(&sled_dir).unwrap();
        for (n, &user) in users.iter().enumerate() {
            let p = profile(n % 2 == 0);
            let reminder = Scheduler::schedule(&p, None, now);
            let state = ConvState {
                seq: 10 + n as u32,
                ..ConvState::default()
            };
            let change = Change {
                profile: Some(&p),
                state: Some(&state),
                reminder: Some(&reminder),
                ..Change::default()
            };
            sled.write(user, change).unwrap();
            for d in 0..n as i8 {
                let record = day(date(2026, 2, 20 + d));
                let change = Change {
                    day: Some(&record),
                    ..Change::default()
                };
                sled.write(user, change).unwrap();
            }
        }
        // A user with only a conversation state (onboarding not finished).
        let state = ConvState::default();
        let change = Change {
            state: Some(&state),
            ..Change::default()
        };
        sled.write(99, change).unwrap();
        sled.flush().unwrap();
        let mut all: Vec<u64> = users.to_vec();
        all.push(99);
        all.sort();
        all.iter()
            .map(|&u| sled.export(u).unwrap())
            .collect::<Vec<_>>()
    };

    let url = pg::database();
    let from = sled_dir.to_str().unwrap();
    let args = ["migrate", "--from", "sled", from, "--to", "postgres", &url];
    let (ok, out, err) = backcheck(&args, &[], dir.path(), "");
    assert!(ok, "stderr: {err}");
    assert_eq!(row(&out, "users"), [5, 5, 0, 5], "{out}");
    assert_eq!(row(&out, "profiles"), [4, 4, 0, 4], "{out}");
    assert_eq!(row(&out, "states"), [5, 5, 0, 5], "{out}");
    assert_eq!(row(&out, "check-ins"), [6, 6, 0, 6], "{out}");
    assert_eq!(row(&out, "reminders"), [4, 4, 0, 4], "{out}");
    // Users 1 and 300 have a reminder time; 2 and 7,000,000,000 have none.
    assert_eq!(row(&out, "scheduled"), [2, 0, 0, 2], "{out}");
    assert!(out.contains("verified"), "{out}");

    let store = PgStore::open(&url).unwrap();
    for data in &expected {
        assert_eq!(&store.export(data.user).unwrap(), data);
    }
    assert_eq!(store.users().unwrap().len(), 5);

    // Again, with the URL from the environment: nothing new, nothing updated.
    let args = ["migrate", "--from", "sled", from, "--to", "postgres"];
    let (ok, out, err) = backcheck(&args, &[("BACKCHECK_DATABASE_URL", &url)], dir.path(), "");
    assert!(ok, "stderr: {err}");
    for name in ["users", "profiles", "states", "check-ins", "reminders"] {
        let [source, new, updated, target] = row(&out, name);
        assert_eq!((new, updated), (0, 0), "{name}: {out}");
        assert_eq!(source, target, "{name}: {out}");
    }
    for data in &expected {
        assert_eq!(&store.export(data.user).unwrap(), data);
    }

    // Wrong kinds are refused with the flag named.
    let args = ["migrate", "--from", "redis", from, "--to", "postgres", &url];
    let (ok, _, err) = backcheck(&args, &[], dir.path(), "");
    assert!(!ok && err.contains("--from"), "{err}");
}
