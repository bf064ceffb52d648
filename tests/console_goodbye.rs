//! The console's own lines are dialog texts (messages.toml `goodbye`, `export_saved`), said
//! in the console user's language.

use std::path::Path;
use std::sync::Arc;

use backcheck::clock::ManualClock;
use backcheck::console::Console;
use backcheck::engine::Engine;
use backcheck::script::Script;
use backcheck::store::{SledStore, Store};

/// Everything the console prints for a chat that quits at once, in dialogs/`lang`.
fn quit_at_once(lang: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("dialogs")
        .join(lang);
    let script = match Script::load(&dir) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("dialogs/{lang} does not load: {e}"),
    };
    let store = Arc::new(SledStore::temporary().expect("temporary store"));
    let engine = Engine::new(store as Arc<dyn Store>, script, "UTC");
    chat(&engine, "/quit\n").0
}

/// What the console prints for `input` typed on `engine`, and the folder exports go to.
fn chat(engine: &Engine, input: &str) -> (String, tempfile::TempDir) {
    let clock = ManualClock::new("2026-03-02T08:00:00Z".parse().expect("timestamp"));
    let export = tempfile::tempdir().expect("tempdir");
    let mut out = Vec::new();
    {
        let mut console = Console::new(engine, &clock, 0, &mut out, export.path());
        console.run(input.as_bytes()).expect("console runs");
    }
    (String::from_utf8_lossy(&out).into_owned(), export)
}

#[test]
fn the_goodbye_is_english_in_english() {
    let out = quit_at_once("en");
    assert!(
        out.ends_with("Bye! Your answers are saved; run me again to continue.\n"),
        "{out}"
    );
}

#[test]
fn the_goodbye_is_german_in_german() {
    let out = quit_at_once("de");
    assert!(
        out.ends_with(
            "Tschüss! Deine Antworten sind gespeichert; starte mich wieder, um weiterzumachen.\n"
        ),
        "{out}"
    );
    assert!(!out.contains("Bye!"), "{out}");
}

/// An engine that speaks both languages, German to new users: as main.rs's `chat` builds it
/// with --lang de.
fn german_engine() -> Engine {
    let scripts = backcheck::script::Scripts::embedded().expect("built-in dialogs load");
    let store = Arc::new(SledStore::temporary().expect("temporary store"));
    Engine::new(store as Arc<dyn Store>, scripts, "UTC")
        .with_default_language(backcheck::model::Language::De)
}

/// `--lang de` (BACKCHECK_LANG) sets the console user's language on an engine that speaks
/// both: the goodbye follows the user's language, not English.
#[test]
fn the_goodbye_follows_the_users_language_on_a_two_language_engine() {
    let engine = german_engine();
    engine
        .set_language(0, backcheck::model::Language::De)
        .expect("language stored");
    let (out, _export) = chat(&engine, "/quit\n");
    assert!(out.trim_end().ends_with("um weiterzumachen."), "{out}");
    assert!(!out.contains("Bye!"), "{out}");
}

/// The note under an export says where the file went, in the user's language too.
#[test]
fn the_export_note_is_german_for_a_german_user() {
    let (out, export) = chat(&german_engine(), "/export\n/quit\n");
    assert!(out.contains("Gespeichert unter "), "{out}");
    assert!(out.contains(" Bytes)."), "{out}");
    assert!(!out.contains("Saved to"), "{out}");
    assert!(export.path().join("backcheck-export.json").exists());
}
