//! /language: which language the bot speaks to a user, with buttons (Deutsch, English), typed
//! ("/language de", "deutsch"), at any time. The choice is kept in the profile, or in the
//! onboarding draft for someone not set up yet; the rest of the conversation carries on, in
//! the new language.

use super::Turn;
use super::ask::Answer;
use super::state::Flow;
use crate::model::{Language, Question};
use crate::script::Text;
use crate::store::StoreError;

impl Turn<'_> {
    /// "/language": asks which, with buttons; "/language de" (or "deutsch"): switches at once.
    pub(super) fn language_command(&mut self, args: &str) -> Result<(), StoreError> {
        // Confirmations do not nest: a pending one is replaced, its flow resumed after.
        let resume = match std::mem::take(&mut self.state.flow) {
            Flow::Confirm { resume, .. } => resume,
            other => Box::new(other),
        };
        self.state.flow = Flow::Confirm {
            question: Question::Language,
            flag: None,
            resume,
        };
        if !args.is_empty() {
            return match self.match_one(Question::Language, args) {
                Some(Answer::Key(k)) => self.language_answer(&k),
                _ => {
                    self.ask(Question::Language);
                    Ok(())
                }
            };
        }
        self.ask(Question::Language);
        Ok(())
    }

    /// The language picked: switch, say so in it, and go back to what we were doing.
    pub(super) fn language_answer(&mut self, key: &str) -> Result<(), StoreError> {
        let Ok(language) = key.parse::<Language>() else {
            self.reask_with_hint(Question::Language);
            return Ok(());
        };
        if let Flow::Confirm { resume, .. } = std::mem::take(&mut self.state.flow) {
            self.state.flow = *resume;
        }
        self.language = language;
        self.script = self.engine.scripts.get(language);
        match (&mut self.profile, &mut self.state.flow) {
            (Some(p), _) => p.language = language,
            (None, Flow::Onboarding { draft, .. }) => draft.language = Some(language),
            (None, _) => {
                // Not set up yet: setting up is what comes next, in the language chosen.
                self.say(Text::LanguageSet);
                return self.start_onboarding();
            }
        }
        self.say(Text::LanguageSet);
        self.resume_question();
        Ok(())
    }
}
