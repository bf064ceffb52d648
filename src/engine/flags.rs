//! Red flags and confirmations: an emergency (tapped or typed) ends whatever is going on
//! with the Emergency answer; a see-a-doctor flag in free text is confirmed with one yes/no;
//! confirmations (a flag, updating today's check-in, /forget) resume where the user was.

use super::Turn;
use super::state::Flow;
use crate::model::{Question, RedFlag};
use crate::script::Text;
use crate::store::StoreError;

impl Turn<'_> {
    /// An emergency red flag, typed at any point: the Emergency answer at once.
    pub(super) fn emergency(&mut self, flags: &[RedFlag]) -> Result<(), StoreError> {
        // Under any confirmations (a flag to confirm, /forget), what was the user doing?
        let mut flow = self.state.flow.clone();
        while let Flow::Confirm { resume, .. } = flow {
            flow = *resume;
        }
        if let Flow::CheckIn {
            date, mut draft, ..
        } = flow
        {
            for f in flags {
                draft.add_flag(*f);
            }
            self.state.flow = Flow::Idle;
            return self.save_day(date, draft);
        }
        self.state.flow = flow;
        self.add_flags_today(flags)
    }

    /// Adds red flags to today's check-in (or starts one that holds only them) and says
    /// the plan; the conversation stays where it was.
    fn add_flags_today(&mut self, flags: &[RedFlag]) -> Result<(), StoreError> {
        let today = self.today();
        let mut checkin = self
            .store()
            .day(self.user, today)?
            .map(|d| d.checkin)
            .unwrap_or_default();
        for f in flags {
            checkin.add_flag(*f);
        }
        self.save_day(today, checkin)
    }

    /// Whether the user already told us about `flag` today.
    pub(super) fn flag_known(&self, flag: RedFlag) -> bool {
        let in_flow = |flow: &Flow| match flow {
            Flow::CheckIn { draft, .. } => draft.red_flags.contains(&flag),
            _ => false,
        };
        match &self.state.flow {
            Flow::Confirm { resume, .. } => in_flow(resume),
            flow => in_flow(flow),
        }
    }

    /// A see-a-doctor flag in free text: confirm it with one yes/no question first.
    pub(super) fn confirm_flag(&mut self, flag: RedFlag) {
        let resume = match std::mem::take(&mut self.state.flow) {
            Flow::Confirm { resume, .. } => resume,
            other => Box::new(other),
        };
        self.state.flow = Flow::Confirm {
            question: Question::ConfirmFlag,
            flag: Some(flag),
            resume,
        };
        self.ask(Question::ConfirmFlag);
    }

    /// The answer to a confirmation (red flag, update today, forget).
    pub(super) fn confirm_answer(&mut self, q: Question, yes: bool) -> Result<(), StoreError> {
        let Flow::Confirm { flag, resume, .. } = std::mem::take(&mut self.state.flow) else {
            return Ok(());
        };
        self.state.flow = *resume;
        match (q, yes) {
            (Question::ConfirmFlag, true) => {
                let Some(flag) = flag else { return Ok(()) };
                if let Flow::CheckIn { draft, ctx, .. } = &mut self.state.flow {
                    draft.add_flag(flag);
                    ctx.text_flags.push(flag);
                    self.say(Text::FlagRecorded);
                    self.resume_question();
                    return Ok(());
                }
                self.add_flags_today(&[flag])?;
                self.resume_question();
            }
            (Question::ConfirmFlag, false) => {
                self.say(Text::FlagNotConfirmed);
                self.resume_question();
            }
            (Question::UpdateToday, true) => {
                let today = self.today();
                return self.begin_checkin(today);
            }
            (Question::UpdateToday, false) => self.say(Text::KeepToday),
            (Question::ConfirmForget, true) => {
                self.forget = true;
                self.say(Text::Forgotten);
            }
            (Question::ConfirmForget, false) => {
                self.say(Text::KeptData);
                self.resume_question();
            }
            _ => {}
        }
        Ok(())
    }

    /// Back to the question the conversation was on, asked afresh (a new `seq`).
    pub(super) fn resume_question(&mut self) {
        if let Some(q) = self.step() {
            self.ask(q);
        }
    }
}
