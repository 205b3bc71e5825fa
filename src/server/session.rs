//! One WebSocket connection: hello, login, requests, heartbeats, token expiry,
//! and the grace period of its session once the connection is lost.
//!
//! The socket is split into a sender task fed by the connection's
//! [`Outbox`] and the receive loop below. The loop is generic over
//! `Sink`/`Stream`, so it does not depend on axum.

mod login;
mod requests;

use std::fmt::Display;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::sleep_until;
use tracing::Instrument;

use crate::protocol::{ServerMsg, PROTOCOL_VERSION};

use super::hub::{close, ConnId, Hub, Outbound, Outbox};
use super::registry::{RegistryError, SessionId};
use login::Grant;

/// How long a closing connection may take to flush its last frames.
const CLOSE_FLUSH_TIMEOUT: Duration = Duration::from_secs(1);

/// What the receive loop reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inbound {
    Text(String),
    /// Binary, ping or pong: a sign of life, otherwise ignored.
    Other,
    /// The peer sent a close frame.
    Close,
}

/// A refused request: ZEGO code and a short text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestError {
    pub code: i32,
    pub message: String,
}

impl RequestError {
    fn new(code: i32, message: String) -> Self {
        RequestError { code, message }
    }

    /// The error with the code's standard text.
    fn from_code(code: i32) -> Self {
        let text = crate::error_code::message(code).unwrap_or("refused");
        RequestError::new(code, text.trim_end_matches('\0').to_owned())
    }
}

impl From<RegistryError> for RequestError {
    fn from(e: RegistryError) -> Self {
        RequestError::new(e.code(), e.to_string())
    }
}

/// How the receive loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The connection is gone or unusable; a session gets its grace period.
    Lost(&'static str),
    /// The session is over (logout, refused login, token expiry); the close frame is queued.
    Closed,
    /// The server is stopping.
    Shutdown,
}

/// The logged-in part of a connection.
#[derive(Debug)]
struct Session {
    id: SessionId,
    app_id: u32,
    room_id: String,
    user_id: String,
    grant: Grant,
    /// `token_will_expire` was sent for the current token.
    warned: bool,
}

/// One connection's state, owned by its task.
struct Connection {
    hub: Arc<Hub>,
    conn: ConnId,
    outbox: Outbox,
    challenge: String,
    last_seen: Instant,
    session: Option<Session>,
    span: tracing::Span,
}

fn unix_now_ms() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

fn unix_now() -> i64 {
    i64::try_from(unix_now_ms() / 1000).unwrap_or(i64::MAX)
}

/// Serves one connection to its end, then its session's grace period.
pub(crate) async fn run<S, R, E>(hub: Arc<Hub>, peer: SocketAddr, sink: S, stream: R)
where
    S: Sink<Outbound> + Unpin + Send + 'static,
    S::Error: Display,
    R: Stream<Item = Result<Inbound, E>> + Unpin,
    E: Display,
{
    let span = tracing::info_span!(
        "session",
        %peer,
        room = tracing::field::Empty,
        user = tracing::field::Empty
    );
    let conn = hub.next_conn();
    let (outbox, rx) = Outbox::new(conn);
    let connection = Connection {
        hub,
        conn,
        outbox,
        challenge: hex::encode(rand::random::<[u8; 16]>()),
        last_seen: Instant::now(),
        session: None,
        span: span.clone(),
    };
    let sender = tokio::spawn(send_loop(sink, rx).instrument(span.clone()));
    connection.serve(sender, stream).instrument(span).await;
}

/// Writes queued frames until a close frame or a write error.
async fn send_loop<S>(mut sink: S, mut rx: mpsc::Receiver<Outbound>)
where
    S: Sink<Outbound> + Unpin,
    S::Error: Display,
{
    while let Some(out) = rx.recv().await {
        let last = matches!(out, Outbound::Close { .. });
        if let Err(e) = sink.send(out).await {
            tracing::debug!("write failed: {e}");
            return;
        }
        if last {
            break;
        }
    }
    // The socket may already be gone; nothing more to do then.
    let _ = sink.close().await;
}

impl Connection {
    async fn serve<R, E>(mut self, mut sender: JoinHandle<()>, mut stream: R)
    where
        R: Stream<Item = Result<Inbound, E>> + Unpin,
        E: Display,
    {
        let mut shutdown = self.hub.shutdown_signal();
        let limits = &self.hub.config().limits;
        let heartbeat_timeout = limits.heartbeat_timeout();
        self.outbox.send(&ServerMsg::Hello {
            version: PROTOCOL_VERSION,
            challenge: self.challenge.clone(),
            heartbeat_interval_ms: limits.heartbeat_interval_ms,
            heartbeat_timeout_ms: limits.heartbeat_timeout_ms,
        });
        tracing::debug!("connected");
        let mut sender_done = false;
        let end = loop {
            let silence_deadline = self.last_seen + heartbeat_timeout;
            let token_deadline = self.token_deadline();
            tokio::select! {
                frame = stream.next() => match frame {
                    Some(Ok(Inbound::Text(text))) => {
                        self.last_seen = Instant::now();
                        if let Some(end) = self.on_text(&text) {
                            break end;
                        }
                    }
                    Some(Ok(Inbound::Other)) => self.last_seen = Instant::now(),
                    Some(Ok(Inbound::Close)) | None => break End::Lost("closed by the client"),
                    Some(Err(e)) => {
                        tracing::debug!("read failed: {e}");
                        break End::Lost("read failed");
                    }
                },
                _ = &mut sender, if !sender_done => {
                    sender_done = true;
                    break End::Lost("closed by the server");
                }
                _ = self.outbox.evicted() => break End::Lost("client too slow"),
                _ = sleep_until(silence_deadline.into()) => break End::Lost("heartbeat timeout"),
                _ = sleep_until(token_deadline.unwrap_or(silence_deadline).into()), if token_deadline.is_some() => {
                    if let Some(end) = self.on_token_timer() {
                        break end;
                    }
                }
                _ = shutdown.wait_for(|stopping| *stopping) => break End::Shutdown,
            }
        };
        match end {
            End::Lost(why) => {
                tracing::info!(why, "connection lost");
                self.outbox.close(close::NORMAL, why);
            }
            End::Shutdown => self.outbox.close(close::GOING_AWAY, "server shutting down"),
            End::Closed => {}
        }
        if !sender_done && tokio::time::timeout(CLOSE_FLUSH_TIMEOUT, &mut sender).await.is_err() {
            sender.abort();
        }
        drop(stream);
        if let (End::Lost(_), Some(session)) = (end, &self.session) {
            self.linger(session.id, &mut shutdown).await;
        }
    }

    /// Keeps a lost session in its room for the grace period (counted from
    /// the last frame), unless another connection resumes it.
    async fn linger(&self, session: SessionId, shutdown: &mut tokio::sync::watch::Receiver<bool>) {
        if !self.hub.detach(session, self.conn) {
            return;
        }
        let deadline = (self.last_seen + self.hub.config().limits.session_grace()).max(Instant::now());
        tokio::select! {
            _ = sleep_until(deadline.into()) => self.hub.expire(session, self.conn),
            _ = shutdown.wait_for(|stopping| *stopping) => {}
        }
    }

    /// When the token timer fires next: the warning, then the expiry.
    fn token_deadline(&self) -> Option<Instant> {
        let session = self.session.as_ref()?;
        let expire = session.grant.token_expire?;
        let warning = i64::try_from(self.hub.config().limits.token_expire_warning_s).unwrap_or(i64::MAX);
        let target_s = if session.warned { expire } else { expire.saturating_sub(warning) };
        let target_ms = u64::try_from(target_s).unwrap_or(0).saturating_mul(1000);
        Some(Instant::now() + Duration::from_millis(target_ms.saturating_sub(unix_now_ms())))
    }

    fn on_token_timer(&mut self) -> Option<End> {
        let session = self.session.as_mut()?;
        let expire = session.grant.token_expire?;
        let now = unix_now();
        if now >= expire {
            tracing::info!("token expired");
            self.outbox.send(&ServerMsg::Kicked {
                code: crate::error_code::ROOM_TOKEN_EXPIRED_KICKED_OUT,
                reason: "the login token expired".into(),
            });
            self.hub.leave(session.id, self.conn);
            self.outbox.close(close::NORMAL, "token expired");
            return Some(End::Closed);
        }
        if !session.warned {
            session.warned = true;
            let remain_seconds = u32::try_from(expire - now).unwrap_or(u32::MAX);
            self.outbox.send(&ServerMsg::TokenWillExpire { remain_seconds });
        }
        None
    }

    /// Answers request `req`.
    fn respond(&self, req: u64, result: Result<Option<crate::protocol::ResponseData>, RequestError>) {
        self.outbox.send(&response(req, result));
    }
}

/// The response to request `req`.
fn response(req: u64, result: Result<Option<crate::protocol::ResponseData>, RequestError>) -> ServerMsg {
    match result {
        Ok(data) => ServerMsg::Response { req, code: 0, message: String::new(), data },
        Err(e) => ServerMsg::Response { req, code: e.code, message: e.message, data: None },
    }
}
