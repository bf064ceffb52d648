//! Conversation state: where each user is, kept in the Store so that a restart resumes every
//! conversation exactly where it was.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::model::{Activity, CheckIn, Cleared, Language, Question, RedFlag};

/// One user's conversation state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConvState {
    /// Bumped every time a question is asked. Buttons carry it, so a button from an older
    /// message is recognised as stale instead of answering the wrong question.
    pub seq: u32,
    pub flow: Flow,
}

/// What the conversation is doing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "flow")]
pub enum Flow {
    /// Waiting for a command or free text.
    #[default]
    Idle,
    /// First-time set-up, one question at a time.
    Onboarding { step: Question, draft: ProfileDraft },
    /// Editing one profile field (/profile, /remind, /timezone).
    Edit { step: Question, draft: ProfileDraft },
    /// Today's check-in.
    CheckIn {
        step: Question,
        /// The user's local date the check-in is for.
        date: Date,
        draft: CheckIn,
        #[serde(default)]
        ctx: CheckInCtx,
    },
    /// A yes/no confirmation; `resume` is where the conversation goes back to.
    Confirm {
        question: Question,
        /// The red flag being confirmed (ConfirmFlag only).
        flag: Option<RedFlag>,
        resume: Box<Flow>,
    },
}

/// A profile being filled in or edited.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileDraft {
    pub activities: Vec<Activity>,
    /// True once the activities question was answered (an empty list means "none").
    pub activities_done: bool,
    pub session_minutes: Option<u16>,
    pub cleared: Option<Cleared>,
    pub cancer_history: Option<bool>,
    pub time_zone: Option<String>,
    /// Zones offered when the user told their local time and several fit.
    pub tz_candidates: Vec<String>,
    /// Some(None) means "no reminder" was chosen. Serialized only when answered, and read
    /// back as Some even when it is `null`, so that choice survives a restart.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub reminder: Option<Option<Time>>,
    /// The language onboarding speaks (chosen, or the one it began in); the profile's later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// The language of an onboarding under way (under any confirmations), if one was set.
pub fn draft_language(flow: &Flow) -> Option<Language> {
    match flow {
        Flow::Onboarding { draft, .. } => draft.language,
        Flow::Confirm { resume, .. } => draft_language(resume),
        _ => None,
    }
}

/// Reads a field that is present (even as `null`) as `Some`, so `Some(None)` survives JSON.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// What a check-in needs from history, worked out once when it starts so that each answer
/// does not re-read the history.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckInCtx {
    /// A pain episode continues from earlier days: its length is derived, not asked.
    pub episode_continues: bool,
    /// The activities of yesterday's plan, when there was one ("how did yesterday go?").
    pub yesterday: Option<Vec<Activity>>,
    /// Red flags the user confirmed in free text during this check-in: "None of these" on
    /// the red-flag question does not take them back.
    pub text_flags: Vec<RedFlag>,
}
