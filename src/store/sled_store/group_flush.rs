//! Group commit: many turns that each need their writes on disk share one flush.
//!
//! A thousand users finishing their check-ins in the same second each ask for a durable
//! write. Flushed one after another, every turn waits for the flushes of all who asked
//! before it, and the threads that run turns fill up with waiters. Here a caller whose write
//! is done takes a ticket; if a flush is running, it waits for the next one, which starts
//! after its write and so covers it; a flush that starts takes in every ticket issued so far.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Tickets and flushes.
#[derive(Default)]
pub(super) struct GroupFlush {
    state: Mutex<State>,
    /// Signalled when a flush ends.
    ended: Condvar,
}

#[derive(Default)]
struct State {
    /// The last ticket handed out.
    issued: u64,
    /// Every ticket up to this one is on disk.
    done: u64,
    /// A flush is running (its caller is the leader).
    running: bool,
}

impl GroupFlush {
    /// Returns once a flush that started after this call began has succeeded; `flush` is the
    /// real flush, run by one caller at a time on behalf of all who are waiting.
    pub(super) fn flush<E>(&self, flush: impl Fn() -> Result<(), E>) -> Result<(), E> {
        let mut state = self.lock();
        state.issued += 1;
        let ticket = state.issued;
        loop {
            if state.done >= ticket {
                return Ok(());
            }
            if !state.running {
                state.running = true;
                let covers = state.issued;
                drop(state);
                let result = flush();
                state = self.lock();
                state.running = false;
                if result.is_ok() {
                    state.done = state.done.max(covers);
                }
                self.ended.notify_all();
                // On failure the leader reports it; a waiter becomes the next leader and tries
                // again for itself.
                result?;
                continue;
            }
            state = self
                .ended
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a few counters, consistent after every statement: a panic elsewhere
        // cannot leave it half-written.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    #[test]
    fn concurrent_callers_share_flushes_and_each_is_covered() {
        let group = Arc::new(GroupFlush::default());
        // "Writes" are counter increments; a flush makes everything written so far durable.
        let written = Arc::new(AtomicU64::new(0));
        let durable = Arc::new(AtomicU64::new(0));
        let flushes = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (group, written, durable, flushes) = (
                    group.clone(),
                    written.clone(),
                    durable.clone(),
                    flushes.clone(),
                );
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let mine = written.fetch_add(1, Ordering::SeqCst) + 1;
                        group
                            .flush(|| {
                                let upto = written.load(Ordering::SeqCst);
                                std::thread::sleep(Duration::from_micros(200));
                                durable.fetch_max(upto, Ordering::SeqCst);
                                flushes.fetch_add(1, Ordering::SeqCst);
                                Ok::<(), ()>(())
                            })
                            .unwrap();
                        assert!(
                            durable.load(Ordering::SeqCst) >= mine,
                            "write {mine} not flushed"
                        );
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let flushes = flushes.load(Ordering::SeqCst);
        assert!(
            flushes < 800,
            "{flushes} flushes for 800 durable writes: none were shared"
        );
    }

    #[test]
    fn a_failed_flush_is_reported_and_the_next_caller_flushes_again() {
        let group = GroupFlush::default();
        assert_eq!(group.flush(|| Err("disk full")), Err("disk full"));
        let calls = AtomicU64::new(0);
        group
            .flush(|| {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<(), &str>(())
            })
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
