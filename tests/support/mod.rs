//! Shared helpers for integration tests. Include with `mod support;`.
//!
//! Not every test binary uses every helper, hence the blanket `dead_code`
//! allowance.
#![allow(dead_code)]

pub mod answers;
pub mod binary;
pub mod fake_bot_api;
pub mod seed;
pub mod webhook_feeder;
