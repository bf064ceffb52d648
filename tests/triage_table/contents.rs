//! Focused tests: what the plans contain (durations, the avoid list, home therapies, notes,
//! the episode start), and that the same inputs give the same plan.

use super::*;

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
