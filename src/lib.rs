//! backcheck: a Telegram bot for people who want to keep working out while their back hurts.
//! (module map follows as the modules land)

pub mod clock;
pub mod config;
pub mod console;
pub mod engine;
pub mod model;
pub mod reminders;
pub mod script;
pub mod store;
pub mod triage;
pub mod understand;
