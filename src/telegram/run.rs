//! Start-up, long polling and graceful shutdown. The shutdown signal is a future passed in,
//! so tests stop the bot the way Ctrl-C or SIGTERM does in production.
//!
//! Shutdown takes at most `STOP_BUDGET` (under the 5 s a service manager usually allows):
//! 1. at once: polling stops, the reminder loop stops, and reminders still waiting for
//!    Telegram's limits are given up and un-claimed (they go out after the restart);
//! 2. the updates in hand are finished; their replies still go out at Telegram's pace, for
//!    up to `REPLY_GRACE`; then replies still waiting are given up (the answers themselves
//!    are already stored: the Engine writes a step before it replies);
//! 3. the database is flushed.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::dispatching::ShutdownToken;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::types::Me;
use teloxide::update_listeners::Polling;

use super::commands::Command;
use super::pace::{Lane, Pacer, Rules};
use super::redact::Redactor;
use super::send::with_retry;
use super::{App, Mode, TelegramError, TelegramSettings, TgBot, schema};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::http::Ops;

/// How often a shutdown that arrived during start-up checks whether polling has begun.
const SHUTDOWN_RECHECK: Duration = Duration::from_millis(20);
/// How long after the signal replies still waiting for Telegram's limits may go out.
const REPLY_GRACE: Duration = Duration::from_secs(3);
/// The longest from the signal to giving up on the updates in hand (the flush follows).
const STOP_BUDGET: Duration = Duration::from_millis(4000);

/// Runs the bot until `shutdown` completes: then stops polling, finishes the updates in
/// hand, and flushes the database. Returns an error when Telegram cannot be reached or
/// refuses the token at start-up.
pub async fn run(
    engine: Arc<Engine>,
    settings: TelegramSettings,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), TelegramError> {
    let mode = Mode::Polling { http: None };
    run_with(engine, settings, mode, clock, shutdown).await
}

/// `run`, with updates arriving as `mode` says: long polling, or webhook requests.
pub async fn run_with(
    engine: Arc<Engine>,
    settings: TelegramSettings,
    mode: Mode,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), TelegramError> {
    let (bot, redactor) = bot_for(&settings)?;
    let pacer = Pacer::new(Rules::from_limits(&settings.limits));
    let app = Arc::new(App::new(
        Arc::clone(&engine),
        clock,
        settings.retry,
        redactor.clone(),
        pacer,
    ));
    let mut shutdown: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(shutdown);

    let started = tokio::select! {
        started = start(&bot, &app, matches!(mode, Mode::Polling { .. })) => started,
        () = &mut shutdown => {
            tracing::info!("stopped before polling began");
            close_pacer(&app);
            return flush(&engine).await;
        }
    };
    let me = started.inspect_err(|_| close_pacer(&app))?;
    tracing::info!(bot = %me.username(), "Telegram bot running; stop with Ctrl-C or SIGTERM");
    let http = match mode {
        Mode::Webhook(hook) => {
            let reminders = spawn_reminders(&bot, &app);
            let served = super::webhook::serve(bot, Arc::clone(&app), me, hook, shutdown).await;
            // Queued reminders are un-claimed, as in polling mode, and replies given up.
            stop_reminders(&app, reminders).await;
            close_pacer(&app);
            served?;
            return flush(&engine).await;
        }
        Mode::Polling { http } => http.map(|l| Ops::spawn(l, engine.store())),
    };

    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![Arc::clone(&app)])
        .default_handler(|update| async move {
            tracing::debug!(update = update.id.0, "update of a kind the bot ignores");
        })
        .error_handler(LogErrors::new(&redactor, "handling an update"))
        .build();
    let token = dispatcher.shutdown_token();
    let reminders = spawn_reminders(&bot, &app);
    let listener = Polling::builder(bot).timeout(settings.poll_timeout).build();
    let dispatching = dispatcher
        .try_dispatch_with_listener(listener, LogErrors::new(&redactor, "getting updates"));
    let dispatched = until_shutdown(dispatching, &token, shutdown, &app, reminders).await;
    drop(dispatcher);
    close_pacer(&app);
    if let Some(http) = http {
        http.stop().await;
    }
    if let Err(e) = dispatched {
        return Err(TelegramError::Connect(redactor.error(&e)));
    }
    tracing::info!("polling stopped; saving the database");
    flush(&engine).await
}

/// Checks the token (getMe), registers the command menu, and when `polling` removes a
/// webhook if one is set (Telegram sends no updates to long polling while a webhook is set).
async fn start(bot: &TgBot, app: &App, polling: bool) -> Result<Me, TelegramError> {
    let me = with_retry(&app.retry, || bot.get_me().send())
        .await
        .map_err(|e| called(&app.redactor, &e))?;
    // One menu per language: English for everyone, German for German Telegram apps.
    for (code, menu) in Command::menus(app.engine.scripts()) {
        let commands = with_retry(&app.retry, || {
            let request = bot.set_my_commands(menu.clone());
            match code {
                Some(code) => request.language_code(code).send(),
                None => request.send(),
            }
        })
        .await;
        if let Err(e) = commands {
            let error = app.redactor.error(&e);
            tracing::warn!(%error, code, "could not register the command menu (setMyCommands)");
        }
    }
    if !polling {
        return Ok(me);
    }
    match with_retry(&app.retry, || bot.get_webhook_info().send()).await {
        Ok(info) if info.url.is_some() => {
            tracing::info!("removing the webhook so that long polling receives updates");
            if let Err(e) = with_retry(&app.retry, || bot.delete_webhook().send()).await {
                let error = app.redactor.error(&e);
                tracing::warn!(%error, "could not remove the webhook");
            }
        }
        Ok(_) => {}
        Err(e) => {
            let error = app.redactor.error(&e);
            tracing::warn!(%error, "could not check for a webhook");
        }
    }
    Ok(me)
}

/// Drives dispatching until it ends by itself or `shutdown` completes; then shuts down in
/// the order of the module docs, within `STOP_BUDGET`. A shutdown that comes while the
/// dispatcher is still starting is retried until it takes.
async fn until_shutdown<F>(
    dispatching: F,
    token: &ShutdownToken,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
    app: &App,
    reminders: Reminders,
) -> Result<(), RequestError>
where
    F: Future<Output = Result<(), RequestError>>,
{
    tokio::pin!(dispatching);
    tokio::select! {
        ended = &mut dispatching => {
            stop_reminders(app, reminders).await;
            return ended;
        }
        () = shutdown => {}
    }
    let signalled = tokio::time::Instant::now();
    let deadline = signalled + STOP_BUDGET;
    let [replies, reminders_queued] = app.pacer.queued();
    tracing::info!(
        replies,
        reminders = reminders_queued,
        "shutting down: stopping polling and reminders, finishing the updates in hand"
    );
    let reminders = stop_reminders(app, reminders);
    let grace = signalled + REPLY_GRACE;
    let dispatched = finish_updates(&mut dispatching, token, app, grace, deadline).await;
    if tokio::time::timeout_at(deadline + SHUTDOWN_RECHECK, reminders)
        .await
        .is_err()
    {
        tracing::warn!("the reminder loop did not stop in time");
    }
    dispatched
}

/// Step 1 of a shutdown: queued reminders are given up (the loop un-claims them) and the loop
/// is told to stop; the returned future waits for it.
fn stop_reminders(app: &App, reminders: Reminders) -> impl Future<Output = ()> {
    app.pacer.close(Lane::Reminder);
    reminders.stop()
}

/// Step 2: stops polling and waits for the updates in hand; replies may wait for Telegram's
/// limits until `REPLY_GRACE` has passed, then what still waits is given up; past `deadline`
/// the dispatcher is left behind.
async fn finish_updates<F>(
    dispatching: &mut Pin<&mut F>,
    token: &ShutdownToken,
    app: &App,
    grace: tokio::time::Instant,
    deadline: tokio::time::Instant,
) -> Result<(), RequestError>
where
    F: Future<Output = Result<(), RequestError>>,
{
    while token.shutdown().is_err() {
        // Idle: still starting (or already finished); let it run a moment and try again.
        if let Ok(ended) = tokio::time::timeout(SHUTDOWN_RECHECK, dispatching.as_mut()).await {
            return ended;
        }
    }
    if let Ok(ended) = tokio::time::timeout_at(grace, dispatching.as_mut()).await {
        return ended;
    }
    let [replies, _] = app.pacer.queued();
    tracing::warn!(
        replies,
        "shutting down: replies still waiting for Telegram's limits are given up"
    );
    app.pacer.close(Lane::Reply);
    match tokio::time::timeout_at(deadline, dispatching.as_mut()).await {
        Ok(ended) => ended,
        Err(_) => {
            tracing::warn!("shutting down: the updates in hand did not finish in time");
            Ok(())
        }
    }
}

/// Closes both lanes: nothing more is sent, and the pacer's task ends.
fn close_pacer(app: &App) {
    app.pacer.close(Lane::Reminder);
    app.pacer.close(Lane::Reply);
}

/// The reminder loop, running beside the dispatcher until `stop`.
struct Reminders {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Reminders {
    /// Tells the loop to stop at once; the future waits for it (a batch being sent ends as
    /// soon as its sends in flight are answered, when the reminder lane is closed).
    fn stop(self) -> impl Future<Output = ()> {
        let _ = self.stop.send(());
        async move {
            if let Err(e) = self.task.await {
                tracing::error!(error = %e, "the reminder loop failed");
            }
        }
    }
}

/// Starts the scheduler's loop: it ticks, hands due reminders to `remind::deliver`, and
/// sleeps until the next one is due or a reminder changes.
fn spawn_reminders(bot: &TgBot, app: &Arc<App>) -> Reminders {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduler = Arc::clone(app.engine.scheduler());
    let clock = Arc::clone(&app.clock);
    let (bot, app) = (bot.clone(), Arc::clone(app));
    let deliver = move |users| super::remind::deliver(bot.clone(), Arc::clone(&app), users);
    let task = tokio::spawn(scheduler.run(clock, deliver, async move {
        let _ = stopped.await;
    }));
    Reminders { stop, task }
}

/// Writes everything to disk, off the async threads.
async fn flush(engine: &Arc<Engine>) -> Result<(), TelegramError> {
    let engine = Arc::clone(engine);
    tokio::task::spawn_blocking(move || engine.store().flush())
        .await
        .map_err(|e| TelegramError::Flush(e.to_string()))?
        .map_err(|e| TelegramError::Flush(e.to_string()))
}

/// The bot for `settings` (its Bot API server, when one is set) and the redactor for its
/// token; `run` and the `webhook` subcommands share it.
pub(super) fn bot_for(settings: &TelegramSettings) -> Result<(Bot, Redactor), TelegramError> {
    let mut bot = Bot::new(settings.token.expose());
    if let Some(url) = &settings.api_url {
        let parsed = parse_url(url).map_err(|reason| TelegramError::ApiUrl {
            url: url.clone(),
            reason,
        })?;
        bot = bot.set_api_url(parsed);
    }
    Ok((bot, Redactor::new(settings.token.expose())))
}

/// A failed Bot API call, as an error that says what to check.
pub(super) fn called(redactor: &Redactor, error: &RequestError) -> TelegramError {
    match error {
        RequestError::Api(ApiError::InvalidToken) => TelegramError::Token,
        e => TelegramError::Connect(redactor.error(e)),
    }
}

/// Parses the API URL into whatever URL type teloxide takes (reqwest's), without naming it.
pub(super) fn parse_url<U>(url: &str) -> Result<U, String>
where
    U: FromStr,
    U::Err: std::fmt::Display,
{
    url.parse::<U>().map_err(|e| e.to_string())
}

/// Logs errors from handlers and from polling with the token redacted (teloxide's own
/// `LoggingErrorHandler` prints the request URL, token included).
struct LogErrors {
    redactor: Redactor,
    context: &'static str,
}

impl LogErrors {
    fn new(redactor: &Redactor, context: &'static str) -> Arc<Self> {
        Arc::new(LogErrors {
            redactor: redactor.clone(),
            context,
        })
    }
}

impl<E: std::fmt::Display> ErrorHandler<E> for LogErrors {
    fn handle_error(self: Arc<Self>, error: E) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let error = self.redactor.error(&error);
        tracing::error!(context = self.context, %error, "Telegram transport error");
        Box::pin(async {})
    }
}
