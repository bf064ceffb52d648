//! Reading understand.toml strictly: every table is checked for unknown keys, every value for
//! its type, and every error names the file and the dotted key.

use toml::{Table, Value};

use crate::script::DialogError;

/// One table of the data file and where it is.
#[derive(Clone)]
pub(crate) struct Section<'a> {
    pub file: &'a str,
    /// Dotted path of this table ("" for the top level).
    pub path: String,
    pub table: &'a Table,
}

impl<'a> Section<'a> {
    /// The dotted path of `key` inside this table.
    pub fn key(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn err(&self, key: &str, reason: impl Into<String>) -> DialogError {
        DialogError::new(self.file, self.key(key), reason)
    }

    /// Fails on the first key that is not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), DialogError> {
        match self.table.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.err(
                k,
                format!("unknown key; expected one of: {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// The sub-table `key`, which must exist.
    pub fn table(&self, key: &str) -> Result<Section<'a>, DialogError> {
        match self.table.get(key) {
            Some(Value::Table(t)) => Ok(Section {
                file: self.file,
                path: self.key(key),
                table: t,
            }),
            Some(_) => Err(self.err(key, "must be a table")),
            None => Err(self.err(key, "missing")),
        }
    }

    /// A list of non-empty strings, which must exist and not be empty.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, DialogError> {
        match self.table.get(key) {
            None => Err(self.err(key, "missing")),
            Some(v) => {
                let list = strings_of(v).map_err(|r| self.err(key, r))?;
                if list.is_empty() {
                    return Err(self.err(key, "must not be empty"));
                }
                Ok(list)
            }
        }
    }

    /// A list of non-empty strings that may be left out (empty then).
    pub fn opt_strings(&self, key: &str) -> Result<Vec<String>, DialogError> {
        match self.table.get(key) {
            None => Ok(Vec::new()),
            Some(v) => strings_of(v).map_err(|r| self.err(key, r)),
        }
    }

    /// A whole number in `range`, which must exist.
    pub fn int(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<usize, DialogError> {
        match self.table.get(key) {
            Some(Value::Integer(i)) if range.contains(i) => {
                usize::try_from(*i).map_err(|_| self.err(key, "out of range"))
            }
            Some(Value::Integer(_)) => Err(self.err(
                key,
                format!("must be between {} and {}", range.start(), range.end()),
            )),
            Some(_) => Err(self.err(key, "must be a whole number")),
            None => Err(self.err(key, "missing")),
        }
    }
}

/// The strings of an array value, or why it is not a list of non-empty strings.
pub(crate) fn strings_of(v: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = v else {
        return Err("must be a list of strings".to_string());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
            Value::String(_) => Err(format!("item {} is empty", i + 1)),
            _ => Err(format!("item {} must be a string", i + 1)),
        })
        .collect()
}

/// Parses the file into a table; a syntax error names the line.
pub(crate) fn parse(text: &str, file: &str) -> Result<Table, DialogError> {
    toml::from_str::<Table>(text).map_err(|e| {
        let line = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map_or(0, |before| before.matches('\n').count() + 1);
        let key = if line > 0 {
            format!("line {line}")
        } else {
            String::new()
        };
        DialogError::new(file, key, e.message().trim().to_string())
    })
}
