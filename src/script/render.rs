//! Turning templates and plans into the text a user reads.

/// Fills `{name}` placeholders from `values`; unknown placeholders are left as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

use jiff::civil::Date;

use super::PlanTexts;
use crate::model::Level;
use crate::triage::{Intensity, Item, Plan, Reason, Todo, Urgency};

/// Joins phrases as a sentence list: "a", "a and b", "a, b and c".
pub fn join_list(items: &[String], comma: &str, and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{and}{last}", init.join(comma)),
    }
}

/// "today", "yesterday", "on Tuesday" (within a week) or "on 3 March".
pub fn when(t: &PlanTexts, day: Date, today: Date) -> String {
    let d = &t.dates;
    let ago = (today - day).get_days();
    match ago {
        0 => d.today.clone(),
        1 => d.yesterday.clone(),
        2..=6 => {
            let idx = day.weekday().to_monday_zero_offset() as usize;
            let name = d.weekdays.get(idx).map(String::as_str).unwrap_or("");
            fill(&d.on_weekday, &[("weekday", name)])
        }
        _ => {
            let month = d
                .months
                .get(day.month() as usize - 1)
                .map(String::as_str)
                .unwrap_or("");
            fill(
                &d.on_date,
                &[("day", &day.day().to_string()), ("month", month)],
            )
        }
    }
}

/// The day an activity was done, from the check-in that reported it: "how did yesterday go?"
/// is about the day before.
fn activity_day(reported: Date) -> Date {
    reported.yesterday().unwrap_or(reported)
}

/// One reason as a phrase ("you rated your pain 6").
fn reason(t: &PlanTexts, r: &Reason, today: Date) -> String {
    let p = &t.reasons;
    match *r {
        Reason::Flag { flag } => {
            let phrase = t.flags.get(&flag).map(String::as_str).unwrap_or("");
            fill(&p.flag, &[("flag", phrase)])
        }
        Reason::CancerNewEpisode => p.cancer_new_episode.clone(),
        Reason::SevereNotImproving { days } => {
            fill(&p.severe_not_improving, &[("days", &days.to_string())])
        }
        Reason::LongEpisodeNotImproving => p.long_episode_not_improving.clone(),
        Reason::NotCleared { .. } => p.not_cleared.clone(),
        Reason::Pain { pain } => fill(&p.pain, &[("pain", &pain.to_string())]),
        Reason::Spreads => p.spreads.clone(),
        Reason::Feeling { feeling } => {
            let phrase = t.feelings.get(&feeling).map(String::as_str).unwrap_or("");
            fill(&p.feeling, &[("feeling", phrase)])
        }
        Reason::WorseRecently { on } => fill(
            &p.worse_recently,
            &[("when", &when(t, activity_day(on), today))],
        ),
        Reason::WorseTwiceInARow => p.worse_twice_in_a_row.clone(),
        Reason::BackFrom { level } => {
            let name = t.level_names.get(&level).map(String::as_str).unwrap_or("");
            fill(&p.back_from, &[("level", name)])
        }
        Reason::PainNotRated => p.pain_not_rated.clone(),
    }
}

/// One suggested activity as a bullet line.
fn item(t: &PlanTexts, i: &Item) -> String {
    let td = &t.todo;
    let minutes = if i.min_minutes == i.max_minutes {
        fill(&td.minutes_one, &[("min", &i.min_minutes.to_string())])
    } else {
        let (min, max) = (i.min_minutes.to_string(), i.max_minutes.to_string());
        fill(&td.minutes_range, &[("min", &min), ("max", &max)])
    };
    let template = match i.intensity {
        Intensity::Easy => &td.item_easy,
        Intensity::Lower => &td.item_lower,
        Intensity::Usual => &td.item_usual,
    };
    let line = fill(
        template,
        &[("activity", t.activity(i.activity)), ("minutes", &minutes)],
    );
    format!("• {line}")
}

/// The whole plan message: heading, why, what to do, what to avoid, notes, the stop rule and
/// the self-management reminder. `today` is the plan's date, for "on Tuesday".
pub fn render_plan(t: &PlanTexts, plan: &Plan, today: Date) -> String {
    let mut parts: Vec<String> = vec![t.heading(plan.level).to_string()];
    let why: Vec<String> = plan.reasons.iter().map(|r| reason(t, r, today)).collect();
    if why.is_empty() {
        parts.push(t.why.no_pain.clone());
    } else {
        let list = join_list(&why, &t.why.list_comma, &t.why.list_and);
        parts.push(capitalise_after_because(&fill(
            &t.why.because,
            &[("reasons", &list)],
        )));
    }
    let td = &t.todo;
    match &plan.todo {
        Todo::Nothing => parts.push(td.emergency.clone()),
        Todo::EverydayMovement => {
            let book = match plan.urgency {
                Some(Urgency::Today) => &td.see_doctor_today,
                _ => &td.see_doctor_soon,
            };
            parts.push(format!("{book}\n{}", td.everyday_movement));
            parts.push(td.urgent_signs.clone());
        }
        Todo::ActiveRest => parts.push(td.active_rest.clone()),
        Todo::Session { options, with } => {
            let mut block = Vec::new();
            if options.is_empty() && with.is_empty() {
                block.push(td.nothing_left.clone());
            } else {
                let intro = if options.len() > 1 {
                    &td.pick_one
                } else {
                    &td.just_this
                };
                block.push(intro.clone());
                block.extend(options.iter().map(|i| item(t, i)));
                if !with.is_empty() {
                    if !options.is_empty() {
                        block.push(td.plus.clone());
                    }
                    block.extend(with.iter().map(|i| item(t, i)));
                }
            }
            if matches!(plan.level, Level::Gentle | Level::ActiveRest) {
                block.push(td.comfortable_range.clone());
            }
            parts.push(block.join("\n"));
        }
    }
    if !plan.avoid.is_empty() {
        let items: Vec<String> = plan
            .avoid
            .iter()
            .filter_map(|a| t.avoid.get(a).cloned())
            .collect();
        let list = join_list(&items, &t.why.list_comma, &t.why.list_and);
        parts.push(format!("{} {list}.", t.avoid_heading));
    }
    for left in &plan.left_out {
        let name = t.activity_in_sentence(left.activity);
        let when = when(t, activity_day(left.reported), today);
        parts.push(fill(
            &t.notes.left_out,
            &[("activity", name), ("when", &when)],
        ));
    }
    if let Some(p) = plan.preferred {
        let name = t.activity_in_sentence(p.activity);
        parts.push(fill(
            &t.notes.preferred,
            &[("activity", name), ("times", &p.times.to_string())],
        ));
    }
    let n = &t.notes;
    let notes = [
        (plan.long_episode_note, &n.long_episode),
        (plan.build_up_note, &n.build_up),
        (plan.clearance_note, &n.clearance),
        (plan.home_therapies, &n.home_therapies),
        (plan.stop_rule, &n.stop_rule),
    ];
    parts.extend(
        notes
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, text)| (*text).clone()),
    );
    parts.push(n.disclaimer.clone());
    parts.join("\n\n")
}

/// Reason phrases are written in lower case to sit mid-sentence; nothing to change after a
/// capitalised "Because", but a template may start with the list itself.
fn capitalise_after_because(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
