//! Calling Telegram with retries, and telling apart what is worth retrying.
//!
//! Counted sends (messages, photos, documents) go through `with_pacing`: each attempt waits
//! for the pacer's permit, and a 429 holds the pacer back for `retry_after` (its chat and the
//! whole bot) before the next attempt. Everything else goes through `with_retry`: a 429 on an
//! edit or a callback answer waits `retry_after`, network errors and 5xx answers are retried with exponential
//! backoff (teloxide already sleeps 10 s after a 5xx before it reports it), a user who
//! blocked the bot is reported as `Unreachable` so the caller can stop writing to them, and
//! an answer that says ok but cannot be read is `Delivered`: never resent.

use std::future::Future;
use std::time::Duration;

use teloxide::types::ChatId;
use teloxide::{ApiError, RequestError};

use super::pace::{Lane, Pacer};

/// How often and how patiently a failed call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles before each later one.
    pub first_delay: Duration,
    /// The longest `retry_after` worth waiting for; a longer one gives up.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_delay: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The backoff before attempt `attempt + 1` (attempt counts from 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(16);
        self.first_delay.saturating_mul(1 << doublings)
    }
}

/// What a failed call means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Flood control: the same call may succeed after this wait.
    RetryAfter(Duration),
    /// The network or Telegram's servers failed; the same call may succeed later.
    Transient,
    /// The user blocked the bot or deleted their account: stop writing to them.
    Unreachable,
    /// Telegram did the call (its answer says `"ok":true`) but the answer could not be read,
    /// e.g. a field teloxide's types do not know. Resending would do it twice.
    Delivered,
    /// Retrying the same call cannot help (bad request, message not modified, ...).
    Permanent,
}

/// Sorts a Telegram error into what to do about it.
pub fn classify(error: &RequestError) -> Class {
    match error {
        RequestError::RetryAfter(after) => Class::RetryAfter(after.duration()),
        RequestError::Network(_) | RequestError::Io(_) => Class::Transient,
        // A 200 whose body says ok was delivered, so resending it would deliver it twice.
        RequestError::InvalidJson { raw, .. } if raw.contains("\"ok\":true") => Class::Delivered,
        // A proxy's error page (502/503/504 as HTML).
        RequestError::InvalidJson { .. } => Class::Transient,
        RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated) => Class::Unreachable,
        RequestError::Api(ApiError::Unknown(description)) if is_server_error(description) => {
            Class::Transient
        }
        _ => Class::Permanent,
    }
}

/// Telegram's descriptions for its own 5xx answers (teloxide keeps only the description).
fn is_server_error(description: &str) -> bool {
    const SERVER: [&str; 4] = [
        "Internal Server Error",
        "Bad Gateway",
        "Service Unavailable",
        "Gateway Timeout",
    ];
    SERVER.iter().any(|s| description.contains(s))
}

/// Runs `call` until it succeeds, fails for good, or runs out of attempts. `call` builds a
/// fresh request each time (a request is consumed by sending it).
pub async fn with_retry<T, F, Fut>(policy: &RetryPolicy, mut call: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 1;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if matches!(error, RequestError::RetryAfter(_)) {
            crate::metrics::METRICS.too_many_requests.inc();
        }
        let wait = match classify(&error) {
            _ if attempt >= policy.attempts => return Err(error),
            Class::RetryAfter(wait) if wait <= policy.max_retry_after => wait,
            Class::Transient => policy.delay(attempt),
            Class::RetryAfter(_) | Class::Unreachable | Class::Delivered | Class::Permanent => {
                return Err(error);
            }
        };
        tracing::debug!(attempt, ?wait, "Telegram call failed; retrying");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// Why a paced send did not go through.
#[derive(Debug)]
pub enum PacedError {
    /// The bot is shutting down and nothing was attempted.
    Closed,
    /// Telegram (or the network) refused the last attempt.
    Telegram(RequestError),
}

/// `with_retry` for a counted send: every attempt first waits for the pacer's permit in
/// `lane`, and a 429 holds the pacer back (this chat and every other) for `retry_after`
/// instead of sleeping here, so the queue, not this task, decides what goes next.
pub async fn with_pacing<T, F, Fut>(
    policy: &RetryPolicy,
    pacer: &Pacer,
    chat: ChatId,
    lane: Lane,
    mut call: F,
) -> Result<T, PacedError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 1;
    loop {
        let Ok(granted) = pacer.permit(chat.0, lane).await else {
            return Err(PacedError::Closed);
        };
        let result = call().await;
        pacer.answered(granted);
        let error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        match classify(&error) {
            _ if attempt >= policy.attempts => return Err(PacedError::Telegram(error)),
            Class::RetryAfter(wait) if wait <= policy.max_retry_after => pacer.hold(chat.0, wait),
            Class::Transient => tokio::time::sleep(policy.delay(attempt)).await,
            Class::RetryAfter(_) | Class::Unreachable | Class::Delivered | Class::Permanent => {
                return Err(PacedError::Telegram(error));
            }
        }
        tracing::debug!(attempt, "Telegram send failed; retrying");
        attempt += 1;
        // Shutting down after a failed attempt is a failed send, not an unsent one: that
        // attempt may have reached the user.
        if pacer.is_closed(lane) {
            return Err(PacedError::Telegram(error));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use teloxide::types::Seconds;

    fn invalid_json(raw: &str) -> RequestError {
        let source = serde_json::from_str::<serde_json::Value>(raw).unwrap_err();
        RequestError::InvalidJson {
            source: Arc::new(source),
            raw: raw.into(),
        }
    }

    #[test]
    fn errors_are_classified() {
        assert_eq!(
            classify(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Class::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            classify(&invalid_json("<html>502 Bad Gateway</html>")),
            Class::Transient
        );
        assert_eq!(
            classify(&invalid_json(r#"{"ok":true,"result":<oops>}"#)),
            Class::Delivered,
            "delivered, only unreadable: resending would duplicate it"
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Internal Server Error".into()
            ))),
            Class::Transient
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::BotBlocked)),
            Class::Unreachable
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::MessageNotModified)),
            Class::Permanent
        );
    }

    #[test]
    fn backoff_doubles_from_the_first_delay() {
        let p = RetryPolicy::default();
        let delays: Vec<u128> = (1..=4).map(|a| p.delay(a).as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600]);
        assert!(p.delay(u32::MAX) >= p.delay(16));
    }

    /// The default policy with millisecond waits, so tests do not sleep.
    fn quick() -> RetryPolicy {
        RetryPolicy {
            first_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        }
    }

    #[tokio::test]
    async fn transient_errors_are_retried_a_bounded_number_of_times() {
        let calls = AtomicU32::new(0);
        let policy = quick();
        let result: Result<(), _> = with_retry(&policy, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(invalid_json("<html>503</html>")) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 5);

        let calls = AtomicU32::new(0);
        let result = with_retry(&policy, || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                match n {
                    0 => Err(RequestError::RetryAfter(Seconds::from_seconds(0))),
                    1 => Err(invalid_json("<html>502</html>")),
                    _ => Ok(n),
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), 2);
    }

    #[tokio::test]
    async fn permanent_unreachable_and_delivered_errors_are_not_retried() {
        for error in [
            RequestError::Api(ApiError::BotBlocked),
            RequestError::Api(ApiError::MessageNotModified),
            invalid_json(r#"{"ok":true,"result":<oops>}"#),
        ] {
            let calls = AtomicU32::new(0);
            let result: Result<(), _> = with_retry(&quick(), || {
                calls.fetch_add(1, Ordering::SeqCst);
                let error = error.clone();
                async move { Err(error) }
            })
            .await;
            assert!(result.is_err());
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        }
    }
}
