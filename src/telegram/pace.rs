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

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use teloxide::adaptors::throttle::Limits;
use tokio::sync::{Notify, oneshot};
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
            if state.closed[lane as usize] {
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
        let now = Instant::now();
        let mut state = shared.lock();
        if let Some(t) = state.window.iter_mut().rev().find(|t| **t == granted.at) {
            *t = now;
        }
        if let Some(chat) = state.chats.get_mut(&granted.chat)
            && chat.last == Some(granted.at)
        {
            chat.tat += now.saturating_duration_since(granted.at);
            chat.last = Some(now);
        }
    }

    /// Telegram answered 429 with `retry_after`: nothing more goes to `chat`, nor (since a 429
    /// does not say which limit it is for) to anyone, until it has passed.
    pub fn hold(&self, chat: i64, retry_after: Duration) {
        let Some(shared) = &self.shared else {
            return;
        };
        let now = Instant::now();
        let until = now + retry_after;
        let mut state = shared.lock();
        state.frozen = state.frozen.max(Some(until));
        let (interval, burst) = state.rules.chat(chat);
        let entry = state
            .chats
            .entry(chat)
            .or_insert_with(|| Chat::new(now, interval, burst));
        entry.frozen = entry.frozen.max(Some(until));
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
                LANES.map(|lane| {
                    state
                        .chats
                        .values()
                        .map(|c| c.queues[lane as usize].len())
                        .sum()
                })
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
            (next, state.closed.iter().all(|&c| c))
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

/// One chat's bucket, hold and queues.
struct Chat {
    /// The bucket as a "theoretical arrival time" (GCRA): a send is allowed at `t` when
    /// `t + tolerance >= tat`; each send moves `tat` on by one spacing.
    tat: Instant,
    /// The chat's spacing and how far ahead of `tat` a send may go (`(burst - 1)` spacings).
    interval: Duration,
    tolerance: Duration,
    /// A 429 holds the chat until then.
    frozen: Option<Instant>,
    /// When its latest send was granted (see `Pacer::answered`).
    last: Option<Instant>,
    /// Who waits, per lane, in order.
    queues: [VecDeque<oneshot::Sender<Instant>>; 2],
    /// Whether the chat's lane is in that lane's ring or in the sleeping heap.
    scheduled: [bool; 2],
}

impl Chat {
    fn new(now: Instant, interval: Duration, burst: u32) -> Chat {
        Chat {
            tat: now,
            interval,
            tolerance: interval.saturating_mul(burst.saturating_sub(1)),
            frozen: None,
            last: None,
            queues: [VecDeque::new(), VecDeque::new()],
            scheduled: [false, false],
        }
    }

    /// The earliest instant the chat may get its next message.
    fn ready_at(&self, now: Instant) -> Instant {
        let bucket = if now + self.tolerance >= self.tat {
            now
        } else {
            self.tat - self.tolerance
        };
        bucket.max(self.frozen.unwrap_or(now))
    }

    fn record(&mut self, now: Instant) {
        self.tat = self.tat.max(now) + self.interval;
        self.last = Some(now);
    }

    /// Nothing queued and the bucket full again: forgetting the chat changes nothing.
    fn idle(&self, now: Instant) -> bool {
        self.queues.iter().all(VecDeque::is_empty)
            && self.tat <= now
            && self.frozen.is_none_or(|f| f <= now)
    }
}

struct State {
    rules: Rules,
    chats: HashMap<i64, Chat>,
    /// Per lane, the chats whose turn it is, round robin.
    rings: [VecDeque<i64>; 2],
    /// Chats (and lane) waiting for their own bucket or hold, earliest first.
    sleeping: BinaryHeap<Reverse<(Instant, i64, Lane)>>,
    /// The instants of the sends of the last second: when each was granted, or once its
    /// answer came, when that was (the latest it can have reached Telegram).
    window: VecDeque<Instant>,
    /// A 429 holds every chat until then.
    frozen: Option<Instant>,
    /// When the driver last granted a queued send (see the module docs: queued sends go out
    /// one spacing apart).
    released: Option<Instant>,
    closed: [bool; 2],
    /// The map size that triggers the next sweep of idle chats.
    sweep_at: usize,
}

impl State {
    fn new(rules: Rules) -> State {
        State {
            rules,
            chats: HashMap::new(),
            rings: [VecDeque::new(), VecDeque::new()],
            sleeping: BinaryHeap::new(),
            window: VecDeque::new(),
            frozen: None,
            released: None,
            closed: [false, false],
            sweep_at: SWEEP_AT,
        }
    }

    /// When the overall rules next allow a send, if not now.
    fn overall_wait(&self, now: Instant) -> Option<Instant> {
        if let Some(until) = self.frozen.filter(|&u| u > now) {
            return Some(until);
        }
        let n = self.rules.overall_per_sec as usize;
        let span = WINDOW + self.rules.margin;
        let recent: Vec<Instant> = self
            .window
            .iter()
            .copied()
            .filter(|&t| t + span > now)
            .collect();
        if recent.len() >= n {
            let mut recent = recent;
            recent.sort_unstable();
            return Some(recent[recent.len() - n] + span);
        }
        None
    }

    /// When the queue may release its next send, if not now: one spacing (the window over
    /// `overall_per_sec`) after the last queued send it released.
    fn spacing_wait(&self, now: Instant) -> Option<Instant> {
        self.released
            .map(|t| t + self.spacing())
            .filter(|&t| t > now)
    }

    /// Whether the next queued send keeps the spacing: a reminder always (the reminders of a
    /// burst must leave a slot free every spacing for a reply), a reply only when a second's
    /// worth of chats are waiting (the bot is over the limit for good, not for a moment: a
    /// moment's queue goes as soon as the window allows, as fast as the rules allow).
    fn spaced(&self) -> bool {
        let replies = self.rings[Lane::Reply as usize].len();
        replies == 0 || replies >= self.rules.overall_per_sec as usize
    }

    fn spacing(&self) -> Duration {
        (WINDOW + self.rules.margin) / self.rules.overall_per_sec.max(1)
    }

    /// Notes a queued send released at `now`. The slot counts from the previous slot, not
    /// from `now`, while the queue keeps up: timers wake on whole milliseconds, and a
    /// spacing of 33.7 ms counted from each wake-up would become 34 ms, 1% below the limit.
    fn note_released(&mut self, now: Instant) {
        let spacing = self.spacing();
        self.released = Some(match self.released {
            Some(slot) if now < slot + spacing * 2 => slot + spacing,
            _ => now,
        });
    }

    /// Whether a new request may go at once: nothing queued ahead of it (no ring of its lane
    /// or a more urgent one waiting, nothing of its chat in its lane), its chat's bucket and
    /// the overall window allow it.
    fn may_go_now(&self, chat: i64, lane: Lane, now: Instant) -> bool {
        if self.rings[..=lane as usize].iter().any(|r| !r.is_empty()) {
            return false;
        }
        if self.overall_wait(now).is_some() {
            return false;
        }
        match self.chats.get(&chat) {
            Some(c) => c.queues[lane as usize].is_empty() && c.ready_at(now) <= now,
            None => true,
        }
    }

    /// Counts a send to `chat` at `now` (a grant without queueing).
    fn record(&mut self, chat: i64, now: Instant) {
        let (interval, burst) = self.rules.chat(chat);
        self.chats
            .entry(chat)
            .or_insert_with(|| Chat::new(now, interval, burst))
            .record(now);
        self.counted(now);
    }

    /// Counts a send at `now` in the overall window, and now and then forgets idle chats.
    fn counted(&mut self, now: Instant) {
        self.window.push_back(now);
        // Sends older than the window can no longer hold anything back.
        let span = WINDOW + self.rules.margin;
        self.window.retain(|&t| t + span > now);
        if self.chats.len() >= self.sweep_at {
            self.chats.retain(|_, c| !c.idle(now));
            self.sweep_at = (self.chats.len() * 2).max(SWEEP_AT);
        }
    }

    fn enqueue(&mut self, chat: i64, lane: Lane, tx: oneshot::Sender<Instant>, now: Instant) {
        let (interval, burst) = self.rules.chat(chat);
        let c = self
            .chats
            .entry(chat)
            .or_insert_with(|| Chat::new(now, interval, burst));
        c.queues[lane as usize].push_back(tx);
        if !c.scheduled[lane as usize] {
            c.scheduled[lane as usize] = true;
            let at = c.ready_at(now);
            self.schedule(chat, lane, at, now);
        }
    }

    /// Puts a chat's lane in line: in the ring if it may go now, else asleep until `at`.
    fn schedule(&mut self, chat: i64, lane: Lane, at: Instant, now: Instant) {
        if at <= now {
            self.rings[lane as usize].push_back(chat);
        } else {
            self.sleeping.push(Reverse((at, chat, lane)));
        }
    }

    /// Grants every send the rules allow at `now`, most urgent lane first and chats in turn;
    /// returns when to look again (None: nothing waits).
    fn release(&mut self, now: Instant) -> Option<Instant> {
        loop {
            while let Some(&Reverse((at, chat, lane))) = self.sleeping.peek() {
                if at > now {
                    break;
                }
                self.sleeping.pop();
                self.rings[lane as usize].push_back(chat);
            }
            let waiting = self.rings.iter().any(|r| !r.is_empty());
            if !waiting {
                return self.sleeping.peek().map(|Reverse((at, _, _))| *at);
            }
            let spaced = || self.spaced().then(|| self.spacing_wait(now)).flatten();
            if let Some(at) = self.overall_wait(now).or_else(spaced) {
                return Some(at);
            }
            if !self.grant_one(now) {
                return self.sleeping.peek().map(|Reverse((at, _, _))| *at);
            }
        }
    }

    /// Grants the next send in turn, if any chat in a ring may have one now.
    fn grant_one(&mut self, now: Instant) -> bool {
        for lane in LANES {
            let l = lane as usize;
            while let Some(id) = self.rings[l].pop_front() {
                let Some(chat) = self.chats.get_mut(&id) else {
                    continue;
                };
                while chat.queues[l].front().is_some_and(|tx| tx.is_closed()) {
                    chat.queues[l].pop_front();
                }
                if chat.queues[l].is_empty() {
                    chat.scheduled[l] = false;
                    continue;
                }
                let at = chat.ready_at(now);
                if at > now {
                    self.sleeping.push(Reverse((at, id, lane)));
                    continue;
                }
                let granted = chat.queues[l]
                    .pop_front()
                    .is_some_and(|tx| tx.send(now).is_ok());
                if !granted {
                    // Gave up between the check and the grant: the chat's next one, if any.
                    self.rings[l].push_front(id);
                    continue;
                }
                chat.record(now);
                let more = !chat.queues[l].is_empty();
                chat.scheduled[l] = more;
                let next = chat.ready_at(now);
                if more {
                    self.schedule(id, lane, next, now);
                }
                self.counted(now);
                self.note_released(now);
                return true;
            }
        }
        false
    }

    /// Drops everything waiting in `lane`; returns how many.
    fn close(&mut self, lane: Lane) -> usize {
        let l = lane as usize;
        self.closed[l] = true;
        self.rings[l].clear();
        self.sleeping.retain(|Reverse((_, _, q))| *q != lane);
        let mut dropped = 0;
        for chat in self.chats.values_mut() {
            dropped += chat.queues[l].len();
            chat.queues[l].clear();
            chat.scheduled[l] = false;
        }
        dropped
    }
}

#[cfg(test)]
mod tests;
