//! Engine replies in Telegram's shapes: inline keyboards, texts cut to Telegram's length
//! limits, and the "chosen answer" line that replaces a question's keyboard once a button is
//! pressed. Pure functions; sending lives in `outbox`.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardButtonKind, InlineKeyboardMarkup};

use crate::engine::Button;
use crate::script::fill;

/// Telegram's limit on callback data, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;
/// Telegram's limit on a message text, in characters.
pub const MAX_TEXT: usize = 4096;
/// Telegram's limit on a photo or document caption, in characters.
pub const MAX_CAPTION: usize = 1024;

/// Rows of buttons as an inline keyboard (None when there are none). A button whose data
/// would not fit Telegram's 64 bytes is left out: Telegram would refuse the whole message.
pub fn keyboard(rows: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<Vec<InlineKeyboardButton>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .filter(|b| fits(b))
                .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

/// Whether a button's data fits Telegram's limit; says so in the log when it does not.
fn fits(b: &Button) -> bool {
    let ok = !b.data.is_empty() && b.data.len() <= MAX_CALLBACK_DATA;
    if !ok {
        tracing::warn!(label = %b.label, bytes = b.data.len(), "button data does not fit Telegram's 64 bytes; button left out");
    }
    ok
}

/// A text cut into messages Telegram accepts: at most 4096 characters each, cut at line
/// breaks where possible. An empty text stays one (empty) piece for the caller to skip.
pub fn chunks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for line in text.split_inclusive('\n') {
        for piece in split_long(line, MAX_TEXT) {
            let n = piece.chars().count();
            if len + n > MAX_TEXT && !current.is_empty() {
                out.push(std::mem::take(&mut current));
                len = 0;
            }
            current.push_str(piece);
            len += n;
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out.into_iter()
        .map(|c| c.trim_end_matches('\n').to_string())
        .collect()
}

/// A line longer than `max` characters, cut into pieces of at most `max` characters.
fn split_long(line: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while rest.chars().count() > max {
        let cut = rest
            .char_indices()
            .nth(max)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let (head, tail) = rest.split_at(cut);
        pieces.push(head);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

/// A caption cut to Telegram's 1024 characters.
pub fn caption(text: &str) -> String {
    text.chars().take(MAX_CAPTION).collect()
}

/// The question text with the chosen answer under it, from the `Text::Chosen` template
/// ("→ {answer}"), cut to fit one message.
pub fn chosen(question: &str, answer: &str, template: &str) -> String {
    let line = fill(template, &[("answer", answer)]);
    let text = format!("{question}\n{line}");
    if text.chars().count() <= MAX_TEXT {
        text
    } else {
        text.chars().take(MAX_TEXT).collect()
    }
}

/// The answer a press gave, as the user saw it: the pressed button's label or, when it ends
/// a multi-select ("Done"), the ticked options. None when the data is not on the keyboard.
pub fn pressed_answer(markup: &InlineKeyboardMarkup, data: &str, tick: &str) -> Option<String> {
    let buttons = || markup.inline_keyboard.iter().flatten();
    let pressed = buttons().find(|b| callback_data(b) == Some(data))?;
    let ticked: Vec<&str> = buttons()
        .filter_map(|b| b.text.strip_prefix(tick))
        .collect();
    let finishes_multi_select = data.rsplit(':').next() == Some("done");
    if finishes_multi_select && !ticked.is_empty() {
        Some(ticked.join(", "))
    } else {
        Some(pressed.text.trim_start_matches(tick).to_string())
    }
}

/// The callback data of a button, if it is a callback button.
fn callback_data(b: &InlineKeyboardButton) -> Option<&str> {
    match &b.kind {
        InlineKeyboardButtonKind::CallbackData(d) => Some(d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(label: &str, data: &str) -> Button {
        Button {
            label: label.to_string(),
            data: data.to_string(),
        }
    }

    #[test]
    fn keyboards_keep_rows_and_drop_oversized_data() {
        assert!(keyboard(&[]).is_none());
        assert!(keyboard(&[vec![]]).is_none());
        let long = "x".repeat(65);
        let kb = keyboard(&[
            vec![button("0", "3:0"), button("1", "3:1")],
            vec![button("Too long", &long)],
            vec![button("Done", "3:done")],
        ])
        .unwrap();
        let rows: Vec<Vec<&str>> = kb
            .inline_keyboard
            .iter()
            .map(|r| r.iter().map(|b| b.text.as_str()).collect())
            .collect();
        assert_eq!(rows, vec![vec!["0", "1"], vec!["Done"]]);
        let exactly = "y".repeat(64);
        assert!(keyboard(&[vec![button("Fits", &exactly)]]).is_some());
    }

    #[test]
    fn long_texts_are_cut_at_line_breaks() {
        assert_eq!(chunks("short"), vec!["short"]);
        assert_eq!(chunks(""), vec![""]);
        let line = format!("{}\n", "a".repeat(100));
        let text = line.repeat(100); // 10,100 characters
        let parts = chunks(&text);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_TEXT));
        assert!(parts.iter().all(|p| p.starts_with('a') && p.ends_with('a')));
        let joined: usize = parts.iter().map(|p| p.matches('a').count()).sum();
        assert_eq!(joined, 100 * 100);
        let one_line = "é".repeat(MAX_TEXT * 2 + 1);
        let parts = chunks(&one_line);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_TEXT));
    }

    #[test]
    fn the_chosen_line_goes_under_the_question() {
        assert_eq!(
            chosen("Where does it hurt?", "Lower back", "→ {answer}"),
            "Where does it hurt?\n→ Lower back"
        );
    }

    #[test]
    fn the_pressed_answer_is_the_label_or_the_ticked_options() {
        let kb = keyboard(&[
            vec![button("✓ Running", "4:running")],
            vec![button("Cycling", "4:cycling")],
            vec![button("✓ Walking", "4:walking")],
            vec![button("Done", "4:done")],
        ])
        .unwrap();
        assert_eq!(
            pressed_answer(&kb, "4:done", "✓ ").as_deref(),
            Some("Running, Walking")
        );
        assert_eq!(
            pressed_answer(&kb, "4:cycling", "✓ ").as_deref(),
            Some("Cycling")
        );
        assert_eq!(pressed_answer(&kb, "9:cycling", "✓ "), None);
        let plain = keyboard(&[vec![button("Done", "5:done")]]).unwrap();
        assert_eq!(
            pressed_answer(&plain, "5:done", "✓ ").as_deref(),
            Some("Done")
        );
    }
}
