//! Short typed replies compared as whole phrases: yes/no, "off", and "what can I do today?".

use super::patterns::{Lexicon, Pattern};
use super::text::{MAX_CHARS, Normalizer, longest_at, phrase_at};
use crate::model::YesNo;

/// Variation selectors and skin tones, which do not change what an emoji says.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF | 0x200D)
}

/// Removes every occurrence of the `fillers` phrases ("please", "um") from `words`.
pub(crate) fn without_fillers(
    words: &[String],
    clause: &[u32],
    fillers: &[Vec<String>],
) -> (Vec<String>, Vec<u32>) {
    let mut out = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < words.len() {
        if let Some(len) = longest_at(words, i, fillers) {
            i += len;
            continue;
        }
        out.0.push(words[i].clone());
        out.1.push(clause.get(i).copied().unwrap_or(0));
        i += 1;
    }
    out
}

/// The words of yes and no.
#[derive(Debug, Clone, Default)]
pub(crate) struct YesNoWords {
    /// Whole answers meaning yes ("yes", "i do", "it does").
    pub yes: Vec<Vec<String>>,
    pub no: Vec<Vec<String>>,
    /// Words that mean yes at the start of a longer answer ("yes, since Monday").
    pub yes_leading: Vec<Vec<String>>,
    pub no_leading: Vec<Vec<String>>,
    /// Phrases that make an answer neither ("not sure", "maybe").
    pub unsure: Vec<Vec<String>>,
    /// Emoji meaning yes or no.
    pub yes_symbols: Vec<char>,
    pub no_symbols: Vec<char>,
}

impl YesNoWords {
    /// Reads a yes or a no; None for anything unsure, mixed or unrelated.
    pub fn read(&self, norm: &Normalizer, fillers: &[Vec<String>], text: &str) -> Option<YesNo> {
        if let Some(answer) = self.symbols(text) {
            return Some(answer);
        }
        let all = norm.words(text, MAX_CHARS);
        let (words, clauses) = without_fillers(&all.words, &all.clause, fillers);
        let first = *clauses.first()?;
        let clause: Vec<String> = words
            .into_iter()
            .zip(clauses)
            .take_while(|(_, c)| *c == first)
            .map(|(w, _)| w)
            .collect();
        let is = |list: &[Vec<String>]| list.contains(&clause);
        match (is(&self.yes), is(&self.no)) {
            (true, false) => return Some(YesNo::Yes),
            (false, true) => return Some(YesNo::No),
            _ => {}
        }
        if longest_at(&clause, 0, &self.unsure).is_some() {
            return None;
        }
        match (
            longest_at(&clause, 0, &self.yes_leading),
            longest_at(&clause, 0, &self.no_leading),
        ) {
            (Some(_), None) => return Some(YesNo::Yes),
            (None, Some(_)) => return Some(YesNo::No),
            (Some(y), Some(n)) if y != n => {
                return Some(if y > n { YesNo::Yes } else { YesNo::No });
            }
            _ => {}
        }
        // A longer phrase opening or closing the reply ("i dont have cancer", "i think it
        // does"); in the middle it is too likely to be about something else.
        let at_an_end = |list: &[Vec<String>]| {
            list.iter().filter(|p| p.len() >= 2).any(|p| {
                phrase_at(&clause, 0, p)
                    || clause
                        .len()
                        .checked_sub(p.len())
                        .is_some_and(|at| phrase_at(&clause, at, p))
            })
        };
        if (0..clause.len()).any(|i| longest_at(&clause, i, &self.unsure).is_some()) {
            return None;
        }
        match (at_an_end(&self.yes), at_an_end(&self.no)) {
            (true, false) => Some(YesNo::Yes),
            (false, true) => Some(YesNo::No),
            _ => None,
        }
    }

    /// A reply made only of yes emoji (or only of no emoji).
    fn symbols(&self, text: &str) -> Option<YesNo> {
        let chars: Vec<char> = text
            .chars()
            .take(MAX_CHARS)
            .filter(|c| !c.is_whitespace() && !is_emoji_modifier(*c))
            .collect();
        if chars.is_empty() {
            return None;
        }
        if chars.iter().all(|c| self.yes_symbols.contains(c)) {
            return Some(YesNo::Yes);
        }
        if chars.iter().all(|c| self.no_symbols.contains(c)) {
            return Some(YesNo::No);
        }
        None
    }
}

/// Whole replies that turn the reminder off.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffWords {
    pub phrases: Vec<Vec<String>>,
}

impl OffWords {
    pub fn read(&self, norm: &Normalizer, fillers: &[Vec<String>], text: &str) -> bool {
        let all = norm.words(text, MAX_CHARS);
        let (words, _) = without_fillers(&all.words, &all.clause, fillers);
        !words.is_empty() && self.phrases.contains(&words)
    }
}

/// Ways of asking for today's plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct TodayRules {
    /// Whole messages that ask ("plan", "today").
    pub exact: Vec<Vec<String>>,
    /// Patterns that ask anywhere in a message ("can I work out?").
    pub patterns: Vec<Pattern>,
}

impl TodayRules {
    pub fn read(
        &self,
        norm: &Normalizer,
        lexicon: &Lexicon,
        fillers: &[Vec<String>],
        text: &str,
    ) -> bool {
        let all = norm.words(text, MAX_CHARS);
        let (words, _) = without_fillers(&all.words, &all.clause, fillers);
        if words.is_empty() {
            return false;
        }
        if self.exact.contains(&words) {
            return true;
        }
        let doc = lexicon.doc(all);
        self.patterns.iter().any(|p| lexicon.matches(&doc, p))
    }
}
