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
//! - `language`: /language, and which language a turn speaks;
//! - `commands`: the slash commands, /today, /history, /export, /forget;
//! - `zones`: time zones from names, cities or the user's local time.

pub mod io;
pub mod state;

mod ask;
mod checkin;
mod commands;
mod flags;
mod language;
mod profile;
mod zones;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use commands::Command;
pub use io::{Button, Input, Reply};

use strum::IntoEnumIterator;

use crate::model::{Action, DayRecord, Language, Profile, Question};
use crate::reminders::Scheduler;
use crate::script::{Script, Scripts, Text};
use crate::store::{Change, Store, StoreError, UserId};
use state::{ConvState, Flow};

/// The profile fields /profile can change (defined with the vocabulary, which the wording
/// layer checks its menu against).
pub use crate::model::EDITABLE;

/// Button data for actions that are valid at any time (not answers to a question): "a:" and
/// the `Action`'s key.
pub mod action {
    use crate::model::Action;

    pub const CHECKIN: &str = "a:checkin";
    pub const TODAY: &str = "a:today";
    pub const HELP: &str = "a:help";
    pub const PROFILE: &str = "a:profile";
    /// The reminder's buttons.
    pub const SNOOZE: &str = "a:snooze";
    pub const SKIP: &str = "a:skip";
    pub const STOP: &str = "a:stop";
    /// Declining an offer: a polite answer, and nothing changes.
    pub const LATER: &str = "a:later";

    /// The button data of `action`.
    pub fn data(action: Action) -> String {
        format!("a:{}", action.key())
    }
}

/// The conversation engine, shared by every transport.
pub struct Engine {
    store: Arc<dyn Store>,
    /// Every language's wording; each user is answered in theirs.
    scripts: Arc<Scripts>,
    /// The language of a new user whose transport says nothing about it (the console).
    default_language: Language,
    /// Reminders: rescheduled here when a user changes their reminder or time zone.
    scheduler: Arc<Scheduler>,
    /// The zone that decides "today" for a user who has not set one yet.
    default_zone: String,
}

impl Engine {
    /// An Engine on `store` speaking `scripts` (every language, or one Script for all).
    pub fn new(
        store: Arc<dyn Store>,
        scripts: impl Into<Scripts>,
        default_zone: impl Into<String>,
    ) -> Self {
        Engine {
            scheduler: Arc::new(Scheduler::new(Arc::clone(&store))),
            store,
            scripts: Arc::new(scripts.into()),
            default_language: Language::En,
            default_zone: default_zone.into(),
        }
    }

    /// The language for new users whose transport gives none (`dialogs.language`, the
    /// console's `--lang`).
    pub fn with_default_language(mut self, language: Language) -> Self {
        self.default_language = language;
        self
    }

    /// The reminder scheduler on this engine's store (transports run its loop).
    pub fn scheduler(&self) -> &Arc<Scheduler> {
        &self.scheduler
    }

    /// The daily reminder message in English, with its buttons: check in now, in an hour,
    /// skip today, stop reminders.
    pub fn reminder(&self) -> Reply {
        self.reminder_in(Language::En)
    }

    /// The daily reminder for `user`, in their language.
    pub fn reminder_for(&self, user: UserId) -> Result<Reply, StoreError> {
        let language = self.store.profile(user)?.map(|p| p.language);
        Ok(self.reminder_in(language.unwrap_or(self.default_language)))
    }

    /// The daily reminder message in `language`.
    pub fn reminder_in(&self, language: Language) -> Reply {
        let s = self.scripts.get(language);
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

    /// The English wording (for transports' own words outside a user's turn).
    pub fn script(&self) -> &Script {
        self.scripts.get(Language::En)
    }

    /// Every language's wording.
    pub fn scripts(&self) -> &Scripts {
        &self.scripts
    }

    /// The language `user` is spoken to in (their profile's, or the default until set up).
    pub fn language_of(&self, user: UserId) -> Result<Language, StoreError> {
        let profile = self.store.profile(user)?;
        Ok(profile.map_or(self.default_language, |p| p.language))
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

    /// Keeps `language` in `user`'s profile (the console's --lang); returns whether anything
    /// changed. Someone not set up yet is spoken to in the Engine's default language.
    pub fn set_language(&self, user: UserId, language: Language) -> Result<bool, StoreError> {
        let Some(mut profile) = self.store.profile(user)? else {
            return Ok(false);
        };
        if profile.language == language {
            return Ok(false);
        }
        profile.language = language;
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
        self.handle_in(user, input, now, None)
    }

    /// [`Engine::handle`], where the transport knows the user's language (Telegram's
    /// `language_code`): it is spoken to a user who has not chosen one yet (no profile).
    pub fn handle_in(
        &self,
        user: UserId,
        input: Input,
        now: Timestamp,
        hint: Option<Language>,
    ) -> Vec<Reply> {
        match self.turn(user, input, now, hint) {
            Ok(replies) => replies,
            Err(e) => {
                tracing::error!(user, error = %e, "turn failed");
                let language = hint.unwrap_or(self.default_language);
                vec![Reply::text(self.scripts.get(language).text(Text::Error))]
            }
        }
    }

    fn turn(
        &self,
        user: UserId,
        input: Input,
        now: Timestamp,
        hint: Option<Language>,
    ) -> Result<Vec<Reply>, StoreError> {
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
        // Theirs once set up; during onboarding the one it began in (or chose); else the hint.
        let language = profile
            .as_ref()
            .map(|p| p.language)
            .or_else(|| state::draft_language(&state.flow))
            .or(hint)
            .unwrap_or(self.default_language);
        let mut turn = Turn {
            engine: self,
            script: self.scripts.get(language),
            language,
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
    /// The wording of the user's language.
    script: &'a Script,
    language: Language,
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

    /// The wordings a command's words are read in: the user's language, then English (English
    /// words keep working for everyone: "/checkin yesterday" from a German speaker).
    fn arg_scripts(&self) -> impl Iterator<Item = &Script> {
        let english = self.engine.scripts.get(Language::En);
        std::iter::once(self.script).chain((self.language != Language::En).then_some(english))
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
        // Red flags in any language: an English phrase from a German speaker still counts.
        // A button's label typed is that button pressed (an emergency flag's label too).
        if let Some(q) = self.step()
            && let Some(key) = self.typed_label(q, text)
        {
            return self.answer_label(q, key);
        }
        let flags = self.engine.scripts.red_flags(text, self.language);
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
        // A button of the menu, an offer or the reminder, typed ("check in now", "later");
        // "yes" accepts the offer every such message makes: a check-in.
        let s = self.script;
        let offered: Vec<(Action, &str)> = Action::iter()
            .map(|a| (a, s.text(Text::button(a))))
            .collect();
        if let Some(a) = s.understand.action(text, &offered, Some(Action::Checkin)) {
            return self.action(a.key());
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
            "later" => {
                self.say(Text::LaterOk);
                self.reask_current();
                return Ok(());
            }
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
