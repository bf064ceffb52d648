//! The pacer's state behind its lock: each chat's bucket and queues, the lanes' rings, the
//! overall window, and the release of what waits (see the parent module for the rules).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::window::Window;
use super::{LANES, Lane, Rules, SWEEP_AT, WINDOW};

/// One chat's bucket, hold and queues.
pub(super) struct Chat {
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

pub(super) struct State {
    rules: Rules,
    chats: HashMap<i64, Chat>,
    /// Per lane, the chats whose turn it is, round robin.
    rings: [VecDeque<i64>; 2],
    /// Chats (and lane) waiting for their own bucket or hold, earliest first.
    sleeping: BinaryHeap<Reverse<(Instant, i64, Lane)>>,
    /// The sends of the last second, for the overall rule.
    window: Window,
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
    pub(super) fn new(rules: Rules) -> State {
        State {
            rules,
            chats: HashMap::new(),
            rings: [VecDeque::new(), VecDeque::new()],
            sleeping: BinaryHeap::new(),
            window: Window::new(WINDOW + rules.margin, rules.overall_per_sec),
            frozen: None,
            released: None,
            closed: [false, false],
            sweep_at: SWEEP_AT,
        }
    }

    /// When the overall rules next allow a send, if not now.
    fn overall_wait(&self, now: Instant) -> Option<Instant> {
        match self.frozen.filter(|&u| u > now) {
            Some(until) => Some(until),
            None => self.window.full_until(now),
        }
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
    pub(super) fn may_go_now(&self, chat: i64, lane: Lane, now: Instant) -> bool {
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
    pub(super) fn record(&mut self, chat: i64, now: Instant) {
        let (interval, burst) = self.rules.chat(chat);
        self.chats
            .entry(chat)
            .or_insert_with(|| Chat::new(now, interval, burst))
            .record(now);
        self.counted(now);
    }

    /// Counts a send at `now` in the overall window, and now and then forgets idle chats.
    fn counted(&mut self, now: Instant) {
        self.window.push(now);
        if self.chats.len() >= self.sweep_at {
            self.chats.retain(|_, c| !c.idle(now));
            self.sweep_at = (self.chats.len() * 2).max(SWEEP_AT);
        }
    }

    pub(super) fn enqueue(
        &mut self,
        chat: i64,
        lane: Lane,
        tx: oneshot::Sender<Instant>,
        now: Instant,
    ) {
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
    pub(super) fn release(&mut self, now: Instant) -> Option<Instant> {
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

    /// Whether both lanes are closed (the driver may end).
    pub(super) fn all_closed(&self) -> bool {
        self.closed.iter().all(|&c| c)
    }

    /// Whether `lane` is closed.
    pub(super) fn is_closed(&self, lane: Lane) -> bool {
        self.closed[lane as usize]
    }

    /// The send granted to `chat` at `granted` was answered at `now` (see `Pacer::answered`).
    pub(super) fn answered(&mut self, chat: i64, granted: Instant, now: Instant) {
        self.window.moved(granted, now);
        if let Some(chat) = self.chats.get_mut(&chat)
            && chat.last == Some(granted)
        {
            chat.tat += now.saturating_duration_since(granted);
            chat.last = Some(now);
        }
    }

    /// A 429 at `now`: `chat` and everyone wait until `until`.
    pub(super) fn hold(&mut self, chat: i64, until: Instant, now: Instant) {
        self.frozen = self.frozen.max(Some(until));
        let (interval, burst) = self.rules.chat(chat);
        let entry = self
            .chats
            .entry(chat)
            .or_insert_with(|| Chat::new(now, interval, burst));
        entry.frozen = entry.frozen.max(Some(until));
    }

    /// Sends waiting in `lane`.
    pub(super) fn queued(&self, lane: Lane) -> usize {
        self.chats
            .values()
            .map(|c| c.queues[lane as usize].len())
            .sum()
    }

    /// Drops everything waiting in `lane`; returns how many.
    pub(super) fn close(&mut self, lane: Lane) -> usize {
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
