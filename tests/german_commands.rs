//! A German speaker's commands and answers through the Engine: the words after a command in
//! German ("/checkin gestern", "/history woche", "/summary so", "/remind aus") and still in
//! English, time zones by German place names and by the time said the German way ("es ist
//! halb drei"), lists joined with "und", German /help naming the German words, and the
//! commands' German names ("/hilfe", "/verlauf woche", "/abbrechen").

mod common;

use backcheck::model::{Activity, Language, Question};
use backcheck::script::Text;
use backcheck::store::Store;
use common::chat::Chat;

/// A German speaker set up by buttons (Europe/Berlin), 2026-03-02 08:00 UTC (09:00 there).
fn german() -> Chat {
    let mut c = Chat::new(Language::De);
    c.onboard_pressed();
    c
}

/// The user's stored time zone.
fn zone(c: &Chat) -> String {
    let profile = c.store.profile(c.user).expect("read").expect("a profile");
    profile.time_zone
}

#[test]
fn checkin_yesterday_in_german_and_in_english() {
    for word in ["gestern", "Gestern", "für gestern", "yesterday"] {
        let mut c = german();
        c.say(&format!("/checkin {word}"));
        c.expect("Der gestrige Check-in, nachgetragen");
        c.expect("Wie stark");
    }
    // Anything else is today's check-in.
    let mut c = german();
    c.say("/checkin heute");
    c.expect("Der heutige Check-in");
}

#[test]
fn history_week_and_days_in_german_and_in_english() {
    let mut c = german();
    c.press("checkin");
    c.press("0");
    c.press("none");
    for week in [
        "/history woche",
        "/history Wochenübersicht",
        "/history week",
    ] {
        c.say(week);
        c.expect("Check-ins: an 1 von");
    }
    for days in ["/history 90", "/history 90 Tage", "/history 90 days"] {
        c.say(days);
        c.expect("in den letzten 90 Tagen");
    }
    for bad in ["/history quatsch", "/history 400 Tage", "/history 9 Wochen"] {
        c.say(bad);
        c.expect("/history woche");
    }
}

#[test]
fn summary_day_by_german_name_short_form_or_english() {
    let mut c = german();
    for (typed, said) in [
        ("/summary so", "jeden Sonntag"),
        ("/summary Mi", "jeden Mittwoch"),
        ("/summary donnerstags", "jeden Donnerstag"),
        ("/summary samstag", "jeden Samstag"),
        ("/summary friday", "jeden Freitag"),
        ("/summary tu", "jeden Dienstag"),
    ] {
        c.say(typed);
        c.expect(said);
    }
    for off in ["/summary aus", "/summary off"] {
        c.say("/summary montag");
        c.say(off);
        c.expect("Wochenübersichten sind aus");
    }
    c.say("/summary s");
    c.expect("/summary sonntag");
}

#[test]
fn remind_in_german_and_in_english() {
    let mut c = german();
    for (typed, at) in [
        ("/remind 19 Uhr", "19:00"),
        ("/remind halb acht", "07:30"),
        ("/remind 7pm", "19:00"),
        ("/remind 7:30 am", "07:30"),
    ] {
        c.say(typed);
        c.expect(&format!("jeden Tag um {at}"));
    }
    for off in ["/remind aus", "/remind off"] {
        c.say("/remind 8:00");
        c.say(off);
        c.expect("Erinnerungen sind aus");
    }
}

#[test]
fn timezone_by_german_place_names() {
    let mut c = german();
    for (place, want) in [
        ("Wien", "Europe/Vienna"),
        ("München", "Europe/Berlin"),
        ("Muenchen", "Europe/Berlin"),
        ("Munchen", "Europe/Berlin"),
        ("Zürich", "Europe/Zurich"),
        ("Zuerich", "Europe/Zurich"),
        ("Köln", "Europe/Berlin"),
        ("Genf", "Europe/Zurich"),
        ("Rom", "Europe/Rome"),
        ("Mailand", "Europe/Rome"),
        ("Moskau", "Europe/Moscow"),
        ("Peking", "Asia/Shanghai"),
        ("Neu-Delhi", "Asia/Kolkata"),
        ("neu delhi", "Asia/Kolkata"),
        ("Warschau", "Europe/Warsaw"),
        ("Athen", "Europe/Athens"),
        ("Kiew", "Europe/Kyiv"),
        ("Mexiko-Stadt", "America/Mexico_City"),
        ("Kairo", "Africa/Cairo"),
        ("Karatschi", "Asia/Karachi"),
        ("Kalkutta", "Asia/Kolkata"),
        ("Schanghai", "Asia/Shanghai"),
        ("Singapur", "Asia/Singapore"),
        ("Tokio", "Asia/Tokyo"),
        ("Österreich", "Europe/Vienna"),
        ("Schweiz", "Europe/Zurich"),
        ("Graz", "Europe/Vienna"),
        ("St. Gallen", "Europe/Zurich"),
        // English names and zone names keep working.
        ("Munich", "Europe/Berlin"),
        ("Vienna", "Europe/Vienna"),
        ("Europe/Vienna", "Europe/Vienna"),
    ] {
        c.say(&format!("/timezone {place}"));
        c.expect(&format!("Deine Zeitzone ist jetzt {want}"));
        assert_eq!(zone(&c), want, "{place}");
    }
}

#[test]
fn zone_buttons_use_german_place_names() {
    let mut c = Chat::new(Language::De);
    c.say("/start");
    for k in ["walking", "done", "30", "yes", "no"] {
        c.press(k);
    }
    let labels: Vec<String> = c.last[0]
        .buttons()
        .concat()
        .into_iter()
        .map(|b| b.label)
        .collect();
    for want in ["Berlin (Europa)", "Wien (Europa)", "Zürich (Europa)"] {
        assert!(labels.iter().any(|l| l == want), "{want}: {labels:?}");
    }
    // The onboarding answer takes a German place too.
    c.say("Genf");
    c.press("off");
    assert_eq!(zone(&c), "Europe/Zurich");
}

#[test]
fn timezone_by_the_time_said_the_german_way() {
    // 13:35 UTC on a winter Monday: 14:35 in Berlin, Vienna and Zurich.
    for (now, said) in [
        ("2026-03-02T13:35:00Z", "14 Uhr 35"),
        ("2026-03-02T13:30:00Z", "es ist halb drei"),
        ("2026-03-02T13:15:00Z", "Viertel nach zwei"),
        ("2026-03-02T13:15:00Z", "es ist viertel nach 2"),
        ("2026-03-02T13:45:00Z", "dreiviertel drei"),
        ("2026-03-02T13:25:00Z", "fünf vor halb drei"),
        ("2026-03-02T13:35:00Z", "it's 2:35 pm"),
    ] {
        let mut c = german();
        c.now = now.parse().expect("timestamp");
        c.say(&format!("/timezone {said}"));
        c.expect("Gerade haben mehrere Orte diese Uhrzeit");
        let labels: Vec<String> = c
            .last
            .iter()
            .flat_map(|r| r.buttons().concat())
            .map(|b| b.label)
            .collect();
        // The German-speaking zones first, and no remote place of the other reading (2:30 at
        // night, UTC-11).
        assert_eq!(
            labels.get(..3),
            Some(
                &[
                    "Berlin (Europa)".to_string(),
                    "Wien (Europa)".to_string(),
                    "Zürich (Europa)".to_string()
                ][..]
            ),
            "{said}: {labels:?}"
        );
        assert!(
            !labels.iter().any(|l| l.contains("Pazifik")),
            "{said}: {labels:?}"
        );
        c.say("Wien");
        c.expect("Deine Zeitzone ist jetzt Europe/Vienna");
        assert_eq!(zone(&c), "Europe/Vienna", "{said}");
    }
}

#[test]
fn the_time_in_the_onboarding_answer_the_german_way() {
    let mut c = Chat::new(Language::De);
    c.now = "2026-03-02T13:30:00Z".parse().expect("timestamp");
    c.say("/start");
    for k in ["walking", "done", "30", "yes", "no"] {
        c.press(k);
    }
    c.say("es ist halb drei");
    c.expect("Gerade haben mehrere Orte diese Uhrzeit");
    c.say("Zürich");
    c.press("off");
    assert_eq!(zone(&c), "Europe/Zurich");
}

#[test]
fn activities_joined_with_und() {
    for (typed, want) in [
        (
            "Laufen und Radfahren",
            vec![Activity::Running, Activity::Cycling],
        ),
        (
            "Schwimmen, Yoga u. Spazieren",
            vec![Activity::Swimming, Activity::YogaPilates, Activity::Walking],
        ),
        (
            "Krafttraining sowie Laufen",
            vec![Activity::WeightLifting, Activity::Running],
        ),
    ] {
        let mut c = Chat::new(Language::De);
        c.say("/start");
        c.say(typed);
        c.expect("Wie lange");
        c.say("45");
        c.press("yes");
        c.press("no");
        c.press("Europe/Berlin");
        c.press("off");
        let mut want = want;
        want.sort();
        let profile = c.store.profile(c.user).expect("read").expect("a profile");
        assert_eq!(profile.activities, want, "{typed}");
    }
}

#[test]
fn german_help_and_usage_name_the_german_words() {
    let scripts = backcheck::script::Scripts::embedded().expect("dialogs");
    let de = scripts.get(Language::De);
    let help = de.text(Text::Help);
    for word in [
        "/checkin gestern",
        "/history woche",
        "/history 90",
        "/summary sonntag",
        "/summary aus",
        "/remind aus",
        "/timezone Wien",
    ] {
        assert!(help.contains(word), "{word} in: {help}");
    }
    // No English command word left in any German message.
    for t in <Text as strum::IntoEnumIterator>::iter() {
        let said = de.text(t);
        for english in [
            "yesterday",
            "/history week",
            "sunday",
            "/summary off",
            "/remind off",
        ] {
            assert!(!said.contains(english), "{t:?}: {said}");
        }
    }
    let mut c = german();
    c.say("/help");
    c.expect("/checkin gestern");
}

#[test]
fn commands_by_their_german_names_do_what_the_commands_do() {
    let mut c = german();
    c.say("/hilfe");
    c.expect("/checkin gestern");
    c.say("/Heute");
    c.expect("noch nicht eingecheckt");
    c.say("/einchecken");
    c.expect("Wie stark");
    // Mid-check-in, /abbrechen cancels it and nothing is kept.
    c.say("/abbrechen");
    c.expect("Check-in abgebrochen");
    let (from, to) = (
        "2026-01-01".parse().expect("date"),
        "2026-12-31".parse().expect("date"),
    );
    let days = c.store.days(c.user, from, to).expect("read");
    assert!(days.is_empty(), "{days:?}");

    // With their words: the week, a reminder time, the summary day.
    c.say("/checkin");
    c.press("0");
    c.press("none");
    c.say("/verlauf woche");
    c.expect("Check-ins: an 1 von");
    c.say("/erinnerung 19 Uhr");
    let profile = c.store.profile(c.user).expect("read").expect("a profile");
    assert_eq!(
        profile.reminder.map(|t| t.to_string()).as_deref(),
        Some("19:00:00")
    );
    c.say("/zeitzone Wien");
    assert_eq!(zone(&c), "Europe/Vienna");
    c.say("/Zusammenfassung so");
    c.expect("Sonntag");
    c.say("/löschen");
    let scripts = backcheck::script::Scripts::embedded().expect("dialogs");
    let confirm = &scripts
        .get(Language::De)
        .question(Question::ConfirmForget)
        .prompt;
    c.expect(confirm);
}

#[test]
fn german_names_work_for_an_english_speaker_and_unknown_ones_stay_unknown() {
    // A German speaker whose language is still English types the German name.
    let mut c = Chat::new(Language::En);
    c.say("/hilfe");
    c.expect("/checkin yesterday");
    c.say("/sprache");
    c.expect("Welche Sprache");
    // English's own other names.
    c.say("/plan");
    c.expect("Let's set you up first");
    // Not a name of anything: said so, in the user's language.
    let mut c = german();
    c.say("/quatsch");
    c.expect("Diesen Befehl kenne ich nicht");
    c.say("/hilfe mir");
    c.expect("/checkin gestern");
}
