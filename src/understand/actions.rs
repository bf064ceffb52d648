//! The buttons that are not answers to a question (the menu, an offer, the reminder), typed:
//! a button's label, or a word understand.toml's [actions] lists for it, as the whole reply
//! ("check in now", "later", "remind me in an hour"), with small typos ("chek in"). Only whole
//! replies count: outside a question, free text is too varied to pick an action from a part.

use std::collections::BTreeMap;

use super::fuzzy::within;
use super::replies::without_fillers;
use super::text::{MAX_CHARS, Normalizer};
use crate::model::Action;

/// The words of every action, and of accepting an offer.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActionWords {
    /// As written in the file, for anyone listing them (the typed-label test).
    pub raw: BTreeMap<Action, Vec<String>>,
    /// "yes", "sure", "let's go", as written: accepting the offer (a check-in).
    pub accept_raw: Vec<String>,
    /// The same, normalised.
    pub phrases: Vec<(Action, Vec<String>)>,
    pub accept: Vec<Vec<String>>,
}

/// Edits allowed between two words: none for short words, one for 4-6 letters, two beyond;
/// and the first letter must agree ("skip" is not "stop").
fn close(a: &str, b: &str) -> bool {
    let max = match a.chars().count().max(b.chars().count()) {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    };
    a.chars().next() == b.chars().next() && within(a, b, max)
}

impl ActionWords {
    /// The action the whole reply names among `offered` (each with its button label); a
    /// reply that accepts ("yes", "ok") names `accepts`, when given. None when nothing fits or
    /// two actions fit equally well.
    pub fn read(
        &self,
        norm: &Normalizer,
        fillers: &[Vec<String>],
        text: &str,
        offered: &[(Action, &str)],
        accepts: Option<Action>,
    ) -> Option<Action> {
        let all = norm.words(text, MAX_CHARS);
        let (words, _) = without_fillers(&all.words, &all.clause, fillers);
        if words.is_empty() {
            return None;
        }
        // Every name of every offered action, normalised: its label, then its words.
        let mut names: Vec<(Action, Vec<String>)> = Vec::new();
        for (action, label) in offered {
            names.push((*action, norm.phrase(label)));
            for (a, p) in &self.phrases {
                if a == action {
                    names.push((*a, p.clone()));
                }
            }
        }
        if let Some(a) = accepts {
            names.extend(self.accept.iter().map(|p| (a, p.clone())));
        }
        let exact = |a: &str, b: &str| a == b;
        for eq in [&exact as &dyn Fn(&str, &str) -> bool, &close] {
            let mut found: Option<Action> = None;
            for (action, name) in &names {
                let same =
                    name.len() == words.len() && name.iter().zip(&words).all(|(n, w)| eq(n, w));
                match (same, found) {
                    (false, _) => {}
                    (true, None) => found = Some(*action),
                    (true, Some(f)) if f == *action => {}
                    (true, Some(_)) => return None,
                }
            }
            if found.is_some() {
                return found;
            }
        }
        None
    }
}
