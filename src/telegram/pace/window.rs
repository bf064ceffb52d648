//! The overall rule's sliding window: the instants of the sends of the last second, oldest
//! first, so that the rule's next free instant is read off, not sorted out, on every permit.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// At most `limit` sends in any span of `span`.
pub(super) struct Window {
    /// When each send was granted or, once its answer came, when that was (the latest it can
    /// have reached Telegram). Sorted, oldest first.
    times: VecDeque<Instant>,
    span: Duration,
    limit: usize,
}

impl Window {
    pub(super) fn new(span: Duration, limit: u32) -> Window {
        Window {
            times: VecDeque::new(),
            span,
            limit: usize::try_from(limit).unwrap_or(usize::MAX).max(1),
        }
    }

    /// When the window next has room, if it is full at `now`: the moment the oldest of the
    /// last `limit` sends leaves it.
    pub(super) fn full_until(&self, now: Instant) -> Option<Instant> {
        let expired = self.times.partition_point(|&t| t + self.span <= now);
        let live = self.times.len() - expired;
        (live >= self.limit).then(|| self.times[self.times.len() - self.limit] + self.span)
    }

    /// Counts a send at `at`, and forgets the sends that can no longer hold anything back.
    pub(super) fn push(&mut self, at: Instant) {
        while self.times.front().is_some_and(|&t| t + self.span <= at) {
            self.times.pop_front();
        }
        self.insert(at);
    }

    /// The send counted at `granted` reached Telegram by `now` at the latest: it counts from
    /// then. Nothing happens if it already left the window.
    pub(super) fn moved(&mut self, granted: Instant, now: Instant) {
        if let Some(i) = self.times.iter().rposition(|&t| t == granted) {
            self.times.remove(i);
            self.insert(now);
        }
    }

    /// Inserts in order. Instants are read under the pacer's lock, so `at` is nearly always
    /// the newest and this is a push at the back.
    fn insert(&mut self, at: Instant) {
        let i = self.times.partition_point(|&t| t <= at);
        self.times.insert(i, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn full_until_is_when_the_oldest_of_the_last_limit_sends_leaves() {
        let t0 = Instant::now();
        let mut w = Window::new(1000 * MS, 3);
        for ms in [0, 100, 200] {
            w.push(t0 + ms * MS);
        }
        assert_eq!(w.full_until(t0 + 300 * MS), Some(t0 + 1000 * MS));
        // At 1000 ms the first has left: room again.
        assert_eq!(w.full_until(t0 + 1000 * MS), None);
        w.push(t0 + 1000 * MS);
        assert_eq!(w.full_until(t0 + 1000 * MS), Some(t0 + 1100 * MS));
    }

    #[test]
    fn a_moved_send_counts_from_its_answer_and_keeps_the_order() {
        let t0 = Instant::now();
        let mut w = Window::new(1000 * MS, 2);
        w.push(t0);
        w.push(t0 + 10 * MS);
        // The first send's answer came at 500 ms: the window is full until the second leaves
        // (1010 ms), then until the moved first one leaves (1500 ms).
        w.moved(t0, t0 + 500 * MS);
        assert_eq!(w.full_until(t0 + 600 * MS), Some(t0 + 1010 * MS));
        w.push(t0 + 1010 * MS);
        assert_eq!(w.full_until(t0 + 1010 * MS), Some(t0 + 1500 * MS));
        // Moving an instant that is not there changes nothing.
        w.moved(t0 + 7 * MS, t0 + 1200 * MS);
        assert_eq!(w.full_until(t0 + 1010 * MS), Some(t0 + 1500 * MS));
    }

    #[test]
    fn a_limit_of_zero_is_read_as_one() {
        let t0 = Instant::now();
        let mut w = Window::new(1000 * MS, 0);
        assert_eq!(w.full_until(t0), None);
        w.push(t0);
        assert_eq!(w.full_until(t0), Some(t0 + 1000 * MS));
    }
}
