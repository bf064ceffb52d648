//! Numbers in typed answers: a small tokenizer that keeps digits, decimal parts and the signs
//! that matter (":", "/", "-"), and reads number words from the data ("six", "forty-five").
//! Languages that put the unit first and write compounds as one word ("fünfundvierzig",
//! "zweieinhalb") say so in the data ([`NumberWords::joiners`] and friends).
//! The pain, minutes and times readers work on its tokens.

use std::collections::HashMap;

use super::data::Section;
use super::text::{MAX_CHARS, is_apostrophe, push_folded, split_words};
use crate::script::DialogError;

/// A number as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Num {
    /// The whole part, saturating at u64::MAX for absurd inputs.
    pub int: u64,
    /// Digits after a decimal point or comma, as typed ("30" in "7.30").
    pub frac: Option<String>,
    /// A minus sign directly in front ("-3").
    pub neg: bool,
    /// How many digits the whole part was typed with; 0 for a number word.
    pub digits: usize,
}

impl Num {
    fn word(value: u64) -> Num {
        Num {
            int: value,
            frac: None,
            neg: false,
            digits: 0,
        }
    }

    /// A number word with a half ("zweieinhalb": 2.5).
    fn word_and_a_half(value: u64) -> Num {
        Num {
            frac: Some("5".to_string()),
            ..Num::word(value)
        }
    }

    /// The value as a float ("1.5" -> 1.5).
    pub fn value(&self) -> f64 {
        let frac = self
            .frac
            .as_deref()
            .and_then(|f| format!("0.{f}").parse::<f64>().ok())
            .unwrap_or(0.0);
        let v = self.int as f64 + frac;
        if self.neg { -v } else { v }
    }

    /// True when there is no fractional part other than zeros ("6.0").
    pub fn is_whole(&self) -> bool {
        self.frac
            .as_deref()
            .is_none_or(|f| f.chars().all(|c| c == '0'))
    }
}

/// One token of a typed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Num(Num),
    Word(String),
    /// ':', '/' or '-' (a '-' directly before a number is that number's sign instead).
    Sym(char),
}

impl Tok {
    pub fn num(&self) -> Option<&Num> {
        match self {
            Tok::Num(n) => Some(n),
            _ => None,
        }
    }
}

/// Number words of the language and their values ("six" = 6, "forty" = 40).
#[derive(Debug, Clone, Default)]
pub(crate) struct NumberWords {
    pub values: HashMap<String, u64>,
    /// Words joining a unit to the tens that follow it: "und" in "fünfundvierzig" and
    /// "fünf und vierzig" (45). Empty for English, which says the tens first ("forty five").
    pub joiners: Vec<String>,
    /// Unit forms used only inside such compounds ("ein" in "einundzwanzig").
    pub compound_units: HashMap<String, u64>,
    /// Endings that add a half to the number word before them ("einhalb": "zweieinhalb" 2.5).
    pub half_suffixes: Vec<String>,
    /// Words for one and a half ("anderthalb").
    pub one_and_a_half: Vec<String>,
}

impl NumberWords {
    /// Reads [number_words]: how the language builds number words that are not listed one by one
    /// ("fünfundvierzig", "zweieinhalb"). Every entry is a single word.
    pub(crate) fn read_compounds(&mut self, s: &Section) -> Result<(), DialogError> {
        s.only(&[
            "joiners",
            "compound_units",
            "half_suffixes",
            "one_and_a_half",
        ])?;
        let single = |key: &str| -> Result<Vec<String>, DialogError> {
            s.opt_strings(key)?
                .iter()
                .map(|w| match split_words(w, MAX_CHARS).words.as_slice() {
                    [one] if !one.chars().any(|c| c.is_ascii_digit()) => Ok(one.clone()),
                    _ => Err(s.err(key, format!("'{w}' must be a single word"))),
                })
                .collect()
        };
        self.joiners = single("joiners")?;
        self.half_suffixes = single("half_suffixes")?;
        self.one_and_a_half = single("one_and_a_half")?;
        if s.table.contains_key("compound_units") {
            let units = s.table("compound_units")?;
            for (word, value) in units.table {
                let split = split_words(word, MAX_CHARS).words;
                let [w] = split.as_slice() else {
                    return Err(units.err(word, "must be a single word"));
                };
                match value {
                    toml::Value::Integer(v) if (1..=9).contains(v) => {
                        self.compound_units.insert(w.clone(), v.unsigned_abs());
                    }
                    _ => return Err(units.err(word, "must be a whole number from 1 to 9")),
                }
            }
        }
        Ok(())
    }

    /// A unit 1-9, as a number word or a compound-only form.
    fn unit(&self, w: &str) -> Option<u64> {
        self.values
            .get(w)
            .or_else(|| self.compound_units.get(w))
            .copied()
            .filter(|u| (1..=9).contains(u))
    }

    /// A multiple of ten from 20 to 90.
    fn tens(&self, w: &str) -> Option<u64> {
        self.values
            .get(w)
            .copied()
            .filter(|t| (20..=90).contains(t) && t % 10 == 0)
    }

    /// A word that is a number only as a compound: "fünfundvierzig" (45), "zweieinhalb" (2.5),
    /// "anderthalb" (1.5).
    fn compound(&self, w: &str) -> Option<Num> {
        if self.one_and_a_half.iter().any(|h| h == w) {
            return Some(Num::word_and_a_half(1));
        }
        for suffix in &self.half_suffixes {
            if let Some(head) = w.strip_suffix(suffix.as_str())
                && let Some(v) = self
                    .values
                    .get(head)
                    .or_else(|| self.compound_units.get(head))
            {
                return Some(Num::word_and_a_half(*v));
            }
        }
        for joiner in self.joiners.iter().filter(|j| !j.is_empty()) {
            for (at, _) in w.match_indices(joiner.as_str()) {
                let (head, tail) = (&w[..at], &w[at + joiner.len()..]);
                if let (Some(u), Some(t)) = (self.unit(head), self.tens(tail)) {
                    return Some(Num::word(t + u));
                }
            }
        }
        None
    }
}

/// True when the tokens from `at` are the words of `phrase`.
pub(crate) fn phrase_at(toks: &[Tok], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && phrase
            .iter()
            .enumerate()
            .all(|(k, w)| matches!(toks.get(at + k), Some(Tok::Word(t)) if t == w))
}

/// The length of the longest of `phrases` at `at`.
pub(crate) fn longest_at(toks: &[Tok], at: usize, phrases: &[Vec<String>]) -> Option<usize> {
    phrases
        .iter()
        .filter(|p| phrase_at(toks, at, p))
        .map(Vec::len)
        .max()
}

/// Splits the first [`MAX_CHARS`] characters of `text` into numbers, words and signs, and reads
/// number words as numbers (tens and units combine: "forty five", "forty-five").
pub(crate) fn tokens(text: &str, words: &NumberWords) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
    let n = chars.len();
    let mut raw = Vec::new();
    let mut neg = false;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut int: u64 = 0;
            while i < n && chars[i].is_ascii_digit() {
                let d = u64::from(chars[i] as u8 - b'0');
                int = int.saturating_mul(10).saturating_add(d);
                i += 1;
            }
            let digits = i - start;
            let mut frac = None;
            if i + 1 < n && matches!(chars[i], '.' | ',') && chars[i + 1].is_ascii_digit() {
                i += 1;
                let mut f = String::new();
                while i < n && chars[i].is_ascii_digit() {
                    if f.len() < 18 {
                        f.push(chars[i]);
                    }
                    i += 1;
                }
                frac = Some(f);
            }
            raw.push(Tok::Num(Num {
                int,
                frac,
                neg,
                digits,
            }));
            neg = false;
            continue;
        }
        neg = false;
        if c.is_alphabetic() {
            let mut w = String::new();
            while i < n && (chars[i].is_alphabetic() || is_apostrophe(chars[i])) {
                if !is_apostrophe(chars[i]) {
                    push_folded(chars[i], &mut w);
                }
                i += 1;
            }
            raw.push(Tok::Word(w));
            continue;
        }
        match c {
            // The keycap emoji for ten.
            '\u{1f51f}' => raw.push(Tok::Num(Num {
                int: 10,
                frac: None,
                neg: false,
                digits: 2,
            })),
            '-' | '\u{2212}' | '\u{2013}' => {
                let after_word = i > 0 && chars[i - 1].is_alphanumeric();
                let before_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
                if before_digit && !after_word {
                    neg = true;
                } else {
                    raw.push(Tok::Sym('-'));
                }
            }
            ':' | '/' => raw.push(Tok::Sym(c)),
            _ => {}
        }
        i += 1;
    }
    number_words(raw, words)
}

/// Replaces number words by numbers, joining tens and units.
fn number_words(raw: Vec<Tok>, words: &NumberWords) -> Vec<Tok> {
    let value = |t: Option<&Tok>| match t {
        Some(Tok::Word(w)) => words.values.get(w).copied(),
        _ => None,
    };
    let word = |t: Option<&Tok>| match t {
        Some(Tok::Word(w)) => Some(w.clone()),
        _ => None,
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let Some(v) = value(raw.get(i)) else {
            match word(raw.get(i)).and_then(|w| words.compound(&w)) {
                Some(n) => out.push(Tok::Num(n)),
                None => out.push(raw[i].clone()),
            }
            i += 1;
            continue;
        };
        // Unit first: "fünf und vierzig".
        if (1..=9).contains(&v)
            && word(raw.get(i + 1)).is_some_and(|j| words.joiners.contains(&j))
            && let Some(t) = word(raw.get(i + 2)).and_then(|w| words.tens(&w))
        {
            out.push(Tok::Num(Num::word(t + v)));
            i += 3;
            continue;
        }
        let is_tens = (20..=90).contains(&v) && v % 10 == 0;
        let unit = |t: Option<&Tok>| value(t).filter(|u| (1..=9).contains(u));
        if is_tens && let Some(u) = unit(raw.get(i + 1)) {
            out.push(Tok::Num(Num::word(v + u)));
            i += 2;
        } else if is_tens
            && raw.get(i + 1) == Some(&Tok::Sym('-'))
            && let Some(u) = unit(raw.get(i + 2))
        {
            out.push(Tok::Num(Num::word(v + u)));
            i += 3;
        } else {
            out.push(Tok::Num(Num::word(v)));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> NumberWords {
        let mut w = NumberWords::default();
        for (k, v) in [("six", 6), ("forty", 40), ("five", 5), ("ten", 10)] {
            w.values.insert(k.to_string(), v);
        }
        w
    }

    #[test]
    fn tokenizes_numbers_signs_and_words() {
        let t = tokens("It's -3, 7.30pm 6-7 forty-five ten", &words());
        assert_eq!(t[0], Tok::Word("its".into()));
        assert!(matches!(&t[1], Tok::Num(n) if n.neg && n.int == 3));
        assert!(matches!(&t[2], Tok::Num(n) if n.int == 7 && n.frac.as_deref() == Some("30")));
        assert_eq!(t[3], Tok::Word("pm".into()));
        assert_eq!(t[5], Tok::Sym('-'));
        assert!(matches!(&t[7], Tok::Num(n) if n.int == 45 && n.digits == 0));
        assert!(matches!(&t[8], Tok::Num(n) if n.int == 10));
    }

    #[test]
    fn units_first_compounds_from_the_data() {
        let mut w = words();
        for (k, v) in [("funf", 5), ("zwei", 2), ("zwanzig", 20), ("vierzig", 40)] {
            w.values.insert(k.to_string(), v);
        }
        w.joiners = vec!["und".to_string()];
        w.compound_units.insert("ein".to_string(), 1);
        w.half_suffixes = vec!["einhalb".to_string()];
        w.one_and_a_half = vec!["anderthalb".to_string()];
        let t = tokens(
            "funfundvierzig einundzwanzig funf und vierzig zweieinhalb eineinhalb anderthalb und",
            &w,
        );
        let ints: Vec<Option<f64>> = t.iter().map(|t| t.num().map(Num::value)).collect();
        assert_eq!(
            ints,
            [45.0, 21.0, 45.0, 2.5, 1.5, 1.5]
                .into_iter()
                .map(Some)
                .chain([None])
                .collect::<Vec<_>>()
        );
        // A unit and a joiner without tens after them stay as they are.
        let t = tokens("funf und zwei", &w);
        assert_eq!(t.len(), 3);
        // English data has no joiners: "five and forty" is not 45.
        assert_eq!(tokens("five and forty", &words()).len(), 3);
    }

    #[test]
    fn absurd_numbers_saturate() {
        let t = tokens(&"9".repeat(500), &words());
        assert!(matches!(&t[0], Tok::Num(n) if n.int == u64::MAX));
    }
}
