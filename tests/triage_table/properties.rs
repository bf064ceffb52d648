//! Properties over random answers and histories: the promises that hold for every input.

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
