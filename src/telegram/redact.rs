//! Keeping the bot token out of logs. Telegram puts the token in every request URL
//! (`/bot<token>/SendMessage`) and reqwest errors carry that URL, so every error string the
//! transport logs goes through a `Redactor`; `RedactingStderr` does the same for every log
//! line as a last line of defence (teloxide logs some errors itself).

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

/// What a redacted token is replaced with.
pub const HIDDEN: &str = "<token>";

/// Replaces the token (whole, percent-encoded, or its secret half) in text.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so the whole token is replaced before its secret half.
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(<hidden>)")
    }
}

/// The part of a token shorter than this is not worth hiding on its own (the numeric bot id
/// before the colon is public anyway).
const MIN_SECRET: usize = 8;

impl Redactor {
    /// A redactor for `token` ("123456:ABC-def..."); an empty token redacts nothing.
    pub fn new(token: &str) -> Redactor {
        let mut secrets: Vec<String> = Vec::new();
        let mut add = |s: String| {
            if s.len() >= MIN_SECRET && !secrets.contains(&s) {
                secrets.push(s);
            }
        };
        add(token.to_string());
        // How the token looks inside a URL if a client percent-encodes the colon.
        add(token.replace(':', "%3A"));
        add(token.replace(':', "%3a"));
        if let Some((_, secret)) = token.split_once(':') {
            add(secret.to_string());
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor { secrets }
    }

    /// `text` with every occurrence of the token replaced by `<token>`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), HIDDEN);
            }
        }
        out
    }

    /// An error as one redacted line (its Display form, which names the failed URL).
    pub fn error(&self, error: &dyn std::fmt::Display) -> String {
        self.redact(&error.to_string())
    }
}

/// A `tracing_subscriber` writer to stderr that redacts the token from every log line.
#[derive(Clone, Debug)]
pub struct RedactingStderr(pub Redactor);

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter<io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            redactor: self.0.clone(),
            inner: io::stderr(),
        }
    }
}

/// Writes through `inner` with the token redacted. The fmt subscriber writes each event in
/// one `write_all`, so a token is never split across two calls.
pub struct RedactingWriter<W> {
    redactor: Redactor,
    inner: W,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner
            .write_all(self.redactor.redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    #[test]
    fn the_token_is_hidden_in_a_request_url_error() {
        let r = Redactor::new(TOKEN);
        let error = format!(
            "A network error: error sending request for url \
             (https://api.telegram.org/bot{TOKEN}/SendMessage)"
        );
        let shown = r.redact(&error);
        assert!(
            !shown.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
            "{shown}"
        );
        assert_eq!(
            shown,
            "A network error: error sending request for url \
             (https://api.telegram.org/bot<token>/SendMessage)"
        );
    }

    #[test]
    fn encoded_and_partial_forms_are_hidden_too() {
        let r = Redactor::new(TOKEN);
        let encoded = TOKEN.replace(':', "%3A");
        let shown = r.redact(&format!("url: /bot{encoded}/GetMe; path: \"{TOKEN}\""));
        assert!(!shown.contains("AAHdqTcv"), "{shown}");
        let (_, secret) = TOKEN.split_once(':').unwrap();
        assert!(!r.redact(&format!("secret={secret}")).contains(secret));
        assert_eq!(r.redact("nothing to hide"), "nothing to hide");
    }

    #[test]
    fn a_real_network_error_never_shows_the_token() {
        // teloxide already strips the URL from reqwest errors; the redactor is the second
        // line of defence, so check both layers on a real failure (a closed port).
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime.block_on(async {
            use teloxide::requests::Requester;
            let url = "http://127.0.0.1:9".parse().unwrap();
            teloxide::Bot::new(TOKEN)
                .set_api_url(url)
                .get_me()
                .await
                .unwrap_err()
        });
        let raw = format!("{error} {error:?}");
        assert!(matches!(error, teloxide::RequestError::Network(_)), "{raw}");
        let shown = Redactor::new(TOKEN).redact(&raw);
        assert!(!shown.contains("AAHdqTcv"), "{shown}");
    }

    #[test]
    fn the_log_writer_redacts() {
        let mut out = Vec::new();
        let mut w = RedactingWriter {
            redactor: Redactor::new(TOKEN),
            inner: &mut out,
        };
        w.write_all(format!("ERROR failed /bot{TOKEN}/GetUpdates\n").as_bytes())
            .unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(line, "ERROR failed /bot<token>/GetUpdates\n");
    }

    #[test]
    fn short_or_empty_tokens_redact_nothing_by_accident() {
        assert_eq!(Redactor::new("").redact("abc"), "abc");
        assert_eq!(Redactor::new("1:2").redact("1:2 x"), "1:2 x");
    }
}
