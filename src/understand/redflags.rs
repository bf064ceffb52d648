//! Spotting red flags in free text: the patterns of each flag, minus mentions that are negated
//! ("no fever") or that an exception names ("hay fever").
//!
//! Negation scope. A negation phrase negates a match when it is not itself part of the match
//! and
//! - it ends at most `negation_window` words before the match, in the same clause, with no
//!   mention of another red flag in between (in "no fever chest pain" the "no" is spent on the
//!   fever) unless only `negation_continues` words separate them ("no fever or chest pain"); or
//! - it sits between the words of the match ("both legs are not numb"); or
//! - it starts at most `negation_window_after` words after the match, in the same clause
//!   (`negations_after`: "fever free").
//!
//! Because a negation that is part of the match does not count, a pattern can carry its own:
//! "{cant|no control} ..." matches "I can't control my bladder", and its "cant" does not negate
//! it. Phrases like "not sure" or "no longer" are listed as `not_negations` and never negate.

use super::patterns::{Doc, Lexicon, Occ, Pattern};
use super::text::phrase_at;
use crate::model::RedFlag;

/// The patterns of one red flag.
#[derive(Debug, Clone)]
pub(crate) struct FlagRule {
    pub flag: RedFlag,
    pub patterns: Vec<Pattern>,
    /// Matches that overlap one of these do not count ("hay fever", "fell asleep").
    pub except: Vec<Pattern>,
}

/// All red-flag rules and the negation settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct RedFlagRules {
    pub rules: Vec<FlagRule>,
    pub negations: Vec<Pattern>,
    pub negations_after: Vec<Pattern>,
    pub not_negations: Vec<Pattern>,
    /// Words that carry a negation on to the next mention ("or" in "no fever or chills").
    pub negation_continues: Vec<Vec<String>>,
    /// Most words between the end of a negation and the start of what it negates.
    pub negation_window: usize,
    /// Most words between the end of a match and a negation after it.
    pub negation_window_after: usize,
}

/// One mention of a red flag: which flag, and the word positions it used.
struct Mention {
    flag: RedFlag,
    occ: Occ,
}

/// What one message contains: negations and every red-flag mention, each sorted by start.
struct Found {
    before: Vec<Occ>,
    after: Vec<Occ>,
    mentions: Vec<Mention>,
}

impl RedFlagRules {
    /// Red flags the message describes, not negated, in enum order, each once.
    pub fn scan(&self, lex: &Lexicon, doc: &Doc) -> Vec<RedFlag> {
        if doc.len() == 0 {
            return Vec::new();
        }
        let pseudo: Vec<Occ> = self
            .not_negations
            .iter()
            .flat_map(|p| lex.all(doc, p))
            .collect();
        let real = |patterns: &[Pattern]| -> Vec<Occ> {
            let mut v: Vec<Occ> = patterns
                .iter()
                .flat_map(|p| lex.all(doc, p))
                .filter(|o| !pseudo.iter().any(|s| s.overlaps(&o.pos)))
                .collect();
            v.sort_by_key(|o| o.start);
            v
        };
        let mut mentions = Vec::new();
        for rule in &self.rules {
            let except: Vec<Occ> = rule.except.iter().flat_map(|p| lex.all(doc, p)).collect();
            for p in &rule.patterns {
                for occ in lex.all(doc, p) {
                    if !except.iter().any(|e| e.overlaps(&occ.pos)) {
                        mentions.push(Mention {
                            flag: rule.flag,
                            occ,
                        });
                    }
                }
            }
        }
        mentions.sort_by_key(|m| m.occ.start);
        let found = Found {
            before: real(&self.negations),
            after: real(&self.negations_after),
            mentions,
        };
        let mut flags: Vec<RedFlag> = found
            .mentions
            .iter()
            .filter(|m| !self.negated(doc, &found, m))
            .map(|m| m.flag)
            .collect();
        flags.sort_unstable();
        flags.dedup();
        flags
    }

    /// Whether mention `m` is negated.
    fn negated(&self, doc: &Doc, found: &Found, m: &Mention) -> bool {
        let pos = &m.occ.pos;
        let (Some(&s), Some(&e)) = (pos.first(), pos.last()) else {
            return false;
        };
        let clause = |p: usize| doc.words.clause.get(p).copied();
        let lo = s.saturating_sub(self.negation_window + 8);
        let from = found.before.partition_point(|o| o.start < lo);
        let before_or_inside = found.before[from..]
            .iter()
            .take_while(|o| o.start <= e)
            .filter(|o| !o.overlaps(pos))
            .any(|o| {
                let before = o.end() < s
                    && s - o.end() <= self.negation_window
                    && clause(o.start) == clause(s)
                    && clause(o.end()) == clause(s)
                    && !self.spent_before(doc, found, m, o.end());
                // Between the words of the match, clauses do not matter: "my bladder, no
                // problems" is one statement.
                let inside = o.start > s && o.end() < e;
                before || inside
            });
        if before_or_inside {
            return true;
        }
        let from = found.after.partition_point(|o| o.start <= e);
        found.after[from..]
            .iter()
            .take_while(|o| o.start <= e + self.negation_window_after)
            .any(|o| !o.overlaps(pos) && clause(o.start) == clause(e))
    }

    /// True when a mention of another flag lies between a negation ending at `neg_end` and
    /// mention `m`, and more than continuing words ("or") separate it from `m`: the negation
    /// belongs to that other mention.
    fn spent_before(&self, doc: &Doc, found: &Found, m: &Mention, neg_end: usize) -> bool {
        let s = m.occ.start;
        let from = found.mentions.partition_point(|x| x.occ.start <= neg_end);
        found.mentions[from..]
            .iter()
            .take_while(|x| x.occ.start < s)
            .filter(|x| x.flag != m.flag && x.occ.end() < s)
            .any(|x| {
                let gap = doc.words.words.get(x.occ.end() + 1..s).unwrap_or_default();
                gap.is_empty() || !self.only_continuing(gap)
            })
    }

    /// True when `words` are made only of `negation_continues` phrases (and not empty).
    fn only_continuing(&self, words: &[String]) -> bool {
        let mut i = 0;
        while i < words.len() {
            let step = self
                .negation_continues
                .iter()
                .filter(|p| phrase_at(words, i, p))
                .map(Vec::len)
                .max();
            match step {
                Some(n) => i += n,
                None => return false,
            }
        }
        true
    }
}
