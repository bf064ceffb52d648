//! The rows of the triage table, shared by the table itself (tests/triage_table.rs) and its
//! run through the Engine in both languages (languages.rs): every rule of
//! ../shared/TRIAGE.md as a row a clinician can read, with today's answers, the profile facts
//! and a compact history in, and the level, reasons and notes out. Today is always Wednesday
//! 12 March 2025; history is written as "days ago".

use backcheck::model::Activity::*;
use backcheck::model::Area::*;
use backcheck::model::Cleared::*;
use backcheck::model::Episode::*;
use backcheck::model::Feeling::*;
use backcheck::model::Level::*;
use backcheck::model::Outcome::*;
use backcheck::model::RedFlag::*;
use backcheck::model::{
    Activity, Area, CheckIn, Cleared, DayRecord, Episode, Feeling, Level, Outcome, Profile,
    RedFlag, Worst,
};
use backcheck::triage::{Avoid, Reason, Urgency};
use jiff::Timestamp;
use jiff::civil::{Date, date};

/// Today, for every row.
pub const TODAY: Date = date(2025, 3, 12);

/// The date `n` days before today (0 is today).
pub fn ago(n: i32) -> Date {
    TODAY
        .checked_sub(jiff::Span::new().days(i64::from(n)))
        .expect("test dates are in range")
}

// ---------------------------------------------------------------------------------------
// Reasons, written the way a clinician would say them.

pub fn pain(pain: u8) -> Reason {
    Reason::Pain { pain }
}
pub fn flag(flag: RedFlag) -> Reason {
    Reason::Flag { flag }
}
pub fn feels(feeling: Feeling) -> Reason {
    Reason::Feeling { feeling }
}
/// "An activity made it worse", as reported at the check-in `n` days ago (0: today).
pub fn worse_reported(n: i32) -> Reason {
    Reason::WorseRecently { on: ago(n) }
}
pub fn back_from(level: Level) -> Reason {
    Reason::BackFrom { level }
}
pub fn not_cleared(cleared: Cleared) -> Reason {
    Reason::NotCleared { cleared }
}
pub fn severe_for(days: i32) -> Reason {
    Reason::SevereNotImproving { days }
}

// ---------------------------------------------------------------------------------------
// History: one earlier check-in per `day(..)`, with its answers and the level it got.

/// One earlier check-in.
#[derive(Clone)]
pub struct Past {
    pub ago: i32,
    pub pain: Option<u8>,
    pub level: Level,
    /// How the day before that check-in went.
    pub yesterday: Option<Outcome>,
    /// Which activity made it worse, when it did.
    pub worse_activity: Option<Activity>,
    /// The episode that day belonged to started this many days before today.
    pub episode_since: Option<i32>,
    /// That day's plan carried the "how to get cleared" note.
    pub clearance_note: bool,
    /// The activities that day's plan offered (options, then core work).
    pub offered: &'static [Activity],
}

/// A check-in `ago` days before today with its pain score and the level it got.
pub fn day(ago: i32, pain: u8, level: Level) -> Past {
    Past {
        ago,
        pain: Some(pain),
        level,
        yesterday: None,
        worse_activity: None,
        episode_since: None,
        clearance_note: false,
        offered: &[],
    }
}

impl Past {
    /// At that check-in the user said the day before made it worse, because of `activity`.
    pub fn worse(self, activity: Activity) -> Past {
        Past {
            yesterday: Some(Worse),
            worse_activity: Some(activity),
            ..self
        }
    }
    /// At that check-in the user said the day before made it worse, not sure which activity.
    pub fn worse_unsure(self) -> Past {
        Past {
            yesterday: Some(Worse),
            ..self
        }
    }
    /// At that check-in the day before went `outcome`.
    pub fn went(self, outcome: Outcome) -> Past {
        Past {
            yesterday: Some(outcome),
            ..self
        }
    }
    /// That day belonged to an episode that began `n` days before today.
    pub fn episode_since(self, n: i32) -> Past {
        Past {
            episode_since: Some(n),
            ..self
        }
    }
    /// That day's plan showed the "how to get cleared" note.
    pub fn with_clearance_note(self) -> Past {
        Past {
            clearance_note: true,
            ..self
        }
    }
    /// That day's plan offered these activities.
    pub fn offered(self, offered: &'static [Activity]) -> Past {
        Past { offered, ..self }
    }

    pub fn record(&self) -> DayRecord {
        DayRecord {
            date: ago(self.ago),
            checkin: CheckIn {
                pain: self.pain,
                yesterday: self.yesterday,
                worse_activity: self.worse_activity,
                ..CheckIn::default()
            },
            level: self.level,
            episode_start: self.episode_since.map(ago),
            suggested: self.offered.to_vec(),
            clearance_note: self.clearance_note,
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The table.

/// One case: answers, profile and history in; level, reasons and notes out.
pub struct Row {
    pub what: &'static str,
    // Today's answers.
    pub pain: Option<u8>,
    pub area: Option<Area>,
    pub spreads: Option<bool>,
    pub feeling: Option<Feeling>,
    pub worst: Option<Worst>,
    pub episode: Option<Episode>,
    pub flags: &'static [RedFlag],
    pub yesterday: Option<Outcome>,
    pub worse_activity: Option<Activity>,
    // Profile.
    pub cleared: Cleared,
    pub cancer: bool,
    pub usual: &'static [Activity],
    // Earlier check-ins.
    pub history: Vec<Past>,
    // Expected.
    pub level: Level,
    pub reasons: Vec<Reason>,
    pub urgency: Option<Urgency>,
    /// (activity, reported how many days ago) of each activity left out, by activity.
    pub left_out: Vec<(Activity, i32)>,
    /// Checked only when given; every row also checks the per-level contents below.
    pub avoid: Option<Vec<Avoid>>,
    pub long_episode_note: bool,
    pub clearance_note: bool,
    pub build_up_note: bool,
    /// Today's options in order, checked only when given.
    pub options: Option<Vec<Activity>>,
    /// The option put first because it went better, with its count of better days.
    pub preferred: Option<(Activity, u32)>,
}

/// The defaults every row starts from: a cleared user without cancer history who usually
/// runs and lifts weights, no history, and no notes expected.
pub fn row() -> Row {
    Row {
        what: "",
        pain: None,
        area: None,
        spreads: None,
        feeling: None,
        worst: None,
        episode: None,
        flags: &[],
        yesterday: None,
        worse_activity: None,
        cleared: Yes,
        cancer: false,
        usual: &[Running, WeightLifting],
        history: Vec::new(),
        level: Usual,
        reasons: Vec::new(),
        urgency: None,
        left_out: Vec::new(),
        avoid: None,
        long_episode_note: false,
        clearance_note: false,
        build_up_note: false,
        options: None,
        preferred: None,
    }
}

pub const FULL_AVOID: [Avoid; 4] = [
    Avoid::HeavyLifting,
    Avoid::RepeatedBending,
    Avoid::OverheadLifting,
    Avoid::HighImpact,
];
pub const BACK_AVOID: [Avoid; 3] = [
    Avoid::HeavyLifting,
    Avoid::RepeatedBending,
    Avoid::OverheadLifting,
];

pub fn rows() -> Vec<Row> {
    vec![
        // ---- 1. Emergency: any emergency flag, never softened. ----
        Row {
            what: "bladder control lost, check-in ended before pain was rated",
            flags: &[BladderBowel],
            level: Emergency,
            reasons: vec![flag(BladderBowel)],
            avoid: Some(vec![]),
            ..row()
        },
        Row {
            what: "numbness around the genitals with mild pain",
            pain: Some(2),
            area: Some(LowerBack),
            flags: &[SaddleNumbness],
            level: Emergency,
            reasons: vec![flag(SaddleNumbness)],
            ..row()
        },
        Row {
            what: "both legs numb and a fever: emergency; the fever is not an emergency reason",
            pain: Some(6),
            flags: &[BothLegs, Fever],
            level: Emergency,
            reasons: vec![flag(BothLegs)],
            ..row()
        },
        Row {
            what: "chest pain, worsening leg weakness, serious accident: all listed in order",
            pain: Some(8),
            flags: &[ChestPain, SeriousAccident, LegWeakening],
            level: Emergency,
            reasons: vec![flag(LegWeakening), flag(SeriousAccident), flag(ChestPain)],
            ..row()
        },
        Row {
            what: "chest pain on a pain-free, cleared day after a good week: still emergency",
            pain: Some(0),
            flags: &[ChestPain],
            history: vec![day(1, 0, Usual).went(Better), day(2, 0, Usual)],
            level: Emergency,
            reasons: vec![flag(ChestPain)],
            ..row()
        },
        Row {
            what: "emergency during a 6-week episode, not cleared, cancer history: no notes",
            pain: Some(5),
            episode: Some(OverSixWeeks),
            flags: &[LegWeakening],
            cleared: NotYet,
            cancer: true,
            level: Emergency,
            reasons: vec![flag(LegWeakening)],
            ..row()
        },
        // ---- 2. See a doctor: flags. ----
        Row {
            what: "fever: see a doctor today",
            pain: Some(3),
            flags: &[Fever],
            level: SeeDoctor,
            reasons: vec![flag(Fever)],
            urgency: Some(Urgency::Today),
            avoid: Some(BACK_AVOID.to_vec()),
            ..row()
        },
        Row {
            what: "a fall onto the back since the pain began: today",
            pain: Some(5),
            flags: &[Injury],
            level: SeeDoctor,
            reasons: vec![flag(Injury)],
            urgency: Some(Urgency::Today),
            ..row()
        },
        Row {
            what: "suspected broken bone or torn ligament: today",
            pain: Some(7),
            flags: &[FractureOrTear],
            level: SeeDoctor,
            reasons: vec![flag(FractureOrTear)],
            urgency: Some(Urgency::Today),
            ..row()
        },
        Row {
            what: "unexplained weight loss with mild pain: soon",
            pain: Some(2),
            flags: &[WeightLoss],
            level: SeeDoctor,
            reasons: vec![flag(WeightLoss)],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "night pain and swelling of the back: soon, both named",
            pain: Some(4),
            worst: Some(Worst::NightRest),
            flags: &[NightPain, Swelling],
            level: SeeDoctor,
            reasons: vec![flag(Swelling), flag(NightPain)],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "weight loss with a pain-free back: still see a doctor",
            pain: Some(0),
            flags: &[WeightLoss],
            level: SeeDoctor,
            reasons: vec![flag(WeightLoss)],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "not cleared with a fever: see a doctor, no clearance note on that level",
            pain: Some(2),
            flags: &[Fever],
            cleared: NotYet,
            level: SeeDoctor,
            reasons: vec![flag(Fever)],
            urgency: Some(Urgency::Today),
            ..row()
        },
        // ---- 2. See a doctor: cancer history with a new episode. ----
        Row {
            what: "cancer history, back pain that started today",
            pain: Some(3),
            episode: Some(StartedToday),
            cancer: true,
            level: SeeDoctor,
            reasons: vec![Reason::CancerNewEpisode],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "cancer history, episode of 1-6 weeks answered today",
            pain: Some(2),
            episode: Some(UpToSixWeeks),
            cancer: true,
            level: SeeDoctor,
            reasons: vec![Reason::CancerNewEpisode],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "cancer history, episode continuing from 10 days ago (derived)",
            pain: Some(4),
            cancer: true,
            history: vec![day(2, 4, Gentle).episode_since(10)],
            level: SeeDoctor,
            reasons: vec![Reason::CancerNewEpisode],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "cancer history, pain-free today: no episode, usual routine",
            pain: Some(0),
            cancer: true,
            level: Usual,
            ..row()
        },
        Row {
            what: "cancer history, 60-day episode improving (6 then 4 and 3): not new, lighter",
            pain: Some(3),
            cancer: true,
            history: vec![
                day(10, 6, Gentle).episode_since(60),
                day(3, 4, Gentle).episode_since(60),
            ],
            level: Lighter,
            reasons: vec![pain(3)],
            long_episode_note: true,
            ..row()
        },
        // ---- 2. See a doctor: severe pain not improving for 7 days. ----
        Row {
            what: "pain 8, and 7+ every check-in since a week ago (8, 9, 7)",
            pain: Some(8),
            history: vec![
                day(7, 8, ActiveRest),
                day(4, 9, ActiveRest),
                day(1, 7, ActiveRest),
            ],
            level: SeeDoctor,
            reasons: vec![severe_for(7)],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "pain 9 today, 9 ten days ago and 8 five days ago: 10 days without improving",
            pain: Some(9),
            history: vec![day(10, 9, ActiveRest), day(5, 8, ActiveRest)],
            level: SeeDoctor,
            reasons: vec![severe_for(10)],
            urgency: Some(Urgency::Soon),
            ..row()
        },
        Row {
            what: "pain 8 a week ago, 5 four days ago, 8 today: it did ease, active rest",
            pain: Some(8),
            history: vec![day(7, 8, ActiveRest), day(4, 5, Gentle)],
            level: ActiveRest,
            reasons: vec![pain(8)],
            ..row()
        },
        Row {
            what: "severe pain for 6 days only: active rest",
            pain: Some(8),
            history: vec![day(6, 8, ActiveRest), day(3, 9, ActiveRest)],
            level: ActiveRest,
            reasons: vec![pain(8)],
            ..row()
        },
        Row {
            what: "pain 6 eight days ago, 8 since: the week-old day was not severe",
            pain: Some(8),
            history: vec![day(8, 6, Gentle), day(3, 8, ActiveRest)],
            level: ActiveRest,
            reasons: vec![pain(8)],
            ..row()
        },
        Row {
            what: "a week of pain 8 but 6 today: gentle, not see a doctor",
            pain: Some(6),
            history: vec![day(7, 8, ActiveRest), day(1, 8, ActiveRest)],
            level: Gentle,
            reasons: vec![pain(6), back_from(ActiveRest)],
            avoid: Some(FULL_AVOID.to_vec()),
            ..row()
        },
        // ---- 2. See a doctor: an episode over 6 weeks with no improving trend. ----
        Row {
            what: "episode over 6 weeks answered today, no earlier ratings: no trend to see",
            pain: Some(3),
            episode: Some(OverSixWeeks),
            level: SeeDoctor,
            reasons: vec![Reason::LongEpisodeNotImproving],
            urgency: Some(Urgency::Soon),
            long_episode_note: true,
            ..row()
        },
        Row {
            what: "50-day episode from history, pain flat at 4",
            pain: Some(4),
            history: vec![
                day(10, 4, Gentle).episode_since(50),
                day(3, 4, Gentle).episode_since(50),
            ],
            level: SeeDoctor,
            reasons: vec![Reason::LongEpisodeNotImproving],
            urgency: Some(Urgency::Soon),
            long_episode_note: true,
            ..row()
        },
        Row {
            what: "50-day episode, only half a point better (5 then 4 and 5)",
            pain: Some(5),
            history: vec![
                day(10, 5, Gentle).episode_since(50),
                day(3, 4, Gentle).episode_since(50),
            ],
            level: SeeDoctor,
            reasons: vec![Reason::LongEpisodeNotImproving],
            urgency: Some(Urgency::Soon),
            long_episode_note: true,
            ..row()
        },
        Row {
            what: "50-day episode, a full point better (4 then 3 and 3): lighter, long note",
            pain: Some(3),
            history: vec![
                day(9, 4, Gentle).episode_since(50),
                day(2, 3, Lighter).episode_since(50),
            ],
            level: Lighter,
            reasons: vec![pain(3)],
            long_episode_note: true,
            ..row()
        },
        Row {
            what: "episode of exactly 42 days is not over 6 weeks",
            pain: Some(4),
            history: vec![day(1, 4, Gentle).episode_since(42)],
            level: Gentle,
            reasons: vec![pain(4)],
            ..row()
        },
        Row {
            what: "episode of 43 days is over 6 weeks, with no earlier week to compare",
            pain: Some(4),
            history: vec![day(1, 4, Gentle).episode_since(43)],
            level: SeeDoctor,
            reasons: vec![Reason::LongEpisodeNotImproving],
            urgency: Some(Urgency::Soon),
            long_episode_note: true,
            ..row()
        },
        Row {
            what: "fever, night pain, cancer history, pain 9 for 8 days: every reason, flags first",
            pain: Some(9),
            flags: &[NightPain, Fever],
            cancer: true,
            history: vec![
                day(8, 9, ActiveRest).episode_since(8),
                day(1, 8, ActiveRest).episode_since(8),
            ],
            level: SeeDoctor,
            reasons: vec![
                flag(Fever),
                flag(NightPain),
                Reason::CancerNewEpisode,
                severe_for(8),
            ],
            urgency: Some(Urgency::Today),
            ..row()
        },
        // ---- 4. Active rest. ----
        Row {
            what: "pain 7",
            pain: Some(7),
            level: ActiveRest,
            reasons: vec![pain(7)],
            avoid: Some(FULL_AVOID.to_vec()),
            ..row()
        },
        Row {
            what: "pain 10, sharp and spreading: only the pain decides active rest",
            pain: Some(10),
            spreads: Some(true),
            feeling: Some(Sharp),
            level: ActiveRest,
            reasons: vec![pain(10)],
            ..row()
        },
        Row {
            what: "mild pain, but exercise made it worse at this and the previous check-in",
            pain: Some(2),
            yesterday: Some(Worse),
            history: vec![day(1, 3, Gentle).worse_unsure()],
            level: ActiveRest,
            reasons: vec![Reason::WorseTwiceInARow],
            ..row()
        },
        Row {
            what: "pain 8 and worse twice in a row (running today, walking before): both reasons",
            pain: Some(8),
            yesterday: Some(Worse),
            worse_activity: Some(Running),
            history: vec![day(1, 5, Gentle).worse(Walking)],
            level: ActiveRest,
            reasons: vec![pain(8), Reason::WorseTwiceInARow],
            ..row()
        },
        Row {
            what: "worse at two check-ins in a row even with 5 days between them",
            pain: Some(1),
            yesterday: Some(Worse),
            history: vec![day(5, 2, Lighter).worse_unsure()],
            level: ActiveRest,
            reasons: vec![Reason::WorseTwiceInARow],
            ..row()
        },
        Row {
            what: "not cleared, pain 8: active rest with the clearance note",
            pain: Some(8),
            cleared: NotYet,
            level: ActiveRest,
            reasons: vec![pain(8)],
            clearance_note: true,
            ..row()
        },
        // ---- 5. Gentle. ----
        Row {
            what: "pain 4, dull ache",
            pain: Some(4),
            feeling: Some(DullAche),
            level: Gentle,
            reasons: vec![pain(4)],
            avoid: Some(FULL_AVOID.to_vec()),
            ..row()
        },
        Row {
            what: "pain 6 spreading into the leg",
            pain: Some(6),
            spreads: Some(true),
            level: Gentle,
            reasons: vec![pain(6), Reason::Spreads],
            ..row()
        },
        Row {
            what: "pain 2 spreading, burning or tingling",
            pain: Some(2),
            spreads: Some(true),
            feeling: Some(BurningTingling),
            level: Gentle,
            reasons: vec![Reason::Spreads, feels(BurningTingling)],
            ..row()
        },
        Row {
            what: "pain 3, sharp, in the neck",
            pain: Some(3),
            area: Some(Neck),
            feeling: Some(Sharp),
            level: Gentle,
            reasons: vec![feels(Sharp)],
            ..row()
        },
        Row {
            what: "worse today but the previous check-in went the same: gentle, not active rest",
            pain: Some(2),
            yesterday: Some(Worse),
            history: vec![day(1, 2, Lighter).went(Same)],
            level: Gentle,
            reasons: vec![worse_reported(0)],
            ..row()
        },
        Row {
            what: "worse today and two days ago, better in between: both reports, newest first",
            pain: Some(2),
            yesterday: Some(Worse),
            history: vec![
                day(2, 3, Gentle).worse_unsure(),
                day(1, 3, Gentle).went(Better),
            ],
            level: Gentle,
            reasons: vec![worse_reported(0), worse_reported(2)],
            ..row()
        },
        Row {
            what: "running made it worse (said yesterday): gentle; running is no gentle option",
            pain: Some(1),
            history: vec![day(1, 2, Gentle).worse(Running)],
            level: Gentle,
            reasons: vec![worse_reported(1)],
            left_out: vec![],
            ..row()
        },
        Row {
            what: "worse reported two days ago: still the third gentle day",
            pain: Some(1),
            history: vec![
                day(2, 1, Gentle).worse_unsure(),
                day(1, 1, Gentle).went(Same),
            ],
            level: Gentle,
            reasons: vec![worse_reported(2)],
            ..row()
        },
        Row {
            what: "worse reported three days ago: back to lighter",
            pain: Some(1),
            history: vec![
                day(3, 1, Gentle).worse_unsure(),
                day(1, 1, Gentle).went(Same),
            ],
            level: Lighter,
            reasons: vec![pain(1)],
            ..row()
        },
        Row {
            what: "first day back after an active rest day",
            pain: Some(2),
            history: vec![day(1, 7, ActiveRest)],
            level: Gentle,
            reasons: vec![back_from(ActiveRest)],
            ..row()
        },
        Row {
            what: "pain-free, last check-in 5 days ago said see a doctor: gentle first day back",
            pain: Some(0),
            history: vec![day(5, 3, SeeDoctor)],
            level: Gentle,
            reasons: vec![back_from(SeeDoctor)],
            ..row()
        },
        Row {
            what: "first check-in after an emergency 3 days ago",
            pain: Some(3),
            history: vec![day(3, 5, Emergency)],
            level: Gentle,
            reasons: vec![back_from(Emergency)],
            ..row()
        },
        Row {
            what: "last check-in was active rest 15 days ago: too long ago to count",
            pain: Some(0),
            history: vec![day(15, 8, ActiveRest)],
            level: Usual,
            ..row()
        },
        Row {
            what: "active rest two days ago, gentle yesterday: not the first day back",
            pain: Some(2),
            history: vec![day(2, 7, ActiveRest), day(1, 4, Gentle)],
            level: Lighter,
            reasons: vec![pain(2)],
            ..row()
        },
        Row {
            what: "pain 5, sharp, spreading, walking made it worse, back from active rest",
            pain: Some(5),
            spreads: Some(true),
            feeling: Some(Sharp),
            yesterday: Some(Worse),
            worse_activity: Some(Walking),
            usual: &[Walking],
            history: vec![day(1, 7, ActiveRest)],
            level: Gentle,
            reasons: vec![
                pain(5),
                Reason::Spreads,
                feels(Sharp),
                worse_reported(0),
                back_from(ActiveRest),
            ],
            left_out: vec![(Walking, 0)],
            ..row()
        },
        Row {
            what: "pain not rated and no flag (cannot happen in a check-in): gentle",
            level: Gentle,
            reasons: vec![Reason::PainNotRated],
            ..row()
        },
        // ---- 3. Not cleared by a doctor: capped at Gentle. ----
        Row {
            what: "not yet cleared, pain 2: gentle instead of lighter, with the clearance note",
            pain: Some(2),
            cleared: NotYet,
            level: Gentle,
            reasons: vec![pain(2), not_cleared(NotYet)],
            clearance_note: true,
            ..row()
        },
        Row {
            what: "doesn't know if cleared, pain-free after a painful week: gentle, no build-up",
            pain: Some(0),
            cleared: DontKnow,
            history: vec![day(3, 2, Gentle)],
            level: Gentle,
            reasons: vec![not_cleared(DontKnow)],
            clearance_note: true,
            ..row()
        },
        Row {
            what: "not cleared, clearance note shown 6 days ago: not repeated yet",
            pain: Some(0),
            cleared: NotYet,
            history: vec![day(6, 0, Gentle).with_clearance_note()],
            level: Gentle,
            reasons: vec![not_cleared(NotYet)],
            ..row()
        },
        Row {
            what: "not cleared, clearance note shown 7 days ago: shown again",
            pain: Some(0),
            cleared: NotYet,
            history: vec![day(7, 0, Gentle).with_clearance_note()],
            level: Gentle,
            reasons: vec![not_cleared(NotYet)],
            clearance_note: true,
            ..row()
        },
        Row {
            what: "not cleared, pain 5: gentle by pain alone, the cap adds no reason",
            pain: Some(5),
            cleared: NotYet,
            level: Gentle,
            reasons: vec![pain(5)],
            clearance_note: true,
            ..row()
        },
        // ---- 6. Lighter and 7. Usual. ----
        Row {
            what: "pain 1",
            pain: Some(1),
            level: Lighter,
            reasons: vec![pain(1)],
            avoid: Some(BACK_AVOID.to_vec()),
            ..row()
        },
        Row {
            what: "pain 3, dull ache after sitting, not spreading",
            pain: Some(3),
            spreads: Some(false),
            feeling: Some(DullAche),
            worst: Some(Worst::AfterSitting),
            level: Lighter,
            reasons: vec![pain(3)],
            ..row()
        },
        Row {
            what: "pain-free, last pain 8 days ago: usual routine, no build-up",
            pain: Some(0),
            history: vec![day(8, 3, Lighter)],
            level: Usual,
            avoid: Some(vec![]),
            ..row()
        },
        Row {
            what: "pain-free, pain 2 seven days ago: usual routine, build back up",
            pain: Some(0),
            history: vec![day(7, 2, Lighter)],
            level: Usual,
            build_up_note: true,
            ..row()
        },
        // ---- Left out: activities that made it worse in the last 14 days. ----
        Row {
            what: "running made it worse 5 days ago: left out of a lighter day",
            pain: Some(2),
            usual: &[Running, Cycling],
            history: vec![day(5, 2, Lighter).worse(Running)],
            level: Lighter,
            reasons: vec![pain(2)],
            left_out: vec![(Running, 5)],
            ..row()
        },
        Row {
            what: "running made it worse 14 days ago: still left out",
            pain: Some(0),
            usual: &[Running, Cycling],
            history: vec![day(14, 2, Lighter).worse(Running)],
            level: Usual,
            left_out: vec![(Running, 14)],
            ..row()
        },
        Row {
            what: "running made it worse 15 days ago: suggested again",
            pain: Some(0),
            usual: &[Running, Cycling],
            history: vec![day(15, 2, Lighter).worse(Running)],
            level: Usual,
            ..row()
        },
        Row {
            what: "core work made it worse 10 and 4 days ago: the latest report is named",
            pain: Some(2),
            history: vec![
                day(10, 2, Lighter).worse(CoreWork),
                day(4, 2, Lighter).worse(CoreWork),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            left_out: vec![(CoreWork, 4)],
            ..row()
        },
        Row {
            what: "yoga made it worse today on a gentle day: beginners' yoga stays, yoga not listed",
            pain: Some(5),
            yesterday: Some(Worse),
            worse_activity: Some(YogaPilates),
            usual: &[YogaPilates],
            level: Gentle,
            reasons: vec![pain(5), worse_reported(0)],
            ..row()
        },
        Row {
            what: "swimming and weight lifting made it worse: both left out, by activity",
            pain: Some(0),
            usual: &[Swimming, WeightLifting, Walking],
            history: vec![
                day(9, 1, Lighter).worse(Swimming),
                day(6, 1, Lighter).worse(WeightLifting),
            ],
            level: Usual,
            left_out: vec![(WeightLifting, 6), (Swimming, 9)],
            build_up_note: true,
            ..row()
        },
        // ---- Preferred: an activity that went better three times comes first. A day "went
        // better" when the next check-in said so; the plan of that day offered the activity.
        Row {
            what: "plans offering walking went better 3 times: walking first on a lighter day",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(9, 2, Lighter).offered(&[Walking, CoreWork]),
                day(8, 2, Lighter).went(Better),
                day(7, 2, Lighter).offered(&[Walking, CoreWork]),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Walking, Running]),
            preferred: Some((Walking, 3)),
            ..row()
        },
        Row {
            what: "walking went better only twice: the usual order",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(7, 2, Lighter).offered(&[Walking, CoreWork]),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "better said 28, 26 and 24 days ago: all within the 4 weeks, walking first",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(29, 2, Lighter).offered(&[Walking, CoreWork]),
                day(28, 2, Lighter).went(Better),
                day(27, 2, Lighter).offered(&[Walking, CoreWork]),
                day(26, 2, Lighter).went(Better),
                day(25, 2, Lighter).offered(&[Walking, CoreWork]),
                day(24, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Walking, Running]),
            preferred: Some((Walking, 3)),
            ..row()
        },
        Row {
            what: "better said 29, 27 and 25 days ago: the oldest is too old, the usual order",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(30, 2, Lighter).offered(&[Walking, CoreWork]),
                day(29, 2, Lighter).went(Better),
                day(28, 2, Lighter).offered(&[Walking, CoreWork]),
                day(27, 2, Lighter).went(Better),
                day(26, 2, Lighter).offered(&[Walking, CoreWork]),
                day(25, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "today's answer counts: better today and after the plans of 5 and 3 days ago",
            pain: Some(2),
            yesterday: Some(Better),
            usual: &[Running, Walking],
            history: vec![
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
                day(3, 2, Lighter).offered(&[Walking, CoreWork]),
                day(2, 2, Lighter).went(Better),
                day(1, 2, Lighter).offered(&[Walking, CoreWork]),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Walking, Running]),
            preferred: Some((Walking, 3)),
            ..row()
        },
        Row {
            what: "better twice and 'the same' once: only two better days, the usual order",
            pain: Some(2),
            yesterday: Some(Same),
            usual: &[Running, Walking],
            history: vec![
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
                day(3, 2, Lighter).offered(&[Walking, CoreWork]),
                day(2, 2, Lighter).went(Better),
                day(1, 2, Lighter).offered(&[Walking, CoreWork]),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "better 3 times, but one of those days had no check-in the day before",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(9, 2, Lighter).offered(&[Walking, CoreWork]),
                day(8, 2, Lighter).went(Better),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "running and walking were offered together before 3 better days: a tie, no change",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(7, 2, Lighter).offered(&[Running, Walking, CoreWork]),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Running, Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
                day(3, 2, Lighter).offered(&[Running, Walking, CoreWork]),
                day(2, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "better 3 times after active rest days (walks around the house): no credit",
            pain: Some(2),
            usual: &[Running, Walking],
            history: vec![
                day(9, 7, ActiveRest).offered(&[Walking]),
                day(8, 2, Lighter).went(Better),
                day(7, 7, ActiveRest).offered(&[Walking]),
                day(6, 2, Lighter).went(Better),
                day(5, 7, ActiveRest).offered(&[Walking]),
                day(4, 2, Lighter).went(Better),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            options: Some(vec![Running, Walking]),
            ..row()
        },
        Row {
            what: "walking went better 3 times but made it worse 10 days ago: left out, not first",
            pain: Some(2),
            usual: &[Running, Cycling, Walking],
            history: vec![
                day(16, 2, Lighter).offered(&[Walking, CoreWork]),
                day(15, 2, Lighter).went(Better),
                day(14, 2, Lighter).offered(&[Walking, CoreWork]),
                day(13, 2, Lighter).went(Better),
                day(12, 2, Lighter).offered(&[Walking, CoreWork]),
                day(11, 2, Lighter).went(Better),
                day(10, 2, Lighter).worse(Walking),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            left_out: vec![(Walking, 10)],
            options: Some(vec![Running, Cycling]),
            ..row()
        },
        Row {
            what: "walking made it worse yesterday: a gentle day, and cycling (3 better days) is no gentle option",
            pain: Some(2),
            usual: &[Running, Cycling, Walking],
            history: vec![
                day(9, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(8, 2, Lighter).went(Better),
                day(7, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(4, 2, Lighter).went(Better),
                day(3, 2, Lighter).offered(&[Walking, CoreWork]),
                day(2, 2, Lighter).went(Better),
                day(1, 2, Lighter).worse(Walking),
            ],
            level: Gentle,
            reasons: vec![worse_reported(1)],
            left_out: vec![(Walking, 1)],
            options: Some(vec![AquaticExercise, LightStretching, BeginnersYoga]),
            ..row()
        },
        Row {
            what: "cycling went better 3 times, walking 4 but made it worse 5 days ago: cycling first",
            pain: Some(2),
            usual: &[Running, Cycling, Walking],
            history: vec![
                day(13, 2, Lighter).offered(&[Walking, CoreWork]),
                day(12, 2, Lighter).went(Better),
                day(11, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(10, 2, Lighter).went(Better),
                day(9, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(8, 2, Lighter).went(Better),
                day(7, 2, Lighter).offered(&[Walking, Cycling, CoreWork]),
                day(6, 2, Lighter)
                    .went(Better)
                    .offered(&[Walking, CoreWork]),
                day(5, 2, Lighter).worse(Walking),
            ],
            level: Lighter,
            reasons: vec![pain(2)],
            left_out: vec![(Walking, 5)],
            options: Some(vec![Cycling, Running]),
            preferred: Some((Cycling, 3)),
            ..row()
        },
        Row {
            what: "gentle day: aquatic exercise went better 3 times, first before beginners' yoga",
            pain: Some(5),
            usual: &[YogaPilates],
            history: vec![
                day(7, 5, Gentle).offered(&[AquaticExercise, CoreWork]),
                day(6, 5, Gentle).went(Better),
                day(5, 5, Gentle).offered(&[AquaticExercise, CoreWork]),
                day(4, 5, Gentle).went(Better),
                day(3, 5, Gentle).offered(&[AquaticExercise, CoreWork]),
                day(2, 5, Gentle).went(Better),
            ],
            level: Gentle,
            reasons: vec![pain(5)],
            options: Some(vec![
                AquaticExercise,
                BeginnersYoga,
                Walking,
                LightStretching,
            ]),
            preferred: Some((AquaticExercise, 3)),
            ..row()
        },
        Row {
            what: "not cleared, capped at gentle: light stretching went better 3 times, first",
            pain: Some(2),
            cleared: NotYet,
            usual: &[Walking],
            history: vec![
                day(7, 2, Gentle).offered(&[LightStretching, CoreWork]),
                day(6, 2, Gentle).went(Better),
                day(5, 2, Gentle).offered(&[LightStretching, CoreWork]),
                day(4, 2, Gentle).went(Better),
                day(3, 2, Gentle).offered(&[LightStretching, CoreWork]),
                day(2, 2, Gentle).went(Better),
            ],
            level: Gentle,
            reasons: vec![pain(2), not_cleared(NotYet)],
            clearance_note: true,
            options: Some(vec![
                LightStretching,
                Walking,
                AquaticExercise,
                BeginnersYoga,
            ]),
            preferred: Some((LightStretching, 3)),
            ..row()
        },
        Row {
            what: "usual day: cycling went better 3 times, first of the usual routine",
            pain: Some(0),
            usual: &[Running, Cycling],
            history: vec![
                day(7, 0, Usual).offered(&[Cycling, CoreWork]),
                day(6, 0, Usual).went(Better),
                day(5, 0, Usual).offered(&[Cycling, CoreWork]),
                day(4, 0, Usual).went(Better),
                day(3, 0, Usual).offered(&[Cycling, CoreWork]),
                day(2, 0, Usual).went(Better),
            ],
            level: Usual,
            options: Some(vec![Cycling, Running]),
            preferred: Some((Cycling, 3)),
            ..row()
        },
        Row {
            what: "active rest today (pain 8): nothing to choose from, nothing preferred",
            pain: Some(8),
            usual: &[Running, Walking],
            history: vec![
                day(7, 2, Lighter).offered(&[Walking, CoreWork]),
                day(6, 2, Lighter).went(Better),
                day(5, 2, Lighter).offered(&[Walking, CoreWork]),
                day(4, 2, Lighter).went(Better),
                day(3, 2, Lighter).offered(&[Walking, CoreWork]),
                day(2, 2, Lighter).went(Better),
            ],
            level: ActiveRest,
            reasons: vec![pain(8)],
            ..row()
        },
    ]
}

/// Today's check-in as the row answers it.
pub fn checkin_of(row: &Row) -> CheckIn {
    CheckIn {
        pain: row.pain,
        area: row.area,
        spreads: row.spreads,
        feeling: row.feeling,
        worst: row.worst,
        episode: row.episode,
        red_flags: row.flags.to_vec(),
        yesterday: row.yesterday,
        worse_activity: row.worse_activity,
    }
}

/// A profile with the given facts, 60-minute sessions.
pub fn profile(cleared: Cleared, cancer: bool, usual: &[Activity]) -> Profile {
    Profile {
        activities: usual.to_vec(),
        session_minutes: 60,
        cleared,
        cancer_history: cancer,
        time_zone: "Europe/Berlin".to_owned(),
        reminder: None,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}
