//! questions.toml: each question's prompt, hint and options, checked against the enums.

use std::collections::BTreeMap;

use serde::Deserialize;
use strum::IntoEnumIterator;

use super::DialogError;
use super::keyed::{by_variant, join, names, parse_toml};
use crate::model::{
    Area, Cleared, Episode, Feeling, Language, Outcome, Question, RedFlag, Worst, YesNo,
};

/// One option of a question: the button label and the other words it is known by.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    #[serde(skip)]
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The wording of one question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub prompt: String,
    /// The re-ask when an answer does not fit: says what is allowed.
    pub hint: String,
    /// Button label template for numeric presets (session length).
    #[serde(default)]
    pub button: Option<String>,
    /// Asked when several time zones fit what the user said.
    #[serde(default)]
    pub choose: Option<String>,
    /// Preset answers offered as buttons (time zones, reminder times).
    #[serde(default)]
    pub suggestions: Vec<String>,
    /// The time zone regions ("Europe", "America") in this language, for zone buttons.
    #[serde(default)]
    pub regions: BTreeMap<String, String>,
    /// Extra typed words for choices that are not options here (activities), keyed by the
    /// enum variant they name.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Options in button order (the enum's order, then "none"/"done"-like extras).
    #[serde(default, deserialize_with = "options_with_keys")]
    pub options: Vec<OptionDef>,
}

impl QuestionDef {
    /// The option with this key.
    pub fn option(&self, key: &str) -> Option<&OptionDef> {
        self.options.iter().find(|o| o.key == key)
    }

    /// The label of the option with this key, or the key itself.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.option(key).map(|o| o.label.as_str()).unwrap_or(key)
    }
}

/// Placeholder for a question missing from a map that is complete by construction.
pub static EMPTY: std::sync::LazyLock<QuestionDef> = std::sync::LazyLock::new(|| QuestionDef {
    prompt: String::new(),
    hint: String::new(),
    button: None,
    choose: None,
    suggestions: Vec::new(),
    regions: BTreeMap::new(),
    aliases: BTreeMap::new(),
    options: Vec::new(),
});

/// Keeps options keyed, so their keys can be checked against the enums.
fn options_with_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<OptionDef>, D::Error> {
    let map: BTreeMap<String, OptionDef> = BTreeMap::deserialize(d)?;
    Ok(map
        .into_iter()
        .map(|(key, mut o)| {
            o.key = key;
            o
        })
        .collect())
}

/// The option keys each question must have, in button order.
pub fn expected_options(q: Question) -> Vec<&'static str> {
    let yes_no = names::<YesNo>();
    match q {
        Question::Activities => vec!["none", "done"],
        Question::Cleared => names::<Cleared>(),
        Question::Cancer
        | Question::Spreads
        | Question::ConfirmFlag
        | Question::UpdateToday
        | Question::ConfirmForget => yes_no,
        Question::Reminder => vec!["off"],
        Question::Area => names::<Area>(),
        Question::Feeling => names::<Feeling>(),
        Question::Worst => names::<Worst>(),
        Question::Episode => names::<Episode>(),
        Question::RedFlags => {
            let mut keys = names::<RedFlag>();
            keys.extend(["none", "done"]);
            keys
        }
        Question::Yesterday => names::<Outcome>(),
        Question::WorseActivity => vec!["not_sure"],
        Question::ProfileField => {
            let mut keys: Vec<&'static str> =
                crate::model::EDITABLE.iter().map(|q| q.key()).collect();
            keys.push("done");
            keys
        }
        Question::Language => names::<Language>(),
        Question::SessionLength | Question::TimeZone | Question::Pain => Vec::new(),
    }
}

/// Parses questions.toml and checks it against `Question` and each question's answer enum.
pub fn parse(text: &str, file: &str) -> Result<BTreeMap<Question, QuestionDef>, DialogError> {
    let raw: BTreeMap<String, QuestionDef> = parse_toml(text, file)?;
    let mut map: BTreeMap<Question, QuestionDef> = by_variant(file, "", raw)?;
    for q in Question::iter() {
        let Some(def) = map.get_mut(&q) else { continue };
        let section = q.key();
        for (field, value) in [("prompt", &def.prompt), ("hint", &def.hint)] {
            if value.trim().is_empty() {
                return Err(DialogError::new(
                    file,
                    join(section, field),
                    "must not be empty",
                ));
            }
        }
        let expected = expected_options(q);
        let options_section = join(section, "options");
        for o in &def.options {
            if !expected.contains(&o.key.as_str()) {
                let reason = if expected.is_empty() {
                    "this question takes no options".to_string()
                } else {
                    format!("unknown option; expected one of: {}", expected.join(", "))
                };
                return Err(DialogError::new(
                    file,
                    join(&options_section, &o.key),
                    reason,
                ));
            }
            if o.label.trim().is_empty() {
                let key = join(&join(&options_section, &o.key), "label");
                return Err(DialogError::new(file, key, "must not be empty"));
            }
        }
        let mut ordered = Vec::with_capacity(expected.len());
        for key in &expected {
            let Some(o) = def.options.iter().find(|o| o.key == *key) else {
                return Err(DialogError::new(
                    file,
                    join(&options_section, key),
                    "missing",
                ));
            };
            ordered.push(o.clone());
        }
        def.options = ordered;
        for key in def.aliases.keys() {
            if key.parse::<crate::model::Activity>().is_err() {
                let reason = format!(
                    "unknown activity; expected one of: {}",
                    names::<crate::model::Activity>().join(", ")
                );
                return Err(DialogError::new(
                    file,
                    join(&join(section, "aliases"), key),
                    reason,
                ));
            }
        }
        check_extras(q, def, file)?;
    }
    Ok(map)
}

/// Checks the fields only some questions have (templates, suggestions).
fn check_extras(q: Question, def: &QuestionDef, file: &str) -> Result<(), DialogError> {
    let section = q.key();
    let needs = |field: &str, present: bool| {
        if present {
            Ok(())
        } else {
            Err(DialogError::new(file, join(section, field), "missing"))
        }
    };
    match q {
        Question::SessionLength => needs("button", def.button.is_some()),
        Question::TimeZone => {
            needs("choose", def.choose.is_some())?;
            needs("suggestions", !def.suggestions.is_empty())?;
            for (i, zone) in def.suggestions.iter().enumerate() {
                if jiff::tz::db().get(zone).is_err() {
                    let key = format!("{section}.suggestions[{i}]");
                    return Err(DialogError::new(
                        file,
                        key,
                        format!("unknown time zone {zone:?}"),
                    ));
                }
            }
            Ok(())
        }
        Question::Reminder => {
            for (i, time) in def.suggestions.iter().enumerate() {
                if time.parse::<jiff::civil::Time>().is_err() {
                    let key = format!("{section}.suggestions[{i}]");
                    return Err(DialogError::new(
                        file,
                        key,
                        format!("not a time like 07:30: {time:?}"),
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
