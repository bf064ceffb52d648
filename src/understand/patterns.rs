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

use super::fuzzy::within;
use super::text::{MAX_CHARS, Rewriter, Words, split_words};

/// How many different ways one part may match from one starting word before we stop looking:
/// bounds the work on long messages full of repeated words.
const PATHS_PER_START: usize = 8;

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

/// Where one match lies: the positions of the message words it used, sorted.
#[derive(Debug, Clone)]
pub(crate) struct Occ {
    pub start: usize,
    pub pos: Vec<usize>,
}

impl Occ {
    pub fn end(&self) -> usize {
        self.pos.last().copied().unwrap_or(self.start)
    }

    pub fn overlaps(&self, positions: &[usize]) -> bool {
        self.pos.iter().any(|p| positions.binary_search(p).is_ok())
    }
}

/// A message prepared for matching: its words and, per data atom, where it matches.
#[derive(Debug)]
pub(crate) struct Doc {
    pub words: Words,
    /// For each atom, the positions of the words it matches, ascending.
    at: Vec<Vec<usize>>,
    /// For each word, the bit set of atoms it matches.
    sets: Vec<usize>,
    bits: Vec<Vec<u64>>,
}

impl Doc {
    fn has(&self, pos: usize, atom: usize) -> bool {
        self.sets
            .get(pos)
            .and_then(|&s| self.bits.get(s))
            .and_then(|b| b.get(atom / 64))
            .is_some_and(|w| w & (1u64 << (atom % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }
}

impl Lexicon {
    /// Marks `word` as a known word of the data (never read as a misspelling).
    pub fn add_known(&mut self, word: &str) {
        self.known.insert(word.to_string());
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

    /// Whether data atom `atom` matches message word `word`.
    fn atom_matches(&self, atom: &Atom, word: &str) -> bool {
        let len = atom.text.chars().count();
        // Typos rarely hit the first letter; requiring it keeps "makes" from reading as "wakes"
        // and "right" as "night".
        let typo_ok = len >= self.typo_min
            && word.chars().count() >= 3
            && word.chars().next() == atom.text.chars().next()
            && word.chars().all(char::is_alphabetic)
            && !self.known.contains(word);
        if !atom.stem {
            return word == atom.text || (typo_ok && within(word, &atom.text, 1));
        }
        if word.starts_with(&atom.text) {
            return true;
        }
        if !typo_ok {
            return false;
        }
        // A misspelt stem: some prefix of the word, one letter shorter to one longer than the
        // stem, is one edit away from it.
        let chars: Vec<char> = word.chars().collect();
        (len.saturating_sub(1)..=len + 1)
            .filter(|&k| k > 0 && k <= chars.len())
            .any(|k| within(&chars[..k].iter().collect::<String>(), &atom.text, 1))
    }

    /// Prepares `words` for matching: decides once per distinct word which atoms it matches.
    pub fn doc(&self, words: Words) -> Doc {
        let blocks = self.atoms.len().div_ceil(64);
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut bits: Vec<Vec<u64>> = Vec::new();
        let mut sets = Vec::with_capacity(words.len());
        for w in &words.words {
            let next = bits.len();
            let id = *seen.entry(w.as_str()).or_insert(next);
            if id == next {
                let mut b = vec![0u64; blocks];
                for (i, atom) in self.atoms.iter().enumerate() {
                    if self.atom_matches(atom, w) {
                        b[i / 64] |= 1u64 << (i % 64);
                    }
                }
                bits.push(b);
            }
            sets.push(id);
        }
        let mut at = vec![Vec::new(); self.atoms.len()];
        for (pos, &s) in sets.iter().enumerate() {
            for (block, &word) in bits[s].iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    if let Some(list) = at.get_mut(block * 64 + bit) {
                        list.push(pos);
                    }
                }
            }
        }
        drop(seen);
        Doc {
            words,
            at,
            sets,
            bits,
        }
    }

    fn alt_at(&self, doc: &Doc, alt: &Alt, p: usize) -> bool {
        alt.iter().enumerate().all(|(k, &a)| doc.has(p + k, a))
    }

    /// Every place where `part` matches, ordered by start.
    fn part_occurrences(&self, doc: &Doc, part: &[Term]) -> Vec<Occ> {
        let Some(first) = part.first() else {
            return Vec::new();
        };
        let mut starts: Vec<usize> = first
            .alts
            .iter()
            .filter_map(|alt| alt.first())
            .flat_map(|&a| doc.at.get(a).map(Vec::as_slice).unwrap_or_default())
            .copied()
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut out = Vec::new();
        let mut path = Vec::new();
        for p in starts {
            let from = out.len();
            self.extend(doc, part, 0, p, &mut path, &mut out, from);
        }
        out
    }

    /// Depth-first search for the rest of a part, term `t` starting at word `p`.
    #[allow(clippy::too_many_arguments)]
    fn extend(
        &self,
        doc: &Doc,
        part: &[Term],
        t: usize,
        p: usize,
        path: &mut Vec<usize>,
        out: &mut Vec<Occ>,
        from: usize,
    ) {
        let Some(term) = part.get(t) else { return };
        for alt in &term.alts {
            if out.len() - from >= PATHS_PER_START {
                return;
            }
            if alt.is_empty() || !self.alt_at(doc, alt, p) {
                continue;
            }
            path.extend(p..p + alt.len());
            let end = p + alt.len() - 1;
            if t + 1 == part.len() {
                out.push(Occ {
                    start: path.first().copied().unwrap_or(p),
                    pos: path.clone(),
                });
            } else {
                let last = (end + 1 + self.gap).min(doc.len().saturating_sub(1));
                for q in end + 1..=last {
                    self.extend(doc, part, t + 1, q, path, out, from);
                }
            }
            path.truncate(path.len() - alt.len());
        }
    }

    /// Calls `accept` with the word positions of matches of `pattern` (one per place where its
    /// first part matches) until `accept` returns true; returns whether it did.
    pub fn find(
        &self,
        doc: &Doc,
        pattern: &Pattern,
        mut accept: impl FnMut(&[usize]) -> bool,
    ) -> bool {
        let mut occs: Vec<Vec<Occ>> = Vec::with_capacity(pattern.parts.len());
        for part in &pattern.parts {
            let found = self.part_occurrences(doc, part);
            if found.is_empty() {
                return false;
            }
            occs.push(found);
        }
        let Some((anchors, others)) = occs.split_first() else {
            return false;
        };
        'anchor: for anchor in anchors {
            let mut pos = anchor.pos.clone();
            let lo = anchor.start.saturating_sub(self.window);
            let hi = anchor.start + self.window;
            for list in others {
                let from = list.partition_point(|o| o.start < lo);
                let nearest = list[from..]
                    .iter()
                    .take_while(|o| o.start <= hi)
                    .filter(|o| !o.pos.iter().any(|x| pos.contains(x)))
                    .min_by_key(|o| o.start.abs_diff(anchor.start));
                match nearest {
                    Some(o) => pos.extend(&o.pos),
                    None => continue 'anchor,
                }
            }
            pos.sort_unstable();
            pos.dedup();
            if accept(&pos) {
                return true;
            }
        }
        false
    }

    /// Every match of `pattern`, as sorted word positions.
    pub fn all(&self, doc: &Doc, pattern: &Pattern) -> Vec<Occ> {
        let mut out = Vec::new();
        self.find(doc, pattern, |pos| {
            out.push(Occ {
                start: pos.first().copied().unwrap_or(0),
                pos: pos.to_vec(),
            });
            false
        });
        out.sort_by_key(|o| o.start);
        out
    }

    /// True when `pattern` matches somewhere in `doc`.
    pub fn matches(&self, doc: &Doc, pattern: &Pattern) -> bool {
        self.find(doc, pattern, |_| true)
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
