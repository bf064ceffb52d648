//! Understanding typed answers: pain scores, yes/no, durations, clock times, "off", requests
//! for today's plan, options picked by name, and red flags described in the user's own words.
//!
//! The algorithms live here; the language lives in dialogs/<language>/understand.toml (number
//! words, yes/no words, red-flag patterns, negations). Everything works on a normalised form of
//! the message (lowercase, no accents, apostrophes dropped, punctuation as word breaks; see
//! [`text`]) and looks at a bounded prefix of it, so that a 5,000-character message or a string
//! of emoji costs little and never panics.
//!
//! Modules, one job each:
//! - `text`: normalisation and the data-driven rewrites ("can not" -> "cant");
//! - `patterns`: the red-flag pattern language (documented there) and its matcher;
//! - `redflags`: red flags, negation scope and exceptions;
//! - `numbers`: numbers and number words, read by `pain` (scores) and `minutes` (durations);
//! - `times`: clock times;
//! - `replies`: yes/no, "off", "what can I do today?";
//! - `actions`: the menu, offer and reminder buttons typed ("check in now", "later");
//! - `places`: places named for a time zone ("Wien", "München");
//! - `commands`: the words after a command ("/checkin yesterday", "/history week");
//! - `fuzzy`: edit distance and picking options by name ([`match_choice`]);
//! - `data` and `load`: strict reading of the TOML file.

mod actions;
mod commands;
mod data;
mod fuzzy;
mod load;
mod minutes;
mod numbers;
mod pain;
mod patterns;
mod places;
mod redflags;
mod replies;
mod text;
mod times;

pub use commands::CommandWord;
pub use fuzzy::{Choice, is_label, match_choice};
pub use pain::PainError;

use crate::model::{Action, RedFlag, YesNo};
use crate::script::DialogError;
use actions::ActionWords;
use commands::CommandWords;
use minutes::MinuteWords;
use numbers::NumberWords;
use pain::PainWords;
use patterns::Lexicon;
use places::Places;
use redflags::RedFlagRules;
use replies::{OffWords, TodayRules, YesNoWords};
use text::{MAX_SCAN_CHARS, Normalizer};
use times::ClockWords;

/// Everything needed to read typed answers in one language, loaded from understand.toml.
#[derive(Debug, Clone)]
pub struct Understanding {
    norm: Normalizer,
    /// The words that join options in a list ("running and cycling"), normalised.
    joiners: Vec<String>,
    /// Words ignored when a whole reply is compared with a phrase ("please", "um").
    fillers: Vec<Vec<String>>,
    number_words: NumberWords,
    pain: PainWords,
    minutes: MinuteWords,
    clock: ClockWords,
    yes_no: YesNoWords,
    off: OffWords,
    today: TodayRules,
    lexicon: Lexicon,
    flags: RedFlagRules,
    actions: ActionWords,
    /// The words after a command ("/checkin yesterday", "/history week").
    commands: CommandWords,
    /// Places named for a time zone ("Wien", "München").
    places: Places,
}

impl Understanding {
    /// Parses understand.toml; `file` is the name used in errors. Every red-flag key must name a
    /// RedFlag variant, every RedFlag variant must have at least one pattern, unknown keys are
    /// errors; errors are DialogError{file, key: dotted path, reason}.
    pub fn from_toml(text: &str, file: &str) -> Result<Understanding, DialogError> {
        load::load(text, file)
    }

    /// Red flags the text describes, not negated, sorted (enum order), unique.
    pub fn red_flags(&self, text: &str) -> Vec<RedFlag> {
        let doc = self.lexicon.doc(self.norm.words(text, MAX_SCAN_CHARS));
        self.flags.scan(&self.lexicon, &doc)
    }

    /// How many words of the text are words of this language's data: which language a
    /// message is written in, when it may not be the user's.
    pub fn known_words(&self, text: &str) -> usize {
        let words = self.norm.words(text, MAX_SCAN_CHARS);
        words.words.iter().filter(|w| self.lexicon.knows(w)).count()
    }

    /// A pain score 0-10: "6", "six", "6/10", "6 out of 10", "it's a 6", "no pain" -> 0.
    /// A range ("6-7") reads as its higher end.
    pub fn pain(&self, text: &str) -> Result<u8, PainError> {
        pain::pain(&numbers::tokens(text, &self.number_words), &self.pain)
    }

    /// yes/no: "yes", "yeah", "i do", "it does" / "no", "nope", "not really", "i don't".
    /// None for unsure or mixed answers ("not sure", "yes and no").
    pub fn yes_no(&self, text: &str) -> Option<YesNo> {
        self.yes_no.read(&self.norm, &self.fillers, text)
    }

    /// Session length in minutes 5..=600: "45", "45 min", "an hour", "1.5 hours", "90m",
    /// "half an hour", "two hours", "1h30". A bare number is minutes.
    pub fn minutes(&self, text: &str) -> Option<u16> {
        minutes::minutes(&numbers::tokens(text, &self.number_words), &self.minutes)
    }

    /// A clock time: "07:30", "7.30", "7pm", "7:30pm", "19", "19h", "noon", "midnight", "0730",
    /// "half past 7". None when the text names no time or two different ones.
    pub fn clock_time(&self, text: &str) -> Option<jiff::civil::Time> {
        times::clock_time(&numbers::tokens(text, &self.number_words), &self.clock)
    }

    /// The local times a clock time may mean, for telling a time zone by the clock: the one
    /// read, then the other half of the day when it was said without am/pm on a 12-hour face
    /// ("halb drei": 2:30 and 14:30; "14:35" is one). Empty when no time is named.
    pub fn clock_readings(&self, text: &str) -> Vec<jiff::civil::Time> {
        times::clock_readings(&numbers::tokens(text, &self.number_words), &self.clock)
    }

    /// "off", "none", "no", "stop", "never", "no reminder", "disable", as the whole reply.
    pub fn is_off(&self, text: &str) -> bool {
        self.off.read(&self.norm, &self.fillers, text)
    }

    /// The button the whole reply names among `offered` (action, label): its label (small
    /// typos allowed) or one of its [actions] words; an accepting reply ("yes", "let's go")
    /// names `accepts`. None when nothing or two actions fit.
    pub fn action(
        &self,
        text: &str,
        offered: &[(Action, &str)],
        accepts: Option<Action>,
    ) -> Option<Action> {
        self.actions
            .read(&self.norm, &self.fillers, text, offered, accepts)
    }

    /// Several options from one message (multi-select questions), split on commas, "&",
    /// "+", "/", newlines and this language's [text] and words ("und"); an option whose name
    /// holds such a word ("pins and needles") still matches whole. Ok(keys in the order the
    /// user wrote them, each once) or Err(the part that matched nothing).
    pub fn match_choices<'a>(
        &self,
        text: &str,
        choices: &[fuzzy::Choice<'a>],
    ) -> Result<Vec<&'a str>, String> {
        fuzzy::match_choices(text, choices, &self.joiners)
    }

    /// The words [actions] lists for `action`, as written.
    pub fn action_words(&self, action: Action) -> &[String] {
        self.actions.raw.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The words that accept an offer ("yes", "sure", "let's go"), as written.
    pub fn accept_words(&self) -> &[String] {
        &self.actions.accept_raw
    }

    /// The command another name typed after the slash stands for, from [commands.names]
    /// ("hilfe", "Verlauf"); None when this language gives it to none.
    pub fn command_named(&self, name: &str) -> Option<crate::model::Command> {
        self.commands.named(&self.norm, name)
    }

    /// The whole argument of a command as one of [commands]' words ("yesterday", "week") or
    /// a number of days ("90", "90 days"); None for anything else.
    pub fn command_word(&self, text: &str) -> Option<CommandWord> {
        self.commands.read(&self.norm, &self.fillers, text)
    }

    /// The time zone of the place the whole text names, from [places] ("Wien", "Muenchen").
    pub fn place_zone(&self, text: &str) -> Option<&str> {
        self.places.zone(text)
    }

    /// How `zone` is written in this language, when [places] lists it ("Wien").
    pub fn zone_name(&self, zone: &str) -> Option<&str> {
        self.places.shown(zone)
    }

    /// The user asks for today's plan: "what can I do today?", "can I work out?", "plan".
    pub fn asks_for_today(&self, text: &str) -> bool {
        self.today
            .read(&self.norm, &self.lexicon, &self.fillers, text)
    }
}
