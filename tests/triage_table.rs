//! The triage table: every rule of ../shared/TRIAGE.md as a row a clinician can read, with
//! today's answers, the profile facts and a compact history in, and the level, reasons and
//! notes out. Today is always Wednesday 12 March 2025; history is written as "days ago".
//!
//! In triage_table/: rows.rs holds the rows; languages.rs runs each of them through the
//! Engine in English and in German; contents.rs pins down what each plan contains
//! (durations, the avoid list, home therapies, notes, the episode start) and that the same
//! inputs give the same plan; properties.rs holds the promises that hold for every input.
//! The table's imports serve them all (`use super::*`).

use backcheck::model::Activity::*;
use backcheck::model::Area::*;
use backcheck::model::Cleared::*;
use backcheck::model::Episode::*;
use backcheck::model::Feeling::*;
use backcheck::model::Level::*;
use backcheck::model::Outcome::*;
use backcheck::model::RedFlag::*;
use backcheck::model::{
    Activity, CheckIn, DayRecord, Episode, Level, Outcome, Profile, RedFlag, Worst,
};
use backcheck::triage::{
    Intensity, Item, LeftOut, Plan, Reason, Todo, Urgency, episode_start, triage,
};
use jiff::civil::Date;

/// Row, Past, row(), rows() and their builders.
#[path = "triage_table/rows.rs"]
mod rows;
use rows::*;

/// Every row through the Engine, in English and in German.
#[path = "triage_table/languages.rs"]
mod languages;

/// What the plans contain, focused test by test.
#[path = "triage_table/contents.rs"]
mod contents;

/// Properties over random answers and histories.
#[path = "triage_table/properties.rs"]
mod properties;

/// The plan for one row.
fn plan_of(row: &Row) -> Plan {
    let history: Vec<DayRecord> = row.history.iter().map(Past::record).collect();
    triage(
        &profile(row.cleared, row.cancer, row.usual),
        &checkin_of(row),
        &history,
        TODAY,
    )
}

/// The activities of today's session options, in order (none when there is no session).
fn option_activities(plan: &Plan) -> Vec<Activity> {
    match &plan.todo {
        Todo::Session { options, .. } => options.iter().map(|i| i.activity).collect(),
        _ => Vec::new(),
    }
}

/// What TRIAGE.md fixes for every plan of a level, whatever decided it: the kind of todo,
/// the avoid list, home therapies and the stop rule. Returns a description of each mismatch.
fn level_contents_mismatches(plan: &Plan) -> Vec<String> {
    let (todo_ok, avoid, home, stop) = match plan.level {
        Emergency => (plan.todo == Todo::Nothing, &[][..], false, false),
        SeeDoctor => (
            plan.todo == Todo::EverydayMovement,
            &BACK_AVOID[..],
            false,
            false,
        ),
        ActiveRest => (plan.todo == Todo::ActiveRest, &FULL_AVOID[..], true, true),
        Gentle => (
            matches!(plan.todo, Todo::Session { .. }),
            &FULL_AVOID[..],
            true,
            true,
        ),
        Lighter => (
            matches!(plan.todo, Todo::Session { .. }),
            &BACK_AVOID[..],
            true,
            true,
        ),
        Usual => (
            matches!(plan.todo, Todo::Session { .. }),
            &[][..],
            false,
            true,
        ),
    };
    let mut problems = Vec::new();
    if !todo_ok {
        problems.push(format!(
            "todo {:?} does not fit {:?}",
            plan.todo, plan.level
        ));
    }
    if plan.avoid != avoid {
        problems.push(format!("avoid {:?}, expected {avoid:?}", plan.avoid));
    }
    if plan.home_therapies != home {
        problems.push(format!("home_therapies {}", plan.home_therapies));
    }
    if plan.stop_rule != stop {
        problems.push(format!("stop_rule {}", plan.stop_rule));
    }
    if (plan.level == SeeDoctor) != plan.urgency.is_some() {
        problems.push(format!("urgency {:?} on {:?}", plan.urgency, plan.level));
    }
    problems
}

#[test]
fn triage_table() {
    let rows = rows();
    assert!(rows.len() >= 45, "the table has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let plan = plan_of(row);
        let mut problems = level_contents_mismatches(&plan);
        let mut check = |name: &str, ok: bool, got: String, want: String| {
            if !ok {
                problems.push(format!("{name}: got {got}, expected {want}"));
            }
        };
        check(
            "level",
            plan.level == row.level,
            format!("{:?}", plan.level),
            format!("{:?}", row.level),
        );
        check(
            "reasons",
            plan.reasons == row.reasons,
            format!("{:?}", plan.reasons),
            format!("{:?}", row.reasons),
        );
        check(
            "urgency",
            plan.urgency == row.urgency,
            format!("{:?}", plan.urgency),
            format!("{:?}", row.urgency),
        );
        let left_out: Vec<LeftOut> = row
            .left_out
            .iter()
            .map(|&(activity, n)| LeftOut {
                activity,
                reported: ago(n),
            })
            .collect();
        check(
            "left out",
            plan.left_out == left_out,
            format!("{:?}", plan.left_out),
            format!("{left_out:?}"),
        );
        if let Some(avoid) = &row.avoid {
            check(
                "avoid",
                &plan.avoid == avoid,
                format!("{:?}", plan.avoid),
                format!("{avoid:?}"),
            );
        }
        for (name, got, want) in [
            (
                "long-episode note",
                plan.long_episode_note,
                row.long_episode_note,
            ),
            ("clearance note", plan.clearance_note, row.clearance_note),
            ("build-up note", plan.build_up_note, row.build_up_note),
        ] {
            check(name, got == want, got.to_string(), want.to_string());
        }
        if let Some(options) = &row.options {
            let got = option_activities(&plan);
            check(
                "options",
                &got == options,
                format!("{got:?}"),
                format!("{options:?}"),
            );
        }
        let preferred = plan.preferred.map(|p| (p.activity, p.times));
        check(
            "preferred",
            preferred == row.preferred,
            format!("{preferred:?}"),
            format!("{:?}", row.preferred),
        );
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", row.what, problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
