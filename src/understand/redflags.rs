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
        // A negation word that is part of a symptom phrase ("no control over my bladder")
        // negates nothing else.
        let mut in_mention = vec![false; doc.len()];
        for p in mentions.iter().flat_map(|m| &m.occ.pos) {
            if let Some(slot) = in_mention.get_mut(*p) {
                *slot = true;
            }
        }
        let mut before = real(&self.negations);
        before.retain(|o| {
            !o.pos
                .iter()
                .any(|p| in_mention.get(*p).copied().unwrap_or(false))
        });
        let found = Found {
            before,
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::understand::text::{MAX_CHARS, Normalizer, Rewriter};

    /// Rules for two flags with one pattern each, and the usual negation words.
    fn rules() -> (Lexicon, RedFlagRules) {
        let mut lex = Lexicon::default();
        let groups = HashMap::new();
        let rw = Rewriter::default();
        let mut p = |s: &str| lex.parse(s, &groups, &rw).unwrap();
        let rules = RedFlagRules {
            rules: vec![
                FlagRule {
                    flag: RedFlag::Fever,
                    patterns: vec![p("{fever|chills}")],
                    except: vec![p("hay fever")],
                },
                FlagRule {
                    flag: RedFlag::BladderBowel,
                    patterns: vec![p("{cant|no control|leaking} & bladder")],
                    except: vec![],
                },
            ],
            negations: vec![p("{no|not|cant|dont}")],
            negations_after: vec![p("free")],
            not_negations: vec![p("not sure")],
            negation_continues: vec![vec!["or".to_string()]],
            negation_window: 3,
            negation_window_after: 1,
        };
        (lex, rules)
    }

    fn scan(text: &str) -> Vec<RedFlag> {
        let (lex, rules) = rules();
        let mut norm = Normalizer::default();
        norm.clause_breaks.insert("but".to_string());
        rules.scan(&lex, &lex.doc(norm.words(text, MAX_CHARS)))
    }

    #[test]
    fn negation_before_inside_and_after() {
        assert_eq!(scan("fever"), vec![RedFlag::Fever]);
        assert!(scan("no fever").is_empty());
        assert!(scan("I dont have a fever").is_empty());
        assert!(scan("fever free").is_empty());
        assert_eq!(scan("not sure but fever"), vec![RedFlag::Fever]);
        assert_eq!(scan("not sure i have a fever"), vec![RedFlag::Fever]);
        assert_eq!(scan("no. fever"), vec![RedFlag::Fever]);
        assert_eq!(
            scan("no way i can say this is not a long list so fever"),
            vec![RedFlag::Fever]
        );
    }

    #[test]
    fn a_negation_in_the_pattern_does_not_negate_it() {
        assert_eq!(
            scan("I cant control my bladder"),
            vec![RedFlag::BladderBowel]
        );
        assert_eq!(
            scan("no control over my bladder"),
            vec![RedFlag::BladderBowel]
        );
    }

    #[test]
    fn a_negation_is_spent_on_the_first_flag_unless_continued() {
        assert_eq!(
            scan("no fever leaking bladder"),
            vec![RedFlag::BladderBowel]
        );
        assert!(scan("no fever or leaking bladder").is_empty());
        assert!(scan("no chills fever").is_empty());
        // The "no" of "no control" is part of a symptom, not a negation of the chills.
        let both = vec![RedFlag::BladderBowel, RedFlag::Fever];
        assert_eq!(scan("no control bladder chills"), both);
    }

    #[test]
    fn exceptions_cancel_overlapping_matches_only() {
        assert!(scan("hay fever").is_empty());
        assert_eq!(scan("hay fever and now a real fever"), vec![RedFlag::Fever]);
    }
}
