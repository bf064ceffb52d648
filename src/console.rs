//! The console chat: the same Engine and database as the Telegram bot, in a terminal. Buttons
//! are shown as numbered choices that can be picked by number, or by typing their label.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::engine::{Button, Engine, Input, Reply};
use crate::script::{Text, fill};
use crate::store::UserId;

/// The user id the console talks as (Telegram ids are never 0).
pub const CONSOLE_USER: UserId = 0;

/// A terminal conversation.
pub struct Console<'a, W: Write> {
    engine: &'a Engine,
    clock: &'a dyn Clock,
    user: UserId,
    out: W,
    /// The buttons of the last message, in the order they were numbered.
    buttons: Vec<Button>,
    /// Where /export files are written.
    export_dir: PathBuf,
}

impl<'a, W: Write> Console<'a, W> {
    pub fn new(
        engine: &'a Engine,
        clock: &'a dyn Clock,
        user: UserId,
        out: W,
        export_dir: &Path,
    ) -> Self {
        Console {
            engine,
            clock,
            user,
            out,
            buttons: Vec::new(),
            export_dir: export_dir.to_path_buf(),
        }
    }

    /// Runs the chat until /quit or the end of input (Ctrl-D). Starts with /start, which
    /// begins onboarding for someone new and otherwise resumes where the user left off.
    pub fn run(&mut self, input: impl BufRead) -> io::Result<()> {
        self.send(Input::Text("/start".to_string()))?;
        for line in input.lines() {
            let line = line?;
            let trimmed = line.trim();
            if matches!(trimmed, "/quit" | "/exit") {
                break;
            }
            let input = self.read(trimmed);
            self.send(input)?;
        }
        // In the user's language; English when even the profile cannot be read.
        let language = self.engine.language_of(self.user).unwrap_or_default();
        let goodbye = self.engine.scripts().get(language).text(Text::Goodbye);
        writeln!(self.out, "{goodbye}")?;
        self.out.flush()?;
        if let Err(e) = self.engine.store().flush() {
            tracing::warn!(error = %e, "flush on exit failed");
        }
        Ok(())
    }

    /// A typed line as input: a button by its label or number, or text.
    pub fn read(&self, line: &str) -> Input {
        let by_label = self
            .buttons
            .iter()
            .find(|b| strip_tick(&b.label).eq_ignore_ascii_case(line));
        if let Some(b) = by_label {
            return Input::Button(b.data.clone());
        }
        let numeric_labels = self.buttons.iter().any(|b| b.label.parse::<u32>().is_ok());
        if let (false, Ok(n)) = (numeric_labels, line.parse::<usize>())
            && let Some(b) = n.checked_sub(1).and_then(|i| self.buttons.get(i))
        {
            return Input::Button(b.data.clone());
        }
        Input::Text(line.to_string())
    }

    /// Sends one input to the Engine and prints the replies, then a reminder if one is due
    /// (the console shows reminders between messages, so they can be tried without Telegram).
    pub fn send(&mut self, input: Input) -> io::Result<()> {
        let now = self.clock.now();
        let mut replies = self.engine.handle(self.user, input, now);
        let scheduler = self.engine.scheduler();
        match scheduler.tick_one(self.user, now) {
            Ok(true) => {
                replies.push(self.engine.reminder());
                if let Err(e) = scheduler.delivered(self.user) {
                    tracing::warn!(error = %e, "could not record the reminder as delivered");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not check for a due reminder"),
        }
        self.buttons.clear();
        for reply in replies {
            self.print(reply)?;
        }
        write!(self.out, "> ")?;
        self.out.flush()
    }

    /// Prints one reply; buttons become numbered choices.
    fn print(&mut self, reply: Reply) -> io::Result<()> {
        match reply {
            Reply::Message { text, buttons } | Reply::Update { text, buttons } => {
                writeln!(self.out, "\n{text}")?;
                self.show_buttons(buttons)?;
            }
            Reply::Document {
                filename,
                caption,
                bytes,
            } => {
                let path = self.export_dir.join(&filename);
                std::fs::write(&path, &bytes)?;
                // In the user's language, as the goodbye is.
                let language = self.engine.language_of(self.user).unwrap_or_default();
                let saved = fill(
                    self.engine.scripts().get(language).text(Text::ExportSaved),
                    &[
                        ("path", &path.display().to_string()),
                        ("bytes", &bytes.len().to_string()),
                    ],
                );
                writeln!(self.out, "\n{caption}\n{saved}")?;
            }
            Reply::Photo { caption, .. } => writeln!(self.out, "\n{caption}")?,
        }
        Ok(())
    }

    /// Shows buttons: numbers inline ("0 1 2 ... 10"), anything else as a numbered list.
    fn show_buttons(&mut self, rows: Vec<Vec<Button>>) -> io::Result<()> {
        let buttons: Vec<Button> = rows.into_iter().flatten().collect();
        if buttons.is_empty() {
            return Ok(());
        }
        if buttons.iter().all(|b| b.label.parse::<u32>().is_ok()) {
            let labels: Vec<&str> = buttons.iter().map(|b| b.label.as_str()).collect();
            writeln!(self.out, "  [{}]", labels.join("] ["))?;
        } else {
            for (i, b) in buttons.iter().enumerate() {
                writeln!(self.out, "  {}) {}", i + 1, b.label)?;
            }
        }
        self.buttons = buttons;
        Ok(())
    }
}

/// A label without the multi-select tick, so "running" picks "✓ Running".
fn strip_tick(label: &str) -> &str {
    label.trim_start_matches("✓ ")
}
