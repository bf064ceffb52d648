//! Hostile input: arbitrary text, button data and commands, in any order, never panic the
//! Engine, always get a reply, and leave a state that loads again.

mod common;

use backcheck::engine::Input;
use backcheck::store::Store;
use common::Harness;
use proptest::prelude::*;

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
