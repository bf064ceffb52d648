//! What to do today once the level is known: the activities of a Gentle, Lighter or Usual
//! session with their durations, chosen from the user's usual activities where the level
//! allows, and never one that the user reported made the pain worse in the last 14 days; an
//! option that went better three times comes first.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Intensity, Item, LeftOut, Preferred, Todo};
use crate::model::{Activity, Level, Profile};

/// The Gentle day's menu from TRIAGE.md, in its listed order: (activity, min, max minutes).
const GENTLE: [(Activity, u16, u16); 4] = [
    (Activity::Walking, 20, 30),
    (Activity::AquaticExercise, 30, 60),
    (Activity::LightStretching, 30, 30),
    (Activity::BeginnersYoga, 20, 30),
];

/// Core support work goes with every session: walking alone does not support the back.
const CORE_MINUTES: u16 = 10;

/// Walking is the session on a Usual day when the profile names no usable activity.
const FALLBACK_WALK_MINUTES: u16 = 30;

/// A Lighter session is about half the usual length, but never shorter than this.
const LIGHTER_MIN_MINUTES: u16 = 10;

/// "Went better" credits an option needs before it is put first.
const PREFER_AFTER: u32 = 3;

/// Builds an item; a single figure is a range with `min == max`.
fn item(activity: Activity, min_minutes: u16, max_minutes: u16, intensity: Intensity) -> Item {
    Item {
        activity,
        min_minutes,
        max_minutes,
        intensity,
    }
}

/// Filters candidates against the activities that made the pain worse, remembering each one
/// it drops, so the plan can say what it left out and why.
struct Picker<'e> {
    /// Activity -> date of its latest "made it worse" report.
    excluded: &'e BTreeMap<Activity, Date>,
    /// The candidates dropped so far.
    left_out: BTreeMap<Activity, Date>,
}

impl Picker<'_> {
    /// Keeps the items whose activity was not reported as making things worse.
    fn keep(&mut self, candidates: impl IntoIterator<Item = Item>) -> Vec<Item> {
        let mut kept = Vec::new();
        for candidate in candidates {
            match self.excluded.get(&candidate.activity) {
                Some(&reported) => {
                    self.left_out.insert(candidate.activity, reported);
                }
                None => kept.push(candidate),
            }
        }
        kept
    }

    /// The dropped candidates, sorted by activity.
    fn into_left_out(self) -> Vec<LeftOut> {
        self.left_out
            .into_iter()
            .map(|(activity, reported)| LeftOut { activity, reported })
            .collect()
    }
}

/// A gentle option is "related" to a usual activity the user already enjoys, so it is
/// offered first (walkers walk, swimmers go to the pool, yoga people do beginners' yoga).
fn related_to_usual(activity: Activity, usual: &[Activity]) -> bool {
    let usual_match = match activity {
        Activity::Walking => Activity::Walking,
        Activity::AquaticExercise => Activity::Swimming,
        Activity::BeginnersYoga => Activity::YogaPilates,
        _ => return false,
    };
    usual.contains(&usual_match)
}

/// The profile's usual activities in profile order, without repeats and without anything
/// that is not a "usual" activity, so a malformed profile cannot double an item.
fn usual_activities(profile: &Profile) -> Vec<Activity> {
    let mut usual: Vec<Activity> = Vec::new();
    for &activity in &profile.activities {
        if Activity::USUAL.contains(&activity) && !usual.contains(&activity) {
            usual.push(activity);
        }
    }
    usual
}

/// The Gentle options, related ones first and otherwise in the listed order.
fn gentle_options(picker: &mut Picker<'_>, usual: &[Activity]) -> Vec<Item> {
    let menu = GENTLE.map(|(activity, min, max)| item(activity, min, max, Intensity::Easy));
    let mut options = picker.keep(menu);
    // Stable sort: related options move to the front, the rest keep their listed order.
    options.sort_by_key(|i| !related_to_usual(i.activity, usual));
    // TRIAGE's fallback "light stretching 10-15 min when every option is left out" can never
    // apply: light stretching is itself an option, so it is left out too and the list stays
    // empty.
    options
}

/// The core support work that goes with a session, unless it made things worse.
fn core_work(picker: &mut Picker<'_>, intensity: Intensity) -> Vec<Item> {
    picker.keep([item(
        Activity::CoreWork,
        CORE_MINUTES,
        CORE_MINUTES,
        intensity,
    )])
}

/// Moves the option with the most "went better" credits to the front, when it has at least 3
/// and strictly more than every other option: a tie cannot tell which one helped, and a
/// single option has nothing to go before. The other options keep their order.
fn prefer(options: &mut Vec<Item>, helped: &BTreeMap<Activity, u32>) -> Option<Preferred> {
    let times = |i: &Item| helped.get(&i.activity).copied().unwrap_or(0);
    let best = options.iter().map(times).max()?;
    let leaders = options.iter().filter(|i| times(i) == best).count();
    if options.len() < 2 || best < PREFER_AFTER || leaders != 1 {
        return None;
    }
    let at = options.iter().position(|i| times(i) == best)?;
    let item = options.remove(at);
    options.insert(0, item);
    Some(Preferred {
        activity: item.activity,
        times: best,
    })
}

/// What to do today: the todo for `level`, the suggestions left out because they made the
/// pain worse, and the option put first because it went better (`helped`: credits).
pub(super) struct Today {
    pub todo: Todo,
    pub left_out: Vec<LeftOut>,
    pub preferred: Option<Preferred>,
}

/// Today's todo for `level`, from the profile and what history says made it worse or better.
pub(super) fn todo_for(
    level: Level,
    profile: &Profile,
    made_worse: &BTreeMap<Activity, Date>,
    helped: &BTreeMap<Activity, u32>,
) -> Today {
    let mut picker = Picker {
        excluded: made_worse,
        left_out: BTreeMap::new(),
    };
    let usual = usual_activities(profile);
    let mut preferred = None;
    let todo = match level {
        Level::Emergency => Todo::Nothing,
        Level::SeeDoctor => Todo::EverydayMovement,
        Level::ActiveRest => Todo::ActiveRest,
        Level::Gentle => {
            let mut options = gentle_options(&mut picker, &usual);
            preferred = prefer(&mut options, helped);
            let with = core_work(&mut picker, Intensity::Easy);
            Todo::Session { options, with }
        }
        Level::Lighter => {
            let minutes = (profile.session_minutes / 2).max(LIGHTER_MIN_MINUTES);
            let lighter = usual
                .iter()
                .map(|&a| item(a, minutes, minutes, Intensity::Lower));
            let mut options = picker.keep(lighter);
            if options.is_empty() {
                options = gentle_options(&mut picker, &usual);
            }
            preferred = prefer(&mut options, helped);
            let with = core_work(&mut picker, Intensity::Lower);
            Todo::Session { options, with }
        }
        Level::Usual => {
            let minutes = profile.session_minutes;
            let routine = usual
                .iter()
                .map(|&a| item(a, minutes, minutes, Intensity::Usual));
            let mut options = picker.keep(routine);
            if options.is_empty() {
                let walk = FALLBACK_WALK_MINUTES;
                options = picker.keep([item(Activity::Walking, walk, walk, Intensity::Usual)]);
            }
            preferred = prefer(&mut options, helped);
            let with = core_work(&mut picker, Intensity::Usual);
            Todo::Session { options, with }
        }
    };
    Today {
        todo,
        left_out: picker.into_left_out(),
        preferred,
    }
}
