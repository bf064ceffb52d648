//! Telegram's side of webhook mode, for tests: takes the updates queued in the fake Bot API
//! (`push_text`, `push_callback`, ...) and POSTs each to one of the replicas' webhook URLs
//! with the secret token, as Telegram does through a load balancer. The fake still records
//! everything the bots send.
//!
//! - Updates go to the replicas in turn (round robin over all updates), so one user's
//!   updates land on different replicas.
//! - [`Order::PerChat`] (like Telegram): a chat's next update waits until its previous one
//!   was answered; chats go in parallel. [`Order::AtOnce`]: every update is posted as soon
//!   as it is queued, so two presses of one user reach two replicas at the same moment (a
//!   double tap).
//! - An update that fails (connection refused or reset, a 5xx) is posted again to the next
//!   replica after `RETRY`, until `GIVE_UP`, as Telegram redelivers what was not answered
//!   200. A 4xx answer is recorded and not retried.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::fake_bot_api::FakeBotApi;

/// The webhook secret the tests' bots are given.
pub const SECRET: &str = "test-webhook-secret_42";
/// Telegram's secret header.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
/// The wait before posting a failed update again (to the next replica).
const RETRY: Duration = Duration::from_millis(50);
/// An update still failing after this long is given up (and recorded in `Stats::lost`).
const GIVE_UP: Duration = Duration::from_secs(30);
/// Requests in flight at once (Telegram's default max_connections is 40).
const IN_FLIGHT: usize = 64;

/// How updates of one chat are posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// One at a time per chat, each after the previous one's answer.
    PerChat,
    /// Each as soon as it is queued.
    AtOnce,
}

/// What happened to the posted updates.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Updates answered 200, by update id: the replica (index) that answered.
    pub answered: HashMap<i64, usize>,
    /// Posts that failed and were retried.
    pub retries: usize,
    /// Updates answered with a 4xx (not retried), with the status.
    pub refused: Vec<(i64, u16)>,
    /// Updates given up after `GIVE_UP`.
    pub lost: Vec<i64>,
}

/// Posts to the replicas' webhook URLs.
pub struct WebhookFeeder {
    client: reqwest::Client,
    targets: Vec<String>,
    secret: String,
    next: AtomicUsize,
    stats: Mutex<Stats>,
    /// Replicas not to post to for now (a test about to kill one).
    down: Mutex<Vec<bool>>,
}

impl WebhookFeeder {
    /// A feeder for the webhook URLs `targets` (e.g. `http://127.0.0.1:PORT/telegram`).
    pub fn new(targets: Vec<String>, secret: &str) -> Arc<WebhookFeeder> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        let down = Mutex::new(vec![false; targets.len()]);
        Arc::new(WebhookFeeder {
            client,
            targets,
            secret: secret.to_string(),
            next: AtomicUsize::new(0),
            stats: Mutex::new(Stats::default()),
            down,
        })
    }

    /// Forwards the fake's queued updates until the fake closes or the task is aborted.
    pub fn start(self: &Arc<Self>, fake: Arc<FakeBotApi>, order: Order) -> JoinHandle<()> {
        let feeder = Arc::clone(self);
        tokio::spawn(async move {
            let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
            let mut chats: HashMap<i64, mpsc::UnboundedSender<(i64, Value)>> = HashMap::new();
            loop {
                let Some(updates) = fake.take_updates(Duration::from_millis(200)).await else {
                    return;
                };
                for (id, update) in updates {
                    match order {
                        Order::AtOnce => {
                            let feeder = Arc::clone(&feeder);
                            let target = feeder.pick();
                            let slots = Arc::clone(&slots);
                            tokio::spawn(async move {
                                let _slot = slots.acquire_owned().await;
                                feeder.deliver(id, &update, target).await;
                            });
                        }
                        Order::PerChat => {
                            let chat = chat_of(&update);
                            let queue = chats
                                .entry(chat)
                                .or_insert_with(|| feeder.chat_queue(Arc::clone(&slots)));
                            let _ = queue.send((id, update));
                        }
                    }
                }
            }
        })
    }

    /// A task posting one chat's updates in order; returns its queue.
    fn chat_queue(
        self: &Arc<Self>,
        slots: Arc<tokio::sync::Semaphore>,
    ) -> mpsc::UnboundedSender<(i64, Value)> {
        let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Value)>();
        let feeder = Arc::clone(self);
        tokio::spawn(async move {
            while let Some((id, update)) = rx.recv().await {
                let target = feeder.pick();
                let _slot = slots.acquire().await;
                feeder.deliver(id, &update, target).await;
            }
        });
        tx
    }

    /// The next replica in turn that is not marked down.
    fn pick(&self) -> usize {
        let n = self.targets.len();
        let down = self.down.lock().unwrap().clone();
        for _ in 0..n {
            let i = self.next.fetch_add(1, AtomicOrdering::Relaxed) % n;
            if !down[i] {
                return i;
            }
        }
        self.next.fetch_add(1, AtomicOrdering::Relaxed) % n
    }

    /// Marks a replica down (nothing new is sent to it) or up again.
    pub fn set_down(&self, target: usize, down: bool) {
        self.down.lock().unwrap()[target] = down;
    }

    /// Posts one update, starting at replica `target`, until a replica answers.
    async fn deliver(&self, id: i64, update: &Value, mut target: usize) {
        let body = serde_json::to_vec(update).expect("an update serialises");
        let started = tokio::time::Instant::now();
        loop {
            match self.post(target, Some(&self.secret), body.clone()).await {
                Ok(200) => {
                    self.stats.lock().unwrap().answered.insert(id, target);
                    return;
                }
                Ok(status) if (400..500).contains(&status) && status != 429 => {
                    self.stats.lock().unwrap().refused.push((id, status));
                    return;
                }
                _ => {}
            }
            if started.elapsed() > GIVE_UP {
                self.stats.lock().unwrap().lost.push(id);
                return;
            }
            self.stats.lock().unwrap().retries += 1;
            tokio::time::sleep(RETRY).await;
            target = (target + 1) % self.targets.len();
        }
    }

    /// One POST to replica `target` with `secret` (None: no header); the status, or the
    /// transport error.
    pub async fn post(
        &self,
        target: usize,
        secret: Option<&str>,
        body: Vec<u8>,
    ) -> Result<u16, reqwest::Error> {
        let mut request = self
            .client
            .post(&self.targets[target])
            .header("content-type", "application/json")
            .body(body);
        if let Some(secret) = secret {
            request = request.header(SECRET_HEADER, secret);
        }
        let response = request.send().await?;
        Ok(response.status().as_u16())
    }

    /// What happened so far.
    pub fn stats(&self) -> Stats {
        self.stats.lock().unwrap().clone()
    }
}

/// The chat an update belongs to (0 when it has none).
fn chat_of(update: &Value) -> i64 {
    let message = update
        .get("message")
        .or_else(|| update.get("callback_query").and_then(|q| q.get("message")));
    message
        .and_then(|m| m["chat"]["id"].as_i64())
        .or_else(|| update["callback_query"]["from"]["id"].as_i64())
        .unwrap_or(0)
}

/// A GET on a replica's listener (`/healthz`, `/metrics`): status and body.
pub async fn get(base: &str, path: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    match client.get(format!("{base}{path}")).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

/// A counter's value in a `/metrics` text (0 when absent).
pub fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}
