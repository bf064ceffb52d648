//! Clock times in typed answers: "07:30", "7.30", "7pm", "19h", "0730", "noon", "half past 7";
//! and, where the language's data says so, the German forms "halb acht" (7:30), "dreiviertel
//! acht" (7:45) and "zehn nach sieben" (7:10).

use jiff::civil::Time;

use super::numbers::{Num, Tok, longest_at};

/// The words a clock time may use besides numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClockWords {
    pub am: Vec<Vec<String>>,
    pub pm: Vec<Vec<String>>,
    pub noon: Vec<Vec<String>>,
    pub midnight: Vec<Vec<String>>,
    /// Words after an hour that mark it as one ("19h", "7 o'clock"); "19h30" reads 19:30.
    pub hour_marks: Vec<Vec<String>>,
    pub half_past: Vec<Vec<String>>,
    pub quarter_past: Vec<Vec<String>>,
    pub quarter_to: Vec<Vec<String>>,
    /// Half an hour before the hour named: German "halb acht" is 7:30.
    pub half_to: Vec<Vec<String>>,
    /// A quarter of an hour before the hour named: "dreiviertel acht" is 7:45.
    pub three_quarters_to: Vec<Vec<String>>,
    /// Between minutes and an hour: "zehn nach sieben" (7:10), "fünf nach halb acht" (7:35).
    pub past: Vec<Vec<String>>,
    /// Between minutes and an hour: "fünf vor acht" (7:55), "fünf vor halb acht" (7:25).
    pub to: Vec<Vec<String>>,
}

/// Half of the day a time was said in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    Am,
    Pm,
}

/// A time as read, before it is checked.
struct Said {
    hour: u64,
    minute: u64,
    half: Option<Half>,
    /// Said as on a 12-hour clock face, without am/pm ("halb drei", "2:35"): it may be the
    /// other half of the day too. A 24-hour form ("14:35", "07:30") is not.
    twelve: bool,
}

impl Said {
    fn time(&self) -> Option<Time> {
        if self.minute > 59 {
            return None;
        }
        let hour = match self.half {
            Some(half) => {
                if !(1..=12).contains(&self.hour) {
                    return None;
                }
                match (half, self.hour) {
                    (Half::Am, 12) => 0,
                    (Half::Am, h) => h,
                    (Half::Pm, 12) => 12,
                    (Half::Pm, h) => h + 12,
                }
            }
            None if self.hour == 24 && self.minute == 0 => 0,
            None if self.hour <= 23 => self.hour,
            None => return None,
        };
        Time::new(
            i8::try_from(hour).ok()?,
            i8::try_from(self.minute).ok()?,
            0,
            0,
        )
        .ok()
    }
}

/// Reads a clock time. Exactly one time must be named; two different ones, or a number that
/// cannot be a time ("7.5", "25"), give None.
pub(crate) fn clock_time(toks: &[Tok], words: &ClockWords) -> Option<Time> {
    read_time(toks, words).map(|(t, _)| t)
}

/// The times a clock time may mean: the one read, then the other half of the day when it was
/// said as on a 12-hour face ("halb drei": 2:30 and 14:30). Empty when no time was named.
pub(crate) fn clock_readings(toks: &[Tok], words: &ClockWords) -> Vec<Time> {
    let Some((t, twelve)) = read_time(toks, words) else {
        return Vec::new();
    };
    let other = Time::new((t.hour() + 12) % 24, t.minute(), 0, 0).ok();
    match other {
        Some(o) if twelve => vec![t, o],
        _ => vec![t],
    }
}

/// The one time named, and whether it was said on a 12-hour face.
fn read_time(toks: &[Tok], words: &ClockWords) -> Option<(Time, bool)> {
    let mut found: Option<(Time, bool)> = None;
    let mut i = 0;
    while i < toks.len() {
        let (said, next) = match read_at(toks, i, words) {
            Read::Time(said, next) => (said, next),
            Read::Invalid => return None,
            Read::Nothing => {
                i += 1;
                continue;
            }
        };
        let time = said.time()?;
        if found.is_some_and(|(t, _)| t != time) {
            return None;
        }
        found = Some((time, said.twelve));
        i = next;
    }
    found
}

enum Read {
    /// A time and the index of the first token after it.
    Time(Said, usize),
    /// Something that looks like a time but is not one.
    Invalid,
    Nothing,
}

fn read_at(toks: &[Tok], i: usize, words: &ClockWords) -> Read {
    if let Some(len) = longest_at(toks, i, &words.noon) {
        return Read::Time(at_hour(12, Some(Half::Pm)), i + len);
    }
    if let Some(len) = longest_at(toks, i, &words.midnight) {
        return Read::Time(at_hour(12, Some(Half::Am)), i + len);
    }
    if let Some(read) = minutes_past_or_to(toks, i, words) {
        return read;
    }
    let offsets = [
        (&words.half_past, 30i64),
        (&words.quarter_past, 15),
        (&words.quarter_to, -15),
        (&words.three_quarters_to, -15),
        (&words.half_to, -30),
    ];
    for (phrases, offset) in offsets {
        if let Some(len) = longest_at(toks, i, phrases) {
            let Some(n) = toks.get(i + len).and_then(Tok::num) else {
                return Read::Nothing;
            };
            if n.neg || !n.is_whole() || n.int > 24 {
                return Read::Invalid;
            }
            let (hour, minute) = if offset < 0 {
                ((n.int + 23) % 24, (60 + offset).unsigned_abs())
            } else {
                (n.int, offset.unsigned_abs())
            };
            let (half, next) = half_after(toks, i + len + 1, words);
            // "quarter to 1" must not become 0:45 pm; keep 12 for the 12-hour reading.
            let hour = if half.is_some() && hour == 0 {
                12
            } else {
                hour
            };
            let twelve = half.is_none() && on_the_face(n);
            return read(hour, minute, half, twelve, next);
        }
    }
    let Some(n) = toks.get(i).and_then(Tok::num) else {
        return Read::Nothing;
    };
    if n.neg {
        return Read::Invalid;
    }
    let mut next = i + 1;
    let (hour, minute) = match &n.frac {
        Some(f) if f.len() == 2 => (n.int, f.parse::<u64>().unwrap_or(60)),
        Some(_) => return Read::Invalid,
        None => {
            if let Some(m) = minutes_after(toks, i + 1, Some(':')) {
                next = i + 3;
                (n.int, m)
            } else if let Some(len) = longest_at(toks, i + 1, &words.hour_marks) {
                next = i + 1 + len;
                // "19h30", "19 Uhr 30", "sieben Uhr dreißig".
                let word_minutes = toks
                    .get(next)
                    .and_then(Tok::num)
                    .filter(|m| m.digits == 0 && is_minute_word(m))
                    .map(|m| m.int);
                match minutes_after(toks, next - 1, None).or(word_minutes) {
                    Some(m) => {
                        next += 1;
                        (n.int, m)
                    }
                    None => (n.int, 0),
                }
            } else if (3..=4).contains(&n.digits) {
                (n.int / 100, n.int % 100)
            } else if let Some(m) = toks
                .get(i + 1)
                .and_then(Tok::num)
                .filter(|m| is_minute_word(m))
            {
                next = i + 2;
                (n.int, m.int)
            } else {
                (n.int, 0)
            }
        }
    };
    if let Some(len) = longest_at(toks, next, &words.hour_marks) {
        next += len;
    }
    let (half, next) = half_after(toks, next, words);
    // "0730" and "07:30" are 24-hour forms; "730" and "7:30" may be either half of the day.
    let leading_zero = (n.digits == 2 && n.int < 10) || (n.digits == 4 && n.int < 1000);
    let twelve = half.is_none() && !leading_zero && (1..=12).contains(&hour);
    read(hour, minute, half, twelve, next)
}

/// A time read, ending before token `next`.
fn read(hour: u64, minute: u64, half: Option<Half>, twelve: bool, next: usize) -> Read {
    Read::Time(
        Said {
            hour,
            minute,
            half,
            twelve,
        },
        next,
    )
}

/// An hour named as on a 12-hour clock face: 1 to 12, not written "07".
fn on_the_face(n: &Num) -> bool {
    (1..=12).contains(&n.int) && !(n.digits == 2 && n.int < 10)
}

/// "zehn nach sieben", "fünf vor acht", "fünf nach halb acht": minutes (1-29), a `past` or `to`
/// word, and an hour, optionally after a `half_to` word. None when `i` does not start one.
fn minutes_past_or_to(toks: &[Tok], i: usize, words: &ClockWords) -> Option<Read> {
    let m = toks.get(i).and_then(Tok::num)?;
    let (sign, len) = if let Some(len) = longest_at(toks, i + 1, &words.past) {
        (1i64, len)
    } else {
        (-1, longest_at(toks, i + 1, &words.to)?)
    };
    let mut at = i + 1 + len;
    // "halb" between: the base is half an hour before the hour named.
    let half = longest_at(toks, at, &words.half_to);
    if let Some(l) = half {
        at += l;
    }
    let n = toks.get(at).and_then(Tok::num)?;
    if m.neg || !m.is_whole() || !(1..=29).contains(&m.int) {
        return Some(Read::Invalid);
    }
    if n.neg || !n.is_whole() || n.int > 24 {
        return Some(Read::Invalid);
    }
    let base = i64::try_from(n.int).ok()? * 60 - if half.is_some() { 30 } else { 0 };
    let total = (base + sign * i64::try_from(m.int).ok()?).rem_euclid(24 * 60);
    let (mut hour, minute) = (total / 60, total % 60);
    let (half_of_day, next) = half_after(toks, at + 1, words);
    // "fünf vor eins" must not become 0:55 pm; keep 12 for the 12-hour reading.
    if half_of_day.is_some() && hour == 0 {
        hour = 12;
    }
    Some(read(
        hour.unsigned_abs(),
        minute.unsigned_abs(),
        half_of_day,
        half_of_day.is_none() && on_the_face(n),
        next,
    ))
}

fn at_hour(hour: u64, half: Option<Half>) -> Said {
    Said {
        hour,
        minute: 0,
        half,
        twelve: false,
    }
}

/// Minutes typed as two digits after `sep` at `at` ("7:30"), or directly at `at + 1` when
/// `sep` is None ("19h30", where `at` is the "h").
fn minutes_after(toks: &[Tok], at: usize, sep: Option<char>) -> Option<u64> {
    if let Some(sep) = sep
        && toks.get(at) != Some(&Tok::Sym(sep))
    {
        return None;
    }
    toks.get(at + 1)
        .and_then(Tok::num)
        .filter(|m| m.digits == 2 && m.is_whole() && !m.neg)
        .map(|m| m.int)
}

/// Minutes said right after the hour: two digits ("7 30") or a word of ten or more ("seven
/// thirty").
fn is_minute_word(m: &Num) -> bool {
    !m.neg && m.is_whole() && m.int < 60 && (m.digits == 2 || (m.digits == 0 && m.int >= 10))
}

/// An "am"/"pm" phrase at `at`, and the index after it. "noon" and "midnight" after an hour
/// work the same way ("12 noon", "12 midnight").
fn half_after(toks: &[Tok], at: usize, words: &ClockWords) -> (Option<Half>, usize) {
    for (phrases, half) in [
        (&words.am, Half::Am),
        (&words.midnight, Half::Am),
        (&words.pm, Half::Pm),
        (&words.noon, Half::Pm),
    ] {
        if let Some(len) = longest_at(toks, at, phrases) {
            return (Some(half), at + len);
        }
    }
    (None, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::numbers::{NumberWords, tokens};

    fn words() -> ClockWords {
        let w = |list: &[&str]| -> Vec<Vec<String>> {
            list.iter()
                .map(|p| p.split(' ').map(str::to_string).collect())
                .collect()
        };
        ClockWords {
            am: w(&["am"]),
            pm: w(&["pm"]),
            noon: w(&["noon"]),
            midnight: w(&["midnight"]),
            hour_marks: w(&["h"]),
            half_past: w(&["half past"]),
            quarter_past: w(&["quarter past"]),
            quarter_to: w(&["quarter to"]),
            half_to: w(&["halb"]),
            three_quarters_to: w(&["dreiviertel"]),
            past: w(&["nach"]),
            to: w(&["vor"]),
        }
    }

    fn read(text: &str) -> Option<Time> {
        clock_time(&tokens(text, &NumberWords::default()), &words())
    }

    #[test]
    fn twelve_hour_clock_edges() {
        let at = |h: u64, m: u64, half| {
            Said {
                hour: h,
                minute: m,
                half,
                twelve: false,
            }
            .time()
        };
        assert_eq!(
            at(12, 0, Some(Half::Am)),
            Some(jiff::civil::time(0, 0, 0, 0))
        );
        assert_eq!(
            at(12, 30, Some(Half::Pm)),
            Some(jiff::civil::time(12, 30, 0, 0))
        );
        assert_eq!(
            at(11, 59, Some(Half::Pm)),
            Some(jiff::civil::time(23, 59, 0, 0))
        );
        assert_eq!(at(0, 0, Some(Half::Pm)), None);
        assert_eq!(at(13, 0, Some(Half::Am)), None);
        assert_eq!(at(24, 0, None), Some(jiff::civil::time(0, 0, 0, 0)));
        assert_eq!(at(24, 1, None), None);
        assert_eq!(at(7, 60, None), None);
    }

    #[test]
    fn one_time_or_none() {
        assert_eq!(read("7:30"), Some(jiff::civil::time(7, 30, 0, 0)));
        assert_eq!(read("7:30 or 7:30"), Some(jiff::civil::time(7, 30, 0, 0)));
        assert_eq!(read("7:30 or 8"), None);
        assert_eq!(
            read("quarter to 1 pm"),
            Some(jiff::civil::time(12, 45, 0, 0))
        );
        assert_eq!(read("quarter to 0"), Some(jiff::civil::time(23, 45, 0, 0)));
        assert_eq!(read("half past"), None);
        assert_eq!(read("7.305"), None);
    }

    #[test]
    fn a_time_on_a_twelve_hour_face_reads_both_ways() {
        let both = |text: &str| -> Vec<(i8, i8)> {
            clock_readings(&tokens(text, &NumberWords::default()), &words())
                .iter()
                .map(|t| (t.hour(), t.minute()))
                .collect()
        };
        assert_eq!(both("halb 3"), [(2, 30), (14, 30)]);
        assert_eq!(both("halb 1"), [(0, 30), (12, 30)]);
        assert_eq!(both("2:35"), [(2, 35), (14, 35)]);
        assert_eq!(both("12"), [(12, 0), (0, 0)]);
        assert_eq!(both("5 nach 2"), [(2, 5), (14, 5)]);
        assert_eq!(both("14:35"), [(14, 35)]);
        assert_eq!(both("07:30"), [(7, 30)]);
        assert_eq!(both("0730"), [(7, 30)]);
        assert_eq!(both("2:35 pm"), [(14, 35)]);
        assert_eq!(both("noon"), [(12, 0)]);
        assert_eq!(both("nothing"), Vec::<(i8, i8)>::new());
    }

    #[test]
    fn german_offsets_count_back_from_the_hour_named() {
        assert_eq!(read("halb 8"), Some(jiff::civil::time(7, 30, 0, 0)));
        assert_eq!(read("halb 1"), Some(jiff::civil::time(0, 30, 0, 0)));
        assert_eq!(read("halb 1 pm"), Some(jiff::civil::time(12, 30, 0, 0)));
        assert_eq!(read("dreiviertel 8"), Some(jiff::civil::time(7, 45, 0, 0)));
        assert_eq!(read("10 nach 7"), Some(jiff::civil::time(7, 10, 0, 0)));
        assert_eq!(read("5 vor 8"), Some(jiff::civil::time(7, 55, 0, 0)));
        assert_eq!(read("5 nach halb 8"), Some(jiff::civil::time(7, 35, 0, 0)));
        assert_eq!(read("5 vor halb 8"), Some(jiff::civil::time(7, 25, 0, 0)));
        assert_eq!(read("5 vor 0"), Some(jiff::civil::time(23, 55, 0, 0)));
        assert_eq!(read("40 nach 7"), None);
        // Not followed by an hour: an ordinary time ("8 nach dem Training").
        assert_eq!(read("8 nach dem"), Some(jiff::civil::time(8, 0, 0, 0)));
    }
}
