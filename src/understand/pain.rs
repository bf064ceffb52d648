//! Pain scores 0-10 from typed answers: "6", "six", "6/10", "6 out of 10", "no pain".

use super::numbers::{Num, Tok, longest_at, phrase_at};

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
    /// Answers meaning 0 ("no pain", "none"), but only as the whole answer: see [`is_no_pain`].
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
        [] if is_no_pain(toks, &words.no_pain) => Ok(0),
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

/// True when the words of the answer are nothing but no-pain phrases ("none", "no pain",
/// "none, no pain"). A no-pain word inside a longer message ("nothing helps, it's terrible",
/// "not at all bearable") is no 0: reading it as one would give the Usual plan to someone in
/// bad pain, so the question is asked again instead. Signs (':', '-', '/') do not count.
fn is_no_pain(toks: &[Tok], no_pain: &[Vec<String>]) -> bool {
    let words: Vec<Tok> = toks
        .iter()
        .filter(|t| matches!(t, Tok::Word(_)))
        .cloned()
        .collect();
    // covered[i]: the first i words split into no-pain phrases.
    let mut covered = vec![false; words.len() + 1];
    covered[0] = true;
    for i in 0..words.len() {
        if !covered[i] {
            continue;
        }
        for p in no_pain.iter().filter(|p| phrase_at(&words, i, p)) {
            covered[i + p.len()] = true;
        }
    }
    !words.is_empty() && covered[words.len()]
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
