//! Today's plan from today's answers and the user's history: every rule of
//! ../shared/TRIAGE.md as a pure function, no I/O, no clock. The same inputs give the same plan.
//!
//! The plan is structured data (a level, the reasons that decided it, what to do, what to
//! avoid, which notes apply); wording lives in dialogs/ and is applied by `script::render`.
//!
//! Learning from history ("learn your own limits"):
//! - an activity reported as making the pain worse is left out for 14 days (`LeftOut`);
//! - an activity that went better three times is offered first (`Preferred`). A check-in
//!   whose "how did yesterday go?" answer is Better earns one *credit* for every activity the
//!   plan of the day before offered, when that plan was a session (Gentle, Lighter or Usual;
//!   not ActiveRest's walks around the house) and the day before has a check-in. Core support
//!   work goes with every session, so it earns nothing. Credits count over the check-ins of
//!   today and the 28 days before. On a Gentle, Lighter or Usual day with two or more options,
//!   the option with the most credits moves to the front when it has at least 3 and strictly
//!   more than every other option (a tie says nothing about which one helped); an activity
//!   left out as "made it worse" is not among the options, so it is never preferred.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::{Activity, Cleared, Feeling, Level, RedFlag};

mod history;
mod rules;
mod sessions;

pub use history::better_credits;
pub use rules::{episode_start, plan_yesterday, triage};

/// Why the plan came out at its level. Each reason names the answer or history fact that
/// decided it, so the plan can say "because you rated your pain 6 and it spreads into your leg".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Reason {
    /// A red flag was given (an emergency flag, or a see-a-doctor flag).
    Flag { flag: RedFlag },
    /// History of cancer together with a new episode of back pain.
    CancerNewEpisode,
    /// Pain of 7 or more that has not improved for 7 days.
    SevereNotImproving { days: i32 },
    /// An episode of over 6 weeks with no improving trend.
    LongEpisodeNotImproving,
    /// Not cleared by a doctor: the level is capped at Gentle.
    NotCleared { cleared: Cleared },
    /// The pain score itself decided the level.
    Pain { pain: u8 },
    /// The pain spreads into a buttock or down a leg.
    Spreads,
    /// Sharp, or burning or tingling, pain.
    Feeling { feeling: Feeling },
    /// An activity made the pain worse on `on` (within the last 3 days).
    WorseRecently { on: Date },
    /// Yesterday's activity made it worse two check-ins in a row.
    WorseTwiceInARow,
    /// First day after an ActiveRest or SeeDoctor day.
    BackFrom { level: Level },
    /// A check-in that ended before pain was rated (only with a red flag).
    PainNotRated,
}

/// How soon the doctor's appointment should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Fever or injury: today.
    Today,
    /// Everything else: soon.
    Soon,
}

/// How hard to go at a suggested activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intensity {
    /// The user's usual intensity (Usual level).
    Usual,
    /// Clearly lower than usual (Lighter level).
    Lower,
    /// Easy, in a comfortable range of movement (Gentle level).
    Easy,
}

/// One suggested activity with its duration in minutes (`min == max` for a single figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub activity: Activity,
    pub min_minutes: u16,
    pub max_minutes: u16,
    pub intensity: Intensity,
}

/// What to do today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Todo {
    /// Emergency: no exercise at all.
    Nothing,
    /// SeeDoctor: no workout until seen; only comfortable everyday movement, no bed rest.
    EverydayMovement,
    /// ActiveRest: short easy walks around the house several times a day, change position
    /// often, explicitly not bed rest.
    ActiveRest,
    /// A session: one of `options` (in order of preference), plus every item of `with`.
    Session { options: Vec<Item>, with: Vec<Item> },
}

/// Something to avoid today.
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
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Avoid {
    HeavyLifting,
    RepeatedBending,
    OverheadLifting,
    /// Running, jumping, contact sports.
    HighImpact,
}

/// An activity left out of today's plan because it made the pain worse on `reported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub activity: Activity,
    /// The check-in date on which the user said it made things worse.
    pub reported: Date,
}

/// An option moved to the front of today's session because the days after plans that offered
/// it went better (see the module documentation for the exact rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferred {
    pub activity: Activity,
    /// Its "went better" credits over today and the 28 days before (3 or more).
    pub times: u32,
}

/// Today's plan. Rendering adds the heading, the stop rule and the self-management reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub level: Level,
    /// The answers and history facts that decided the level, most important first.
    pub reasons: Vec<Reason>,
    /// SeeDoctor only.
    pub urgency: Option<Urgency>,
    pub todo: Todo,
    pub avoid: Vec<Avoid>,
    /// Ice or heat, massage, over-the-counter pain relief following the label
    /// (ActiveRest, Gentle, Lighter).
    pub home_therapies: bool,
    /// If pain increases while exercising, stop, and keep the next days lighter.
    pub stop_rule: bool,
    pub left_out: Vec<LeftOut>,
    /// The option put first because it went better three times or more (None: no such option,
    /// or fewer than two options to order).
    #[serde(default)]
    pub preferred: Option<Preferred>,
    /// Episode over 6 weeks: walking alone is not a long-term fix; see a physiotherapist.
    pub long_episode_note: bool,
    /// Not cleared: how to get cleared (at most once a week).
    pub clearance_note: bool,
    /// Usual level within 7 days of an episode's end: build back up over a few sessions.
    pub build_up_note: bool,
    /// First day of the current pain episode (None when pain-free today).
    pub episode_start: Option<Date>,
}

impl Plan {
    /// Every activity the plan suggests, for history ("which activity made it worse?").
    pub fn suggested(&self) -> Vec<Activity> {
        match &self.todo {
            Todo::Session { options, with } => {
                options.iter().chain(with).map(|i| i.activity).collect()
            }
            Todo::ActiveRest => vec![Activity::Walking],
            Todo::Nothing | Todo::EverydayMovement => Vec::new(),
        }
    }
}
