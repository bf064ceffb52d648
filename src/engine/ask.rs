//! Asking questions and reading answers. Buttons carry `seq:key`, where `seq` is bumped each
//! time a new question is asked, so a button from an earlier message is recognised as stale;
//! typed text is read with the `understand` module into the same `Answer` a button gives.

use jiff::civil::Time;

use super::state::Flow;
use super::{Button, Reply, Turn, zones};
use crate::model::{Activity, Question, RedFlag, YesNo};
use crate::script::{Text, fill};
use crate::store::StoreError;
use crate::understand::{Choice, is_label, match_choice};

/// Session lengths offered as buttons, in minutes.
const SESSION_PRESETS: [u16; 6] = [20, 30, 45, 60, 90, 120];
/// The shortest and longest usual session a user can give, in minutes.
pub const SESSION_RANGE: std::ops::RangeInclusive<u16> = 5..=600;

/// An answer to a question, from a button or typed text, before it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An option key: an enum variant name, or "none", "done", "not_sure".
    Key(String),
    /// Several options typed in one message (multi-select questions).
    Keys(Vec<String>),
    /// Minutes (session length).
    Minutes(u16),
    Pain(u8),
    /// A reminder time, or None for "no reminder".
    Time(Option<Time>),
    /// One time zone.
    Zone(String),
    /// Several time zones fit what the user said.
    Zones(Vec<String>),
}

/// A choice as the question offers it: key, label, and extra typed words.
struct Owned {
    key: String,
    label: String,
    aliases: Vec<String>,
}

impl Turn<'_> {
    /// Moves the conversation to question `q` and asks it (with `intro` before it, if any).
    pub(super) fn ask(&mut self, q: Question) {
        self.state.seq = self.state.seq.wrapping_add(1);
        set_step(&mut self.state.flow, q);
        let reply = self.question_message(q, false);
        self.replies.push(reply);
    }

    /// Asks the current question again, unchanged (after help, a stale button, a command).
    pub(super) fn reask_current(&mut self) {
        if let Some(q) = self.step() {
            let reply = self.question_message(q, false);
            self.replies.push(reply);
        }
    }

    /// Re-asks the current question with its hint: what is allowed.
    pub(super) fn reask_with_hint(&mut self, q: Question) {
        let reply = self.question_message(q, true);
        self.replies.push(reply);
    }

    /// The message that asks `q`: its prompt (or hint) and its buttons.
    pub(super) fn question_message(&self, q: Question, hint: bool) -> Reply {
        let def = self.script.question(q);
        let template = if hint { &def.hint } else { &def.prompt };
        let mut text = match (q, &self.state.flow) {
            (Question::ConfirmFlag, Flow::Confirm { flag: Some(f), .. }) => {
                fill(template, &[("flag", self.script.plan.flag_noun(*f))])
            }
            _ => template.clone(),
        };
        if q == Question::TimeZone && !self.tz_candidates().is_empty() && !hint {
            text = def.choose.clone().unwrap_or(text);
        }
        Reply::Message {
            text,
            buttons: self.buttons(q),
        }
    }

    /// The buttons of `q`, stamped with the current `seq`.
    fn buttons(&self, q: Question) -> Vec<Vec<Button>> {
        let seq = self.state.seq;
        let button = |label: &str, key: &str| Button {
            label: label.to_string(),
            data: format!("{seq}:{key}"),
        };
        match q {
            Question::Pain => [0..=5, 6..=10]
                .into_iter()
                .map(|r| r.map(|n| button(&n.to_string(), &n.to_string())).collect())
                .collect(),
            Question::SessionLength => {
                let template = self.script.question(q).button.clone().unwrap_or_default();
                SESSION_PRESETS
                    .chunks(3)
                    .map(|row| {
                        row.iter()
                            .map(|m| {
                                let label = fill(&template, &[("minutes", &m.to_string())]);
                                button(&label, &m.to_string())
                            })
                            .collect()
                    })
                    .collect()
            }
            Question::TimeZone => {
                let candidates = self.tz_candidates();
                let zones: &[String] = if candidates.is_empty() {
                    &self.script.question(q).suggestions
                } else {
                    candidates
                };
                zones
                    .chunks(2)
                    .map(|row| row.iter().map(|z| button(&self.zone_label(z), z)).collect())
                    .collect()
            }
            Question::Reminder => {
                let def = self.script.question(q);
                let mut rows: Vec<Vec<Button>> = def
                    .suggestions
                    .chunks(3)
                    .map(|row| row.iter().map(|t| button(t, t)).collect())
                    .collect();
                rows.push(vec![button(def.label("off"), "off")]);
                rows
            }
            _ => {
                let selected = self.selected(q);
                let tick = self.script.text(Text::Tick);
                let choices = self.choices(q);
                let short = choices.len() <= 3 && choices.iter().all(|c| c.label.len() <= 14);
                let buttons: Vec<Button> = choices
                    .iter()
                    .map(|c| {
                        let label = if selected.contains(&c.key.as_str()) {
                            format!("{tick}{}", c.label)
                        } else {
                            c.label.clone()
                        };
                        button(&label, &c.key)
                    })
                    .collect();
                if short {
                    vec![buttons]
                } else {
                    buttons.into_iter().map(|b| vec![b]).collect()
                }
            }
        }
    }

    /// A zone's button label, its region in the user's language.
    fn zone_label(&self, zone: &str) -> String {
        zones::label_in(
            zone,
            &self.script.question(Question::TimeZone).regions,
            &self.script.understand,
        )
    }

    /// A typed time zone, read in the user's language, then in English (a German speaker may
    /// type "Munich" or "it's 2:35 pm").
    pub(super) fn resolve_zone(&self, text: &str) -> zones::Resolved {
        let preferred = &self.script.question(Question::TimeZone).suggestions;
        let mut found = zones::Resolved::Unknown;
        for s in self.arg_scripts() {
            found = zones::resolve(text, self.now, &s.understand, preferred);
            if found != zones::Resolved::Unknown {
                break;
            }
        }
        found
    }

    /// The keys ticked so far on a multi-select question.
    fn selected(&self, q: Question) -> Vec<&'static str> {
        match (&self.state.flow, q) {
            (Flow::Onboarding { draft, .. } | Flow::Edit { draft, .. }, Question::Activities) => {
                draft.activities.iter().map(|a| a.key()).collect()
            }
            (Flow::CheckIn { draft, .. }, Question::RedFlags) => {
                draft.red_flags.iter().map(|f| f.key()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The zones offered after the user told their local time and several fit.
    fn tz_candidates(&self) -> &[String] {
        match &self.state.flow {
            Flow::Onboarding { draft, .. } | Flow::Edit { draft, .. } => &draft.tz_candidates,
            _ => &[],
        }
    }

    /// The options of a choice question, in button order.
    fn choices(&self, q: Question) -> Vec<Owned> {
        let def = self.script.question(q);
        let activity = |a: Activity| Owned {
            key: a.key().to_string(),
            label: self.script.plan.activity(a).to_string(),
            aliases: def.aliases.get(a.key()).cloned().unwrap_or_default(),
        };
        let mut out: Vec<Owned> = match q {
            Question::Activities => Activity::USUAL.into_iter().map(activity).collect(),
            Question::WorseActivity => self.worse_candidates().into_iter().map(activity).collect(),
            _ => Vec::new(),
        };
        out.extend(def.options.iter().map(|o| Owned {
            key: o.key.clone(),
            label: o.label.clone(),
            aliases: o.aliases.clone(),
        }));
        out
    }

    /// What may have made things worse: yesterday's plan, then the usual activities.
    fn worse_candidates(&self) -> Vec<Activity> {
        let mut out: Vec<Activity> = match &self.state.flow {
            Flow::CheckIn { ctx, .. } => ctx.yesterday.clone().unwrap_or_default(),
            _ => Vec::new(),
        };
        for a in self.profile.iter().flat_map(|p| p.activities.iter()) {
            if !out.contains(a) {
                out.push(*a);
            }
        }
        out
    }

    /// A pressed button's key, checked against the question (forged data is re-asked).
    pub(super) fn answer_key(&mut self, q: Question, key: &str) -> Result<(), StoreError> {
        let answer = match q {
            Question::Pain => key
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 10)
                .map(Answer::Pain),
            Question::SessionLength => key
                .parse::<u16>()
                .ok()
                .filter(|m| SESSION_RANGE.contains(m))
                .map(Answer::Minutes),
            Question::Reminder if key == "off" => Some(Answer::Time(None)),
            Question::Reminder => key.parse::<Time>().ok().map(|t| Answer::Time(Some(t))),
            Question::TimeZone => jiff::tz::db()
                .get(key)
                .ok()
                .map(|_| Answer::Zone(key.to_string())),
            _ => self
                .choices(q)
                .iter()
                .any(|c| c.key == key)
                .then(|| Answer::Key(key.to_string())),
        };
        match answer {
            Some(a) => self.apply(q, a, true),
            None => {
                self.reask_with_hint(q);
                Ok(())
            }
        }
    }

    /// The key of the button of `q` whose label the text is (any case; small typos when only
    /// one label is that close): typing a label is pressing its button.
    pub(super) fn typed_label(&self, q: Question, text: &str) -> Option<String> {
        let tick = self.script.text(Text::Tick);
        let buttons: Vec<Button> = self.buttons(q).into_iter().flatten().collect();
        let keyed = |b: &Button| {
            let label = b.label.strip_prefix(tick).unwrap_or(&b.label).to_string();
            let key = b.data.split_once(':').map(|(_, k)| k.to_string());
            (label, key)
        };
        let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
        if let Some(key) = buttons
            .iter()
            .map(keyed)
            .find(|(label, _)| same(label, text))
            .and_then(|(_, k)| k)
        {
            return Some(key);
        }
        let close: Vec<String> = buttons
            .iter()
            .map(keyed)
            // Numbers and times only as typed: "-3" is no "3".
            .filter(|(label, _)| label.chars().any(char::is_alphabetic) && is_label(text, label))
            .filter_map(|(_, k)| k)
            .collect();
        match close.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// A typed label, as the press of its button; multi-select choices typed are the whole
    /// answer, as a typed list is.
    pub(super) fn answer_label(&mut self, q: Question, key: String) -> Result<(), StoreError> {
        let multi = matches!(q, Question::Activities | Question::RedFlags);
        if multi && key != "none" && key != "done" {
            return self.apply(q, Answer::Keys(vec![key]), false);
        }
        self.answer_key(q, &key)
    }

    /// Typed text read as an answer to `q`; what does not fit is re-asked with the hint.
    pub(super) fn answer_text(&mut self, q: Question, text: &str) -> Result<(), StoreError> {
        match self.read_text(q, text) {
            Some(a) => self.apply(q, a, false),
            None => {
                self.reask_with_hint(q);
                Ok(())
            }
        }
    }

    /// Reads typed text as an answer to `q`.
    fn read_text(&self, q: Question, text: &str) -> Option<Answer> {
        let u = &self.script.understand;
        if text.is_empty() {
            return None;
        }
        match q {
            Question::Pain => u.pain(text).ok().map(Answer::Pain),
            Question::SessionLength => u
                .minutes(text)
                .filter(|m| SESSION_RANGE.contains(m))
                .map(Answer::Minutes),
            Question::Reminder => {
                if u.is_off(text) {
                    return Some(Answer::Time(None));
                }
                match u.clock_time(text) {
                    Some(t) => Some(Answer::Time(Some(t))),
                    // "No reminder" typed, small typos too.
                    None => self.match_one(q, text).map(|_| Answer::Time(None)),
                }
            }
            Question::TimeZone => {
                let candidates = self.tz_candidates();
                let picked = candidates.iter().find(|z| zones::matches_city(z, text, u));
                if let Some(z) = picked {
                    return Some(Answer::Zone(z.clone()));
                }
                // A button's label typed ("London (Europe)", "new york"), small typos too.
                let offered: &[String] = if candidates.is_empty() {
                    &self.script.question(q).suggestions
                } else {
                    candidates
                };
                let labels: Vec<String> = offered.iter().map(|z| self.zone_label(z)).collect();
                let choices: Vec<Choice> = offered
                    .iter()
                    .zip(&labels)
                    .map(|(z, label)| Choice {
                        key: z,
                        label,
                        aliases: &[],
                    })
                    .collect();
                if let Some(z) = match_choice(text, &choices) {
                    return Some(Answer::Zone(z.to_string()));
                }
                match self.resolve_zone(text) {
                    zones::Resolved::One(z) => Some(Answer::Zone(z)),
                    zones::Resolved::Several(zs) => Some(Answer::Zones(zs)),
                    zones::Resolved::Unknown => None,
                }
            }
            Question::Cancer
            | Question::Spreads
            | Question::ConfirmFlag
            | Question::UpdateToday
            | Question::ConfirmForget => match u.yes_no(text) {
                Some(YesNo::Yes) => Some(Answer::Key("yes".into())),
                Some(YesNo::No) => Some(Answer::Key("no".into())),
                None => self.match_one(q, text),
            },
            Question::Activities | Question::RedFlags => {
                // Typed, a list is the whole answer ("running, yoga"); only "none" and
                // "done" are read as the buttons of the same name.
                let control = self.match_one(q, text);
                if let Some(Answer::Key(k)) = &control
                    && (k == "none" || k == "done")
                {
                    return control;
                }
                let choices = self.choices(q);
                let picks: Vec<Choice> = choices
                    .iter()
                    .filter(|c| c.key != "none" && c.key != "done")
                    .map(|c| Choice {
                        key: &c.key,
                        label: &c.label,
                        aliases: &c.aliases,
                    })
                    .collect();
                let mut keys: Vec<String> = match self.script.understand.match_choices(text, &picks)
                {
                    Ok(keys) => keys.into_iter().map(String::from).collect(),
                    Err(_) => Vec::new(),
                };
                if q == Question::RedFlags {
                    for f in self.engine.scripts().red_flags(text, self.language) {
                        if !keys.iter().any(|k| k == f.key()) {
                            keys.push(f.key().to_string());
                        }
                    }
                }
                (!keys.is_empty()).then_some(Answer::Keys(keys))
            }
            _ => self.match_one(q, text),
        }
    }

    /// The single option of `q` that the text names, if exactly one fits.
    pub(super) fn match_one(&self, q: Question, text: &str) -> Option<Answer> {
        let choices = self.choices(q);
        let list: Vec<Choice> = choices
            .iter()
            .map(|c| Choice {
                key: &c.key,
                label: &c.label,
                aliases: &c.aliases,
            })
            .collect();
        match_choice(text, &list).map(|k| Answer::Key(k.to_string()))
    }

    /// Applies an answer to whatever the conversation is doing. `pressed`: from a button,
    /// so a multi-select toggle updates that message in place.
    fn apply(&mut self, q: Question, answer: Answer, pressed: bool) -> Result<(), StoreError> {
        match &self.state.flow {
            Flow::Onboarding { .. } | Flow::Edit { .. } => self.profile_answer(q, answer, pressed),
            Flow::CheckIn { .. } => self.checkin_answer(q, answer, pressed),
            Flow::Confirm { .. } if q == Question::Language => match answer {
                Answer::Key(k) => self.language_answer(&k),
                _ => {
                    self.reask_with_hint(q);
                    Ok(())
                }
            },
            Flow::Confirm { .. } => {
                let yes = matches!(&answer, Answer::Key(k) if k == "yes");
                self.confirm_answer(q, yes)
            }
            Flow::Idle => Ok(()),
        }
    }

    /// After a multi-select toggle: the same question with its ticks, in place of the
    /// message whose button was pressed (a new message when it was typed).
    pub(super) fn show_ticks(&mut self, q: Question, pressed: bool) {
        match self.question_message(q, false) {
            Reply::Message { text, buttons } if pressed => {
                self.replies.push(Reply::Update { text, buttons })
            }
            reply => self.replies.push(reply),
        }
    }
}

/// Sets the question a flow is waiting on.
fn set_step(flow: &mut Flow, q: Question) {
    match flow {
        Flow::Onboarding { step, .. } | Flow::Edit { step, .. } | Flow::CheckIn { step, .. } => {
            *step = q
        }
        Flow::Confirm { question, .. } => *question = q,
        Flow::Idle => {}
    }
}

/// The red flag a key names, if it is one.
pub fn flag_key(key: &str) -> Option<RedFlag> {
    key.parse().ok()
}
