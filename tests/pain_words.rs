//! A no-pain word means 0 only when it is the whole answer. Inside a longer message ("nothing
//! helps, it's terrible") it must not read as 0 (that would give the Usual plan to someone in
//! bad pain): the pain question is asked again. Both languages, loaded from dialogs/ on disk.

use std::path::Path;
use std::sync::OnceLock;

use backcheck::script::Script;
use backcheck::understand::PainError;

fn load(lang: &str) -> Script {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("dialogs")
        .join(lang);
    match Script::load(&dir) {
        Ok(s) => s,
        Err(e) => panic!("dialogs/{lang} does not load: {e}"),
    }
}

fn en() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| load("en"))
}

fn de() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| load("de"))
}

#[test]
fn english_no_pain_words_inside_a_message_are_not_a_zero() {
    let reask = [
        "nothing helps, it's terrible",
        "Nothing helps. It's terrible!",
        "not at all bearable",
        "none of the painkillers work",
        "no pain? I wish",
        "all good until I stand up, then it's awful",
        "it doesnt hurt only when I lie still",
        "nada works",
    ];
    for text in reask {
        assert_eq!(
            en().understand.pain(text),
            Err(PainError::NotANumber),
            "{text:?}"
        );
    }
}

#[test]
fn english_whole_no_pain_answers_are_zero() {
    let zero = [
        "none",
        "None.",
        "no pain",
        "No pain!",
        "nothing",
        "nothing at all",
        "not at all",
        "no pain at all",
        "none, no pain",
        "pain-free",
        "0",
        "zero",
    ];
    for text in zero {
        assert_eq!(en().understand.pain(text), Ok(0), "{text:?}");
    }
    // A number still wins over the words around it.
    assert_eq!(en().understand.pain("nothing helps, it's an 8"), Ok(8));
}

#[test]
fn german_no_pain_words_inside_a_message_are_not_a_zero() {
    let reask = [
        "keine schmerzen? schön wär's",
        "Keine Schmerzen mehr? Schön wär's, es ist furchtbar",
        "schmerzfrei bin ich nie",
        "tut nicht weh ist gelogen, es ist unerträglich",
        "keine beschwerden beim sitzen, aber beim gehen kaum auszuhalten",
        "nichts hilft, es ist schrecklich",
    ];
    for text in reask {
        assert_eq!(
            de().understand.pain(text),
            Err(PainError::NotANumber),
            "{text:?}"
        );
    }
}

#[test]
fn german_whole_no_pain_answers_are_zero() {
    let zero = [
        "keine schmerzen",
        "Keine Schmerzen.",
        "schmerzfrei",
        "tut gar nicht weh",
        "gar keine Schmerzen!",
        "null",
        "0",
    ];
    for text in zero {
        assert_eq!(de().understand.pain(text), Ok(0), "{text:?}");
    }
    assert_eq!(de().understand.pain("nichts hilft, eine 8"), Ok(8));
}
