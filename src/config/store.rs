//! The `[store]` section: which database backcheck keeps its data in.
//!
//! `backend = "sled"` (the default: an embedded database in `storage.data_dir`, one process)
//! or `"postgres"` (a server database at `url`, which several replicas can share). The
//! `BACKCHECK_DATABASE_URL` environment variable wins over `store.url`; a URL given either way
//! and no `backend` means PostgreSQL. The URL's password never appears in `Debug` or in an
//! error.

use std::fmt;

use super::ConfigError;
use crate::store::redact_url;

/// The environment variable that wins over `store.url`.
pub const DATABASE_URL_ENV: &str = "BACKCHECK_DATABASE_URL";

/// Where the data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sled,
    Postgres,
}

/// A PostgreSQL URL and the setting it came from (so an error can name it).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    key: &'static str,
}

impl DatabaseUrl {
    /// A URL given directly (tests, `backcheck migrate --to postgres URL`).
    pub fn new(url: impl Into<String>, key: &'static str) -> DatabaseUrl {
        DatabaseUrl {
            url: url.into(),
            key,
        }
    }

    /// The URL itself, password included: for the database driver only.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The setting it came from: `store.url` or `BACKCHECK_DATABASE_URL`.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The URL without its password, for messages.
    pub fn shown(&self) -> String {
        redact_url(&self.url)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({} from {})", self.shown(), self.key)
    }
}

/// The `[store]` settings in force.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreSettings {
    /// `store.backend`, if the file says.
    pub backend: Option<Backend>,
    pub url: Option<DatabaseUrl>,
}

impl StoreSettings {
    /// The backend in use: as configured, else PostgreSQL when a URL is given, else sled.
    pub fn backend(&self) -> Backend {
        self.backend.unwrap_or(match self.url {
            Some(_) => Backend::Postgres,
            None => Backend::Sled,
        })
    }

    /// Reads `[store]` from a config file's values (`get(key)`); `path` names the file.
    pub(super) fn from_file(
        get: impl Fn(&str) -> Option<String>,
        path: &str,
    ) -> Result<StoreSettings, ConfigError> {
        let key_error = |key: &str, reason: String| ConfigError::Key {
            path: path.to_string(),
            key: key.to_string(),
            reason,
        };
        let backend = match get("backend").as_deref() {
            None | Some("") => None,
            Some("sled") => Some(Backend::Sled),
            Some("postgres") | Some("postgresql") => Some(Backend::Postgres),
            Some(other) => {
                return Err(key_error(
                    "store.backend",
                    format!("must be \"sled\" or \"postgres\", got {other:?}"),
                ));
            }
        };
        let url = match get("url").filter(|u| !u.is_empty()) {
            Some(url) => Some(check_url("store.url", &url).map_err(|r| key_error("store.url", r))?),
            None => None,
        };
        Ok(StoreSettings { backend, url })
    }

    /// Applies `BACKCHECK_DATABASE_URL`, then checks that PostgreSQL has a URL.
    pub(super) fn with_env(
        mut self,
        env: &dyn Fn(&str) -> Option<String>,
        path: &str,
    ) -> Result<StoreSettings, ConfigError> {
        if let Some(url) = env(DATABASE_URL_ENV).filter(|u| !u.trim().is_empty()) {
            let url =
                check_url(DATABASE_URL_ENV, url.trim()).map_err(|reason| ConfigError::Key {
                    path: "environment".to_string(),
                    key: DATABASE_URL_ENV.to_string(),
                    reason,
                })?;
            self.url = Some(url);
        }
        if self.backend() == Backend::Postgres && self.url.is_none() {
            return Err(ConfigError::Key {
                path: path.to_string(),
                key: "store.url".to_string(),
                reason: format!(
                    "store.backend = \"postgres\" needs a URL like postgres://user:password@host:5432/backcheck (or set {DATABASE_URL_ENV})"
                ),
            });
        }
        Ok(self)
    }
}

/// A URL the PostgreSQL driver may accept: `postgres://` or `postgresql://`, or a key-value
/// string (`host=... dbname=...`). The driver checks the rest when it connects; the message
/// never repeats the URL (it may hold a password).
fn check_url(key: &'static str, url: &str) -> Result<DatabaseUrl, String> {
    let scheme_ok = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let key_value = !url.contains("://") && url.contains('=');
    if scheme_ok || key_value {
        Ok(DatabaseUrl::new(url, key))
    } else {
        Err(
            "must be a PostgreSQL URL like postgres://user:password@host:5432/backcheck"
                .to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<StoreSettings, ConfigError> {
        let table: toml::Table = text.parse().unwrap();
        let get = |key: &str| {
            table
                .get("store")?
                .get(key)?
                .as_str()
                .map(|s| s.trim().to_string())
        };
        StoreSettings::from_file(get, "c.toml")
    }

    #[test]
    fn sled_by_default_postgres_when_asked_or_given_a_url() {
        let none = |_: &str| None;
        assert_eq!(
            file("").unwrap().with_env(&none, "c").unwrap().backend(),
            Backend::Sled
        );
        let s = file("[store]\nurl = \"postgres://bc@db/bc\"\n").unwrap();
        assert_eq!(s.backend(), Backend::Postgres);
        assert_eq!(s.url.as_ref().map(DatabaseUrl::key), Some("store.url"));
        let env = |k: &str| (k == DATABASE_URL_ENV).then(|| "postgres://bc:pw@env/bc".to_string());
        let s = file("[store]\nurl = \"postgres://bc@db/bc\"\n")
            .unwrap()
            .with_env(&env, "c")
            .unwrap();
        let url = s.url.as_ref().unwrap();
        assert_eq!(
            (url.expose(), url.key()),
            ("postgres://bc:pw@env/bc", DATABASE_URL_ENV)
        );
        assert!(!format!("{s:?}").contains("pw"), "{s:?}");
        // An explicit sled keeps sled even with a URL around.
        let s = file("[store]\nbackend = \"sled\"\n")
            .unwrap()
            .with_env(&env, "c")
            .unwrap();
        assert_eq!(s.backend(), Backend::Sled);
    }

    #[test]
    fn errors_name_the_key_and_never_the_password() {
        let e = file("[store]\nbackend = \"mysql\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("store.backend") && e.contains("\"sled\" or \"postgres\""),
            "{e}"
        );
        let e = file("[store]\nurl = \"mysql://u:hunter2@h/db\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("store.url") && !e.contains("hunter2"), "{e}");
        let none = |_: &str| None;
        let e = file("[store]\nbackend = \"postgres\"\n")
            .unwrap()
            .with_env(&none, "c.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("store.url") && e.contains(DATABASE_URL_ENV),
            "{e}"
        );
        let env = |k: &str| (k == DATABASE_URL_ENV).then(|| "http://u:hunter2@h".to_string());
        let e = file("")
            .unwrap()
            .with_env(&env, "c")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(DATABASE_URL_ENV) && !e.contains("hunter2"),
            "{e}"
        );
    }
}
