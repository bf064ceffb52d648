//! Hostile input: arbitrary text, button data and commands, in any order, never panic the
//! Engine, always get a reply, and leave a state that loads again. With two users: button
//! data one user was shown, pressed by the other, never touches the first one's data;
//! buttons from an earlier day are stale and change nothing; every command takes arbitrary
//! arguments; and afterwards each conversation can still be brought to a plan.

mod common;

use std::str::FromStr;

use backcheck::engine::state::Flow;
use backcheck::engine::{Command, Input, Reply};
use backcheck::model::{Question, RedFlag};
use backcheck::script::Text;
use backcheck::store::{Store, UserId};
use common::{HEADINGS, Harness};
use jiff::ToSpan;
use proptest::prelude::*;
use strum::IntoEnumIterator;

/// Inputs a user (or a forger) could send: free text, commands with odd arguments, answers,
/// red-flag phrasings, and button data for other questions, other days and other users.
fn input() -> impl Strategy<Value = Input> {
    let texts = prop_oneof![
        any::<String>(),
        "[a-z ]{0,40}",
        Just("6".to_string()),
        Just("lower back".to_string()),
        Just("yes".to_string()),
        Just("none".to_string()),
        Just("done".to_string()),
        Just("I have a fever".to_string()),
        Just("both my legs are numb".to_string()),
        Just("what can I do today?".to_string()),
        "/(start|checkin|today|history|remind|timezone|profile|export|forget|cancel|help|nope)( .{0,20})?",
        "x{4000,6000}",
    ];
    let buttons = prop_oneof![
        any::<String>(),
        "[0-9]{1,10}:[a-z_]{0,20}",
        "[0-9]{1,3}:(lower_back|neck|yes|no|none|done|fever|bladder_bowel|running|0|10|11|Europe/Berlin|07:30|off)",
        "a:(checkin|today|help|profile|snooze|nope)",
    ];
    prop_oneof![
        3 => texts.prop_map(Input::Text),
        2 => buttons.prop_map(Input::Button),
        1 => Just(Input::Unsupported),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_input_sequence_gets_replies_and_keeps_a_valid_state(
        inputs in proptest::collection::vec(input(), 1..40),
        days in proptest::collection::vec(0i64..2, 40),
    ) {
        let mut h = Harness::new();
        for (i, input) in inputs.into_iter().enumerate() {
            h.next_day(days[i % days.len()]);
            let replies = h.send(1, input.clone()).to_vec();
            prop_assert!(!replies.is_empty(), "no reply to {:?}", input);
            for r in &replies {
                prop_assert!(!r.body().trim().is_empty(), "empty reply to {:?}", input);
                for b in r.buttons().iter().flatten() {
                    prop_assert!(b.data.len() <= 64, "callback data over 64 bytes: {:?}", b.data);
                }
            }
            // The state and records always load back.
            prop_assert!(h.store.state(1).is_ok());
            prop_assert!(h.store.export(1).is_ok());
        }
        // Another user was never touched.
        prop_assert_eq!(h.store.raw_keys(2).unwrap(), Vec::new());
    }
}

// ---------------------------------------------------------------------------------------
// Two users, forged and stale buttons, and arbitrary command arguments.

/// Every command by name, with arbitrary arguments (and now and then a "@botname" suffix,
/// as Telegram adds in groups).
fn command() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = Command::iter().map(Command::name).collect();
    let args = prop_oneof![
        Just(String::new()),
        any::<String>(),
        "[ -~]{0,30}",
        "[0-9:.-]{0,8}",
        proptest::sample::select(vec![
            "yesterday",
            "YESTERDAY ",
            "today",
            "off",
            "on",
            "07:30",
            "7pm",
            "25:99",
            "24:00",
            "Europe/Berlin",
            "europe/berlin",
            "Mars/Olympus",
            "UTC+99",
            "it's 14:35",
            "week",
            "0",
            "1",
            "365",
            "366",
            "-1",
            "99999999999999999999",
            "sunday",
            "su",
            "mon",
            "everything",
        ])
        .prop_map(str::to_string),
    ];
    (
        proptest::sample::select(names),
        args,
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(name, args, at)| {
            let suffix = if at { "@backcheck_bot" } else { "" };
            format!("/{name}{suffix} {args}")
        })
}

/// One step of a two-user session.
#[derive(Debug, Clone)]
enum Act {
    /// `user` sends `input` themselves.
    Send { user: UserId, input: Input },
    /// `user` presses button data that the *other* user was shown: `recent` picks among the
    /// other user's last replies (their current question), otherwise among all they saw.
    Forge {
        user: UserId,
        pick: usize,
        recent: bool,
    },
    /// `user` presses a button they were shown on an earlier day.
    OldDay { user: UserId, pick: usize },
    /// The clock moves on by a day (and a few hours).
    NextDay { hours: i64 },
}

fn act() -> impl Strategy<Value = Act> {
    let user = || prop_oneof![Just(1u64), Just(2u64)];
    let own = prop_oneof![
        3 => input(),
        3 => command().prop_map(Input::Text),
        1 => any::<String>().prop_map(Input::Button),
    ];
    prop_oneof![
        4 => (user(), own).prop_map(|(user, input)| Act::Send { user, input }),
        4 => (user(), any::<usize>(), any::<bool>())
            .prop_map(|(user, pick, recent)| Act::Forge { user, pick, recent }),
        2 => (user(), any::<usize>()).prop_map(|(user, pick)| Act::OldDay { user, pick }),
        1 => (0i64..30).prop_map(|h| Act::NextDay { hours: 24 + h }),
    ]
}

/// The two users' sides: the buttons each was shown, with the day (clock step) they were
/// shown on, and the replies of their last turn.
struct Two {
    h: Harness,
    day: u32,
    seen: [Vec<(u32, String)>; 2],
    last: [Vec<Reply>; 2],
}

impl Two {
    fn new() -> Two {
        Two {
            h: Harness::new(),
            day: 0,
            seen: [Vec::new(), Vec::new()],
            last: [Vec::new(), Vec::new()],
        }
    }

    /// One turn of `user`; checks that it got a non-empty reply and that the other user's
    /// stored data did not change.
    fn send(&mut self, user: UserId, input: Input) -> Result<Vec<Reply>, TestCaseError> {
        let other = 3 - user;
        let before = self.h.store.export(other).unwrap();
        let replies = self.h.send(user, input.clone()).to_vec();
        let after = self.h.store.export(other).unwrap();
        prop_assert_eq!(
            before,
            after,
            "user {}'s input {:?} changed user {}'s data",
            user,
            input,
            other
        );
        prop_assert!(!replies.is_empty(), "no reply to {:?}", input);
        for r in &replies {
            prop_assert!(!r.body().trim().is_empty(), "empty reply to {:?}", input);
            for b in r.buttons().iter().flatten() {
                prop_assert!(
                    b.data.len() <= 64,
                    "callback data over 64 bytes: {:?}",
                    b.data
                );
            }
        }
        prop_assert!(self.h.store.state(user).is_ok());
        prop_assert!(self.h.store.export(user).is_ok());
        let i = (user - 1) as usize;
        for r in &replies {
            for b in r.buttons().iter().flatten() {
                self.seen[i].push((self.day, b.data.clone()));
            }
        }
        self.last[i] = replies.clone();
        Ok(replies)
    }

    fn act(&mut self, act: Act) -> Result<(), TestCaseError> {
        match act {
            Act::Send { user, input } => {
                self.send(user, input)?;
            }
            Act::Forge { user, pick, recent } => {
                let victim = (2 - user) as usize;
                let pool: Vec<String> = if recent {
                    let last = self.last[victim].iter();
                    last.flat_map(|r| r.buttons().iter().flatten())
                        .map(|b| b.data.clone())
                        .collect()
                } else {
                    self.seen[victim].iter().map(|(_, d)| d.clone()).collect()
                };
                if let Some(data) = pool.get(pick % pool.len().max(1)) {
                    self.send(user, Input::Button(data.clone()))?;
                }
            }
            Act::OldDay { user, pick } => {
                let i = (user - 1) as usize;
                let old: Vec<String> = self.seen[i]
                    .iter()
                    .filter(|(day, _)| *day < self.day)
                    .map(|(_, d)| d.clone())
                    .collect();
                if let Some(data) = old.get(pick % old.len().max(1)) {
                    self.old_button(user, data.clone())?;
                }
            }
            Act::NextDay { hours } => {
                self.h.now = self.h.now.checked_add(hours.hours()).unwrap();
                self.day += 1;
            }
        }
        Ok(())
    }

    /// A button from an earlier day. Unless it is an action, an emergency flag, or still the
    /// question waiting (same `seq`), it is stale: it changes nothing and says so.
    fn old_button(&mut self, user: UserId, data: String) -> Result<(), TestCaseError> {
        let seq = self.h.store.state(user).unwrap().map(|s| s.seq);
        let (stamp, key) = data.split_once(':').unwrap_or(("", ""));
        let emergency = RedFlag::from_str(key).is_ok_and(RedFlag::is_emergency);
        let stale = !data.starts_with("a:") && !emergency && stamp.parse().ok() != seq;
        let before = self.h.store.export(user).unwrap();
        let replies = self.send(user, Input::Button(data.clone()))?;
        if stale {
            let after = self.h.store.export(user).unwrap();
            prop_assert_eq!(
                before,
                after,
                "the stale button {:?} changed something",
                data
            );
            let script = self.h.engine.script();
            let said = replies.first().map(|r| r.body()).unwrap_or_default();
            prop_assert!(
                said == script.text(Text::StaleButton) || said == script.text(Text::StaleIdle),
                "the stale button {:?} was answered with {:?}",
                data,
                said
            );
        }
        Ok(())
    }

    /// /cancel, then whatever it takes to reach a plan: onboarding when there is no
    /// profile, "/checkin", and the legitimate button for every question asked.
    fn complete_checkin(&mut self, user: UserId) -> Result<(), TestCaseError> {
        self.send(user, Input::Text("/cancel".into()))?;
        for _ in 0..30 {
            let state = self.h.store.state(user).unwrap().unwrap_or_default();
            let input = match step(&state.flow) {
                None if self.h.store.profile(user).unwrap().is_none() => "/start".to_string(),
                None => "/checkin".to_string(),
                Some(q) => {
                    let data = format!("{}:{}", state.seq, answer(q));
                    let replies = self.send(user, Input::Button(data))?;
                    if replies.iter().any(is_plan) {
                        return Ok(());
                    }
                    continue;
                }
            };
            self.send(user, Input::Text(input))?;
        }
        Err(TestCaseError::fail(format!(
            "user {user} did not reach a plan; last replies: {:?}",
            self.last[(user - 1) as usize]
        )))
    }
}

/// The question waiting for an answer, if any.
fn step(flow: &Flow) -> Option<Question> {
    match flow {
        Flow::Idle => None,
        Flow::Onboarding { step, .. } | Flow::Edit { step, .. } | Flow::CheckIn { step, .. } => {
            Some(*step)
        }
        Flow::Confirm { question, .. } => Some(*question),
    }
}

/// The button key a cooperative user presses for `q`.
fn answer(q: Question) -> &'static str {
    match q {
        Question::Activities => "none",
        Question::SessionLength => "60",
        Question::Cleared => "yes",
        Question::Cancer => "no",
        Question::TimeZone => "Europe/Berlin",
        Question::Reminder => "07:00",
        Question::Pain => "3",
        Question::Area => "lower_back",
        Question::Spreads => "no",
        Question::Feeling => "dull_ache",
        Question::Worst => "morning",
        Question::Episode => "up_to_a_week",
        Question::RedFlags => "none",
        Question::Yesterday => "same",
        Question::WorseActivity => "not_sure",
        Question::ConfirmFlag => "no",
        Question::UpdateToday => "yes",
        Question::ConfirmForget => "no",
        Question::ProfileField => "done",
        Question::Language => "en",
    }
}

fn is_plan(r: &Reply) -> bool {
    let first = r.body().lines().next().unwrap_or("");
    HEADINGS.iter().any(|(h, _)| *h == first)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn forged_stale_and_odd_inputs_of_two_users_never_cross_or_break(
        acts in proptest::collection::vec(act(), 1..40),
    ) {
        let mut t = Two::new();
        // Both users onboarded and in the middle of a check-in, so there is something to forge.
        for user in [1, 2] {
            t.complete_checkin(user)?;
            t.h.now = t.h.now.checked_add(26.hours()).unwrap();
            t.day += 1;
        }
        for user in [1, 2] {
            t.send(user, Input::Text("/checkin".into()))?;
            t.send(user, Input::Button(format!("{}:4", seq(&t, user))))?;
        }
        for act in acts {
            t.act(act)?;
        }
        // Whatever happened, both conversations can still complete.
        for user in [1, 2] {
            t.complete_checkin(user)?;
        }
    }
}

fn seq(t: &Two, user: UserId) -> u32 {
    t.h.store.state(user).unwrap().map_or(0, |s| s.seq)
}
