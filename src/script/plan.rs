//! plan.toml: how a plan is written, checked against the enums it names.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::DialogError;
use super::keyed::{by_variant, parse_toml};
use crate::model::{Activity, Feeling, Level, RedFlag};
use crate::triage::Avoid;

/// plan.toml as written, before its enum-keyed tables are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    headings: BTreeMap<String, String>,
    level_names: BTreeMap<String, String>,
    why: Why,
    reasons: Reasons,
    flags: BTreeMap<String, String>,
    flag_nouns: BTreeMap<String, String>,
    feelings: BTreeMap<String, String>,
    activities: BTreeMap<String, String>,
    activities_in_sentence: BTreeMap<String, String>,
    todo: TodoTexts,
    avoid: RawAvoid,
    notes: Notes,
    dates: Dates,
}

/// The "because ..." sentence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Why {
    pub because: String,
    pub no_pain: String,
    pub list_and: String,
    pub list_comma: String,
}

/// One phrase per `Reason` variant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reasons {
    pub flag: String,
    pub cancer_new_episode: String,
    pub severe_not_improving: String,
    pub long_episode_not_improving: String,
    pub not_cleared: String,
    pub pain: String,
    pub spreads: String,
    pub feeling: String,
    pub worse_recently: String,
    pub worse_twice_in_a_row: String,
    pub back_from: String,
    pub pain_not_rated: String,
}

/// What to do, per kind of `Todo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TodoTexts {
    pub emergency: String,
    pub see_doctor_today: String,
    pub see_doctor_soon: String,
    pub everyday_movement: String,
    pub urgent_signs: String,
    pub active_rest: String,
    pub pick_one: String,
    pub just_this: String,
    pub plus: String,
    pub comfortable_range: String,
    pub item_easy: String,
    pub item_lower: String,
    pub item_usual: String,
    pub minutes_range: String,
    pub minutes_one: String,
    pub nothing_left: String,
}

#[derive(Deserialize)]
struct RawAvoid {
    heading: String,
    #[serde(flatten)]
    items: BTreeMap<String, String>,
}

/// The notes a plan can carry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    pub left_out: String,
    /// Why an option comes first: it went better the day after, `{times}` times.
    pub preferred: String,
    pub home_therapies: String,
    pub stop_rule: String,
    pub long_episode: String,
    pub clearance: String,
    pub build_up: String,
    pub disclaimer: String,
}

/// How dates are said ("on Tuesday").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    pub today: String,
    pub yesterday: String,
    pub on_weekday: String,
    pub on_date: String,
    pub weekdays: Vec<String>,
    pub months: Vec<String>,
}

/// Every sentence of a plan, checked.
#[derive(Debug, Clone)]
pub struct PlanTexts {
    pub headings: BTreeMap<Level, String>,
    pub level_names: BTreeMap<Level, String>,
    pub why: Why,
    pub reasons: Reasons,
    pub flags: BTreeMap<RedFlag, String>,
    pub flag_nouns: BTreeMap<RedFlag, String>,
    pub feelings: BTreeMap<Feeling, String>,
    pub activities: BTreeMap<Activity, String>,
    /// The names as written inside a sentence: English lowercases them, German keeps its
    /// nouns capitalised ("Ich habe Laufen weggelassen").
    pub activities_in_sentence: BTreeMap<Activity, String>,
    pub todo: TodoTexts,
    pub avoid_heading: String,
    pub avoid: BTreeMap<Avoid, String>,
    pub notes: Notes,
    pub dates: Dates,
}

/// Parses plan.toml and checks every enum-keyed table.
pub fn parse(text: &str, file: &str) -> Result<PlanTexts, DialogError> {
    let raw: Raw = parse_toml(text, file)?;
    if raw.dates.weekdays.len() != 7 {
        return Err(DialogError::new(
            file,
            "dates.weekdays",
            "needs 7 names, Monday first",
        ));
    }
    if raw.dates.months.len() != 12 {
        return Err(DialogError::new(
            file,
            "dates.months",
            "needs 12 names, January first",
        ));
    }
    Ok(PlanTexts {
        headings: by_variant(file, "headings", raw.headings)?,
        level_names: by_variant(file, "level_names", raw.level_names)?,
        why: raw.why,
        reasons: raw.reasons,
        flags: by_variant(file, "flags", raw.flags)?,
        flag_nouns: by_variant(file, "flag_nouns", raw.flag_nouns)?,
        feelings: by_variant(file, "feelings", raw.feelings)?,
        activities: by_variant(file, "activities", raw.activities)?,
        activities_in_sentence: by_variant(
            file,
            "activities_in_sentence",
            raw.activities_in_sentence,
        )?,
        todo: raw.todo,
        avoid_heading: raw.avoid.heading,
        avoid: by_variant(file, "avoid", raw.avoid.items)?,
        notes: raw.notes,
        dates: raw.dates,
    })
}

impl PlanTexts {
    /// The heading that starts a plan of this level.
    pub fn heading(&self, level: Level) -> &str {
        self.headings.get(&level).map(String::as_str).unwrap_or("")
    }

    /// The name of an activity.
    pub fn activity(&self, a: Activity) -> &str {
        self.activities.get(&a).map(String::as_str).unwrap_or("")
    }

    /// The name of an activity inside a sentence ("I left out running").
    pub fn activity_in_sentence(&self, a: Activity) -> &str {
        self.activities_in_sentence
            .get(&a)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A red flag as a noun phrase ("a fever").
    pub fn flag_noun(&self, f: RedFlag) -> &str {
        self.flag_nouns.get(&f).map(String::as_str).unwrap_or("")
    }
}
