//! Webhook mode: Telegram (through a load balancer, to any of several replicas) POSTs each
//! update; the same handler tree as long polling (`schema()`) handles it.
//!
//! An update is answered only after its turn: the Engine has committed it and its replies
//! went out. A replica killed in between never answered 200, so Telegram delivers the update
//! again (to another replica, behind a load balancer): nothing answered is lost. The price
//! is at-least-once: an update whose turn was committed just before the kill is handled
//! twice. A pressed button is then stale the second time, and the Engine answers a stale
//! button by showing where the user is; a typed answer could count twice. teloxide's own
//! axum listener answers 200 before the turn (an update in its queue dies with the
//! process) and answers 200 to a body it cannot read, so this module has its own route.
//!
//! Every request must carry the secret given to setWebhook in
//! `X-Telegram-Bot-Api-Secret-Token` (compared in constant time): without it, 401 and nothing
//! is read. A body that is not an update is 400, one over `MAX_BODY` 413. Updates of one
//! chat that reach this replica at once are handled in order, as the polling dispatcher
//! does; across replicas the Engine's per-user lock in the store keeps turns apart.

use std::collections::HashMap;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::requests::Request as _;
use teloxide::types::{AllowedUpdate, Me, UpdateKind};

use super::run::{bot_for, called, parse_url};
use super::{App, HandlerError, TelegramError, TelegramSettings, TgBot, schema};
use crate::http::{HttpError, ops_router};
use crate::metrics::METRICS;

/// Telegram's header carrying the webhook's secret token.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The largest update body accepted. Telegram's updates are a few kilobytes (a 4,096
/// character message with its reply and entities stays far below this).
pub const MAX_BODY: usize = 1024 * 1024;

/// How updates arrive.
#[derive(Debug)]
pub enum Mode {
    /// getUpdates long polling (the default); `/healthz` and `/metrics` on `http` if given.
    Polling { http: Option<std::net::TcpListener> },
    /// Telegram POSTs updates to this process (behind a load balancer, to any replica).
    Webhook(WebhookSettings),
}

/// How to serve webhook mode.
#[derive(Debug)]
pub struct WebhookSettings {
    /// Bound already (`http::bind`), so that a busy port fails at start-up, and tests can
    /// bind 127.0.0.1:0 and know the port.
    pub listener: std::net::TcpListener,
    /// The secret token given to setWebhook; every request must carry it.
    pub secret: String,
}

/// What each webhook request needs.
struct Hook {
    secret: Vec<u8>,
    handler: UpdateHandler<HandlerError>,
    bot: TgBot,
    app: Arc<App>,
    me: Me,
    chats: ChatLocks,
}

/// Serves the webhook route, `/healthz` and `/metrics` until `shutdown`; requests in
/// progress finish their turns first.
pub async fn serve(
    bot: TgBot,
    app: Arc<App>,
    me: Me,
    settings: WebhookSettings,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
) -> Result<(), HttpError> {
    let store = Arc::clone(app.engine.store());
    let hook = Arc::new(Hook {
        secret: settings.secret.into_bytes(),
        handler: schema(),
        bot,
        app,
        me,
        chats: ChatLocks::default(),
    });
    tracing::info!("webhook mode: updates arrive by POST (setWebhook is not called here)");
    crate::http::serve(settings.listener, router(hook, store), shutdown).await
}

/// POST on any path is an update (the public URL's path is the operator's choice, and a
/// reverse proxy may rewrite it); GET /healthz and /metrics are the operator's.
fn router(hook: Arc<Hook>, store: Arc<dyn crate::store::Store>) -> Router {
    let updates = post(update)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hook);
    ops_router(store).fallback_service(updates)
}

/// One webhook request: the secret, the body, then the whole turn; 200 when it is done.
async fn update(State(hook): State<Arc<Hook>>, headers: HeaderMap, request: Request) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !given.is_some_and(|given| same_secret(given, &hook.secret)) {
        METRICS.webhook_unauthorized.inc();
        tracing::warn!(
            present = given.is_some(),
            "a webhook request without the right secret token was refused"
        );
        return StatusCode::UNAUTHORIZED;
    }
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => {
            METRICS.webhook_bad_request.inc();
            tracing::warn!(status = %rejection.status(), "a webhook body was refused");
            return rejection.status();
        }
    };
    let Some(update) = read_update(&body) else {
        METRICS.webhook_bad_request.inc();
        return StatusCode::BAD_REQUEST;
    };
    let _in_order = match chat_key(&update) {
        Some(chat) => Some(hook.chats.lock(chat).await),
        None => None,
    };
    let mut deps = dptree::deps![hook.bot.clone(), Arc::clone(&hook.app), hook.me.clone()];
    deps.insert(update);
    match hook.handler.dispatch(deps).await {
        ControlFlow::Break(Ok(())) => {}
        // The turn is committed; a redelivery would run it again, so the answer is still 200.
        ControlFlow::Break(Err(e)) => {
            let error = hook.app.redactor.error(&e);
            tracing::error!(%error, "handling a webhook update failed");
        }
        ControlFlow::Continue(_) => {
            tracing::debug!("an update of a kind the bot ignores");
            METRICS.updates.inc();
        }
    }
    StatusCode::OK
}

/// The update in `body`, or None when it is not one: not JSON, no `update_id`, or a kind the
/// bot handles that does not read as that kind. A kind teloxide does not know (a newer Bot
/// API) is an update all the same: answered 200 and ignored, so Telegram does not resend it.
fn read_update(body: &[u8]) -> Option<Update> {
    let update = match serde_json::from_slice::<Update>(body) {
        Ok(update) => update,
        Err(e) => {
            // Only where it failed: the message may quote a user's words.
            tracing::warn!(line = e.line(), column = e.column(), kind = ?e.classify(), "a webhook body is not an update");
            return None;
        }
    };
    if matches!(update.kind, UpdateKind::Error(_)) {
        const HANDLED: [&str; 3] = ["message", "callback_query", "channel_post"];
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        if HANDLED.iter().any(|kind| value.get(kind).is_some()) {
            tracing::warn!(
                update = update.id.0,
                "a webhook update's content is malformed"
            );
            return None;
        }
    }
    Some(update)
}

/// Whose updates must be handled in order: the chat's (as teloxide's dispatcher keys them),
/// else the sender's.
fn chat_key(update: &Update) -> Option<i64> {
    update
        .chat()
        .map(|chat| chat.id.0)
        .or_else(|| update.from().and_then(|u| i64::try_from(u.id.0).ok()))
}

/// Compares the secret in constant time (for equal lengths), so that response timing does
/// not reveal how much of a guess was right.
fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    given.len() == secret.len()
        && given
            .iter()
            .zip(secret)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// One async lock per chat with updates in progress; a chat's entry goes when its last
/// update is done, so the map stays as small as the chats in flight.
#[derive(Default)]
struct ChatLocks(Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>);

/// Holds a chat's turn; the chat's next update waits for it.
struct ChatTurn<'a> {
    locks: &'a ChatLocks,
    chat: i64,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl ChatLocks {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<tokio::sync::Mutex<()>>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn lock(&self, chat: i64) -> ChatTurn<'_> {
        let lock = Arc::clone(self.map().entry(chat).or_default());
        let guard = lock.lock_owned().await;
        ChatTurn {
            locks: self,
            chat,
            guard: Some(guard),
        }
    }
}

impl Drop for ChatTurn<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self.locks.map();
        // Only the map's own reference left: nobody holds or waits for this chat.
        if map
            .get(&self.chat)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            map.remove(&self.chat);
        }
    }
}

/// What `backcheck webhook set` asks of Telegram.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The public HTTPS URL of the load balancer (or the one replica).
    pub url: String,
    pub secret: String,
    /// Connections Telegram opens at once; each carries one update at a time, for a whole
    /// turn, so this bounds the updates in progress (Telegram allows 1 to 100; default 40).
    pub max_connections: u8,
    /// Drop the updates waiting at Telegram instead of delivering them.
    pub drop_pending: bool,
}

/// Registers the webhook with Telegram (setWebhook), once per deployment: the replicas
/// themselves never call it.
pub async fn register(
    settings: &TelegramSettings,
    hook: &Registration,
) -> Result<(), TelegramError> {
    let (bot, redactor) = bot_for(settings)?;
    let url = parse_url(&hook.url).map_err(|reason| TelegramError::ApiUrl {
        url: hook.url.clone(),
        reason,
    })?;
    // What `schema()` routes (teloxide keeps its own list of them private).
    let allowed = [
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::ChannelPost,
    ];
    bot.set_webhook(url)
        .secret_token(hook.secret.clone())
        .max_connections(hook.max_connections)
        .drop_pending_updates(hook.drop_pending)
        .allowed_updates(allowed)
        .send()
        .await
        .map(drop)
        .map_err(|e| called(&redactor, &e))
}

/// Removes the webhook (deleteWebhook), e.g. before going back to long polling.
pub async fn unregister(
    settings: &TelegramSettings,
    drop_pending: bool,
) -> Result<(), TelegramError> {
    let (bot, redactor) = bot_for(settings)?;
    bot.delete_webhook()
        .drop_pending_updates(drop_pending)
        .send()
        .await
        .map(drop)
        .map_err(|e| called(&redactor, &e))
}

/// What Telegram says about the webhook (getWebhookInfo), as lines for a person.
pub async fn describe(settings: &TelegramSettings) -> Result<String, TelegramError> {
    let (bot, redactor) = bot_for(settings)?;
    let info = bot
        .get_webhook_info()
        .send()
        .await
        .map_err(|e| called(&redactor, &e))?;
    let mut out = match &info.url {
        Some(url) => format!("url: {url}\n"),
        None => "url: none (long polling)\n".to_string(),
    };
    out.push_str(&format!("pending updates: {}\n", info.pending_update_count));
    if let Some(n) = info.max_connections {
        out.push_str(&format!("max connections: {n}\n"));
    }
    if let Some(error) = &info.last_error_message {
        out.push_str(&format!("last error: {error}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_must_match_exactly() {
        assert!(same_secret(b"s3cret", b"s3cret"));
        assert!(!same_secret(b"s3creT", b"s3cret"));
        assert!(!same_secret(b"s3cre", b"s3cret"));
        assert!(!same_secret(b"", b"s3cret"));
    }

    #[test]
    fn bodies_that_are_not_updates_are_refused_and_unknown_kinds_kept() {
        assert!(read_update(b"not json").is_none());
        assert!(read_update(b"{\"message\":{}}").is_none(), "no update_id");
        assert!(read_update(b"{\"update_id\":1,\"message\":\"garbage\"}").is_none());
        let newer = read_update(b"{\"update_id\":7,\"some_future_kind\":{\"x\":1}}");
        assert_eq!(newer.map(|u| u.id.0), Some(7));
    }

    #[tokio::test]
    async fn a_chat_waits_for_its_turn_and_its_lock_goes_with_the_last() {
        let locks = ChatLocks::default();
        let first = locks.lock(5).await;
        let other_chat = locks.lock(6).await;
        let zero = std::time::Duration::ZERO;
        assert!(
            tokio::time::timeout(zero, locks.lock(5)).await.is_err(),
            "the chat's second update waits"
        );
        drop(other_chat);
        assert_eq!(locks.map().len(), 1);
        drop(first);
        assert!(locks.map().is_empty());
        let again = tokio::time::timeout(zero, locks.lock(5)).await;
        assert!(again.is_ok(), "free again");
    }
}
