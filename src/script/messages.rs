//! messages.toml: everything the bot says outside questions and plans, keyed by `Text`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::DialogError;
use super::keyed::{by_variant, parse_toml};
use crate::model::Action;

/// Every message that is not a question or a plan.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Text {
    Welcome,
    WelcomeBack,
    SetupFirst,
    FinishSetupFirst,
    OnboardingDone,
    ProfileSummary,
    NoActivities,
    NoReminder,
    ProfileIntro,
    ProfileSaved,
    ProfileUnchanged,
    ReadyForCheckin,
    CheckinIntro,
    LateCheckinIntro,
    LateCheckinClosed,
    LateCheckinExists,
    LateCheckinRecorded,
    Help,
    CancelledCheckin,
    CancelledSetup,
    Cancelled,
    NothingToCancel,
    NoPlanYet,
    InCheckin,
    KeepToday,
    StaleButton,
    StaleIdle,
    Unsupported,
    NotUnderstood,
    UnknownCommand,
    FlagNotConfirmed,
    FlagRecorded,
    Forgotten,
    KeptData,
    ExportCaption,
    HistoryEmpty,
    HistoryUsage,
    ReminderSet,
    ReminderOff,
    SummarySet,
    SummaryOff,
    SummaryUsage,
    Reminder,
    ReminderSnoozed,
    ReminderSkipped,
    NoReminderSet,
    TimezoneSet,
    Error,
    ButtonCheckin,
    ButtonToday,
    ButtonHelp,
    ButtonProfile,
    ButtonSnooze,
    ButtonSkip,
    ButtonStop,
    ButtonLater,
    /// The answer to "Later" on an offer: polite, and nothing changes.
    LaterOk,
    /// The answer to /language, in the language just chosen.
    LanguageSet,
    /// The command menu's descriptions (setMyCommands), one per command.
    CommandStart,
    CommandCheckin,
    CommandToday,
    CommandHistory,
    CommandRemind,
    CommandTimezone,
    CommandProfile,
    CommandExport,
    CommandForget,
    CommandCancel,
    CommandHelp,
    CommandSummary,
    CommandLanguage,
    Tick,
    Chosen,
    GroupChat,
    Yes,
    No,
    /// The console's last line, after /quit or the end of input.
    Goodbye,
    /// The console's note under an export: where the file was saved.
    ExportSaved,
}

impl Text {
    /// The label of an action's button.
    pub fn button(action: Action) -> Text {
        match action {
            Action::Checkin => Text::ButtonCheckin,
            Action::Today => Text::ButtonToday,
            Action::Help => Text::ButtonHelp,
            Action::Profile => Text::ButtonProfile,
            Action::Snooze => Text::ButtonSnooze,
            Action::Skip => Text::ButtonSkip,
            Action::Stop => Text::ButtonStop,
            Action::Later => Text::ButtonLater,
        }
    }
}

/// Parses messages.toml: every `Text` present, nothing unknown, nothing empty.
pub fn parse(text: &str, file: &str) -> Result<BTreeMap<Text, String>, DialogError> {
    let raw: BTreeMap<String, String> = parse_toml(text, file)?;
    if let Some((key, _)) = raw.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(DialogError::new(file, key.clone(), "must not be empty"));
    }
    by_variant(file, "", raw)
}
