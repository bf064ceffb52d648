//! backcheck: a Telegram bot for people who want to keep working out while their back hurts.
//!
//! Every day it holds a short check-in, one question at a time; the triage rules turn the
//! answers and the user's history into a plan for today; the history lives in an embedded
//! sled database. The same engine runs on Telegram and in a terminal.
//!
//! A tour, from the outside in:
//!
//! - [`telegram`]: the Telegram bot: long polling or webhooks, inline keyboards, retries,
//!   shutdown.
//! - [`http`] and [`metrics`]: `/healthz` and `/metrics` for the person running the bot.
//! - [`config`]: the settings (file, environment), with errors that name the key.
//! - [`console`]: the terminal chat: buttons as numbered choices.
//! - [`engine`]: the conversation state machine, sans-IO: `handle(user, input, now)`
//!   returns replies; it owns onboarding, the check-in and the commands.
//! - [`understand`]: reading typed answers ("six", "lower bak", "7pm") and spotting red
//!   flags in free text ("I can't control my bladder").
//! - [`script`]: every word the bot says, loaded from `dialogs/<language>/*.toml` and checked
//!   against the enums at start-up; also renders plans.
//! - [`triage`]: today's plan from the answers and history; pure, no I/O.
//! - [`history`]: what the check-ins add up to: the /history chart and picture, streaks, and
//!   the weekly summary; pure, no I/O.
//! - [`model`]: the vocabulary: answers, levels, profile and day records, as strum enums.
//! - [`store`]: the `Store` trait and its sled implementation.
//! - [`clock`]: where "now" comes from, so tests control time.

pub mod clock;
pub mod config;
pub mod console;
pub mod engine;
pub mod history;
pub mod http;
pub mod metrics;
pub mod model;
pub mod reminders;
pub mod script;
pub mod store;
pub mod telegram;
pub mod triage;
pub mod understand;
