//! messages.toml: everything the bot says outside questions and plans, keyed by `Text`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::DialogError;
use super::keyed::{by_variant, parse_toml};

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
    Tick,
    Chosen,
    GroupChat,
    Yes,
    No,
    /// The console's last line, after /quit or the end of input.
    Goodbye,
}

/// Parses messages.toml: every `Text` present, nothing unknown, nothing empty.
pub fn parse(text: &str, file: &str) -> Result<BTreeMap<Text, String>, DialogError> {
    let raw: BTreeMap<String, String> = parse_toml(text, file)?;
    if let Some((key, _)) = raw.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(DialogError::new(file, key.clone(), "must not be empty"));
    }
    by_variant(file, "", raw)
}
