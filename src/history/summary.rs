//! The weekly summary: the week's pain against the week before, how many days were checked
//! in, what went better and what made it worse, and one suggestion.
//!
//! The week is the 7 dates ending today. "What helped" uses the credits of the triage rule
//! (`triage::better_credits`): a "better" answer given this week credits each activity the
//! session of the day before offered. "What made it worse" counts this week's "worse"
//! answers that named an activity.
//!
//! The suggestion is the first of these that applies:
//! 1. `SeeDoctor`: a check-in this week said to see a doctor or get urgent help;
//! 2. `CheckInMore`: fewer than 4 of the 7 days have a check-in;
//! 3. `PainRising`: the average pain is at least a point above last week's;
//! 4. `AvoidActivity`: an activity made it worse at least twice (the most often reported;
//!    a tie goes to the first in `Activity` order);
//! 5. `KeepActivity`: an activity went better at least twice, more often than any other;
//! 6. `PainFalling`: the average pain is at least a point below last week's;
//! 7. `KeepGoing`: otherwise.

use std::collections::BTreeMap;

use jiff::civil::Date;
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::stats::{Trend, Weeks, weeks};
use super::{Window, by_date};
use crate::model::{Activity, DayRecord, Level, Outcome};
use crate::script::render::join_list;
use crate::script::{Script, fill};
use crate::triage::better_credits;

/// Days of the week.
const WEEK: u16 = 7;
/// Fewer check-ins than this in a week, and the suggestion is to check in more.
const ENOUGH_CHECK_INS: u32 = 4;
/// Reports a week before an activity is named in a suggestion.
const AVOID_AFTER: u32 = 2;
const KEEP_AFTER: u32 = 2;

/// The one suggestion a weekly summary ends with; history.toml words each one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumString, IntoStaticStr, EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Suggestion {
    SeeDoctor,
    CheckInMore,
    PainRising,
    AvoidActivity,
    KeepActivity,
    PainFalling,
    KeepGoing,
}

/// A week in numbers, with its suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySummary {
    /// The 7 dates ending today.
    pub window: Window,
    /// Dates of the week with a check-in.
    pub checked_in: u32,
    /// This week's and last week's average pain.
    pub weeks: Weeks,
    /// "Went better" credits of this week, most first.
    pub helped: Vec<(Activity, u32)>,
    /// "Made it worse" reports of this week, most first.
    pub made_worse: Vec<(Activity, u32)>,
    pub suggestion: Suggestion,
    /// The activity the suggestion names, with its count (AvoidActivity, KeepActivity).
    pub about: Option<(Activity, u32)>,
}

/// The summary of the week ending `today`.
pub fn weekly_summary(records: &[DayRecord], today: Date) -> WeeklySummary {
    let days = by_date(records, today);
    let window = Window::ending(today, WEEK);
    let week: Vec<&DayRecord> = days
        .range(window.first..=window.last)
        .map(|(_, r)| *r)
        .collect();
    let checked_in = u32::try_from(week.len()).unwrap_or(u32::MAX);
    let weeks = weeks(records, today);

    let reports = week.iter().map(|r| (r.date, &r.checkin));
    let helped = ranked(better_credits(reports, |date| days.get(&date).copied()));
    let mut worse: BTreeMap<Activity, u32> = BTreeMap::new();
    for r in &week {
        if let (Some(Outcome::Worse), Some(a)) = (r.checkin.yesterday, r.checkin.worse_activity) {
            *worse.entry(a).or_insert(0) += 1;
        }
    }
    let made_worse = ranked(worse);

    let doctor = week
        .iter()
        .any(|r| matches!(r.level, Level::Emergency | Level::SeeDoctor));
    let (suggestion, about) = suggest(doctor, checked_in, &weeks, &helped, &made_worse);
    WeeklySummary {
        window,
        checked_in,
        weeks,
        helped,
        made_worse,
        suggestion,
        about,
    }
}

/// Counts as a list, most first, ties in `Activity` order.
fn ranked(counts: BTreeMap<Activity, u32>) -> Vec<(Activity, u32)> {
    let mut list: Vec<(Activity, u32)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

/// The first suggestion of the module docs that applies.
fn suggest(
    doctor: bool,
    checked_in: u32,
    weeks: &Weeks,
    helped: &[(Activity, u32)],
    made_worse: &[(Activity, u32)],
) -> (Suggestion, Option<(Activity, u32)>) {
    let trend = weeks.trend();
    let avoid = made_worse.first().filter(|(_, n)| *n >= AVOID_AFTER);
    // The top helper must stand out: a tie cannot say which activity helped.
    let keep = match helped {
        [(a, n), rest @ ..] if *n >= KEEP_AFTER && rest.first().is_none_or(|r| r.1 < *n) => {
            Some((*a, *n))
        }
        _ => None,
    };
    if doctor {
        (Suggestion::SeeDoctor, None)
    } else if checked_in < ENOUGH_CHECK_INS {
        (Suggestion::CheckInMore, None)
    } else if trend == Some(Trend::Up) {
        (Suggestion::PainRising, None)
    } else if let Some(&about) = avoid {
        (Suggestion::AvoidActivity, Some(about))
    } else if let Some(about) = keep {
        (Suggestion::KeepActivity, Some(about))
    } else if trend == Some(Trend::Down) {
        (Suggestion::PainFalling, None)
    } else {
        (Suggestion::KeepGoing, None)
    }
}

/// The summary as a message.
pub fn render(summary: &WeeklySummary, script: &Script) -> String {
    let h = &script.history;
    let t = &h.summary;
    let point = &h.chart.decimal_point;
    let date = |d: Date| super::chart::date_label(script, d).trim_start().to_string();
    let (from, to) = (date(summary.window.first), date(summary.window.last));
    let days = summary.window.len().to_string();
    let checked = summary.checked_in.to_string();
    let mut lines = vec![
        fill(&t.header, &[("from", &from), ("to", &to)]),
        fill(&t.checked_in, &[("checked", &checked), ("days", &days)]),
    ];

    let tenths = |avg: super::PainAverage| avg.tenths().map(|t| super::tenths_text(t, point));
    let (this, last) = (tenths(summary.weeks.this), tenths(summary.weeks.before));
    lines.push(match (this, last, summary.weeks.trend()) {
        (None, _, _) => t.pain_none.clone(),
        (Some(this), None, _) | (Some(this), Some(_), None) => {
            fill(&t.pain_no_before, &[("this", &this)])
        }
        (Some(this), Some(last), Some(trend)) => {
            let template = match trend {
                Trend::Down => &t.pain_down,
                Trend::Steady => &t.pain_steady,
                Trend::Up => &t.pain_up,
            };
            fill(template, &[("this", &this), ("last", &last)])
        }
    });

    let list = |counts: &[(Activity, u32)]| {
        let items: Vec<String> = counts
            .iter()
            .map(|(a, n)| {
                let name = script.plan.activity_in_sentence(*a);
                fill(&t.times, &[("activity", name), ("times", &n.to_string())])
            })
            .collect();
        join_list(
            &items,
            &script.plan.why.list_comma,
            &script.plan.why.list_and,
        )
    };
    if !summary.helped.is_empty() {
        lines.push(fill(&t.helped, &[("list", &list(&summary.helped))]));
    }
    if !summary.made_worse.is_empty() {
        lines.push(fill(&t.made_worse, &[("list", &list(&summary.made_worse))]));
    }

    let (activity, times) = match summary.about {
        Some((a, n)) => (script.plan.activity(a), n.to_string()),
        None => ("", String::new()),
    };
    let values: [(&str, &str); 4] = [
        ("activity", activity),
        ("times", &times),
        ("checked", &checked),
        ("days", &days),
    ];
    lines.push(String::new());
    lines.push(fill(h.suggestion(summary.suggestion), &values));
    lines.join("\n")
}
