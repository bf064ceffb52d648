//! backcheck on Telegram in German, end to end against the fake Bot API: a user whose app is
//! set to German (language_code "de") is set up and checks in in German, by buttons and by
//! typing; the German command menu is registered with language_code "de"; a command typed
//! by its German name ("/hilfe") is answered.

mod support;

#[path = "telegram_e2e/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::Arc;

use backcheck::model::{Activity, Language, Level, Question};
use backcheck::script::{Script, Scripts};
use backcheck::store::Store;
use harness::*;
use serde_json::json;
use support::fake_bot_api::FakeBotApi;

/// A message from a German Telegram app.
fn say_de(t: &mut Talk, w: &Watch, text: &str) {
    let from = json!({"id": t.user, "is_bot": false, "first_name": "Anna", "language_code": "de"});
    t.floor = w
        .fake
        .push_message(t.user, t.user, json!({"text": text, "from": from}));
}

fn german() -> Script {
    let scripts = Scripts::embedded().expect("dialogs");
    scripts.get(Language::De).clone()
}

/// The label of option `key` of `q` in German.
fn label(s: &Script, q: Question, key: &str) -> String {
    s.question(q).label(key).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_german_app_gets_german_onboarding_and_check_in_by_buttons_and_typing() {
    let fake = Arc::new(FakeBotApi::start().await);
    let w = Watch::new(fake.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let bot = start(&fake, dir.path(), clock());
    let de = german();

    let mut t = Talk::new(4242);
    say_de(&mut t, &w, "/start");
    let first = de.question(Question::Activities).prompt.clone();
    t.expect(&w, "the German activities question", |m| {
        m.sent.ends_with(&first)
    })
    .await;
    t.toggle(&w, de.plan.activity(Activity::Walking)).await;
    t.press(&w, &label(&de, Question::Activities, "done")).await;
    t.press(&w, "30 Min.").await;
    t.press(&w, &label(&de, Question::Cleared, "yes")).await;
    t.press(&w, &label(&de, Question::Cancer, "no")).await;
    t.press(&w, "Berlin (Europa)").await;
    t.press(&w, "07:00").await;
    t.expect(&w, "the German offer", |m| {
        m.sent
            .ends_with(de.text(backcheck::script::Text::ReadyForCheckin))
    })
    .await;

    // Pressed: a gentle day, headed in German.
    t.press(&w, de.text(backcheck::script::Text::ButtonCheckin))
        .await;
    t.press(&w, "5").await;
    t.press(&w, &label(&de, Question::Area, "lower_back")).await;
    t.press(&w, &label(&de, Question::Spreads, "no")).await;
    t.press(&w, &label(&de, Question::Feeling, "sharp")).await;
    t.press(&w, &label(&de, Question::Worst, "moving")).await;
    t.press(&w, &label(&de, Question::Episode, "started_today"))
        .await;
    t.press(&w, &label(&de, Question::RedFlags, "none")).await;
    let plan = t.plan_in(&w, &de).await;
    assert_eq!(plan.first_line(), de.plan.heading(Level::Gentle));
    assert_eq!(plan.first_line(), "Sanfter Tag");
    assert!(plan.sent.contains("keine Diagnose"), "{}", plan.sent);

    // Typed, in German: an update of today's check-in, ending at an emergency.
    say_de(&mut t, &w, "/checkin");
    t.expect(&w, "the update question", |m| {
        m.sent.ends_with(&de.question(Question::UpdateToday).prompt)
    })
    .await;
    say_de(&mut t, &w, "ja, ändern");
    t.expect(&w, "the German pain question", |m| {
        m.sent.ends_with(&de.question(Question::Pain).prompt)
    })
    .await;
    say_de(&mut t, &w, "sechs");
    t.expect(&w, "the area question", |m| {
        m.sent.ends_with(&de.question(Question::Area).prompt)
    })
    .await;
    say_de(&mut t, &w, "ich kann meine beine nicht mehr spüren");
    let plan = t.plan_in(&w, &de).await;
    assert_eq!(
        plan.first_line(),
        "Dringend: Jetzt medizinische Hilfe holen"
    );

    // The German menu, registered for German apps.
    let menu = fake
        .wait_for(
            |r| {
                r.method == "setMyCommands" && r.param_str("language_code").as_deref() == Some("de")
            },
            WAIT,
        )
        .await;
    let commands = menu.param_json("commands").expect("commands");
    let language = commands
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["command"] == "language")
        .expect("/language is in the menu");
    assert_eq!(language["description"], "Deutsch oder English");
    let help = commands
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["command"] == "help")
        .expect("/help");
    assert_eq!(help["description"], "so funktioniert es");
    // And the English one for everyone else, without a language code.
    let english = fake
        .requests_for("setMyCommands")
        .into_iter()
        .find(|r| r.param_str("language_code").is_none())
        .expect("the default menu");
    let text = english
        .param_json("commands")
        .expect("commands")
        .to_string();
    assert!(text.contains("how this works"), "{text}");

    // A command by its German name, typed: teloxide does not know it, the Engine does.
    say_de(&mut t, &w, "/hilfe");
    t.expect(&w, "German help for /hilfe", |m| {
        m.sent.contains("/checkin gestern")
    })
    .await;

    let profile = bot.store.profile(4242).expect("read").expect("profile");
    assert_eq!(profile.language, Language::De);
    bot.stop().await;
}

impl Talk {
    /// Waits for a plan headed in `script`'s language.
    async fn plan_in(&self, w: &Watch, script: &Script) -> Msg {
        let headings: Vec<String> = <Level as strum::IntoEnumIterator>::iter()
            .map(|l| script.plan.heading(l).to_string())
            .collect();
        self.expect(w, "a German plan", move |m| {
            headings.iter().any(|h| h == m.first_line())
        })
        .await
    }
}
