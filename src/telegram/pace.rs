//! Telegram's flood limits, kept exactly and no tighter. A send waits only when a rule says
//! so, and only until the instant the rule allows it: that instant is computed, not found by
//! a periodic tick (teloxide's `Throttle` looked four times a second, so every message waited
//! 0-250 ms for nothing).
//!
//! The rules (`Rules`, from teloxide's `Limits`):
//! - a private chat gets `chat_burst` messages at once after a quiet spell, then one per
//!   `chat_interval` (a token bucket: Telegram allows "short bursts" over 1 a second);
//! - a group or channel one per `group_interval` (20 a minute), no burst;
//! - at most `overall_per_sec` messages in any one second, over all chats (a sliding window);
//! - a 429 holds its chat and the whole bot back for its `retry_after` (Telegram does not say
//!   which limit a 429 is for; teloxide's `Throttle` froze the whole bot too).
//!
//! What counts: sendMessage, sendPhoto and sendDocument, as under `Throttle` (its `send_*`
//! methods). Edits and answerCallbackQuery went past `Throttle` unthrottled and still do.
//!
//! Order, once a rule makes sends wait: conversation replies (`Lane::Reply`) always go before
//! reminders (`Lane::Reminder`), so 10,000 due reminders never hold up a reply; within a
//! lane the chats with something waiting take turns, one message each (round robin, not
//! first come first served), so a chat with many messages queued does not starve the others;
//! within a chat, messages keep their order.
//!
//! How: `permit` grants at once, with no task switch, when the chat's bucket and the overall
//! window allow it and nothing is queued ahead. Otherwise the request queues, and one driver
//! task releases the queue, sleeping until the earliest instant a rule allows the next send.
//!
//! Queued reminders, and queued replies once a second's worth of chats wait (the bot is over
//! the limit for good), are released evenly, one send per 1/30 of the window, not in clumps
//! of 30 whenever the window empties: a sliding window alone keeps the shape of its first
//! second for ever (30 sends in a few milliseconds, then a second of nothing), so a reply
//! that came just after a clump waited up to a second behind reminders, and a
//! second-by-second count of sends read 0 now and then. Spaced, a reply waits at most one
//! spacing (34 ms) for the next slot, and every second carries 29-30 sends. A short queue of
//! replies (a moment over the limit) goes as soon as the window allows; below the limit
//! nothing queues.

mod state;
mod window;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use teloxide::adaptors::throttle::Limits;
use tokio::sync::{Notify, oneshot};

use state::State;
use tokio::time::Instant;

/// Messages a private chat may get at once after a quiet spell. Telegram's rule is "about
/// one a second, short bursts allowed"; three covers a turn's question, answer line and plan.
pub const CHAT_BURST: u32 = 3;
/// The overall window: at most `overall_per_sec` sends in any span this long.
const WINDOW: Duration = Duration::from_secs(1);
/// Added to the window and to a chat's spacing: Telegram counts sends when they arrive, and
/// two sends a second apart here can arrive a few milliseconds closer together there.
pub const MARGIN: Duration = Duration::from_millis(10);
/// Idle chats are forgotten once the map holds at least this many (their buckets are full).
const SWEEP_AT: usize = 1024;

/// Which queue a send waits in: replies always go before reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// An answer to something a user just did.
    Reply = 0,
    /// A daily reminder.
    Reminder = 1,
}

const LANES: [Lane; 2] = [Lane::Reply, Lane::Reminder];

/// A send the pacer let go, to hand back to `Pacer::answered` when its answer comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    chat: i64,
    /// When it was granted.
    at: Instant,
}

/// The lane no longer sends: the bot is shutting down. Nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not sent: the bot is shutting down")]
pub struct Closed;

/// Telegram's limits as spacings and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Sends a private chat may get at once after a quiet spell.
    pub chat_burst: u32,
    /// The spacing of sends in a private chat once its burst is spent.
    pub chat_interval: Duration,
    /// The spacing of sends in a group or channel.
    pub group_interval: Duration,
    /// Sends in any one second, over all chats.
    pub overall_per_sec: u32,
    /// Added to every spacing and to the overall window (see `MARGIN`).
    pub margin: Duration,
}

impl Rules {
    /// The rules `limits` describe; `None` when they limit nothing (`u32::MAX` everywhere,
    /// `telegram.throttle = false`, load tests against a fake only).
    pub fn from_limits(limits: &Limits) -> Option<Rules> {
        let unlimited = limits.messages_per_sec_chat == u32::MAX
            && limits.messages_per_min_chat == u32::MAX
            && limits.messages_per_sec_overall == u32::MAX;
        if unlimited {
            return None;
        }
        let per = |span: Duration, n: u32| span / n.max(1);
        let second = Duration::from_secs(1);
        let minute = Duration::from_secs(60);
        Some(Rules {
            chat_burst: CHAT_BURST,
            chat_interval: per(second, limits.messages_per_sec_chat)
                .max(per(minute, limits.messages_per_min_chat)),
            group_interval: per(minute, limits.messages_per_min_channel_or_supergroup),
            overall_per_sec: limits.messages_per_sec_overall.max(1),
            margin: MARGIN,
        })
    }

    /// (spacing, burst) for a chat: groups and channels have negative ids.
    fn chat(&self, chat: i64) -> (Duration, u32) {
        if chat < 0 {
            (self.group_interval + self.margin, 1)
        } else {
            (self.chat_interval + self.margin, self.chat_burst.max(1))
        }
    }
}

/// The pacing of every counted send. Cheap to clone; all clones share one queue.
#[derive(Clone)]
pub struct Pacer {
    /// `None`: no limits at all.
    shared: Option<Arc<Shared>>,
    /// Which lanes are closed, for a pacer without limits (with limits, `State::closed`).
    closed: Arc<[AtomicBool; 2]>,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the driver: something was queued, or a lane closed.
    wake: Notify,
}

impl Pacer {
    /// A pacer keeping `rules` (`None`: sends never wait). Spawns its driver task on the
    /// current tokio runtime; the driver ends when both lanes are closed.
    pub fn new(rules: Option<Rules>) -> Pacer {
        let closed = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let Some(rules) = rules else {
            return Pacer {
                shared: None,
                closed,
            };
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(rules)),
            wake: Notify::new(),
        });
        tokio::spawn(drive(Arc::clone(&shared)));
        Pacer {
            shared: Some(shared),
            closed,
        }
    }

    /// Waits until a message to `chat` may be sent now, and counts it as sent. Err when
    /// `lane` is closed (shutdown): then nothing may be sent. Dropping the future gives the
    /// place up without using the chat's or the bot's allowance.
    pub async fn permit(&self, chat: i64, lane: Lane) -> Result<Granted, Closed> {
        let Some(shared) = &self.shared else {
            return match self.closed[lane as usize].load(Ordering::SeqCst) {
                true => Err(Closed),
                false => Ok(Granted {
                    chat,
                    at: Instant::now(),
                }),
            };
        };
        let waiting = {
            let mut state = shared.lock();
            if state.is_closed(lane) {
                return Err(Closed);
            }
            let now = Instant::now();
            if state.may_go_now(chat, lane, now) {
                state.record(chat, now);
                return Ok(Granted { chat, at: now });
            }
            let (tx, rx) = oneshot::channel();
            state.enqueue(chat, lane, tx, now);
            rx
        };
        shared.wake.notify_one();
        let at = waiting.await.map_err(|_| Closed)?;
        Ok(Granted { chat, at })
    }

    /// The answer to a granted send came (success or not): it reached Telegram by now at the
    /// latest, so the chat's spacing and the overall window count from now, not from the
    /// grant. Telegram counts arrivals; a send held up on its way (a busy machine, a slow
    /// connection) must not let the next one in too early.
    pub fn answered(&self, granted: Granted) {
        let Some(shared) = &self.shared else {
            return;
        };
        let mut state = shared.lock();
        // Read under the lock, so that the window's instants stay in order.
        let now = Instant::now();
        state.answered(granted.chat, granted.at, now);
    }

    /// Telegram answered 429 with `retry_after`: nothing more goes to `chat`, nor (since a 429
    /// does not say which limit it is for) to anyone, until it has passed.
    pub fn hold(&self, chat: i64, retry_after: Duration) {
        let Some(shared) = &self.shared else {
            return;
        };
        let now = Instant::now();
        let until = now + retry_after;
        shared.lock().hold(chat, until, now);
        tracing::warn!(
            chat,
            ?retry_after,
            "Telegram asked to slow down (429); holding sends back"
        );
    }

    /// Closes a lane: whatever waits in it gets `Closed` at once, and so does every later
    /// `permit` there. Sends already granted are not affected.
    pub fn close(&self, lane: Lane) {
        self.closed[lane as usize].store(true, Ordering::SeqCst);
        let Some(shared) = &self.shared else {
            return;
        };
        let dropped = shared.lock().close(lane);
        if dropped > 0 {
            tracing::info!(?lane, dropped, "shutting down: queued sends given up");
        }
        shared.wake.notify_one();
    }

    /// Whether `lane` is closed (shutting down).
    pub fn is_closed(&self, lane: Lane) -> bool {
        self.closed[lane as usize].load(Ordering::SeqCst)
    }

    /// Sends waiting in each lane (reply, reminder), for the shutdown log.
    pub fn queued(&self) -> [usize; 2] {
        match &self.shared {
            Some(shared) => {
                let state = shared.lock();
                LANES.map(|lane| state.queued(lane))
            }
            None => [0, 0],
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the queue half-changed in a way that
        // matters more than stopping every send would.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Releases queued sends as the rules allow, until both lanes are closed.
async fn drive(shared: Arc<Shared>) {
    loop {
        let (next, done) = {
            let mut state = shared.lock();
            let next = state.release(Instant::now());
            (next, state.all_closed())
        };
        if done {
            return;
        }
        match next {
            Some(at) => {
                tokio::select! {
                    () = shared.wake.notified() => {}
                    () = tokio::time::sleep_until(at) => {}
                }
            }
            None => shared.wake.notified().await,
        }
    }
}

#[cfg(test)]
mod tests;
