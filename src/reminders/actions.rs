//! What a user or a delivery can do to a reminder: snooze it, skip today, stop reminders, and
//! report how a delivery went (a success resets the count of 403s; three in a row turn the
//! user's reminders off; a network failure is retried in ten minutes while the reminder is
//! less than two hours late). Every change is a conditional write, retried on a conflict.

use jiff::Timestamp;

use super::schedule::{ceil_second, local_date, next_due_after_date, occurrence, plus};
use super::{
    ATTEMPTS, BLOCKED_LIMIT, LATE_LIMIT, RETRY_AFTER, ReminderState, SNOOZE, Scheduler, zone_of,
};
use crate::model::Profile;
use crate::store::{Change, StoreError, UserId};

/// What happens after a failed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    /// Tried again at this instant (a network failure, still under two hours late).
    Retry(Timestamp),
    /// Not retried; the next day's reminder stays scheduled.
    NextDay,
    /// Refused with 403 `BLOCKED_LIMIT` times in a row: reminders are now off.
    Disabled,
}

/// What an action writes: the reminder state, and the profile when reminders are turned off.
struct Update {
    profile: Option<Profile>,
    state: ReminderState,
}

impl Update {
    /// A new reminder state, the profile untouched.
    fn state(state: ReminderState) -> Self {
        Update {
            profile: None,
            state,
        }
    }

    /// Reminders off: the profile says so (so /profile shows it) and the index entry goes.
    fn off(profile: Option<&Profile>, state: ReminderState) -> Self {
        Update {
            profile: profile.filter(|p| p.reminder.is_some()).map(|p| Profile {
                reminder: None,
                ..p.clone()
            }),
            state: ReminderState {
                next_due: None,
                snoozed: false,
                ..state
            },
        }
    }
}

impl Scheduler {
    /// "Remind me in an hour": due again at `now` + 1 h, once, then back to the daily time.
    /// Returns when, or `None` when the user has no reminder to snooze.
    pub fn snooze(&self, user: UserId, now: Timestamp) -> Result<Option<Timestamp>, StoreError> {
        let at = ceil_second(plus(now, SNOOZE));
        let written = self.update(user, |profile, state| {
            profile?.reminder?;
            Some(Update::state(ReminderState {
                next_due: Some(at),
                snoozed: true,
                ..state.cloned().unwrap_or_default()
            }))
        })?;
        Ok(written.and_then(|s| s.next_due))
    }

    /// "Skip today": the next reminder is the first one on a later local date than `now`'s.
    /// Returns when, or `None` when the user has no reminder.
    pub fn skip_today(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        let written = self.update(user, |profile, state| {
            let profile = profile?;
            let at = profile.reminder?;
            let zone = zone_of(profile);
            let next = next_due_after_date(&zone, at, now, local_date(&zone, now));
            Some(Update::state(ReminderState {
                next_due: Some(ceil_second(next)),
                snoozed: false,
                ..state.cloned().unwrap_or_default()
            }))
        })?;
        Ok(written.and_then(|s| s.next_due))
    }

    /// "Stop reminders": the profile's reminder becomes `None` and the index entry is
    /// removed, in one durable change.
    pub fn stop(&self, user: UserId) -> Result<(), StoreError> {
        self.update(user, |profile, state| {
            if state.is_none() && profile.is_none_or(|p| p.reminder.is_none()) {
                return None;
            }
            Some(Update::off(profile, state.cloned().unwrap_or_default()))
        })?;
        Ok(())
    }

    /// A reminder reached the user: the count of 403s starts again.
    pub fn delivered(&self, user: UserId) -> Result<(), StoreError> {
        self.update(user, |_, state| {
            let state = state.filter(|s| s.failures > 0)?;
            Some(Update::state(ReminderState {
                failures: 0,
                ..state.clone()
            }))
        })?;
        Ok(())
    }

    /// A reminder did not reach the user. `blocked` (Telegram's 403: the user blocked the
    /// bot) counts towards turning reminders off; anything else is retried in ten minutes if
    /// that is still under two hours after the reminder's time.
    pub fn delivery_failed(
        &self,
        user: UserId,
        blocked: bool,
        now: Timestamp,
    ) -> Result<FailureOutcome, StoreError> {
        let mut outcome = FailureOutcome::NextDay;
        self.update(user, |profile, state| {
            outcome = FailureOutcome::NextDay;
            let state = state?.clone();
            if blocked {
                let failures = state.failures.saturating_add(1);
                if failures >= BLOCKED_LIMIT {
                    outcome = FailureOutcome::Disabled;
                    return Some(Update::off(profile, ReminderState { failures, ..state }));
                }
                return Some(Update::state(ReminderState { failures, ..state }));
            }
            // The failed reminder is the one for `last_sent`, at the profile's time.
            let profile = profile?;
            let original = occurrence(&zone_of(profile), state.last_sent?, profile.reminder?)?;
            let retry = ceil_second(plus(now, RETRY_AFTER));
            if retry.duration_since(original) >= LATE_LIMIT {
                return None;
            }
            outcome = FailureOutcome::Retry(retry);
            Some(Update::state(ReminderState {
                next_due: Some(retry),
                snoozed: true,
                ..state
            }))
        })?;
        Ok(outcome)
    }

    /// Reads the profile and reminder state, lets `decide` say what to write (`None`:
    /// nothing), and writes it on condition that the state is unchanged, trying again on a
    /// conflict. Pokes the loop after a write, since the next due instant may have moved.
    fn update<F>(&self, user: UserId, mut decide: F) -> Result<Option<ReminderState>, StoreError>
    where
        F: FnMut(Option<&Profile>, Option<&ReminderState>) -> Option<Update>,
    {
        let mut attempt = 1;
        loop {
            let profile = self.store.profile(user)?;
            let before = self.store.reminder(user)?;
            let Some(update) = decide(profile.as_ref(), before.as_ref()) else {
                return Ok(None);
            };
            let change = Change {
                profile: update.profile.as_ref(),
                reminder: Some(&update.state),
                expect_reminder: Some(before.as_ref()),
                durable: update.profile.is_some(),
                ..Change::default()
            };
            match self.store.write(user, change) {
                Ok(()) => {
                    self.changed.notify_one();
                    return Ok(Some(update.state));
                }
                Err(StoreError::Conflict) if attempt < ATTEMPTS => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }
}
