//! A German week through the Engine, day by day: onboarding typed, check-ins at several
//! levels, a late check-in for yesterday, "how did yesterday go?" with an activity that made
//! it worse (left out, named with its capital), the reminder's buttons, /history and the
//! weekly summary. Nothing the bot says may be English.

mod common;

use backcheck::engine::Input;
use backcheck::model::Language;
use common::chat::Chat;
use jiff::ToSpan;

/// Words and phrases that only an English reply would hold.
const ENGLISH: [&str; 12] = [
    " the ",
    " and ",
    " you ",
    " your ",
    "Because",
    "yesterday",
    "Type /",
    "today's",
    " is ",
    "Saved to",
    "check-in for",
    " of ",
];

/// Asserts that none of the last replies reads as English.
#[track_caller]
fn german_only(c: &Chat) {
    let text = c.text();
    for word in ENGLISH {
        assert!(!text.contains(word), "{word:?} in:\n{text}");
    }
}

/// Moves the clock by whole days.
fn next_day(c: &mut Chat) {
    c.now = c.now.checked_add(24.hours()).expect("time");
}

#[test]
fn a_german_week_is_all_german() {
    let mut c = Chat::new(Language::De);
    // Monday 2026-03-02, 08:00 UTC: 09:00 in Vienna.
    let mut said = Vec::new();
    for line in [
        "/start",
        "Laufen und Spazierengehen",
        "eine Stunde",
        "ja",
        "nein",
        "Wien",
        "halb acht",
    ] {
        c.say(line);
        german_only(&c);
        said.push(c.text());
    }
    c.expect("Bereit für den heutigen Check-in?");
    for line in [
        "ja",
        "2",
        "unterer Rücken",
        "nein",
        "dumpf",
        "morgens",
        "seit heute",
    ] {
        c.say(line);
        german_only(&c);
    }
    c.say("nichts davon");
    german_only(&c);
    c.expect("Leichtere Version deines üblichen Trainings");
    // Tuesday: yesterday's walk made it worse.
    next_day(&mut c);
    for line in [
        "/checkin",
        "3",
        "Nacken",
        "nein",
        "steif",
        "nach dem Sitzen",
        "2 bis 7 Tage",
    ] {
        c.say(line);
        german_only(&c);
    }
    c.say("keine");
    c.expect("Wie ging es deinem Rücken nach dem Training gestern?");
    german_only(&c);
    c.say("schlechter");
    c.expect("Welche Aktivität");
    german_only(&c);
    c.say("Spazierengehen");
    german_only(&c);
    c.expect(
        "Ich habe Spazierengehen weggelassen, weil es deinen Rücken gestern schlimmer gemacht hat.",
    );
    // Thursday morning: Wednesday was missed; it is recorded late.
    next_day(&mut c);
    next_day(&mut c);
    c.say("/checkin gestern");
    c.expect("Der gestrige Check-in, nachgetragen");
    german_only(&c);
    for key in ["1", "lower_back", "no", "dull_ache", "morning", "none"] {
        c.press(key);
        german_only(&c);
    }
    c.expect("Wie ging es deinem Rücken nach dem Training gestern?");
    c.press("same");
    c.expect("Als gestriger Check-in gespeichert");
    // The reminder's buttons.
    for action in ["a:snooze", "a:skip"] {
        c.send(Input::Button(action.to_string()));
        german_only(&c);
    }
    c.expect("morgen um 07:30");
    // Sunday: the check-in, then the week's summary.
    for _ in 0..3 {
        next_day(&mut c);
    }
    c.say("/checkin");
    for key in ["0", "none"] {
        c.press(key);
    }
    german_only(&c);
    c.expect("Übliches Training");
    for line in [
        "/history",
        "/history woche",
        "/summary",
        "/profile",
        "Fertig",
        "/help",
    ] {
        c.say(line);
        german_only(&c);
    }
    c.say("/history woche");
    c.expect("Deine Woche");
}
