//! Activity names inside a plan's sentences come from plan.toml's activities_in_sentence:
//! English lowercases them ("I left out running"), German keeps its nouns capitalised ("Ich
//! habe Laufen weggelassen") and lowercases only an adjective before one ("leichtes Dehnen").

use backcheck::model::{Activity, Language, Level};
use backcheck::script::Scripts;
use backcheck::script::render::render_plan;
use backcheck::triage::{LeftOut, Plan, Preferred, Todo};
use jiff::civil::date;

/// An active rest day that left `out` out (reported today: it made yesterday worse) and put
/// `first` first.
fn plan(out: Activity, first: Activity) -> Plan {
    Plan {
        level: Level::ActiveRest,
        reasons: Vec::new(),
        urgency: None,
        todo: Todo::ActiveRest,
        avoid: Vec::new(),
        home_therapies: false,
        stop_rule: false,
        left_out: vec![LeftOut {
            activity: out,
            reported: date(2026, 3, 2),
        }],
        preferred: Some(Preferred {
            activity: first,
            times: 3,
        }),
        long_episode_note: false,
        clearance_note: false,
        build_up_note: false,
        episode_start: None,
    }
}

#[test]
fn names_in_sentences_are_written_as_each_language_writes_them() {
    let scripts = Scripts::embedded().expect("dialogs");
    let today = date(2026, 3, 2);
    let cases = [
        (
            Language::En,
            Activity::Running,
            Activity::LightStretching,
            "I left out running because",
            "I put light stretching first",
        ),
        (
            Language::De,
            Activity::Running,
            Activity::LightStretching,
            "Ich habe Laufen weggelassen",
            "Ich habe leichtes Dehnen nach vorn gestellt",
        ),
        (
            Language::De,
            Activity::WeightLifting,
            Activity::CoreWork,
            "Ich habe Krafttraining weggelassen",
            "Ich habe sanftes Rumpftraining nach vorn gestellt",
        ),
    ];
    for (language, out, first, left, preferred) in cases {
        let text = render_plan(&scripts.get(language).plan, &plan(out, first), today);
        assert!(text.contains(left), "{language:?}: {text}");
        assert!(text.contains(preferred), "{language:?}: {text}");
    }
}
