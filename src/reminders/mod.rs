//! Daily reminders: each user gets one at their own local time, at most once per local date,
//! not after they have already checked in, and never twice because of a restart.
//!
//! - `schedule`: pure time-zone arithmetic (daylight-saving gaps and folds, odd offsets).
//! - `Scheduler::tick` reads the store's due index, which is keyed by due instant ++ user id,
//!   so a tick costs O(entries due), not O(users); `next_wakeup` is the index's first key.
//! - `actions`: what a user or a delivery can do to a reminder (snooze, skip, stop, 403s).
//! - `run`: the task that ticks, hands reminders out for delivery and sleeps until the next
//!   one is due or a reminder changes.
//!
//! # Exactly once per local date, and the crash trade-off
//!
//! A tick *claims* each reminder before handing it out: for each it writes `last_sent` (the
//! local date of the due instant) and `next_due` (the next day's instant), moving the index
//! entry with it, all of a tick's claims in one store transaction (`Store::write_many`), and
//! it flushes them to disk before returning. So:
//! - a crash *after* the claim can never produce a duplicate: the entry is already
//!   tomorrow's, and `last_sent` refuses a second reminder for that date;
//! - a crash *between* the claim and the Telegram call loses that day's reminder (at most
//!   once, not at least once: a missed nudge is better than a double one);
//! - a crash *before* the claim leaves the entry due, so after a restart it is sent then, if
//!   it is less than two hours late, and otherwise skipped in favour of the next day's.
//!
//! Claims are conditional writes (`Change::expect_reminder`): if a settings change, /forget
//! or a second scheduler touched the reminder since the tick read it, the claim fails and
//! nothing is sent; the entry is looked at again on the next tick.
//!
//! ## Several replicas (PostgreSQL)
//!
//! On the PostgreSQL store every replica runs this loop against one database. `write_many`
//! locks the claimed users' reminder rows with `SELECT ... FOR UPDATE SKIP LOCKED` in the
//! transaction that writes the claims: two replicas reading the same due entries never both
//! claim one, because the second skips the rows the first holds (reporting them not
//! applied; they are looked at again next tick, by then moved to tomorrow) or, arriving
//! after the first committed, finds the record changed and its expectation failing. The
//! crash trade-off is the one above, per replica: a replica that dies after its claim
//! committed loses those reminders for the day (never sent twice), at most one tick's batch
//! of 100 (`run::BATCH`), the rest staying due for the others; one that dies before the
//! commit leaves them due, and any replica sends them on its next tick. A burst due at one
//! instant is shared: each free replica claims the next batch (tests/replicas_reminders.rs).
//!
//! One-off due instants (a snooze, a retry after a network failure) are marked `snoozed`:
//! they re-send the day's reminder, so they are exempt from the `last_sent` check and do not
//! move `last_sent`, but they still respect the two-hour limit and an existing check-in.

mod actions;
mod run;
pub mod schedule;

use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;

use crate::model::Profile;
use crate::store::{Change, Store, StoreError, UserId};
pub use crate::store::{Daily, ReminderState};
pub use actions::FailureOutcome;
pub use run::Unsent;
use schedule::{ceil_second, local_date, next_due, next_due_after_date};

/// A reminder this late (after downtime) is skipped and the next day's scheduled instead.
pub const LATE_LIMIT: SignedDuration = SignedDuration::from_hours(2);
/// "Remind me in an hour".
pub const SNOOZE: SignedDuration = SignedDuration::from_hours(1);
/// How soon a delivery that failed for a network reason is tried again.
pub const RETRY_AFTER: SignedDuration = SignedDuration::from_mins(10);
/// Refusals with 403 (blocked) in a row after which a user's reminders are turned off.
pub const BLOCKED_LIMIT: u8 = 3;
/// How many conditional writes an action attempts before reporting the conflict.
const ATTEMPTS: usize = 3;

/// The reminder scheduler. Cheap to share (`Arc`); every method is safe to call from any task.
pub struct Scheduler {
    store: Arc<dyn Store>,
    /// Woken (with `notify_one`) by whoever changes a reminder, so the loop re-reads the index.
    changed: Arc<Notify>,
}

/// What a tick will write for one due entry: `after` in place of `before`, conditionally,
/// and whether the reminder is then sent.
struct ClaimPlan {
    user: UserId,
    before: ReminderState,
    after: ReminderState,
    send: bool,
}

impl ClaimPlan {
    /// Moves the entry on without sending (late, already reminded, checked in, or off).
    fn skip(user: UserId, before: ReminderState, after: ReminderState) -> Self {
        ClaimPlan {
            user,
            before,
            after,
            send: false,
        }
    }
}

impl Scheduler {
    /// A scheduler over `store`; nothing runs until `tick` or `run` is called.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Scheduler {
            store,
            changed: Arc::new(Notify::new()),
        }
    }

    /// The handle to poke after changing a reminder outside the scheduler (a /remind or
    /// /timezone answer, onboarding): `scheduler.changed().notify_one()`. `notify_one` keeps a
    /// permit when the loop is busy, so the poke is never lost.
    pub fn changed(&self) -> Arc<Notify> {
        Arc::clone(&self.changed)
    }

    /// The state to store when a profile's reminder or time zone changes, or onboarding ends:
    /// the next occurrence after `now`, but not on a date already reminded. A user who changes
    /// settings is talking to the bot, so the count of 403s starts again.
    pub fn schedule(
        profile: &Profile,
        state: Option<&ReminderState>,
        now: Timestamp,
    ) -> ReminderState {
        let mut next = state.cloned().unwrap_or_default();
        next.snoozed = false;
        next.failures = 0;
        next.daily = profile.reminder.map(|at| Daily {
            zone: profile.time_zone.clone(),
            at,
        });
        next.next_due = profile.reminder.map(|at| {
            let zone = zone_of(profile);
            let due = match next.last_sent {
                Some(sent) => next_due_after_date(&zone, at, now, sent),
                None => next_due(&zone, at, now),
            };
            ceil_second(due)
        });
        next
    }

    /// Claims `user`'s reminder if it is due by `now` (the console, which serves one user
    /// and must not claim, and so lose, other users' reminders). True: send it now.
    pub fn tick_one(&self, user: UserId, now: Timestamp) -> Result<bool, StoreError> {
        let Some(due) = self.store.reminder(user)?.and_then(|s| s.next_due) else {
            return Ok(false);
        };
        if due > now {
            return Ok(false);
        }
        let Some(claim) = self.decide(user, due, now)? else {
            return Ok(false);
        };
        match self.put(user, &claim.before, &claim.after) {
            Ok(()) if claim.send => {
                self.store.flush()?;
                Ok(true)
            }
            Ok(()) | Err(StoreError::Conflict) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Claims every reminder due by `now` (at most `limit` of them, earliest first) and
    /// returns the users to send one to, in due order. Reads only due index entries.
    pub fn tick(&self, now: Timestamp, limit: usize) -> Result<Vec<UserId>, StoreError> {
        self.tick_counted(now, limit)
            .map(|(send, _)| send.into_iter().map(|c| c.user).collect())
    }

    /// `tick`, also saying how many index entries it read (a full batch means "tick again"),
    /// and returning the claims to send (what each replaced, so that an unsent one can be
    /// un-claimed at shutdown).
    /// Every entry is decided first (reads only); then all the claims are written in one
    /// batch, each conditional on the state it was decided from, and flushed once. A claim
    /// whose user changed their reminder meanwhile is skipped and looked at again next tick.
    fn tick_counted(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<(Vec<ClaimPlan>, usize), StoreError> {
        let due = self.store.due(now, limit)?;
        let mut claims = Vec::with_capacity(due.len());
        for &(at, user) in &due {
            match self.decide(user, at, now) {
                Ok(Some(claim)) => claims.push(claim),
                Ok(None) => {}
                Err(e @ (StoreError::Corrupt { .. } | StoreError::NewerVersion { .. })) => {
                    tracing::warn!(user, error = %e, "cannot read this user's records; reminder set aside for a day");
                    if let Err(e) = self.set_aside(user, at, now) {
                        tracing::error!(user, error = %e, "could not set the reminder aside");
                    }
                }
                Err(e) if claims.is_empty() => return Err(e),
                Err(e) => {
                    tracing::error!(error = %e, "reminder tick stopped early; the rest wait for the next tick");
                    break;
                }
            }
        }
        let changes: Vec<(UserId, Change<'_>)> = claims
            .iter()
            .map(|c| (c.user, claim_change(&c.before, &c.after)))
            .collect();
        // All or nothing: if the batch fails, nothing was claimed and nothing is sent.
        let applied = self.store.write_many(&changes)?;
        drop(changes);
        let mut send = Vec::new();
        for (claim, applied) in claims.into_iter().zip(applied) {
            if !applied {
                tracing::debug!(
                    user = claim.user,
                    "reminder changed during the tick; looked at again next tick"
                );
            } else if claim.send {
                send.push(claim);
            }
        }
        if !send.is_empty()
            && let Err(e) = self.store.flush()
        {
            // sled flushes on its own within half a second; sending is still right.
            tracing::error!(error = %e, "could not flush reminder claims before sending");
        }
        Ok((send, due.len()))
    }

    /// Decides what to do with one due entry, reading but writing nothing (except to repair
    /// an index entry that outlived its record): `None` when there is nothing to write.
    fn decide(
        &self,
        user: UserId,
        due: Timestamp,
        now: Timestamp,
    ) -> Result<Option<ClaimPlan>, StoreError> {
        let Some(state) = self.store.reminder(user)?.filter(|s| points_at(s, due)) else {
            // No record names this entry (it outlived its record): repair the index.
            self.store.remove_due(due, user)?;
            return Ok(None);
        };
        // The reminder's time and zone, from the record itself; records written before it
        // carried them fall back on the profile (and on the check-ins, below).
        let daily = match &state.daily {
            Some(daily) => Some(daily.clone()),
            None => self.store.profile(user)?.and_then(|p| {
                p.reminder.map(|at| Daily {
                    zone: p.time_zone,
                    at,
                })
            }),
        };
        let Some(daily) = daily else {
            let off = ReminderState {
                next_due: None,
                snoozed: false,
                ..state.clone()
            };
            return Ok(Some(ClaimPlan::skip(user, state, off)));
        };
        let zone = zone_named(&daily.zone);
        let date = local_date(&zone, due);
        let mut next = ReminderState {
            next_due: Some(ceil_second(next_due(&zone, daily.at, due.max(now)))),
            snoozed: false,
            daily: Some(daily),
            ..state.clone()
        };
        let late = now.duration_since(due) >= LATE_LIMIT;
        let already = !state.snoozed && state.last_sent == Some(date);
        let checked_in = state.checked_in == Some(date)
            || (state.daily.is_none() && self.store.day(user, date)?.is_some());
        if late || already || checked_in {
            return Ok(Some(ClaimPlan::skip(user, state, next)));
        }
        if !state.snoozed {
            next.last_sent = Some(date);
        }
        Ok(Some(ClaimPlan {
            user,
            before: state,
            after: next,
            send: true,
        }))
    }

    /// Moves an entry whose user's records cannot be read a day on, or drops it when the
    /// reminder record itself is unreadable, so one bad record cannot stall every tick.
    fn set_aside(&self, user: UserId, due: Timestamp, now: Timestamp) -> Result<(), StoreError> {
        match self.store.reminder(user) {
            Ok(Some(state)) if points_at(&state, due) => {
                let later = ReminderState {
                    next_due: Some(ceil_second(schedule::plus(
                        now,
                        SignedDuration::from_hours(24),
                    ))),
                    ..state.clone()
                };
                match self.put(user, &state, &later) {
                    Err(StoreError::Conflict) => Ok(()),
                    other => other,
                }
            }
            _ => self.store.remove_due(due, user),
        }
    }

    /// Replaces `before` by `after`, failing with `Conflict` if the stored state is no longer
    /// `before`; the index entry moves in the same transaction.
    fn put(
        &self,
        user: UserId,
        before: &ReminderState,
        after: &ReminderState,
    ) -> Result<(), StoreError> {
        self.store.write(user, claim_change(before, after))
    }

    /// The earliest due instant in the index: the loop sleeps until then.
    pub fn next_wakeup(&self) -> Result<Option<Timestamp>, StoreError> {
        self.store.next_due()
    }
}

/// The change that replaces `before` by `after` only if the stored state is still `before`.
fn claim_change<'a>(before: &'a ReminderState, after: &'a ReminderState) -> Change<'a> {
    Change {
        reminder: Some(after),
        expect_reminder: Some(Some(before)),
        ..Change::default()
    }
}

/// Whether `state` names the index entry for `due`: the index keeps whole seconds.
fn points_at(state: &ReminderState, due: Timestamp) -> bool {
    let floor = |ts: Timestamp| ts.as_second() - i64::from(ts.subsec_nanosecond() < 0);
    state.next_due.map(floor) == Some(floor(due))
}

/// The user's time zone. Profiles hold names the engine has checked against the bundled
/// database; should a name ever stop resolving, UTC keeps reminders coming (and is logged).
fn zone_of(profile: &Profile) -> TimeZone {
    zone_named(&profile.time_zone)
}

/// The zone of that name, or UTC (logged) should it ever stop resolving.
fn zone_named(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|e| {
        tracing::warn!(zone = %name, error = %e, "unknown time zone; reminders use UTC");
        TimeZone::UTC
    })
}
