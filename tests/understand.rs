//! Black-box tests of free-text understanding, against the real English data file.
//!
//! The red-flag lists are the safety net of TRIAGE.md: every phrasing in `MUST_TRIGGER` must
//! raise its flag (misspellings and casual text included), and nothing in `HARMLESS` may raise
//! any flag. Add to them whenever a real message is missed or wrongly caught.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use backcheck::model::{RedFlag, YesNo};
use backcheck::understand::{Choice, PainError, Understanding, match_choice};
use jiff::civil::{Time, time};

const DATA: &str = include_str!("../dialogs/en/understand.toml");

fn u() -> &'static Understanding {
    static U: OnceLock<Understanding> = OnceLock::new();
    U.get_or_init(
        || match Understanding::from_toml(DATA, "dialogs/en/understand.toml") {
            Ok(u) => u,
            Err(e) => panic!("the English data file does not load: {e}"),
        },
    )
}

use RedFlag::*;

/// Messages that must raise the flag next to them (they may raise others too).
const MUST_TRIGGER: &[(&str, RedFlag)] = &[
    // New loss of bladder or bowel control, difficulty passing urine.
    ("I can't control my bladder", BladderBowel),
    ("cant control my bladdr since this morning", BladderBowel),
    ("no control over my bladder", BladderBowel),
    ("I cannot pee", BladderBowel),
    ("i can not pee properly", BladderBowel),
    ("having difficulty passing urine", BladderBowel),
    ("struggling to wee since yesterday", BladderBowel),
    ("I wet myself this morning", BladderBowel),
    ("keep wetting myself", BladderBowel),
    ("soiled myself, so embarrassing", BladderBowel),
    ("I've lost control of my bowels", BladderBowel),
    ("bowel incontinence started today", BladderBowel),
    ("incontinance", BladderBowel),
    ("I had an accident in my pants", BladderBowel),
    ("bladder problems since the pain started", BladderBowel),
    ("can't feel when I need to pee", BladderBowel),
    ("leaking urine", BladderBowel),
    ("I can't hold it in anymore", BladderBowel),
    // Numbness around the genitals, buttocks or inner thighs.
    ("numb down there", SaddleNumbness),
    ("my groin is numb", SaddleNumbness),
    ("groin numb", SaddleNumbness),
    ("numbness around my private parts", SaddleNumbness),
    ("I can't feel my bum", SaddleNumbness),
    ("tingling in my buttocks and inner thighs", SaddleNumbness),
    ("saddle numbness", SaddleNumbness),
    ("pins and needles in my genitals", SaddleNumbness),
    ("can't feel the toilet paper when I wipe", SaddleNumbness),
    ("numbnes between my legs", SaddleNumbness),
    // Pain, tingling, numbness or weakness in both legs.
    ("both my legs are numb", BothLegs),
    ("pins and needles in both legs", BothLegs),
    ("numbness in both legs", BothLegs),
    ("my legs are both tingling", BothLegs),
    ("I can't feel my legs", BothLegs),
    ("both legs feel weak", BothLegs),
    ("pain shooting down both legs", BothLegs),
    ("sciatica in both legs now", BothLegs),
    ("tingling in my left and right leg", BothLegs),
    ("my legs keep giving way", BothLegs),
    ("numbness in my feet", BothLegs),
    ("both of my legs went numb", BothLegs),
    ("bilateral leg numbness", BothLegs),
    ("both legs are numbb", BothLegs),
    // Weakness in a leg that is getting worse.
    ("my leg keeps giving way", LegWeakening),
    ("my right leg is getting weaker", LegWeakening),
    ("leg getting weaker every day", LegWeakening),
    ("I think I have foot drop", LegWeakening),
    ("my left foot is dragging when I walk", LegWeakening),
    ("the weakness in my leg is getting worse", LegWeakening),
    ("I can't lift my foot properly", LegWeakening),
    ("my knee buckled twice today", LegWeakening),
    // Back pain after a serious accident.
    ("I was in a car accident yesterday", SeriousAccident),
    ("car crash last week", SeriousAccident),
    ("i fell off a ladder", SeriousAccident),
    ("fell from a height at work", SeriousAccident),
    ("fell off the roof", SeriousAccident),
    ("I got hit by a car", SeriousAccident),
    ("came off my motorbike", SeriousAccident),
    ("motorbike accident on sunday", SeriousAccident),
    ("a van hit me on my bike", SeriousAccident),
    ("I fell down the stairs", SeriousAccident),
    ("had a bad crash on my bike", SeriousAccident),
    ("car acident", SeriousAccident),
    ("got whiplash", SeriousAccident),
    // Chest pain with the back pain.
    ("chest hurts too", ChestPain),
    ("I have chest pain", ChestPain),
    ("tightness in my chest", ChestPain),
    ("my chest feels tight", ChestPain),
    ("pain goes through to my chest", ChestPain),
    ("chest pains and back pain", ChestPain),
    ("chset pain", ChestPain),
    // Fever or feeling hot and shivery.
    ("got a fever", Fever),
    ("I have a fever", Fever),
    ("feaver since yesterday", Fever),
    ("I'm running a temperature", Fever),
    ("feeling hot and shivery", Fever),
    ("I have the chills", Fever),
    ("feverish and achy", Fever),
    ("temperature of 39", Fever),
    ("night sweats", Fever),
    ("i think i have a fevr", Fever),
    // A fall, blow or injury to the back since the pain began.
    ("I fell", Injury),
    ("slipped on the ice", Injury),
    ("got hit in the back", Injury),
    ("I had a fall yesterday", Injury),
    ("tripped over the dog and landed on my back", Injury),
    ("someone kicked me in the back", Injury),
    ("I injured my back at work", Injury),
    ("took a hard fall playing football", Injury),
    ("banged my back on the table", Injury),
    ("got tackled at rugby", Injury),
    // Suspected broken bone or torn ligament.
    ("I think I broke something", FractureOrTear),
    ("might have fractured my spine", FractureOrTear),
    ("torn ligament", FractureOrTear),
    ("I heard a pop", FractureOrTear),
    ("heard a crack when I lifted", FractureOrTear),
    ("felt something snap", FractureOrTear),
    ("cracked a rib", FractureOrTear),
    ("i think its a fracture", FractureOrTear),
    ("tore a muscle deadlifting", FractureOrTear),
    // Unexplained weight loss.
    ("losing weight without trying", WeightLoss),
    ("unexplained weight loss", WeightLoss),
    ("I've lost a lot of weight recently", WeightLoss),
    ("lost 6 kilos and I don't know why", WeightLoss),
    ("my clothes are getting loose", WeightLoss),
    ("loosing wieght", WeightLoss),
    // Swelling or a change in the shape of the back.
    ("there's swelling on my back", Swelling),
    ("I found a lump on my spine", Swelling),
    ("my back looks different, kind of crooked", Swelling),
    ("the shape of my back has changed", Swelling),
    ("it's swollen", Swelling),
    ("sweling near my spine", Swelling),
    // Pain at night or at rest that does not ease.
    ("keeps me awake all night", NightPain),
    ("the pain wakes me up at night", NightPain),
    ("I can't sleep because of the pain", NightPain),
    ("it hurts all night", NightPain),
    ("pain at rest that doesn't ease", NightPain),
    ("constant pain even lying down", NightPain),
    ("no position is comfortable", NightPain),
    ("the pain doesn't go away at night", NightPain),
    ("I was up all night with it", NightPain),
    // More everyday wording.
    ("i havent peed all day", BladderBowel),
    ("I couldn't make it to the toilet in time", BladderBowel),
    ("my bladder isnt working right", BladderBowel),
    ("no sensation when wiping", SaddleNumbness),
    ("cant feel my private parts", SaddleNumbness),
    ("legs r numb", BothLegs),
    ("pins+needles both legs", BothLegs),
    ("my leg is weak", LegWeakening),
    ("fell of a ladder", SeriousAccident),
    ("i got ran over", SeriousAccident),
    ("I was rear ended on the motorway", SeriousAccident),
    ("my chest is killing me", ChestPain),
    ("temp is 38.5", Fever),
    ("shivering all night", Fever),
    ("my kid jumped on my back", Injury),
    ("crack in my spine", FractureOrTear),
    ("I've lost 5kg", WeightLoss),
    ("woke up at 3am with pain", NightPain),
    ("the pain never goes away", NightPain),
    // Misspellings and texting.
    ("cant controll my bladder", BladderBowel),
    ("i peed my self", BladderBowel),
    ("lost controle of my bowls", BladderBowel),
    ("both leggs numb", BothLegs),
    ("tingeling in both legs", BothLegs),
    ("chestpain", ChestPain),
    ("feverr", Fever),
    ("i have a temprature", Fever),
    ("im lossing weight", WeightLoss),
    ("brokn bone", FractureOrTear),
    ("tore a ligamant", FractureOrTear),
    ("keeps me up at nite", NightPain),
    ("cnt sleep coz of pain", NightPain),
    ("I was in a crash", SeriousAccident),
    // Several in one message, a flag at the end of a long message, negation elsewhere.
    ("no fever but I can't control my bladder", BladderBowel),
    ("I don't have a fever, but both my legs are numb", BothLegs),
    ("not sure why but my groin is numb", SaddleNumbness),
    ("I can no longer feel my legs", BothLegs),
    ("no fever chest pain", ChestPain),
    ("no control over my bladder, chills", Fever),
    ("no fever and chest pain", ChestPain),
    ("no fever no cough just chest pain", ChestPain),
    ("I CAN'T CONTROL MY BLADDER!!!", BladderBowel),
    ("Fièvre? no, I mean fever, yes I have a fever", Fever),
];

/// Messages that must raise no flag at all.
const HARMLESS: &[&str] = &[
    "no fever",
    "I don't have a fever",
    "I haven't had any fever",
    "no sign of a fever",
    "fever free for a week",
    "my legs are fine",
    "no numbness",
    "no numbness in my legs",
    "no tingling or numbness in both legs",
    "my legs are not numb",
    "I have control of my bladder",
    "no problems with my bladder",
    "no loss of bladder control",
    "I wasn't in an accident",
    "no chest pain",
    "what can I do today?",
    "lower back",
    "6",
    "sharp",
    "dull ache or stiffness",
    "burning or tingling",
    "at night or at rest",
    "after sitting",
    "in the morning",
    "I went for a run",
    "my leg is a bit sore",
    "car was in the garage",
    "I fell asleep on the sofa",
    "hay fever is bad this week",
    "I did chest day yesterday",
    "I'm trying to lose weight",
    "weight loss is my goal",
    "I took a break from the gym",
    "my back feels better today",
    "yes",
    "no",
    "none of these",
    "07:30",
    "45 minutes",
    "walking and swimming",
    "I want to keep running",
    "the pain is in my lower back and spreads into my left buttock",
    "it hurts when I bend over",
    "stiff in the morning, better after a walk",
    "I lifted weights and it felt fine",
    "I don't think anything is broken",
    "I slept well",
    "my bladder is fine and so are my legs",
    "went to the gym, did squats and deadlifts",
    "no fever or chest pain",
    "no numbness or tingling in my groin or legs",
    "I skipped the gym yesterday",
    "my bladder, no problems there",
    "I get up at night to pee",
    "it hurts when I lie on my stomach",
    "it eases when I rest",
    "no pain at rest",
    "the kids fell asleep early",
    "hit the gym hard yesterday",
    "the car broke down",
    "I broke my phone screen",
    "my legs are tired after the hike",
    "I put on a few kilos",
    "both sessions went well",
    "I did both the walk and the stretches",
    "my foot falls asleep when I sit cross-legged",
    "🙂🙂🙂",
    "",
];

#[test]
fn every_must_trigger_phrasing_raises_its_flag() {
    let misses: Vec<String> = MUST_TRIGGER
        .iter()
        .filter(|(text, flag)| !u().red_flags(text).contains(flag))
        .map(|(text, flag)| {
            format!(
                "{text:?} should raise {flag:?}, got {:?}",
                u().red_flags(text)
            )
        })
        .collect();
    assert!(
        misses.is_empty(),
        "missed red flags:\n{}",
        misses.join("\n")
    );
}

#[test]
fn harmless_phrasings_raise_nothing() {
    let wrong: Vec<String> = HARMLESS
        .iter()
        .map(|text| (text, u().red_flags(text)))
        .filter(|(_, flags)| !flags.is_empty())
        .map(|(text, flags)| format!("{text:?} raised {flags:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "harmless text raised flags:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_lists_are_long_enough_and_cover_every_flag() {
    assert!(MUST_TRIGGER.len() >= 60, "{}", MUST_TRIGGER.len());
    assert!(HARMLESS.len() >= 30, "{}", HARMLESS.len());
    for flag in <RedFlag as strum::IntoEnumIterator>::iter() {
        assert!(
            MUST_TRIGGER.iter().any(|(_, f)| *f == flag),
            "no phrasing for {flag:?}"
        );
    }
}

#[test]
fn red_flags_come_sorted_and_unique() {
    let flags =
        u().red_flags("I have a fever and I was in a car crash, also a fever, and chest pain");
    assert_eq!(flags, vec![SeriousAccident, ChestPain, Fever, Injury]);
    assert!(flags.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn emergency_flags_are_the_emergency_ones() {
    let flags = u().red_flags("both my legs are numb");
    assert!(flags.iter().all(|f| f.is_emergency()));
    let flags = u().red_flags("I have a fever");
    assert_eq!(flags, vec![Fever]);
    assert!(!flags[0].is_emergency());
}

#[test]
fn a_flag_at_the_end_of_a_long_message_is_found_quickly() {
    let long = format!(
        "{}and now I can't control my bladder",
        "my back hurts a lot today ".repeat(200)
    );
    assert!(long.chars().count() > 5_000);
    let start = Instant::now();
    assert_eq!(u().red_flags(&long), vec![BladderBowel]);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn huge_and_odd_inputs_never_panic() {
    let inputs = [
        "a".repeat(50_000),
        "🔥".repeat(6_000),
        "fever ".repeat(3_000),
        "no ".repeat(5_000),
        "9".repeat(6_000),
        "-".repeat(6_000),
        "{|}*&@".repeat(1_000),
        "\u{301}\u{301}é\u{0}\n\r\t".repeat(1_000),
        "both legs numb pins and needles ".repeat(400),
    ];
    for text in &inputs {
        let start = Instant::now();
        let _ = u().red_flags(text);
        let _ = u().pain(text);
        let _ = u().yes_no(text);
        let _ = u().minutes(text);
        let _ = u().clock_time(text);
        let _ = u().is_off(text);
        let _ = u().asks_for_today(text);
        let _ = match_choice(text, &areas());
        let _ = u().match_choices(text, &areas());
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "slow on {:?}…",
            text.get(..20)
        );
    }
    assert_eq!(u().pain(&"🔥".repeat(6_000)), Err(PainError::NotANumber));
    assert_eq!(u().yes_no(&"a".repeat(50_000)), None);
    assert_eq!(u().minutes(&"🔥".repeat(6_000)), None);
    assert_eq!(u().clock_time(&"🔥".repeat(6_000)), None);
    assert!(!u().is_off(&"🔥".repeat(6_000)));
    assert!(!u().asks_for_today(&"🔥".repeat(6_000)));
    assert_eq!(match_choice(&"🔥".repeat(6_000), &areas()), None);
    assert!(u().match_choices(&"🔥".repeat(6_000), &areas()).is_err());
}

#[test]
fn pain_scores() {
    let ok: &[(&str, u8)] = &[
        ("6", 6),
        ("six", 6),
        ("Six.", 6),
        ("6/10", 6),
        ("6 / 10", 6),
        ("6 out of 10", 6),
        ("6 out of ten", 6),
        ("it's a 6", 6),
        ("about a 6 today", 6),
        ("no pain", 0),
        ("none", 0),
        ("zero", 0),
        ("0", 0),
        ("10", 10),
        ("10/10", 10),
        ("ten", 10),
        ("6-7", 7),
        ("6 or 7", 7),
        ("between 5 and 6", 6),
        ("6.0", 6),
        ("6️⃣", 6),
        ("🔟", 10),
        ("  7  ", 7),
    ];
    for (text, want) in ok {
        assert_eq!(u().pain(text), Ok(*want), "{text:?}");
    }
    let bad: &[(&str, PainError)] = &[
        ("eleven", PainError::OutOfRange),
        ("-3", PainError::OutOfRange),
        ("11", PainError::OutOfRange),
        ("11/10", PainError::OutOfRange),
        ("100", PainError::OutOfRange),
        ("99999999999999999999999999", PainError::OutOfRange),
        ("twenty one", PainError::OutOfRange),
        ("7.5", PainError::NotWhole),
        ("7,5", PainError::NotWhole),
        ("seven and a half", PainError::NotWhole),
        ("🤕", PainError::NotANumber),
        ("banana", PainError::NotANumber),
        ("", PainError::NotANumber),
        ("   ", PainError::NotANumber),
        ("it was 3 yesterday and 8 today", PainError::NotANumber),
        ("bad", PainError::NotANumber),
    ];
    for (text, want) in bad {
        assert_eq!(u().pain(text), Err(*want), "{text:?}");
    }
}

#[test]
fn yes_and_no() {
    let yes = [
        "yes",
        "Y",
        "yeah",
        "yep",
        "yup",
        "sure",
        "correct",
        "right",
        "I do",
        "it does",
        "true",
        "Yes!",
        "yes, since Monday",
        "yeah it does",
        "YES PLEASE",
        "of course",
        "I think so",
        "um yes",
        "👍",
        "yes a bit",
        "it does a bit",
    ];
    for text in yes {
        assert_eq!(u().yes_no(text), Some(YesNo::Yes), "{text:?}");
    }
    let no = [
        "no",
        "n",
        "nope",
        "nah",
        "not really",
        "I don't",
        "it doesn't",
        "No.",
        "no it doesn't",
        "nope, not at all",
        "I do not",
        "it does not",
        "never",
        "👎",
        "no thanks",
        "I don't have cancer",
    ];
    for text in no {
        assert_eq!(u().yes_no(text), Some(YesNo::No), "{text:?}");
    }
    let neither = [
        "",
        "maybe",
        "not sure",
        "I don't know",
        "no idea",
        "banana",
        "yes and no",
        "🙂",
        "sometimes",
        "6",
        "lower back",
        "kind of",
        "I did yoga for 30 minutes",
        "I don't know, it does sometimes",
    ];
    for text in neither {
        assert_eq!(u().yes_no(text), None, "{text:?}");
    }
}

#[test]
fn session_minutes() {
    let ok: &[(&str, u16)] = &[
        ("45", 45),
        ("45 min", 45),
        ("45 minutes", 45),
        ("45mins", 45),
        ("an hour", 60),
        ("1 hour", 60),
        ("1h", 60),
        ("1 hr", 60),
        ("1.5 hours", 90),
        ("1,5 hours", 90),
        ("90m", 90),
        ("half an hour", 30),
        ("half hour", 30),
        ("two hours", 120),
        ("forty-five minutes", 45),
        ("forty five", 45),
        ("an hour and a half", 90),
        ("one and a half hours", 90),
        ("1h30", 90),
        ("1 hour 30 minutes", 90),
        ("1:30", 90),
        ("about 45 minutes usually", 45),
        ("45-60 minutes", 45),
        ("45 minutes to an hour", 45),
        ("an hour or two", 60),
        ("1h - 2h", 60),
        ("an hour and a half or so", 90),
        ("a quarter of an hour", 15),
        ("three quarters of an hour", 45),
        ("10 hours", 600),
        ("5", 5),
    ];
    for (text, want) in ok {
        assert_eq!(u().minutes(text), Some(*want), "{text:?}");
    }
    for text in [
        "", "banana", "0", "2", "11 hours", "1000", "-30", "a lot", "🏃", "none",
    ] {
        assert_eq!(u().minutes(text), None, "{text:?}");
    }
}

#[test]
fn clock_times() {
    let ok: &[(&str, Time)] = &[
        ("07:30", time(7, 30, 0, 0)),
        ("7:30", time(7, 30, 0, 0)),
        ("7.30", time(7, 30, 0, 0)),
        ("7pm", time(19, 0, 0, 0)),
        ("7 pm", time(19, 0, 0, 0)),
        ("7 p.m.", time(19, 0, 0, 0)),
        ("7:30pm", time(19, 30, 0, 0)),
        ("7:30 PM", time(19, 30, 0, 0)),
        ("7am", time(7, 0, 0, 0)),
        ("12am", time(0, 0, 0, 0)),
        ("12pm", time(12, 0, 0, 0)),
        ("19", time(19, 0, 0, 0)),
        ("19h", time(19, 0, 0, 0)),
        ("19h30", time(19, 30, 0, 0)),
        ("noon", time(12, 0, 0, 0)),
        ("midnight", time(0, 0, 0, 0)),
        ("0730", time(7, 30, 0, 0)),
        ("1930", time(19, 30, 0, 0)),
        ("at 8 please", time(8, 0, 0, 0)),
        ("7 in the morning", time(7, 0, 0, 0)),
        ("9 at night", time(21, 0, 0, 0)),
        ("seven thirty", time(7, 30, 0, 0)),
        ("half past seven", time(7, 30, 0, 0)),
        ("quarter to 8 pm", time(19, 45, 0, 0)),
        ("7 o'clock", time(7, 0, 0, 0)),
        ("nineteen hundred", time(19, 0, 0, 0)),
        ("12 noon", time(12, 0, 0, 0)),
        ("12 midnight", time(0, 0, 0, 0)),
        ("1900 hours", time(19, 0, 0, 0)),
        ("00:00", time(0, 0, 0, 0)),
        ("23:59", time(23, 59, 0, 0)),
    ];
    for (text, want) in ok {
        assert_eq!(u().clock_time(text), Some(*want), "{text:?}");
    }
    let bad = [
        "", "banana", "25", "24:30", "7:60", "13pm", "7.5", "-7", "7 or 8", "🙂", "99:99", "off",
        "0pm",
    ];
    for text in bad {
        assert_eq!(u().clock_time(text), None, "{text:?}");
    }
}

#[test]
fn reminder_off() {
    for text in [
        "off",
        "OFF",
        "none",
        "no",
        "stop",
        "never",
        "no reminder",
        "disable",
        "No reminders, thanks",
        "turn it off please",
        "don't remind me",
        "/remind off",
    ] {
        assert!(u().is_off(text), "{text:?}");
    }
    for text in [
        "",
        "07:30",
        "7pm",
        "on",
        "yes",
        "remind me at 8",
        "not today but tomorrow",
        "🙂",
    ] {
        assert!(!u().is_off(text), "{text:?}");
    }
}

#[test]
fn asks_for_today() {
    for text in [
        "what can I do today?",
        "What can i do today",
        "can I work out?",
        "can i workout",
        "what should I do",
        "can i exercise today",
        "can i excercise today?",
        "plan",
        "Plan?",
        "what's my plan",
        "what is my plan for today",
        "should i train today",
        "is it ok to run today?",
        "today",
        "am I allowed to go to the gym",
        "any advice for today?",
        "what exercises can I do",
        "can I still lift?",
    ] {
        assert!(u().asks_for_today(text), "{text:?}");
    }
    for text in [
        "",
        "6",
        "lower back",
        "yes",
        "I went for a run",
        "I can't work out why it hurts",
        "I can do it",
        "today was hard",
        "I plan to rest",
        "🙂",
        "what?",
        "07:30",
    ] {
        assert!(!u().asks_for_today(text), "{text:?}");
    }
}

fn areas() -> Vec<Choice<'static>> {
    static NECK: OnceLock<Vec<String>> = OnceLock::new();
    let neck = NECK.get_or_init(|| vec!["cervical".to_string()]);
    vec![
        Choice {
            key: "lower_back",
            label: "Lower back",
            aliases: &[],
        },
        Choice {
            key: "middle_upper_back",
            label: "Middle or upper back",
            aliases: &[],
        },
        Choice {
            key: "neck",
            label: "Neck",
            aliases: neck,
        },
    ]
}

fn activities() -> Vec<Choice<'static>> {
    static ALIASES: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    let a = ALIASES.get_or_init(|| {
        vec![
            vec!["weights".into(), "gym".into(), "lifting".into()],
            vec!["jogging".into()],
            vec!["pins and needles".into()],
        ]
    });
    vec![
        Choice {
            key: "weight_lifting",
            label: "🏋️ Weight lifting",
            aliases: &a[0],
        },
        Choice {
            key: "running",
            label: "Running",
            aliases: &a[1],
        },
        Choice {
            key: "cycling",
            label: "Cycling",
            aliases: &[],
        },
        Choice {
            key: "swimming",
            label: "Swimming",
            aliases: &[],
        },
        Choice {
            key: "team_sports",
            label: "Team sports",
            aliases: &[],
        },
        Choice {
            key: "yoga_pilates",
            label: "Yoga or pilates",
            aliases: &[],
        },
        Choice {
            key: "walking",
            label: "Walking",
            aliases: &[],
        },
        Choice {
            key: "burning_tingling",
            label: "Burning or tingling",
            aliases: &a[2],
        },
        Choice {
            key: "none",
            label: "None of these",
            aliases: &[],
        },
    ]
}

#[test]
fn match_one_choice() {
    let areas = areas();
    let ok = [
        ("lower back", "lower_back"),
        ("Lower Back", "lower_back"),
        ("lower_back", "lower_back"),
        ("LOWER-BACK!!", "lower_back"),
        ("my lower back", "lower_back"),
        ("it's my lower back really", "lower_back"),
        ("lowr bak", "lower_back"),
        ("lower", "lower_back"),
        ("upper back", "middle_upper_back"),
        ("middle", "middle_upper_back"),
        ("neck", "neck"),
        ("Nëck", "neck"),
        ("cervical", "neck"),
        ("nekc", "neck"),
        ("middel or uper back", "middle_upper_back"),
    ];
    for (text, want) in ok {
        assert_eq!(match_choice(text, &areas), Some(want), "{text:?}");
    }
    for text in ["back", "", "banana", "knee", "🙂", "lower back and neck"] {
        assert_eq!(match_choice(text, &areas), None, "{text:?}");
    }
    // A misspelling keeps its first letter: "morning" is two edits from "burning".
    let feelings = [
        Choice {
            key: "dull_ache",
            label: "Dull ache or stiffness",
            aliases: &[],
        },
        Choice {
            key: "sharp",
            label: "Sharp",
            aliases: &[],
        },
        Choice {
            key: "burning_tingling",
            label: "Burning or tingling",
            aliases: &[],
        },
    ];
    assert_eq!(match_choice("in the morning", &feelings), None);
    assert_eq!(match_choice("burnin", &feelings), Some("burning_tingling"));
    let acts = activities();
    assert_eq!(
        match_choice("weight lifting", &acts),
        Some("weight_lifting")
    );
    assert_eq!(match_choice("the gym", &acts), Some("weight_lifting"));
    assert_eq!(match_choice("yoga", &acts), Some("yoga_pilates"));
    assert_eq!(match_choice("I do pilates", &acts), Some("yoga_pilates"));
    assert_eq!(match_choice("swiming", &acts), Some("swimming"));
    assert_eq!(match_choice("none", &acts), Some("none"));
    assert_eq!(match_choice("none of these", &acts), Some("none"));
    assert_eq!(match_choice("skiing", &acts), None);

    let worst = [
        Choice {
            key: "morning",
            label: "In the morning",
            aliases: &[],
        },
        Choice {
            key: "after_sitting",
            label: "After sitting",
            aliases: &[],
        },
        Choice {
            key: "moving",
            label: "When moving",
            aliases: &[],
        },
        Choice {
            key: "night_rest",
            label: "At night or at rest",
            aliases: &[],
        },
    ];
    assert_eq!(match_choice("mornings", &worst), Some("morning"));
    assert_eq!(
        match_choice("after sitting for a while", &worst),
        Some("after_sitting")
    );
    assert_eq!(
        match_choice("mostly when moving around", &worst),
        Some("moving")
    );
    assert_eq!(match_choice("at night", &worst), Some("night_rest"));
    // Little words shared by chance with one label pick nothing.
    assert_eq!(match_choice("when i wake up", &worst), None);
    assert_eq!(match_choice("all the time", &worst), None);
}

#[test]
fn match_several_choices() {
    let acts = activities();
    assert_eq!(
        u().match_choices("walking and swimming", &acts),
        Ok(vec!["walking", "swimming"])
    );
    assert_eq!(
        u().match_choices("running, weights & yoga", &acts),
        Ok(vec!["running", "weight_lifting", "yoga_pilates"])
    );
    assert_eq!(
        u().match_choices("cycling + swimming / walking", &acts),
        Ok(vec!["cycling", "swimming", "walking"])
    );
    assert_eq!(
        u().match_choices("running\nrunning\njogging", &acts),
        Ok(vec!["running"])
    );
    assert_eq!(u().match_choices("swimming", &acts), Ok(vec!["swimming"]));
    assert_eq!(
        u().match_choices("pins and needles", &acts),
        Ok(vec!["burning_tingling"])
    );
    assert_eq!(
        u().match_choices("Burning and tingling", &acts),
        Ok(vec!["burning_tingling"])
    );
    assert_eq!(
        u().match_choices("walking, skiing", &acts),
        Err("skiing".to_string())
    );
    assert_eq!(
        u().match_choices("walking and skiing", &acts),
        Err("skiing".to_string())
    );
    assert_eq!(u().match_choices("", &acts), Err(String::new()));
    assert_eq!(u().match_choices(" , ,", &acts), Err(", ,".to_string()));
}

/// A copy of the real data with one edit, for load-error tests.
fn edited(from: &str, to: &str) -> String {
    assert!(DATA.contains(from), "test edit not found: {from}");
    DATA.replacen(from, to, 1)
}

fn load_error(text: &str) -> backcheck::script::DialogError {
    match Understanding::from_toml(text, "understand.toml") {
        Ok(_) => panic!("expected a load error"),
        Err(e) => e,
    }
}

#[test]
fn data_errors_name_the_file_and_key() {
    let e = load_error(&edited("[red_flags.fever]", "[red_flags.fevr]"));
    assert_eq!(e.file, "understand.toml");
    assert_eq!(e.key, "red_flags.fevr");
    assert!(e.reason.contains("not a red flag"), "{}", e.reason);

    let e = load_error(&edited(
        "[red_flags.night_pain]",
        "[other_flags.night_pain]",
    ));
    assert_eq!(e.key, "other_flags");

    let e = load_error(&edited(
        "[red_flags.swelling]\npatterns",
        "[red_flags.swelling]\npaterns",
    ));
    assert_eq!(e.key, "red_flags.swelling.paterns");

    let e = load_error(&edited("\"fever*\",\n", "\"{fever*\",\n"));
    assert_eq!(e.key, "red_flags.fever.patterns");
    assert!(e.reason.contains("item 1"), "{}", e.reason);

    let e = load_error(&edited("\"fever*\",\n", "\"@feverish\",\n"));
    assert!(e.reason.contains("unknown group"), "{}", e.reason);

    let e = load_error(&edited("\"fever*\",\n", "\"cannot fever\",\n"));
    assert!(e.reason.contains("cant"), "{}", e.reason);

    let e = load_error(&edited(
        "midnight = [\"midnight\"]",
        "midnight = [\"12 midnight\"]",
    ));
    assert_eq!(e.key, "clock.midnight");
    assert!(e.reason.contains("numbers"), "{}", e.reason);

    let e = load_error(&edited("gap = 3", "gap = \"three\""));
    assert_eq!(e.key, "matching.gap");

    let e = load_error(&edited("\n[text]\n", "\n[txt]\n"));
    assert_eq!(e.key, "txt");

    let e = load_error("[text\n");
    assert_eq!(e.file, "understand.toml");
    assert!(e.key.starts_with("line"), "{}", e.key);
}

#[test]
fn command_names_are_one_word_each_for_a_known_command() {
    let names = "[commands.names]\n";
    let e = load_error(&edited(names, "[commands.names]\nhelpme = [\"x\"]\n"));
    assert_eq!(e.key, "commands.names.helpme");
    assert!(e.reason.contains("unknown"), "{}", e.reason);

    let e = load_error(&edited(names, "[commands.names]\nhelp = [\"help me\"]\n"));
    assert_eq!(e.key, "commands.names.help");
    assert!(e.reason.contains("not one word"), "{}", e.reason);

    let e = load_error(&edited(names, "[commands.names]\nhelp = [\"Today\"]\n"));
    assert_eq!(e.key, "commands.names.help");
    assert!(
        e.reason.contains("already a command's name"),
        "{}",
        e.reason
    );

    // "plan" is /today's already.
    let e = load_error(&edited(names, "[commands.names]\nhelp = [\"Plan\"]\n"));
    assert_eq!(e.key, "commands.names.help");
    assert!(e.reason.contains("/today"), "{}", e.reason);
}

#[test]
fn every_red_flag_needs_patterns() {
    let start = DATA.find("[red_flags.night_pain]").unwrap();
    let without_night = &DATA[..start];
    let e = load_error(without_night);
    assert_eq!(e.key, "red_flags.night_pain");
    assert!(e.reason.contains("missing"), "{}", e.reason);
}

#[test]
fn understanding_is_clone_and_debug() {
    let copy = u().clone();
    assert_eq!(copy.red_flags("got a fever"), vec![Fever]);
    assert!(!format!("{copy:?}").is_empty());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever people type, nothing panics and every answer stays in its range.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let flags = u().red_flags(&text);
        proptest::prop_assert!(flags.windows(2).all(|w| w[0] < w[1]));
        if let Ok(score) = u().pain(&text) {
            proptest::prop_assert!(score <= 10);
        }
        if let Some(m) = u().minutes(&text) {
            proptest::prop_assert!((5..=600).contains(&m));
        }
        let _ = u().yes_no(&text);
        let _ = u().clock_time(&text);
        let _ = u().is_off(&text);
        let _ = u().asks_for_today(&text);
        if let Some(key) = match_choice(&text, &activities()) {
            proptest::prop_assert!(activities().iter().any(|c| c.key == key));
        }
        let _ = u().match_choices(&text, &activities());
    }

    /// Typed answers made of the bot's own vocabulary, in any mix, never panic either.
    #[test]
    fn word_salad_never_panics(words in proptest::collection::vec(
        proptest::sample::select(vec![
            "no", "not", "both", "legs", "numb", "fever", "&", "{", "}", "*", "@", "-3", "7.30",
            "6/10", "and", "a", "half", "hour", "pm", "can't", "bladder", "fell", ",", ".", "😀",
        ]),
        0..60,
    )) {
        let text = words.join(" ");
        let _ = u().red_flags(&text);
        let _ = u().pain(&text);
        let _ = u().minutes(&text);
        let _ = u().clock_time(&text);
        let _ = u().yes_no(&text);
    }
}
