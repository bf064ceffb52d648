//! Per-user turn locks: one Engine turn of a user at a time, so that two updates of one user
//! (a double tap, two replicas) cannot interleave their reads and writes of the state.
//!
//! `LocalLocks` serialises turns inside one process (sled is one process, so that is all it
//! needs); the PostgreSQL store takes one of these first and then a database advisory lock,
//! so that turns of one user on one replica queue here instead of each holding a database
//! connection while they wait.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::UserId;

/// Held for the whole of a user's turn (`Store::lock_user`); dropping it lets the next turn
/// of that user in. Whatever the backend needs to release is inside.
#[must_use = "the lock is released when this is dropped"]
pub struct UserLock {
    _held: Option<Box<dyn Send>>,
}

impl UserLock {
    /// A lock that holds nothing: for backends that need none.
    pub fn none() -> UserLock {
        UserLock { _held: None }
    }

    /// A lock whose release is dropping `held`.
    pub(crate) fn holding(held: impl Send + 'static) -> UserLock {
        UserLock {
            _held: Some(Box::new(held)),
        }
    }
}

impl std::fmt::Debug for UserLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserLock")
    }
}

/// The users whose turn is running in this process.
#[derive(Default)]
pub(crate) struct LocalLocks {
    held: Mutex<HashSet<UserId>>,
    /// Signalled when a user's lock is released.
    released: Condvar,
}

impl LocalLocks {
    /// Waits until no other turn of `user` runs in this process, then holds it.
    pub(crate) fn lock(self: &Arc<Self>, user: UserId) -> LocalGuard {
        let mut held = self.held();
        while held.contains(&user) {
            held = self
                .released
                .wait(held)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        held.insert(user);
        LocalGuard {
            locks: Arc::clone(self),
            user,
        }
    }

    /// The set, even after a panic elsewhere (it only holds ids).
    fn held(&self) -> MutexGuard<'_, HashSet<UserId>> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One user's in-process lock; released on drop.
pub(crate) struct LocalGuard {
    locks: Arc<LocalLocks>,
    user: UserId,
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        self.locks.held().remove(&self.user);
        self.locks.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn one_turn_per_user_at_a_time_and_others_pass() {
        let locks = Arc::new(LocalLocks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let max = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (locks, inside, max) = (locks.clone(), inside.clone(), max.clone());
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let _guard = locks.lock(7);
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        max.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(max.load(Ordering::SeqCst), 1);
        // Another user is not held up by user 7's lock.
        let _seven = locks.lock(7);
        let _eight = locks.lock(8);
        assert_eq!(locks.held().len(), 2);
    }
}
