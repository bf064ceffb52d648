//! Maps keyed by enum variants: every key must name a variant, and every variant must be there.

use std::collections::BTreeMap;
use std::str::FromStr;

use strum::IntoEnumIterator;

use super::DialogError;

/// Turns a table keyed by snake_case names into one keyed by `E`, checking that no key is
/// unknown and none is missing. `section` is the dotted path of the table, for errors.
pub fn by_variant<E, V>(
    file: &str,
    section: &str,
    map: BTreeMap<String, V>,
) -> Result<BTreeMap<E, V>, DialogError>
where
    E: FromStr + IntoEnumIterator + Into<&'static str> + Ord + Copy,
{
    let mut out = BTreeMap::new();
    for (key, value) in map {
        let variant = E::from_str(&key).map_err(|_| {
            DialogError::new(
                file,
                join(section, &key),
                format!("unknown key; expected one of: {}", names::<E>().join(", ")),
            )
        })?;
        out.insert(variant, value);
    }
    if let Some(missing) = E::iter().find(|v| !out.contains_key(v)) {
        let name: &'static str = missing.into();
        return Err(DialogError::new(file, join(section, name), "missing"));
    }
    Ok(out)
}

/// The snake_case names of every variant of `E`.
pub fn names<E: IntoEnumIterator + Into<&'static str>>() -> Vec<&'static str> {
    E::iter().map(Into::into).collect()
}

/// `section.key`, or just `key` at the top level.
pub fn join(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

/// Parses a TOML file into `T`, naming the file and the offending key in the error.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, DialogError> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().to_string();
        let at = e
            .span()
            .map(|s| {
                let before = &text.as_bytes()[..s.start.min(text.len())];
                let line = before.iter().filter(|b| **b == b'\n').count() + 1;
                format!("line {line}")
            })
            .unwrap_or_else(|| "(file)".to_string());
        DialogError::new(file, at, message)
    })
}
