//! German conversations with the real Engine and the built-in dialogs: a whole check-in at
//! every level, pressed and typed in German; the same answers give the same level in both
//! languages; the German red-flag list at the pain question and in the middle of onboarding;
//! red flags across languages; /language and the profile's language.

mod common;

use backcheck::engine::Reply;
use backcheck::model::{Language, Level, RedFlag};
use backcheck::script::Scripts;
use backcheck::store::Store;
use common::chat::Chat;
use strum::IntoEnumIterator;

/// The German red-flag lists, as the de tests keep them (tests/understand_de.rs).
const GERMAN_LISTS: &str = include_str!("understand_de.rs");
/// The English ones (tests/understand.rs).
const ENGLISH_LISTS: &str = include_str!("understand.rs");

/// A check-in by button keys after the offer, in order.
const PRESSED: [(Level, &[&str]); 6] = [
    (Level::Usual, &["checkin", "0", "none"]),
    (
        Level::Lighter,
        &[
            "checkin",
            "2",
            "lower_back",
            "no",
            "dull_ache",
            "morning",
            "started_today",
            "none",
        ],
    ),
    (
        Level::Gentle,
        &[
            "checkin",
            "5",
            "lower_back",
            "no",
            "sharp",
            "moving",
            "started_today",
            "none",
        ],
    ),
    (
        Level::ActiveRest,
        &[
            "checkin",
            "8",
            "neck",
            "no",
            "dull_ache",
            "after_sitting",
            "up_to_a_week",
            "none",
        ],
    ),
    (
        Level::SeeDoctor,
        &[
            "checkin",
            "3",
            "lower_back",
            "no",
            "dull_ache",
            "morning",
            "started_today",
            "fever",
            "done",
        ],
    ),
    (
        Level::Emergency,
        &[
            "checkin",
            "3",
            "lower_back",
            "no",
            "dull_ache",
            "morning",
            "started_today",
            "bladder_bowel",
        ],
    ),
];

/// The same check-ins typed in German, the way people write.
const TYPED: [(Level, &[&str]); 6] = [
    (Level::Usual, &["ja", "gar keine schmerzen", "nichts davon"]),
    (
        Level::Lighter,
        &[
            "los gehts",
            "zwei",
            "unterer Ruecken",
            "nein",
            "dumpf",
            "morgens",
            "seit heute",
            "keine",
        ],
    ),
    (
        Level::Gentle,
        &[
            "klar",
            "5/10",
            "im kreuz",
            "nö",
            "stechend",
            "beim bücken",
            "heute morgen",
            "nichts davon",
        ],
    ),
    (
        Level::ActiveRest,
        &[
            "ok",
            "acht",
            "Nacken",
            "nein",
            "steif",
            "nach dem Sitzen",
            "ein paar Tage",
            "keine",
        ],
    ),
    (
        Level::SeeDoctor,
        &[
            "Jetzt einchecken",
            "drei",
            "unten",
            "nein",
            "dumpf",
            "morgens",
            "seit heute",
            "ich habe Fieber",
        ],
    ),
    (
        Level::Emergency,
        &[
            "ja",
            "3",
            "unterer rücken",
            "nein",
            "ziehend",
            "morgens",
            "heute",
            "ich kann meine Blase nicht mehr kontrollieren",
        ],
    ),
];

#[test]
fn a_german_check_in_pressed_gives_every_level_with_german_headings() {
    for (level, keys) in PRESSED {
        let mut c = Chat::new(Language::De);
        c.onboard_pressed();
        for k in keys {
            c.press(k);
        }
        assert_eq!(c.level_in(Language::De), Some(level), "{}", c.text());
        assert!(c.text().contains("keine Diagnose"), "{}", c.text());
        assert!(
            !c.text().contains("Because"),
            "nothing in English: {}",
            c.text()
        );
    }
}

#[test]
fn a_german_check_in_typed_gives_every_level() {
    for (level, typed) in TYPED {
        let mut c = Chat::new(Language::De);
        c.onboard_typed();
        for t in typed {
            c.say(t);
        }
        // A see-a-doctor flag typed at the red-flag question is taken as the answer; one
        // typed elsewhere is confirmed first.
        assert_eq!(
            c.level_in(Language::De),
            Some(level),
            "{typed:?}: {}",
            c.text()
        );
    }
}

#[test]
fn the_same_answers_give_the_same_level_in_both_languages() {
    for (level, keys) in PRESSED {
        let mut levels = Vec::new();
        for language in [Language::En, Language::De] {
            let mut c = Chat::new(language);
            c.onboard_pressed_in(language);
            for k in keys {
                c.press(k);
            }
            levels.push(c.level_in(language));
        }
        assert_eq!(levels, [Some(level), Some(level)], "{keys:?}");
    }
}

impl Chat {
    /// Onboarding by button keys, in either language.
    fn onboard_pressed_in(&mut self, language: Language) {
        if language == Language::De {
            return self.onboard_pressed();
        }
        self.say("/start");
        for k in ["walking", "done", "30", "yes", "no", "Europe/Berlin", "off"] {
            self.press(k);
        }
        self.expect("Ready for today's check-in?");
    }
}

/// The string literals of `name`'s list in a test file's source: ("text", Some(flag)) for the
/// rows of MUST_TRIGGER, ("text", None) for HARMLESS.
fn list(source: &str, name: &str) -> Vec<(String, Option<RedFlag>)> {
    let start = source
        .find(&format!("const {name}"))
        .unwrap_or_else(|| panic!("no {name} list"));
    let body = &source[start..];
    let body = &body[..body.find("\n];").expect("the end of the list")];
    let mut out = Vec::new();
    for line in body.lines().skip(1) {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            let text = after[..close].to_string();
            rest = &after[close + 1..];
            out.push((text, None));
        }
        // The flag of a row: the CamelCase name after the text (maybe on the next line).
        let ident = line.trim_end_matches([',', ')']).trim();
        if let Some(flag) = flag_named(ident) {
            if let Some(last) = out.last_mut() {
                last.1 = Some(flag);
            }
        } else if let Some((_, after)) = line.rsplit_once("\",")
            && let Some(flag) = flag_named(after.trim().trim_end_matches([',', ')']).trim())
            && let Some(last) = out.last_mut()
        {
            last.1 = Some(flag);
        }
    }
    out
}

/// A RedFlag by its Rust name ("BladderBowel").
fn flag_named(name: &str) -> Option<RedFlag> {
    RedFlag::iter().find(|f| format!("{f:?}") == name)
}

#[test]
fn the_german_red_flag_list_at_the_pain_question() {
    let rows = list(GERMAN_LISTS, "MUST_TRIGGER");
    assert!(rows.len() >= 150, "the German list: {} rows", rows.len());
    let mut c = Chat::new(Language::De);
    c.onboard_pressed();
    let mut wrong = Vec::new();
    for (text, flag) in &rows {
        let flag = flag.unwrap_or_else(|| panic!("no flag for {text:?}"));
        c.user += 1;
        c.onboard_pressed();
        c.press("checkin");
        c.expect("Wie stark");
        c.say(text);
        // An emergency at once; a see-a-doctor flag confirmed first, in German (unless the
        // message also describes an emergency).
        let emergency = c.level_in(Language::De) == Some(Level::Emergency);
        let ok = emergency || (!flag.is_emergency() && c.text().contains("Stimmt das?"));
        if !ok {
            wrong.push(format!("{text:?} ({flag:?}): {}", c.text()));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} missed:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_german_emergency_list_mid_onboarding() {
    let rows = list(GERMAN_LISTS, "MUST_TRIGGER");
    let mut wrong = Vec::new();
    let mut c = Chat::new(Language::De);
    for (text, flag) in rows
        .iter()
        .filter(|(_, f)| f.is_some_and(RedFlag::is_emergency))
    {
        c.user += 1;
        c.say("/start");
        c.press("walking");
        c.say(text);
        if c.level_in(Language::De) != Some(Level::Emergency) {
            wrong.push(format!("{text:?} ({flag:?}): {}", c.text()));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} missed:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn harmless_words_never_escalate_and_never_are_an_emergency_in_the_other_language() {
    let scripts = Scripts::embedded().expect("dialogs");
    let mut wrong = Vec::new();
    for (source, language, other) in [
        (GERMAN_LISTS, Language::De, Language::En),
        (ENGLISH_LISTS, Language::En, Language::De),
    ] {
        let rows = list(source, "HARMLESS");
        assert!(rows.len() >= 60, "{} harmless rows", rows.len());
        for (text, _) in rows {
            // Said in the user's own language: nothing at all.
            let flags = scripts.red_flags(&text, language);
            if !flags.is_empty() {
                wrong.push(format!("{language:?} {text:?}: {flags:?}"));
            }
            // Said in the other language: at most a question, never an emergency.
            let flags = scripts.red_flags(&text, other);
            if flags.iter().any(|f| f.is_emergency()) {
                wrong.push(format!("{other:?} user, {text:?}: {flags:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "escalated:\n{}", wrong.join("\n"));
}

#[test]
fn a_phrase_in_the_other_language_is_still_caught() {
    // A German speaker typing English.
    let mut c = Chat::new(Language::De);
    c.onboard_pressed();
    c.press("checkin");
    c.say("I can't feel my legs");
    assert_eq!(
        c.level_in(Language::De),
        Some(Level::Emergency),
        "{}",
        c.text()
    );
    // An English speaker typing German.
    let mut c = Chat::new(Language::En);
    c.onboard_pressed_in(Language::En);
    c.press("checkin");
    c.say("ich kann meine Blase nicht kontrollieren");
    assert_eq!(
        c.level_in(Language::En),
        Some(Level::Emergency),
        "{}",
        c.text()
    );
}

#[test]
fn language_comes_from_telegram_then_from_the_profile_and_switches_with_language() {
    // A German Telegram app: German from the first word.
    let mut c = Chat::new(Language::De);
    c.say("/start");
    c.expect("Welche Aktivitäten");
    c.onboard_pressed();
    // Once set up, the profile decides, whatever the app says now.
    c.hint = Some(Language::En);
    c.say("/help");
    c.expect("Ich helfe dir");
    // /language with buttons, mid-check-in: the question comes back in English.
    c.say("/checkin");
    c.say("/language");
    c.expect("Which language");
    c.press("en");
    c.expect("I speak English");
    c.expect("How much does your back hurt");
    // Typed, back to German.
    c.say("/language");
    c.say("deutsch");
    c.expect("spreche ich Deutsch");
    c.expect("Wie stark");
    c.say("/language english");
    c.expect("I speak English");
    let profile = c.store.profile(c.user).expect("read").expect("a profile");
    assert_eq!(profile.language, Language::En);
    // /export carries it.
    c.say("/export");
    let export = c
        .last
        .iter()
        .find_map(|r| match r {
            Reply::Document { bytes, .. } => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        })
        .expect("an export");
    assert!(export.contains("\"language\": \"en\""), "{export}");
}

#[test]
fn zones_weekdays_and_menus_speak_german() {
    let mut c = Chat::new(Language::De);
    c.say("/start");
    c.press("walking");
    c.press("done");
    c.press("30");
    c.press("yes");
    c.press("no");
    let zones = c.last[0].buttons().concat();
    assert!(
        zones.iter().any(|b| b.label == "Berlin (Europa)"),
        "{zones:?}"
    );
    c.say("Berlin (Europa)");
    c.press("off");
    c.say("/summary sonntag");
    c.expect("Sonntag");
    c.say("/summary aus");
    c.expect("Wochenübersichten sind aus");
}

#[test]
fn later_declines_politely_and_changes_nothing() {
    let mut c = Chat::new(Language::De);
    c.onboard_pressed();
    c.say("nicht jetzt");
    c.expect("kein Stress");
    let state = c.store.state(c.user).expect("read");
    c.say("später");
    c.expect("kein Stress");
    assert_eq!(
        c.store.state(c.user).expect("read"),
        state,
        "nothing changed"
    );
    c.say("los gehts");
    c.expect("Wie stark");
}

#[test]
fn a_record_from_before_languages_decodes_as_english() {
    let old = r#"{"activities":["walking"],"session_minutes":30,"cleared":"yes",
        "cancer_history":false,"time_zone":"UTC","reminder":null}"#;
    let p: backcheck::model::Profile = serde_json::from_str(old).expect("an old profile");
    assert_eq!(p.language, Language::En);
}
