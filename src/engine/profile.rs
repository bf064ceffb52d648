//! Onboarding on /start, and changing one part of the profile later (/profile, /remind,
//! /timezone). Every step takes a button or typed text.

use jiff::civil::Time;

use super::ask::Answer;
use super::state::{Flow, ProfileDraft};
use super::{Button, EDITABLE, Reply, Turn, action, zones};
use crate::model::{Activity, Cleared, Profile, Question};
use crate::script::{Text, fill};
use crate::store::StoreError;

/// The usual session length assumed for someone with no usual activities.
const DEFAULT_SESSION: u16 = 30;

/// The onboarding questions, in order.
const ONBOARDING: [Question; 6] = EDITABLE;

/// What the draft still lacks, in onboarding order.
fn missing(d: &ProfileDraft) -> Option<Question> {
    ONBOARDING.into_iter().find(|q| match q {
        Question::Activities => !d.activities_done,
        Question::SessionLength => d.session_minutes.is_none() && !d.activities.is_empty(),
        Question::Cleared => d.cleared.is_none(),
        Question::Cancer => d.cancer_history.is_none(),
        Question::TimeZone => d.time_zone.is_none(),
        Question::Reminder => d.reminder.is_none(),
        _ => false,
    })
}

/// A profile as a draft to edit.
fn draft_of(p: &Profile) -> ProfileDraft {
    ProfileDraft {
        activities: p.activities.clone(),
        activities_done: true,
        session_minutes: Some(p.session_minutes),
        cleared: Some(p.cleared),
        cancer_history: Some(p.cancer_history),
        time_zone: Some(p.time_zone.clone()),
        tz_candidates: Vec::new(),
        reminder: Some(p.reminder),
        language: Some(p.language),
    }
}

/// A complete draft as a profile.
fn profile_of(d: &ProfileDraft) -> Option<Profile> {
    Some(Profile {
        activities: d.activities.clone(),
        session_minutes: d.session_minutes.unwrap_or(DEFAULT_SESSION),
        cleared: d.cleared?,
        cancer_history: d.cancer_history?,
        time_zone: d.time_zone.clone()?,
        reminder: d.reminder?,
        blocked: false,
        summary_day: Default::default(),
        language: d.language.unwrap_or_default(),
    })
}

/// What applying one answer to a draft did.
enum Applied {
    /// The field is set.
    Done,
    /// A multi-select toggle: show the ticks and wait for Done.
    Toggled,
    /// Several time zones fit: ask which.
    Choose,
    /// The answer does not fit this question.
    Invalid,
}

/// Applies an answer to one field of a draft.
fn apply(d: &mut ProfileDraft, q: Question, answer: Answer) -> Applied {
    match (q, answer) {
        (Question::Activities, Answer::Key(k)) => match k.as_str() {
            "none" => {
                d.activities.clear();
                d.activities_done = true;
                Applied::Done
            }
            "done" if d.activities.is_empty() => Applied::Invalid,
            "done" => {
                d.activities_done = true;
                Applied::Done
            }
            key => match key.parse::<Activity>() {
                Ok(a) => {
                    if let Some(i) = d.activities.iter().position(|x| *x == a) {
                        d.activities.remove(i);
                    } else {
                        d.activities.push(a);
                        d.activities.sort();
                    }
                    Applied::Toggled
                }
                Err(_) => Applied::Invalid,
            },
        },
        (Question::Activities, Answer::Keys(keys)) => {
            d.activities = keys.iter().filter_map(|k| k.parse().ok()).collect();
            d.activities.sort();
            d.activities.dedup();
            d.activities_done = !d.activities.is_empty();
            if d.activities_done {
                Applied::Done
            } else {
                Applied::Invalid
            }
        }
        (Question::SessionLength, Answer::Minutes(m)) => {
            d.session_minutes = Some(m);
            Applied::Done
        }
        (Question::Cleared, Answer::Key(k)) => match k.parse::<Cleared>() {
            Ok(c) => {
                d.cleared = Some(c);
                Applied::Done
            }
            Err(_) => Applied::Invalid,
        },
        (Question::Cancer, Answer::Key(k)) => {
            d.cancer_history = Some(k == "yes");
            Applied::Done
        }
        (Question::TimeZone, Answer::Zone(z)) => {
            d.time_zone = Some(z);
            d.tz_candidates.clear();
            Applied::Done
        }
        (Question::TimeZone, Answer::Zones(zs)) => {
            d.tz_candidates = zs;
            Applied::Choose
        }
        (Question::Reminder, Answer::Time(t)) => {
            d.reminder = Some(t);
            Applied::Done
        }
        (Question::ProfileField, Answer::Key(_)) => Applied::Done,
        _ => Applied::Invalid,
    }
}

impl Turn<'_> {
    /// /start for someone new: welcome, then the first question.
    pub(super) fn start_onboarding(&mut self) -> Result<(), StoreError> {
        if let Flow::Onboarding { .. } = self.state.flow {
            self.reask_current();
            return Ok(());
        }
        self.state.flow = Flow::Onboarding {
            step: Question::Activities,
            draft: ProfileDraft {
                language: Some(self.language),
                ..ProfileDraft::default()
            },
        };
        self.say(Text::Welcome);
        self.ask(Question::Activities);
        Ok(())
    }

    /// /profile: the profile and a menu of what to change.
    pub(super) fn show_profile_menu(&mut self) {
        let Some(p) = &self.profile else { return };
        let text = format!(
            "{}\n{}",
            self.script.text(Text::ProfileIntro),
            self.profile_summary(p)
        );
        self.replies.push(Reply::text(text));
        self.state.flow = Flow::Edit {
            step: Question::ProfileField,
            draft: draft_of(p),
        };
        self.ask(Question::ProfileField);
    }

    /// Starts editing one field, asking its question.
    pub(super) fn edit_field(&mut self, q: Question) {
        let Some(p) = &self.profile else { return };
        self.state.flow = Flow::Edit {
            step: q,
            draft: draft_of(p),
        };
        self.ask(q);
    }

    /// Applies an answer during onboarding or an edit.
    pub(super) fn profile_answer(
        &mut self,
        q: Question,
        answer: Answer,
        pressed: bool,
    ) -> Result<(), StoreError> {
        let picked_field = match (&answer, q) {
            (Answer::Key(k), Question::ProfileField) => Some(k.clone()),
            _ => None,
        };
        let (Flow::Onboarding { draft, .. } | Flow::Edit { draft, .. }) = &mut self.state.flow
        else {
            return Ok(());
        };
        match apply(draft, q, answer) {
            Applied::Invalid => self.reask_with_hint(q),
            Applied::Toggled => self.show_ticks(q, pressed),
            Applied::Choose => self.ask(q),
            Applied::Done => {
                if let Some(key) = picked_field {
                    match EDITABLE.into_iter().find(|f| f.key() == key) {
                        Some(field) => self.ask(field),
                        None => {
                            self.state.flow = Flow::Idle;
                            self.say(Text::ProfileUnchanged);
                        }
                    }
                    return Ok(());
                }
                self.field_done()
            }
        }
        Ok(())
    }

    /// One field is answered: onboarding moves on (or finishes); an edit saves.
    fn field_done(&mut self) {
        match std::mem::take(&mut self.state.flow) {
            Flow::Onboarding { step, draft } => match missing(&draft) {
                Some(next) => {
                    self.state.flow = Flow::Onboarding { step, draft };
                    self.ask(next);
                }
                None => {
                    self.profile = profile_of(&draft);
                    let Some(p) = self.profile.clone() else {
                        return;
                    };
                    let text = format!(
                        "{}\n{}",
                        self.script.text(Text::OnboardingDone),
                        self.profile_summary(&p)
                    );
                    self.replies.push(Reply::text(text));
                    self.offer_checkin(Text::ReadyForCheckin);
                }
            },
            Flow::Edit { step, draft } => {
                // What the draft does not carry stays as it was.
                let kept = self.profile.as_ref().map(|p| p.summary_day);
                self.profile = profile_of(&draft).map(|p| Profile {
                    summary_day: kept.unwrap_or_default(),
                    ..p
                });
                match (step, self.profile.clone()) {
                    (Question::Reminder, Some(p)) => self.say_reminder(&p),
                    (Question::TimeZone, Some(p)) => self.say_zone(&p),
                    _ => self.say(Text::ProfileSaved),
                }
            }
            other => self.state.flow = other,
        }
    }

    /// A message with a "Check in now" button, and "Later" to decline it.
    pub(super) fn offer_checkin(&mut self, t: Text) {
        let button = |label: Text, data: &str| Button {
            label: self.script.text(label).to_string(),
            data: data.to_string(),
        };
        let buttons = vec![vec![
            button(Text::ButtonCheckin, action::CHECKIN),
            button(Text::ButtonLater, action::LATER),
        ]];
        self.replies.push(Reply::Message {
            text: self.script.text(t).to_string(),
            buttons,
        });
    }

    /// The profile as a short list.
    pub(super) fn profile_summary(&self, p: &Profile) -> String {
        let s = self.script;
        let activities: Vec<&str> = p.activities.iter().map(|a| s.plan.activity(*a)).collect();
        let activities = if activities.is_empty() {
            s.text(Text::NoActivities).to_string()
        } else {
            activities.join(", ")
        };
        let yes_no = |b: bool| s.text(if b { Text::Yes } else { Text::No });
        let cleared = s.question(Question::Cleared).label(p.cleared.key());
        let reminder = match p.reminder {
            Some(t) => clock(t),
            None => s.text(Text::NoReminder).to_string(),
        };
        fill(
            s.text(Text::ProfileSummary),
            &[
                ("activities", &activities),
                ("minutes", &p.session_minutes.to_string()),
                ("cleared", cleared),
                ("cancer", yes_no(p.cancer_history)),
                ("zone", &p.time_zone),
                ("reminder", &reminder),
            ],
        )
    }

    /// Confirms the reminder setting.
    fn say_reminder(&mut self, p: &Profile) {
        let text = match p.reminder {
            Some(t) => fill(
                self.script.text(Text::ReminderSet),
                &[("time", &clock(t)), ("zone", &p.time_zone)],
            ),
            None => self.script.text(Text::ReminderOff).to_string(),
        };
        self.replies.push(Reply::text(text));
    }

    /// Confirms the time zone, with the local time there.
    fn say_zone(&mut self, p: &Profile) {
        let local = jiff::tz::db()
            .get(&p.time_zone)
            .map(|tz| clock(self.now.to_zoned(tz).time()))
            .unwrap_or_default();
        let text = fill(
            self.script.text(Text::TimezoneSet),
            &[("zone", &p.time_zone), ("time", &local)],
        );
        self.replies.push(Reply::text(text));
    }

    /// /remind and /timezone: with an argument, set it at once; without, ask.
    pub(super) fn set_field(&mut self, q: Question, args: &str) -> Result<(), StoreError> {
        if self.profile.is_none() {
            self.say(Text::SetupFirst);
            return self.start_onboarding();
        }
        if args.is_empty() {
            self.edit_field(q);
            return Ok(());
        }
        let off = || self.arg_scripts().any(|s| s.understand.is_off(args));
        let time = || {
            self.arg_scripts()
                .find_map(|s| s.understand.clock_time(args))
                .map(|t| Answer::Time(Some(t)))
        };
        let answer = match q {
            Question::Reminder if off() => Some(Answer::Time(None)),
            Question::Reminder => time(),
            _ => match self.resolve_zone(args) {
                zones::Resolved::One(z) => Some(Answer::Zone(z)),
                zones::Resolved::Several(zs) => Some(Answer::Zones(zs)),
                zones::Resolved::Unknown => None,
            },
        };
        self.edit_field_silently(q);
        match answer {
            Some(a) => self.profile_answer(q, a, false),
            None => {
                self.reask_with_hint(q);
                Ok(())
            }
        }
    }

    /// Enters an edit of `q` without asking (the answer is already there).
    fn edit_field_silently(&mut self, q: Question) {
        if let Some(p) = &self.profile {
            self.state.seq = self.state.seq.wrapping_add(1);
            self.state.flow = Flow::Edit {
                step: q,
                draft: draft_of(p),
            };
        }
    }
}

/// A time as "07:30".
pub fn clock(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}
