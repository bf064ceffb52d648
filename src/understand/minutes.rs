//! Session lengths from typed answers: "45", "an hour", "1.5 hours", "half an hour", "1h30";
//! with the words of the data, also "eine Viertelstunde" and "dreiviertel Stunde".

use super::numbers::{Tok, longest_at};

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
    /// Three quarters in one word ("dreiviertel Stunde"); may be empty.
    pub three_quarters: Vec<Vec<String>>,
    /// Units of a quarter of an hour ("Viertelstunde"); may be empty.
    pub quarter_hour_units: Vec<Vec<String>>,
    /// Units of three quarters of an hour ("Dreiviertelstunde"); may be empty.
    pub three_quarter_hour_units: Vec<Vec<String>>,
}

impl MinuteWords {
    /// The unit at `at` and its length in minutes, longest phrase first within each kind.
    fn unit_at(&self, toks: &[Tok], at: usize) -> Option<(f64, usize)> {
        [
            (&self.hour_units, 60.0),
            (&self.minute_units, 1.0),
            (&self.three_quarter_hour_units, 45.0),
            (&self.quarter_hour_units, 15.0),
        ]
        .into_iter()
        .find_map(|(list, per)| longest_at(toks, at, list).map(|len| (per, len)))
    }

    /// A fraction word at `at` ("half", "quarter", "dreiviertel") and its value.
    fn fraction_at(&self, toks: &[Tok], at: usize) -> Option<(f64, usize)> {
        [
            (&self.half, 0.5),
            (&self.quarter, 0.25),
            (&self.three_quarters, 0.75),
        ]
        .into_iter()
        .find_map(|(list, f)| longest_at(toks, at, list).map(|len| (f, len)))
    }
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
            Tok::Sym('-') if found => break,
            Tok::Sym(_) => {}
            Tok::Word(_) => {
                if let Some((per, len)) = words.unit_at(toks, i) {
                    total += pending.take().unwrap_or(1.0) * per;
                    pending_article = false;
                    last_unit = Some(per);
                    found = true;
                    i += len;
                    continue;
                }
                if let Some((f, len)) = words.fraction_at(toks, i) {
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
                    } else if found {
                        // "45 minutes to an hour": the first end is the answer.
                        break;
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
