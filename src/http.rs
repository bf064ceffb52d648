//! The operator's HTTP endpoints: `GET /healthz` (is the store answering?) and
//! `GET /metrics` (Prometheus' text format). They are served on the webhook listener in
//! webhook mode, and on `[http] listen` in polling mode when it is set.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::metrics::METRICS;
use crate::store::Store;

/// How long `/healthz` waits for the store: a load balancer's check must not hang.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// A user id no one has (Telegram's ids start at 1), read by `/healthz`: a point read that
/// goes all the way to the database and finds nothing.
const NOBODY: u64 = 0;

/// Why the HTTP listener could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot listen on {addr} ({key}): {reason}")]
    Listen {
        addr: String,
        key: &'static str,
        reason: String,
    },
    #[error("the HTTP listener failed: {0}")]
    Serve(String),
}

/// `/healthz` and `/metrics` on `store`.
pub fn ops_router(store: Arc<dyn Store>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(store)
}

/// 200 "ok" when a read of the store succeeds in time, otherwise 503 and the reason.
async fn healthz(State(store): State<Arc<dyn Store>>) -> Response {
    let read = tokio::task::spawn_blocking(move || store.profile(NOBODY).map(drop));
    match tokio::time::timeout(HEALTH_TIMEOUT, read).await {
        Ok(Ok(Ok(()))) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Ok(Err(e))) => unhealthy(format!("store: {e}")),
        Ok(Err(e)) => unhealthy(format!("store: the check failed: {e}")),
        Err(_) => unhealthy(format!(
            "store: no answer within {} s",
            HEALTH_TIMEOUT.as_secs()
        )),
    }
}

fn unhealthy(reason: String) -> Response {
    tracing::warn!(%reason, "health check failed");
    (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n")).into_response()
}

async fn metrics() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        METRICS.render(),
    )
        .into_response()
}

/// A bound listening socket, made before the runtime starts so that a busy port is a
/// one-line error at start-up naming the setting.
pub fn bind(addr: &str, key: &'static str) -> Result<std::net::TcpListener, HttpError> {
    let error = |reason: String| HttpError::Listen {
        addr: addr.to_string(),
        key,
        reason,
    };
    let listener = std::net::TcpListener::bind(addr).map_err(|e| error(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| error(e.to_string()))?;
    Ok(listener)
}

/// Serves `router` on `listener` until `shutdown` completes; requests in progress are
/// finished first (a webhook request finishes its turn before it is answered).
pub async fn serve(
    listener: std::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HttpError> {
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| HttpError::Serve(e.to_string()))?;
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "HTTP listening (/healthz, /metrics)");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| HttpError::Serve(e.to_string()))
}

/// `/healthz` and `/metrics` served beside long polling, until `stop`.
pub struct Ops {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), HttpError>>,
}

impl Ops {
    /// Starts serving on `listener` (on the current runtime).
    pub fn spawn(listener: std::net::TcpListener, store: &Arc<dyn Store>) -> Ops {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = ops_router(Arc::clone(store));
        let task = tokio::spawn(serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Ops { stop, task }
    }

    /// Stops serving and waits for it; a failure is logged (polling went on without it).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the HTTP listener failed"),
            Err(e) => tracing::error!(error = %e, "the HTTP listener task failed"),
        }
    }
}
