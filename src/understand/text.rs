//! Text normalisation shared by every matcher: lowercase, Latin accents stripped, apostrophes
//! dropped inside words ("can't" -> "cant"), everything that is not a letter or a digit folded
//! to a word break, and clause breaks (punctuation, "but") remembered for negation scope.
//! Which word sequences mean the same ("can not" = "cant") is data: see [`Rewriter`].

use std::collections::{HashMap, HashSet};

/// Characters the matchers look at; longer messages are cut here so that work stays bounded
/// (Telegram caps a message at 4,096 characters anyway).
pub(crate) const MAX_CHARS: usize = 2_000;

/// Characters a red-flag scan looks at: more than [`MAX_CHARS`], because a warning sign at the
/// end of a long message must still be seen; the scan is linear in the length.
pub(crate) const MAX_SCAN_CHARS: usize = 20_000;

/// Apostrophe-like characters, dropped so that "can't", "can’t" and "cant" are one word.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' | '\u{2bc}' | '\u{2032}'
    )
}

/// Punctuation that ends a clause: a negation before it does not reach past it.
fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | '!'
            | '?'
            | ':'
            | '\n'
            | '\r'
            | '('
            | ')'
            | '['
            | ']'
            | '\u{2026}'
            | '\u{2013}'
            | '\u{2014}'
    )
}

/// Combining accents (as in a decomposed "é"): skipped, so the base letter stays.
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// ASCII base letters of U+0100..=U+017F (Latin Extended-A), one byte per code point;
/// the two ligatures (U+0132/3 and U+0152/3) are handled before this table is used.
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// The ASCII spelling of a lowercase accented Latin letter, or None when `c` is not one.
fn fold_latin(c: char) -> Option<&'static str> {
    let s = match c {
        '\u{df}' => "ss",
        '\u{e0}'..='\u{e5}' => "a",
        '\u{e6}' => "ae",
        '\u{e7}' => "c",
        '\u{e8}'..='\u{eb}' => "e",
        '\u{ec}'..='\u{ef}' => "i",
        '\u{f0}' => "d",
        '\u{f1}' => "n",
        '\u{f2}'..='\u{f6}' | '\u{f8}' => "o",
        '\u{f9}'..='\u{fc}' => "u",
        '\u{fd}' | '\u{ff}' => "y",
        '\u{fe}' => "th",
        '\u{132}' | '\u{133}' => "ij",
        '\u{152}' | '\u{153}' => "oe",
        '\u{218}' | '\u{219}' => "s",
        '\u{21a}' | '\u{21b}' => "t",
        '\u{100}'..='\u{17f}' => {
            let i = c as usize - 0x100;
            return LATIN_EXT_A
                .get(i..i + 1)
                .and_then(|b| std::str::from_utf8(b).ok());
        }
        _ => return None,
    };
    Some(s)
}

/// Appends `c` lowercased and without accents to `out`.
pub(crate) fn push_folded(c: char, out: &mut String) {
    for lc in c.to_lowercase() {
        if is_combining(lc) {
            continue;
        }
        match fold_latin(lc) {
            Some(s) => out.push_str(s),
            None => out.push(lc),
        }
    }
}

/// A message as a list of normalised words, each with the number of the clause it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Words {
    pub words: Vec<String>,
    /// Clause number of each word; words in different clauses do not negate each other.
    pub clause: Vec<u32>,
}

impl Words {
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words joined by single spaces.
    pub fn joined(&self) -> String {
        self.words.join(" ")
    }
}

/// Splits the first `max_chars` characters of `text` into normalised words. No data needed:
/// this is what `match_choice` uses, and the first step of [`Normalizer::words`].
pub(crate) fn split_words(text: &str, max_chars: usize) -> Words {
    let mut out = Words::default();
    let mut current = String::new();
    let mut clause = 0u32;
    for c in text.chars().take(max_chars) {
        if is_apostrophe(c) || is_combining(c) {
            continue;
        }
        if c.is_alphanumeric() {
            // "5kg" and "3am" are two words: a number and a unit.
            let digit = c.is_ascii_digit();
            if current
                .chars()
                .last()
                .is_some_and(|p| p.is_ascii_digit() != digit)
            {
                out.words.push(std::mem::take(&mut current));
                out.clause.push(clause);
            }
            push_folded(c, &mut current);
            continue;
        }
        if !current.is_empty() {
            out.words.push(std::mem::take(&mut current));
            out.clause.push(clause);
        }
        if is_clause_mark(c) {
            clause += 1;
        }
    }
    if !current.is_empty() {
        out.words.push(current);
        out.clause.push(clause);
    }
    out
}

/// Word sequences that mean the same, rewritten to one canonical spelling before matching
/// ("can not" and "cannot" become "cant"). Loaded from the data file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rewriter {
    /// First word of a variant -> its rewrites, longest variant first.
    by_first: HashMap<String, Vec<Rewrite>>,
}

/// One rewrite: (variant words, canonical words).
type Rewrite = (Vec<String>, Vec<String>);

impl Rewriter {
    /// Adds `variant` (already split into words) as another spelling of `canonical`.
    pub fn add(&mut self, variant: Vec<String>, canonical: Vec<String>) {
        let Some(first) = variant.first().cloned() else {
            return;
        };
        let list = self.by_first.entry(first).or_default();
        list.push((variant, canonical));
        list.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    }

    /// Rewrites every variant in `input` to its canonical words, keeping clause numbers.
    pub fn apply(&self, input: Words) -> Words {
        if self.by_first.is_empty() {
            return input;
        }
        let mut out = Words::default();
        let mut i = 0;
        while i < input.words.len() {
            let hit = self.by_first.get(&input.words[i]).and_then(|list| {
                list.iter()
                    .find(|(variant, _)| input.words[i..].starts_with(variant))
            });
            match hit {
                Some((variant, canonical)) => {
                    for w in canonical {
                        out.words.push(w.clone());
                        out.clause.push(input.clause[i]);
                    }
                    i += variant.len();
                }
                None => {
                    out.words.push(input.words[i].clone());
                    out.clause.push(input.clause[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// True when rewriting would change `words`: such a phrase in a pattern could never match.
    pub fn changes(&self, words: &[String]) -> bool {
        let w = Words {
            words: words.to_vec(),
            clause: vec![0; words.len()],
        };
        self.apply(w).words != words
    }
}

/// Normalisation with the language data: split, rewrite, and start a new clause at each
/// clause-break word ("but").
#[derive(Debug, Clone, Default)]
pub(crate) struct Normalizer {
    pub rewriter: Rewriter,
    pub clause_breaks: HashSet<String>,
}

impl Normalizer {
    /// The normalised words of the first `max_chars` characters of `text`.
    pub fn words(&self, text: &str, max_chars: usize) -> Words {
        let mut w = self.rewriter.apply(split_words(text, max_chars));
        let mut shift = 0u32;
        for i in 0..w.words.len() {
            if self.clause_breaks.contains(&w.words[i]) {
                shift += 1;
            }
            w.clause[i] += shift;
        }
        w
    }

    /// A data phrase as normalised words.
    pub fn phrase(&self, text: &str) -> Vec<String> {
        self.rewriter.apply(split_words(text, MAX_CHARS)).words
    }
}

/// True when `phrase` occurs in `words` starting at `at`.
pub(crate) fn phrase_at(words: &[String], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty() && words.get(at..).is_some_and(|rest| rest.starts_with(phrase))
}

/// The length of the longest of `phrases` that occurs in `words` at `at`.
pub(crate) fn longest_at(words: &[String], at: usize, phrases: &[Vec<String>]) -> Option<usize> {
    phrases
        .iter()
        .filter(|p| phrase_at(words, at, p))
        .map(Vec::len)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        split_words(text, MAX_CHARS).words
    }

    #[test]
    fn folds_case_accents_apostrophes_and_punctuation() {
        assert_eq!(
            w("  Can't   ÉTÉ, naïve—Łódź! "),
            ["cant", "ete", "naive", "lodz"]
        );
        assert_eq!(w("can’t"), ["cant"]);
        assert_eq!(w("Straße Œuvre"), ["strasse", "oeuvre"]);
        // A decomposed accent (e + combining acute) folds like the composed one.
        assert_eq!(w("cafe\u{301}"), ["cafe"]);
        assert_eq!(w("lower_back"), ["lower", "back"]);
        assert_eq!(
            w("lost 5kg at 3am, covid19"),
            ["lost", "5", "kg", "at", "3", "am", "covid", "19"]
        );
        assert!(w("🔥🙂 ...").is_empty());
    }

    #[test]
    fn latin_extended_a_table_maps_every_letter() {
        for cp in 0x100u32..=0x17f {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut s = String::new();
            push_folded(c, &mut s);
            assert!(s.chars().all(|c| c.is_ascii_lowercase()), "{cp:x} -> {s}");
        }
        let mut s = String::new();
        push_folded('Ž', &mut s);
        push_folded('ő', &mut s);
        push_folded('ſ', &mut s);
        assert_eq!(s, "zos");
    }

    #[test]
    fn clauses_split_on_punctuation_and_break_words() {
        let mut n = Normalizer::default();
        n.clause_breaks.insert("but".into());
        let words = n.words("no fever, but chills", MAX_CHARS);
        assert_eq!(words.words, ["no", "fever", "but", "chills"]);
        assert_eq!(words.clause[0], words.clause[1]);
        assert_ne!(words.clause[1], words.clause[3]);
    }

    #[test]
    fn rewrites_use_the_longest_variant() {
        let mut r = Rewriter::default();
        r.add(vec!["can".into(), "not".into()], vec!["cant".into()]);
        r.add(vec!["cannot".into()], vec!["cant".into()]);
        let out = r.apply(split_words("I can not, I cannot; can I?", MAX_CHARS));
        assert_eq!(out.words, ["i", "cant", "i", "cant", "can", "i"]);
        assert!(r.changes(&["cannot".to_string()]));
        assert!(!r.changes(&["cant".to_string()]));
    }

    #[test]
    fn caps_the_length() {
        let long = "word ".repeat(10_000);
        assert_eq!(split_words(&long, MAX_CHARS).len(), MAX_CHARS / 5);
    }
}
