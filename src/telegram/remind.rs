//! Daily reminders on Telegram: the scheduler's loop runs beside the dispatcher, and each due
//! reminder goes out through the same Throttle-d bot as every other message, in due order.
//!
//! Throttle releases what is queued four times a second, up to Telegram's limits. A batch
//! sent one message after another would get one message through each time (four a second,
//! so a thousand reminders due at 07:00 would take four minutes); so up to `IN_FLIGHT`
//! reminders wait in its queue at once, queued in due order, enough for Telegram's 30 a
//! second. Conversations are not held up behind a burst: their replies join the same queue
//! behind at most `IN_FLIGHT` reminders, which is one release.

use std::sync::Arc;

use futures::StreamExt;
use teloxide::types::ChatId;

use super::outbox::Outbox;
use super::{App, TgBot};
use crate::store::UserId;

/// Reminders waiting for Throttle at once: Telegram's 30 messages a second at four releases
/// a second.
const IN_FLIGHT: usize = 8;

/// Sends one batch of due reminders, in order, and tells the scheduler how each went: a
/// success resets the count of refusals; a 403 (the user blocked the bot) counts towards
/// turning reminders off; anything else is retried by the scheduler a little later.
pub async fn deliver(bot: TgBot, app: Arc<App>, users: Vec<UserId>) {
    let users: Vec<(UserId, ChatId)> = users
        .into_iter()
        .filter_map(|user| Some((user, ChatId(i64::try_from(user).ok()?))))
        .collect();
    // The blocked marks are cleared first, so that after the send a mark says whether this
    // reminder was refused (a stale mark must not count a delivered reminder as a 403).
    let engine = Arc::clone(&app.engine);
    let batch: Vec<UserId> = users.iter().map(|&(user, _)| user).collect();
    let cleared = tokio::task::spawn_blocking(move || {
        for user in batch {
            if let Err(e) = engine.set_blocked(user, false) {
                tracing::warn!(user, error = %e, "could not clear the blocked mark");
            }
        }
    })
    .await;
    if let Err(e) = cleared {
        tracing::error!(error = %e, "clearing the blocked marks failed");
    }

    let (bot, app_ref) = (&bot, &app);
    let sent: Vec<(UserId, bool)> = futures::stream::iter(users)
        .map(|(user, chat)| async move {
            let outbox = Outbox {
                bot,
                app: app_ref,
                chat,
                user: Some(user),
            };
            let sent = outbox.deliver(vec![app_ref.engine.reminder()], None).await;
            if let Err(e) = &sent {
                tracing::warn!(user, error = %e, "a reminder was not delivered; retried later");
            }
            (user, sent.is_ok())
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;

    let engine = Arc::clone(&app.engine);
    let now = app.clock.now();
    let recorded = tokio::task::spawn_blocking(move || {
        for (user, ok) in sent {
            if let Err(e) = record(&engine, user, ok, now) {
                tracing::warn!(user, error = %e, "could not record a reminder delivery");
            }
        }
    })
    .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording the reminder deliveries failed");
    }
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
