//! Spotting red flags in free text: the patterns of each flag, minus mentions that are negated
//! ("no fever") or that an exception names ("hay fever").
//!
//! Negation scope: a negation phrase counts when it ends at most `negation_window` words before
//! a match in the same clause, or sits between the words of the match, or starts right after
//! it in the same clause (`negations_after`, "fever free"), and is not itself part of the match. That last rule is what lets a pattern
//! carry its own negation: "{cant|no} control ..." matches "I can't control my bladder", and the
//! "cant" it used does not negate it. Phrases like "not sure" or "no longer" are listed as
//! `not_negations` and do not negate anything.

use super::patterns::{Doc, Lexicon, Occ, Pattern};
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
    /// Most words between the end of a negation and the start of what it negates.
    pub negation_window: usize,
    /// Most words between the end of a match and a negation after it.
    pub negation_window_after: usize,
}

/// The negations found in one message.
struct Negations {
    before: Vec<Occ>,
    after: Vec<Occ>,
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
        let neg = Negations {
            before: real(&self.negations),
            after: real(&self.negations_after),
        };
        let mut flags: Vec<RedFlag> = Vec::new();
        for rule in &self.rules {
            if flags.contains(&rule.flag) {
                continue;
            }
            let except: Vec<Occ> = rule.except.iter().flat_map(|p| lex.all(doc, p)).collect();
            let found = rule.patterns.iter().any(|p| {
                lex.find(doc, p, |m| {
                    !except.iter().any(|e| e.overlaps(m)) && !self.negated(doc, &neg, m)
                })
            });
            if found {
                flags.push(rule.flag);
            }
        }
        flags.sort_unstable();
        flags.dedup();
        flags
    }

    /// Whether the match at sorted positions `m` is negated.
    fn negated(&self, doc: &Doc, neg: &Negations, m: &[usize]) -> bool {
        let (Some(&s), Some(&e)) = (m.first(), m.last()) else {
            return false;
        };
        let clause = |p: usize| doc.words.clause.get(p).copied();
        let same_clause = |p: usize| clause(p) == clause(s);
        let lo = s.saturating_sub(self.negation_window + 8);
        let from = neg.before.partition_point(|o| o.start < lo);
        let before_or_inside = neg.before[from..]
            .iter()
            .take_while(|o| o.start <= e)
            .filter(|o| !o.overlaps(m))
            .any(|o| {
                let before = o.end() < s
                    && s - o.end() <= self.negation_window
                    && same_clause(o.start)
                    && same_clause(o.end());
                // Between the words of the match, clauses do not matter: "my bladder, no
                // problems" is one statement.
                let inside = o.start > s && o.end() < e;
                before || inside
            });
        if before_or_inside {
            return true;
        }
        let from = neg.after.partition_point(|o| o.start <= e);
        neg.after[from..]
            .iter()
            .take_while(|o| o.start <= e + self.negation_window_after)
            .any(|o| !o.overlaps(m) && same_clause(o.start) && clause(o.start) == clause(e))
    }
}
