//! Numbers in typed answers: a small tokenizer that keeps digits, decimal parts and the signs
//! that matter (":", "/", "-"), and reads number words from the data ("six", "forty-five").
//! The pain, minutes and times readers work on its tokens.

use std::collections::HashMap;

use super::text::{MAX_CHARS, is_apostrophe, push_folded};

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

/// True when any of `phrases` occurs anywhere in `toks`.
pub(crate) fn contains_any(toks: &[Tok], phrases: &[Vec<String>]) -> bool {
    (0..toks.len()).any(|i| longest_at(toks, i, phrases).is_some())
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
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let Some(v) = value(raw.get(i)) else {
            out.push(raw[i].clone());
            i += 1;
            continue;
        };
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
    fn absurd_numbers_saturate() {
        let t = tokens(&"9".repeat(500), &words());
        assert!(matches!(&t[0], Tok::Num(n) if n.int == u64::MAX));
    }
}
