//! Numbers in typed answers: a small tokenizer that keeps digits, decimal parts and the signs
//! that matter (":", "/", "-"), number words from the data ("six", "forty-five"), and the two
//! readers built on it: a pain score and a session length.

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

/// Why a typed pain score was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PainError {
    /// No number in the text (or several unrelated ones).
    NotANumber,
    /// A number, but not within 0-10.
    OutOfRange,
    /// A number with a fractional part ("7.5").
    NotWhole,
}

/// The words a pain answer may use besides numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct PainWords {
    /// Answers meaning 0 ("no pain", "none").
    pub no_pain: Vec<Vec<String>>,
    /// What joins a score to its scale ("6 out of 10").
    pub out_of: Vec<Vec<String>>,
    /// What joins the two ends of a range ("6 to 7", "6 or 7").
    pub range: Vec<Vec<String>>,
    /// What makes a score a half ("7 and a half").
    pub half: Vec<Vec<String>>,
}

/// Reads a pain score from tokens. A range ("6-7", "6 or 7") reads as its higher end: the
/// answer that keeps the plan on the careful side.
pub(crate) fn pain(toks: &[Tok], words: &PainWords) -> Result<u8, PainError> {
    let mut scores: Vec<(usize, Num)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(n) = t.num() else { continue };
        if is_scale(toks, i, words) {
            continue;
        }
        let mut n = n.clone();
        if longest_at(toks, i + 1, &words.half).is_some() {
            n.frac = Some("5".to_string());
        }
        scores.push((i, n));
    }
    match scores.as_slice() {
        [] if contains_any(toks, &words.no_pain) => Ok(0),
        [] => Err(PainError::NotANumber),
        [(_, only)] => score(only),
        [(a, first), (b, second)] if joined_as_range(toks, *a, *b, words) => {
            if second.value() > first.value() {
                score(second)
            } else {
                score(first)
            }
        }
        [(_, first), rest @ ..] if rest.iter().all(|(_, n)| same_value(n, first)) => score(first),
        _ => Err(PainError::NotANumber),
    }
}

/// The "10" of "6/10" or "6 out of 10".
fn is_scale(toks: &[Tok], i: usize, words: &PainWords) -> bool {
    let Some(n) = toks.get(i).and_then(Tok::num) else {
        return false;
    };
    if n.int != 10 || !n.is_whole() || n.neg || i == 0 {
        return false;
    }
    let follows_number = |j: usize| toks.get(j).and_then(Tok::num).is_some();
    if toks.get(i - 1) == Some(&Tok::Sym('/')) && i >= 2 && follows_number(i - 2) {
        return true;
    }
    words
        .out_of
        .iter()
        .any(|p| i > p.len() && phrase_at(toks, i - p.len(), p) && follows_number(i - p.len() - 1))
}

/// True when only a range word or sign stands between the numbers at `a` and `b`.
fn joined_as_range(toks: &[Tok], a: usize, b: usize, words: &PainWords) -> bool {
    let between = &toks[a + 1..b];
    matches!(between, [Tok::Sym('-' | '/')])
        || words
            .range
            .iter()
            .any(|p| p.len() == between.len() && phrase_at(between, 0, p))
}

/// True when two numbers read the same ("6" and "six").
fn same_value(a: &Num, b: &Num) -> bool {
    a.int == b.int && a.neg == b.neg && a.is_whole() && b.is_whole()
}

fn score(n: &Num) -> Result<u8, PainError> {
    if (n.neg && (n.int > 0 || !n.is_whole())) || n.int > 10 {
        return Err(PainError::OutOfRange);
    }
    if !n.is_whole() {
        return Err(PainError::NotWhole);
    }
    u8::try_from(n.int).map_err(|_| PainError::OutOfRange)
}

/// The words a session length may use besides numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct MinuteWords {
    pub minute_units: Vec<Vec<String>>,
    pub hour_units: Vec<Vec<String>>,
    pub half: Vec<Vec<String>>,
    pub quarter: Vec<Vec<String>>,
    /// "a", "an": one of the unit that follows ("an hour").
    pub articles: Vec<Vec<String>>,
    /// "and": joins "an hour and a half", "one and a half".
    pub and: Vec<Vec<String>>,
    /// "to", "or": the second end of a range is ignored ("45 to 60 minutes" reads 45).
    pub range: Vec<Vec<String>>,
}

/// Shortest and longest session length accepted, in minutes.
pub(crate) const MINUTES_RANGE: std::ops::RangeInclusive<u16> = 5..=600;

/// Reads a session length in minutes. A bare number is minutes; a number after hours is
/// minutes too ("1h30"); a range reads as its lower end.
pub(crate) fn minutes(toks: &[Tok], words: &MinuteWords) -> Option<u16> {
    let mut total = 0.0f64;
    let mut found = false;
    // A quantity waiting for its unit, and whether it came from an article only ("a").
    let mut pending: Option<f64> = None;
    let mut pending_article = false;
    let mut last_unit: Option<f64> = None;
    let mut after_and = false;
    let mut skip_next_number = false;
    let mut i = 0;
    while i < toks.len() {
        let was_and = std::mem::replace(&mut after_and, false);
        match &toks[i] {
            Tok::Num(n) => {
                if n.neg {
                    return None;
                }
                if skip_next_number {
                    skip_next_number = false;
                    i += 1;
                    continue;
                }
                // "1:30" as hours and minutes.
                if toks.get(i + 1) == Some(&Tok::Sym(':'))
                    && let Some(m) = toks.get(i + 2).and_then(Tok::num)
                    && m.is_whole()
                    && m.int < 60
                {
                    total += n.int as f64 * 60.0 + m.int as f64;
                    found = true;
                    last_unit = Some(1.0);
                    pending = None;
                    i += 3;
                    continue;
                }
                pending = Some(n.value());
                pending_article = false;
            }
            Tok::Sym('-') if pending.is_some() && !pending_article => {
                if toks.get(i + 1).and_then(Tok::num).is_some() {
                    skip_next_number = true;
                }
            }
            Tok::Sym(_) => {}
            Tok::Word(_) => {
                let unit = if let Some(len) = longest_at(toks, i, &words.hour_units) {
                    Some((60.0, len))
                } else {
                    longest_at(toks, i, &words.minute_units).map(|len| (1.0, len))
                };
                if let Some((per, len)) = unit {
                    total += pending.take().unwrap_or(1.0) * per;
                    pending_article = false;
                    last_unit = Some(per);
                    found = true;
                    i += len;
                    continue;
                }
                let fraction = if let Some(len) = longest_at(toks, i, &words.half) {
                    Some((0.5, len))
                } else {
                    longest_at(toks, i, &words.quarter).map(|len| (0.25, len))
                };
                if let Some((f, len)) = fraction {
                    match (was_and, pending, last_unit) {
                        (true, Some(q), _) if !pending_article => pending = Some(q + f),
                        (true, None, Some(u)) => {
                            total += f * u;
                            found = true;
                        }
                        (_, Some(q), _) => pending = Some(q * f),
                        _ => pending = Some(f),
                    }
                    pending_article = false;
                    i += len;
                    continue;
                }
                if let Some(len) = longest_at(toks, i, &words.and) {
                    after_and = true;
                    i += len;
                    continue;
                }
                if let Some(len) = longest_at(toks, i, &words.articles) {
                    if was_and {
                        after_and = true;
                    } else if pending.is_none() {
                        pending = Some(1.0);
                        pending_article = true;
                    }
                    i += len;
                    continue;
                }
                if let Some(len) = longest_at(toks, i, &words.range) {
                    if pending.is_some() && !pending_article {
                        skip_next_number = true;
                    }
                    i += len;
                    continue;
                }
            }
        }
        i += 1;
    }
    if let Some(q) = pending
        && !pending_article
    {
        // A trailing number is minutes when nothing or only hours came before it.
        if last_unit.is_none_or(|u| u > 1.0) {
            total += q;
            found = true;
        }
    }
    if !found || !total.is_finite() {
        return None;
    }
    let rounded = total.round();
    if rounded < f64::from(*MINUTES_RANGE.start()) || rounded > f64::from(*MINUTES_RANGE.end()) {
        return None;
    }
    Some(rounded as u16)
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
