//! The Script: every word the bot says, loaded from dialogs/<language>/*.toml and checked
//! against the strum enums at start-up (in progress).

/// A dialog file that does not match the enums: names the file, the key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct DialogError {
    pub file: String,
    /// Dotted path of the offending key, e.g. "area.options.lower_bak".
    pub key: String,
    pub reason: String,
}

impl DialogError {
    pub fn new(file: impl Into<String>, key: impl Into<String>, reason: impl Into<String>) -> Self {
        DialogError {
            file: file.into(),
            key: key.into(),
            reason: reason.into(),
        }
    }
}
