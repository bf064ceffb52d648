//! The conversation engine (in progress).

pub mod io;
pub mod state;

pub use io::{Button, Input, Reply};
