//! Free-text understanding (placeholder until the module lands).
#![allow(unused_variables, dead_code)]

use crate::model::{RedFlag, YesNo};
use crate::script::DialogError;

#[derive(Debug, Clone)]
pub struct Understanding {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PainError {
    NotANumber,
    OutOfRange,
    NotWhole,
}

pub struct Choice<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub aliases: &'a [String],
}

impl Understanding {
    pub fn from_toml(text: &str, file: &str) -> Result<Understanding, DialogError> {
        Ok(Understanding {})
    }
    pub fn red_flags(&self, text: &str) -> Vec<RedFlag> {
        todo!()
    }
    pub fn pain(&self, text: &str) -> Result<u8, PainError> {
        todo!()
    }
    pub fn yes_no(&self, text: &str) -> Option<YesNo> {
        todo!()
    }
    pub fn minutes(&self, text: &str) -> Option<u16> {
        todo!()
    }
    pub fn clock_time(&self, text: &str) -> Option<jiff::civil::Time> {
        todo!()
    }
    pub fn is_off(&self, text: &str) -> bool {
        todo!()
    }
    pub fn asks_for_today(&self, text: &str) -> bool {
        todo!()
    }
}

pub fn match_choice<'a>(text: &str, choices: &[Choice<'a>]) -> Option<&'a str> {
    todo!()
}

pub fn match_choices<'a>(text: &str, choices: &[Choice<'a>]) -> Result<Vec<&'a str>, String> {
    todo!()
}
