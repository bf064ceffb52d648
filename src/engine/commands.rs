//! The slash commands, the same in every transport, and the answers that are not questions:
//! today's plan, history, export, forget, cancel, help.

use jiff::ToSpan;
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::state::Flow;
use super::{Reply, Turn};
use crate::model::Question;
use crate::script::{Text, fill};
use crate::store::StoreError;

/// The commands users can type. Names are what follows the slash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Command {
    Start,
    Checkin,
    Today,
    History,
    Remind,
    Timezone,
    Profile,
    Export,
    Forget,
    Cancel,
    Help,
}

impl Command {
    /// The command's name, as typed after the slash.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Days /history shows by default, and the most it will show.
const HISTORY_DEFAULT: i64 = 14;
const HISTORY_MAX: i64 = 365;

/// Bars for a pain score of 0 to 10.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

impl Turn<'_> {
    /// Typed "/name args" (a "@botname" suffix, as Telegram groups add, is ignored).
    pub(super) fn command(&mut self, line: &str) -> Result<(), StoreError> {
        let (name, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let name = name.split('@').next().unwrap_or(name);
        match name.parse::<Command>() {
            Ok(c) => self.run_command(c, args.trim()),
            Err(_) => {
                self.say(Text::UnknownCommand);
                self.reask_current();
                Ok(())
            }
        }
    }

    /// Runs a command. Commands that do not change the flow re-ask the waiting question.
    pub(super) fn run_command(&mut self, c: Command, args: &str) -> Result<(), StoreError> {
        let in_checkin = matches!(self.state.flow, Flow::CheckIn { .. });
        let onboarding = matches!(self.state.flow, Flow::Onboarding { .. });
        match c {
            Command::Start if self.profile.is_none() => self.start_onboarding(),
            Command::Start => {
                let text = self.script.text(Text::WelcomeBack).to_string();
                if self.step().is_some() {
                    self.say(Text::WelcomeBack);
                    self.reask_current();
                } else {
                    self.say_with_menu(text);
                }
                Ok(())
            }
            Command::Checkin if onboarding => self.busy(Text::FinishSetupFirst),
            Command::Checkin if in_checkin => self.busy(Text::InCheckin),
            Command::Checkin => self.start_checkin(),
            Command::Today => self.today_plan(),
            Command::History => {
                self.history_text(args)?;
                self.reask_current();
                Ok(())
            }
            Command::Export => {
                self.export()?;
                self.reask_current();
                Ok(())
            }
            Command::Remind | Command::Timezone | Command::Profile if onboarding => {
                self.busy(Text::FinishSetupFirst)
            }
            Command::Remind | Command::Timezone | Command::Profile if in_checkin => {
                self.busy(Text::InCheckin)
            }
            Command::Remind => self.set_field(Question::Reminder, args),
            Command::Timezone => self.set_field(Question::TimeZone, args),
            Command::Profile if self.profile.is_none() => {
                self.say(Text::SetupFirst);
                self.start_onboarding()
            }
            Command::Profile => {
                self.show_profile_menu();
                Ok(())
            }
            Command::Forget => {
                let resume = Box::new(std::mem::take(&mut self.state.flow));
                self.state.flow = Flow::Confirm {
                    question: Question::ConfirmForget,
                    flag: None,
                    resume,
                };
                self.ask(Question::ConfirmForget);
                Ok(())
            }
            Command::Cancel => {
                let said = match &self.state.flow {
                    Flow::Idle => Text::NothingToCancel,
                    Flow::Onboarding { .. } => Text::CancelledSetup,
                    Flow::CheckIn { .. } => Text::CancelledCheckin,
                    Flow::Confirm { resume, .. } if matches!(**resume, Flow::CheckIn { .. }) => {
                        Text::CancelledCheckin
                    }
                    _ => Text::Cancelled,
                };
                self.state.flow = Flow::Idle;
                self.say(said);
                Ok(())
            }
            Command::Help => {
                self.say(Text::Help);
                self.reask_current();
                Ok(())
            }
        }
    }

    /// Says why a command must wait, and re-asks the waiting question.
    fn busy(&mut self, t: Text) -> Result<(), StoreError> {
        self.say(t);
        self.reask_current();
        Ok(())
    }

    /// /today and "what can I do today?": today's plan, or the check-in offered in one tap.
    pub(super) fn today_plan(&mut self) -> Result<(), StoreError> {
        if matches!(self.state.flow, Flow::CheckIn { .. }) {
            return self.busy(Text::InCheckin);
        }
        let today = self.today();
        match self.store().day(self.user, today)? {
            Some(record) => {
                let plan = self.plan_for(&record)?;
                self.say_plan(&plan, today);
                self.reask_current();
            }
            None if self.profile.is_none() => {
                self.say(Text::SetupFirst);
                self.start_onboarding()?;
            }
            None => {
                self.offer_checkin(Text::NoPlanYet);
                self.reask_current();
            }
        }
        Ok(())
    }

    /// /history [days]: one line a day, gaps for missed days.
    fn history_text(&mut self, args: &str) -> Result<(), StoreError> {
        let days = if args.is_empty() {
            Some(HISTORY_DEFAULT)
        } else {
            args.parse::<i64>()
                .ok()
                .filter(|d| (1..=HISTORY_MAX).contains(d))
        };
        let Some(days) = days else {
            self.say(Text::HistoryUsage);
            return Ok(());
        };
        let today = self.today();
        let from = today.checked_sub((days - 1).days()).unwrap_or(today);
        let records = self.store().days(self.user, from, today)?;
        if records.is_empty() {
            self.say(Text::HistoryEmpty);
            return Ok(());
        }
        let s = self.script;
        let mut lines = vec![fill(
            s.text(Text::HistoryHeader),
            &[("days", &days.to_string())],
        )];
        let mut next = records.iter().peekable();
        for day in from.series(1.day()).take_while(|d| *d <= today) {
            let date = format!("{} {:>2}", short_weekday(s, day), day.day());
            match next.next_if(|r| r.date == day) {
                Some(r) => {
                    let (bar, pain) = match r.checkin.pain {
                        Some(p) => (bar(p).to_string(), p.to_string()),
                        None => (" ".to_string(), "?".to_string()),
                    };
                    let level = s.plan.heading(r.level);
                    let vars = [
                        ("date", date.as_str()),
                        ("bar", &bar),
                        ("pain", &pain),
                        ("level", level),
                    ];
                    lines.push(fill(s.text(Text::HistoryLine), &vars));
                }
                None => lines.push(fill(s.text(Text::HistoryMissed), &[("date", &date)])),
            }
        }
        self.replies.push(Reply::text(lines.join("\n")));
        Ok(())
    }

    /// /export: everything stored about the user, as a JSON file.
    fn export(&mut self) -> Result<(), StoreError> {
        let data = self.store().export(self.user)?;
        let bytes = serde_json::to_vec_pretty(&data)
            .map_err(|e| StoreError::Db(format!("cannot encode the export: {e}")))?;
        self.replies.push(Reply::Document {
            filename: "backcheck-export.json".to_string(),
            caption: self.script.text(Text::ExportCaption).to_string(),
            bytes,
        });
        Ok(())
    }
}

/// A bar for a pain score of 0 to 10.
fn bar(pain: u8) -> char {
    let i = usize::from(pain.min(10)) * (BARS.len() - 1) / 10;
    BARS[i]
}

/// "Mon" for Monday: the first three letters of the dialog's weekday name.
fn short_weekday(s: &crate::script::Script, day: jiff::civil::Date) -> String {
    let idx = day.weekday().to_monday_zero_offset() as usize;
    let name = s
        .plan
        .dates
        .weekdays
        .get(idx)
        .map(String::as_str)
        .unwrap_or("");
    name.chars().take(3).collect()
}
