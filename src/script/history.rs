//! history.toml: what /history, its picture and the weekly summary say, checked against the
//! `Level` and `Suggestion` enums.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::DialogError;
use super::keyed::{by_variant, join, parse_toml};
use crate::history::Suggestion;
use crate::model::Level;

/// history.toml as written, before its enum-keyed tables are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    levels: BTreeMap<String, String>,
    chart: ChartTexts,
    dates: DateTexts,
    picture: PictureTexts,
    summary: SummaryTexts,
    suggestions: BTreeMap<String, String>,
}

/// The text chart of /history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartTexts {
    /// The header of a one-day chart (today only).
    pub today_header: String,
    pub daily_header: String,
    pub weekly_header: String,
    /// A day with a check-in: `{date} {bar} {pain} {level}`.
    pub day: String,
    /// A day without one: `{date}`.
    pub missed: String,
    /// The pain of a check-in that ended before pain was rated.
    pub unrated: String,
    /// A week: `{from} {spark} {average} {checked} {days}`.
    pub week: String,
    /// The average of a week without ratings.
    pub no_average: String,
    pub streak: String,
    /// The current run ends yesterday and today's check-in can extend it.
    pub streak_open: String,
    pub streak_none: String,
    pub average: String,
    pub average_no_before: String,
    pub average_none: String,
    pub decimal_point: String,
}

/// How the chart, the picture and the summary write dates, in the dialog's language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateTexts {
    /// Short weekday names, Monday first (7).
    pub weekdays: Vec<String>,
    /// Short month names, January first (12).
    pub months: Vec<String>,
    /// A chart row's date: `{weekday} {day}` ("Mon  3"); `{day}` is padded to 2 columns.
    pub day: String,
    /// A week's first date, the picture's and the summary's dates: `{day} {month}`
    /// ("3 Mar"); `{day}` is padded to 2 columns in the chart only.
    pub date: String,
}

/// The picture sent after the chart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PictureTexts {
    /// The photo's caption: `{days}`.
    pub caption: String,
    /// The title drawn in the picture: `{days}`.
    pub title: String,
    /// The label of the pain axis.
    pub axis: String,
}

/// The weekly summary, apart from its suggestion.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryTexts {
    pub header: String,
    pub checked_in: String,
    pub pain_down: String,
    pub pain_up: String,
    pub pain_steady: String,
    pub pain_no_before: String,
    pub pain_none: String,
    pub helped: String,
    pub made_worse: String,
    /// One activity in a list with its count: `{activity} {times}`.
    pub times: String,
}

/// Every word of /history and the weekly summary, checked.
#[derive(Debug, Clone)]
pub struct HistoryTexts {
    /// Short level names for chart rows and the picture's legend.
    pub levels: BTreeMap<Level, String>,
    pub chart: ChartTexts,
    pub dates: DateTexts,
    pub picture: PictureTexts,
    pub summary: SummaryTexts,
    pub suggestions: BTreeMap<Suggestion, String>,
}

/// Parses history.toml: every level and suggestion present, nothing unknown, nothing empty.
pub fn parse(text: &str, file: &str) -> Result<HistoryTexts, DialogError> {
    let raw: Raw = parse_toml(text, file)?;
    for (section, table) in [("levels", &raw.levels), ("suggestions", &raw.suggestions)] {
        if let Some((key, _)) = table.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(DialogError::new(
                file,
                join(section, key),
                "must not be empty",
            ));
        }
    }
    // A missing name would leave a date without its weekday or month.
    for (key, names, want) in [
        ("weekdays", &raw.dates.weekdays, 7),
        ("months", &raw.dates.months, 12),
    ] {
        if names.len() != want || names.iter().any(|n| n.trim().is_empty()) {
            return Err(DialogError::new(
                file,
                join("dates", key),
                format!("must list {want} non-empty names"),
            ));
        }
    }
    Ok(HistoryTexts {
        levels: by_variant(file, "levels", raw.levels)?,
        chart: raw.chart,
        dates: raw.dates,
        picture: raw.picture,
        summary: raw.summary,
        suggestions: by_variant(file, "suggestions", raw.suggestions)?,
    })
}

impl HistoryTexts {
    /// The short name of a level ("gentle").
    pub fn level(&self, level: Level) -> &str {
        self.levels.get(&level).map(String::as_str).unwrap_or("")
    }

    /// The wording of a suggestion.
    pub fn suggestion(&self, s: Suggestion) -> &str {
        self.suggestions.get(&s).map(String::as_str).unwrap_or("")
    }
}
