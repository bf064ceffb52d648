//! The Script: every word the bot says, loaded from dialogs/<language>/*.toml and checked
//! against the strum enums at start-up, so a typo in a dialog file stops the bot with the
//! file, the key and what is wrong instead of showing a user a blank message.
//!
//! - `questions.toml`: each `Question`'s prompt, re-ask hint and options;
//! - `plan.toml`: headings, reasons and every sentence of a plan (rendered by `render`);
//! - `messages.toml`: everything else the bot says, keyed by `Text`;
//! - `understand.toml`: the words the bot understands in free text (see `understand`);
//! - `history.toml`: /history's chart and picture, and the weekly summary (see `history`).
//!
//! One folder per language (dialogs/en, dialogs/de); `languages` loads them together and
//! checks that every language has English's keys and placeholders.

mod history;
mod keyed;
mod languages;
mod messages;
mod plan;
mod questions;
pub mod render;

use std::path::Path;

pub use history::HistoryTexts;
pub use languages::{EMBEDDED_DE, Scripts, embedded_sources};
pub use messages::Text;
pub use plan::PlanTexts;
pub use questions::{OptionDef, QuestionDef};
pub use render::fill;

use crate::model::Question;
use crate::understand::Understanding;

/// A dialog file that does not match the enums: names the file, the key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct DialogError {
    pub file: String,
    /// Dotted path of the offending key, e.g. "area.options.lower_bak".
    pub key: String,
    pub reason: String,
}

impl DialogError {
    pub fn new(file: impl Into<String>, key: impl Into<String>, reason: impl Into<String>) -> Self {
        DialogError {
            file: file.into(),
            key: key.into(),
            reason: reason.into(),
        }
    }
}

/// The dialog files of one language, as text, before checking.
pub struct Sources {
    /// The folder they came from, for error messages.
    pub dir: String,
    pub questions: String,
    pub plan: String,
    pub messages: String,
    pub understand: String,
    pub history: String,
}

/// The English dialogs compiled into the binary, so `backcheck` works from any folder.
pub const EMBEDDED_EN: [(&str, &str); 5] = [
    (
        "questions.toml",
        include_str!("../../dialogs/en/questions.toml"),
    ),
    ("plan.toml", include_str!("../../dialogs/en/plan.toml")),
    (
        "messages.toml",
        include_str!("../../dialogs/en/messages.toml"),
    ),
    (
        "understand.toml",
        include_str!("../../dialogs/en/understand.toml"),
    ),
    (
        "history.toml",
        include_str!("../../dialogs/en/history.toml"),
    ),
];

impl Sources {
    /// Reads the five dialog files from `dir`.
    pub fn read(dir: &Path) -> Result<Sources, DialogError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| {
                DialogError::new(
                    path.display().to_string(),
                    "(file)",
                    format!("cannot read: {e}"),
                )
            })
        };
        Ok(Sources {
            dir: dir.display().to_string(),
            questions: read("questions.toml")?,
            plan: read("plan.toml")?,
            messages: read("messages.toml")?,
            understand: read("understand.toml")?,
            history: read("history.toml")?,
        })
    }

    /// The English dialogs compiled into the binary.
    pub fn embedded() -> Sources {
        Sources::from_files("dialogs/en (built in)", EMBEDDED_EN)
    }

    /// Sources from the five files' texts, in the order of `EMBEDDED_EN`.
    pub fn from_files(dir: &str, files: [(&str, &str); 5]) -> Sources {
        let [
            (_, questions),
            (_, plan),
            (_, messages),
            (_, understand),
            (_, history),
        ] = files;
        Sources {
            dir: dir.to_string(),
            questions: questions.to_string(),
            plan: plan.to_string(),
            messages: messages.to_string(),
            understand: understand.to_string(),
            history: history.to_string(),
        }
    }

    /// The text of one of the five files, by name ("" for another name).
    pub fn file(&self, name: &str) -> &str {
        match name {
            "questions.toml" => &self.questions,
            "plan.toml" => &self.plan,
            "messages.toml" => &self.messages,
            "understand.toml" => &self.understand,
            "history.toml" => &self.history,
            _ => "",
        }
    }
}

/// Every word of one language, checked.
#[derive(Debug, Clone)]
pub struct Script {
    questions: std::collections::BTreeMap<Question, QuestionDef>,
    pub plan: PlanTexts,
    messages: std::collections::BTreeMap<Text, String>,
    pub understand: Understanding,
    pub history: HistoryTexts,
}

impl Script {
    /// Parses and checks the dialog files; the first problem found is the error.
    pub fn from_sources(src: &Sources) -> Result<Script, DialogError> {
        let file = |name: &str| format!("{}/{name}", src.dir);
        Ok(Script {
            questions: questions::parse(&src.questions, &file("questions.toml"))?,
            plan: plan::parse(&src.plan, &file("plan.toml"))?,
            messages: messages::parse(&src.messages, &file("messages.toml"))?,
            understand: Understanding::from_toml(&src.understand, &file("understand.toml"))?,
            history: history::parse(&src.history, &file("history.toml"))?,
        })
    }

    /// Loads the dialogs of `dir`.
    pub fn load(dir: &Path) -> Result<Script, DialogError> {
        Script::from_sources(&Sources::read(dir)?)
    }

    /// The built-in English dialogs.
    pub fn embedded() -> Result<Script, DialogError> {
        Script::from_sources(&Sources::embedded())
    }

    /// The wording of a question (every question is present: checked at load).
    pub fn question(&self, q: Question) -> &QuestionDef {
        // The map is complete by construction (`questions::parse` checks every variant), so
        // the fallback is unreachable; it keeps this function total without a panic.
        self.questions.get(&q).unwrap_or(&questions::EMPTY)
    }

    /// A message (every `Text` is present: checked at load).
    pub fn text(&self, t: Text) -> &str {
        self.messages.get(&t).map(String::as_str).unwrap_or("")
    }
}
