//! What goes into the Engine and what comes out: transports map their updates to `Input` and
//! render `Reply`; nothing about Telegram or the terminal lives in the Engine.

/// One thing a user did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Typed text, commands included ("/remind 07:30").
    Text(String),
    /// The data of a pressed button (at most 64 bytes, Telegram's limit).
    Button(String),
    /// Something the bot cannot read: a sticker, photo, voice note, location...
    Unsupported,
}

/// A button: the label the user sees and the data that comes back when it is pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub data: String,
}

/// One thing the bot says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A new message, with rows of buttons (possibly none).
    Message {
        text: String,
        buttons: Vec<Vec<Button>>,
    },
    /// Replaces the message whose button was just pressed (multi-select ticks). Transports
    /// without editing show it as a new message.
    Update {
        text: String,
        buttons: Vec<Vec<Button>>,
    },
    /// A file to download (/export).
    Document {
        filename: String,
        caption: String,
        bytes: Vec<u8>,
    },
    /// A picture (PNG), e.g. the history chart.
    Photo { caption: String, bytes: Vec<u8> },
}

impl Reply {
    /// A plain message without buttons.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply::Message {
            text: text.into(),
            buttons: Vec::new(),
        }
    }

    /// The text of the reply (a caption for files and pictures).
    pub fn body(&self) -> &str {
        match self {
            Reply::Message { text, .. } | Reply::Update { text, .. } => text,
            Reply::Document { caption, .. } | Reply::Photo { caption, .. } => caption,
        }
    }

    /// The buttons of the reply, row by row (none for files and pictures).
    pub fn buttons(&self) -> &[Vec<Button>] {
        match self {
            Reply::Message { buttons, .. } | Reply::Update { buttons, .. } => buttons,
            Reply::Document { .. } | Reply::Photo { .. } => &[],
        }
    }
}
