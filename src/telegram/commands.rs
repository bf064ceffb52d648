//! The slash commands as Telegram sees them: parsed with teloxide's `BotCommands` derive and
//! registered with setMyCommands at start-up. What a command does is the Engine's business,
//! so each one is handed over as the text the user typed.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::engine::Input;
use crate::model::Language;
use crate::script::{Script, Scripts, Text};

/// The commands shown in Telegram's menu, in the order of the menu.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    #[command(description = "set up, or welcome back")]
    Start,
    #[command(description = "today's check-in (/checkin yesterday until noon)")]
    Checkin(String),
    #[command(description = "what can I do today?")]
    Today,
    #[command(description = "your last days, e.g. /history 30")]
    History(String),
    #[command(description = "daily reminder: /remind 07:30 or /remind off")]
    Remind(String),
    #[command(description = "your time zone, e.g. /timezone Europe/Berlin")]
    Timezone(String),
    #[command(description = "see or change your answers")]
    Profile,
    #[command(description = "all your data as a file")]
    Export,
    #[command(description = "delete all your data")]
    Forget,
    #[command(description = "stop what we are doing")]
    Cancel,
    #[command(description = "how this works")]
    Help,
    #[command(description = "weekly summary day: /summary sunday or /summary off")]
    Summary(String),
    #[command(description = "Deutsch or English")]
    Language(String),
}

impl Command {
    /// The menu for setMyCommands: names without the slash, as the Bot API documents them
    /// (the derive's `bot_commands` keeps the prefix), described in the English dialogs.
    pub fn menu() -> Vec<BotCommand> {
        match Script::embedded() {
            Ok(script) => Command::menu_in(&script),
            Err(_) => Command::bot_commands()
                .into_iter()
                .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
                .collect(),
        }
    }

    /// The menu described in one language's words (messages.toml's command_* texts).
    pub fn menu_in(script: &Script) -> Vec<BotCommand> {
        Command::bot_commands()
            .into_iter()
            .map(|c| {
                let name = c.command.trim_start_matches('/').to_string();
                let description = description(script, &name).unwrap_or(c.description);
                BotCommand::new(name, description)
            })
            .collect()
    }

    /// One menu per language, each with the `language_code` setMyCommands is given for it:
    /// none for English (everyone else's default), "de" for German.
    pub fn menus(scripts: &Scripts) -> Vec<(Option<&'static str>, Vec<BotCommand>)> {
        scripts
            .iter()
            .map(|(language, script)| {
                let code = match language {
                    Language::En => None,
                    other => Some(other.key()),
                };
                (code, Command::menu_in(script))
            })
            .collect()
    }

    /// The command as the Engine reads it: "/name" or "/name args".
    pub fn to_input(&self) -> Input {
        let (name, args) = match self {
            Command::Start => ("start", ""),
            Command::Checkin(a) => ("checkin", a.as_str()),
            Command::Today => ("today", ""),
            Command::History(a) => ("history", a.as_str()),
            Command::Remind(a) => ("remind", a.as_str()),
            Command::Timezone(a) => ("timezone", a.as_str()),
            Command::Profile => ("profile", ""),
            Command::Export => ("export", ""),
            Command::Forget => ("forget", ""),
            Command::Cancel => ("cancel", ""),
            Command::Help => ("help", ""),
            Command::Summary(a) => ("summary", a.as_str()),
            Command::Language(a) => ("language", a.as_str()),
        };
        let args = args.trim();
        if args.is_empty() {
            Input::Text(format!("/{name}"))
        } else {
            Input::Text(format!("/{name} {args}"))
        }
    }
}

/// A command's description in `script`'s words.
fn description(script: &Script, name: &str) -> Option<String> {
    let text = match name {
        "start" => Text::CommandStart,
        "checkin" => Text::CommandCheckin,
        "today" => Text::CommandToday,
        "history" => Text::CommandHistory,
        "remind" => Text::CommandRemind,
        "timezone" => Text::CommandTimezone,
        "profile" => Text::CommandProfile,
        "export" => Text::CommandExport,
        "forget" => Text::CommandForget,
        "cancel" => Text::CommandCancel,
        "help" => Text::CommandHelp,
        "summary" => Text::CommandSummary,
        "language" => Text::CommandLanguage,
        _ => return None,
    };
    Some(script.text(text).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn telegram_registers_exactly_the_engine_commands() {
        let telegram: Vec<String> = Command::menu().into_iter().map(|c| c.command).collect();
        let engine: Vec<String> = crate::engine::Command::iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(telegram, engine);
    }

    #[test]
    fn commands_parse_and_become_engine_text() {
        let bot = "backcheck_bot";
        let cases = [
            ("/start", "/start"),
            ("/remind 07:30", "/remind 07:30"),
            ("/remind", "/remind"),
            ("/history@backcheck_bot 30", "/history 30"),
            ("/timezone  Europe/Berlin ", "/timezone Europe/Berlin"),
        ];
        for (typed, text) in cases {
            let c = Command::parse(typed, bot).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(c.to_input(), Input::Text(text.to_string()), "{typed}");
        }
        assert!(Command::parse("/nonsense", bot).is_err());
        assert!(Command::parse("/start@other_bot", bot).is_err());
    }

    #[test]
    fn descriptions_fit_telegram() {
        for c in Command::menu() {
            let len = c.description.chars().count();
            assert!((1..=256).contains(&len), "{}", c.command);
            assert!(c.command.len() <= 32 && c.command.chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }
}
