//! The real binary's console chat, with piped stdin: a newcomer's whole first session, then a
//! second run on the same database that still knows today's plan.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `backcheck chat` on `data` with `input` as stdin; returns (success, stdout, stderr).
fn chat(data: &std::path::Path, input: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .arg("chat")
        .env("BACKCHECK_DATA_DIR", data)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("BACKCHECK_CONFIG")
        .current_dir(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start backcheck");
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
fn a_full_check_in_in_the_console_and_the_plan_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = "walking\nDone\n30\nyes\nno\nUTC\noff\n1\n5\nlower back\nno\nsharp\nwhen moving\nstarted today\nnone\n";
    let (ok, out, err) = chat(dir.path(), first);
    assert!(ok, "exit status; stderr: {err}");
    assert!(out.contains("Hi, I'm backcheck"), "{out}");
    assert!(
        out.contains("  2) Running"),
        "buttons are numbered choices: {out}"
    );
    assert!(out.contains("[0] [1] [2]"), "pain buttons inline: {out}");
    assert!(out.contains("\nGentle day\n"), "the plan heading: {out}");
    assert!(
        out.contains("Because you rated your pain 5 and it feels sharp."),
        "{out}"
    );
    assert!(out.contains("self-management guidance"), "{out}");

    let (ok, out, err) = chat(dir.path(), "/today\n/quit\n");
    assert!(ok, "second run; stderr: {err}");
    assert!(out.contains("Welcome back"), "{out}");
    assert!(
        out.contains("\nGentle day\n"),
        "today's plan is still there: {out}"
    );
}

#[test]
fn a_second_process_on_the_same_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .arg("chat")
        .env("BACKCHECK_DATA_DIR", dir.path())
        .env_remove("TELOXIDE_TOKEN")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start first");
    // Wait until the first process has opened the database and answered /start.
    let mut stdout = first.stdout.take().expect("stdout");
    let mut buf = [0u8; 64];
    let n = std::io::Read::read(&mut stdout, &mut buf).expect("first output");
    assert!(n > 0);
    let (ok, _, err) = chat(dir.path(), "/quit\n");
    assert!(!ok, "the second process must fail");
    assert!(err.contains("in use"), "names the problem: {err}");
    drop(first.stdin.take());
    assert!(first.wait().expect("first exits").success());
}

#[test]
fn check_validates_config_and_names_the_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[storage]\ndata_dri = \"x\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .args(["check", "--config"])
        .arg(&path)
        .output()
        .expect("run check");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("storage.data_dri") && err.contains("unknown key"),
        "{err}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .args(["check", "--config", "config.example.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run check");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dialogs: built-in en, de (ok)"), "{stdout}");
}

#[test]
fn check_reports_a_broken_dialog_file_with_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let en = dir.path().join("dialogs").join("en");
    std::fs::create_dir_all(&en).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("dialogs")
        .join("en");
    for f in [
        "questions.toml",
        "plan.toml",
        "messages.toml",
        "understand.toml",
        "history.toml",
    ] {
        std::fs::copy(root.join(f), en.join(f)).unwrap();
    }
    let questions = std::fs::read_to_string(en.join("questions.toml")).unwrap();
    std::fs::write(
        en.join("questions.toml"),
        questions.replace("lower_back = {", "lower_bak = {"),
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[dialogs]\ndir = {:?}\n", dir.path().join("dialogs")),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .expect("run check");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("questions.toml") && err.contains("area.options.lower_bak"),
        "{err}"
    );
}
