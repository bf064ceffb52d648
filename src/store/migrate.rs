//! `backcheck migrate`: copies every user's records from one store to another (sled to
//! PostgreSQL), then reads them back and checks them.
//!
//! Upserts: a record the target already holds unchanged is not written again, so a second
//! run reports nothing new. Check-ins go first and each user's reminder last, so the target
//! derives the same `checked_in` from the copied days that the source kept. A batch holds at
//! most one change per user and many users, so a copy costs one transaction per batch.

use std::fmt;

use jiff::Timestamp;

use super::{Change, ReminderState, SledStore, Store, StoreError, UserData, UserId};

/// Users per batch of writes.
const BATCH: usize = 500;

/// What a copy did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub users: Count,
    pub profiles: Count,
    pub states: Count,
    pub days: Count,
    pub reminders: Count,
    /// Scheduled reminders (reminder-index entries).
    pub due: Count,
}

/// One kind of record: how many the source holds, how many the target lacked (`new`) or
/// held differently (`updated`), and how many the target holds afterwards for these users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub source: usize,
    pub new: usize,
    pub updated: usize,
    pub target: usize,
}

impl Count {
    /// Counts one source record against what the target held before.
    fn saw<T: PartialEq>(&mut self, source: Option<&T>, target: Option<&T>) -> bool {
        let Some(source) = source else {
            return false;
        };
        self.source += 1;
        match target {
            None => {
                self.new += 1;
                true
            }
            Some(t) if t != source => {
                self.updated += 1;
                true
            }
            Some(_) => false,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, c) in [
            ("users", self.users),
            ("profiles", self.profiles),
            ("states", self.states),
            ("check-ins", self.days),
            ("reminders", self.reminders),
            ("scheduled", self.due),
        ] {
            writeln!(
                f,
                "{name:<10} source {:>7}  new {:>7}  updated {:>7}  target {:>7}",
                c.source, c.new, c.updated, c.target
            )?;
        }
        Ok(())
    }
}

/// A check after copying found the target different from the source.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("verification failed: {0}")]
    Mismatch(String),
}

/// Copies every user of `from` into `to`, then checks every user's records and the counts.
pub fn copy_all(from: &SledStore, to: &dyn Store) -> Result<Report, MigrateError> {
    let users = from.users()?;
    let mut report = Report::default();
    for chunk in users.chunks(BATCH) {
        copy_users(from, to, chunk, &mut report)?;
    }
    verify(from, to, &users, &mut report)?;
    Ok(report)
}

/// The reminder as it should read in the target: the target may know a later check-in than
/// an old source record did (records from before `checked_in` existed).
fn same_reminder(source: &ReminderState, target: &ReminderState) -> bool {
    source == target
        || (target.checked_in >= source.checked_in
            && ReminderState {
                checked_in: target.checked_in,
                ..source.clone()
            } == *target)
}

/// Copies a batch of users: their check-ins round by round (one per user per round), then
/// profile, state and reminder in one change per user.
fn copy_users(
    from: &SledStore,
    to: &dyn Store,
    users: &[UserId],
    report: &mut Report,
) -> Result<(), MigrateError> {
    let mut pairs = Vec::with_capacity(users.len());
    for &user in users {
        let source = from.export(user)?;
        let target = to.export(user)?;
        report.users.source += 1;
        if target == empty(user) {
            report.users.new += 1;
        }
        pairs.push((source, target));
    }

    let mut pending_days: Vec<Vec<&crate::model::DayRecord>> = Vec::new();
    for (source, target) in &pairs {
        let mut todo = Vec::new();
        for day in &source.days {
            let held = target.days.iter().find(|d| d.date == day.date);
            if report.days.saw(Some(day), held) {
                todo.push(day);
            }
        }
        pending_days.push(todo);
    }
    let rounds = pending_days.iter().map(Vec::len).max().unwrap_or(0);
    for round in 0..rounds {
        let changes: Vec<(UserId, Change<'_>)> = pairs
            .iter()
            .zip(&pending_days)
            .filter_map(|((source, _), days)| {
                let day = *days.get(round)?;
                Some((
                    source.user,
                    Change {
                        day: Some(day),
                        durable: true,
                        ..Change::default()
                    },
                ))
            })
            .collect();
        apply(to, &changes)?;
    }

    let mut changes = Vec::new();
    for (source, target) in &pairs {
        let mut change = Change {
            durable: true,
            ..Change::default()
        };
        if report
            .profiles
            .saw(source.profile.as_ref(), target.profile.as_ref())
        {
            change.profile = source.profile.as_ref();
        }
        if report
            .states
            .saw(source.state.as_ref(), target.state.as_ref())
        {
            change.state = source.state.as_ref();
        }
        if let Some(reminder) = &source.reminder {
            report.reminders.source += 1;
            match &target.reminder {
                None => {
                    report.reminders.new += 1;
                    change.reminder = Some(reminder);
                }
                Some(held) if !same_reminder(reminder, held) => {
                    report.reminders.updated += 1;
                    change.reminder = Some(reminder);
                }
                Some(_) => {}
            }
        }
        changes.push((source.user, change));
    }
    apply(to, &changes)
}

/// Writes a batch; every change is unconditional, so each must land.
fn apply(to: &dyn Store, changes: &[(UserId, Change<'_>)]) -> Result<(), MigrateError> {
    let applied = to.write_many(changes)?;
    match applied.iter().position(|ok| !ok) {
        Some(i) => Err(MigrateError::Mismatch(format!(
            "user {} could not be written",
            changes[i].0
        ))),
        None => Ok(()),
    }
}

/// Reads every user back from the target and compares it with the source; fills in the
/// target counts.
fn verify(
    from: &SledStore,
    to: &dyn Store,
    users: &[UserId],
    report: &mut Report,
) -> Result<(), MigrateError> {
    for &user in users {
        let (source, target) = (from.export(user)?, to.export(user)?);
        let reminders_match = match (&source.reminder, &target.reminder) {
            (Some(s), Some(t)) => same_reminder(s, t),
            (s, t) => s == t,
        };
        if source.profile != target.profile
            || source.state != target.state
            || source.days != target.days
            || !reminders_match
        {
            return Err(MigrateError::Mismatch(format!(
                "user {user} reads back differently from the target"
            )));
        }
        report.users.target += 1;
        report.profiles.target += usize::from(target.profile.is_some());
        report.states.target += usize::from(target.state.is_some());
        report.days.target += target.days.len();
        report.reminders.target += usize::from(target.reminder.is_some());
    }
    // The index: every scheduled reminder of the source has its entry in the target.
    let wanted: std::collections::BTreeSet<UserId> = users.iter().copied().collect();
    let source_due = from.due(Timestamp::MAX, usize::MAX)?;
    let target_due: Vec<_> = to
        .due(Timestamp::MAX, usize::MAX)?
        .into_iter()
        .filter(|(_, user)| wanted.contains(user))
        .collect();
    report.due.source = source_due.len();
    report.due.target = target_due.len();
    if source_due.iter().collect::<std::collections::BTreeSet<_>>()
        != target_due.iter().collect::<std::collections::BTreeSet<_>>()
    {
        return Err(MigrateError::Mismatch(format!(
            "{} scheduled reminders in the source, {} in the target",
            source_due.len(),
            target_due.len()
        )));
    }
    for c in [
        report.users,
        report.profiles,
        report.states,
        report.days,
        report.reminders,
    ] {
        if c.source != c.target {
            return Err(MigrateError::Mismatch(format!(
                "{} records in the source, {} in the target",
                c.source, c.target
            )));
        }
    }
    Ok(())
}

/// What export says of a user with no records.
fn empty(user: UserId) -> UserData {
    UserData {
        user,
        profile: None,
        state: None,
        days: Vec::new(),
        reminder: None,
    }
}
