//! Sending one turn's replies to one chat: new messages with inline keyboards, the pressed
//! question edited to show its answer (or its ticks, for a multi-select toggle), files as
//! documents and photos. Messages, documents and photos wait for the pacer
//! (`send::with_pacing`, replies ahead of reminders); edits go through `send::with_retry`. A
//! user who blocked the bot is marked as such and nothing more is sent to them.
//!
//! A text-only message followed by another message goes out as one message (the two texts
//! with a blank line between, the second's buttons) when that fits Telegram's 4,096
//! characters: the check-in's intro and its first question, the "All set" summary and the
//! check-in offer. Each message beyond a chat's burst costs the user a second.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile, Message, MessageId};

use super::pace::Lane;
use super::render::{MAX_TEXT, caption, chosen, chunks, keyboard};
use super::send::{Class, PacedError, classify, with_pacing, with_retry};
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
        self.deliver_in(Lane::Reply, replies, pressed).await
    }

    /// Delivers a reminder: it waits behind every conversation reply. `Err(NotSent)` when the
    /// bot shut down before it was attempted.
    pub async fn deliver_reminder(&self, reminder: Reply) -> HandlerResult {
        self.deliver_in(Lane::Reminder, vec![reminder], None).await
    }

    async fn deliver_in(
        &self,
        lane: Lane,
        replies: Vec<Reply>,
        pressed: Option<Pressed>,
    ) -> HandlerResult {
        let mut in_place = None;
        let mut pressed_text = None;
        if let Some(p) = pressed {
            let script = self.app.engine.script();
            // In whichever language the user is spoken to.
            let stale = replies.first().is_some_and(|r| {
                self.app.engine.scripts().iter().any(|(_, s)| {
                    r.body() == s.text(Text::StaleButton) || r.body() == s.text(Text::StaleIdle)
                })
            });
            let has_update = replies.iter().any(|r| matches!(r, Reply::Update { .. }));
            let next = if has_update {
                in_place = Some(p.message_id);
                pressed_text = Some(p.text.clone());
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
        for reply in coalesce(replies) {
            let next = match reply {
                Reply::Update { text, buttons } => match in_place.take() {
                    Some(id) => {
                        let text = keep_intro(pressed_text.take(), text);
                        self.edit(id, Some(text), &buttons).await
                    }
                    None => self.message(lane, &text, &buttons).await?,
                },
                Reply::Message { text, buttons } => self.message(lane, &text, &buttons).await?,
                Reply::Document {
                    filename,
                    caption,
                    bytes,
                } => self.document(lane, filename, &caption, bytes).await?,
                Reply::Photo { caption, bytes } => self.photo(lane, &caption, bytes).await?,
            };
            if let Next::Stop = next {
                break;
            }
        }
        Ok(())
    }

    /// A new message (several, for a text over Telegram's limit; the keyboard goes last).
    async fn message(
        &self,
        lane: Lane,
        text: &str,
        buttons: &[Vec<Button>],
    ) -> Result<Next, HandlerError> {
        let parts = chunks(text);
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.into_iter().enumerate() {
            if part.trim().is_empty() {
                continue;
            }
            let markup = if i == last { keyboard(buttons) } else { None };
            let sent = self
                .paced(lane, || {
                    send_text(self.bot, self.chat, part.clone(), markup.clone())
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
        lane: Lane,
        filename: String,
        text: &str,
        bytes: Vec<u8>,
    ) -> Result<Next, HandlerError> {
        let text = caption(text);
        let sent = self
            .paced(lane, || {
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
    async fn photo(&self, lane: Lane, text: &str, bytes: Vec<u8>) -> Result<Next, HandlerError> {
        let text = caption(text);
        let sent = self
            .paced(lane, || {
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

    /// A counted send in `lane`, paced and retried.
    async fn paced<T, F, Fut>(&self, lane: Lane, call: F) -> Result<T, PacedError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        with_pacing(&self.app.retry, &self.app.pacer, self.chat, lane, call).await
    }

    /// What a send's outcome means for the rest of the turn.
    async fn sent<T>(
        &self,
        what: &'static str,
        result: Result<T, PacedError>,
    ) -> Result<Next, HandlerError> {
        let result = match result {
            Ok(value) => Ok(value),
            Err(PacedError::Telegram(e)) => Err(e),
            Err(PacedError::Closed) => {
                return Err(HandlerError::NotSent {
                    what,
                    chat: self.chat.0,
                });
            }
        };
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

/// One text message.
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

/// The text of a message updated in place: a question sent with an intro folded in (see
/// `coalesce`) keeps its intro when the update only re-asks it (a multi-select toggle).
fn keep_intro(pressed: Option<String>, text: String) -> String {
    match pressed {
        Some(old) if old.len() > text.len() && old.ends_with(&format!("\n\n{text}")) => old,
        _ => text,
    }
}

/// Folds each text-only message into the message after it when the two fit in one
/// (a blank line between; the second one's buttons). Updates, files and pictures stay apart.
fn coalesce(replies: Vec<Reply>) -> Vec<Reply> {
    let mut out: Vec<Reply> = Vec::with_capacity(replies.len());
    for reply in replies {
        if let (
            Some(Reply::Message {
                text: first,
                buttons: none,
            }),
            Reply::Message { text, .. },
        ) = (out.last_mut(), &reply)
            && none.is_empty()
            && !first.trim().is_empty()
            && first.chars().count() + 2 + text.chars().count() <= MAX_TEXT
        {
            let Reply::Message { text, buttons } = reply else {
                continue;
            };
            first.push_str("\n\n");
            first.push_str(&text);
            *none = buttons;
            continue;
        }
        out.push(reply);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Button;

    fn ask(text: &str) -> Reply {
        Reply::Message {
            text: text.into(),
            buttons: vec![vec![Button {
                label: "Yes".into(),
                data: "y".into(),
            }]],
        }
    }

    #[test]
    fn a_text_only_message_joins_the_next_one() {
        let out = coalesce(vec![Reply::text("Let's check in."), ask("How much?")]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].body(), "Let's check in.\n\nHow much?");
        assert_eq!(out[0].buttons().len(), 1, "the question keeps its buttons");

        let out = coalesce(vec![
            Reply::text("All set."),
            Reply::text("Saved."),
            ask("Check in now?"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].body(), "All set.\n\nSaved.\n\nCheck in now?");
    }

    #[test]
    fn a_toggle_keeps_the_intro_of_its_question() {
        let asked = "Hi.\n\nWhich activities?".to_string();
        let kept = keep_intro(Some(asked.clone()), "Which activities?".into());
        assert_eq!(kept, asked);
        let changed = keep_intro(Some(asked), "Something else?".into());
        assert_eq!(changed, "Something else?");
        assert_eq!(keep_intro(None, "Q?".into()), "Q?");
    }

    #[test]
    fn buttons_files_updates_and_long_texts_stay_apart() {
        let out = coalesce(vec![ask("First?"), ask("Second?")]);
        assert_eq!(out.len(), 2, "a message with buttons ends its message");

        let long = "x".repeat(MAX_TEXT - 10);
        let out = coalesce(vec![
            Reply::text(long.clone()),
            ask("A question of 20 chars"),
        ]);
        assert_eq!(out.len(), 2, "together they would pass 4,096 characters");
        assert_eq!(out[0].body(), long);

        let photo = Reply::Photo {
            caption: "Chart".into(),
            bytes: vec![1],
        };
        let update = Reply::Update {
            text: "Ticked".into(),
            buttons: Vec::new(),
        };
        let out = coalesce(vec![Reply::text("Here:"), photo, update, ask("Next?")]);
        assert_eq!(out.len(), 4);
    }
}
