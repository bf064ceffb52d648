//! Matching parsed patterns against a message: which words each data atom matches (once per
//! distinct word), where each part of a pattern occurs, and how parts combine.

use std::collections::HashMap;

use super::{Alt, Atom, Lexicon, Pattern, Term};
use crate::understand::fuzzy::within;
use crate::understand::text::Words;

/// How many different ways one part may match from one starting word before we stop looking:
/// bounds the work on long messages full of repeated words.
const PATHS_PER_START: usize = 8;

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
