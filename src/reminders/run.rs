//! The reminder task: tick, hand the claimed reminders to `deliver`, sleep, repeat, until the
//! shutdown future completes.
//!
//! # Clock time and sleeping
//!
//! "Now" always comes from the injected `Clock`; sleeping uses tokio's timer. Before each
//! sleep the loop computes `next due instant - clock.now()` and sleeps that long with
//! `tokio::time::sleep`, but never more than `MAX_SLEEP` (60 s), then reads the clock again.
//! So the two may drift apart (a suspended laptop, an NTP step, a test moving a
//! `ManualClock`) for at most a minute before the loop notices; a change to a reminder wakes
//! it at once through `Scheduler::changed`. Tests can pause tokio's time and use a clock that
//! follows it, so a day of reminders runs in milliseconds without a wall-clock sleep.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::Scheduler;
use crate::clock::Clock;
use crate::store::UserId;

/// The longest the loop sleeps without reading the clock again.
const MAX_SLEEP: Duration = Duration::from_secs(60);
/// Reminders claimed per tick; a full batch is followed by another tick at once.
const BATCH: usize = 1000;
/// The pause before looking again at entries a tick had to leave (a conflict, an error), so
/// that they are retried soon without spinning.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

impl Scheduler {
    /// Runs until `shutdown` completes. Each round ticks at `clock.now()`, awaits
    /// `deliver(users)` for whatever was claimed (a delivery in progress is finished even if
    /// shutdown comes meanwhile: its reminders are already marked sent), then sleeps until
    /// the next due instant, `MAX_SLEEP`, a `changed()` notification, or shutdown.
    pub async fn run<F, Fut, S>(self: Arc<Self>, clock: Arc<dyn Clock>, deliver: F, shutdown: S)
    where
        F: Fn(Vec<UserId>) -> Fut,
        Fut: Future<Output = ()>,
        S: Future<Output = ()>,
    {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let ticked_at = clock.now();
            let full = match self.tick_counted(ticked_at, BATCH) {
                Ok((users, read)) => {
                    if !users.is_empty() {
                        deliver(users).await;
                    }
                    read == BATCH
                }
                Err(e) => {
                    tracing::error!(error = %e, "reminder tick failed; trying again shortly");
                    false
                }
            };
            let wait = if full {
                Duration::ZERO
            } else {
                self.sleep_for(ticked_at, clock.now())
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = self.changed.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// How long to sleep after a tick at `ticked_at`, it being `now`: until the next due
    /// instant, capped at `MAX_SLEEP`; a short pause if the tick left something due behind.
    fn sleep_for(&self, ticked_at: Timestamp, now: Timestamp) -> Duration {
        match self.next_wakeup() {
            Ok(Some(next)) if next <= ticked_at => RETRY_PAUSE,
            Ok(Some(next)) => {
                let until = now.duration_until(next);
                if until.is_negative() {
                    Duration::ZERO
                } else {
                    until.unsigned_abs().min(MAX_SLEEP)
                }
            }
            Ok(None) => MAX_SLEEP,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the reminder index");
                MAX_SLEEP
            }
        }
    }
}
