//! Daily reminders on Telegram: the scheduler's loop runs beside the dispatcher, and each due
//! reminder goes out through the pacer's reminder lane, behind every conversation reply, so
//! a burst of reminders at 07:00 never holds up a user who is talking to the bot.
//!
//! Up to `IN_FLIGHT` reminders wait for the pacer at once, queued in due order: far more
//! than Telegram's 30 a second needs, far fewer than a batch (the queue stays small). At
//! shutdown the pacer closes the reminder lane and the reminders not yet attempted come back
//! as unsent, for the scheduler to un-claim: they go out after the restart.

use std::sync::Arc;

use futures::StreamExt;
use teloxide::types::ChatId;

use super::outbox::Outbox;
use super::{App, HandlerError, TgBot};
use crate::store::UserId;

/// Reminders waiting for the pacer at once: a second of Telegram's 30 a second, twice over,
/// so that the pacer never waits for this loop.
const IN_FLIGHT: usize = 64;

/// How one reminder went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Sent,
    Failed,
    /// Not attempted: the bot is shutting down.
    Unsent,
}

/// Sends one batch of due reminders, in order, and tells the scheduler how each went: a
/// success resets the count of refusals; a 403 (the user blocked the bot) counts towards
/// turning reminders off; anything else is retried by the scheduler a little later. Returns
/// the users whose reminder was not attempted because the bot is shutting down.
pub async fn deliver(bot: TgBot, app: Arc<App>, users: Vec<UserId>) -> Vec<UserId> {
    let users: Vec<(UserId, ChatId)> = users
        .into_iter()
        .filter_map(|user| Some((user, ChatId(i64::try_from(user).ok()?))))
        .collect();
    // The blocked marks are cleared first, so that after the send a mark says whether this
    // reminder was refused (a stale mark must not count a delivered reminder as a 403).
    // Each reminder is written in its user's language, read at the same time.
    let engine = Arc::clone(&app.engine);
    let batch: Vec<UserId> = users.iter().map(|&(user, _)| user).collect();
    let cleared = tokio::task::spawn_blocking(move || {
        let mut messages = Vec::with_capacity(batch.len());
        for user in batch {
            if let Err(e) = engine.set_blocked(user, false) {
                tracing::warn!(user, error = %e, "could not clear the blocked mark");
            }
            let message = engine.reminder_for(user).unwrap_or_else(|e| {
                tracing::warn!(user, error = %e, "could not read the reminder's language");
                engine.reminder()
            });
            messages.push(message);
        }
        messages
    })
    .await;
    let messages = cleared.unwrap_or_else(|e| {
        tracing::error!(error = %e, "clearing the blocked marks failed");
        Vec::new()
    });
    let users: Vec<(UserId, ChatId, crate::engine::Reply)> = users
        .into_iter()
        .enumerate()
        .map(|(i, (user, chat))| {
            let message = messages
                .get(i)
                .cloned()
                .unwrap_or_else(|| app.engine.reminder());
            (user, chat, message)
        })
        .collect();

    let (bot, app_ref) = (&bot, &app);
    let sent: Vec<(UserId, Outcome)> = futures::stream::iter(users)
        .map(|(user, chat, message)| async move {
            let outbox = Outbox {
                bot,
                app: app_ref,
                chat,
                user: Some(user),
            };
            let sent = match outbox.deliver_reminder(message).await {
                Ok(()) => Outcome::Sent,
                Err(HandlerError::NotSent { .. }) => Outcome::Unsent,
                Err(e) => {
                    tracing::warn!(user, error = %e, "a reminder was not delivered; retried later");
                    Outcome::Failed
                }
            };
            (user, sent)
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    let unsent: Vec<UserId> = sent
        .iter()
        .filter(|(_, s)| *s == Outcome::Unsent)
        .map(|&(user, _)| user)
        .collect();

    let engine = Arc::clone(&app.engine);
    let now = app.clock.now();
    let recorded = tokio::task::spawn_blocking(move || {
        for (user, sent) in sent {
            if sent == Outcome::Unsent {
                continue;
            }
            if let Err(e) = record(&engine, user, sent == Outcome::Sent, now) {
                tracing::warn!(user, error = %e, "could not record a reminder delivery");
            }
        }
    })
    .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording the reminder deliveries failed");
    }
    unsent
}

/// Tells the scheduler how one delivery went.
fn record(
    engine: &crate::engine::Engine,
    user: UserId,
    ok: bool,
    now: jiff::Timestamp,
) -> Result<(), crate::store::StoreError> {
    let blocked = engine.store().profile(user)?.is_some_and(|p| p.blocked);
    let scheduler = engine.scheduler();
    match (ok, blocked) {
        (true, false) => {
            crate::metrics::METRICS.reminders.inc();
            scheduler.delivered(user)
        }
        (true, true) => scheduler.delivery_failed(user, true, now).map(|_| ()),
        (false, _) => scheduler.delivery_failed(user, false, now).map(|_| ()),
    }
}
