//! The vocabulary of backcheck: every answer a user can give and every level a plan can have,
//! as strum enums. Dialog files name these variants (snake_case), the Engine asks about them,
//! triage decides on them and the Store keeps them; nothing here does I/O.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr, VariantNames};

/// Declares an answer enum with the derives every answer needs: strum names in snake_case
/// (the keys used by dialog files and callback data) and the same names in serde records.
macro_rules! answer_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            Serialize, Deserialize, EnumString, IntoStaticStr, EnumIter, VariantNames,
        )]
        #[strum(serialize_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The snake_case key of this variant, as dialog files and buttons name it.
            pub fn key(self) -> &'static str {
                self.into()
            }
        }
    };
}

answer_enum! {
    /// Everything the bot can suggest or a user can report doing. The first seven are the
    /// "usual activities" a profile can hold; the rest are what gentle days are made of.
    Activity {
        WeightLifting,
        Running,
        Cycling,
        Swimming,
        TeamSports,
        YogaPilates,
        Walking,
        AquaticExercise,
        LightStretching,
        BeginnersYoga,
        CoreWork,
    }
}

impl Activity {
    /// The activities a profile can name as "usual" (onboarding's multi-select).
    pub const USUAL: [Activity; 7] = [
        Activity::WeightLifting,
        Activity::Running,
        Activity::Cycling,
        Activity::Swimming,
        Activity::TeamSports,
        Activity::YogaPilates,
        Activity::Walking,
    ];

    /// High-impact activities are avoided on Gentle and ActiveRest days.
    pub fn is_high_impact(self) -> bool {
        matches!(self, Activity::Running | Activity::TeamSports)
    }
}

answer_enum! {
    /// Whether a doctor has cleared the user for low-intensity exercise.
    Cleared { Yes, NotYet, DontKnow }
}

answer_enum! {
    /// A plain yes or no (spreading pain, cancer history, confirmations).
    YesNo { Yes, No }
}

answer_enum! {
    /// Where it hurts.
    Area { LowerBack, MiddleUpperBack, Neck }
}

answer_enum! {
    /// What the pain feels like.
    Feeling { DullAche, Sharp, BurningTingling }
}

answer_enum! {
    /// When the pain is worst.
    Worst { Morning, AfterSitting, Moving, NightRest }
}

answer_enum! {
    /// How long this episode has lasted, as answered on its first painful day.
    Episode { StartedToday, UpToAWeek, UpToSixWeeks, OverSixWeeks }
}

impl Episode {
    /// The fewest days an episode of this length can have lasted before today: the
    /// conservative figure from which later days derive the episode's length.
    pub fn min_days(self) -> i32 {
        match self {
            Episode::StartedToday => 0,
            Episode::UpToAWeek => 1,
            Episode::UpToSixWeeks => 7,
            Episode::OverSixWeeks => 43,
        }
    }

    /// The bucket an episode that started `days` days ago falls into.
    pub fn from_days(days: i32) -> Episode {
        match days {
            i32::MIN..=0 => Episode::StartedToday,
            1..=6 => Episode::UpToAWeek,
            7..=42 => Episode::UpToSixWeeks,
            _ => Episode::OverSixWeeks,
        }
    }
}

answer_enum! {
    /// Warning signs asked about at every check-in and spotted in free text. The first six
    /// are emergencies; the rest mean "see a doctor before you exercise".
    RedFlag {
        BladderBowel,
        SaddleNumbness,
        BothLegs,
        LegWeakening,
        SeriousAccident,
        ChestPain,
        Fever,
        Injury,
        FractureOrTear,
        WeightLoss,
        Swelling,
        NightPain,
    }
}

impl RedFlag {
    /// Emergency flags send the user to emergency care at once, whatever else they said.
    pub fn is_emergency(self) -> bool {
        matches!(
            self,
            RedFlag::BladderBowel
                | RedFlag::SaddleNumbness
                | RedFlag::BothLegs
                | RedFlag::LegWeakening
                | RedFlag::SeriousAccident
                | RedFlag::ChestPain
        )
    }

    /// Fever and injury make the doctor's appointment a today matter.
    pub fn needs_doctor_today(self) -> bool {
        matches!(
            self,
            RedFlag::Fever | RedFlag::Injury | RedFlag::FractureOrTear
        )
    }
}

answer_enum! {
    /// How yesterday's activity went.
    Outcome { Better, Same, Worse, NoExercise }
}

answer_enum! {
    /// Today's plan level, in order of precedence: the first that applies wins.
    Level { Emergency, SeeDoctor, ActiveRest, Gentle, Lighter, Usual }
}

answer_enum! {
    /// The day of the week the weekly summary comes (after that day's check-in), or off.
    SummaryDay { Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday, Off }
}

impl Default for SummaryDay {
    /// Sunday, the end of the week for most people.
    fn default() -> Self {
        SummaryDay::Sunday
    }
}

impl SummaryDay {
    /// Whether the summary comes on `weekday`.
    pub fn is(self, weekday: jiff::civil::Weekday) -> bool {
        use jiff::civil::Weekday as W;
        let day = match weekday {
            W::Monday => SummaryDay::Monday,
            W::Tuesday => SummaryDay::Tuesday,
            W::Wednesday => SummaryDay::Wednesday,
            W::Thursday => SummaryDay::Thursday,
            W::Friday => SummaryDay::Friday,
            W::Saturday => SummaryDay::Saturday,
            W::Sunday => SummaryDay::Sunday,
        };
        self == day
    }
}

answer_enum! {
    /// The languages backcheck speaks: one folder of dialogs/ each (dialogs/en, dialogs/de).
    Language { En, De }
}

impl Default for Language {
    /// English, for records from before there was a choice.
    fn default() -> Self {
        Language::En
    }
}

impl Language {
    /// The language for a Telegram `language_code` ("de", "de-AT"): German for German,
    /// English for everything else.
    pub fn from_code(code: &str) -> Language {
        let code = code.trim().to_ascii_lowercase();
        if code == "de" || code.starts_with("de-") || code.starts_with("de_") {
            Language::De
        } else {
            Language::En
        }
    }
}

answer_enum! {
    /// Buttons that are not answers to a question (menus, offers, the reminder): their button
    /// data is "a:<key>", and understand.toml's [actions] lists the words that mean each.
    Action { Checkin, Today, Help, Profile, Snooze, Skip, Stop, Later }
}

/// What onboarding collects, editable later with /profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Usual activities; empty means "none".
    pub activities: Vec<Activity>,
    /// Usual session length in minutes.
    pub session_minutes: u16,
    pub cleared: Cleared,
    /// Asked once, gently: it changes what new back pain can mean.
    pub cancer_history: bool,
    /// IANA time zone name, e.g. "Europe/Berlin"; decides what "today" is for this user.
    pub time_zone: String,
    /// Local time of the daily reminder, if the user wants one.
    pub reminder: Option<Time>,
    /// Telegram said the user blocked the bot: send no reminders until they write again.
    #[serde(default)]
    pub blocked: bool,
    /// When the weekly summary comes (Sunday unless changed with /summary).
    #[serde(default)]
    pub summary_day: SummaryDay,
    /// The language the bot speaks to this user (English for records from before).
    #[serde(default)]
    pub language: Language,
}

/// One day's answers. Optional fields were skipped because they could not change the plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckIn {
    /// 0-10; None only when a red flag ended the check-in before pain was asked.
    pub pain: Option<u8>,
    pub area: Option<Area>,
    pub spreads: Option<bool>,
    pub feeling: Option<Feeling>,
    pub worst: Option<Worst>,
    /// Answered on the first painful day of an episode only.
    pub episode: Option<Episode>,
    /// Kept sorted and unique.
    pub red_flags: Vec<RedFlag>,
    /// How yesterday's activity went, asked only after a plan yesterday.
    pub yesterday: Option<Outcome>,
    /// When yesterday went worse: which activity it was (None: not sure).
    pub worse_activity: Option<Activity>,
}

impl CheckIn {
    /// Adds a red flag, keeping the list sorted and unique.
    pub fn add_flag(&mut self, flag: RedFlag) {
        if let Err(at) = self.red_flags.binary_search(&flag) {
            self.red_flags.insert(at, flag);
        }
    }

    /// Removes a red flag if present.
    pub fn remove_flag(&mut self, flag: RedFlag) {
        self.red_flags.retain(|f| *f != flag);
    }

    /// True when any emergency flag was given.
    pub fn has_emergency(&self) -> bool {
        self.red_flags.iter().any(|f| f.is_emergency())
    }
}

/// A completed check-in as history keeps it: the answers and what triage made of them, so
/// that later days can be triaged from history alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRecord {
    /// The user's local date of the check-in.
    pub date: Date,
    pub checkin: CheckIn,
    pub level: Level,
    /// First day of the pain episode this day belongs to (None on a pain-free day).
    pub episode_start: Option<Date>,
    /// The activities the plan suggested, for "which activity made it worse?".
    pub suggested: Vec<Activity>,
    /// Whether the plan carried the weekly "how to get cleared" note.
    pub clearance_note: bool,
    /// When the check-in was completed.
    pub recorded_at: Timestamp,
}

answer_enum! {
    /// Every question the bot can ask. Dialog files hold the wording of each under its key;
    /// conversation state records which one is waiting for an answer.
    Question {
        // Onboarding and /profile.
        Activities,
        SessionLength,
        Cleared,
        Cancer,
        TimeZone,
        Reminder,
        // The daily check-in, in the order of TRIAGE.md.
        Pain,
        Area,
        Spreads,
        Feeling,
        Worst,
        Episode,
        RedFlags,
        Yesterday,
        WorseActivity,
        // Confirmations and menus.
        ConfirmFlag,
        UpdateToday,
        ConfirmForget,
        ProfileField,
        // /language: which language to speak.
        Language,
    }
}

/// The profile fields /profile can change, in menu order. Here, not in the engine, because
/// questions.toml's profile menu is checked against it and the wording layer (script/,
/// understand/) imports nothing from the engine.
pub const EDITABLE: [Question; 6] = [
    Question::Activities,
    Question::SessionLength,
    Question::Cleared,
    Question::Cancer,
    Question::TimeZone,
    Question::Reminder,
];

/// The commands users can type. Names are what follows the slash; dialog files may give
/// each more names in their language ("/hilfe": understand.toml's [commands.names]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr, EnumIter, VariantNames)]
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
    Summary,
    Language,
}

impl Command {
    /// The command's name, as typed after the slash.
    pub fn name(self) -> &'static str {
        self.into()
    }
}
