//! Serving the application over TCP so that slow or idle clients cannot wear the server out:
//! a request's headers must arrive within [`ServerLimits::header_timeout`] (idle keep-alive
//! connections are closed after it too), its body may pause for at most
//! [`ServerLimits::body_timeout`] between chunks, and at most
//! [`ServerLimits::max_connections`] connections are open at once (further ones wait in the
//! listen queue until one closes). When told to stop, it stops accepting, lets the requests
//! in flight finish for at most [`ServerLimits::drain_timeout`], and returns.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long a client may take and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Time allowed for a request's headers to arrive, counted from when the server starts
    /// waiting for them (so an idle keep-alive connection is closed after it too).
    pub header_timeout: Duration,
    /// Time a request body may pause between two chunks before the request fails.
    pub body_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Once told to stop, how long the requests in flight get to finish; connections still
    /// open after it are dropped.
    pub drain_timeout: Duration,
}

impl Default for ServerLimits {
    /// 15 seconds for headers, 30 seconds of silence in a body, 1,024 connections, 30 seconds
    /// to drain.
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(30),
            max_connections: 1024,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// Files a server keeps open besides its connections: the database's, logs, listeners.
const FILES_BESIDES_CONNECTIONS: u64 = 64;

impl ServerLimits {
    /// These limits within what the process may open: the soft limit on open files is first
    /// raised to the hard one (a default login's 1,024 would otherwise run out before 1,024
    /// connections, and accepting would then fail and the database could open no file), and
    /// `max_connections` leaves [`FILES_BESIDES_CONNECTIONS`] of it for the rest.
    #[must_use]
    pub fn within_open_files(self) -> Self {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum {
            let raised = rustix::process::Rlimit { current: limit.maximum, maximum: limit.maximum };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                limit = getrlimit(Resource::Nofile);
            }
        }
        let Some(files) = limit.current else { return self };
        let room = usize::try_from(files.saturating_sub(FILES_BESIDES_CONNECTIONS).max(1)).unwrap_or(usize::MAX);
        if room < self.max_connections {
            tracing::warn!(
                open_files = files,
                connections = room,
                "few open files allowed: fewer connections served at once"
            );
        }
        Self { max_connections: self.max_connections.min(room), ..self }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then stops
/// accepting and finishes the requests in flight (idle connections close at once), waiting
/// at most `limits.drain_timeout` for them. Each request carries the client's address as
/// `ConnectInfo`.
pub async fn serve_app(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let max = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let slots = Arc::new(Semaphore::new(max as usize));
    let (closing, closed) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin, and go on serving.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let body_timeout = limits.body_timeout;
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(|body| Body::new(IdleTimeout::new(body, body_timeout)));
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request)
        });
        let mut closed = closed.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let mut connection = std::pin::pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = closed.changed() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = closing.send(());
    // Every connection gives its slot back when it is done.
    if let Ok(all) = tokio::time::timeout(limits.drain_timeout, slots.acquire_many(max)).await {
        drop(all.map_err(io::Error::other)?);
    } else {
        let open = max as usize - slots.available_permits();
        tracing::warn!(open, "connections still open after the drain time-out are dropped");
    }
    Ok(())
}

/// A request body that fails when the client sends nothing for `timeout`.
struct IdleTimeout<B> {
    inner: B,
    timeout: Duration,
    /// When the body fails unless more arrives; started at the first read.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<B> IdleTimeout<B> {
    fn new(inner: B, timeout: Duration) -> Self {
        Self { inner, timeout, deadline: None }
    }
}

/// A body that stopped arriving.
#[derive(Debug)]
struct BodyTimedOut(Duration);

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the request body stopped arriving for {} seconds", self.0.as_secs())
    }
}

impl std::error::Error for BodyTimedOut {}

impl<B> http_body::Body for IdleTimeout<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let timeout = this.timeout;
        let deadline = this.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                deadline.as_mut().reset(Instant::now() + timeout);
                Poll::Ready(frame.map(|result| result.map_err(Into::into)))
            }
            Poll::Pending => match deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut(timeout))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
