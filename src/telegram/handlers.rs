//! One small async function per kind of update, as `schema()` routes them. Each maps the
//! update to an Engine `Input`, runs the Engine off the async threads, and hands the replies
//! to the `Outbox`.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::requests::Request;

use super::commands::Command;
use super::outbox::{Outbox, Pressed};
use super::render::pressed_answer;
use super::send::with_retry;
use super::{App, HandlerResult, TgBot};
use crate::engine::{Input, Reply};
use crate::model::Language;
use crate::script::Text;
use crate::store::UserId;

/// A command, from the menu or typed: the Engine reads it as the text it stands for.
pub async fn command(bot: TgBot, app: Arc<App>, msg: Message, cmd: Command) -> HandlerResult {
    converse(&bot, &app, &msg, cmd.to_input()).await
}

/// Typed text: an answer, a question ("what can I do today?"), or an unknown /command.
pub async fn text(bot: TgBot, app: Arc<App>, msg: Message, text: String) -> HandlerResult {
    converse(&bot, &app, &msg, Input::Text(text)).await
}

/// A sticker, photo, voice note, location...: the Engine says what it understands.
pub async fn unsupported(bot: TgBot, app: Arc<App>, msg: Message) -> HandlerResult {
    converse(&bot, &app, &msg, Input::Unsupported).await
}

/// A pressed inline button. The press is answered first, so the button stops spinning
/// whatever happens next.
pub async fn button(bot: TgBot, app: Arc<App>, q: CallbackQuery) -> HandlerResult {
    let turn = crate::metrics::Turn::start();
    let answered = with_retry(&app.retry, || {
        bot.answer_callback_query(q.id.clone()).send()
    })
    .await;
    if let Err(e) = answered {
        let error = app.redactor.error(&e);
        tracing::debug!(%error, "could not answer a button press");
    }
    let Some(data) = q.data.clone() else {
        return Ok(());
    };
    let message = q.regular_message();
    if message.is_some_and(|m| !m.chat.is_private()) {
        // The bot sends no buttons outside private chats; nothing here to act on.
        return Ok(());
    }
    let chat = message.map_or_else(|| ChatId::from(q.from.id), |m| m.chat.id);
    let tick = app.engine.script().text(Text::Tick).to_string();
    let pressed = message.map(|m| Pressed {
        message_id: m.id,
        text: m.text().unwrap_or_default().to_string(),
        answer: m
            .reply_markup()
            .and_then(|kb| pressed_answer(kb, &data, &tick)),
    });
    let user = q.from.id.0;
    let replies = app.turn(user, Input::Button(data), language(&q.from)).await;
    let outbox = Outbox {
        bot: &bot,
        app: &app,
        chat,
        user: Some(user),
    };
    let delivered = outbox.deliver(replies, pressed).await;
    turn.done();
    delivered
}

/// A message in a group, supergroup or channel: said once per chat (and process) that the
/// bot works in private chats only. Nothing reaches the Engine, so nothing is stored.
pub async fn group_chat(bot: TgBot, app: Arc<App>, msg: Message) -> HandlerResult {
    crate::metrics::METRICS.updates.inc();
    if !app.first_word_in(msg.chat.id) {
        return Ok(());
    }
    let hint = msg.from.as_ref().and_then(language);
    let script = app.engine.scripts().get(hint.unwrap_or_default());
    let text = script.text(Text::GroupChat).to_string();
    let outbox = Outbox {
        bot: &bot,
        app: &app,
        chat: msg.chat.id,
        user: None,
    };
    outbox.deliver(vec![Reply::text(text)], None).await
}

/// Updates the bot does not act on (edited messages, service messages, chat member
/// changes...): noted in the debug log only.
pub async fn ignore(update: Update) -> HandlerResult {
    tracing::debug!(update = update.id.0, "update ignored");
    crate::metrics::METRICS.updates.inc();
    Ok(())
}

/// One turn in a private chat: the sender's input to the Engine, the replies back.
async fn converse(bot: &TgBot, app: &Arc<App>, msg: &Message, input: Input) -> HandlerResult {
    let turn = crate::metrics::Turn::start();
    let Some(user) = sender(msg) else {
        return Ok(());
    };
    let hint = msg.from.as_ref().and_then(language);
    let replies = app.turn(user, input, hint).await;
    let outbox = Outbox {
        bot,
        app,
        chat: msg.chat.id,
        user: Some(user),
    };
    let delivered = outbox.deliver(replies, None).await;
    turn.done();
    delivered
}

/// The language a Telegram user's app is set to, when it says.
fn language(user: &teloxide::types::User) -> Option<Language> {
    user.language_code.as_deref().map(Language::from_code)
}

/// Who wrote a private message (in a private chat, the chat id is the user id).
fn sender(msg: &Message) -> Option<UserId> {
    match &msg.from {
        Some(user) if !user.is_bot => Some(user.id.0),
        Some(_) => None,
        None => u64::try_from(msg.chat.id.0).ok(),
    }
}
