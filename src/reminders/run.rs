//! The reminder task: tick, hand the claimed reminders to `deliver`, sleep, repeat, until the
//! shutdown future completes.
//!
//! # Shutdown: un-claiming what was not sent
//!
//! `deliver` returns the users whose reminder it did not attempt (the bot is shutting down:
//! its sends were given up while they waited for Telegram's limits). Their claims are undone
//! with a conditional write: the reminder state goes back to what the tick found (still due,
//! today not yet reminded), but only if it is still what the claim wrote, so a user who
//! changed their reminder meanwhile keeps the change. After the restart they are due again
//! and sent then (if under two hours late). A reminder that was attempted is never un-claimed,
//! so none is sent twice.
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

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use jiff::Timestamp;

use super::{ClaimPlan, Scheduler, claim_change};
use crate::clock::Clock;
use crate::store::{StoreError, UserId};

/// The longest the loop sleeps without reading the clock again.
const MAX_SLEEP: Duration = Duration::from_secs(60);
/// Reminders claimed per tick; a full batch is followed by another tick at once, after its
/// sends. About 3 s of sending at Telegram's 30 a second: a replica killed after its claim
/// loses at most that many of the day's reminders (claims are at most once), and on several
/// replicas a burst due at one instant is shared, the next batch claimed by whichever is free
/// (with 1,000 one replica took a whole 07:00 burst and the others idled).
const BATCH: usize = 100;
/// Deliveries in flight at once: the one being sent and the next, already claimed.
const PIPELINE: usize = 2;
/// The pause before looking again at entries a tick had to leave (a conflict, an error), so
/// that they are retried soon without spinning.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The users whose reminder a delivery did not attempt (shutting down). A delivery that
/// returns `()` attempted them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unsent(pub Vec<UserId>);

impl From<()> for Unsent {
    fn from((): ()) -> Self {
        Unsent(Vec::new())
    }
}

impl From<Vec<UserId>> for Unsent {
    fn from(users: Vec<UserId>) -> Self {
        Unsent(users)
    }
}

impl Scheduler {
    /// Runs until `shutdown` completes. Each round ticks at `clock.now()`, hands whatever was
    /// claimed to `deliver(users)`, un-claims what a delivery returns as not attempted (see
    /// the module docs), and, with nothing left to deliver, sleeps until the next due
    /// instant, `MAX_SLEEP`, a `changed()` notification, or shutdown. A delivery that gave
    /// reminders back ends the loop once the others in flight have ended: that only happens
    /// when the bot is shutting down.
    ///
    /// A full batch (more is due) is followed by the next claim at once, while the first
    /// batch is still being sent: up to `PIPELINE` deliveries run together, so the next
    /// batch's sends are queued at the pacer before the last ones of this batch have gone,
    /// and a burst is sent without a pause between batches (with one batch at a time, each
    /// end of batch left Telegram's allowance unused while the loop recorded, claimed and
    /// prepared the next).
    pub async fn run<F, Fut, S>(self: Arc<Self>, clock: Arc<dyn Clock>, deliver: F, shutdown: S)
    where
        F: Fn(Vec<UserId>) -> Fut,
        Fut: Future<Output: Into<Unsent>>,
        S: Future<Output = ()>,
    {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut inflight = FuturesOrdered::new();
        let mut stopping = false;
        let mut ticked_at = clock.now();
        loop {
            let mut full = false;
            if !stopping {
                ticked_at = clock.now();
                match self.tick_counted(ticked_at, BATCH) {
                    Ok((claims, read)) => {
                        if !claims.is_empty() {
                            let users = claims.iter().map(|c| c.user).collect();
                            let delivery = deliver(users);
                            inflight.push_back(async move {
                                let unsent: Unsent = delivery.await.into();
                                (unsent, claims)
                            });
                        }
                        full = read == BATCH;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "reminder tick failed; trying again shortly");
                    }
                }
            }
            if full && inflight.len() < PIPELINE {
                continue;
            }
            if inflight.is_empty() {
                if stopping {
                    break;
                }
                let wait = self.sleep_for(ticked_at, clock.now());
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = self.changed.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                }
                continue;
            }
            // The oldest delivery's end (the others are sent meanwhile), then claim again.
            tokio::select! {
                biased;
                () = &mut shutdown, if !stopping => stopping = true,
                Some((Unsent(unsent), claims)) = inflight.next() => {
                    if !unsent.is_empty() {
                        self.unclaim(&claims, &unsent);
                        stopping = true;
                    }
                }
            }
        }
    }

    /// Undoes the claims of `unsent` (conditionally: only where the state is still the
    /// claim's), so that they are due again after a restart; flushed at once.
    fn unclaim(&self, claims: &[ClaimPlan], unsent: &[UserId]) {
        let unsent: std::collections::HashSet<UserId> = unsent.iter().copied().collect();
        let changes: Vec<(UserId, crate::store::Change<'_>)> = claims
            .iter()
            .filter(|c| unsent.contains(&c.user))
            .map(|c| (c.user, claim_change(&c.after, &c.before)))
            .collect();
        let result = self.store.write_many(&changes).and_then(|applied| {
            self.store.flush()?;
            Ok::<_, StoreError>(applied)
        });
        match result {
            Ok(applied) => {
                let undone = applied.iter().filter(|&&a| a).count();
                tracing::info!(
                    undone,
                    changed = applied.len() - undone,
                    "shutting down: unsent reminders un-claimed; they go out after the restart"
                );
            }
            Err(e) => {
                tracing::error!(error = %e, "could not un-claim the unsent reminders; today's are lost")
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
