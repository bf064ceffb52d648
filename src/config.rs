//! Configuration: config.example.toml documents every key. The file is found from
//! `--config`, then `BACKCHECK_CONFIG`, then ./config.toml (optional); the environment
//! overrides `TELOXIDE_TOKEN`, `TELOXIDE_API_URL`, `BACKCHECK_DATA_DIR` and
//! `BACKCHECK_DATABASE_URL` win over it.
//! A malformed setting is a one-line error naming the key; the token never appears in one.

use std::fmt;
use std::path::{Path, PathBuf};

mod store;

pub use store::{Backend, DATABASE_URL_ENV, DatabaseUrl, StoreSettings};

/// A configuration problem, naming the file and key so the person running the bot can fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: not valid TOML: {reason}")]
    Syntax { path: String, reason: String },
    #[error("{path}: {key}: {reason}")]
    Key {
        path: String,
        key: String,
        reason: String,
    },
}

/// The bot token: kept out of `Debug` and `Display` so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token given directly (tests, or a program embedding backcheck).
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The token itself, for the Telegram client only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the settings came from ("defaults" when no file was found), for messages.
    pub source: String,
    pub token: Option<Token>,
    pub api_url: Option<String>,
    pub data_dir: PathBuf,
    /// `[store]`: sled or PostgreSQL (see `store`).
    pub store: StoreSettings,
    /// None: the dialogs built into the binary.
    pub dialogs_dir: Option<PathBuf>,
    pub language: String,
    pub default_time_zone: String,
    pub log: String,
    /// Keep Telegram's flood limits (`telegram.throttle`); false only for load tests against
    /// a fake Bot API.
    pub throttle: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: "defaults".to_string(),
            token: None,
            api_url: None,
            data_dir: PathBuf::from("data"),
            store: StoreSettings::default(),
            dialogs_dir: None,
            language: "en".to_string(),
            default_time_zone: "UTC".to_string(),
            log: "info".to_string(),
            throttle: true,
        }
    }
}

/// The keys that hold `true` or `false`; every other key holds a string.
const BOOL_KEYS: [&str; 1] = ["telegram.throttle"];

/// Every key the file may hold, by section.
const KEYS: [(&str, &[&str]); 6] = [
    ("telegram", &["token", "api_url", "throttle"]),
    ("storage", &["data_dir"]),
    ("store", &["backend", "url"]),
    ("dialogs", &["dir", "language"]),
    ("bot", &["default_time_zone"]),
    ("log", &["level"]),
];

impl Config {
    /// Loads the configuration: `explicit` (--config) or `BACKCHECK_CONFIG` must exist;
    /// ./config.toml is used when present. `env` reads environment variables.
    pub fn load(
        explicit: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let named = explicit.map(Path::to_path_buf).or_else(|| {
            env("BACKCHECK_CONFIG")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        });
        let mut config = match named {
            Some(path) => Config::from_file(&path)?,
            None => {
                let local = PathBuf::from("config.toml");
                if local.exists() {
                    Config::from_file(&local)?
                } else {
                    Config::default()
                }
            }
        };
        if let Some(token) = env("TELOXIDE_TOKEN").filter(|s| !s.trim().is_empty()) {
            config.token = Some(Token(token.trim().to_string()));
        }
        if let Some(url) = env("TELOXIDE_API_URL").filter(|s| !s.trim().is_empty()) {
            config.api_url = Some(check_url("TELOXIDE_API_URL", "environment", url.trim())?);
        }
        if let Some(dir) = env("BACKCHECK_DATA_DIR").filter(|s| !s.trim().is_empty()) {
            config.data_dir = PathBuf::from(dir);
        }
        config.store = config.store.with_env(env, &config.source)?;
        Ok(config)
    }

    /// Reads one config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        Config::from_toml(&text, &shown)
    }

    /// Parses the text of a config file; `path` names it in errors.
    pub fn from_toml(text: &str, path: &str) -> Result<Config, ConfigError> {
        let table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: path.to_string(),
                    reason: e.message().to_string(),
                })?;
        let key_error = |key: &str, reason: &str| ConfigError::Key {
            path: path.to_string(),
            key: key.to_string(),
            reason: reason.to_string(),
        };
        for (section, value) in &table {
            let Some((_, keys)) = KEYS.iter().find(|(s, _)| s == section) else {
                let known: Vec<&str> = KEYS.iter().map(|(s, _)| *s).collect();
                let reason = format!("unknown section; expected one of: {}", known.join(", "));
                return Err(key_error(section, &reason));
            };
            let Some(inner) = value.as_table() else {
                return Err(key_error(section, "must be a section like [section]"));
            };
            for (key, value) in inner {
                let dotted = format!("{section}.{key}");
                if !keys.contains(&key.as_str()) {
                    let reason = format!("unknown key; expected one of: {}", keys.join(", "));
                    return Err(key_error(&dotted, &reason));
                }
                if BOOL_KEYS.contains(&dotted.as_str()) {
                    if !value.is_bool() {
                        return Err(key_error(&dotted, "must be true or false (no quotes)"));
                    }
                } else if !value.is_str() {
                    return Err(key_error(&dotted, "must be a string in quotes"));
                }
            }
        }
        let get = |section: &str, key: &str| -> Option<String> {
            table
                .get(section)?
                .get(key)?
                .as_str()
                .map(|s| s.trim().to_string())
        };
        let mut c = Config {
            source: path.to_string(),
            ..Config::default()
        };
        c.token = get("telegram", "token")
            .filter(|t| !t.is_empty())
            .map(Token);
        if let Some(url) = get("telegram", "api_url").filter(|u| !u.is_empty()) {
            c.api_url = Some(check_url("telegram.api_url", path, &url)?);
        }
        if let Some(dir) = get("storage", "data_dir") {
            if dir.is_empty() {
                return Err(key_error("storage.data_dir", "must not be empty"));
            }
            c.data_dir = PathBuf::from(dir);
        }
        c.store = StoreSettings::from_file(|key| get("store", key), path)?;
        c.dialogs_dir = get("dialogs", "dir")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from);
        if let Some(lang) = get("dialogs", "language") {
            if lang.is_empty()
                || !lang
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
            {
                return Err(key_error(
                    "dialogs.language",
                    "must be a language code like \"en\"",
                ));
            }
            c.language = lang;
        }
        if let Some(zone) = get("bot", "default_time_zone") {
            if jiff::tz::db().get(&zone).is_err() {
                let reason =
                    format!("unknown time zone {zone:?}; use a name like \"Europe/Berlin\"");
                return Err(key_error("bot.default_time_zone", &reason));
            }
            c.default_time_zone = zone;
        }
        if let Some(level) = get("log", "level").filter(|l| !l.is_empty()) {
            c.log = level;
        }
        if let Some(throttle) = table
            .get("telegram")
            .and_then(|t| t.get("throttle"))
            .and_then(toml::Value::as_bool)
        {
            c.throttle = throttle;
        }
        Ok(c)
    }

    /// The folder of this language's dialog files, or None for the built-in ones.
    pub fn dialogs_folder(&self) -> Option<PathBuf> {
        self.dialogs_dir.as_ref().map(|d| d.join(&self.language))
    }
}

/// Checks that an API URL is an http(s) URL.
fn check_url(key: &str, path: &str, url: &str) -> Result<String, ConfigError> {
    if (url.starts_with("http://") || url.starts_with("https://")) && url.len() > 8 {
        Ok(url.trim_end_matches('/').to_string())
    } else {
        Err(ConfigError::Key {
            path: path.to_string(),
            key: key.to_string(),
            reason: format!("must be an http:// or https:// URL, got {url:?}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_example_file_is_valid_and_equals_the_defaults() {
        let c = Config::from_toml(include_str!("../config.example.toml"), "example").unwrap();
        let d = Config::default();
        assert_eq!(c.token, None);
        assert_eq!(c.data_dir, d.data_dir);
        assert_eq!(c.dialogs_dir, None);
        assert_eq!(c.language, d.language);
        assert_eq!(c.default_time_zone, d.default_time_zone);
        assert_eq!(c.api_url.as_deref(), Some("https://api.telegram.org"));
        assert!(c.throttle && d.throttle);
    }

    #[test]
    fn throttle_can_be_turned_off_for_load_tests() {
        let c = Config::from_toml("[telegram]\nthrottle = false\n", "c.toml").unwrap();
        assert!(!c.throttle);
        let c = Config::from_toml("[telegram]\nthrottle = true\n", "c.toml").unwrap();
        assert!(c.throttle);
        let c =
            Config::from_toml("[telegram]\napi_url = \"http://127.0.0.1:9\"\n", "c.toml").unwrap();
        assert!(c.throttle, "a file without the key keeps the limits");
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                "[storage]\ndata_dr = \"x\"\n",
                "storage.data_dr",
                "unknown key",
            ),
            ("[storag]\n", "storag", "unknown section"),
            ("[storage]\ndata_dir = 5\n", "storage.data_dir", "string"),
            (
                "[bot]\ndefault_time_zone = \"Mars/Olympus\"\n",
                "bot.default_time_zone",
                "unknown time zone",
            ),
            (
                "[telegram]\napi_url = \"ftp://x\"\n",
                "telegram.api_url",
                "http",
            ),
            (
                "[telegram]\nthrottle = \"no\"\n",
                "telegram.throttle",
                "true or false",
            ),
            (
                "[telegram]\nthrottle = 0\n",
                "telegram.throttle",
                "true or false",
            ),
            ("[telegram]\ntoken = true\n", "telegram.token", "string"),
        ];
        for (text, key, reason) in cases {
            let e = Config::from_toml(text, "c.toml").unwrap_err().to_string();
            assert!(e.contains(key) && e.contains(reason), "{text:?} gave {e}");
        }
    }

    #[test]
    fn environment_overrides_the_file_and_the_token_is_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "[telegram]\ntoken = \"file-token\"\n[storage]\ndata_dir = \"a\"\n",
        )
        .unwrap();
        let env = |k: &str| match k {
            "TELOXIDE_TOKEN" => Some("123:secret".to_string()),
            "BACKCHECK_DATA_DIR" => Some("/tmp/b".to_string()),
            "TELOXIDE_API_URL" => Some("http://127.0.0.1:9/".to_string()),
            _ => None,
        };
        let c = Config::load(Some(&path), &env).unwrap();
        assert_eq!(c.token.as_ref().map(Token::expose), Some("123:secret"));
        assert_eq!(c.data_dir, PathBuf::from("/tmp/b"));
        assert_eq!(c.api_url.as_deref(), Some("http://127.0.0.1:9"));
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn a_named_file_that_is_missing_is_an_error() {
        let e = Config::load(Some(Path::new("/nonexistent/backcheck.toml")), &no_env).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/backcheck.toml"));
    }
}
