//! Every language has exactly English's keys and placeholders: `backcheck check` (the real
//! binary) on a copy of dialogs/ with one German key removed, one added, or one placeholder
//! renamed fails, naming the file, the key and what is wrong.

use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [&str; 5] = [
    "questions.toml",
    "plan.toml",
    "messages.toml",
    "understand.toml",
    "history.toml",
];

/// A copy of the repository's dialogs/ in a temporary folder, and a config pointing at it.
fn copy_dialogs() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogs");
    for language in ["en", "de"] {
        let to = dir.path().join("dialogs").join(language);
        std::fs::create_dir_all(&to).expect("mkdir");
        for f in FILES {
            std::fs::copy(root.join(language).join(f), to.join(f)).expect("copy");
        }
    }
    let config = dir.path().join("config.toml");
    let toml = format!("[dialogs]\ndir = {:?}\n", dir.path().join("dialogs"));
    std::fs::write(&config, toml).expect("write config");
    (dir, config)
}

/// Edits one German file of the copy.
fn edit_german(dir: &Path, file: &str, edit: impl Fn(&str) -> String) {
    let path = dir.join("dialogs").join("de").join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing in {file}");
    std::fs::write(&path, edited).expect("write");
}

/// Runs `backcheck check` on the config: (success, stdout, stderr).
fn check(config: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backcheck"))
        .args(["check", "--config"])
        .arg(config)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("BACKCHECK_LANG")
        .output()
        .expect("run check");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Drops the line that sets `key` at the top of a file's table.
fn without_line(text: &str, key: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(&format!("{key} =")))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_copy_of_both_languages_passes() {
    let (_dir, config) = copy_dialogs();
    let (ok, out, err) = check(&config);
    assert!(ok, "{err}");
    assert!(out.contains("en, de (ok)"), "{out}");
}

#[test]
fn a_german_key_removed_fails_naming_the_file_and_key() {
    let (dir, config) = copy_dialogs();
    edit_german(dir.path(), "messages.toml", |t| without_line(t, "later_ok"));
    let (ok, _, err) = check(&config);
    assert!(!ok, "accepted a German file without later_ok");
    assert!(
        err.contains("de/messages.toml") && err.contains("later_ok") && err.contains("missing"),
        "{err}"
    );
}

#[test]
fn a_german_command_word_list_removed_fails_naming_the_key() {
    let (dir, config) = copy_dialogs();
    edit_german(dir.path(), "understand.toml", |t| without_line(t, "days"));
    let (ok, _, err) = check(&config);
    assert!(
        !ok,
        "accepted a German understand.toml without commands.days"
    );
    assert!(
        err.contains("de/understand.toml") && err.contains("commands.days"),
        "{err}"
    );
}

#[test]
fn a_german_key_english_lacks_fails() {
    let (dir, config) = copy_dialogs();
    edit_german(dir.path(), "messages.toml", |t| {
        format!("{t}\nnur_auf_deutsch = \"Hallo\"\n")
    });
    let (ok, _, err) = check(&config);
    assert!(!ok);
    assert!(
        err.contains("de/messages.toml") && err.contains("nur_auf_deutsch"),
        "{err}"
    );
}

#[test]
fn a_wrong_german_placeholder_fails_naming_the_key() {
    let (dir, config) = copy_dialogs();
    edit_german(dir.path(), "messages.toml", |t| {
        let line = t
            .lines()
            .find(|l| l.starts_with("reminder_set ="))
            .expect("a reminder_set line");
        t.replace(line, &line.replace("{time}", "{zeit}"))
    });
    let (ok, _, err) = check(&config);
    assert!(!ok, "accepted {{zeit}} for {{time}}");
    assert!(
        err.contains("de/messages.toml")
            && err.contains("reminder_set")
            && err.contains("placeholders differ")
            && err.contains("{zeit}"),
        "{err}"
    );
}

#[test]
fn a_german_question_without_an_option_fails() {
    let (dir, config) = copy_dialogs();
    edit_german(dir.path(), "questions.toml", |t| {
        t.lines()
            .filter(|l| !l.starts_with("sharp = {"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let (ok, _, err) = check(&config);
    assert!(!ok);
    assert!(
        err.contains("de/questions.toml") && err.contains("feeling.options.sharp"),
        "{err}"
    );
}

#[test]
fn a_folder_with_english_only_speaks_built_in_german() {
    let (dir, config) = copy_dialogs();
    std::fs::remove_dir_all(dir.path().join("dialogs").join("de")).expect("rm de");
    let (ok, out, err) = check(&config);
    assert!(ok, "{err}");
    assert!(out.contains("en, de (ok)"), "{out}");
}
