//! Writes on PostgreSQL: one transaction applies a batch of `Change`s with a handful of
//! statements whatever its size (arrays through `unnest`), so a scheduler tick claims a
//! thousand reminders in a few round trips.
//!
//! The reminder row is the user's write lock: any change that touches the reminder (writes
//! it, expects it, or records a check-in, which raises `checked_in`) first locks that row
//! with `SELECT ... FOR UPDATE`, then checks `expect_reminder` against what it locked. A
//! batch (`Store::write_many`) locks with `SKIP LOCKED`: a row another transaction holds
//! (another replica's tick, a user's turn) is reported as not applied and looked at again on
//! the next tick, instead of the tick waiting behind it. Locks are taken in user-id order.

use std::collections::{HashMap, HashSet};

use deadpool_postgres::Transaction;
use jiff::civil::Date;

use super::columns::{date_of_number, day_number, uid};
use crate::store::keys::floor_second;
use crate::store::records::{decode, encode};
use crate::store::{Change, ReminderState, StoreError, UserId};

/// A `Change` encoded ahead of its transaction, owned so it can move to the store's runtime.
pub(super) struct Prepared {
    user: UserId,
    profile: Option<Vec<u8>>,
    state: Option<Vec<u8>>,
    day: Option<(i32, Date, Vec<u8>)>,
    reminder: Option<ReminderState>,
    expect: Option<Option<ReminderState>>,
}

impl Prepared {
    /// `None` when the change writes nothing (and so checks nothing either).
    pub(super) fn new(user: UserId, change: &Change<'_>) -> Result<Option<Prepared>, StoreError> {
        let Change {
            profile,
            state,
            day,
            reminder,
            expect_reminder,
            durable: _,
        } = *change;
        if profile.is_none() && state.is_none() && day.is_none() && reminder.is_none() {
            return Ok(None);
        }
        Ok(Some(Prepared {
            user,
            profile: profile.map(encode).transpose()?,
            state: state.map(encode).transpose()?,
            day: match day {
                Some(d) => Some((day_number(d.date), d.date, encode(d)?)),
                None => None,
            },
            reminder: reminder.cloned(),
            expect: expect_reminder.map(|e| e.cloned()),
        }))
    }

    /// Whether the change must read (and lock) the stored reminder.
    fn touches_reminder(&self) -> bool {
        self.reminder.is_some() || self.expect.is_some() || self.day.is_some()
    }

    /// A reminder record that may be new starts from the user's latest check-in; one that
    /// replaces a known record (a scheduler's claim) carries the stored date along.
    fn needs_latest(&self) -> bool {
        self.reminder.is_some() && !matches!(self.expect, Some(Some(_)))
    }

    /// What to report when this change cannot be applied because its row was taken.
    fn lost(&self) -> Outcome {
        if self.expect.is_some() {
            Outcome::Conflict
        } else {
            Outcome::Raced
        }
    }
}

/// What became of one change of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Applied,
    /// `expect_reminder` did not hold (or, in a batch, the row was locked): nothing written.
    Conflict,
    /// An unconditional change lost a race for its row (another transaction created or held
    /// it): nothing written; the caller applies it again.
    Raced,
}

/// How to wait for a reminder row another transaction holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    /// Wait for it (a single write).
    Block,
    /// Skip it and report it (a batch of claims).
    SkipLocked,
}

/// The stored reminder of a user, as the batch found it.
enum Found {
    /// No record.
    Absent,
    /// Locked by another transaction (`Wait::SkipLocked` only).
    Skipped,
    /// Locked by us: readable or not.
    Locked(Result<ReminderState, StoreError>),
}

/// The reminder writes a change makes, decided in Rust from the locked row.
#[derive(Default)]
struct ReminderWrite {
    /// Bytes for a new row (INSERT) or a replacement (UPDATE).
    insert: Option<Vec<u8>>,
    update: Option<Vec<u8>>,
    /// The user's index entries are replaced by this one (`Some(None)`: by none).
    due: Option<Option<i64>>,
}

/// Applies `changes` (distinct users) in one transaction and commits it.
pub(super) async fn apply(
    tx: Transaction<'_>,
    changes: &[Prepared],
    wait: Wait,
) -> Result<Vec<Outcome>, StoreError> {
    // User-id order for every statement, so two batches lock rows in the same order.
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by_key(|&i| changes[i].user);

    let found = lock_reminders(&tx, changes, &order, wait).await?;
    let latest = latest_days(&tx, changes).await?;

    let mut outcomes = vec![Outcome::Applied; changes.len()];
    let mut writes: Vec<ReminderWrite> = Vec::with_capacity(changes.len());
    for (i, change) in changes.iter().enumerate() {
        let plan = if change.touches_reminder() {
            let found = found.get(&change.user).unwrap_or(&Found::Absent);
            match plan_reminder(change, found, latest.get(&change.user).copied())? {
                Some(write) => write,
                None => {
                    outcomes[i] = if matches!(found, Found::Skipped) {
                        change.lost()
                    } else {
                        Outcome::Conflict
                    };
                    ReminderWrite::default()
                }
            }
        } else {
            ReminderWrite::default()
        };
        writes.push(plan);
    }

    // New reminder rows first: one that another transaction created meanwhile means this
    // change saw a stale "none", so it is dropped before anything else of it is written.
    let (ids, values): (Vec<i64>, Vec<&[u8]>) = order
        .iter()
        .filter(|&&i| outcomes[i] == Outcome::Applied)
        .filter_map(|&i| Some((uid(changes[i].user), writes[i].insert.as_deref()?)))
        .unzip();
    if !ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO reminders (user_id, value)
                 SELECT * FROM unnest($1::bigint[], $2::bytea[])
                 ON CONFLICT (user_id) DO NOTHING RETURNING user_id",
            )
            .await?;
        let inserted: HashSet<i64> = tx
            .query(&stmt, &[&ids, &values])
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect();
        for (i, change) in changes.iter().enumerate() {
            if writes[i].insert.is_some() && !inserted.contains(&uid(change.user)) {
                outcomes[i] = change.lost();
            }
        }
    }

    let applied: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| outcomes[i] == Outcome::Applied)
        .collect();
    write_rest(&tx, changes, &writes, &applied).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// Locks the reminder rows of every change that touches one, and reads them.
async fn lock_reminders(
    tx: &Transaction<'_>,
    changes: &[Prepared],
    order: &[usize],
    wait: Wait,
) -> Result<HashMap<UserId, Found>, StoreError> {
    let users: Vec<i64> = order
        .iter()
        .filter(|&&i| changes[i].touches_reminder())
        .map(|&i| uid(changes[i].user))
        .collect();
    let mut found = HashMap::with_capacity(users.len());
    if users.is_empty() {
        return Ok(found);
    }
    let sql = match wait {
        Wait::Block => {
            "SELECT user_id, value FROM reminders WHERE user_id = ANY($1)
             ORDER BY user_id FOR UPDATE"
        }
        Wait::SkipLocked => {
            "SELECT user_id, value FROM reminders WHERE user_id = ANY($1)
             ORDER BY user_id FOR UPDATE SKIP LOCKED"
        }
    };
    let stmt = tx.prepare_cached(sql).await?;
    for row in tx.query(&stmt, &[&users]).await? {
        let user: i64 = row.get(0);
        let bytes: &[u8] = row.get(1);
        found.insert(user as UserId, Found::Locked(decode(bytes)));
    }
    if wait == Wait::SkipLocked && found.len() < users.len() {
        // A row the locking read skipped is either absent or held by someone else.
        let stmt = tx
            .prepare_cached("SELECT user_id FROM reminders WHERE user_id = ANY($1)")
            .await?;
        for row in tx.query(&stmt, &[&users]).await? {
            let user = row.get::<_, i64>(0) as UserId;
            found.entry(user).or_insert(Found::Skipped);
        }
    }
    Ok(found)
}

/// The date of the latest check-in of every user whose change may create a reminder record.
async fn latest_days(
    tx: &Transaction<'_>,
    changes: &[Prepared],
) -> Result<HashMap<UserId, Date>, StoreError> {
    let users: Vec<i64> = changes
        .iter()
        .filter(|c| c.needs_latest())
        .map(|c| uid(c.user))
        .collect();
    let mut latest = HashMap::new();
    if users.is_empty() {
        return Ok(latest);
    }
    let stmt = tx
        .prepare_cached(
            "SELECT user_id, max(day) FROM days WHERE user_id = ANY($1) GROUP BY user_id",
        )
        .await?;
    for row in tx.query(&stmt, &[&users]).await? {
        let (user, day): (i64, i32) = (row.get(0), row.get(1));
        if let Some(date) = date_of_number(day) {
            latest.insert(user as UserId, date);
        }
    }
    Ok(latest)
}

/// Decides the reminder writes of one change from the row it locked, as the sled store's
/// `tx_write_reminder` does: `None` when `expect_reminder` does not hold (or the row was
/// skipped). `latest` is the user's latest check-in, if the change needed it.
fn plan_reminder(
    change: &Prepared,
    found: &Found,
    latest: Option<Date>,
) -> Result<Option<ReminderWrite>, StoreError> {
    let stored = match found {
        Found::Skipped => return Ok(None),
        Found::Absent => None,
        Found::Locked(result) => Some(result),
    };
    if let Some(expected) = &change.expect {
        let same = match (stored, expected) {
            (None, None) => true,
            (Some(Ok(stored)), Some(expected)) => stored == expected,
            _ => false,
        };
        if !same {
            return Ok(None);
        }
    }
    let checked_in = latest.max(change.day.as_ref().map(|(_, date, _)| *date));
    let readable = stored.and_then(|s| s.as_ref().ok());
    let known = checked_in.max(readable.and_then(|s| s.checked_in));
    let mut write = ReminderWrite::default();
    match (&change.reminder, readable) {
        (Some(new), _) => {
            let bytes = if known > new.checked_in {
                encode(&ReminderState {
                    checked_in: known,
                    ..new.clone()
                })?
            } else {
                encode(new)?
            };
            // An unreadable row is still a row: replaced, not inserted.
            if stored.is_some() {
                write.update = Some(bytes);
            } else {
                write.insert = Some(bytes);
            }
            write.due = Some(new.next_due.map(floor_second));
        }
        (None, Some(stored)) if known > stored.checked_in => {
            write.update = Some(encode(&ReminderState {
                checked_in: known,
                ..stored.clone()
            })?);
        }
        (None, _) => {}
    }
    Ok(Some(write))
}

/// Everything but the new reminder rows, for the changes in `applied` (user-id order).
async fn write_rest(
    tx: &Transaction<'_>,
    changes: &[Prepared],
    writes: &[ReminderWrite],
    applied: &[usize],
) -> Result<(), StoreError> {
    let id = |i: usize| uid(changes[i].user);

    // The index: a user's old entries go (whatever instant they name, so an entry of an
    // unreadable record goes too), then the new one comes.
    let moved: Vec<i64> = applied
        .iter()
        .filter(|&&i| writes[i].due.is_some())
        .map(|&i| id(i))
        .collect();
    if !moved.is_empty() {
        let stmt = tx
            .prepare_cached("DELETE FROM due WHERE user_id = ANY($1)")
            .await?;
        tx.execute(&stmt, &[&moved]).await?;
    }

    let (ids, values): (Vec<i64>, Vec<&[u8]>) = applied
        .iter()
        .filter_map(|&i| Some((id(i), writes[i].update.as_deref()?)))
        .unzip();
    if !ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "UPDATE reminders AS r SET value = x.value
                 FROM unnest($1::bigint[], $2::bytea[]) AS x(user_id, value)
                 WHERE r.user_id = x.user_id",
            )
            .await?;
        tx.execute(&stmt, &[&ids, &values]).await?;
    }

    let (seconds, ids): (Vec<i64>, Vec<i64>) = applied
        .iter()
        .filter_map(|&i| Some((writes[i].due.flatten()?, id(i))))
        .unzip();
    if !ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO due (due, user_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&seconds, &ids]).await?;
    }

    for (table, pick) in [
        (
            "profiles",
            (|p: &Prepared| p.profile.as_deref()) as fn(&Prepared) -> Option<&[u8]>,
        ),
        ("states", |p: &Prepared| p.state.as_deref()),
    ] {
        let (ids, values): (Vec<i64>, Vec<&[u8]>) = applied
            .iter()
            .filter_map(|&i| Some((id(i), pick(&changes[i])?)))
            .unzip();
        if ids.is_empty() {
            continue;
        }
        let sql = format!(
            "INSERT INTO {table} (user_id, value) SELECT * FROM unnest($1::bigint[], $2::bytea[])
             ON CONFLICT (user_id) DO UPDATE SET value = EXCLUDED.value"
        );
        let stmt = tx.prepare_cached(&sql).await?;
        tx.execute(&stmt, &[&ids, &values]).await?;
    }

    let mut days = (Vec::new(), Vec::new(), Vec::new());
    for &i in applied {
        if let Some((number, _, bytes)) = &changes[i].day {
            days.0.push(id(i));
            days.1.push(*number);
            days.2.push(bytes.as_slice());
        }
    }
    if !days.0.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO days (user_id, day, value)
                 SELECT * FROM unnest($1::bigint[], $2::int[], $3::bytea[])
                 ON CONFLICT (user_id, day) DO UPDATE SET value = EXCLUDED.value",
            )
            .await?;
        tx.execute(&stmt, &[&days.0, &days.1, &days.2]).await?;
    }
    Ok(())
}
