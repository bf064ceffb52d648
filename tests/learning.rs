//! Personalisation from history, end to end through the Engine with the injected clock
//! (TRIAGE.md, "Personalisation, from history"): an activity reported as making the pain worse
//! is left out for 14 days and the plan says so; "worse" keeps the next days gentle, and
//! "worse" two check-ins in a row gives an active rest day.
//!
//! The Harness clock starts on Monday 2026-03-02, 08:00 UTC (09:00 in Europe/Berlin, the
//! same date), and `onboard` gives a user whose usual activities are running and cycling,
//! 60 min, cleared by a doctor, no cancer history.

mod common;

use backcheck::model::{Level, Question};
use backcheck::store::Store;
use common::Harness;

/// The check-in questions, to recognise the one being asked by its prompt.
const CHECKIN: [Question; 9] = [
    Question::Pain,
    Question::Area,
    Question::Spreads,
    Question::Feeling,
    Question::Worst,
    Question::Episode,
    Question::RedFlags,
    Question::Yesterday,
    Question::WorseActivity,
];

/// The check-in question asked by the last replies, if any.
fn asked(h: &Harness) -> Option<Question> {
    let script = common::script();
    CHECKIN.into_iter().find(|&q| {
        let prompt = &script.question(q).prompt;
        h.last.iter().any(|r| r.body() == prompt)
    })
}

/// Runs today's check-in as user 1, answering whatever is asked next from its prompt: `pain`,
/// lower back, not spreading, dull ache, in the morning, started today, no red flags; for
/// "how did yesterday go" the button `yesterday`, and for "which activity made it worse" the
/// button `worse`. A question that gets no answer from the arguments fails the test.
/// Returns the questions asked, in order; the plan is in `h.last` afterwards.
fn check_in(
    h: &mut Harness,
    pain: u8,
    yesterday: Option<&str>,
    worse: Option<&str>,
) -> Vec<Question> {
    h.say("/checkin");
    let mut questions = Vec::new();
    while h.plan_level().is_none() {
        let q = asked(h).unwrap_or_else(|| panic!("no question and no plan:\n{}", h.text()));
        assert!(
            !questions.contains(&q),
            "{q:?} asked twice (a re-ask?):\n{}",
            h.text()
        );
        questions.push(q);
        let unexpected = || -> &str { panic!("unexpected question {q:?}:\n{}", h.text()) };
        let label = match q {
            Question::Pain => pain.to_string(),
            Question::Area => "Lower back".into(),
            Question::Spreads => "No".into(),
            Question::Feeling => "Dull ache or stiffness".into(),
            Question::Worst => "In the morning".into(),
            Question::Episode => "Started today".into(),
            Question::RedFlags => "None of these".into(),
            Question::Yesterday => yesterday.unwrap_or_else(unexpected).into(),
            Question::WorseActivity => worse.unwrap_or_else(unexpected).into(),
            _ => unexpected().into(),
        };
        h.press(&label);
    }
    questions
}

/// The plan message among the last replies (the reply that starts with a plan heading).
fn plan(h: &Harness) -> String {
    h.last
        .iter()
        .map(|r| r.body())
        .find(|b| {
            let first = b.lines().next().unwrap_or("");
            common::HEADINGS
                .iter()
                .any(|(heading, _)| *heading == first)
        })
        .unwrap_or_else(|| panic!("no plan in:\n{}", h.text()))
        .to_string()
}

/// The activities of the plan's "what to do" section, the paragraph that starts with
/// "Today, pick one:" or "Today:": the names of its bullet lines ("• Running, 30 min, ..."
/// gives "Running"). Empty when the plan has no session (an active rest day).
fn suggestions(h: &Harness) -> Vec<String> {
    let text = plan(h);
    let Some(section) = text
        .split("\n\n")
        .find(|p| p.starts_with("Today, pick one:\n") || p.starts_with("Today:\n"))
    else {
        return Vec::new();
    };
    section
        .lines()
        .filter_map(|l| l.strip_prefix("• "))
        .map(|l| l.split(',').next().unwrap_or("").to_string())
        .collect()
}

/// Asserts the plan's level, its "because" sentence and its suggested activities, in order.
#[track_caller]
fn assert_plan(h: &Harness, level: Level, because: &str, suggested: &[&str]) {
    let text = plan(h);
    assert_eq!(h.plan_level(), Some(level), "{text}");
    assert!(text.contains(because), "expected {because:?} in:\n{text}");
    assert_eq!(suggestions(h), suggested, "suggestions of:\n{text}");
}

/// How many "I left out ..." sentences the plan has.
fn left_out_count(h: &Harness) -> usize {
    plan(h).matches("I left out ").count()
}

const GENTLE_MENU: [&str; 5] = [
    "Walking",
    "Aquatic exercise",
    "Light stretching",
    "Beginners' yoga",
    "Gentle core support work",
];

/// Day 1 for every test: pain 2 on Monday 2 March, the first painful day (so the episode
/// question is asked, and there is no plan from yesterday to ask about).
fn day_one(h: &mut Harness) {
    h.onboard(1);
    let asked = check_in(h, 2, None, None);
    assert!(asked.contains(&Question::Episode), "{asked:?}");
    assert!(!asked.contains(&Question::Yesterday), "{asked:?}");
    assert_plan(
        h,
        Level::Lighter,
        "Because you rated your pain 2.",
        &["Running", "Cycling", "Gentle core support work"],
    );
    h.expect("• Running, 30 min, at a clearly lower intensity than usual");
    assert_eq!(left_out_count(h), 0, "{}", h.text());
}

/// Day 2, Tuesday 3 March: pain 2, yesterday went worse, and running did it.
fn day_two_running_worse(h: &mut Harness) {
    h.next_day(1);
    let asked = check_in(h, 2, Some("Worse"), Some("Running"));
    assert!(
        !asked.contains(&Question::Episode),
        "the episode continues from Monday: {asked:?}"
    );
    assert_eq!(
        asked[asked.len() - 2..],
        [Question::Yesterday, Question::WorseActivity]
    );
}

#[test]
fn running_made_it_worse_on_day_two_and_is_left_out_on_the_days_after() {
    let mut h = Harness::new();
    day_one(&mut h);

    // Day 2 (Tuesday): "worse" today starts the 3 days of TRIAGE rule 5: Gentle although the
    // pain is only 2. The Gentle menu never holds running, so nothing had to be left out and
    // the plan has no left-out sentence; running is not suggested.
    day_two_running_worse(&mut h);
    assert_plan(
        &h,
        Level::Gentle,
        "Because your activity made it worse yesterday.",
        &GENTLE_MENU,
    );
    assert_eq!(left_out_count(&h), 0, "{}", h.text());
    let day = h
        .store
        .day(1, jiff::civil::date(2026, 3, 3))
        .unwrap()
        .unwrap();
    assert_eq!(day.level, Level::Gentle);

    // Day 3 (Wednesday): the report was made 1 day ago, still within the 3 days
    // (`worse_reports_recently` looks at reports made 1 or 2 days ago): Gentle. The activity
    // day was Monday, 2 days ago.
    h.next_day(1);
    let asked = check_in(&mut h, 1, Some("About the same"), None);
    assert!(!asked.contains(&Question::Episode), "{asked:?}");
    assert_plan(
        &h,
        Level::Gentle,
        "Because your activity made it worse on Monday.",
        &GENTLE_MENU,
    );
    assert_eq!(left_out_count(&h), 0, "{}", h.text());

    // Day 4 (Thursday): the report was made 2 days ago, the third and last day of the rule:
    // Gentle again.
    h.next_day(1);
    check_in(&mut h, 2, Some("About the same"), None);
    assert_plan(
        &h,
        Level::Gentle,
        "Because your activity made it worse on Monday.",
        &GENTLE_MENU,
    );
    assert_eq!(left_out_count(&h), 0, "{}", h.text());

    // Day 5 (Friday): the report is 3 days old, so the gentle days are over and pain 3 gives
    // Lighter, whose session is the usual activities: running would be suggested, but it is
    // still within its 14 days, so it is left out, and the plan says why and when.
    h.next_day(1);
    check_in(&mut h, 3, Some("About the same"), None);
    assert_plan(
        &h,
        Level::Lighter,
        "Because you rated your pain 3.",
        &["Cycling", "Gentle core support work"],
    );
    h.expect("Today:\n• Cycling, 30 min, at a clearly lower intensity than usual");
    h.expect("I left out running because it made your back worse on Monday.");
    assert_eq!(left_out_count(&h), 1, "{}", h.text());
}

#[test]
fn worse_two_check_ins_in_a_row_gives_an_active_rest_day() {
    let mut h = Harness::new();
    day_one(&mut h);
    day_two_running_worse(&mut h);
    assert_eq!(h.plan_level(), Some(Level::Gentle), "{}", h.text());

    // Day 3 (Wednesday): worse again, after Tuesday's gentle walk (offered first among the
    // activities, as it was in yesterday's plan). Pain 2 alone would be Lighter.
    h.next_day(1);
    let asked = check_in(&mut h, 2, Some("Worse"), Some("Walking"));
    assert!(asked.contains(&Question::WorseActivity), "{asked:?}");
    assert_plan(
        &h,
        Level::ActiveRest,
        "Because your activity made it worse two check-ins in a row.",
        &[],
    );
    h.expect("not a bed-rest day");

    // Day 4 (Thursday): the first day back from active rest is Gentle; walking (reported on
    // Wednesday about Tuesday) is now left out of the gentle menu, and said so.
    h.next_day(1);
    check_in(&mut h, 2, Some("About the same"), None);
    assert_plan(
        &h,
        Level::Gentle,
        "you are coming back from an active rest day",
        &GENTLE_MENU[1..],
    );
    h.expect("I left out walking because it made your back worse on Tuesday.");
    assert_eq!(left_out_count(&h), 1, "{}", h.text());
}

#[test]
fn running_comes_back_on_the_fifteenth_day_after_the_report() {
    let mut h = Harness::new();
    day_one(&mut h);
    day_two_running_worse(&mut h);

    // Tuesday 17 March, 14 days after the report (made on 3 March): the last day of the
    // 14-day window. No check-in since the report, so the last painful day is 14 days old:
    // the episode does not continue (its length is asked again), and there was no plan
    // yesterday (no "how did yesterday go"). Pain 2: Lighter, running still left out; the
    // activity day, 2 March, is 15 days ago, so it is named by its date.
    h.next_day(14);
    let asked = check_in(&mut h, 2, None, None);
    assert!(asked.contains(&Question::Episode), "{asked:?}");
    assert!(!asked.contains(&Question::Yesterday), "{asked:?}");
    assert_plan(
        &h,
        Level::Lighter,
        "Because you rated your pain 2.",
        &["Cycling", "Gentle core support work"],
    );
    h.expect("I left out running because it made your back worse on 2 March.");

    // Wednesday 18 March, the 15th day after the report: running is suggested again and
    // nothing is left out. The episode continues from yesterday; yesterday had a plan.
    h.next_day(1);
    let asked = check_in(&mut h, 2, Some("About the same"), None);
    assert!(!asked.contains(&Question::Episode), "{asked:?}");
    assert!(asked.contains(&Question::Yesterday), "{asked:?}");
    assert_plan(
        &h,
        Level::Lighter,
        "Because you rated your pain 2.",
        &["Running", "Cycling", "Gentle core support work"],
    );
    assert_eq!(left_out_count(&h), 0, "{}", h.text());
}
