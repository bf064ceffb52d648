//! The slash commands, the same in every transport, and the answers that are not questions:
//! today's plan, history, export, forget, cancel, help.

use jiff::civil::Date;
use strum::IntoEnumIterator;

use super::state::Flow;
use super::{Reply, Turn};
use crate::history;
pub use crate::model::Command;
use crate::model::{Question, SummaryDay};
use crate::script::{Script, Text, fill};
use crate::store::StoreError;
use crate::understand::CommandWord;

/// Days /history shows by default, the picture's default span, and the most either shows.
const HISTORY_DEFAULT: u16 = 14;
const PICTURE_DEFAULT: u16 = 30;
const HISTORY_MAX: u16 = 365;

/// What /history was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HistoryView {
    /// The text chart of `text` days and the picture of `picture` days.
    Days { text: u16, picture: u16 },
    /// The weekly summary.
    Week,
}

impl HistoryView {
    /// "" (14 days of text, a 30-day picture), "90" or "90 days" (both 90 days), or "week",
    /// in the words of `scripts` (the user's language, then English); None for anything else,
    /// including spans outside 1..=365.
    fn parse<'s>(args: &str, mut scripts: impl Iterator<Item = &'s Script>) -> Option<HistoryView> {
        if args.is_empty() {
            return Some(HistoryView::Days {
                text: HISTORY_DEFAULT,
                picture: PICTURE_DEFAULT,
            });
        }
        match scripts.find_map(|s| s.understand.command_word(args))? {
            CommandWord::Week => Some(HistoryView::Week),
            CommandWord::Days(days) => u16::try_from(days)
                .ok()
                .filter(|d| (1..=HISTORY_MAX).contains(d))
                .map(|d| HistoryView::Days {
                    text: d,
                    picture: d,
                }),
            CommandWord::Yesterday => None,
        }
    }
}

impl Turn<'_> {
    /// Typed "/name args" (a "@botname" suffix, as Telegram groups add, is ignored).
    pub(super) fn command(&mut self, line: &str) -> Result<(), StoreError> {
        let (name, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let name = name.split('@').next().unwrap_or(name);
        match name
            .parse::<Command>()
            .ok()
            .or_else(|| self.command_named(name))
        {
            Some(c) => self.run_command(c, args.trim()),
            None => {
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
            Command::Checkin if self.means(args, CommandWord::Yesterday) => {
                self.start_late_checkin()
            }
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
                // Confirmations do not nest: a pending one is replaced, its flow resumed after.
                let resume = match std::mem::take(&mut self.state.flow) {
                    Flow::Confirm { resume, .. } => resume,
                    other => Box::new(other),
                };
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
            Command::Summary if self.profile.is_none() => {
                self.say(Text::SetupFirst);
                self.start_onboarding()
            }
            Command::Summary => {
                self.set_summary_day(args);
                self.reask_current();
                Ok(())
            }
            Command::Help => {
                self.say(Text::Help);
                self.reask_current();
                Ok(())
            }
            Command::Language => self.language_command(args),
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

    /// /history [days | week]: the text chart and the picture, or the weekly summary.
    fn history_text(&mut self, args: &str) -> Result<(), StoreError> {
        let Some(view) = HistoryView::parse(args, self.arg_scripts()) else {
            self.say(Text::HistoryUsage);
            return Ok(());
        };
        let today = self.today();
        // All of history: the best streak looks back to the first check-in.
        let records = self.store().days(self.user, Date::MIN, today)?;
        if records.is_empty() {
            self.say(Text::HistoryEmpty);
            return Ok(());
        }
        let s = self.script;
        match view {
            HistoryView::Week => {
                let week = history::weekly_summary(&records, today);
                self.replies
                    .push(Reply::text(history::summary::render(&week, s)));
            }
            HistoryView::Days { text, picture } => {
                let chart = history::text_chart(&records, today, text);
                self.replies
                    .push(Reply::text(history::chart::render(&chart, s)));
                let series = history::pain_series(&records, today, picture);
                let labels = history::png::Labels::from_script(s, series.days.len());
                match history::render_png(&series, &labels) {
                    Ok(bytes) => {
                        let days = series.days.len().to_string();
                        let caption = fill(&s.history.picture.caption, &[("days", &days)]);
                        self.replies.push(Reply::Photo { caption, bytes });
                    }
                    // The chart above already says it all; a missing picture is no failure.
                    Err(e) => tracing::warn!(error = %e, "history picture not sent"),
                }
            }
        }
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

impl Turn<'_> {
    /// The reminder's buttons: in an hour, skip today, stop reminders.
    pub(super) fn reminder_action(&mut self, action: &str) -> Result<(), StoreError> {
        let has_reminder = self.profile.as_ref().is_some_and(|p| p.reminder.is_some());
        if !has_reminder {
            self.say(Text::NoReminderSet);
            self.reask_current();
            return Ok(());
        }
        let scheduler = std::sync::Arc::clone(self.engine.scheduler());
        let at = match action {
            "snooze" => scheduler.snooze(self.user, self.now)?,
            "skip" => scheduler.skip_today(self.user, self.now)?,
            _ => {
                // Off in the profile; the commit takes the entry out of the due index.
                if let Some(p) = self.profile.as_mut() {
                    p.reminder = None;
                }
                self.say(Text::ReminderOff);
                self.reask_current();
                return Ok(());
            }
        };
        scheduler.changed().notify_one();
        let local = at.map(|t| super::profile::clock(t.to_zoned(self.zone()).time()));
        let said = if action == "snooze" {
            Text::ReminderSnoozed
        } else {
            Text::ReminderSkipped
        };
        let text = fill(
            self.script.text(said),
            &[("time", local.as_deref().unwrap_or(""))],
        );
        self.replies.push(Reply::text(text));
        self.reask_current();
        Ok(())
    }
}

impl Turn<'_> {
    /// The command another name stands for ("/hilfe"): in the user's language, in English,
    /// then in any language (a German speaker whose language is still English).
    fn command_named(&self, name: &str) -> Option<Command> {
        let all = self.engine.scripts.iter().map(|(_, s)| s);
        self.arg_scripts()
            .chain(all)
            .find_map(|s| s.understand.command_named(name))
    }

    /// Whether a command's words are `word` ("/checkin gestern"), in the user's language or
    /// in English.
    fn means(&self, args: &str, word: CommandWord) -> bool {
        self.arg_scripts()
            .any(|s| s.understand.command_word(args) == Some(word))
    }
}

/// Shortest start of a weekday's name that picks it: "mo", "so", "tu" (each is one day's
/// alone, in English and German).
const WEEKDAY_PREFIX: usize = 2;

impl Turn<'_> {
    /// /summary sunday (any weekday, its first letters, or "sundays") or /summary off.
    fn set_summary_day(&mut self, args: &str) {
        let wanted = args.trim().to_lowercase();
        // A weekday by its English key or its name in the user's language ("sonntag",
        // "so", "sonntags"), or "off" in their words or in English.
        let names = &self.script.plan.dates.weekdays;
        let named = |i: usize| names.get(i).map(|n| n.to_lowercase());
        let fits = |name: &str| name.starts_with(&wanted) || wanted.starts_with(name);
        let days: Vec<SummaryDay> = if wanted.chars().count() >= WEEKDAY_PREFIX {
            SummaryDay::iter()
                .enumerate()
                .filter(|(i, d)| {
                    *d != SummaryDay::Off && (fits(d.key()) || named(*i).is_some_and(|n| fits(&n)))
                })
                .map(|(_, d)| d)
                .collect()
        } else {
            Vec::new()
        };
        let day = match days.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
        .or_else(|| {
            self.arg_scripts()
                .any(|s| s.understand.is_off(&wanted))
                .then_some(SummaryDay::Off)
        });
        let (Some(day), Some(profile)) = (day, self.profile.as_mut()) else {
            self.say(Text::SummaryUsage);
            return;
        };
        profile.summary_day = day;
        if day == SummaryDay::Off {
            self.say(Text::SummaryOff);
            return;
        }
        let idx = SummaryDay::iter().position(|d| d == day).unwrap_or(0);
        let name = self
            .script
            .plan
            .dates
            .weekdays
            .get(idx)
            .cloned()
            .unwrap_or_default();
        let text = fill(self.script.text(Text::SummarySet), &[("day", &name)]);
        self.replies.push(Reply::text(text));
    }
}
