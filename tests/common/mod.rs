//! A test harness that talks to the Engine like a user: types text, presses buttons by their
//! label, and reads the replies. Time comes from a manual clock; the database is a real sled
//! folder in a temporary directory, so tests can drop and reopen it.
#![allow(dead_code)]

pub mod chat;
pub mod days;

use std::sync::Arc;

use backcheck::engine::{Button, Engine, Input, Reply};
use backcheck::model::Level;
use backcheck::script::Script;
use backcheck::store::{SledStore, Store, UserId};
use jiff::{Timestamp, ToSpan};

/// Every plan heading, so a test can find the plan among the replies.
pub const HEADINGS: [(&str, Level); 6] = [
    ("Urgent: get medical help now", Level::Emergency),
    ("See a doctor before you exercise", Level::SeeDoctor),
    ("Active rest day", Level::ActiveRest),
    ("Gentle day", Level::Gentle),
    ("Lighter version of your usual routine", Level::Lighter),
    ("Usual routine", Level::Usual),
];

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub store: Arc<SledStore>,
    pub engine: Engine,
    pub now: Timestamp,
    /// The replies of the last input.
    pub last: Vec<Reply>,
    /// Every button seen so far, latest last, to press old ones on purpose.
    pub seen: Vec<Button>,
}

/// The text of every reply, one after the other.
pub fn joined(replies: &[Reply]) -> String {
    replies
        .iter()
        .map(|r| r.body())
        .collect::<Vec<_>>()
        .join("\n---\n")
}

pub fn script() -> Arc<Script> {
    Arc::new(Script::embedded().expect("the built-in dialogs load"))
}

impl Harness {
    /// A fresh database; the clock at 2026-03-02 08:00 UTC (a Monday).
    pub fn new() -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(SledStore::open(dir.path()).expect("open store"));
        let engine = Engine::new(store.clone() as Arc<dyn Store>, script(), "UTC");
        Harness {
            dir,
            store,
            engine,
            now: "2026-03-02T08:00:00Z".parse().expect("timestamp"),
            last: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// Drops the Engine and the database and opens them again from disk (a restart).
    pub fn restart(&mut self) {
        let placeholder = Arc::new(SledStore::temporary().expect("temporary store"));
        self.engine = Engine::new(placeholder.clone() as Arc<dyn Store>, script(), "UTC");
        self.store = placeholder;
        let store = Arc::new(SledStore::open(self.dir.path()).expect("reopen store"));
        self.engine = Engine::new(store.clone() as Arc<dyn Store>, script(), "UTC");
        self.store = store;
    }

    /// Moves the clock by whole days.
    pub fn next_day(&mut self, days: i64) {
        self.now = self.now.checked_add((days * 24).hours()).expect("time");
    }

    pub fn send(&mut self, user: UserId, input: Input) -> &[Reply] {
        self.last = self.engine.handle(user, input, self.now);
        for r in &self.last {
            self.seen.extend(r.buttons().iter().flatten().cloned());
        }
        &self.last
    }

    /// Types `text` as user 1.
    pub fn say(&mut self, text: &str) -> &[Reply] {
        self.say_as(1, text)
    }

    pub fn say_as(&mut self, user: UserId, text: &str) -> &[Reply] {
        self.send(user, Input::Text(text.to_string()))
    }

    /// Presses the button labelled `label` (ignoring a tick) in the last replies, as user 1.
    pub fn press(&mut self, label: &str) -> &[Reply] {
        self.press_as(1, label)
    }

    pub fn press_as(&mut self, user: UserId, label: &str) -> &[Reply] {
        let data = self.button(label).data;
        self.send(user, Input::Button(data))
    }

    /// The button labelled `label` in the last replies; panics with the labels on offer.
    pub fn button(&self, label: &str) -> Button {
        let all: Vec<&Button> = self
            .last
            .iter()
            .flat_map(|r| r.buttons().iter().flatten())
            .collect();
        all.iter()
            .find(|b| b.label.trim_start_matches("✓ ") == label)
            .map(|b| (*b).clone())
            .unwrap_or_else(|| {
                let labels: Vec<&str> = all.iter().map(|b| b.label.as_str()).collect();
                panic!(
                    "no button {label:?}; buttons: {labels:?}; text: {}",
                    self.text()
                )
            })
    }

    /// All text of the last replies.
    pub fn text(&self) -> String {
        joined(&self.last)
    }

    /// The text of the last reply.
    pub fn last_text(&self) -> &str {
        self.last.last().map(|r| r.body()).unwrap_or("")
    }

    /// The level of the plan among the last replies, by its heading (first line).
    pub fn plan_level(&self) -> Option<Level> {
        self.last.iter().find_map(|r| {
            let first = r.body().lines().next()?;
            HEADINGS.iter().find(|(h, _)| *h == first).map(|(_, l)| *l)
        })
    }

    /// Asserts the last replies contain `needle`.
    #[track_caller]
    pub fn expect(&self, needle: &str) {
        let text = self.text();
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }

    /// Onboards user `user` by buttons: running and cycling, 60 min, cleared, no cancer,
    /// Europe/Berlin, reminder 07:00.
    pub fn onboard(&mut self, user: UserId) {
        self.say_as(user, "/start");
        self.press_as(user, "Running");
        self.press_as(user, "Cycling");
        self.press_as(user, "Done");
        self.press_as(user, "60 min");
        self.press_as(user, "Yes");
        self.press_as(user, "No");
        self.press_as(user, "Berlin (Europe)");
        self.press_as(user, "07:00");
        self.expect("All set");
    }
}
