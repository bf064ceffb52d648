//! A fake Telegram Bot API server for offline tests.
//!
//! [`FakeBotApi::start`] binds `127.0.0.1:0` and serves on the calling test's
//! tokio runtime. Point teloxide at it with [`FakeBotApi::bot`] (or
//! `Bot::new(token).set_api_url(fake.url())`). It stops when dropped or via
//! [`FakeBotApi::shutdown`].
//!
//! # Wire format (as read in teloxide-core 0.13 / teloxide 0.17 sources)
//!
//! * URL: `{api_url}/bot{token}/{Method}` (`teloxide-core/src/net.rs`,
//!   `method_url`, built with `path_segments_mut().push`). The method name is
//!   the payload type name, i.e. **PascalCase** (`SendMessage`, `GetUpdates`),
//!   with a trailing `Inline` trimmed. Telegram treats method names
//!   case-insensitively; the fake records them in the documented lowerCamel
//!   spelling (`sendMessage`).
//! * JSON methods: `POST` with `Content-Type: application/json`.
//! * File methods (`sendDocument`, `sendPhoto`, ...) are **always** multipart,
//!   even when the file is a `file_id` or URL. Every field is a text part
//!   (numbers as decimal text, nested objects such as `reply_markup` as JSON
//!   text). An uploaded file is a separate part named by a random uuid; the
//!   field itself (`document`, `photo`) holds `"attach://<uuid>"`. The fake
//!   resolves that indirection: [`UploadedFile::field`] is `"document"`.
//!   `InputFile::memory(..)` without `.file_name(..)` uploads with an empty
//!   file name.
//! * Replies are `{"ok":true,"result":...}` or
//!   `{"ok":false,"error_code":N,"description":"...","parameters":{...}}`.
//!
//! # What teloxide does with errors (so the app knows what it must handle)
//!
//! * `teloxide-core/src/net/request.rs` (`process_response`): on **any 5xx
//!   status** it sleeps `DELAY_ON_SERVER_ERROR` = **10 s**, then parses the
//!   body anyway. A text body (the fake's [`Fault::BadGateway`]) becomes
//!   `RequestError::InvalidJson`; a JSON error body ([`Fault::ServerError500`])
//!   becomes `RequestError::Api(ApiError::Unknown(..))`. It never retries.
//!   So never answer 5xx by accident, and keep 5xx faults out of fast tests.
//! * `teloxide-core/src/net/telegram_response.rs`: the HTTP status is otherwise
//!   ignored. `parameters.retry_after` becomes `RequestError::RetryAfter(secs)`,
//!   `parameters.migrate_to_chat_id` becomes `RequestError::MigrateToChatId`,
//!   anything else is `RequestError::Api(ApiError)`, matched on the exact
//!   `description` string (unknown strings give `ApiError::Unknown`).
//! * Transport failures (connection refused, truncated body, the default
//!   client's 17 s timeout) are `RequestError::Network`; never retried.
//! * A plain `Bot` never retries anything. The `Throttle` adaptor
//!   (`teloxide-core/src/adaptors/throttle/request.rs`, `send`) retries **only**
//!   `RetryAfter`, **only** for the throttled methods (`send_*`,
//!   `forward_*`, `copy_*`; not `edit_*`, `answer_callback_query`,
//!   `send_chat_action`, `get_updates`), and only with `Settings::retry`
//!   (the default; `Settings::no_retry()` turns it off). It sleeps
//!   `retry_after` then resends, with no cap on the number of attempts.
//! * Polling (`teloxide/src/update_listeners/polling.rs`): a failed
//!   `getUpdates` is handed to the listener error handler (logged by
//!   default); after `RetryAfter` it waits that long, after anything else it
//!   backs off 1, 2, 4, ... 64 s (`teloxide/src/backoff.rs`). The default
//!   listener first calls `getWebhookInfo` (and `deleteWebhook` only if a URL
//!   is set), polls with `timeout=10`, and on shutdown drops the in-flight
//!   poll and confirms with `getUpdates(offset, limit=1, timeout=0)`.
//!
//! # Deliberate fidelity choices
//!
//! * Long polls are held for `min(timeout, MAX_LONG_POLL)` (1 s) so tests
//!   stay fast.
//! * `allowed_updates` is recorded but **not** applied: every queued update is
//!   delivered, so tests can inject odd kinds.
//! * As on Telegram: `editMessageText` without `reply_markup` removes the
//!   inline keyboard; an edit that changes nothing fails with
//!   `ApiError::MessageNotModified`; editing an unknown message fails with
//!   `MessageToEditNotFound`; answering an unknown callback id fails with
//!   `InvalidQueryId`; only inline keyboards are echoed in `reply_markup`.
//! * A request is processed first and the configured delay is applied to the
//!   *response*, so a client that times out still caused the side effect.
//!
//! # Telegram's flood rules (optional)
//!
//! [`FakeBotApi::check_flood_rules`] turns on a checker of Telegram's limits (see the
//! "Flood rules" block at the end): it counts every violation and answers it as Telegram
//! does, 429 with `parameters.retry_after`.
//!
//! # Timing (for load tests)
//!
//! Every request carries [`RecordedRequest::received_at`] (when its body had
//! been read), and [`FakeBotApi::served_at`] tells when an update was first
//! returned in a `getUpdates` answer. [`FakeBotApi::subscribe`] streams every
//! request once it has been answered, so a client can wait for replies
//! without scanning the log. None of it costs more than O(1) per request.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    fmt::Write as _,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard},
    task::{Context, Poll},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// Wall-clock instants for timing records; the fake's own waits use tokio's
/// (pausable) clock.
use std::time::Instant as StdInstant;

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use serde_json::{Map, Value, json};
use tokio::{
    net::TcpListener,
    sync::{Notify, mpsc, oneshot},
    task::JoinHandle,
    time::Instant,
};

/// Token used by [`FakeBotApi::bot`]. The fake accepts any token.
pub const TOKEN: &str = "123456789:AAtest-fake-token";
/// The bot's user id (matches the numeric prefix of [`TOKEN`]).
pub const BOT_ID: i64 = 123_456_789;
/// The bot's username as returned by `getMe`.
pub const BOT_USERNAME: &str = "backcheck_test_bot";
/// Longest time a `getUpdates` long poll is held, whatever its `timeout`.
pub const MAX_LONG_POLL: Duration = Duration::from_secs(1);

/// How often [`FakeBotApi::wait_for`] re-checks the recorded requests.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// Upload limit (Telegram's limit for bots is 50 MB).
const BODY_LIMIT: usize = 50 * 1024 * 1024;

/// Methods the fake implements, in Telegram's documented spelling.
const KNOWN_METHODS: &[&str] = &[
    "getMe",
    "getUpdates",
    "getWebhookInfo",
    "deleteWebhook",
    "setWebhook",
    "setMyCommands",
    "getMyCommands",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
];

/// Methods whose successful calls show up in [`FakeBotApi::sent_to`].
const SENDING_METHODS: &[&str] = &[
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendDocument",
    "sendPhoto",
];

/// A fault to answer the next call of a method with (see
/// [`FakeBotApi::fail_next`]). Faults are consumed once, in queue order, and
/// the faulted call has no side effect.
///
/// teloxide sleeps **10 s** after any 5xx answer before it even returns the
/// error (`DELAY_ON_SERVER_ERROR` in `teloxide-core/src/net/request.rs`), so
/// tests using [`Fault::BadGateway`] or [`Fault::ServerError500`] through
/// teloxide take at least that long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `parameters.retry_after`; teloxide gives
    /// `RequestError::RetryAfter`.
    TooManyRequests { retry_after: u32 },
    /// HTTP 502 with an HTML body, like a proxy in front of Telegram.
    /// teloxide: 10 s sleep, then `RequestError::InvalidJson`.
    BadGateway,
    /// HTTP 500 with a JSON error body.
    /// teloxide: 10 s sleep, then `RequestError::Api(ApiError::Unknown(_))`.
    ServerError500,
    /// Any Telegram API error, e.g. 403 "Forbidden: bot was blocked by the
    /// user". Answered with HTTP status `code`.
    Api { code: u16, description: String },
    /// HTTP 200 whose body is not JSON. teloxide: `RequestError::InvalidJson`.
    MalformedJson,
    /// HTTP 200 whose body stops short of its `Content-Length` and then the
    /// connection closes. teloxide: `RequestError::Network`.
    TruncatedBody,
}

/// What the fake answered to a recorded request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Still being processed (e.g. a held long poll), or the client hung up
    /// before the answer (teloxide drops its in-flight poll on shutdown).
    Pending,
    /// `{"ok":true,"result":...}` with this result.
    Ok(Value),
    /// A Telegram API error produced by the fake's own checks.
    ApiError { code: u16, description: String },
    /// An injected fault.
    Fault(Fault),
}

/// A file part of a multipart request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The API field the file was attached to (`"document"`, `"photo"`),
    /// resolved through `attach://`; the part name if nothing referenced it.
    pub field: String,
    /// The multipart part name (a uuid when sent by teloxide).
    pub part_name: String,
    /// The file name from `Content-Disposition` (may be empty).
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One request received by the fake.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// Arrival order, from 0.
    pub seq: usize,
    /// Method name, normalised to lowerCamel for known methods
    /// (`sendMessage`); unknown methods as sent.
    pub method: String,
    /// The token from the URL.
    pub token: String,
    /// JSON body, or for multipart the text fields (all values are strings,
    /// exactly as sent: numbers and nested JSON arrive as text).
    pub params: Value,
    /// Whether the body was `multipart/form-data`.
    pub multipart: bool,
    /// File parts of a multipart body.
    pub files: Vec<UploadedFile>,
    pub outcome: Outcome,
    /// When the fake had read the request (before processing it).
    pub received_at: StdInstant,
}

impl RecordedRequest {
    /// A parameter as text: strings as they are, other JSON values rendered.
    pub fn param_str(&self, key: &str) -> Option<String> {
        param_str(&self.params, key)
    }

    /// A parameter as an integer, whether sent as a JSON number or as text.
    pub fn param_i64(&self, key: &str) -> Option<i64> {
        param_i64(&self.params, key)
    }

    /// A parameter as JSON, decoding JSON sent as text (multipart).
    pub fn param_json(&self, key: &str) -> Option<Value> {
        param_json(&self.params, key)
    }

    pub fn chat_id(&self) -> Option<i64> {
        self.param_i64("chat_id")
    }

    /// `text`, or `caption` for media.
    pub fn text(&self) -> Option<String> {
        self.param_str("text").or_else(|| self.param_str("caption"))
    }

    /// The inline keyboard in `reply_markup`, if any.
    pub fn keyboard(&self) -> Option<Keyboard> {
        self.param_json("reply_markup")
            .as_ref()
            .and_then(inline_keyboard)
    }

    /// What a successful message-producing call put in a chat (a new message, a document or
    /// photo, or an edit), as a client sees it; `None` for anything else.
    pub fn bot_message(&self) -> Option<BotMessage> {
        let edit = match self.method.as_str() {
            "sendMessage" | "sendDocument" | "sendPhoto" => false,
            "editMessageText" | "editMessageReplyMarkup" => true,
            _ => return None,
        };
        let Outcome::Ok(result) = &self.outcome else {
            return None;
        };
        Some(BotMessage {
            chat: result["chat"]["id"].as_i64()?,
            message_id: result.get("message_id")?.as_i64()?,
            edit,
            text: self.text(),
            keyboard: self.keyboard().unwrap_or_default(),
        })
    }

    /// The uploaded file attached to `field`.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == field)
    }

    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok(_))
    }

    /// One line for failure messages.
    pub fn summary(&self) -> String {
        let mut s = format!("#{} {} {}", self.seq, self.method, short(&self.params));
        for f in &self.files {
            let _ = write!(
                s,
                " +file[{} {:?} {} bytes]",
                f.field,
                f.file_name.as_deref().unwrap_or(""),
                f.bytes.len()
            );
        }
        let outcome = match &self.outcome {
            Outcome::Pending => "pending".to_owned(),
            Outcome::Ok(_) => "ok".to_owned(),
            Outcome::ApiError { code, description } => format!("error {code} {description:?}"),
            Outcome::Fault(f) => format!("fault {f:?}"),
        };
        let _ = write!(s, " -> {outcome}");
        s
    }
}

/// An inline keyboard as rows of `(label, data)`; `data` is the
/// `callback_data`, or the `url` for URL buttons, or empty.
pub type Keyboard = Vec<Vec<(String, String)>>;

/// A bot message as a chat shows it (see [`RecordedRequest::bot_message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotMessage {
    pub chat: i64,
    pub message_id: i64,
    /// An edit of `message_id` rather than a new message.
    pub edit: bool,
    /// The text, or the caption of a document or photo.
    pub text: Option<String>,
    pub keyboard: Keyboard,
}

/// A successful message-producing call to one chat (see
/// [`FakeBotApi::sent_to`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `sendMessage`, `editMessageText`, `editMessageReplyMarkup`,
    /// `sendDocument` or `sendPhoto`.
    pub method: String,
    pub chat_id: i64,
    /// The new message's id, or the edited one's.
    pub message_id: i64,
    /// The text (or caption) sent; `None` for `editMessageReplyMarkup`.
    pub text: Option<String>,
    /// The inline keyboard in the request; `None` when the request carried
    /// none (which, for `editMessageText`, removes the message's keyboard).
    pub keyboard: Option<Keyboard>,
    /// The uploaded file, for documents and photos.
    pub file: Option<UploadedFile>,
}

#[derive(Default)]
struct Inner {
    requests: Vec<RecordedRequest>,
    /// Unconfirmed updates, ascending `update_id`.
    updates: VecDeque<(i64, Value)>,
    next_update_id: i64,
    last_message_id: HashMap<i64, i64>,
    chats: HashMap<i64, Value>,
    /// The bot's messages as they currently are (after edits).
    messages: HashMap<(i64, i64), Value>,
    callback_ids: HashSet<String>,
    next_callback_id: u64,
    next_file_id: u64,
    commands: HashMap<String, Value>,
    faults: HashMap<String, VecDeque<Fault>>,
    delays: HashMap<String, Duration>,
    closed: bool,
    /// When each update was first returned by `getUpdates`, by `update_id`.
    served_at: HashMap<i64, StdInstant>,
    /// Streams of answered requests (see [`FakeBotApi::subscribe`]).
    subscribers: Vec<mpsc::UnboundedSender<RecordedRequest>>,
}

struct Shared {
    inner: Mutex<Inner>,
    /// Woken when an update is queued or the server closes.
    updates_changed: Notify,
    /// Telegram's flood rules, when checked (see the "Flood rules" block).
    flood: Mutex<Option<FloodChecker>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the fake's state from others.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The fake server. See the module docs.
pub struct FakeBotApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FakeBotApi {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update_id: 1,
                ..Inner::default()
            }),
            updates_changed: Notify::new(),
            flood: Mutex::new(None),
        });
        let app = Router::new()
            .fallback(handle)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let signal = async move {
                // Fires on `send` and when the sender is dropped.
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Self {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give teloxide (`Bot::set_api_url`); teloxide appends
    /// `/bot{token}/{Method}`.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).expect("valid url")
    }

    /// A `Bot` with [`TOKEN`] pointed at this fake.
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(TOKEN).set_api_url(self.url())
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// The requests for one method (either spelling: `sendMessage` or
    /// `SendMessage`).
    pub fn requests_for(&self, method: &str) -> Vec<RecordedRequest> {
        let method = canonical_method(method);
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == method)
            .cloned()
            .collect()
    }

    /// How many requests so far `pred` holds for, counted under the lock without copying
    /// them: cheap enough to poll while thousands of requests come in (a copy of every
    /// request five times a second held the lock long enough to slow the answers down).
    pub fn count_requests(&self, pred: impl Fn(&RecordedRequest) -> bool) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| pred(r))
            .count()
    }

    /// The messages, edits and files successfully sent to `chat_id`, in
    /// order. Faulted or rejected calls are left out (see
    /// [`FakeBotApi::requests`] for those).
    pub fn sent_to(&self, chat_id: i64) -> Vec<Sent> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter_map(as_sent)
            .filter(|s| s.chat_id == chat_id)
            .collect()
    }

    /// The bot's message as it is now (after edits), as Telegram JSON.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        self.shared
            .lock()
            .messages
            .get(&(chat_id, message_id))
            .cloned()
    }

    /// Number of queued updates not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().updates.len()
    }

    /// For a webhook feeder (tests/support/webhook_feeder.rs): takes every queued update out
    /// of the queue, as Telegram hands them to a webhook, waiting at most `timeout` for one.
    /// Taken updates count as served ([`FakeBotApi::served_at`]). None once the fake closes.
    pub async fn take_updates(&self, timeout: Duration) -> Option<Vec<(i64, Value)>> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.shared.updates_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut inner = self.shared.lock();
                if inner.closed {
                    return None;
                }
                if !inner.updates.is_empty() {
                    let served = StdInstant::now();
                    let taken: Vec<(i64, Value)> = inner.updates.drain(..).collect();
                    for (id, _) in &taken {
                        inner.served_at.entry(*id).or_insert(served);
                    }
                    return Some(taken);
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Some(Vec::new());
            }
        }
    }

    /// When update `update_id` was first returned in a `getUpdates` answer
    /// (None: not served yet). A re-delivery keeps the first time.
    pub fn served_at(&self, update_id: i64) -> Option<StdInstant> {
        self.shared.lock().served_at.get(&update_id).copied()
    }

    /// Every request received from now on, sent once it has been answered
    /// (its `outcome` set; a held long poll arrives when it returns). A
    /// client that hangs up mid-request leaves that request out. Dropping the
    /// receiver unsubscribes.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<RecordedRequest> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.shared.lock().subscribers.push(tx);
        rx
    }

    /// Waits (polling every 10 ms, at most `timeout`) until a recorded
    /// request matches `pred` and returns the first match. Panics with the
    /// list of received requests when none matches in time.
    pub async fn wait_for<F>(&self, pred: F, timeout: Duration) -> RecordedRequest
    where
        F: Fn(&RecordedRequest) -> bool,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self
                .shared
                .lock()
                .requests
                .iter()
                .find(|r| pred(r))
                .cloned();
            if let Some(found) = found {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake Bot API: no matching request within {timeout:?}; received:\n{}",
                    self.describe_requests()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Like [`FakeBotApi::wait_for`], over [`FakeBotApi::sent_to`]`(chat_id)`.
    pub async fn wait_for_sent<F>(&self, chat_id: i64, pred: F, timeout: Duration) -> Sent
    where
        F: Fn(&Sent) -> bool,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self.sent_to(chat_id).into_iter().find(|s| pred(s)) {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake Bot API: nothing matching was sent to chat {chat_id} within \
                     {timeout:?}; received:\n{}",
                    self.describe_requests()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// The received requests, one per line, `getUpdates` polls folded into a
    /// count.
    pub fn describe_requests(&self) -> String {
        let requests = self.requests();
        let mut polls = 0;
        let mut out = String::new();
        for r in &requests {
            if r.method == "getUpdates" && r.outcome == Outcome::Ok(json!([])) {
                polls += 1;
                continue;
            }
            let _ = writeln!(out, "  {}", r.summary());
        }
        let _ = writeln!(out, "  (+ {polls} empty getUpdates polls)");
        out
    }

    /// Queues a text message from `user_id` in `chat_id` and returns its
    /// message id. The chat is private when `chat_id` is positive (use
    /// `chat_id == user_id`, as Telegram does), a group when negative, or
    /// whatever kind it was first seen as.
    pub fn push_text(&self, user_id: i64, chat_id: i64, text: &str) -> i64 {
        self.push_message(chat_id, user_id, text_fields(text))
    }

    /// Like [`FakeBotApi::push_text`], returning `(update_id, message_id)`.
    pub fn push_text_with_id(&self, user_id: i64, chat_id: i64, text: &str) -> (i64, i64) {
        self.queue_message(chat_id, user_id, text_fields(text))
    }

    /// Like [`FakeBotApi::push_callback`], but returns `None` instead of
    /// panicking when the bot never sent that message, and gives
    /// `(update_id, callback_query_id)`.
    pub fn try_push_callback(
        &self,
        user_id: i64,
        message_id: i64,
        data: &str,
    ) -> Option<(i64, String)> {
        let pushed = self
            .shared
            .lock()
            .queue_callback(user_id, user_id, message_id, data);
        if pushed.is_some() {
            self.shared.updates_changed.notify_waiters();
        }
        pushed
    }

    /// Queues a text message from `user_id` in the group `chat_id`
    /// (`type: "group"`) and returns its message id.
    pub fn push_group_text(&self, chat_id: i64, user_id: i64, text: &str) -> i64 {
        {
            let mut inner = self.shared.lock();
            inner.chats.insert(
                chat_id,
                json!({"id": chat_id, "type": "group", "title": format!("Test group {chat_id}")}),
            );
        }
        self.push_message(chat_id, user_id, text_fields(text))
    }

    /// Queues a message from `user_id` in `chat_id` with `message_id`, `date`,
    /// `chat` and `from` filled in and `fields` (an object, e.g.
    /// `{"sticker": {...}}`) merged over them. Returns the message id.
    pub fn push_message(&self, chat_id: i64, user_id: i64, fields: Value) -> i64 {
        self.queue_message(chat_id, user_id, fields).1
    }

    /// [`FakeBotApi::push_message`], returning `(update_id, message_id)`.
    fn queue_message(&self, chat_id: i64, user_id: i64, fields: Value) -> (i64, i64) {
        let mut inner = self.shared.lock();
        let message_id = inner.next_message_id(chat_id);
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": inner.chat(chat_id),
            "from": user_json(user_id),
        });
        merge(&mut message, fields);
        let update_id = inner.queue_update(json!({ "message": message }));
        drop(inner);
        self.shared.updates_changed.notify_waiters();
        (update_id, message_id)
    }

    /// Queues a button press by `user_id` on the bot's message `message_id`
    /// in the private chat `user_id`. Returns the callback query id.
    /// Panics if the bot never sent that message.
    pub fn push_callback(&self, user_id: i64, message_id: i64, data: &str) -> String {
        self.push_callback_in(user_id, user_id, message_id, data)
    }

    /// Like [`FakeBotApi::push_callback`] in any chat.
    pub fn push_callback_in(
        &self,
        chat_id: i64,
        user_id: i64,
        message_id: i64,
        data: &str,
    ) -> String {
        let pushed = self
            .shared
            .lock()
            .queue_callback(chat_id, user_id, message_id, data);
        let Some((_, id)) = pushed else {
            panic!(
                "fake Bot API: push_callback on message {message_id} in chat {chat_id}, \
                 which the bot never sent; received:\n{}",
                self.describe_requests()
            );
        };
        self.shared.updates_changed.notify_waiters();
        id
    }

    /// Queues an arbitrary update. `update_id` is assigned when absent (a
    /// given one is kept, and later ids continue above it). Returns the id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let mut inner = self.shared.lock();
        let id = match update.get("update_id").and_then(Value::as_i64) {
            Some(given) => {
                inner.next_update_id = inner.next_update_id.max(given + 1);
                inner.updates.push_back((given, update));
                given
            }
            None => {
                let fields = std::mem::take(&mut update);
                inner.queue_update(fields)
            }
        };
        drop(inner);
        self.shared.updates_changed.notify_waiters();
        id
    }

    /// Answers the next call of `method` with `fault` instead of handling it.
    /// Several faults for one method are used in the order given.
    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.shared
            .lock()
            .faults
            .entry(method_key(method))
            .or_default()
            .push_back(fault);
    }

    /// Delays every answer to `method` by `delay` (after processing it);
    /// `Duration::ZERO` removes the delay.
    pub fn set_delay(&self, method: &str, delay: Duration) {
        let mut inner = self.shared.lock();
        if delay.is_zero() {
            inner.delays.remove(&method_key(method));
        } else {
            inner.delays.insert(method_key(method), delay);
        }
    }

    /// Stops serving: held long polls return `[]` at once, idle connections
    /// close, new connections are refused. Waits (at most 5 s) for the
    /// server task.
    pub async fn shutdown(mut self) {
        self.begin_shutdown();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    fn begin_shutdown(&mut self) {
        self.shared.lock().closed = true;
        self.shared.updates_changed.notify_waiters();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        self.begin_shutdown();
    }
}

impl Inner {
    fn next_message_id(&mut self, chat_id: i64) -> i64 {
        let id = self.last_message_id.entry(chat_id).or_insert(0);
        *id += 1;
        *id
    }

    /// The chat object for `chat_id`, created on first sight.
    fn chat(&mut self, chat_id: i64) -> Value {
        self.chats
            .entry(chat_id)
            .or_insert_with(|| {
                if chat_id < 0 {
                    json!({"id": chat_id, "type": "group", "title": format!("Test group {chat_id}")})
                } else {
                    json!({"id": chat_id, "type": "private", "first_name": format!("User{chat_id}")})
                }
            })
            .clone()
    }

    /// Queues a press on the bot's message `message_id` in `chat_id`:
    /// `(update_id, callback_query_id)`, or None if there is no such message.
    fn queue_callback(
        &mut self,
        chat_id: i64,
        user_id: i64,
        message_id: i64,
        data: &str,
    ) -> Option<(i64, String)> {
        let message = self.messages.get(&(chat_id, message_id))?.clone();
        self.next_callback_id += 1;
        let id = format!("cbq-{}", self.next_callback_id);
        self.callback_ids.insert(id.clone());
        let update_id = self.queue_update(json!({
            "callback_query": {
                "id": id,
                "from": user_json(user_id),
                "message": message,
                "chat_instance": format!("ci{chat_id}"),
                "data": data,
            }
        }));
        Some((update_id, id))
    }

    /// Sends an answered request to every live subscriber.
    fn publish(&mut self, seq: usize) {
        if self.subscribers.is_empty() {
            return;
        }
        let request = self.requests[seq].clone();
        self.subscribers
            .retain(|tx| tx.send(request.clone()).is_ok());
    }

    fn queue_update(&mut self, fields: Value) -> i64 {
        let id = self.next_update_id;
        self.next_update_id += 1;
        let mut update = json!({ "update_id": id });
        merge(&mut update, fields);
        self.updates.push_back((id, update));
        id
    }

    /// Applies `getUpdates`' `offset`: positive confirms (drops) everything
    /// below it, negative keeps only the last `-offset` updates.
    fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            self.updates.retain(|(id, _)| *id >= offset);
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }

    fn bot_message(&mut self, chat_id: i64, fields: Value) -> Value {
        let message_id = self.next_message_id(chat_id);
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": self.chat(chat_id),
            "from": bot_user_json(),
        });
        merge(&mut message, fields);
        self.messages.insert((chat_id, message_id), message.clone());
        message
    }

    fn next_file(&mut self, prefix: &str) -> (String, String) {
        self.next_file_id += 1;
        (
            format!("{prefix}-file-{}", self.next_file_id),
            format!("{prefix}-unique-{}", self.next_file_id),
        )
    }

    /// Handles every method except `getUpdates`.
    fn call(&mut self, method: &str, req: &ParsedRequest) -> Result<Value, ApiErr> {
        let p = &req.params;
        match method {
            "getMe" => Ok(me_json()),
            "getWebhookInfo" => Ok(json!({
                "url": "",
                "has_custom_certificate": false,
                "pending_update_count": self.updates.len(),
            })),
            "deleteWebhook" | "setWebhook" => Ok(json!(true)),
            "setMyCommands" => {
                let commands = param_json(p, "commands")
                    .filter(Value::is_array)
                    .ok_or_else(|| {
                        bad_request("Bad Request: parameter \"commands\" is required")
                    })?;
                self.commands.insert(commands_key(p), commands);
                Ok(json!(true))
            }
            "getMyCommands" => Ok(self
                .commands
                .get(&commands_key(p))
                .cloned()
                .unwrap_or_else(|| json!([]))),
            "sendMessage" => {
                let chat_id = chat_id(p)?;
                let text = param_str(p, "text").unwrap_or_default();
                if text.is_empty() {
                    return Err(bad_request("Bad Request: message text is empty"));
                }
                let mut fields = json!({ "text": text });
                add_markup(&mut fields, p);
                Ok(self.bot_message(chat_id, fields))
            }
            "editMessageText" | "editMessageReplyMarkup" => {
                if p.get("inline_message_id").is_some() {
                    return Ok(json!(true));
                }
                let chat_id = chat_id(p)?;
                let message_id = param_i64(p, "message_id").ok_or_else(|| {
                    bad_request("Bad Request: message identifier is not specified")
                })?;
                let Some(old) = self.messages.get(&(chat_id, message_id)) else {
                    return Err(bad_request("Bad Request: message to edit not found"));
                };
                let mut new = old.clone();
                if method == "editMessageText" {
                    let text = param_str(p, "text").unwrap_or_default();
                    if text.is_empty() {
                        return Err(bad_request("Bad Request: message text is empty"));
                    }
                    new["text"] = json!(text);
                }
                if let Some(obj) = new.as_object_mut() {
                    obj.remove("reply_markup");
                }
                add_markup(&mut new, p);
                if new == *old {
                    return Err(bad_request(
                        "Bad Request: message is not modified: specified new message content \
                         and reply markup are exactly the same as a current content and reply \
                         markup of the message",
                    ));
                }
                new["edit_date"] = json!(now());
                self.messages.insert((chat_id, message_id), new.clone());
                Ok(new)
            }
            "answerCallbackQuery" => {
                let id = param_str(p, "callback_query_id").unwrap_or_default();
                if self.callback_ids.contains(&id) {
                    Ok(json!(true))
                } else {
                    Err(bad_request(
                        "Bad Request: query is too old and response timeout expired or query id \
                         is invalid",
                    ))
                }
            }
            "sendDocument" | "sendPhoto" => {
                let chat_id = chat_id(p)?;
                let field = if method == "sendDocument" {
                    "document"
                } else {
                    "photo"
                };
                let upload = req.files.iter().find(|f| f.field == field);
                if upload.is_none() && param_str(p, field).is_none() {
                    return Err(bad_request(&format!(
                        "Bad Request: there is no {field} in the request"
                    )));
                }
                let size = upload.map_or(1024, |f| f.bytes.len());
                let (file_id, unique_id) = self.next_file(field);
                let mut fields = if field == "document" {
                    let mut doc = json!({
                        "file_id": file_id,
                        "file_unique_id": unique_id,
                        "file_size": size,
                    });
                    if let Some(name) = upload.and_then(|f| f.file_name.clone()) {
                        doc["file_name"] = json!(name);
                    }
                    if let Some(mime) = upload.and_then(|f| f.content_type.clone()) {
                        doc["mime_type"] = json!(mime);
                    }
                    json!({ "document": doc })
                } else {
                    json!({ "photo": [{
                        "file_id": file_id,
                        "file_unique_id": unique_id,
                        "file_size": size,
                        "width": 640,
                        "height": 480,
                    }] })
                };
                if let Some(caption) = param_str(p, "caption") {
                    fields["caption"] = json!(caption);
                }
                add_markup(&mut fields, p);
                Ok(self.bot_message(chat_id, fields))
            }
            "sendChatAction" => {
                chat_id(p)?;
                Ok(json!(true))
            }
            _ => Err(ApiErr {
                code: 404,
                description: "Not Found: method not found".to_owned(),
            }),
        }
    }
}

struct ApiErr {
    code: u16,
    description: String,
}

fn bad_request(description: &str) -> ApiErr {
    ApiErr {
        code: 400,
        description: description.to_owned(),
    }
}

struct ParsedRequest {
    params: Value,
    files: Vec<UploadedFile>,
    multipart: bool,
}

/// The single axum handler: every path, every HTTP method.
async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let Some((token, raw_method)) = path
        .strip_prefix("/bot")
        .and_then(|rest| rest.rsplit_once('/'))
        .filter(|(token, method)| !token.is_empty() && !method.is_empty())
    else {
        return api_error(404, "Not Found");
    };
    let (token, method) = (token.to_owned(), canonical_method(raw_method));

    let parsed = match parse_body(req).await {
        Ok(parsed) => parsed,
        Err(description) => return api_error(400, &description),
    };

    let received_at = StdInstant::now();
    let (seq, fault, delay) = {
        let mut inner = shared.lock();
        let seq = inner.requests.len();
        let key = method_key(&method);
        let fault = inner.faults.get_mut(&key).and_then(VecDeque::pop_front);
        let fault = fault.or_else(|| shared.flood_check(&method, &parsed.params, received_at));
        let delay = inner.delays.get(&key).copied();
        inner.requests.push(RecordedRequest {
            seq,
            method: method.clone(),
            token,
            params: parsed.params.clone(),
            multipart: parsed.multipart,
            files: parsed.files.clone(),
            outcome: fault.clone().map_or(Outcome::Pending, Outcome::Fault),
            received_at,
        });
        if fault.is_some() {
            inner.publish(seq);
        }
        (seq, fault, delay)
    };

    let response = match fault {
        Some(fault) => fault_response(&fault),
        None => {
            let result = if method == "getUpdates" {
                Ok(get_updates(&shared, &parsed.params).await)
            } else {
                shared.lock().call(&method, &parsed)
            };
            let mut inner = shared.lock();
            match result {
                Ok(result) => {
                    inner.requests[seq].outcome = Outcome::Ok(result.clone());
                    inner.publish(seq);
                    api_ok(result)
                }
                Err(ApiErr { code, description }) => {
                    let response = api_error(code, &description);
                    inner.requests[seq].outcome = Outcome::ApiError { code, description };
                    inner.publish(seq);
                    response
                }
            }
        }
    };

    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Long poll: returns queued updates at once, or waits for one until
/// `min(timeout, MAX_LONG_POLL)` passes or the server closes.
async fn get_updates(shared: &Shared, params: &Value) -> Value {
    let offset = param_i64(params, "offset").unwrap_or(0);
    let limit =
        usize::try_from(param_i64(params, "limit").unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = u64::try_from(param_i64(params, "timeout").unwrap_or(0)).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(timeout).min(MAX_LONG_POLL);
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.lock();
            inner.confirm(offset);
            if !inner.updates.is_empty() || inner.closed {
                let served = StdInstant::now();
                let inner = &mut *inner;
                let batch: Vec<Value> = inner
                    .updates
                    .iter()
                    .take(limit)
                    .map(|(id, u)| {
                        inner.served_at.entry(*id).or_insert(served);
                        u.clone()
                    })
                    .collect();
                return Value::Array(batch);
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return json!([]);
        }
    }
}

async fn parse_body(req: Request) -> Result<ParsedRequest, String> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if is_multipart {
        return parse_multipart(req).await;
    }
    let body = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|e| format!("Bad Request: can't read body: {e}"))?;
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| format!("Bad Request: can't parse JSON: {e}"))?
    };
    Ok(ParsedRequest {
        params,
        files: Vec::new(),
        multipart: false,
    })
}

async fn parse_multipart(req: Request) -> Result<ParsedRequest, String> {
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(|e| format!("Bad Request: bad multipart: {e}"))?;
    let mut params = Map::new();
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("Bad Request: bad multipart field: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("Bad Request: bad multipart body: {e}"))?;
        if file_name.is_some() {
            files.push(UploadedFile {
                field: name.clone(),
                part_name: name,
                file_name,
                content_type,
                bytes: bytes.to_vec(),
            });
        } else {
            params.insert(
                name,
                Value::String(String::from_utf8_lossy(&bytes).into_owned()),
            );
        }
    }
    // Resolve `field = "attach://<part>"` to the part it names.
    for (field, value) in &params {
        if let Some(part) = value.as_str().and_then(|v| v.strip_prefix("attach://")) {
            for file in files.iter_mut().filter(|f| f.part_name == part) {
                file.field = field.clone();
            }
        }
    }
    Ok(ParsedRequest {
        params: Value::Object(params),
        files,
        multipart: true,
    })
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn api_ok(result: Value) -> Response {
    json_response(200, &json!({ "ok": true, "result": result }))
}

fn api_error(code: u16, description: &str) -> Response {
    json_response(
        code,
        &json!({ "ok": false, "error_code": code, "description": description }),
    )
}

fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::TooManyRequests { retry_after } => json_response(
            429,
            &json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": { "retry_after": retry_after },
            }),
        ),
        Fault::BadGateway => {
            let mut response = Response::new(Body::from(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                 <center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
            ));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
        Fault::ServerError500 => api_error(500, "Internal Server Error"),
        Fault::Api { code, description } => api_error(*code, description),
        Fault::MalformedJson => {
            let mut response = Response::new(Body::from(r#"{"ok":true,"result":<oops>}"#));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Fault::TruncatedBody => {
            let partial = Bytes::from_static(br#"{"ok":true,"result":{"message_id":1,"da"#);
            let mut response = Response::new(Body::new(ShortBody(Some(partial))));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            // Promise more than is sent: hyper then closes the connection
            // after the partial body.
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
            response
        }
    }
}

/// A body of unknown length (so hyper trusts our `Content-Length` header)
/// that yields one chunk and ends.
struct ShortBody(Option<Bytes>);

impl http_body::Body for ShortBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.take().map(|b| Ok(http_body::Frame::data(b))))
    }
}

fn as_sent(r: &RecordedRequest) -> Option<Sent> {
    if !SENDING_METHODS.contains(&r.method.as_str()) {
        return None;
    }
    let Outcome::Ok(result) = &r.outcome else {
        return None;
    };
    // Inline-message edits answer `true` and have no chat.
    let message_id = result.get("message_id")?.as_i64()?;
    let chat_id = result.get("chat")?.get("id")?.as_i64()?;
    let file = match r.method.as_str() {
        "sendDocument" => r.file("document").cloned(),
        "sendPhoto" => r.file("photo").cloned(),
        _ => None,
    };
    Some(Sent {
        method: r.method.clone(),
        chat_id,
        message_id,
        text: r.text(),
        keyboard: r.keyboard(),
        file,
    })
}

/// The documented spelling of a known method (case-insensitive), else the
/// name as given.
fn canonical_method(name: &str) -> String {
    KNOWN_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), |m| (*m).to_owned())
}

fn method_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn param_str(params: &Value, key: &str) -> Option<String> {
    match params.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn param_i64(params: &Value, key: &str) -> Option<i64> {
    match params.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn param_json(params: &Value, key: &str) -> Option<Value> {
    match params.get(key)? {
        Value::Null => None,
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

fn chat_id(params: &Value) -> Result<i64, ApiErr> {
    param_i64(params, "chat_id").ok_or_else(|| bad_request("Bad Request: chat not found"))
}

fn commands_key(params: &Value) -> String {
    let scope = param_json(params, "scope").unwrap_or_else(|| json!({"type": "default"}));
    let lang = param_str(params, "language_code").unwrap_or_default();
    format!("{scope}|{lang}")
}

/// Copies an inline `reply_markup` from the request into a message.
fn add_markup(message: &mut Value, params: &Value) {
    if let Some(markup) =
        param_json(params, "reply_markup").filter(|m| m.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup;
    }
}

fn inline_keyboard(markup: &Value) -> Option<Keyboard> {
    let rows = markup.get("inline_keyboard")?.as_array()?;
    Some(
        rows.iter()
            .map(|row| {
                row.as_array()
                    .map(|buttons| {
                        buttons
                            .iter()
                            .map(|b| {
                                let text = b.get("text").and_then(Value::as_str).unwrap_or("");
                                let data = b
                                    .get("callback_data")
                                    .or_else(|| b.get("url"))
                                    .and_then(Value::as_str)
                                    .unwrap_or("");
                                (text.to_owned(), data.to_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect(),
    )
}

/// Message fields for a text, with the `bot_command` entity Telegram adds
/// when the text starts with a command.
fn text_fields(text: &str) -> Value {
    let mut fields = json!({ "text": text });
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        let length = command.encode_utf16().count();
        fields["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": length }]);
    }
    fields
}

fn merge(target: &mut Value, fields: Value) {
    match (target.as_object_mut(), fields) {
        (Some(target), Value::Object(fields)) => target.extend(fields),
        (_, Value::Null) => {}
        (_, other) => panic!("fake Bot API: expected a JSON object to merge, got {other}"),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| i64::try_from(d.as_secs()).unwrap_or(1))
}

fn user_json(user_id: i64) -> Value {
    json!({
        "id": user_id,
        "is_bot": false,
        "first_name": format!("User{user_id}"),
        "language_code": "en",
    })
}

fn bot_user_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": "Backcheck Test",
        "username": BOT_USERNAME,
    })
}

fn me_json() -> Value {
    let mut me = bot_user_json();
    merge(
        &mut me,
        json!({
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        }),
    );
    me
}

/// JSON shortened for one-line summaries.
fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 200 {
        let cut: String = s.chars().take(200).collect();
        format!("{cut}...")
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------
// Flood rules: Telegram's limits on sending, checked on arrival (optional)

/// The limits the checker holds the bot to. Telegram: "avoid sending more than one message
/// per second" to a chat ("short bursts" are tolerated), and no more than 30 a second in all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloodRules {
    /// Messages a chat may get at once after a quiet spell.
    pub chat_burst: u32,
    /// Messages a second a chat may get once its burst is spent.
    pub chat_per_sec: f64,
    /// Messages in any one second, over all chats.
    pub overall_per_sec: usize,
    /// Arrival times wobble (the bot's HTTP client, this server's own scheduling): a send
    /// this much early is not counted as a violation.
    pub slack: Duration,
}

impl FloodRules {
    /// Telegram's limits, with a burst of 3 per chat and 25 ms of slack.
    pub fn telegram() -> Self {
        FloodRules {
            chat_burst: 3,
            chat_per_sec: 1.0,
            overall_per_sec: 30,
            slack: Duration::from_millis(25),
        }
    }
}

/// Which rule a send broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// More than the burst and one a second to one chat.
    Chat,
    /// More than `overall_per_sec` in one second in all.
    Overall,
    /// Sent again before a 429's `retry_after` had passed.
    RetryAfter,
}

/// One violation: the send was answered 429 and delivered nothing.
#[derive(Debug, Clone)]
pub struct Violation {
    pub at: StdInstant,
    pub chat: i64,
    pub method: String,
    pub rule: Rule,
    pub retry_after: u32,
}

/// Methods that count towards the limits (the ones teloxide's Throttle paced too; edits
/// and callback answers do not count).
const COUNTED_METHODS: &[&str] = &["sendMessage", "sendPhoto", "sendDocument"];

/// The checker's state: a token bucket per chat, the arrivals of the last second, and the
/// holds that 429s announced.
struct FloodChecker {
    rules: FloodRules,
    /// Tokens left and when they were counted, per chat.
    chats: HashMap<i64, (f64, StdInstant)>,
    /// Accepted sends of the last second, oldest first.
    window: VecDeque<StdInstant>,
    /// A 429 told the chat (or everyone, key `None`) to wait until then.
    held: HashMap<Option<i64>, StdInstant>,
    accepted: Vec<(StdInstant, i64)>,
    violations: Vec<Violation>,
}

impl FloodChecker {
    fn new(rules: FloodRules) -> Self {
        FloodChecker {
            rules,
            chats: HashMap::new(),
            window: VecDeque::new(),
            held: HashMap::new(),
            accepted: Vec::new(),
            violations: Vec::new(),
        }
    }

    /// Checks one counted send to `chat` arriving `at`: `None` if allowed (and counted),
    /// else the 429's `retry_after` in whole seconds (at least 1, as Telegram's).
    fn check(&mut self, chat: i64, method: &str, at: StdInstant) -> Option<u32> {
        let rules = self.rules;
        let slack = rules.slack;
        // Whole seconds, rounded up, at least 1 (Telegram's `retry_after` is an integer).
        let secs = |d: Duration| {
            let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            u32::try_from(whole).unwrap_or(u32::MAX).max(1)
        };
        let broken = [Some(chat), None].into_iter().find_map(|key| {
            let until = *self.held.get(&key)?;
            (at + slack < until).then(|| (Rule::RetryAfter, secs(until - at)))
        });
        let broken = broken.or_else(|| {
            let second = Duration::from_secs(1).saturating_sub(slack);
            while self
                .window
                .front()
                .is_some_and(|&t| at.saturating_duration_since(t) >= second)
            {
                self.window.pop_front();
            }
            (self.window.len() >= rules.overall_per_sec).then(|| {
                let oldest = self.window.front().copied().unwrap_or(at);
                (Rule::Overall, secs(second.saturating_sub(at - oldest)))
            })
        });
        let burst = f64::from(rules.chat_burst);
        let (tokens, last) = self.chats.get(&chat).copied().unwrap_or((burst, at));
        let tokens = (tokens
            + at.saturating_duration_since(last).as_secs_f64() * rules.chat_per_sec)
            .min(burst);
        let broken = broken.or_else(|| {
            let short = 1.0 - tokens - slack.as_secs_f64() * rules.chat_per_sec;
            (short > 0.0).then(|| {
                let wait = Duration::from_secs_f64((1.0 - tokens) / rules.chat_per_sec);
                (Rule::Chat, secs(wait))
            })
        });
        match broken {
            None => {
                self.chats.insert(chat, (tokens - 1.0, at));
                self.window.push_back(at);
                self.accepted.push((at, chat));
                None
            }
            Some((rule, retry_after)) => {
                self.chats.insert(chat, (tokens, at));
                let until = at + Duration::from_secs(u64::from(retry_after));
                let key = if rule == Rule::Overall {
                    None
                } else {
                    Some(chat)
                };
                let held = self.held.entry(key).or_insert(until);
                *held = (*held).max(until);
                self.violations.push(Violation {
                    at,
                    chat,
                    method: method.to_string(),
                    rule,
                    retry_after,
                });
                Some(retry_after)
            }
        }
    }
}

impl Shared {
    /// A 429 for a counted send that breaks the flood rules, when they are checked.
    fn flood_check(&self, method: &str, params: &Value, at: StdInstant) -> Option<Fault> {
        if !COUNTED_METHODS.contains(&method) {
            return None;
        }
        let chat = param_i64(params, "chat_id")?;
        let mut flood = self.flood.lock().unwrap_or_else(|e| e.into_inner());
        let retry_after = flood.as_mut()?.check(chat, method, at)?;
        Some(Fault::TooManyRequests { retry_after })
    }
}

impl FakeBotApi {
    /// From now on, checks Telegram's flood rules on every counted send (sendMessage,
    /// sendPhoto, sendDocument) and answers a violation with 429 and `retry_after`, as
    /// Telegram does; the violating send delivers nothing.
    pub fn check_flood_rules(&self, rules: FloodRules) {
        *self.shared.flood.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(FloodChecker::new(rules));
    }

    /// Every violation so far (empty when the rules are not checked).
    pub fn flood_violations(&self) -> Vec<Violation> {
        let flood = self.shared.flood.lock().unwrap_or_else(|e| e.into_inner());
        flood
            .as_ref()
            .map_or_else(Vec::new, |f| f.violations.clone())
    }

    /// Every counted send the rules let through, (arrival, chat), in arrival order.
    pub fn flood_accepted(&self) -> Vec<(StdInstant, i64)> {
        let flood = self.shared.flood.lock().unwrap_or_else(|e| e.into_inner());
        flood.as_ref().map_or_else(Vec::new, |f| f.accepted.clone())
    }
}
