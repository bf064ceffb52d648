//! The Telegram transport: long polling with teloxide, every Engine reply as a message with
//! an inline keyboard, and pressed buttons edited into a clean transcript.
//!
//! - `schema()` (here): which update goes to which handler, read like a routing table;
//! - `handlers`: one small function per kind of update, mapping it to an Engine `Input`;
//! - `outbox`: a turn's replies as messages, edits, documents and photos;
//! - `render`: keyboards, Telegram's length limits, the "→ answer" line;
//! - `pace`: Telegram's flood limits, replies ahead of reminders, chats in turn;
//! - `send`: retries, and which errors are worth retrying;
//! - `commands`: the `BotCommands` menu, registered with setMyCommands;
//! - `redact`: keeping the token out of every log line;
//! - `run`: start-up, polling, and graceful shutdown;
//! - `webhook`: webhook mode, where Telegram POSTs updates to any of several replicas.
//!
//! Updates of one chat are handled in order and chats in parallel (teloxide's default
//! distribution by chat). The Engine is synchronous, so each turn runs on tokio's blocking
//! pool. Private chats only: in a group or channel the bot says so once and stores nothing.

mod commands;
mod handlers;
mod outbox;
pub mod pace;
pub mod redact;
mod remind;
mod render;
mod run;
pub mod send;
mod webhook;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::MessageKind;

pub use commands::Command;
pub use run::{run, run_with};
pub use send::RetryPolicy;
pub use teloxide::adaptors::throttle::Limits;
pub use webhook::{
    MAX_BODY, Mode, Registration, SECRET_HEADER, WebhookSettings, describe as describe_webhook,
    register as register_webhook, unregister as unregister_webhook,
};

use crate::clock::Clock;
use crate::config::Token;
use crate::engine::{Engine, Input, Reply};
use crate::model::Language;
use crate::script::Text;
use crate::store::UserId;
use pace::Pacer;
use redact::Redactor;

/// The bot as handlers use it. Counted sends wait for `App::pacer` (see `pace`), in `outbox`.
pub type TgBot = Bot;

/// What a handler returns. Errors are logged (token redacted), never shown to users.
pub type HandlerResult = Result<(), HandlerError>;

/// How to reach Telegram and how hard to try.
#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub token: Token,
    /// The Bot API server (default: Telegram's own); tests point it at a fake on loopback.
    pub api_url: Option<String>,
    /// The flood limits the pacer keeps (`pace::Rules::from_limits`); `no_limits()` for none
    /// (load tests against a fake only).
    pub limits: Limits,
    /// Retries for network errors, 5xx answers and 429s.
    pub retry: RetryPolicy,
    /// How long one getUpdates long poll waits for an update.
    pub poll_timeout: Duration,
}

impl TelegramSettings {
    /// Telegram's limits and patient retries: the settings for production.
    pub fn new(token: Token, api_url: Option<String>) -> Self {
        TelegramSettings {
            token,
            api_url,
            limits: telegram_limits(),
            retry: RetryPolicy::default(),
            poll_timeout: Duration::from_secs(10),
        }
    }
}

/// No flood limits at all, for `telegram.throttle = false` (load tests against a fake Bot API
/// only): the pacer then never waits.
pub fn no_limits() -> Limits {
    Limits {
        messages_per_sec_chat: u32::MAX,
        messages_per_min_chat: u32::MAX,
        messages_per_min_channel_or_supergroup: u32::MAX,
        messages_per_sec_overall: u32::MAX,
    }
}

/// Telegram's documented limits: one message a second in a chat, 30 a second in all, 20 a
/// minute in a group. teloxide's default per-minute chat limit (20) is a group's; Telegram
/// only asks one a second of a private chat, so private chats get 60 a minute (the pacer adds
/// a burst of `pace::CHAT_BURST`, as Telegram allows).
pub fn telegram_limits() -> Limits {
    Limits {
        messages_per_min_chat: 60,
        ..Limits::default()
    }
}

/// Why the Telegram bot could not start or stop cleanly; each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error(
        "the Telegram API URL {url:?} is not a valid URL ({reason}); check TELOXIDE_API_URL or telegram.api_url"
    )]
    ApiUrl { url: String, reason: String },
    #[error(
        "Telegram rejected the bot token; check TELOXIDE_TOKEN or telegram.token (BotFather gives the token)"
    )]
    Token,
    #[error(
        "cannot reach the Telegram Bot API ({0}); check the network, and TELOXIDE_API_URL if set"
    )]
    Connect(String),
    #[error("could not save the database on shutdown: {0}")]
    Flush(String),
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
}

/// A failure while handling an update; `detail` is already redacted.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("could not {what} in chat {chat}: {detail}")]
    Telegram {
        what: &'static str,
        chat: i64,
        detail: String,
    },
    /// Shutting down: the send was given up before it was attempted.
    #[error("did not {what} in chat {chat}: shutting down")]
    NotSent { what: &'static str, chat: i64 },
}

/// The handler tree: a routing table from updates to handlers.
pub fn schema() -> UpdateHandler<HandlerError> {
    let private = dptree::filter(|msg: Message| msg.chat.is_private())
        .branch(teloxide::filter_command::<Command, _>().endpoint(handlers::command))
        .branch(Message::filter_text().endpoint(handlers::text))
        .branch(dptree::filter(is_user_content).endpoint(handlers::unsupported))
        .branch(dptree::endpoint(handlers::ignore));
    let message = Update::filter_message()
        .branch(private)
        .branch(dptree::endpoint(handlers::group_chat));
    dptree::entry()
        .branch(message)
        .branch(Update::filter_callback_query().endpoint(handlers::button))
        .branch(Update::filter_channel_post().endpoint(handlers::group_chat))
}

/// Something a user sent (a sticker, photo, voice note...) rather than a service message
/// (a pinned message, a changed chat photo...), which deserves no answer.
fn is_user_content(msg: Message) -> bool {
    matches!(msg.kind, MessageKind::Common(_))
}

/// What every handler shares: the Engine, the clock, and the transport's own small state.
pub struct App {
    engine: Arc<Engine>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    redactor: Redactor,
    /// Groups and channels already told that the bot works in private chats (this process).
    told_groups: Mutex<HashSet<ChatId>>,
    /// Telegram's flood limits, for every counted send.
    pacer: Pacer,
}

impl App {
    fn new(
        engine: Arc<Engine>,
        clock: Arc<dyn Clock>,
        retry: RetryPolicy,
        redactor: Redactor,
        pacer: Pacer,
    ) -> Self {
        App {
            engine,
            clock,
            retry,
            redactor,
            told_groups: Mutex::new(HashSet::new()),
            pacer,
        }
    }

    /// One Engine turn, on the blocking pool (`hint`: the user's Telegram language, spoken
    /// until they have chosen one) (the Engine and sled are synchronous; the turn
    /// also clears a "blocked" mark, since a user who writes has unblocked the bot). A failed
    /// turn becomes the Engine's apology instead of silence.
    async fn turn(&self, user: UserId, input: Input, hint: Option<Language>) -> Vec<Reply> {
        let engine = Arc::clone(&self.engine);
        let now = self.clock.now();
        let task = tokio::task::spawn_blocking(move || engine.handle_in(user, input, now, hint));
        match task.await {
            Ok(replies) => replies,
            Err(e) => {
                tracing::error!(user, error = %e, "the engine failed on a turn");
                vec![Reply::text(self.engine.script().text(Text::Error))]
            }
        }
    }

    /// Marks a user as blocked (or not) in the store, off the async threads.
    async fn set_blocked(&self, user: UserId, blocked: bool) {
        let engine = Arc::clone(&self.engine);
        let task = tokio::task::spawn_blocking(move || engine.set_blocked(user, blocked));
        match task.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(user, error = %e, "could not store the blocked mark"),
            Err(e) => tracing::error!(user, error = %e, "storing the blocked mark failed"),
        }
    }

    /// True the first time a group or channel is seen in this process.
    fn first_word_in(&self, chat: ChatId) -> bool {
        let mut told = self.told_groups.lock().unwrap_or_else(|e| e.into_inner());
        told.insert(chat)
    }
}
