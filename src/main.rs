//! The command line: `backcheck run` (Telegram), `backcheck chat` (console), `backcheck check`
//! (config and dialogs), `backcheck webhook set|delete|info`, `backcheck migrate` (sled to
//! PostgreSQL). With no subcommand, Telegram when a token is configured, otherwise the
//! console chat.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};

use backcheck::clock::SystemClock;
use backcheck::config::{Backend, Config, DatabaseUrl, Mode};
use backcheck::console::{CONSOLE_USER, Console};
use backcheck::engine::Engine;
use backcheck::model::Language;
use backcheck::script::Scripts;
use backcheck::store::{PgStore, SledStore, Store};
use backcheck::telegram::redact::{RedactingStderr, Redactor};
use backcheck::telegram::{self, Registration, TelegramSettings, WebhookSettings};

#[derive(Parser)]
#[command(
    name = "backcheck",
    version,
    about = "Keep working out while your back hurts: a daily check-in bot."
)]
struct Cli {
    /// The config file (default: $BACKCHECK_CONFIG, then ./config.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The console's language, en or de (Telegram users get their app's language).
    #[arg(long, global = true, env = "BACKCHECK_LANG", value_name = "LANG")]
    lang: Option<Language>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the Telegram bot (needs a token: TELOXIDE_TOKEN or telegram.token).
    Run {
        /// Receive updates by webhook on telegram.webhook.listen (as telegram.mode =
        /// "webhook"), instead of long polling.
        #[arg(long)]
        webhook: bool,
    },
    /// Chat with backcheck in this terminal, on the same database.
    Chat,
    /// Check the config and the dialog files, then exit.
    Check,
    /// Copy every user from a sled folder into PostgreSQL, then check the copy. Running it
    /// again copies nothing twice.
    Migrate {
        /// The source: `sled DIR`.
        #[arg(long, num_args = 2, value_names = ["BACKEND", "DIR"], required = true)]
        from: Vec<String>,
        /// The target: `postgres URL`, or `postgres` alone for BACKCHECK_DATABASE_URL or
        /// store.url (a URL on the command line is visible to other local users).
        #[arg(long, num_args = 1..=2, value_names = ["BACKEND", "URL"], required = true)]
        to: Vec<String>,
    },
    /// Register or remove the webhook with Telegram (once per deployment, not per replica).
    Webhook {
        #[command(subcommand)]
        action: WebhookCmd,
    },
}

#[derive(Subcommand)]
enum WebhookCmd {
    /// setWebhook: Telegram POSTs updates to URL with the secret (BACKCHECK_WEBHOOK_SECRET or
    /// telegram.webhook.secret).
    Set {
        /// The public HTTPS URL (default: telegram.webhook.url).
        url: Option<String>,
        /// Updates Telegram delivers at once (1-100); each holds a connection for its turn.
        #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u8).range(1..=100))]
        max_connections: u8,
        /// Drop the updates waiting at Telegram.
        #[arg(long)]
        drop_pending: bool,
    },
    /// deleteWebhook: back to long polling.
    Delete {
        /// Drop the updates waiting at Telegram.
        #[arg(long)]
        drop_pending: bool,
    },
    /// getWebhookInfo: the URL Telegram posts to, updates waiting, the last error.
    Info,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let env = |k: &str| std::env::var(k).ok();
    let config = Config::load(cli.config.as_deref(), &env)?;
    let command = match cli.command {
        Some(c) => c,
        None if config.token.is_some() => Cmd::Run { webhook: false },
        None => Cmd::Chat,
    };
    init_logging(&config, matches!(command, Cmd::Chat));
    let script = load_scripts(&config)?;
    match command {
        Cmd::Check => {
            println!("config: {} (ok)", config.source);
            let dialogs = config
                .dialogs_dir
                .as_ref()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "built-in".to_string());
            let languages: Vec<&str> = script.iter().map(|(l, _)| l.key()).collect();
            println!("dialogs: {dialogs} {} (ok)", languages.join(", "));
            println!("store: {}", describe_store(&config));
            Ok(())
        }
        Cmd::Chat => chat(&config, script, cli.lang),
        Cmd::Run { webhook } => run(&config, script, webhook),
        Cmd::Webhook { action } => webhook(&config, action),
        Cmd::Migrate { from, to } => migrate(&config, &from, &to),
    }
}

/// Logs to stderr; the console chat logs warnings only, so the conversation stays readable.
/// Every line goes through the token redactor, whatever library wrote it.
fn init_logging(config: &Config, chat: bool) {
    let default = if chat { "warn" } else { config.log.as_str() };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(default))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let redactor = config
        .token
        .as_ref()
        .map(|t| Redactor::new(t.expose()))
        .unwrap_or_default();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactingStderr(redactor))
        .init();
}

/// Every language's dialogs: from the configured folder (one sub-folder per language), or
/// the built-in ones; each checked against English.
fn load_scripts(config: &Config) -> Result<Scripts> {
    let scripts = match &config.dialogs_dir {
        Some(dir) => Scripts::load(dir)?,
        None => Scripts::embedded()?,
    };
    Ok(scripts)
}

/// The language for new users: `dialogs.language`.
fn default_language(config: &Config) -> Result<Language> {
    config.language.parse::<Language>().map_err(|_| {
        anyhow::anyhow!(
            "dialogs.language: unknown language {:?}; use \"en\" or \"de\"",
            config.language
        )
    })
}

/// Opens the database and builds the Engine on it.
fn engine(config: &Config, scripts: Scripts) -> Result<Engine> {
    let store = open_store(config)?;
    let engine = Engine::new(store, scripts, config.default_time_zone.clone());
    Ok(engine.with_default_language(default_language(config)?))
}

/// The configured store: sled in `storage.data_dir`, or PostgreSQL at `store.url` /
/// BACKCHECK_DATABASE_URL.
fn open_store(config: &Config) -> Result<Arc<dyn Store>> {
    match (config.store.backend(), &config.store.url) {
        (Backend::Sled, _) => Ok(Arc::new(SledStore::open(&config.data_dir)?)),
        (Backend::Postgres, Some(url)) => Ok(Arc::new(open_postgres(url)?)),
        (Backend::Postgres, None) => bail!(
            "store.url: store.backend = \"postgres\" needs a URL (or set BACKCHECK_DATABASE_URL)"
        ),
    }
}

/// Connects to PostgreSQL; an error is one line naming the setting, without the password.
fn open_postgres(url: &DatabaseUrl) -> Result<PgStore> {
    let store = PgStore::open(url.expose()).map_err(|e| anyhow!("{}: {e}", url.key()))?;
    tracing::info!(database = %store.shown_url(), "using PostgreSQL");
    Ok(store)
}

/// Where the data is, for messages (never with a password).
fn describe_store(config: &Config) -> String {
    match (config.store.backend(), &config.store.url) {
        (Backend::Postgres, Some(url)) => format!("PostgreSQL at {} ({})", url.shown(), url.key()),
        _ => format!("sled in {}", config.data_dir.display()),
    }
}

/// `backcheck migrate --from sled DIR --to postgres [URL]`.
fn migrate(config: &Config, from: &[String], to: &[String]) -> Result<()> {
    let [kind, dir] = from else {
        bail!("--from: expected `sled DIR`");
    };
    if kind != "sled" {
        bail!("--from: only `sled DIR` can be migrated from, got {kind:?}");
    }
    let url = match to {
        [kind, ..] if kind != "postgres" => {
            bail!("--to: only `postgres URL` can be migrated to, got {kind:?}")
        }
        [_, url] => DatabaseUrl::new(url.clone(), "--to"),
        _ => config.store.url.clone().ok_or_else(|| {
            anyhow!("--to: give `postgres URL`, or set BACKCHECK_DATABASE_URL or store.url")
        })?,
    };
    let source = SledStore::open(std::path::Path::new(dir)).map_err(|e| anyhow!("--from: {e}"))?;
    let target = open_postgres(&url)?;
    println!("copying sled in {dir} to PostgreSQL at {}", url.shown());
    let report = backcheck::store::migrate::copy_all(&source, &target)
        .map_err(|e| anyhow!("migrate: {e}"))?;
    print!("{report}");
    println!("verified: every user reads back the same from PostgreSQL");
    Ok(())
}

/// The console chat on stdin and stdout; `lang` (--lang, BACKCHECK_LANG) is the language
/// to speak, kept in the profile.
fn chat(config: &Config, scripts: Scripts, lang: Option<Language>) -> Result<()> {
    let mut engine = engine(config, scripts)?;
    if let Some(language) = lang {
        engine = engine.with_default_language(language);
        engine.set_language(CONSOLE_USER, language)?;
    }
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        println!(
            "backcheck console chat (data: {}). Type /quit or press Ctrl-D to leave.",
            describe_store(config)
        );
        if config.token.is_none() {
            println!(
                "No Telegram token is configured, so we talk here. To run on Telegram, set TELOXIDE_TOKEN (see README.md)."
            );
        }
    }
    let cwd = std::env::current_dir().context("cannot find the current folder")?;
    let clock = SystemClock;
    let stdout = std::io::stdout();
    Console::new(&engine, &clock, CONSOLE_USER, stdout.lock(), &cwd)
        .run(std::io::stdin().lock())?;
    Ok(())
}

/// Threads for Engine turns (sled is synchronous). tokio's default is 512: with a thousand
/// chats at once it started hundreds, and switching between them cost more than the turns
/// (examples/load, 1,000 users: bot CPU 17 s -> 14 s, peak RSS 200 MB -> 136 MB at 8
/// threads). Too few starve the turns that wait on a flush to disk (a finished onboarding or
/// check-in): at 1,000 updates/s, p99 was 61-181 ms with 8 threads, 16-55 ms with 32.
const BLOCKING_THREADS: usize = 32;

/// The Telegram bot, until Ctrl-C or SIGTERM; by webhook when `webhook` or the config says.
fn run(config: &Config, script: Scripts, webhook: bool) -> Result<()> {
    let Some(token) = config.token.clone() else {
        bail!(
            "no Telegram token: set TELOXIDE_TOKEN or telegram.token in the config (see config.example.toml)"
        );
    };
    let mode = if webhook || config.mode == Mode::Webhook {
        let listener = backcheck::http::bind(&config.webhook.listen, "telegram.webhook.listen")?;
        telegram::Mode::Webhook(WebhookSettings {
            listener,
            secret: secret(config)?,
        })
    } else {
        let http = config.http_listen.as_deref();
        let http = http.map(|addr| backcheck::http::bind(addr, "http.listen"));
        telegram::Mode::Polling {
            http: http.transpose()?,
        }
    };
    let engine = Arc::new(engine(config, script)?);
    let mut settings = TelegramSettings::new(token, config.api_url.clone());
    if !config.throttle {
        tracing::warn!(
            "telegram.throttle = false: Telegram's flood limits are off (for load tests against a fake Bot API only)"
        );
        settings.limits = telegram::no_limits();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(telegram::run_with(
        engine,
        settings,
        mode,
        Arc::new(SystemClock),
        stop_signal(),
    ))?;
    Ok(())
}

/// The webhook's secret token, which webhook mode and `webhook set` require.
fn secret(config: &Config) -> Result<String> {
    match &config.webhook.secret {
        Some(secret) => Ok(secret.expose().to_string()),
        None => bail!(
            "webhook mode needs a secret token: set BACKCHECK_WEBHOOK_SECRET or telegram.webhook.secret (1 to 256 of A-Z, a-z, 0-9, _ and -)"
        ),
    }
}

/// `backcheck webhook set|delete|info`: one call to Telegram.
fn webhook(config: &Config, action: WebhookCmd) -> Result<()> {
    let Some(token) = config.token.clone() else {
        bail!("no Telegram token: set TELOXIDE_TOKEN or telegram.token in the config");
    };
    let settings = TelegramSettings::new(token, config.api_url.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match action {
        WebhookCmd::Set {
            url,
            max_connections,
            drop_pending,
        } => {
            let Some(url) = url.or_else(|| config.webhook.url.clone()) else {
                bail!(
                    "no webhook URL: give it (backcheck webhook set URL) or set telegram.webhook.url"
                );
            };
            let hook = Registration {
                url,
                secret: secret(config)?,
                max_connections,
                drop_pending,
            };
            runtime.block_on(telegram::register_webhook(&settings, &hook))?;
            println!("webhook set: Telegram now posts updates to {}", hook.url);
        }
        WebhookCmd::Delete { drop_pending } => {
            runtime.block_on(telegram::unregister_webhook(&settings, drop_pending))?;
            println!("webhook removed: run backcheck with long polling again");
        }
        WebhookCmd::Info => print!(
            "{}",
            runtime.block_on(telegram::describe_webhook(&settings))?
        ),
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (how systemd and Docker stop a service).
async fn stop_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
