//! The conversation engine: `handle(user, input, now) -> Vec<Reply>`, sans-IO at heart.
//!
//! Each call is one *turn*: it loads the user's profile and conversation state from the
//! Store, moves the state machine by one input, and writes everything that changed in one
//! atomic `Store::write` before the replies are returned. A completed check-in is written
//! durably, so a user who saw a plan never loses that check-in.
//!
//! - `ask`: asking questions (buttons stamped with the state's `seq`) and reading answers;
//! - `checkin`: the daily check-in and its plan;
//! - `flags`: red flags in free text, and confirmations;
//! - `profile`: onboarding and /profile, /remind, /timezone;
//! - `commands`: the slash commands, /today, /history, /export, /forget;
//! - `zones`: time zones from names, cities or the user's local time.

pub mod io;
pub mod state;

mod ask;
mod checkin;
mod commands;
mod flags;
mod profile;
mod zones;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use commands::Command;
pub use io::{Button, Input, Reply};

use crate::model::{DayRecord, Profile, Question};
use crate::reminders::Scheduler;
use crate::script::{Script, Text};
use crate::store::{Change, Store, StoreError, UserId};
use state::{ConvState, Flow};

/// The profile fields /profile can change, in menu order.
pub const EDITABLE: [Question; 6] = [
    Question::Activities,
    Question::SessionLength,
    Question::Cleared,
    Question::Cancer,
    Question::TimeZone,
    Question::Reminder,
];

/// Button data for actions that are valid at any time (not answers to a question).
pub mod action {
    pub const CHECKIN: &str = "a:checkin";
    pub const TODAY: &str = "a:today";
    pub const HELP: &str = "a:help";
    pub const PROFILE: &str = "a:profile";
    /// The reminder's buttons.
    pub const SNOOZE: &str = "a:snooze";
    pub const SKIP: &str = "a:skip";
    pub const STOP: &str = "a:stop";
}

/// The conversation engine, shared by every transport.
pub struct Engine {
    store: Arc<dyn Store>,
    script: Arc<Script>,
    /// Reminders: rescheduled here when a user changes their reminder or time zone.
    scheduler: Arc<Scheduler>,
    /// The zone that decides "today" for a user who has not set one yet.
    default_zone: String,
}

impl Engine {
    pub fn new(
        store: Arc<dyn Store>,
        script: Arc<Script>,
        default_zone: impl Into<String>,
    ) -> Self {
        Engine {
            scheduler: Arc::new(Scheduler::new(Arc::clone(&store))),
            store,
            script,
            default_zone: default_zone.into(),
        }
    }

    /// The reminder scheduler on this engine's store (transports run its loop).
    pub fn scheduler(&self) -> &Arc<Scheduler> {
        &self.scheduler
    }

    /// The daily reminder message, with its buttons: check in now, in an hour, skip today,
    /// stop reminders.
    pub fn reminder(&self) -> Reply {
        let s = &self.script;
        let button = |t: Text, data: &str| {
            vec![Button {
                label: s.text(t).to_string(),
                data: data.to_string(),
            }]
        };
        Reply::Message {
            text: s.text(Text::Reminder).to_string(),
            buttons: vec![
                button(Text::ButtonCheckin, action::CHECKIN),
                button(Text::ButtonSnooze, action::SNOOZE),
                button(Text::ButtonSkip, action::SKIP),
                button(Text::ButtonStop, action::STOP),
            ],
        }
    }

    /// The wording in use.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The store in use.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Records whether Telegram refuses messages to `user` (they blocked the bot), so that
    /// reminders skip them; a later message clears it. Returns whether anything changed. A
    /// user without a profile has nothing to send reminders to, so nothing is stored.
    pub fn set_blocked(&self, user: UserId, blocked: bool) -> Result<bool, StoreError> {
        let Some(mut profile) = self.store.profile(user)? else {
            return Ok(false);
        };
        if profile.blocked == blocked {
            return Ok(false);
        }
        profile.blocked = blocked;
        let change = Change {
            profile: Some(&profile),
            ..Change::default()
        };
        self.store.write(user, change)?;
        Ok(true)
    }

    /// Handles one input of one user and returns what to say. Never panics on user input;
    /// a storage failure becomes an apology and nothing of the turn is half-written.
    pub fn handle(&self, user: UserId, input: Input, now: Timestamp) -> Vec<Reply> {
        match self.turn(user, input, now) {
            Ok(replies) => replies,
            Err(e) => {
                tracing::error!(user, error = %e, "turn failed");
                vec![Reply::text(self.script.text(Text::Error))]
            }
        }
    }

    fn turn(&self, user: UserId, input: Input, now: Timestamp) -> Result<Vec<Reply>, StoreError> {
        // One turn per user at a time, across replicas too (see `Store::lock_user`).
        let _turn = self.store.lock_user(user)?;
        let profile_before = self.store.profile(user)?;
        let mut profile = profile_before.clone();
        // A user who writes has not blocked the bot (any more): reminders may go out again.
        if let Some(p) = profile.as_mut() {
            p.blocked = false;
        }
        // A user with no stored state (new, or after /forget) starts numbering questions
        // from the clock, so a button from before /forget cannot match a new question.
        let state = self.store.state(user)?.unwrap_or_else(|| ConvState {
            seq: now.as_second() as u32,
            ..ConvState::default()
        });
        let mut turn = Turn {
            engine: self,
            script: &self.script,
            user,
            now,
            before: state.clone(),
            state,
            profile_before,
            profile,
            day: None,
            forget: false,
            replies: Vec::new(),
        };
        turn.input(input)?;
        turn.commit()
    }
}

/// One turn: what was loaded, what changed, and what to say.
struct Turn<'a> {
    engine: &'a Engine,
    script: &'a Script,
    user: UserId,
    now: Timestamp,
    /// The state as loaded, to write only when it changed.
    before: ConvState,
    state: ConvState,
    profile_before: Option<Profile>,
    profile: Option<Profile>,
    /// A completed (or updated) day to write durably with the state.
    day: Option<DayRecord>,
    /// /forget confirmed: delete everything instead of writing.
    forget: bool,
    replies: Vec<Reply>,
}

impl Turn<'_> {
    fn store(&self) -> &dyn Store {
        self.engine.store.as_ref()
    }

    /// The user's time zone (their own, or the configured default until they set one).
    fn zone(&self) -> TimeZone {
        let name = self
            .profile
            .as_ref()
            .map(|p| p.time_zone.as_str())
            .unwrap_or(&self.engine.default_zone);
        jiff::tz::db().get(name).unwrap_or(TimeZone::UTC)
    }

    /// The user's local date now.
    fn today(&self) -> Date {
        self.now.to_zoned(self.zone()).date()
    }

    /// Says a message without buttons.
    fn say(&mut self, t: Text) {
        let text = self.script.text(t).to_string();
        self.replies.push(Reply::text(text));
    }

    /// Says a message with the main menu (check in, today, help) as buttons.
    fn say_with_menu(&mut self, text: String) {
        let s = self.script;
        let button = |t: Text, data: &str| Button {
            label: s.text(t).to_string(),
            data: data.to_string(),
        };
        let buttons = vec![
            vec![button(Text::ButtonCheckin, action::CHECKIN)],
            vec![button(Text::ButtonToday, action::TODAY)],
            vec![button(Text::ButtonHelp, action::HELP)],
        ];
        self.replies.push(Reply::Message { text, buttons });
    }

    /// Dispatches one input.
    fn input(&mut self, input: Input) -> Result<(), StoreError> {
        match input {
            Input::Unsupported => {
                self.say(Text::Unsupported);
                self.reask_current();
                Ok(())
            }
            Input::Button(data) => self.button(&data),
            Input::Text(text) => self.text(&text),
        }
    }

    /// A pressed button: an action, or an answer stamped with the question's `seq`.
    fn button(&mut self, data: &str) -> Result<(), StoreError> {
        if let Some(action) = data.strip_prefix("a:") {
            return self.action(action);
        }
        // An emergency red flag wins even from an old message: safety before staleness.
        if let Some((_, key)) = data.split_once(':')
            && let Some(flag) = ask::flag_key(key).filter(|f| f.is_emergency())
        {
            return self.emergency(&[flag]);
        }
        let stamped = data
            .split_once(':')
            .and_then(|(seq, key)| Some((seq.parse::<u32>().ok()?, key)));
        match (stamped, self.step()) {
            (Some((seq, key)), Some(q)) if seq == self.state.seq => self.answer_key(q, key),
            (_, Some(_)) => {
                self.say(Text::StaleButton);
                self.reask_current();
                Ok(())
            }
            (_, None) => {
                self.say_with_menu(self.script.text(Text::StaleIdle).to_string());
                Ok(())
            }
        }
    }

    /// Typed text: a command, an emergency, a red flag to confirm, or an answer.
    fn text(&mut self, raw: &str) -> Result<(), StoreError> {
        let text = raw.trim();
        if let Some(command) = text.strip_prefix('/') {
            return self.command(command);
        }
        let flags = self.script.understand.red_flags(text);
        if flags.iter().any(|f| f.is_emergency()) {
            return self.emergency(&flags);
        }
        let step = self.step();
        let answers_flags = matches!(step, Some(Question::RedFlags | Question::ConfirmFlag));
        let unknown = flags.into_iter().find(|f| !self.flag_known(*f));
        if let (false, Some(flag)) = (answers_flags, unknown) {
            self.confirm_flag(flag);
            return Ok(());
        }
        match step {
            Some(q) => self.answer_text(q, text),
            None => self.idle_text(text),
        }
    }

    /// Free text outside any question.
    fn idle_text(&mut self, text: &str) -> Result<(), StoreError> {
        if self.script.understand.asks_for_today(text) {
            return self.today_plan();
        }
        if self.profile.is_none() {
            return self.start_onboarding();
        }
        self.say_with_menu(self.script.text(Text::NotUnderstood).to_string());
        Ok(())
    }

    /// A button action that is valid at any time.
    fn action(&mut self, action: &str) -> Result<(), StoreError> {
        let command = match action {
            "checkin" => Command::Checkin,
            "today" => Command::Today,
            "help" => Command::Help,
            "profile" => Command::Profile,
            "snooze" | "skip" | "stop" => return self.reminder_action(action),
            _ => {
                self.say_with_menu(self.script.text(Text::StaleIdle).to_string());
                return Ok(());
            }
        };
        self.run_command(command, "")
    }

    /// The question waiting for an answer, if any.
    fn step(&self) -> Option<Question> {
        match &self.state.flow {
            Flow::Idle => None,
            Flow::Onboarding { step, .. }
            | Flow::Edit { step, .. }
            | Flow::CheckIn { step, .. } => Some(*step),
            Flow::Confirm { question, .. } => Some(*question),
        }
    }

    /// Writes what the turn changed (atomically; durably when a day was completed) and
    /// hands back the replies.
    fn commit(self) -> Result<Vec<Reply>, StoreError> {
        let store = self.engine.store.as_ref();
        if self.forget {
            store.forget(self.user)?;
            return Ok(self.replies);
        }
        // A new reminder time or time zone moves the user's entry in the due index, in the
        // same write as the profile.
        let reschedule = match (&self.profile, &self.profile_before) {
            (Some(p), Some(b)) => p.reminder != b.reminder || p.time_zone != b.time_zone,
            (Some(_), None) => true,
            _ => false,
        };
        let reminder = match (&self.profile, reschedule) {
            (Some(p), true) => {
                let old = store.reminder(self.user)?;
                Some(Scheduler::schedule(p, old.as_ref(), self.now))
            }
            _ => None,
        };
        let change = Change {
            profile: self
                .profile
                .as_ref()
                .filter(|p| Some(*p) != self.profile_before.as_ref()),
            state: Some(&self.state).filter(|s| **s != self.before),
            day: self.day.as_ref(),
            reminder: reminder.as_ref(),
            durable: self.day.is_some() || reminder.is_some(),
            ..Change::default()
        };
        store.write(self.user, change)?;
        if reminder.is_some() {
            self.engine.scheduler.changed().notify_one();
        }
        Ok(self.replies)
    }
}
