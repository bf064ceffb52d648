//! The process's counters, for `GET /metrics` in Prometheus' text format: updates handled,
//! replies sent, how long a turn took from update to last reply, reminders sent, and the
//! 429s Telegram answered.
//!
//! Plain atomics in one `static`, so that a hook in a handler is one line and costs a few
//! nanoseconds; no registry crate. Counters only go up (Prometheus computes rates); they
//! start at zero with the process, as Prometheus expects of a restart.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The counters of this process.
pub static METRICS: Metrics = Metrics::new();

/// Upper bounds of the reply latency buckets, in seconds: from a turn answered from memory
/// (about a millisecond) to one held up by Telegram's flood limits (seconds).
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Every counter the bot keeps.
pub struct Metrics {
    /// Updates the handlers finished with (turns, group messages, ignored kinds).
    pub updates: Counter,
    /// Messages, documents and photos Telegram accepted (edits are not counted).
    pub replies: Counter,
    /// Daily reminders delivered.
    pub reminders: Counter,
    /// "Too Many Requests" answers seen by the retry loop (not the ones `Throttle` waits out
    /// inside itself on `send_*`, which it does not report).
    pub too_many_requests: Counter,
    /// Webhook requests refused: wrong or missing secret (401).
    pub webhook_unauthorized: Counter,
    /// Webhook requests refused: a body that is not an update (400) or too large (413).
    pub webhook_bad_request: Counter,
    /// From an update reaching its handler to the turn's last reply sent.
    pub reply_latency: Histogram,
}

impl Metrics {
    const fn new() -> Metrics {
        Metrics {
            updates: Counter::new(),
            replies: Counter::new(),
            reminders: Counter::new(),
            too_many_requests: Counter::new(),
            webhook_unauthorized: Counter::new(),
            webhook_bad_request: Counter::new(),
            reply_latency: Histogram::new(),
        }
    }

    /// Everything in Prometheus' text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counters: [(&str, &str, &Counter); 6] = [
            (
                "backcheck_updates_handled_total",
                "Telegram updates handled.",
                &self.updates,
            ),
            (
                "backcheck_replies_sent_total",
                "Messages, documents and photos sent (edits not counted).",
                &self.replies,
            ),
            (
                "backcheck_reminders_sent_total",
                "Daily reminders delivered.",
                &self.reminders,
            ),
            (
                "backcheck_telegram_429_total",
                "Too Many Requests answers from Telegram seen by the retry loop.",
                &self.too_many_requests,
            ),
            (
                "backcheck_webhook_unauthorized_total",
                "Webhook requests refused for a wrong or missing secret token.",
                &self.webhook_unauthorized,
            ),
            (
                "backcheck_webhook_bad_request_total",
                "Webhook requests refused for a malformed or oversized body.",
                &self.webhook_bad_request,
            ),
        ];
        for (name, help, counter) in counters {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", counter.get());
        }
        self.reply_latency.render(
            &mut out,
            "backcheck_reply_latency_seconds",
            "From an update reaching its handler to the last reply of its turn sent.",
        );
        out
    }
}

/// A count that only goes up.
pub struct Counter(AtomicU64);

impl Counter {
    const fn new() -> Counter {
        Counter(AtomicU64::new(0))
    }

    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Durations in fixed buckets (`BUCKETS`), with their count and sum, as Prometheus' histogram.
pub struct Histogram {
    /// Observations at or below each bound (not cumulative; `render` adds them up).
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// The sum in microseconds (an integer, so it can be an atomic).
    sum_micros: AtomicU64,
}

impl Histogram {
    const fn new() -> Histogram {
        Histogram {
            buckets: [const { AtomicU64::new(0) }; BUCKETS.len()],
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    /// Records one duration.
    pub fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The number of durations recorded.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Times one turn: started when a handler receives an update, finished after its replies.
pub struct Turn(Instant);

impl Turn {
    pub fn start() -> Turn {
        Turn(Instant::now())
    }

    /// The update is handled and its replies sent: counts it and records the latency.
    pub fn done(self) {
        METRICS.reply_latency.observe(self.0.elapsed());
        METRICS.updates.inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_renders_cumulative_buckets_count_and_sum() {
        let h = Histogram::new();
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        h.render(&mut out, "t", "help");
        assert!(out.contains("t_bucket{le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"0.025\"} 1\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"10\"} 2\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("t_count 3\n"), "{out}");
        assert!(out.contains("t_sum 60.0305\n"), "{out}");
        assert!(out.contains("# TYPE t histogram\n"));
    }

    #[test]
    fn every_counter_is_exposed_with_its_type() {
        let m = Metrics::new();
        m.replies.inc();
        m.replies.inc();
        let out = m.render();
        assert!(out.contains("backcheck_replies_sent_total 2\n"), "{out}");
        assert!(out.contains("backcheck_updates_handled_total 0\n"), "{out}");
        assert!(out.contains("# TYPE backcheck_reminders_sent_total counter\n"));
        assert!(out.contains("backcheck_telegram_429_total 0\n"));
        assert!(out.contains("backcheck_reply_latency_seconds_count 0\n"));
    }
}
