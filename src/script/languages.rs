//! Every language at once: one [`Script`] per [`Language`], loaded together, and the check
//! that each language has exactly English's keys and the same {placeholders} in each text.
//! English is the reference: a German file that lacks a key, has one English lacks, or fills
//! in different placeholders stops the bot with the file, the key and what is wrong.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use strum::IntoEnumIterator;

use super::{DialogError, Script, Sources};
use crate::model::{Language, RedFlag};

/// The dialog files of German compiled into the binary, beside English.
pub const EMBEDDED_DE: [(&str, &str); 5] = [
    (
        "questions.toml",
        include_str!("../../dialogs/de/questions.toml"),
    ),
    ("plan.toml", include_str!("../../dialogs/de/plan.toml")),
    (
        "messages.toml",
        include_str!("../../dialogs/de/messages.toml"),
    ),
    (
        "understand.toml",
        include_str!("../../dialogs/de/understand.toml"),
    ),
    (
        "history.toml",
        include_str!("../../dialogs/de/history.toml"),
    ),
];

/// The built-in dialogs of one language.
pub fn embedded_sources(language: Language) -> Sources {
    match language {
        Language::En => Sources::embedded(),
        Language::De => Sources::from_files("dialogs/de (built in)", EMBEDDED_DE),
    }
}

/// Every language's Script. English is always there; a language missing from a set built
/// from one Script (tests) speaks English.
#[derive(Debug, Clone)]
pub struct Scripts {
    english: Arc<Script>,
    /// The other languages, in `Language` order.
    others: Vec<(Language, Arc<Script>)>,
}

impl From<Arc<Script>> for Scripts {
    /// One Script for every language (tests that need only English).
    fn from(script: Arc<Script>) -> Self {
        Scripts {
            english: script,
            others: Vec::new(),
        }
    }
}

impl From<Script> for Scripts {
    fn from(script: Script) -> Self {
        Scripts::from(Arc::new(script))
    }
}

impl Scripts {
    /// Checks every language against English, then loads each; the first problem is the error.
    pub fn from_sources(sources: &[(Language, Sources)]) -> Result<Scripts, DialogError> {
        let english = sources.iter().find(|(l, _)| *l == Language::En);
        let Some((_, english)) = english else {
            return Err(DialogError::new(
                "dialogs/en",
                "(folder)",
                "English is missing",
            ));
        };
        let mut scripts = Scripts::from(Script::from_sources(english)?);
        for (language, src) in sources.iter().filter(|(l, _)| *l != Language::En) {
            check_parity(english, src)?;
            let script = Arc::new(Script::from_sources(src)?);
            scripts.others.push((*language, script));
        }
        scripts.others.sort_by_key(|(l, _)| *l);
        Ok(scripts)
    }

    /// The built-in dialogs of every language.
    pub fn embedded() -> Result<Scripts, DialogError> {
        let sources: Vec<(Language, Sources)> =
            Language::iter().map(|l| (l, embedded_sources(l))).collect();
        Scripts::from_sources(&sources)
    }

    /// Every language from `dir`, one sub-folder each (dir/en, dir/de). English must be
    /// there; another language without a folder keeps its built-in dialogs (a folder made
    /// before there was German still works).
    pub fn load(dir: &Path) -> Result<Scripts, DialogError> {
        let mut sources = Vec::new();
        for l in Language::iter() {
            let folder = dir.join(l.key());
            let src = if l == Language::En || folder.exists() {
                Sources::read(&folder)?
            } else {
                embedded_sources(l)
            };
            sources.push((l, src));
        }
        Scripts::from_sources(&sources)
    }

    /// The Script of `language` (English when this set has no such language).
    pub fn get(&self, language: Language) -> &Script {
        self.others
            .iter()
            .find(|(l, _)| *l == language)
            .map_or(&self.english, |(_, s)| s)
    }

    /// Every language and its Script, English first.
    pub fn iter(&self) -> impl Iterator<Item = (Language, &Script)> {
        std::iter::once((Language::En, self.english.as_ref()))
            .chain(self.others.iter().map(|(l, s)| (*l, s.as_ref())))
    }

    /// Red flags the text describes, sorted and unique: read in the user's language, and also
    /// in any language the text has at least as many words of. A German speaker who types
    /// "I can't feel my legs" is as safe as an English one, while an English "no fever" is
    /// not read by the German patterns alone, which know no English negation.
    pub fn red_flags(&self, text: &str, user: Language) -> Vec<RedFlag> {
        let own = self.get(user);
        let mut flags = own.understand.red_flags(text);
        let own_words = own.understand.known_words(text);
        for (_, script) in self.iter().filter(|(l, _)| *l != user) {
            if script.understand.known_words(text) >= own_words.max(1) {
                flags.extend(script.understand.red_flags(text));
            }
        }
        flags.sort();
        flags.dedup();
        flags
    }
}

/// The files whose keys must match English's all the way down. understand.toml holds each
/// language's own words (number words, rewrites, patterns), so only its tables, its red flags
/// and its actions must match.
const FILES: [&str; 4] = [
    "questions.toml",
    "plan.toml",
    "messages.toml",
    "history.toml",
];

/// The tables of understand.toml whose keys must match English's.
const UNDERSTAND_TABLES: [&str; 3] = ["red_flags", "actions", "commands"];

/// Tables of understand.toml that a language may have or leave out (German builds number
/// words that English lists one by one).
const UNDERSTAND_OPTIONAL: [&str; 1] = ["number_words"];

/// Checks `other` against English: the same keys in every file, the same placeholders in
/// every text.
fn check_parity(english: &Sources, other: &Sources) -> Result<(), DialogError> {
    for name in FILES {
        let file = format!("{}/{name}", other.dir);
        let en = parse(english.file(name), &format!("{}/{name}", english.dir))?;
        let it = parse(other.file(name), &file)?;
        compare(&en, &it, "", usize::MAX, &file)?;
    }
    let name = "understand.toml";
    let file = format!("{}/{name}", other.dir);
    let mut en = parse(english.file(name), &format!("{}/{name}", english.dir))?;
    let mut it = parse(other.file(name), &file)?;
    for optional in UNDERSTAND_OPTIONAL {
        en.remove(optional);
        it.remove(optional);
    }
    compare(&en, &it, "", 0, &file)?;
    for table in UNDERSTAND_TABLES {
        if let (Some(toml::Value::Table(a)), Some(toml::Value::Table(b))) =
            (en.get(table), it.get(table))
        {
            compare(a, b, table, 0, &file)?;
        }
    }
    Ok(())
}

fn parse(text: &str, file: &str) -> Result<toml::Table, DialogError> {
    toml::from_str::<toml::Table>(text)
        .map_err(|e| DialogError::new(file, "(file)", e.message().trim().to_string()))
}

/// `a.b`, or `b` at the top.
fn dotted(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Compares two tables down to `depth` levels of tables.
fn compare(
    en: &toml::Table,
    other: &toml::Table,
    path: &str,
    depth: usize,
    file: &str,
) -> Result<(), DialogError> {
    if let Some(k) = en.keys().find(|k| !other.contains_key(*k)) {
        return Err(DialogError::new(
            file,
            dotted(path, k),
            "missing: English has this key",
        ));
    }
    if let Some(k) = other.keys().find(|k| !en.contains_key(*k)) {
        return Err(DialogError::new(
            file,
            dotted(path, k),
            "unknown: English has no such key",
        ));
    }
    if depth == 0 {
        return Ok(());
    }
    for (k, v) in en {
        let key = dotted(path, k);
        match (v, other.get(k)) {
            (toml::Value::Table(a), Some(toml::Value::Table(b))) => {
                compare(a, b, &key, depth - 1, file)?
            }
            (toml::Value::String(a), Some(toml::Value::String(b))) => {
                let (pa, pb) = (placeholders(a), placeholders(b));
                if pa != pb {
                    return Err(DialogError::new(
                        file,
                        key,
                        format!(
                            "placeholders differ: English has {}, this has {}",
                            list(&pa),
                            list(&pb)
                        ),
                    ));
                }
            }
            (toml::Value::Array(a), Some(toml::Value::Array(b))) => {
                // Lists of texts (weekdays, months): the same placeholders in all of them.
                let all = |items: &[toml::Value]| -> BTreeSet<String> {
                    items
                        .iter()
                        .filter_map(toml::Value::as_str)
                        .flat_map(placeholders)
                        .collect()
                };
                let (pa, pb) = (all(a), all(b));
                if pa != pb {
                    return Err(DialogError::new(
                        file,
                        key,
                        format!(
                            "placeholders differ: English has {}, this has {}",
                            list(&pa),
                            list(&pb)
                        ),
                    ));
                }
            }
            (_, Some(b)) if b.type_str() != v.type_str() => {
                return Err(DialogError::new(
                    file,
                    key,
                    format!("must be a {} as in English", v.type_str()),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The {names} a text fills in.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}

/// "{a}, {b}", or "none".
fn list(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_the_names_in_braces() {
        let p = placeholders("at {time} ({zone}), {not a name} {}");
        assert_eq!(p.into_iter().collect::<Vec<_>>(), ["time", "zone"]);
    }
}
