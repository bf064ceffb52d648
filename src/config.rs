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

/// How updates reach the bot (`telegram.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The bot asks Telegram for updates (getUpdates): one process per token.
    Polling,
    /// Telegram POSTs updates to `telegram.webhook.listen` (through a reverse proxy, to any
    /// of several replicas).
    Webhook,
}

/// `[telegram.webhook]`: where webhook mode listens and the secret every request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The address to listen on, as `host:port`.
    pub listen: String,
    /// The secret token Telegram sends in every request (given to setWebhook); required in
    /// webhook mode. Kept out of `Debug` like the token.
    pub secret: Option<Token>,
    /// The public HTTPS URL Telegram posts to, for `backcheck webhook set` only.
    pub url: Option<String>,
}

impl Default for Webhook {
    fn default() -> Self {
        Webhook {
            listen: "0.0.0.0:8443".to_string(),
            secret: None,
            url: None,
        }
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
    /// Long polling or webhook (`telegram.mode`).
    pub mode: Mode,
    pub webhook: Webhook,
    /// `[http] listen`: where long polling serves /healthz and /metrics (None: nowhere).
    pub http_listen: Option<String>,
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
            mode: Mode::Polling,
            webhook: Webhook::default(),
            http_listen: None,
        }
    }
}

/// The keys that hold `true` or `false`; every other key holds a string.
const BOOL_KEYS: [&str; 1] = ["telegram.throttle"];

/// Every key the file may hold, by section (a dotted section is a table inside another).
const KEYS: [(&str, &[&str]); 8] = [
    ("telegram", &["token", "api_url", "throttle", "mode"]),
    ("telegram.webhook", &["listen", "secret", "url"]),
    ("http", &["listen"]),
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
        if let Some(secret) = env("BACKCHECK_WEBHOOK_SECRET").filter(|s| !s.trim().is_empty()) {
            let secret = check_secret("BACKCHECK_WEBHOOK_SECRET", "environment", secret.trim())?;
            config.webhook.secret = Some(secret);
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
            if !KEYS.iter().any(|(s, _)| s == section) {
                let known: Vec<&str> = KEYS
                    .iter()
                    .map(|(s, _)| *s)
                    .filter(|s| !s.contains('.'))
                    .collect();
                let reason = format!("unknown section; expected one of: {}", known.join(", "));
                return Err(key_error(section, &reason));
            }
            check_section(section, value, &key_error)?;
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
        c.mode = match get("telegram", "mode").as_deref() {
            None | Some("" | "polling") => Mode::Polling,
            Some("webhook") => Mode::Webhook,
            Some(other) => {
                let reason = format!("must be \"polling\" or \"webhook\", got {other:?}");
                return Err(key_error("telegram.mode", &reason));
            }
        };
        let hook = |key: &str| -> Option<String> {
            let value = table.get("telegram")?.get("webhook")?.get(key)?.as_str()?;
            Some(value.trim().to_string()).filter(|v| !v.is_empty())
        };
        if let Some(listen) = hook("listen") {
            c.webhook.listen = check_listen("telegram.webhook.listen", path, &listen)?;
        }
        if let Some(secret) = hook("secret") {
            c.webhook.secret = Some(check_secret("telegram.webhook.secret", path, &secret)?);
        }
        if let Some(url) = hook("url") {
            c.webhook.url = Some(check_url("telegram.webhook.url", path, &url)?);
        }
        if let Some(listen) = get("http", "listen").filter(|l| !l.is_empty()) {
            c.http_listen = Some(check_listen("http.listen", path, &listen)?);
        }
        Ok(c)
    }

    /// The folder of this language's dialog files, or None for the built-in ones.
    pub fn dialogs_folder(&self) -> Option<PathBuf> {
        self.dialogs_dir.as_ref().map(|d| d.join(&self.language))
    }
}

/// Checks one section's keys (and, for a dotted section like `telegram.webhook`, the table
/// inside it): known names, and strings or booleans where expected.
fn check_section(
    section: &str,
    value: &toml::Value,
    key_error: &dyn Fn(&str, &str) -> ConfigError,
) -> Result<(), ConfigError> {
    let Some((_, keys)) = KEYS.iter().find(|(s, _)| *s == section) else {
        return Err(key_error(section, "unknown section"));
    };
    let Some(inner) = value.as_table() else {
        return Err(key_error(section, "must be a section like [section]"));
    };
    for (key, value) in inner {
        let dotted = format!("{section}.{key}");
        if value.is_table() && KEYS.iter().any(|(s, _)| *s == dotted) {
            check_section(&dotted, value, key_error)?;
            continue;
        }
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
    Ok(())
}

/// Checks a listening address: `host:port` with an IP address ("0.0.0.0:8443").
fn check_listen(key: &str, path: &str, listen: &str) -> Result<String, ConfigError> {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(_) => Ok(listen.to_string()),
        Err(_) => Err(ConfigError::Key {
            path: path.to_string(),
            key: key.to_string(),
            reason: format!("must be an IP address and port like \"0.0.0.0:8443\", got {listen:?}"),
        }),
    }
}

/// Checks a webhook secret as Telegram accepts it: 1 to 256 of A-Z, a-z, 0-9, _ and -. The
/// value is never shown in the error.
fn check_secret(key: &str, path: &str, secret: &str) -> Result<Token, ConfigError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if (1..=256).contains(&secret.len()) && secret.chars().all(allowed) {
        Ok(Token::new(secret))
    } else {
        Err(ConfigError::Key {
            path: path.to_string(),
            key: key.to_string(),
            reason: "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
                .to_string(),
        })
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
        assert_eq!(c.mode, Mode::Polling);
        assert_eq!(c.webhook, d.webhook);
        assert_eq!(c.http_listen, None);
    }

    #[test]
    fn webhook_mode_and_the_http_listener_are_read() {
        let text = "[telegram]\nmode = \"webhook\"\n[telegram.webhook]\nlisten = \"127.0.0.1:8000\"\n\
                    secret = \"abc_DEF-9\"\nurl = \"https://bot.example.com/tg\"\n\
                    [http]\nlisten = \"127.0.0.1:9090\"\n";
        let c = Config::from_toml(text, "c.toml").unwrap();
        assert_eq!(c.mode, Mode::Webhook);
        assert_eq!(c.webhook.listen, "127.0.0.1:8000");
        assert_eq!(
            c.webhook.secret.as_ref().map(Token::expose),
            Some("abc_DEF-9")
        );
        assert_eq!(c.webhook.url.as_deref(), Some("https://bot.example.com/tg"));
        assert_eq!(c.http_listen.as_deref(), Some("127.0.0.1:9090"));
        assert!(
            !format!("{c:?}").contains("abc_DEF"),
            "the secret is hidden"
        );

        let env = |k: &str| (k == "BACKCHECK_WEBHOOK_SECRET").then(|| "from-env".to_string());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, text).unwrap();
        let c = Config::load(Some(&path), &env).unwrap();
        assert_eq!(
            c.webhook.secret.as_ref().map(Token::expose),
            Some("from-env")
        );
        let bad = |k: &str| (k == "BACKCHECK_WEBHOOK_SECRET").then(|| "no spaces".to_string());
        let e = Config::load(Some(&path), &bad).unwrap_err().to_string();
        assert!(
            e.contains("BACKCHECK_WEBHOOK_SECRET") && !e.contains("no spaces"),
            "{e}"
        );
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
            (
                "[telegram]\nmode = \"push\"\n",
                "telegram.mode",
                "\"webhook\"",
            ),
            (
                "[telegram.webhook]\nlisten = \"localhost\"\n",
                "telegram.webhook.listen",
                "IP address and port",
            ),
            (
                "[telegram.webhook]\nsecret = \"has space\"\n",
                "telegram.webhook.secret",
                "1 to 256",
            ),
            (
                "[telegram.webhook]\nurl = \"bot.example.com\"\n",
                "telegram.webhook.url",
                "https://",
            ),
            (
                "[telegram.webhook]\nport = \"1\"\n",
                "telegram.webhook.port",
                "unknown key",
            ),
            ("[http]\nlisten = \":x\"\n", "http.listen", "IP address"),
            ("[htp]\n", "htp", "unknown section"),
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
        assert!(!format!("{c:?}").contains("123:secret"));
    }

    #[test]
    fn a_named_file_that_is_missing_is_an_error() {
        let e = Config::load(Some(Path::new("/nonexistent/backcheck.toml")), &no_env).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/backcheck.toml"));
    }
}
