//! The dialog files are data checked against the enums: the built-in ones load, and a broken
//! one is refused with the file, the key and what is wrong.

use backcheck::model::{Level, Question};
use backcheck::script::{Script, Sources, Text};
use strum::IntoEnumIterator;

fn broken(edit: impl Fn(&mut Sources)) -> String {
    let mut src = Sources::embedded();
    edit(&mut src);
    match Script::from_sources(&src) {
        Ok(_) => panic!("the broken dialogs were accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_built_in_dialogs_cover_every_question_text_and_level() {
    let script = Script::embedded().expect("dialogs load");
    for q in Question::iter() {
        assert!(!script.question(q).prompt.is_empty(), "{q:?} has a prompt");
        assert!(!script.question(q).hint.is_empty(), "{q:?} has a hint");
    }
    for t in Text::iter() {
        assert!(!script.text(t).is_empty(), "{t:?} has text");
    }
    let headings: Vec<&str> = Level::iter().map(|l| script.plan.heading(l)).collect();
    assert_eq!(
        headings,
        [
            "Urgent: get medical help now",
            "See a doctor before you exercise",
            "Active rest day",
            "Gentle day",
            "Lighter version of your usual routine",
            "Usual routine",
        ]
    );
}

#[test]
fn the_dialog_files_on_disk_are_the_built_in_ones() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogs/en");
    let disk = Sources::read(&dir).expect("read dialogs");
    let built_in = Sources::embedded();
    assert_eq!(disk.questions, built_in.questions);
    assert_eq!(disk.plan, built_in.plan);
    assert_eq!(disk.messages, built_in.messages);
    assert_eq!(disk.history, built_in.history);
    Script::load(&dir).expect("the files on disk load");
}

#[test]
fn an_unknown_option_names_file_key_and_reason() {
    let e = broken(|s| s.questions = s.questions.replace("lower_back = {", "lower_bak = {"));
    assert!(e.contains("questions.toml"), "{e}");
    assert!(e.contains("area.options.lower_bak"), "{e}");
    assert!(e.contains("unknown option"), "{e}");
}

#[test]
fn a_missing_option_is_named() {
    let e = broken(|s| s.questions = s.questions.replace("neck = { label = \"Neck\"", "# neck"));
    assert!(e.contains("area.options.neck: missing"), "{e}");
}

#[test]
fn a_missing_heading_and_an_unknown_message_are_named() {
    let e = broken(|s| s.plan = s.plan.replace("gentle = \"Gentle day\"\n", ""));
    assert!(
        e.contains("plan.toml") && e.contains("headings.gentle: missing"),
        "{e}"
    );
    let e = broken(|s| s.messages.push_str("\nwelcom = \"hi\"\n"));
    assert!(
        e.contains("messages.toml") && e.contains("welcom") && e.contains("unknown key"),
        "{e}"
    );
}

#[test]
fn a_missing_question_and_a_syntax_error_are_named() {
    let e = broken(|s| {
        let start = s.questions.find("[neck_pain]").unwrap_or(s.questions.len());
        s.questions.truncate(start);
        s.questions = s.questions.replace("[pain]", "[pains]");
    });
    assert!(e.contains("pains") && e.contains("unknown key"), "{e}");
    let e = broken(|s| s.messages.push_str("\nthis is not toml\n"));
    assert!(e.contains("messages.toml") && e.contains("line"), "{e}");
}

#[test]
fn a_bad_time_zone_suggestion_is_named() {
    let e = broken(|s| s.questions = s.questions.replace("\"Asia/Tokyo\"", "\"Asia/Tokio\""));
    assert!(
        e.contains("time_zone.suggestions[6]") && e.contains("Asia/Tokio"),
        "{e}"
    );
}

#[test]
fn history_wording_is_checked_against_levels_and_suggestions() {
    let e = broken(|s| s.history = s.history.replace("gentle = \"gentle\"\n", ""));
    assert!(
        e.contains("history.toml") && e.contains("levels.gentle: missing"),
        "{e}"
    );
    let e = broken(|s| s.history = s.history.replace("keep_going =", "keep_on ="));
    assert!(
        e.contains("suggestions.keep_on") && e.contains("unknown key"),
        "{e}"
    );
    let e = broken(|s| s.history = s.history.replace("streak_none =", "streak_nope ="));
    assert!(
        e.contains("history.toml") && e.contains("streak_nope"),
        "{e}"
    );
}
