//! Sending one turn's replies to one chat: new messages with inline keyboards, the pressed
//! question edited to show its answer (or its ticks, for a multi-select toggle), files as
//! documents and photos. Every call goes through `send::with_retry`; a user who blocked the
//! bot is marked as such and nothing more is sent to them.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile, Message, MessageId};

use super::render::{caption, chosen, chunks, keyboard};
use super::send::{Class, classify, with_retry};
use super::{App, HandlerError, HandlerResult, TgBot};
use crate::engine::{Button, Reply};
use crate::script::Text;
use crate::store::UserId;

/// The bot's message whose button was pressed, as the press found it.
#[derive(Debug, Clone)]
pub struct Pressed {
    pub message_id: MessageId,
    /// The message text before the press (the question).
    pub text: String,
    /// What the press answered, as the user saw it (None: not a button of this message).
    pub answer: Option<String>,
}

/// Where one turn's replies go.
pub struct Outbox<'a> {
    pub bot: &'a TgBot,
    pub app: &'a App,
    pub chat: ChatId,
    /// The user to mark as blocked when Telegram refuses to deliver (None in groups).
    pub user: Option<UserId>,
}

/// Whether to go on sending after a failure.
enum Next {
    Continue,
    Stop,
}

impl Outbox<'_> {
    /// Delivers the replies in order. A press first edits the pressed message: in place for
    /// a multi-select toggle (`Reply::Update`), without its keyboard for a stale button, and
    /// with the chosen answer under the question otherwise.
    pub async fn deliver(&self, replies: Vec<Reply>, pressed: Option<Pressed>) -> HandlerResult {
        let mut in_place = None;
        if let Some(p) = pressed {
            let script = self.app.engine.script();
            let stale = replies.first().is_some_and(|r| {
                r.body() == script.text(Text::StaleButton)
                    || r.body() == script.text(Text::StaleIdle)
            });
            let has_update = replies.iter().any(|r| matches!(r, Reply::Update { .. }));
            let next = if has_update {
                in_place = Some(p.message_id);
                Next::Continue
            } else if stale {
                self.edit(p.message_id, None, &[]).await
            } else if let Some(answer) = &p.answer {
                let text = chosen(&p.text, answer, script.text(Text::Chosen));
                self.edit(p.message_id, Some(text), &[]).await
            } else {
                Next::Continue
            };
            if let Next::Stop = next {
                return Ok(());
            }
        }
        for reply in replies {
            let next = match reply {
                Reply::Update { text, buttons } => match in_place.take() {
                    Some(id) => self.edit(id, Some(text), &buttons).await,
                    None => self.message(&text, &buttons).await?,
                },
                Reply::Message { text, buttons } => self.message(&text, &buttons).await?,
                Reply::Document {
                    filename,
                    caption,
                    bytes,
                } => self.document(filename, &caption, bytes).await?,
                Reply::Photo { caption, bytes } => self.photo(&caption, bytes).await?,
            };
            if let Next::Stop = next {
                break;
            }
        }
        Ok(())
    }

    /// A new message (several, for a text over Telegram's limit; the keyboard goes last).
    async fn message(&self, text: &str, buttons: &[Vec<Button>]) -> Result<Next, HandlerError> {
        let parts = chunks(text);
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.into_iter().enumerate() {
            if part.trim().is_empty() {
                continue;
            }
            let markup = if i == last { keyboard(buttons) } else { None };
            let sent = with_retry(&self.app.retry, || async {
                let (text, markup) = (part.clone(), markup.clone());
                match &self.app.direct {
                    Some(bot) => send_text(bot, self.chat, text, markup).await,
                    None => send_text(self.bot, self.chat, text, markup).await,
                }
            })
            .await;
            if let Next::Stop = self.sent("send a message", sent).await? {
                return Ok(Next::Stop);
            }
        }
        Ok(Next::Continue)
    }

    /// A file to download (/export).
    async fn document(
        &self,
        filename: String,
        text: &str,
        bytes: Vec<u8>,
    ) -> Result<Next, HandlerError> {
        let text = caption(text);
        let sent = with_retry(&self.app.retry, || {
            let file = InputFile::memory(bytes.clone()).file_name(filename.clone());
            self.bot
                .send_document(self.chat, file)
                .caption(text.clone())
                .send()
        })
        .await;
        self.sent("send a document", sent).await
    }

    /// A picture (PNG).
    async fn photo(&self, text: &str, bytes: Vec<u8>) -> Result<Next, HandlerError> {
        let text = caption(text);
        let sent = with_retry(&self.app.retry, || {
            let file = InputFile::memory(bytes.clone()).file_name("backcheck.png");
            self.bot
                .send_photo(self.chat, file)
                .caption(text.clone())
                .send()
        })
        .await;
        self.sent("send a photo", sent).await
    }

    /// Edits a message: its text (when given) and its keyboard (none removes it). An edit
    /// that fails leaves an untidy transcript, not a broken conversation, so it is logged
    /// and the turn goes on.
    async fn edit(&self, id: MessageId, text: Option<String>, buttons: &[Vec<Button>]) -> Next {
        let markup = keyboard(buttons);
        let result = match text {
            Some(text) => with_retry(&self.app.retry, || {
                let request = self.bot.edit_message_text(self.chat, id, text.clone());
                match markup.clone() {
                    Some(kb) => request.reply_markup(kb).send(),
                    None => request.send(),
                }
            })
            .await
            .map(drop),
            None => with_retry(&self.app.retry, || {
                self.bot.edit_message_reply_markup(self.chat, id).send()
            })
            .await
            .map(drop),
        };
        match result {
            Ok(()) => Next::Continue,
            Err(e) if classify(&e) == Class::Unreachable => self.unreachable().await,
            Err(e) => {
                let error = self.app.redactor.error(&e);
                tracing::debug!(chat = self.chat.0, %error, "could not edit a message");
                Next::Continue
            }
        }
    }

    /// What a send's outcome means for the rest of the turn.
    async fn sent<T>(
        &self,
        what: &'static str,
        result: Result<T, RequestError>,
    ) -> Result<Next, HandlerError> {
        match result {
            Ok(_) => {
                crate::metrics::METRICS.replies.inc();
                Ok(Next::Continue)
            }
            Err(e) if classify(&e) == Class::Unreachable => Ok(self.unreachable().await),
            // Telegram delivered it and only its answer was unreadable: the rest of the turn
            // (the next question, say) must still follow.
            Err(e) if classify(&e) == Class::Delivered => {
                let error = self.app.redactor.error(&e);
                tracing::warn!(chat = self.chat.0, what, %error, "delivered, answer unreadable");
                Ok(Next::Continue)
            }
            Err(e) => Err(HandlerError::Telegram {
                what,
                chat: self.chat.0,
                detail: self.app.redactor.error(&e),
            }),
        }
    }

    /// The user blocked the bot: remember it (no more reminders) and stop writing.
    async fn unreachable(&self) -> Next {
        tracing::info!(
            chat = self.chat.0,
            "the user blocked the bot; marked inactive"
        );
        if let Some(user) = self.user {
            self.app.set_blocked(user, true).await;
        }
        Next::Stop
    }
}

/// One text message, through `Throttle` or (limits off) the plain bot.
async fn send_text<B: Requester<Err = RequestError>>(
    bot: &B,
    chat: ChatId,
    text: String,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<Message, RequestError> {
    let request = bot.send_message(chat, text);
    match markup {
        Some(kb) => request.reply_markup(kb).send().await,
        None => request.send().await,
    }
}
