//! Understanding typed answers (in progress): text normalisation and picking options by name.
//!
//! Modules, one job each:
//! - `text`: normalisation and the data-driven rewrites ("can not" -> "cant");
//! - `fuzzy`: edit distance and picking options by name ([`match_choice`]).

#![allow(dead_code)]

mod fuzzy;
mod text;

pub use fuzzy::{Choice, match_choice, match_choices};
