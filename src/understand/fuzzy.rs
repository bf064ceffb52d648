//! Small edit distances and picking an option from typed text ([`match_choice`]).
//!
//! The distance is the optimal-string-alignment form of Levenshtein's: insert, delete,
//! replace, or swap two neighbouring letters ("lowre" -> "lower") each cost one.

use super::text::{MAX_CHARS, split_words};

/// True when `a` and `b` are at most `max` edits apart. Cheap when lengths differ by more.
pub(crate) fn within(a: &str, b: &str, max: usize) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max || max == 0 {
        return false;
    }
    distance(&a, &b, max) <= max
}

/// Optimal string alignment distance, giving up (returning `max + 1`) once every path in a
/// row is already longer than `max`.
fn distance(a: &[char], b: &[char], max: usize) -> usize {
    let n = b.len();
    let mut before: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

/// Edits allowed between two words of an option name: none for short words, one for words of
/// 4-6 letters, two for longer ones (the longer of the two words decides).
fn choice_tolerance(a: &str, b: &str) -> usize {
    match a.chars().count().max(b.chars().count()) {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// True when `text` is `label` typed: the same words, in any case, each exact or a small
/// typo away with the same first letter ("Chek in now" for "Check in now").
pub fn is_label(text: &str, label: &str) -> bool {
    let (typed, label) = (
        split_words(text, MAX_CHARS).words,
        split_words(label, MAX_CHARS).words,
    );
    !label.is_empty()
        && typed.len() == label.len()
        && typed
            .iter()
            .zip(&label)
            .all(|(a, b)| Compare::Fuzzy.eq(a, b))
}

/// An option the user can pick: its key, the label on its button, and extra words it is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub aliases: &'a [String],
}

/// How two words are compared in one round of matching.
#[derive(Clone, Copy)]
enum Compare {
    Exact,
    Fuzzy,
}

impl Compare {
    fn eq(self, a: &str, b: &str) -> bool {
        match self {
            Compare::Exact => a == b,
            // A misspelling keeps its first letter: "bak" is "back", but "morning" is
            // not "burning".
            Compare::Fuzzy => {
                a.chars().next() == b.chars().next() && within(a, b, choice_tolerance(a, b))
            }
        }
    }

    /// True when `phrase` occurs as consecutive words somewhere in `words`.
    fn contains(self, words: &[String], phrase: &[String]) -> bool {
        !phrase.is_empty()
            && words.len() >= phrase.len()
            && words
                .windows(phrase.len())
                .any(|w| w.iter().zip(phrase).all(|(a, b)| self.eq(a, b)))
    }
}

/// What one step of matching concluded.
enum Step {
    Found(usize),
    Ambiguous,
    Nothing,
}

/// Picks the single best-scoring option of `scores` (index, score > 0).
fn best(scores: impl Iterator<Item = (usize, usize)>) -> Step {
    let mut top = 0;
    let mut winners: Vec<usize> = Vec::new();
    for (i, s) in scores {
        if s == 0 {
            continue;
        }
        if s > top {
            top = s;
            winners.clear();
        }
        if s == top && !winners.contains(&i) {
            winners.push(i);
        }
    }
    match winners.as_slice() {
        [] => Step::Nothing,
        [one] => Step::Found(*one),
        _ => Step::Ambiguous,
    }
}

/// The option the text names: exact label/key/alias match (case-, accent- and
/// punctuation-insensitive), then word containment ("my lower back" -> lower_back), then close
/// misspellings (edit distance <= 1 for words of 4-6 letters, <= 2 for longer; "lowr bak"
/// finds "lower back"). None when nothing fits or when two options fit equally well.
pub fn match_choice<'a>(text: &str, choices: &[Choice<'a>]) -> Option<&'a str> {
    let words = split_words(text, MAX_CHARS).words;
    if words.is_empty() {
        return None;
    }
    // Every name of every option, as normalised words: (option index, words).
    let mut names: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, c) in choices.iter().enumerate() {
        let all = [c.label, c.key]
            .into_iter()
            .chain(c.aliases.iter().map(String::as_str));
        for name in all {
            let w = split_words(name, MAX_CHARS).words;
            if !w.is_empty() {
                names.push((i, w));
            }
        }
    }
    for cmp in [Compare::Exact, Compare::Fuzzy] {
        let steps: [&dyn Fn() -> Step; 4] = [
            // The whole text is a name.
            &|| {
                best(names.iter().map(|(i, n)| {
                    let same =
                        n.len() == words.len() && n.iter().zip(&words).all(|(a, b)| cmp.eq(a, b));
                    (*i, usize::from(same))
                }))
            },
            // A name is inside the text ("my lower back").
            &|| names_inside(&words, &names, cmp),
            // The text is part of a name ("upper" -> "middle or upper back").
            &|| {
                best(
                    names
                        .iter()
                        .map(|(i, n)| (*i, usize::from(cmp.contains(n, &words)))),
                )
            },
            // Words of the text that only one option's names contain.
            &|| {
                best(
                    distinctive_scores(&words, &names, choices.len(), cmp)
                        .into_iter()
                        .enumerate(),
                )
            },
        ];
        for step in steps {
            match step() {
                Step::Found(i) => return choices.get(i).map(|c| c.key),
                Step::Ambiguous => return None,
                Step::Nothing => {}
            }
        }
    }
    None
}

/// The option whose name appears in the text. Names of two options both appearing make the
/// text ambiguous ("lower back and neck"), unless one name is part of the other's ("back" inside
/// "lower back"): then the longer one is what the text says.
fn names_inside(words: &[String], names: &[(usize, Vec<String>)], cmp: Compare) -> Step {
    let inside: Vec<&(usize, Vec<String>)> = names
        .iter()
        .filter(|(_, n)| cmp.contains(words, n))
        .collect();
    let mut winners: Vec<usize> = Vec::new();
    for (i, n) in &inside {
        let covered = inside
            .iter()
            .any(|(j, m)| j != i && m.len() > n.len() && cmp.contains(m, n));
        if !covered && !winners.contains(i) {
            winners.push(*i);
        }
    }
    match winners.as_slice() {
        [] => Step::Nothing,
        [one] => Step::Found(*one),
        _ => Step::Ambiguous,
    }
}

/// Shortest word that can pick an option on its own from inside a longer text.
const DISTINCTIVE_LETTERS: usize = 5;

/// For each option, how many words of the text appear in its names and in no other option's.
/// Only words of five letters or more count: shorter ones are too often little words that
/// happen to be in one label ("when" in "When moving", "the" in "In the morning"), and a wrong
/// pick is worse than asking again.
fn distinctive_scores(
    words: &[String],
    names: &[(usize, Vec<String>)],
    options: usize,
    cmp: Compare,
) -> Vec<usize> {
    let mut scores = vec![0; options];
    for w in words
        .iter()
        .filter(|w| w.chars().count() >= DISTINCTIVE_LETTERS)
    {
        let mut owner: Option<usize> = None;
        let mut shared = false;
        for (i, n) in names {
            if n.iter().any(|nw| cmp.eq(w, nw)) {
                match owner {
                    None => owner = Some(*i),
                    Some(o) if o != *i => shared = true,
                    Some(_) => {}
                }
            }
        }
        if let (Some(o), false) = (owner, shared)
            && let Some(s) = scores.get_mut(o)
        {
            *s += 1;
        }
    }
    scores
}

/// Characters that separate options in a multi-option answer.
fn is_separator(c: char) -> bool {
    matches!(c, ',' | '&' | '+' | '/' | ';' | '\n' | '\r')
}

/// Several options from one message, split on commas, "&", "+", "/", newlines and the
/// language's joining words (`joiners`: "and", "und"): Ok(keys in the order the user wrote
/// them, each once) or Err(the part that matched nothing). An empty message is Err("").
pub(crate) fn match_choices<'a>(
    text: &str,
    choices: &[Choice<'a>],
    joiners: &[String],
) -> Result<Vec<&'a str>, String> {
    let text: String = text.chars().take(MAX_CHARS).collect();
    let mut keys: Vec<&'a str> = Vec::new();
    let push = |k: &'a str, keys: &mut Vec<&'a str>| {
        if !keys.contains(&k) {
            keys.push(k);
        }
    };
    for piece in text.split(is_separator) {
        if split_words(piece, MAX_CHARS).is_empty() {
            continue;
        }
        let subs = split_on_and(piece, joiners);
        let sub_keys: Vec<Option<&'a str>> =
            subs.iter().map(|s| match_choice(s, choices)).collect();
        if subs.len() > 1 && sub_keys.iter().all(Option::is_some) {
            for k in sub_keys.into_iter().flatten() {
                push(k, &mut keys);
            }
            continue;
        }
        // The whole part, when it is one option whose name itself contains "and".
        let whole = match_choice(piece, choices)
            .filter(|k| subs.len() < 2 || name_has_and(k, choices, joiners));
        match whole {
            Some(k) => push(k, &mut keys),
            None => {
                let failed = subs
                    .iter()
                    .zip(&sub_keys)
                    .find(|(_, k)| k.is_none())
                    .map_or(piece.trim(), |(s, _)| s.as_str());
                return Err(failed.trim().to_string());
            }
        }
    }
    if keys.is_empty() {
        return Err(text.trim().to_string());
    }
    Ok(keys)
}

/// True when a name of the option `key` contains a joining word ("pins and needles").
fn name_has_and(key: &str, choices: &[Choice], joiners: &[String]) -> bool {
    choices.iter().filter(|c| c.key == key).any(|c| {
        [c.label, c.key]
            .into_iter()
            .chain(c.aliases.iter().map(String::as_str))
            .any(|name| {
                split_words(name, MAX_CHARS)
                    .words
                    .iter()
                    .any(|w| joiners.contains(w))
            })
    })
}

/// Splits `piece` on the joining words, dropping empty parts.
fn split_on_and(piece: &str, joiners: &[String]) -> Vec<String> {
    let mut parts = vec![String::new()];
    for token in piece.split_whitespace() {
        let bare: String = split_words(token, MAX_CHARS).joined();
        if joiners.contains(&bare) {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(token);
        }
    }
    parts.retain(|p| !split_words(p, MAX_CHARS).is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert!(within("bladder", "bladdr", 1));
        assert!(within("fever", "feaver", 1));
        assert!(within("lower", "lowre", 1));
        assert!(!within("lower", "lwoer x", 1));
        assert!(within("kitten", "sitting", 3));
        assert!(!within("kitten", "sitting", 2));
        assert!(!within("abc", "abd", 0));
        assert!(within("", "", 0));
        assert!(!within("", "ab", 1));
    }

    #[test]
    fn tolerance_grows_with_length() {
        assert_eq!(choice_tolerance("bak", "ba"), 0);
        assert_eq!(choice_tolerance("bak", "back"), 1);
        assert_eq!(choice_tolerance("walking", "walkng"), 2);
    }

    #[test]
    fn splits_on_and_words_only() {
        let and = ["and".to_string()];
        assert_eq!(
            split_on_and("walking AND swimming", &and),
            ["walking", "swimming"]
        );
        assert_eq!(split_on_and("sandy band", &and), ["sandy band"]);
        assert_eq!(split_on_and(" and ", &and), Vec::<String>::new());
        let und = ["und".to_string(), "sowie".to_string()];
        assert_eq!(
            split_on_and("Laufen und Radfahren sowie Yoga", &und),
            ["Laufen", "Radfahren", "Yoga"]
        );
        assert_eq!(
            split_on_and("running and cycling", &und),
            ["running and cycling"]
        );
    }
}
