//! Commands in the user's language: other names for a command ("/hilfe" for /help), and the
//! words typed after one: "/checkin gestern" (yesterday), "/history woche" (the week's
//! summary), "/history 90 Tage" (a span of days).

use super::replies::without_fillers;
use super::text::{MAX_CHARS, Normalizer};
use crate::model::Command;

/// The [commands] table of understand.toml, normalised.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommandWords {
    /// "/checkin yesterday": the late check-in.
    pub yesterday: Vec<Vec<String>>,
    /// "/history week": the weekly summary.
    pub week: Vec<Vec<String>>,
    /// Units after a number of days: "/history 90 days".
    pub days: Vec<Vec<String>>,
    /// More names for a command, normalised ("hilfe" for help).
    pub names: Vec<(Command, String)>,
}

/// What the words after a command name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandWord {
    Yesterday,
    Week,
    /// A number of days (any size: the command checks its range).
    Days(u64),
}

impl CommandWords {
    /// The command another name typed after the slash stands for ("Hilfe", "löschen",
    /// "check_in" or "check-in").
    pub fn named(&self, norm: &Normalizer, name: &str) -> Option<Command> {
        let key = name_key(norm, name)?;
        self.names.iter().find(|(_, n)| *n == key).map(|(c, _)| *c)
    }

    /// Reads the whole argument as one of the words, or as a number of days.
    pub fn read(
        &self,
        norm: &Normalizer,
        fillers: &[Vec<String>],
        text: &str,
    ) -> Option<CommandWord> {
        let all = norm.words(text, MAX_CHARS);
        let (words, _) = without_fillers(&all.words, &all.clause, fillers);
        if words.is_empty() {
            return None;
        }
        if self.yesterday.contains(&words) {
            return Some(CommandWord::Yesterday);
        }
        if self.week.contains(&words) {
            return Some(CommandWord::Week);
        }
        let (first, unit) = words.split_first()?;
        if !first.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let days = first.parse::<u64>().ok()?;
        (unit.is_empty() || self.days.iter().any(|d| d.as_slice() == unit))
            .then_some(CommandWord::Days(days))
    }
}

/// A command name as compared: one word as typed (no spaces), normalised, its parts joined
/// with "_" ("Check-In" and "check_in" are "check_in"); None for spaces or no letters.
pub(crate) fn name_key(norm: &Normalizer, name: &str) -> Option<String> {
    if name.split_whitespace().count() != 1 {
        return None;
    }
    let words = norm.phrase(name);
    (!words.is_empty()).then(|| words.join("_"))
}
