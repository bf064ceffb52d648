//! The daily check-in: one question at a time in the order of TRIAGE.md, skipping what cannot
//! change the plan, then today's plan from triage. Red flags, in buttons or free text, win.

use jiff::ToSpan;
use jiff::civil::Date;

use super::ask::{Answer, flag_key};
use super::state::{CheckInCtx, Flow};
use super::{Reply, Turn};
use crate::model::{Activity, CheckIn, Cleared, DayRecord, Outcome, Profile, Question};
use crate::script::{Text, render};
use crate::store::StoreError;
use crate::triage::{self, Plan};

/// The check-in's questions, in order.
const ORDER: [Question; 9] = [
    Question::Pain,
    Question::Area,
    Question::Spreads,
    Question::Feeling,
    Question::Worst,
    Question::Episode,
    Question::RedFlags,
    Question::Yesterday,
    Question::WorseActivity,
];

/// Yesterday's check-in can be recorded until this hour today (local time).
const LATE_UNTIL_HOUR: i8 = 12;

/// How many days of history triage looks at (its longest rule looks back 6 weeks and a bit).
const HISTORY_DAYS: i64 = 60;

/// Whether `q` can change today's plan, given the answers so far.
fn applies(q: Question, draft: &CheckIn, ctx: &CheckInCtx) -> bool {
    let painful = draft.pain.is_some_and(|p| p > 0);
    match q {
        Question::Area | Question::Spreads | Question::Feeling | Question::Worst => painful,
        Question::Episode => painful && !ctx.episode_continues,
        Question::Yesterday => ctx.yesterday.is_some(),
        Question::WorseActivity => draft.yesterday == Some(Outcome::Worse),
        _ => true,
    }
}

/// The profile triage uses for someone who has not finished onboarding (red flags only).
fn fallback_profile(zone: &str) -> Profile {
    Profile {
        activities: Vec::new(),
        session_minutes: 30,
        cleared: Cleared::DontKnow,
        cancer_history: false,
        time_zone: zone.to_string(),
        reminder: None,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    }
}

impl Turn<'_> {
    /// /checkin: starts today's check-in, or offers to update it when it exists.
    pub(super) fn start_checkin(&mut self) -> Result<(), StoreError> {
        if self.profile.is_none() {
            self.say(Text::SetupFirst);
            return self.start_onboarding();
        }
        let today = self.today();
        // A day that holds only red flags typed earlier is no check-in yet: no "update?".
        let done = self.store().day(self.user, today)?;
        if done.is_some_and(|d| d.checkin.pain.is_some()) {
            self.state.flow = Flow::Confirm {
                question: Question::UpdateToday,
                flag: None,
                resume: Box::new(Flow::Idle),
            };
            self.ask(Question::UpdateToday);
            return Ok(());
        }
        self.begin_checkin(today)
    }

    /// "/checkin yesterday": yesterday's check-in can be recorded until noon today, once.
    pub(super) fn start_late_checkin(&mut self) -> Result<(), StoreError> {
        if self.profile.is_none() {
            self.say(Text::SetupFirst);
            return self.start_onboarding();
        }
        let local = self.now.to_zoned(self.zone());
        let Ok(yesterday) = local.date().yesterday() else {
            return Ok(());
        };
        if local.hour() >= LATE_UNTIL_HOUR {
            self.say(Text::LateCheckinClosed);
            return Ok(());
        }
        let done = self.store().day(self.user, yesterday)?;
        if done.is_some_and(|d| d.checkin.pain.is_some()) {
            self.say(Text::LateCheckinExists);
            return Ok(());
        }
        self.say(Text::LateCheckinIntro);
        self.begin_checkin(yesterday)
    }

    /// Begins a fresh check-in for `date`.
    pub(super) fn begin_checkin(&mut self, date: Date) -> Result<(), StoreError> {
        let history = self.history(date)?;
        // Red flags already reported today (typed, or in an earlier check-in) are kept:
        // redoing the check-in must not make a warning sign disappear.
        let earlier = self.store().day(self.user, date)?;
        let flags = earlier.map(|d| d.checkin.red_flags).unwrap_or_default();
        let ctx = CheckInCtx {
            episode_continues: triage::episode_start(&history, date).is_some(),
            yesterday: triage::plan_yesterday(&history, date).map(|d| d.suggested.clone()),
            text_flags: flags.clone(),
        };
        self.state.flow = Flow::CheckIn {
            step: Question::Pain,
            date,
            draft: CheckIn {
                red_flags: flags,
                ..CheckIn::default()
            },
            ctx,
        };
        if date >= self.today() {
            self.say(Text::CheckinIntro);
        }
        self.ask(Question::Pain);
        Ok(())
    }

    /// Earlier days that triage looks at, oldest first.
    fn history(&self, date: Date) -> Result<Vec<DayRecord>, StoreError> {
        let from = date.checked_sub(HISTORY_DAYS.days()).unwrap_or(date);
        let to = date.yesterday().unwrap_or(date);
        if to < from {
            return Ok(Vec::new());
        }
        self.store().days(self.user, from, to)
    }

    /// Applies an answer to the check-in and moves on.
    pub(super) fn checkin_answer(
        &mut self,
        q: Question,
        answer: Answer,
        pressed: bool,
    ) -> Result<(), StoreError> {
        let Flow::CheckIn { draft, ctx, .. } = &mut self.state.flow else {
            return Ok(());
        };
        let key = match &answer {
            Answer::Key(k) => k.as_str(),
            _ => "",
        };
        match (q, &answer) {
            (Question::Pain, Answer::Pain(p)) => {
                draft.pain = Some(*p);
                if *p == 0 {
                    (draft.area, draft.spreads, draft.feeling) = (None, None, None);
                    (draft.worst, draft.episode) = (None, None);
                }
            }
            (Question::Area, _) => draft.area = key.parse().ok(),
            (Question::Spreads, _) => draft.spreads = Some(key == "yes"),
            (Question::Feeling, _) => draft.feeling = key.parse().ok(),
            (Question::Worst, _) => draft.worst = key.parse().ok(),
            (Question::Episode, _) => draft.episode = key.parse().ok(),
            (Question::Yesterday, _) => {
                draft.yesterday = key.parse().ok();
                draft.worse_activity = None;
            }
            (Question::WorseActivity, _) => draft.worse_activity = key.parse::<Activity>().ok(),
            (Question::RedFlags, Answer::Keys(keys)) => {
                for f in keys.iter().filter_map(|k| flag_key(k)) {
                    draft.add_flag(f);
                }
            }
            (Question::RedFlags, Answer::Key(k)) if k == "none" => {
                let keep = ctx.text_flags.clone();
                draft.red_flags.retain(|f| keep.contains(f));
            }
            (Question::RedFlags, Answer::Key(k)) if k == "done" => {}
            (Question::RedFlags, Answer::Key(k)) => {
                let Some(flag) = flag_key(k) else {
                    self.reask_with_hint(q);
                    return Ok(());
                };
                if flag.is_emergency() {
                    draft.add_flag(flag);
                    return self.finish_checkin();
                }
                if draft.red_flags.contains(&flag) {
                    draft.remove_flag(flag);
                } else {
                    draft.add_flag(flag);
                }
                self.show_ticks(q, pressed);
                return Ok(());
            }
            _ => {
                self.reask_with_hint(q);
                return Ok(());
            }
        }
        if draft.has_emergency() {
            return self.finish_checkin();
        }
        self.advance(q)
    }

    /// Asks the next question that can change the plan, or finishes.
    fn advance(&mut self, after: Question) -> Result<(), StoreError> {
        let Flow::CheckIn { draft, ctx, .. } = &self.state.flow else {
            return Ok(());
        };
        let start = ORDER.iter().position(|q| *q == after).map_or(0, |i| i + 1);
        let next = ORDER[start..]
            .iter()
            .copied()
            .find(|q| applies(*q, draft, ctx));
        match next {
            Some(q) => {
                self.ask(q);
                Ok(())
            }
            None => self.finish_checkin(),
        }
    }

    /// Triage, write the day durably with the state, and say the plan.
    fn finish_checkin(&mut self) -> Result<(), StoreError> {
        let Flow::CheckIn { date, draft, .. } = std::mem::take(&mut self.state.flow) else {
            return Ok(());
        };
        self.save_day(date, draft)
    }

    /// Triages `checkin` for `date`, keeps the day to be written durably, and says the plan.
    pub(super) fn save_day(&mut self, date: Date, checkin: CheckIn) -> Result<(), StoreError> {
        let history = self.history(date)?;
        let plan = self.triage_with(&checkin, &history, date);
        let record = DayRecord {
            date,
            level: plan.level,
            episode_start: plan.episode_start,
            suggested: plan.suggested(),
            clearance_note: plan.clearance_note,
            checkin,
            recorded_at: self.now,
        };
        let late = date < self.today();
        if late {
            self.say(Text::LateCheckinRecorded);
        }
        self.say_plan(&plan, date);
        let summary_day = self.profile.as_ref().map(|p| p.summary_day);
        if !late && summary_day.is_some_and(|d| d.is(date.weekday())) {
            self.weekly_summary(history, &record);
        }
        self.day = Some(record);
        Ok(())
    }

    /// Triage with the user's profile (or the cautious fallback before onboarding is done).
    fn triage_with(&self, checkin: &CheckIn, history: &[DayRecord], date: Date) -> Plan {
        match &self.profile {
            Some(p) => triage::triage(p, checkin, history, date),
            None => {
                let fallback = fallback_profile(&self.engine.default_zone);
                triage::triage(&fallback, checkin, history, date)
            }
        }
    }

    /// The weekly summary, after the check-in on the user's summary day, from the history
    /// the check-in was triaged with and the day just completed.
    fn weekly_summary(&mut self, mut records: Vec<DayRecord>, today: &DayRecord) {
        let from = today.date.checked_sub(27.days()).unwrap_or(today.date);
        records.retain(|r| r.date >= from);
        records.push(today.clone());
        let week = crate::history::weekly_summary(&records, today.date);
        let text = crate::history::summary::render(&week, self.script);
        self.replies.push(Reply::text(text));
    }

    /// Says a plan.
    pub(super) fn say_plan(&mut self, plan: &Plan, date: Date) {
        let text = render::render_plan(&self.script.plan, plan, date);
        self.replies.push(Reply::text(text));
    }

    /// Today's plan from the stored check-in (the same inputs give the same plan).
    pub(super) fn plan_for(&self, record: &DayRecord) -> Result<Plan, StoreError> {
        let history = self.history(record.date)?;
        Ok(self.triage_with(&record.checkin, &history, record.date))
    }
}
