//! The triage table: every rule of ../shared/TRIAGE.md as a row a clinician can read, with
//! today's answers, the profile facts and a compact history in, and the level, reasons and
//! notes out. Today is always Wednesday 12 March 2025; history is written as "days ago".
//!
//! Below the table, focused tests pin down what each plan contains (durations, the avoid
//! list, home therapies, notes, the episode start) and that the same inputs give the same plan.

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
use backcheck::triage::{
    Avoid, Intensity, Item, LeftOut, Plan, Reason, Todo, Urgency, episode_start, triage,
};
use jiff::Timestamp;
use jiff::civil::{Date, date};

/// Today, for every row.
const TODAY: Date = date(2025, 3, 12);

/// The date `n` days before today (0 is today).
fn ago(n: i32) -> Date {
    TODAY
        .checked_sub(jiff::Span::new().days(i64::from(n)))
        .expect("test dates are in range")
}

// ---------------------------------------------------------------------------------------
// Reasons, written the way a clinician would say them.

fn pain(pain: u8) -> Reason {
    Reason::Pain { pain }
}
fn flag(flag: RedFlag) -> Reason {
    Reason::Flag { flag }
}
fn feels(feeling: Feeling) -> Reason {
    Reason::Feeling { feeling }
}
/// "An activity made it worse", as reported at the check-in `n` days ago (0: today).
fn worse_reported(n: i32) -> Reason {
    Reason::WorseRecently { on: ago(n) }
}
fn back_from(level: Level) -> Reason {
    Reason::BackFrom { level }
}
fn not_cleared(cleared: Cleared) -> Reason {
    Reason::NotCleared { cleared }
}
fn severe_for(days: i32) -> Reason {
    Reason::SevereNotImproving { days }
}

// ---------------------------------------------------------------------------------------
// History: one earlier check-in per `day(..)`, with its answers and the level it got.

/// One earlier check-in.
#[derive(Clone)]
struct Past {
    ago: i32,
    pain: Option<u8>,
    level: Level,
    /// How the day before that check-in went.
    yesterday: Option<Outcome>,
    /// Which activity made it worse, when it did.
    worse_activity: Option<Activity>,
    /// The episode that day belonged to started this many days before today.
    episode_since: Option<i32>,
    /// That day's plan carried the "how to get cleared" note.
    clearance_note: bool,
    /// The activities that day's plan offered (options, then core work).
    offered: &'static [Activity],
}

/// A check-in `ago` days before today with its pain score and the level it got.
fn day(ago: i32, pain: u8, level: Level) -> Past {
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
    fn worse(self, activity: Activity) -> Past {
        Past {
            yesterday: Some(Worse),
            worse_activity: Some(activity),
            ..self
        }
    }
    /// At that check-in the user said the day before made it worse, not sure which activity.
    fn worse_unsure(self) -> Past {
        Past {
            yesterday: Some(Worse),
            ..self
        }
    }
    /// At that check-in the day before went `outcome`.
    fn went(self, outcome: Outcome) -> Past {
        Past {
            yesterday: Some(outcome),
            ..self
        }
    }
    /// That day belonged to an episode that began `n` days before today.
    fn episode_since(self, n: i32) -> Past {
        Past {
            episode_since: Some(n),
            ..self
        }
    }
    /// That day's plan showed the "how to get cleared" note.
    fn with_clearance_note(self) -> Past {
        Past {
            clearance_note: true,
            ..self
        }
    }
    /// That day's plan offered these activities.
    fn offered(self, offered: &'static [Activity]) -> Past {
        Past { offered, ..self }
    }

    fn record(&self) -> DayRecord {
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
struct Row {
    what: &'static str,
    // Today's answers.
    pain: Option<u8>,
    area: Option<Area>,
    spreads: Option<bool>,
    feeling: Option<Feeling>,
    worst: Option<Worst>,
    episode: Option<Episode>,
    flags: &'static [RedFlag],
    yesterday: Option<Outcome>,
    worse_activity: Option<Activity>,
    // Profile.
    cleared: Cleared,
    cancer: bool,
    usual: &'static [Activity],
    // Earlier check-ins.
    history: Vec<Past>,
    // Expected.
    level: Level,
    reasons: Vec<Reason>,
    urgency: Option<Urgency>,
    /// (activity, reported how many days ago) of each activity left out, by activity.
    left_out: Vec<(Activity, i32)>,
    /// Checked only when given; every row also checks the per-level contents below.
    avoid: Option<Vec<Avoid>>,
    long_episode_note: bool,
    clearance_note: bool,
    build_up_note: bool,
    /// Today's options in order, checked only when given.
    options: Option<Vec<Activity>>,
    /// The option put first because it went better, with its count of better days.
    preferred: Option<(Activity, u32)>,
}

/// The defaults every row starts from: a cleared user without cancer history who usually
/// runs and lifts weights, no history, and no notes expected.
fn row() -> Row {
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

const FULL_AVOID: [Avoid; 4] = [
    Avoid::HeavyLifting,
    Avoid::RepeatedBending,
    Avoid::OverheadLifting,
    Avoid::HighImpact,
];
const BACK_AVOID: [Avoid; 3] = [
    Avoid::HeavyLifting,
    Avoid::RepeatedBending,
    Avoid::OverheadLifting,
];

fn rows() -> Vec<Row> {
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
fn checkin_of(row: &Row) -> CheckIn {
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
fn profile(cleared: Cleared, cancer: bool, usual: &[Activity]) -> Profile {
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

/// The plan for one row.
fn plan_of(row: &Row) -> Plan {
    let history: Vec<DayRecord> = row.history.iter().map(Past::record).collect();
    triage(
        &profile(row.cleared, row.cancer, row.usual),
        &checkin_of(row),
        &history,
        TODAY,
    )
}

/// The activities of today's session options, in order (none when there is no session).
fn option_activities(plan: &Plan) -> Vec<Activity> {
    match &plan.todo {
        Todo::Session { options, .. } => options.iter().map(|i| i.activity).collect(),
        _ => Vec::new(),
    }
}

/// What TRIAGE.md fixes for every plan of a level, whatever decided it: the kind of todo,
/// the avoid list, home therapies and the stop rule. Returns a description of each mismatch.
fn level_contents_mismatches(plan: &Plan) -> Vec<String> {
    let (todo_ok, avoid, home, stop) = match plan.level {
        Emergency => (plan.todo == Todo::Nothing, &[][..], false, false),
        SeeDoctor => (
            plan.todo == Todo::EverydayMovement,
            &BACK_AVOID[..],
            false,
            false,
        ),
        ActiveRest => (plan.todo == Todo::ActiveRest, &FULL_AVOID[..], true, true),
        Gentle => (
            matches!(plan.todo, Todo::Session { .. }),
            &FULL_AVOID[..],
            true,
            true,
        ),
        Lighter => (
            matches!(plan.todo, Todo::Session { .. }),
            &BACK_AVOID[..],
            true,
            true,
        ),
        Usual => (
            matches!(plan.todo, Todo::Session { .. }),
            &[][..],
            false,
            true,
        ),
    };
    let mut problems = Vec::new();
    if !todo_ok {
        problems.push(format!(
            "todo {:?} does not fit {:?}",
            plan.todo, plan.level
        ));
    }
    if plan.avoid != avoid {
        problems.push(format!("avoid {:?}, expected {avoid:?}", plan.avoid));
    }
    if plan.home_therapies != home {
        problems.push(format!("home_therapies {}", plan.home_therapies));
    }
    if plan.stop_rule != stop {
        problems.push(format!("stop_rule {}", plan.stop_rule));
    }
    if (plan.level == SeeDoctor) != plan.urgency.is_some() {
        problems.push(format!("urgency {:?} on {:?}", plan.urgency, plan.level));
    }
    problems
}

#[test]
fn triage_table() {
    let rows = rows();
    assert!(rows.len() >= 45, "the table has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let plan = plan_of(row);
        let mut problems = level_contents_mismatches(&plan);
        let mut check = |name: &str, ok: bool, got: String, want: String| {
            if !ok {
                problems.push(format!("{name}: got {got}, expected {want}"));
            }
        };
        check(
            "level",
            plan.level == row.level,
            format!("{:?}", plan.level),
            format!("{:?}", row.level),
        );
        check(
            "reasons",
            plan.reasons == row.reasons,
            format!("{:?}", plan.reasons),
            format!("{:?}", row.reasons),
        );
        check(
            "urgency",
            plan.urgency == row.urgency,
            format!("{:?}", plan.urgency),
            format!("{:?}", row.urgency),
        );
        let left_out: Vec<LeftOut> = row
            .left_out
            .iter()
            .map(|&(activity, n)| LeftOut {
                activity,
                reported: ago(n),
            })
            .collect();
        check(
            "left out",
            plan.left_out == left_out,
            format!("{:?}", plan.left_out),
            format!("{left_out:?}"),
        );
        if let Some(avoid) = &row.avoid {
            check(
                "avoid",
                &plan.avoid == avoid,
                format!("{:?}", plan.avoid),
                format!("{avoid:?}"),
            );
        }
        for (name, got, want) in [
            (
                "long-episode note",
                plan.long_episode_note,
                row.long_episode_note,
            ),
            ("clearance note", plan.clearance_note, row.clearance_note),
            ("build-up note", plan.build_up_note, row.build_up_note),
        ] {
            check(name, got == want, got.to_string(), want.to_string());
        }
        if let Some(options) = &row.options {
            let got = option_activities(&plan);
            check(
                "options",
                &got == options,
                format!("{got:?}"),
                format!("{options:?}"),
            );
        }
        let preferred = plan.preferred.map(|p| (p.activity, p.times));
        check(
            "preferred",
            preferred == row.preferred,
            format!("{preferred:?}"),
            format!("{:?}", row.preferred),
        );
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", row.what, problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Focused tests: what the plans contain.

/// Today's plan for a check-in with the given pain and nothing else, after `history`.
fn plan_for(profile: &Profile, checkin: CheckIn, history: &[Past]) -> Plan {
    let records: Vec<DayRecord> = history.iter().map(Past::record).collect();
    triage(profile, &checkin, &records, TODAY)
}

fn rated(pain: u8) -> CheckIn {
    CheckIn {
        pain: Some(pain),
        ..CheckIn::default()
    }
}

fn it(activity: Activity, min: u16, max: u16, intensity: Intensity) -> Item {
    Item {
        activity,
        min_minutes: min,
        max_minutes: max,
        intensity,
    }
}

/// The options and extras of a session plan (panics on any other todo).
fn session(plan: &Plan) -> (Vec<Item>, Vec<Item>) {
    match &plan.todo {
        Todo::Session { options, with } => (options.clone(), with.clone()),
        other => panic!("expected a session, got {other:?}"),
    }
}

#[test]
fn gentle_day_offers_the_four_gentle_options_with_core_work() {
    let plan = plan_for(&profile(Yes, false, &[]), rated(5), &[]);
    let (options, with) = session(&plan);
    assert_eq!(
        options,
        vec![
            it(Walking, 20, 30, Intensity::Easy),
            it(AquaticExercise, 30, 60, Intensity::Easy),
            it(LightStretching, 30, 30, Intensity::Easy),
            it(BeginnersYoga, 20, 30, Intensity::Easy),
        ]
    );
    assert_eq!(with, vec![it(CoreWork, 10, 10, Intensity::Easy)]);
    assert!(plan.home_therapies && plan.stop_rule);
}

#[test]
fn gentle_options_related_to_usual_activities_come_first() {
    let swim_yoga = plan_for(
        &profile(Yes, false, &[YogaPilates, Swimming]),
        rated(5),
        &[],
    );
    let order: Vec<Activity> = session(&swim_yoga).0.iter().map(|i| i.activity).collect();
    assert_eq!(
        order,
        [AquaticExercise, BeginnersYoga, Walking, LightStretching]
    );

    let walker = plan_for(&profile(Yes, false, &[Running, Walking]), rated(5), &[]);
    let order: Vec<Activity> = session(&walker).0.iter().map(|i| i.activity).collect();
    assert_eq!(
        order,
        [Walking, AquaticExercise, LightStretching, BeginnersYoga]
    );

    let yogi = plan_for(&profile(Yes, false, &[YogaPilates]), rated(5), &[]);
    let order: Vec<Activity> = session(&yogi).0.iter().map(|i| i.activity).collect();
    assert_eq!(
        order,
        [BeginnersYoga, Walking, AquaticExercise, LightStretching]
    );
}

#[test]
fn gentle_day_with_every_option_made_worse_suggests_nothing_and_says_why() {
    let history = [
        day(12, 4, Gentle).worse(Walking),
        day(10, 4, Gentle).worse(AquaticExercise),
        day(8, 4, Gentle).worse(LightStretching),
        day(6, 4, Gentle).worse(BeginnersYoga),
        day(4, 4, Gentle).worse(CoreWork),
    ];
    let plan = plan_for(&profile(Yes, false, &[]), rated(5), &history);
    assert_eq!(plan.level, Gentle);
    assert_eq!(
        plan.todo,
        Todo::Session {
            options: vec![],
            with: vec![]
        }
    );
    let left: Vec<(Activity, Date)> = plan
        .left_out
        .iter()
        .map(|l| (l.activity, l.reported))
        .collect();
    assert_eq!(
        left,
        vec![
            (Walking, ago(12)),
            (AquaticExercise, ago(10)),
            (LightStretching, ago(8)),
            (BeginnersYoga, ago(6)),
            (CoreWork, ago(4)),
        ]
    );
    assert!(plan.suggested().is_empty());
}

#[test]
fn lighter_day_halves_the_usual_sessions_at_lower_intensity() {
    let plan = plan_for(&profile(Yes, false, &[Running, Cycling]), rated(2), &[]);
    assert_eq!(plan.level, Lighter);
    let (options, with) = session(&plan);
    assert_eq!(
        options,
        vec![
            it(Running, 30, 30, Intensity::Lower),
            it(Cycling, 30, 30, Intensity::Lower)
        ]
    );
    assert_eq!(with, vec![it(CoreWork, 10, 10, Intensity::Lower)]);
    assert_eq!(plan.avoid, BACK_AVOID.to_vec());
    assert!(plan.home_therapies && plan.stop_rule);
}

#[test]
fn lighter_sessions_are_never_shorter_than_ten_minutes() {
    let mut short = profile(Yes, false, &[Walking]);
    short.session_minutes = 15;
    let (options, _) = session(&plan_for(&short, rated(1), &[]));
    assert_eq!(options, vec![it(Walking, 10, 10, Intensity::Lower)]);

    short.session_minutes = 25;
    let (options, _) = session(&plan_for(&short, rated(1), &[]));
    assert_eq!(options, vec![it(Walking, 12, 12, Intensity::Lower)]);
}

#[test]
fn lighter_day_without_usable_usual_activities_falls_back_to_gentle_options() {
    // No usual activities at all.
    let none = plan_for(&profile(Yes, false, &[]), rated(2), &[]);
    let (options, with) = session(&none);
    assert_eq!(options.len(), 4);
    assert!(options.iter().all(|i| i.intensity == Intensity::Easy));
    assert_eq!(options[0], it(Walking, 20, 30, Intensity::Easy));
    assert_eq!(with, vec![it(CoreWork, 10, 10, Intensity::Lower)]);
    assert!(none.left_out.is_empty());

    // The only usual activity made it worse 5 days ago, and so did walking.
    let history = [
        day(6, 2, Lighter).worse(Walking),
        day(5, 2, Lighter).worse(Swimming),
    ];
    let plan = plan_for(&profile(Yes, false, &[Swimming]), rated(2), &history);
    let order: Vec<Activity> = session(&plan).0.iter().map(|i| i.activity).collect();
    assert_eq!(order, [AquaticExercise, LightStretching, BeginnersYoga]);
    assert_eq!(
        plan.left_out,
        vec![
            LeftOut {
                activity: Swimming,
                reported: ago(5)
            },
            LeftOut {
                activity: Walking,
                reported: ago(6)
            },
        ]
    );
}

#[test]
fn usual_day_is_the_usual_routine_with_core_work() {
    let mut p = profile(Yes, false, &[WeightLifting, Walking]);
    p.session_minutes = 45;
    let plan = plan_for(&p, rated(0), &[]);
    assert_eq!(plan.level, Usual);
    let (options, with) = session(&plan);
    assert_eq!(
        options,
        vec![
            it(WeightLifting, 45, 45, Intensity::Usual),
            it(Walking, 45, 45, Intensity::Usual)
        ]
    );
    assert_eq!(with, vec![it(CoreWork, 10, 10, Intensity::Usual)]);
    assert!(plan.avoid.is_empty());
    assert!(!plan.home_therapies);
    assert!(plan.stop_rule);
    assert_eq!(plan.episode_start, None);
}

#[test]
fn usual_day_without_usual_activities_is_a_30_minute_walk() {
    let plan = plan_for(&profile(Yes, false, &[]), rated(0), &[]);
    assert_eq!(
        session(&plan).0,
        vec![it(Walking, 30, 30, Intensity::Usual)]
    );

    // Walking itself made it worse 3 days ago: nothing but core work, and the plan says why.
    let plan = plan_for(
        &profile(Yes, false, &[]),
        rated(0),
        &[day(3, 0, Usual).worse(Walking)],
    );
    assert_eq!(
        plan.todo,
        Todo::Session {
            options: vec![],
            with: vec![it(CoreWork, 10, 10, Intensity::Usual)]
        }
    );
    assert_eq!(
        plan.left_out,
        vec![LeftOut {
            activity: Walking,
            reported: ago(3)
        }]
    );
}

#[test]
fn the_plan_says_why_an_option_comes_first() {
    let history = [
        day(5, 2, Lighter).offered(&[Walking, CoreWork]),
        day(4, 2, Lighter).went(Better),
        day(3, 2, Lighter).offered(&[Walking, CoreWork]),
        day(2, 2, Lighter).went(Better),
        day(1, 2, Lighter).offered(&[Walking, CoreWork]),
    ];
    let checkin = CheckIn {
        yesterday: Some(Better),
        ..rated(2)
    };
    let plan = plan_for(&profile(Yes, false, &[Running, Walking]), checkin, &history);
    let script = backcheck::script::Script::embedded().expect("dialogs load");
    let text = backcheck::script::render::render_plan(&script.plan, &plan, TODAY);
    let walking = text.find("• Walking, 30 min").expect("walking is listed");
    let running = text.find("• Running, 30 min").expect("running is listed");
    assert!(walking < running, "{text}");
    assert!(
        text.contains(
            "I put walking first: 3 times in the last 4 weeks, your back felt better the day \
             after a plan that included it."
        ),
        "{text}"
    );
}

#[test]
fn a_left_out_activity_is_never_suggested() {
    let history = [day(5, 2, Lighter).worse(Running)];
    let plan = plan_for(
        &profile(Yes, false, &[Running, Cycling]),
        rated(2),
        &history,
    );
    assert_eq!(plan.suggested(), vec![Cycling, CoreWork]);
}

#[test]
fn emergency_plan_is_no_exercise_and_nothing_else() {
    let checkin = CheckIn {
        pain: Some(4),
        episode: Some(OverSixWeeks),
        red_flags: vec![BladderBowel],
        yesterday: Some(Worse),
        worse_activity: Some(Running),
        ..CheckIn::default()
    };
    let plan = plan_for(&profile(NotYet, true, &[Running]), checkin, &[]);
    assert_eq!(plan.level, Emergency);
    assert_eq!(plan.todo, Todo::Nothing);
    assert!(plan.avoid.is_empty());
    assert!(!plan.home_therapies && !plan.stop_rule);
    assert!(!plan.long_episode_note && !plan.clearance_note && !plan.build_up_note);
    assert!(plan.left_out.is_empty());
    assert_eq!(plan.urgency, None);
    // The episode is still recorded, so tomorrow continues it.
    assert_eq!(plan.episode_start, Some(ago(43)));
}

#[test]
fn see_doctor_plan_is_everyday_movement_without_home_therapies() {
    let checkin = CheckIn {
        pain: Some(3),
        red_flags: vec![WeightLoss],
        ..CheckIn::default()
    };
    let plan = plan_for(&profile(Yes, false, &[Running]), checkin, &[]);
    assert_eq!(plan.level, SeeDoctor);
    assert_eq!(plan.todo, Todo::EverydayMovement);
    assert_eq!(plan.avoid, BACK_AVOID.to_vec());
    assert!(!plan.home_therapies && !plan.stop_rule);
    assert_eq!(plan.urgency, Some(Urgency::Soon));
    assert!(plan.suggested().is_empty());
}

#[test]
fn active_rest_plan_keeps_moving_with_home_therapies() {
    let plan = plan_for(&profile(Yes, false, &[Running]), rated(9), &[]);
    assert_eq!(plan.level, ActiveRest);
    assert_eq!(plan.todo, Todo::ActiveRest);
    assert_eq!(plan.avoid, FULL_AVOID.to_vec());
    assert!(plan.home_therapies && plan.stop_rule);
    assert_eq!(plan.urgency, None);
}

#[test]
fn long_episode_note_on_every_level_but_emergency() {
    let long = |pain: u8, red_flags: Vec<RedFlag>| CheckIn {
        pain: Some(pain),
        episode: Some(OverSixWeeks),
        red_flags,
        ..CheckIn::default()
    };
    // An improving trend keeps the long episode off the SeeDoctor level.
    let improving = [
        day(10, 8, ActiveRest).episode_since(60),
        day(2, 5, Gentle).episode_since(60),
    ];
    let p = profile(Yes, false, &[Running]);
    let levels: Vec<(Level, bool)> = [
        long(3, vec![ChestPain]),
        long(3, vec![Fever]),
        long(7, vec![]),
        long(5, vec![]),
        long(2, vec![]),
    ]
    .into_iter()
    .map(|c| {
        let plan = plan_for(&p, c, &improving);
        (plan.level, plan.long_episode_note)
    })
    .collect();
    assert_eq!(
        levels,
        vec![
            (Emergency, false),
            (SeeDoctor, true),
            (ActiveRest, true),
            (Gentle, true),
            (Lighter, true),
        ]
    );
}

#[test]
fn plan_episode_start_from_the_answer_history_or_today() {
    let p = profile(Yes, false, &[]);
    let with_episode = |episode: Option<Episode>| CheckIn {
        pain: Some(3),
        episode,
        ..CheckIn::default()
    };
    let start = |checkin: CheckIn, history: &[Past]| plan_for(&p, checkin, history).episode_start;

    assert_eq!(start(with_episode(Some(StartedToday)), &[]), Some(TODAY));
    assert_eq!(start(with_episode(Some(UpToAWeek)), &[]), Some(ago(1)));
    assert_eq!(start(with_episode(Some(UpToSixWeeks)), &[]), Some(ago(7)));
    assert_eq!(start(with_episode(Some(OverSixWeeks)), &[]), Some(ago(43)));

    let continuing = [day(2, 4, Gentle).episode_since(20)];
    assert_eq!(start(with_episode(None), &continuing), Some(ago(20)));
    // Today's answer wins over history.
    assert_eq!(
        start(with_episode(Some(UpToAWeek)), &continuing),
        Some(ago(1))
    );
    // Pain given but the episode question skipped, nothing to continue: starts today.
    assert_eq!(start(with_episode(None), &[]), Some(TODAY));
    // Pain-free or unrated: no episode.
    assert_eq!(start(rated(0), &continuing), None);
    let unrated = CheckIn {
        red_flags: vec![Fever],
        ..CheckIn::default()
    };
    assert_eq!(start(unrated, &continuing), None);
}

#[test]
fn episode_start_continues_only_from_a_recent_painful_day() {
    let records = |days: &[Past]| -> Vec<DayRecord> { days.iter().map(Past::record).collect() };

    // Latest check-in 7 days ago, painful, knows its start: continues.
    let h = records(&[
        day(20, 5, Gentle).episode_since(20),
        day(7, 3, Lighter).episode_since(12),
    ]);
    assert_eq!(episode_start(&h, TODAY), Some(ago(12)));
    // Any order of history.
    let reversed: Vec<DayRecord> = h.iter().rev().cloned().collect();
    assert_eq!(episode_start(&reversed, TODAY), Some(ago(12)));
    // 8 days ago: too old, a new episode begins.
    assert_eq!(
        episode_start(&records(&[day(8, 3, Lighter).episode_since(12)]), TODAY),
        None
    );
    // The latest day was pain-free: the episode ended.
    assert_eq!(
        episode_start(
            &records(&[day(3, 5, Gentle).episode_since(5), day(1, 0, Usual)]),
            TODAY
        ),
        None
    );
    // A painful record without a start cannot be continued.
    assert_eq!(episode_start(&records(&[day(1, 4, Gentle)]), TODAY), None);
    // No history at all.
    assert_eq!(episode_start(&[], TODAY), None);
}

#[test]
fn history_dated_today_or_later_is_ignored() {
    let p = profile(Yes, false, &[Running]);
    let stray = [day(0, 9, ActiveRest).worse(Running), day(-1, 9, Emergency)];
    let plan = plan_for(&p, rated(0), &stray);
    assert_eq!(plan, plan_for(&p, rated(0), &[]));
    assert_eq!(plan.level, Usual);
}

#[test]
fn same_inputs_give_the_same_plan_whatever_the_history_order() {
    let p = profile(NotYet, true, &[Running, Swimming, YogaPilates]);
    let checkin = CheckIn {
        pain: Some(5),
        area: Some(LowerBack),
        spreads: Some(true),
        feeling: Some(Sharp),
        worst: Some(Worst::Moving),
        yesterday: Some(Worse),
        worse_activity: Some(Walking),
        ..CheckIn::default()
    };
    let history = vec![
        day(50, 6, Gentle).episode_since(50),
        day(12, 6, Gentle).episode_since(50).worse(BeginnersYoga),
        day(9, 6, Gentle).episode_since(50).with_clearance_note(),
        day(2, 5, Gentle).episode_since(50).went(Same),
        day(1, 5, Gentle).episode_since(50).went(Better),
    ];
    let first = plan_for(&p, checkin.clone(), &history);
    let again = plan_for(&p, checkin.clone(), &history);
    assert_eq!(first, again);
    let mut shuffled = history.clone();
    shuffled.swap(0, 3);
    shuffled.swap(1, 4);
    assert_eq!(first, plan_for(&p, checkin.clone(), &shuffled));
    shuffled.reverse();
    assert_eq!(first, plan_for(&p, checkin, &shuffled));
    // And the plan is what the rules say: the 50-day episode improved by a point (6 -> 5),
    // so the answers decide a gentle day, with everything history adds to it.
    assert_eq!(first.level, Gentle);
    assert_eq!(
        first.reasons,
        vec![pain(5), Reason::Spreads, feels(Sharp), worse_reported(0)]
    );
    let order: Vec<Activity> = session(&first).0.iter().map(|i| i.activity).collect();
    assert_eq!(order, [AquaticExercise, LightStretching]);
    assert_eq!(
        first.left_out,
        vec![
            LeftOut {
                activity: Walking,
                reported: TODAY
            },
            LeftOut {
                activity: BeginnersYoga,
                reported: ago(12)
            },
        ]
    );
    assert!(first.long_episode_note && first.clearance_note && !first.build_up_note);
    assert_eq!(first.episode_start, Some(ago(50)));
}

// ---------------------------------------------------------------------------------------
// Properties over random answers and histories: the promises that hold for every input.

mod properties {
    use super::*;
    use proptest::collection::btree_map;
    use proptest::prelude::*;
    use proptest::sample::{select, subsequence};
    use strum::IntoEnumIterator;

    /// Every flag and every activity, from the enums themselves.
    fn all_flags() -> Vec<RedFlag> {
        RedFlag::iter().collect()
    }
    fn all_activities() -> Vec<Activity> {
        Activity::iter().collect()
    }
    const LEVELS: [Level; 6] = [Emergency, SeeDoctor, ActiveRest, Gentle, Lighter, Usual];
    const OUTCOMES: [Outcome; 4] = [Better, Same, Worse, NoExercise];
    /// What earlier plans offered: nothing, gentle options, usual activities, or a mix.
    const OFFERS: [&[Activity]; 6] = [
        &[],
        &[Walking, CoreWork],
        &[
            Walking,
            AquaticExercise,
            LightStretching,
            BeginnersYoga,
            CoreWork,
        ],
        &[Running, Cycling, CoreWork],
        &[Cycling, Walking, CoreWork],
        &[AquaticExercise, CoreWork],
    ];

    fn outcome() -> impl Strategy<Value = Option<Outcome>> {
        proptest::option::of(select(&OUTCOMES[..]))
    }

    fn checkin() -> impl Strategy<Value = CheckIn> {
        (
            proptest::option::weighted(0.95, 0u8..=10),
            any::<Option<bool>>(),
            proptest::option::of(select(&[DullAche, Sharp, BurningTingling][..])),
            proptest::option::of(select(
                &[StartedToday, UpToAWeek, UpToSixWeeks, OverSixWeeks][..],
            )),
            prop_oneof![3 => Just(vec![]), 1 => subsequence(all_flags(), 0..=3)],
            outcome(),
            proptest::option::of(select(all_activities())),
        )
            .prop_map(
                |(pain, spreads, feeling, episode, red_flags, yesterday, worse_activity)| CheckIn {
                    pain,
                    spreads,
                    feeling,
                    episode,
                    red_flags,
                    yesterday,
                    worse_activity,
                    ..CheckIn::default()
                },
            )
    }

    /// Up to 12 earlier check-ins on distinct days within the last 60.
    fn history() -> impl Strategy<Value = Vec<DayRecord>> {
        let record = (
            proptest::option::weighted(0.95, 0u8..=10),
            select(&LEVELS[..]),
            outcome(),
            proptest::option::of(select(all_activities())),
            proptest::option::of(0i32..=80),
            any::<bool>(),
            select(&OFFERS[..]),
        );
        btree_map(1i32..=60, record, 0..12).prop_map(|days| {
            days.into_iter()
                .map(
                    |(n, (pain, level, yesterday, worse, since, note, offered))| {
                        Past {
                            ago: n,
                            pain,
                            level,
                            yesterday,
                            worse_activity: worse,
                            episode_since: since.map(|s| s.max(n)),
                            clearance_note: note,
                            offered,
                        }
                        .record()
                    },
                )
                .collect()
        })
    }

    /// Up to 30 earlier check-ins in the last 30 days, mostly sessions followed by "better",
    /// so that activities often gather the three better days that put them first.
    fn dense_history() -> impl Strategy<Value = Vec<DayRecord>> {
        let record = (
            0u8..=6,
            select(&[Gentle, Lighter, Usual, ActiveRest][..]),
            prop_oneof![3 => Just(Some(Better)), 1 => outcome()],
            proptest::option::of(select(all_activities())),
            select(&OFFERS[..]),
        );
        btree_map(1i32..=30, record, 15..30).prop_map(|days| {
            days.into_iter()
                .map(|(n, (pain, level, yesterday, worse, offered))| {
                    Past {
                        ago: n,
                        pain: Some(pain),
                        level,
                        yesterday,
                        worse_activity: worse,
                        episode_since: None,
                        clearance_note: false,
                        offered,
                    }
                    .record()
                })
                .collect()
        })
    }

    /// The better days of `activity`, counted straight from the rule as the table states it:
    /// a "better" answer today or in the last 28 days, after a Gentle, Lighter or Usual plan
    /// the day before that offered the activity.
    fn better_days(history: &[DayRecord], today: &CheckIn, activity: Activity) -> u32 {
        let earlier = history
            .iter()
            .filter(|d| d.date >= ago(28) && d.date < TODAY)
            .map(|d| (d.date, &d.checkin));
        let offered_the_day_before = |date: Date| {
            history.iter().any(|p| {
                date.yesterday().ok() == Some(p.date)
                    && matches!(p.level, Gentle | Lighter | Usual)
                    && p.suggested.contains(&activity)
            })
        };
        let count = earlier
            .chain([(TODAY, today)])
            .filter(|(date, c)| c.yesterday == Some(Better) && offered_the_day_before(*date))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    fn a_profile() -> impl Strategy<Value = Profile> {
        (
            subsequence(&Activity::USUAL[..], 0..=3),
            5u16..=120,
            select(&[Yes, NotYet, DontKnow][..]),
            any::<bool>(),
        )
            .prop_map(|(usual, minutes, cleared, cancer)| {
                let mut p = profile(cleared, cancer, &usual);
                p.session_minutes = minutes;
                p
            })
    }

    proptest! {
        #[test]
        fn history_order_does_not_change_the_plan(
            p in a_profile(), today in checkin(), history in history()
        ) {
            let plan = triage(&p, &today, &history, TODAY);
            let reversed: Vec<DayRecord> = history.iter().rev().cloned().collect();
            prop_assert_eq!(&plan, &triage(&p, &today, &reversed, TODAY));
            prop_assert_eq!(&plan, &triage(&p, &today, &history, TODAY));
        }

        #[test]
        fn an_emergency_flag_always_means_emergency(
            p in a_profile(), mut today in checkin(), history in history(),
            flag in select(all_flags().into_iter().filter(|f| f.is_emergency()).collect::<Vec<_>>())
        ) {
            today.add_flag(flag);
            let plan = triage(&p, &today, &history, TODAY);
            prop_assert_eq!(plan.level, Emergency);
            let given = Reason::Flag { flag };
            prop_assert!(plan.reasons.contains(&given));
            prop_assert_eq!(plan.todo, Todo::Nothing);
        }

        #[test]
        fn nothing_that_made_it_worse_in_14_days_is_suggested(
            p in a_profile(), today in checkin(), history in history()
        ) {
            let plan = triage(&p, &today, &history, TODAY);
            let mut reported: Vec<Activity> = history
                .iter()
                .filter(|d| d.date >= ago(14) && d.checkin.yesterday == Some(Worse))
                .filter_map(|d| d.checkin.worse_activity)
                .collect();
            if today.yesterday == Some(Worse) {
                reported.extend(today.worse_activity);
            }
            for activity in plan.suggested() {
                if plan.todo != Todo::ActiveRest {
                    prop_assert!(!reported.contains(&activity), "{activity:?} suggested");
                }
            }
            for left in &plan.left_out {
                prop_assert!(reported.contains(&left.activity));
            }
        }

        #[test]
        fn a_preferred_option_comes_first_and_has_the_most_better_days(
            p in a_profile(), today in checkin(), history in dense_history()
        ) {
            let plan = triage(&p, &today, &history, TODAY);
            let options = option_activities(&plan);
            let days: Vec<u32> = options
                .iter()
                .map(|a| better_days(&history, &today, *a))
                .collect();
            match plan.preferred {
                Some(preferred) => {
                    prop_assert!(matches!(plan.level, Gentle | Lighter | Usual));
                    prop_assert_eq!(options.first(), Some(&preferred.activity));
                    prop_assert!(preferred.times >= 3);
                    prop_assert_eq!(days.first(), Some(&preferred.times));
                    prop_assert!(days[1..].iter().all(|d| *d < preferred.times), "{days:?}");
                }
                None if options.len() >= 2 => {
                    let most = days.iter().copied().max().unwrap_or(0);
                    let leaders = days.iter().filter(|d| **d == most).count();
                    prop_assert!(most < 3 || leaders > 1, "{options:?} {days:?}");
                }
                None => {}
            }
        }

        #[test]
        fn not_cleared_never_gets_more_than_gentle(
            p in a_profile(), today in checkin(), history in history()
        ) {
            let plan = triage(&p, &today, &history, TODAY);
            if p.cleared != Yes {
                prop_assert!(!matches!(plan.level, Lighter | Usual));
            }
        }
    }
}
