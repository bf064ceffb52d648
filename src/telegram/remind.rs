//! Daily reminders on Telegram: the scheduler's loop runs beside the dispatcher, and each due
//! reminder goes out through the same Throttle-d bot as every other message, in due order.

use std::sync::Arc;

use teloxide::types::ChatId;

use super::outbox::Outbox;
use super::{App, TgBot};
use crate::store::UserId;

/// Sends one batch of due reminders, in order, and tells the scheduler how each went: a
/// success resets the count of refusals; a 403 (the user blocked the bot) counts towards
/// turning reminders off; anything else is retried by the scheduler a little later.
pub async fn deliver(bot: TgBot, app: Arc<App>, users: Vec<UserId>) {
    for user in users {
        let Ok(chat) = i64::try_from(user).map(ChatId) else {
            continue;
        };
        let outbox = Outbox {
            bot: &bot,
            app: &app,
            chat,
            user: Some(user),
        };
        // The blocked mark is cleared first, so that after the send it says whether this
        // reminder was refused (a stale mark must not count a delivered reminder as a 403).
        let engine = Arc::clone(&app.engine);
        let cleared = tokio::task::spawn_blocking(move || engine.set_blocked(user, false)).await;
        if let Ok(Err(e)) = cleared {
            tracing::warn!(user, error = %e, "could not clear the blocked mark");
        }
        let sent = outbox.deliver(vec![app.engine.reminder()], None).await;
        let ok = sent.is_ok();
        let engine = Arc::clone(&app.engine);
        let now = app.clock.now();
        let recorded = tokio::task::spawn_blocking(move || {
            let blocked = engine.store().profile(user)?.is_some_and(|p| p.blocked);
            let scheduler = engine.scheduler();
            match (ok, blocked) {
                (true, false) => scheduler.delivered(user),
                (true, true) => scheduler.delivery_failed(user, true, now).map(|_| ()),
                (false, _) => scheduler.delivery_failed(user, false, now).map(|_| ()),
            }
        })
        .await;
        match recorded {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(user, error = %e, "could not record a reminder delivery"),
            Err(e) => tracing::error!(user, error = %e, "recording a reminder delivery failed"),
        }
        if let Err(e) = sent {
            tracing::warn!(user, error = %e, "a reminder was not delivered; retried later");
        }
    }
}
