//! Every row of the triage table through the real Engine, in English and in German: a user
//! whose profile and history are the row's starts /checkin and types, at whatever question
//! the Engine asks, the label of the button that carries the row's answer in their language,
//! so German rows go through German understanding. The stored day must have the row's
//! level and the answers typed, the plan must open with that level's heading in the user's
//! language and be triage's plan on those answers, and the English and German plans must
//! differ. Issue 11: "The triage table's level for each row is
//! the same in both languages. Only the wording differs."

use std::sync::Arc;

use backcheck::engine::{Engine, Input, Reply};
use backcheck::model::{
    Area, CheckIn, DayRecord, Episode, Feeling, Language, Outcome, Profile, Question, Worst,
};
use backcheck::script::render::render_plan;
use backcheck::script::{Script, Scripts};
use backcheck::store::{Change, SledStore, Store, UserId};
use jiff::Timestamp;
use strum::IntoEnumIterator;

use backcheck::triage::triage;

use super::rows::{Past, Row, TODAY, checkin_of, profile, rows};

/// 10:00 in Berlin (the users' zone) on the table's Wednesday, so "days ago" hold.
const NOW: &str = "2025-03-12T09:00:00Z";

/// Rows no conversation can produce, and why; every other row must run. (No button reaches
/// them either: the Engine never asks the question whose answer they need.)
const UNREACHABLE: [(&str, &str); 3] = [
    (
        "pain not rated and no flag (cannot happen in a check-in): gentle",
        "a check-in rates pain first; only a red flag ends it earlier",
    ),
    (
        "worse at two check-ins in a row even with 5 days between them",
        "with no plan yesterday, \"how did yesterday go?\" is not asked (TRIAGE.md, item 8)",
    ),
    (
        "yoga made it worse today on a gentle day: beginners' yoga stays, yoga not listed",
        "no history, so no plan yesterday: \"how did yesterday go?\" is not asked",
    ),
];

/// More turns than a check-in has questions: a conversation that does not end fails.
const MOST_TURNS: usize = 12;

/// How one row went in one language.
enum Ran {
    /// The plan's text.
    Planned(String),
    /// The conversation never asked for one of the row's answers.
    Unreachable(String),
}

/// One Engine with both languages and one store; each (row, language) is a new user.
struct Table {
    engine: Engine,
    store: Arc<SledStore>,
    now: Timestamp,
    next_user: UserId,
}

impl Table {
    fn new() -> Table {
        let store = Arc::new(SledStore::temporary().expect("temporary store"));
        let scripts = Scripts::embedded().expect("the built-in dialogs load");
        Table {
            engine: Engine::new(store.clone() as Arc<dyn Store>, scripts, "UTC"),
            store,
            now: NOW.parse().expect("timestamp"),
            next_user: 1,
        }
    }

    fn script(&self, language: Language) -> &Script {
        self.engine.scripts().get(language)
    }

    /// The row's profile, in `language`.
    fn profile_of(&self, row: &Row, language: Language) -> Profile {
        let mut p = profile(row.cleared, row.cancer, row.usual);
        p.language = language;
        p
    }

    /// A new user with the row's profile (in `language`) and history.
    fn user_for(&mut self, row: &Row, language: Language) -> UserId {
        let user = self.next_user;
        self.next_user += 1;
        let p = self.profile_of(row, language);
        let change = Change {
            profile: Some(&p),
            ..Change::default()
        };
        self.store.write(user, change).expect("write profile");
        for past in &row.history {
            let record = past.record();
            let change = Change {
                day: Some(&record),
                ..Change::default()
            };
            self.store.write(user, change).expect("write history");
        }
        user
    }

    /// Runs `row`'s check-in in `language`; Err names what went wrong.
    fn run(&mut self, row: &Row, language: Language) -> Result<Ran, String> {
        let user = self.user_for(row, language);
        let mut replies = self
            .engine
            .handle(user, Input::Text("/checkin".into()), self.now);
        let mut answered = CheckIn::default();
        let mut asked = Vec::new();
        for _ in 0..MOST_TURNS {
            let Some((q, message)) = self.question(&replies, language)? else {
                return self.finish(user, row, language, &replies, &answered, &asked);
            };
            if asked.contains(&q) {
                return Err(format!("{q:?} asked twice"));
            }
            asked.push(q);
            let typed = match self.answer(q, row, language, &message, &mut answered)? {
                Some(typed) => typed,
                None => return Ok(Ran::Unreachable(format!("{q:?} has no answer"))),
            };
            replies = self.engine.handle(user, Input::Text(typed), self.now);
        }
        Err(format!("no plan after {asked:?}"))
    }

    /// The question the replies ask (by its prompt in `language`), with its message.
    /// Its hint instead (a re-ask: the typed answer was not understood) is an error.
    fn question(
        &self,
        replies: &[Reply],
        language: Language,
    ) -> Result<Option<(Question, Reply)>, String> {
        let s = self.script(language);
        let Some(message) = replies.iter().rev().find(|r| !r.buttons().is_empty()) else {
            return Ok(None);
        };
        let body = message.body();
        for q in Question::iter() {
            let def = s.question(q);
            if !def.hint.is_empty() && body.ends_with(&def.hint) {
                return Err(format!("re-asked {q:?}: {body:?}"));
            }
            if !def.prompt.is_empty() && body.ends_with(&def.prompt) {
                return Ok(Some((q, message.clone())));
            }
        }
        Ok(None)
    }

    /// What the user types at `q`: the label of the button carrying the row's answer (None
    /// when the row has none to give), recorded in `answered` as the Engine should store it.
    ///
    /// Where the row has no answer to a question the Engine asks, the user gives the answer
    /// that triage reads as no answer (src/triage/rules.rs): the area and when it is worst
    /// are never read; "no" spreading, a dull ache and "started today" are what a missing
    /// answer means; "about the same" neither credits nor blames yesterday's activity.
    fn answer(
        &self,
        q: Question,
        row: &Row,
        language: Language,
        message: &Reply,
        answered: &mut CheckIn,
    ) -> Result<Option<String>, String> {
        let s = self.script(language);
        let label = |key: &str| label_of(message, key).ok_or_else(|| format!("no {key} in {q:?}"));
        let typed = match q {
            Question::Pain => match (row.pain, row.flags.first()) {
                (Some(p), _) => {
                    answered.pain = Some(p);
                    label(&p.to_string())?
                }
                // "Ended before pain was rated": the warning sign said in words at the pain
                // question (its label as text), which ends the check-in on an emergency.
                (None, Some(&flag)) => {
                    answered.red_flags = vec![flag];
                    s.question(Question::RedFlags).label(flag.key()).to_string()
                }
                (None, None) => return Ok(None),
            },
            Question::Area => {
                let area = row.area.unwrap_or(Area::LowerBack);
                answered.area = Some(area);
                label(area.key())?
            }
            Question::Spreads => {
                let spreads = row.spreads.unwrap_or(false);
                answered.spreads = Some(spreads);
                label(if spreads { "yes" } else { "no" })?
            }
            Question::Feeling => {
                let feeling = row.feeling.unwrap_or(Feeling::DullAche);
                answered.feeling = Some(feeling);
                label(feeling.key())?
            }
            Question::Worst => {
                let worst = row.worst.unwrap_or(Worst::Morning);
                answered.worst = Some(worst);
                label(worst.key())?
            }
            Question::Episode => {
                let episode = row.episode.unwrap_or(Episode::StartedToday);
                answered.episode = Some(episode);
                label(episode.key())?
            }
            Question::RedFlags => self.flags_typed(row, language, message, answered)?,
            Question::Yesterday => {
                let outcome = row.yesterday.unwrap_or(Outcome::Same);
                answered.yesterday = Some(outcome);
                label(outcome.key())?
            }
            Question::WorseActivity => {
                answered.worse_activity = row.worse_activity;
                label(row.worse_activity.map_or("not_sure", |a| a.key()))?
            }
            other => return Err(format!("asked {other:?} during the check-in")),
        };
        Ok(Some(typed))
    }

    /// The red flags typed. Typed, one label is the whole answer (there is no toggling by
    /// text), so: none, the "None of these" label; an emergency, the label of the row's first
    /// emergency flag (it ends the check-in, as its button does); one flag, its label; several,
    /// a list of their names ("fever, night pain"), the way the flow reads several typed.
    fn flags_typed(
        &self,
        row: &Row,
        language: Language,
        message: &Reply,
        answered: &mut CheckIn,
    ) -> Result<String, String> {
        let def = self.script(language).question(Question::RedFlags);
        let label = |key: &str| {
            label_of(message, key).ok_or_else(|| format!("no {key} among the red flags"))
        };
        let emergency = row.flags.iter().copied().find(|f| f.is_emergency());
        let single = match row.flags {
            [one] => Some(*one),
            _ => None,
        };
        match (row.flags, emergency.or(single)) {
            ([], _) => label("none"),
            (_, Some(flag)) => {
                answered.red_flags = vec![flag];
                label(flag.key())
            }
            (several, None) => {
                let mut flags = several.to_vec();
                flags.sort();
                answered.red_flags = flags;
                let names: Option<Vec<&str>> = several
                    .iter()
                    .map(|f| def.option(f.key())?.aliases.first().map(String::as_str))
                    .collect();
                names
                    .map(|n| n.join(", "))
                    .ok_or_else(|| "a red flag without a typed name".to_string())
            }
        }
    }

    /// After the last answer: the plan and the stored day.
    fn finish(
        &self,
        user: UserId,
        row: &Row,
        language: Language,
        replies: &[Reply],
        answered: &CheckIn,
        asked: &[Question],
    ) -> Result<Ran, String> {
        // An answer of the row that was never asked for (outside an emergency, which ends
        // the check-in early on purpose).
        if !answered.has_emergency() {
            let never = never_asked(&checkin_of(row), answered);
            if !never.is_empty() {
                return Ok(Ran::Unreachable(format!("never asked: {never:?}")));
            }
        }
        let plan = replies
            .first()
            .map(|r| r.body().to_string())
            .ok_or_else(|| format!("no reply after {asked:?}"))?;
        let heading = self.script(language).plan.heading(row.level);
        let first = plan.lines().next().unwrap_or("");
        let mut problems = Vec::new();
        if first != heading {
            problems.push(format!("plan opens {first:?}, expected {heading:?}"));
        }
        match self.store.day(user, TODAY) {
            Ok(Some(day)) => {
                if day.level != row.level {
                    problems.push(format!("level {:?}, expected {:?}", day.level, row.level));
                }
                if &day.checkin != answered {
                    problems.push(format!(
                        "stored answers {:?}, typed {answered:?}",
                        day.checkin
                    ));
                }
                // The whole plan is triage's on the stored answers, in the user's words.
                let history: Vec<DayRecord> = row.history.iter().map(Past::record).collect();
                let p = self.profile_of(row, language);
                let planned = triage(&p, &day.checkin, &history, TODAY);
                let script = self.script(language);
                if render_plan(&script.plan, &planned, TODAY) != plan {
                    problems.push(format!("the plan is not triage's: {plan:?}"));
                }
            }
            Ok(None) => problems.push("no day stored".to_string()),
            Err(e) => problems.push(format!("store: {e}")),
        }
        if problems.is_empty() {
            Ok(Ran::Planned(plan))
        } else {
            Err(format!("{} (asked {asked:?})", problems.join("; ")))
        }
    }
}

/// The answers of `given` that `answered` lacks: the Engine never asked for them.
fn never_asked(given: &CheckIn, answered: &CheckIn) -> Vec<&'static str> {
    held(given)
        .into_iter()
        .zip(held(answered))
        .filter(|((_, given), (_, answered))| *given && !*answered)
        .map(|((name, _), _)| name)
        .collect()
}

/// Which of the answers after the pain score a check-in holds, by name.
fn held(c: &CheckIn) -> [(&'static str, bool); 7] {
    [
        ("area", c.area.is_some()),
        ("spreads", c.spreads.is_some()),
        ("feeling", c.feeling.is_some()),
        ("worst", c.worst.is_some()),
        ("episode", c.episode.is_some()),
        ("yesterday", c.yesterday.is_some()),
        ("worse activity", c.worse_activity.is_some()),
    ]
}

/// The label (without a tick) of the button of `message` whose key is `key`.
fn label_of(message: &Reply, key: &str) -> Option<String> {
    message
        .buttons()
        .iter()
        .flatten()
        .find(|b| b.data.split_once(':').is_some_and(|(_, k)| k == key))
        .map(|b| b.label.trim_start_matches("✓ ").to_string())
}

#[test]
fn every_row_gives_its_level_in_english_and_in_german() {
    let rows = rows();
    assert!(rows.len() >= 45, "the table has {} rows", rows.len());
    let mut table = Table::new();
    let mut failures = Vec::new();
    let mut unreachable = Vec::new();
    let mut ran = 0;
    for row in &rows {
        let mut plans = Vec::new();
        for language in [Language::En, Language::De] {
            match table.run(row, language) {
                Ok(Ran::Planned(plan)) => {
                    ran += 1;
                    plans.push(plan);
                }
                Ok(Ran::Unreachable(why)) => unreachable.push((row.what, language, why)),
                Err(e) => failures.push(format!("{} [{language:?}]: {e}", row.what)),
            }
        }
        if let [en, de] = plans.as_slice()
            && en == de
        {
            failures.push(format!("{}: the same plan in English and German", row.what));
        }
    }
    let expected: Vec<&str> = UNREACHABLE.iter().map(|(what, _)| *what).collect();
    for (what, language, why) in &unreachable {
        if !expected.contains(what) {
            failures.push(format!("{what} [{language:?}]: not reached: {why}"));
        }
    }
    for (what, why) in UNREACHABLE {
        let both = unreachable.iter().filter(|(w, ..)| *w == what).count();
        if both != 2 {
            failures.push(format!("{what}: listed as unreachable ({why}), but ran"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        ran,
        2 * (rows.len() - UNREACHABLE.len()),
        "rows run, both languages"
    );
}
