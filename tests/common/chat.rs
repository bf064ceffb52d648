//! A chat with the real Engine and every language's built-in dialogs, as a user whose
//! Telegram app has a language: send text, press buttons by their key, read the replies.
#![allow(dead_code)]

use std::sync::Arc;

use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::{Language, Level};
use backcheck::script::Scripts;
use backcheck::store::{SledStore, Store, UserId};
use jiff::Timestamp;
use strum::IntoEnumIterator;

pub struct Chat {
    pub engine: Engine,
    pub store: Arc<SledStore>,
    pub now: Timestamp,
    pub user: UserId,
    /// Telegram's language for this user.
    pub hint: Option<Language>,
    pub last: Vec<Reply>,
}

impl Chat {
    pub fn new(hint: Language) -> Chat {
        let store = Arc::new(SledStore::temporary().expect("temporary store"));
        let scripts = Scripts::embedded().expect("the built-in dialogs load");
        Chat {
            engine: Engine::new(store.clone() as Arc<dyn Store>, scripts, "UTC"),
            store,
            now: "2026-03-02T08:00:00Z".parse().expect("timestamp"),
            user: 7,
            hint: Some(hint),
            last: Vec::new(),
        }
    }

    pub fn send(&mut self, input: Input) -> &[Reply] {
        self.last = self.engine.handle_in(self.user, input, self.now, self.hint);
        &self.last
    }

    pub fn say(&mut self, text: &str) -> &[Reply] {
        self.send(Input::Text(text.to_string()))
    }

    /// Presses the button whose key is `key` ("seq:key" or "a:key") in the last replies.
    pub fn press(&mut self, key: &str) -> &[Reply] {
        let data = self
            .last
            .iter()
            .flat_map(|r| r.buttons().iter().flatten())
            .map(|b| b.data.clone())
            .find(|d| d.split_once(':').is_some_and(|(_, k)| k == key))
            .unwrap_or_else(|| panic!("no button {key} in: {}", self.text()));
        self.send(Input::Button(data))
    }

    pub fn text(&self) -> String {
        super::joined(&self.last)
    }

    #[track_caller]
    pub fn expect(&self, needle: &str) {
        let text = self.text();
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }

    /// The plan level among the last replies, by its heading in `language`.
    pub fn level_in(&self, language: Language) -> Option<Level> {
        let scripts = self.engine.scripts();
        let plan = &scripts.get(language).plan;
        self.last.iter().find_map(|r| {
            let first = r.body().lines().next()?;
            Level::iter().find(|l| plan.heading(*l) == first)
        })
    }

    /// German onboarding by buttons: walking, 30 min, cleared, no cancer, Berlin, no reminder.
    pub fn onboard_pressed(&mut self) {
        self.say("/start");
        self.expect("Welche Aktivitäten");
        self.press("walking");
        self.press("done");
        self.press("30");
        self.press("yes");
        self.press("no");
        self.press("Europe/Berlin");
        self.press("off");
        self.expect("Bereit für den heutigen Check-in?");
    }

    /// The same, typed in German.
    pub fn onboard_typed(&mut self) {
        self.say("/start");
        self.say("spazieren gehen");
        self.say("eine halbe Stunde");
        self.say("ja");
        self.say("nein");
        self.say("Berlin");
        self.say("keine Erinnerung");
        self.expect("Bereit für den heutigen Check-in?");
    }
}
