//! Places people name for their time zone that are not the city of a zone, or are called
//! something else in their language: "Wien" (Europe/Vienna), "München" (Europe/Berlin),
//! "Peking" (Asia/Shanghai). From [places] of understand.toml.

use std::collections::BTreeMap;

use super::data::Section;
use super::text::{MAX_CHARS, split_words};
use crate::script::DialogError;

/// Every listed name, and how each zone is written in this language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places {
    /// (the name's words run together, "neudelhi"; its zone).
    names: Vec<(String, String)>,
    /// The first name listed for each zone: its name on buttons ("Wien").
    shown: BTreeMap<String, String>,
}

/// A name as compared: lowercase, no accents, spaces, dashes and dots dropped ("Neu-Delhi",
/// "neu delhi" and "Neudelhi" are one name).
fn key(text: &str) -> String {
    split_words(text, MAX_CHARS).words.concat()
}

impl Places {
    /// Reads [places]: `"Zone/Name" = ["name", ...]`, every zone known to the time zone
    /// database, every list non-empty.
    pub fn read(s: &Section) -> Result<Places, DialogError> {
        let mut out = Places::default();
        for zone in s.table.keys() {
            if jiff::tz::db().get(zone).is_err() {
                return Err(s.err(zone, "not a time zone of the database"));
            }
            let names = s.strings(zone)?;
            for name in &names {
                let k = key(name);
                if k.is_empty() {
                    return Err(s.err(zone, format!("'{name}' has no letters")));
                }
                out.names.push((k, zone.clone()));
            }
            if let Some(first) = names.first() {
                out.shown.insert(zone.clone(), first.clone());
            }
        }
        Ok(out)
    }

    /// The zone of the place the whole text names.
    pub fn zone(&self, text: &str) -> Option<&str> {
        let k = key(text);
        self.names
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, zone)| zone.as_str())
    }

    /// How `zone` is written in this language, when listed ("Wien" for Europe/Vienna).
    pub fn shown(&self, zone: &str) -> Option<&str> {
        self.shown.get(zone).map(String::as_str)
    }
}
