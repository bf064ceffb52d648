//! Every choice also in words: every keyboard the Engine can show, in every language, is
//! walked; each button's label is typed, and one of its other words, and the bot must go
//! where pressing the button goes. A button without typed words fails here.
//!
//! Each try replays the way to the keyboard as a fresh user of one Engine, so the press and
//! the typing start from the same state (users are independent; the clock is fixed).

use std::collections::BTreeSet;
use std::sync::Arc;

use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::{Action, Language, Question};
use backcheck::script::{Script, Scripts, Text};
use backcheck::store::{SledStore, Store, UserId};
use jiff::{Timestamp, ToSpan};
use strum::IntoEnumIterator;

/// One step of a way to a keyboard: what the user did, and when.
#[derive(Clone, Debug)]
struct Step {
    input: Input,
    at: Timestamp,
}

/// A reply as the user sees it: an edited message and a new one look alike here.
type Seen = Vec<(String, Vec<Vec<(String, String)>>)>;

fn seen(replies: &[Reply]) -> Seen {
    replies
        .iter()
        .map(|r| {
            let buttons = r
                .buttons()
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|b| (b.label.clone(), b.data.clone()))
                        .collect()
                })
                .collect();
            (r.body().to_string(), buttons)
        })
        .collect()
}

struct Walk {
    engine: Engine,
    language: Language,
    next_user: UserId,
    start: Timestamp,
    /// Questions whose keyboards were walked, and actions whose buttons were.
    questions: BTreeSet<Question>,
    actions: BTreeSet<Action>,
    /// Buttons tried, for the summary.
    tried: usize,
}

impl Walk {
    fn new(language: Language) -> Walk {
        let store = Arc::new(SledStore::temporary().expect("temporary store"));
        let scripts = Scripts::embedded().expect("the built-in dialogs load");
        Walk {
            engine: Engine::new(store as Arc<dyn Store>, scripts, "UTC"),
            language,
            next_user: 1,
            start: "2026-03-02T08:00:00Z".parse().expect("timestamp"),
            questions: BTreeSet::new(),
            actions: BTreeSet::new(),
            tried: 0,
        }
    }

    fn script(&self) -> &Script {
        self.engine.scripts().get(self.language)
    }

    /// Runs `path` then `last` as a new user; the replies to `last`.
    fn replay(&mut self, path: &[Step], last: &[Input]) -> Vec<Reply> {
        let user = self.next_user;
        self.next_user += 1;
        let hint = Some(self.language);
        for s in path {
            self.engine.handle_in(user, s.input.clone(), s.at, hint);
        }
        let at = path.last().map_or(self.start, |s| s.at);
        let mut replies = Vec::new();
        for input in last {
            replies = self.engine.handle_in(user, input.clone(), at, hint);
        }
        replies
    }

    /// The question a message asks, by its prompt (or hint) in this language.
    fn question_of(&self, text: &str) -> Option<Question> {
        let s = self.script();
        Question::iter().find(|q| {
            let def = s.question(*q);
            let mut forms = vec![def.prompt.as_str(), def.hint.as_str()];
            forms.extend(def.choose.as_deref());
            forms.iter().any(|f| {
                let head = f.split('{').next().unwrap_or(f);
                !head.is_empty() && text.starts_with(head)
            })
        })
    }

    /// Other words for a button, from the dialogs (and for numbers, as people write them).
    fn synonym(&self, q: Option<Question>, data: &str, label: &str) -> String {
        let s = self.script();
        let de = self.language == Language::De;
        if let Some(a) = data.strip_prefix("a:") {
            let action: Action = a.parse().expect("an action");
            let words = s.understand.action_words(action);
            return words
                .first()
                .unwrap_or_else(|| {
                    panic!(
                        "{:?}: the {a} button ({label:?}) has no words",
                        self.language
                    )
                })
                .clone();
        }
        let (_, key) = data.split_once(':').expect("seq:key");
        let q = q.unwrap_or_else(|| panic!("no question for the button {label:?}"));
        match q {
            Question::Pain => {
                let en = [
                    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                    "ten",
                ];
                let de_words = [
                    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht",
                    "neun", "zehn",
                ];
                let n: usize = key.parse().expect("a score");
                (if de { de_words[n] } else { en[n] }).to_string()
            }
            Question::SessionLength => {
                if de {
                    format!("{key} Minuten")
                } else {
                    format!("{key} minutes")
                }
            }
            Question::TimeZone => key.to_string(),
            Question::Reminder if key != "off" => {
                let hour: i32 = key[..2].parse().expect("an hour");
                match (de, hour) {
                    (true, h) => format!("{h} Uhr"),
                    (false, 12) => "noon".to_string(),
                    (false, h) if h < 12 => format!("{h}am"),
                    (false, h) => format!("{}pm", h - 12),
                }
            }
            _ => {
                let def = s.question(q);
                let words = def
                    .option(key)
                    .map(|o| o.aliases.clone())
                    .or_else(|| def.aliases.get(key).cloned())
                    .unwrap_or_default();
                words.first().cloned().unwrap_or_else(|| {
                    panic!(
                        "{:?}: the button {label:?} ({key}) of {q:?} has no typed words (aliases)",
                        self.language
                    )
                })
            }
        }
    }

    /// Tries every button of the last message with buttons among `replies` (reached by
    /// `path`): its label typed, and a synonym typed, must do what pressing it does.
    fn check_keyboard(&mut self, path: &[Step], replies: &[Reply]) {
        let Some(message) = replies.iter().rev().find(|r| !r.buttons().is_empty()) else {
            panic!("no keyboard after {path:?}: {replies:?}");
        };
        let q = self.question_of(message.body());
        if let Some(q) = q {
            self.questions.insert(q);
        }
        let tick = self.script().text(Text::Tick).to_string();
        let buttons: Vec<_> = message.buttons().iter().flatten().cloned().collect();
        for b in &buttons {
            if let Some(a) = b.data.strip_prefix("a:") {
                self.actions.insert(a.parse().expect("an action"));
            }
            let pressed = self.replay(path, &[Input::Button(b.data.clone())]);
            // A multi-select toggle waits for Done; typed, the choice is the whole answer.
            let expected = if pressed.iter().any(|r| matches!(r, Reply::Update { .. })) {
                let done = pressed
                    .iter()
                    .flat_map(|r| r.buttons().iter().flatten())
                    .find(|d| d.data.ends_with(":done"))
                    .expect("a Done button")
                    .data
                    .clone();
                self.replay(path, &[Input::Button(b.data.clone()), Input::Button(done)])
            } else {
                pressed
            };
            let label = b.label.trim_start_matches(tick.as_str()).to_string();
            let synonym = self.synonym(q, &b.data, &label);
            let typo = typo(&label);
            let mut typed = vec![label.clone(), label.to_uppercase(), synonym];
            typed.extend(typo);
            for text in typed {
                let got = self.replay(path, &[Input::Text(text.clone())]);
                assert_eq!(
                    seen(&got),
                    seen(&expected),
                    "{:?}: typing {text:?} for the button {label:?} ({}) of {:?}",
                    self.language,
                    b.data,
                    message.body()
                );
                self.tried += 1;
            }
        }
    }

    /// Walks a way: after each step, checks the keyboard it led to (when `check`).
    fn go(&mut self, path: &mut Vec<Step>, input: Input, check: bool) -> Vec<Reply> {
        let at = path.last().map_or(self.start, |s| s.at);
        path.push(Step {
            input: input.clone(),
            at,
        });
        let (before, _) = path.split_at(path.len() - 1);
        let before = before.to_vec();
        let replies = self.replay(&before, &[input]);
        if check {
            self.check_keyboard(path, &replies);
        }
        replies
    }

    /// Presses the button whose data ends with ":key" (or is "a:key") among `replies`.
    fn press(
        &mut self,
        path: &mut Vec<Step>,
        replies: &[Reply],
        key: &str,
        check: bool,
    ) -> Vec<Reply> {
        let data = replies
            .iter()
            .flat_map(|r| r.buttons().iter().flatten())
            .map(|b| b.data.clone())
            .find(|d| d.split_once(':').is_some_and(|(_, k)| k == key))
            .unwrap_or_else(|| panic!("no button {key}: {replies:?}"));
        self.go(path, Input::Button(data), check)
    }

    fn next_day(path: &mut [Step]) {
        if let Some(last) = path.last_mut() {
            last.at = last.at.checked_add(24.hours()).expect("time");
        }
    }
}

/// A small typo in the longest word of a label of four letters or more (two letters
/// swapped in its middle), when there is such a word.
fn typo(label: &str) -> Option<String> {
    let word = label
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .max_by_key(|w| w.chars().count())?;
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let mut swapped = chars.clone();
    swapped.swap(2, 3);
    if swapped == chars {
        return None;
    }
    let wrong: String = swapped.into_iter().collect();
    Some(label.replacen(word, &wrong, 1))
}

/// Every keyboard of onboarding, the check-in (both days), the confirmations, the menus,
/// the offers and the reminder.
fn walk(language: Language) {
    let mut w = Walk::new(language);
    let fever = match language {
        Language::En => "I have a fever",
        Language::De => "Ich habe Fieber",
    };
    let mut p = Vec::new();
    // Onboarding.
    let r = w.go(&mut p, Input::Text("/start".into()), true);
    let r = w.press(&mut p, &r, "running", false);
    let r = w.press(&mut p, &r, "done", true);
    let r = w.press(&mut p, &r, "60", true);
    let r = w.press(&mut p, &r, "yes", true);
    let r = w.press(&mut p, &r, "no", true);
    // Several zones fit a local time: the choice between them.
    let mut side = p.clone();
    w.go(&mut side, Input::Text("08:00".into()), true);
    let r = w.press(&mut p, &r, "Europe/Berlin", true);
    // "Ready for today's check-in?" [Check in now] [Later].
    let r = w.press(&mut p, &r, "07:00", true);
    let onboarded = p.clone();
    // The check-in, day one.
    let r = w.press(&mut p, &r, "checkin", true);
    let r = w.press(&mut p, &r, "6", true);
    let r = w.press(&mut p, &r, "lower_back", true);
    let r = w.press(&mut p, &r, "no", true);
    let r = w.press(&mut p, &r, "sharp", true);
    let r = w.press(&mut p, &r, "moving", true);
    let r = w.press(&mut p, &r, "started_today", true);
    w.press(&mut p, &r, "none", false);
    // A second check-in the same day: update it?
    w.go(&mut p.clone(), Input::Text("/checkin".into()), true);
    // A red flag in free text: confirm it.
    w.go(&mut p.clone(), Input::Text(fever.into()), true);
    // /forget, /profile, /language, and the menu of /start.
    w.go(&mut p.clone(), Input::Text("/forget".into()), true);
    w.go(&mut p.clone(), Input::Text("/profile".into()), true);
    w.go(&mut p.clone(), Input::Text("/language".into()), true);
    w.go(&mut p.clone(), Input::Text("/start".into()), true);
    // Day two: no plan yet [Check in now] [Later]; then "how did yesterday go?".
    Walk::next_day(&mut p);
    w.go(&mut p.clone(), Input::Text("/today".into()), true);
    let r = w.go(&mut p, Input::Text("/checkin".into()), false);
    let r = w.press(&mut p, &r, "4", false);
    let r = w.press(&mut p, &r, "lower_back", false);
    let r = w.press(&mut p, &r, "no", false);
    let r = w.press(&mut p, &r, "dull_ache", false);
    let r = w.press(&mut p, &r, "morning", false);
    let r = w.press(&mut p, &r, "none", true);
    w.press(&mut p, &r, "worse", true);
    // The reminder: its buttons from an idle conversation.
    let reminder = w.engine.reminder_in(language);
    w.check_keyboard(&onboarded, &[reminder]);

    let missing: Vec<Question> = Question::iter()
        .filter(|q| !w.questions.contains(q))
        .collect();
    assert!(
        missing.is_empty(),
        "{language:?}: keyboards never walked: {missing:?}"
    );
    let missing: Vec<Action> = Action::iter()
        .filter(|a| !w.actions.contains(a) && *a != Action::Profile)
        .collect();
    assert!(
        missing.is_empty(),
        "{language:?}: action buttons never walked: {missing:?}"
    );
    assert!(w.tried > 200, "{language:?}: only {} typed tries", w.tried);
}

#[test]
fn every_english_button_can_be_typed() {
    walk(Language::En);
}

#[test]
fn every_german_button_can_be_typed() {
    walk(Language::De);
}
