//! How a simulated user answers (the load tool and the crash test play the same user): a
//! runner who runs 60 minutes, is cleared, lives in Berlin, wants a 07:00 reminder, and today
//! has a sharp lower-back pain of 5 that started today, with no warning signs.

use backcheck::model::Question;
use backcheck::script::Script;

/// The question a bot message asks, found by its prompt: the whole message, or its last
/// paragraph (the transport folds a text-only message into the question after it).
pub fn question_of(script: &Script, text: &str) -> Option<Question> {
    use strum::IntoEnumIterator;
    Question::iter().find(|&q| {
        let prompt = &script.question(q).prompt;
        text == prompt
            || text
                .strip_suffix(prompt.as_str())
                .is_some_and(|intro| intro.ends_with("\n\n"))
    })
}

/// The button this user presses for `q`. Activities is a multi-select: press "Running" first
/// (`activity_ticked` false), then "Done".
pub fn label_for(q: Question, activity_ticked: bool) -> Option<&'static str> {
    Some(match q {
        Question::Activities if activity_ticked => "Done",
        Question::Activities => "Running",
        Question::SessionLength => "60 min",
        Question::Cleared => "Yes",
        Question::Cancer | Question::Spreads | Question::ConfirmFlag => "No",
        Question::TimeZone => "Berlin (Europe)",
        Question::Reminder => "07:00",
        Question::Pain => "5",
        Question::Area => "Lower back",
        Question::Feeling => "Sharp",
        Question::Worst => "When moving",
        Question::Episode => "Started today",
        Question::RedFlags => "None of these",
        Question::Yesterday => "About the same",
        Question::UpdateToday => "Yes, update it",
        _ => return None,
    })
}
