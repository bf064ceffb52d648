//! The pattern language of understand.toml, and matching it against a message.
//!
//! A pattern is one or more parts joined by `&`. A part is a sequence of terms that must appear
//! in order, each starting at most `gap` words after the previous one ended. The parts of a
//! pattern may appear in any order, each starting within `window` words of the first part.
//! A term is
//! - a word (`fever`), matching that word;
//! - a stem (`numb*`), matching any word that starts with it ("numbness", "numbed");
//! - a choice `{a|b c|d*}` of alternatives, each one or more words/stems that must follow each
//!   other directly ("pins and needles");
//! - a group reference `@legs`, the alternatives listed under that name in `[groups]`
//!   (also allowed as an alternative inside `{...}` and inside another group).
//!
//! Words and stems of at least `typo_min_letters` letters also match a message word one edit
//! away with the same first letter ("bladdr", "feaver"), unless that message word is itself a
//! known word of the data ("fewer" is not a misspelt "fever").

use std::collections::{HashMap, HashSet};

use super::text::{MAX_CHARS, Rewriter, Words, split_words};

mod matching;

pub(crate) use matching::{Doc, Occ};

/// How deep group references may nest before we call it a loop.
const MAX_GROUP_DEPTH: usize = 8;

/// A single word or stem of the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Atom {
    text: String,
    stem: bool,
}

/// Atoms that must follow each other directly: one alternative of a term.
type Alt = Vec<usize>;

/// One position of a part: any of its alternatives.
#[derive(Debug, Clone)]
struct Term {
    alts: Vec<Alt>,
}

/// A parsed pattern: its parts, each a sequence of terms.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    parts: Vec<Vec<Term>>,
}

/// Every word and stem the patterns use, and the matching settings.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    atoms: Vec<Atom>,
    index: HashMap<Atom, usize>,
    /// Exact words of the data: a message word equal to one of these is never a misspelling.
    known: HashSet<String>,
    /// Shortest data word (in letters) that tolerates a one-letter misspelling.
    pub typo_min: usize,
    /// Most words allowed between two consecutive terms of a part.
    pub gap: usize,
    /// Most words between the start of the first part and the start of any other part.
    pub window: usize,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon {
            atoms: Vec::new(),
            index: HashMap::new(),
            known: HashSet::new(),
            typo_min: 5,
            gap: 3,
            window: 6,
        }
    }
}

impl Lexicon {
    /// Marks `word` as a known word of the data (never read as a misspelling).
    pub fn add_known(&mut self, word: &str) {
        self.known.insert(word.to_string());
    }

    /// Whether `word` (normalised) is a word of the data.
    pub fn knows(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    fn intern(&mut self, atom: Atom) -> usize {
        if let Some(&i) = self.index.get(&atom) {
            return i;
        }
        if !atom.stem {
            self.known.insert(atom.text.clone());
        }
        self.atoms.push(atom.clone());
        self.index.insert(atom, self.atoms.len() - 1);
        self.atoms.len() - 1
    }

    /// Parses one pattern. Errors are a reason to show with the data key.
    pub fn parse(
        &mut self,
        src: &str,
        groups: &HashMap<String, Vec<String>>,
        rewriter: &Rewriter,
    ) -> Result<Pattern, String> {
        let mut parts = Vec::new();
        for part in src.split('&') {
            let terms = self.parse_part(part, groups, rewriter)?;
            if terms.is_empty() {
                return Err(format!("pattern '{src}' has an empty part around '&'"));
            }
            parts.push(terms);
        }
        Ok(Pattern { parts })
    }

    fn parse_part(
        &mut self,
        src: &str,
        groups: &HashMap<String, Vec<String>>,
        rewriter: &Rewriter,
    ) -> Result<Vec<Term>, String> {
        let mut terms = Vec::new();
        let mut rest = src.trim();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let close = after
                    .find('}')
                    .ok_or_else(|| format!("'{{' without '}}' in '{src}'"))?;
                let inner = &after[..close];
                if inner.contains('{') {
                    return Err(format!("'{{' inside '{{...}}' in '{src}'"));
                }
                let alts = self.parse_alts(inner.split('|'), groups, rewriter, 0)?;
                terms.push(Term { alts });
                rest = after[close + 1..].trim_start();
            } else {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '{')
                    .unwrap_or(rest.len());
                let token = &rest[..end];
                if token.contains(['}', '|']) {
                    return Err(format!("'{token}' outside '{{...}}' in '{src}'"));
                }
                let alts = self.parse_alts(std::iter::once(token), groups, rewriter, 0)?;
                terms.push(Term { alts });
                rest = rest[end..].trim_start();
            }
        }
        Ok(terms)
    }

    fn parse_alts<'s>(
        &mut self,
        alts: impl Iterator<Item = &'s str>,
        groups: &HashMap<String, Vec<String>>,
        rewriter: &Rewriter,
        depth: usize,
    ) -> Result<Vec<Alt>, String> {
        let mut out = Vec::new();
        for alt in alts {
            let alt = alt.trim();
            if alt.is_empty() {
                return Err("empty alternative (look for '||', '{|' or '|}')".to_string());
            }
            if let Some(name) = alt.strip_prefix('@') {
                if depth >= MAX_GROUP_DEPTH {
                    return Err(format!("group @{name} refers to groups in a loop"));
                }
                let entries = groups
                    .get(name)
                    .ok_or_else(|| format!("unknown group @{name} (define it under [groups])"))?;
                let entries = entries.iter().map(String::as_str);
                out.extend(self.parse_alts(entries, groups, rewriter, depth + 1)?);
            } else {
                out.push(self.parse_alt(alt, rewriter)?);
            }
        }
        Ok(out)
    }

    fn parse_alt(&mut self, alt: &str, rewriter: &Rewriter) -> Result<Alt, String> {
        let mut atoms = Vec::new();
        for item in alt.split_whitespace() {
            let (body, stem) = match item.strip_suffix('*') {
                Some(body) => (body, true),
                None => (item, false),
            };
            if body.contains(['{', '}', '|', '@', '&', '*']) {
                return Err(format!("'{item}' mixes pattern marks into a word"));
            }
            let words = split_words(body, MAX_CHARS).words;
            if words.is_empty() {
                return Err(format!("'{item}' has no letters or digits"));
            }
            let n = words.len();
            for (k, text) in words.into_iter().enumerate() {
                atoms.push(Atom {
                    text,
                    stem: stem && k + 1 == n,
                });
            }
        }
        let plain: Vec<String> = atoms.iter().map(|a| a.text.clone()).collect();
        if rewriter.changes(&plain) {
            let canonical = rewriter.apply(Words {
                clause: vec![0; plain.len()],
                words: plain,
            });
            return Err(format!(
                "'{alt}' never appears in a message: messages are rewritten first (see \
                 [text.rewrites]), write '{}'",
                canonical.joined()
            ));
        }
        Ok(atoms.into_iter().map(|a| self.intern(a)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::text::split_words;

    fn lexicon_with(patterns: &[&str], groups: &[(&str, &[&str])]) -> (Lexicon, Vec<Pattern>) {
        let groups: HashMap<String, Vec<String>> = groups
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        let mut lex = Lexicon::default();
        let mut rw = Rewriter::default();
        rw.add(vec!["cannot".into()], vec!["cant".into()]);
        let parsed = patterns
            .iter()
            .map(|p| lex.parse(p, &groups, &rw))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        (lex, parsed)
    }

    fn hits(lex: &Lexicon, p: &Pattern, text: &str) -> bool {
        lex.matches(&lex.doc(split_words(text, MAX_CHARS)), p)
    }

    #[test]
    fn ordered_terms_with_gaps() {
        let (lex, p) = lexicon_with(&["{cant|unable to} control* bladder"], &[]);
        assert!(hits(&lex, &p[0], "I cant control my bladder"));
        assert!(hits(&lex, &p[0], "unable to really control the bladder"));
        assert!(!hits(&lex, &p[0], "bladder I cant control"));
        assert!(!hits(
            &lex,
            &p[0],
            "I cant at all really ever control it, bladder"
        ));
    }

    #[test]
    fn parts_in_any_order_within_the_window() {
        let (lex, p) = lexicon_with(
            &["both & @legs & {numb*|pins and needles}"],
            &[("legs", &["legs", "feet"])],
        );
        assert!(hits(&lex, &p[0], "pins and needles in both legs"));
        assert!(hits(&lex, &p[0], "my legs are both numb"));
        assert!(hits(&lex, &p[0], "numbness in both feet"));
        assert!(!hits(&lex, &p[0], "both legs are fine"));
        assert!(!hits(
            &lex,
            &p[0],
            "both of them said my legs look strong and later that one day my arm went numb"
        ));
    }

    #[test]
    fn misspellings_of_long_words_but_not_known_words() {
        let (mut lex, p) = lexicon_with(&["fever", "bladder", "numb*"], &[]);
        lex.add_known("never");
        assert!(hits(&lex, &p[0], "feaver"));
        assert!(hits(&lex, &p[0], "fevr"));
        assert!(!hits(&lex, &p[0], "never"));
        assert!(hits(&lex, &p[1], "bladdr"));
        assert!(hits(&lex, &p[2], "numbness"));
        assert!(!hits(&lex, &p[2], "nub"));
    }

    #[test]
    fn rejects_malformed_patterns() {
        let mut lex = Lexicon::default();
        let mut rw = Rewriter::default();
        rw.add(vec!["cannot".into()], vec!["cant".into()]);
        let groups = HashMap::from([
            ("a".to_string(), vec!["@b".to_string()]),
            ("b".to_string(), vec!["@a".to_string()]),
        ]);
        for bad in [
            "{open",
            "a & ",
            "x|y",
            "{a||b}",
            "@missing",
            "@a",
            "cannot pee",
            "*",
            "{a}}",
        ] {
            assert!(lex.parse(bad, &groups, &rw).is_err(), "{bad}");
        }
    }
}
