//! One WebSocket connection to zego-server: connect, hello, login.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::auth;
use crate::error_code as ec;
use crate::protocol::{self, Auth, ClientMsg, ResponseData, Resume, RoomSnapshot, ServerMsg};

use super::RoomParams;

/// How long connect + hello + login may take before the attempt fails.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(8);

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A logged-in connection.
pub struct Connection {
    pub socket: Socket,
    pub snapshot: RoomSnapshot,
    pub heartbeat_interval: Duration,
    pub heartbeat_timeout: Duration,
    /// Server messages that arrived before the login answer.
    pub early: Vec<ServerMsg>,
}

/// Why an attempt failed.
#[derive(Debug)]
pub enum LoginError {
    /// The network failed: worth retrying.
    Network(String),
    /// The server refused with this ZEGO code: retrying will not help.
    Refused(i32),
}

/// Connects and logs in once.
pub async fn open(params: &RoomParams, resume: Option<Resume>) -> Result<Connection, LoginError> {
    match tokio::time::timeout(LOGIN_TIMEOUT, open_inner(params, resume)).await {
        Ok(r) => r,
        Err(_) => Err(LoginError::Network("login timed out".into())),
    }
}

fn auth_for(params: &RoomParams, challenge: &str) -> Result<Auth, LoginError> {
    if !params.token.is_empty() {
        return Ok(Auth::Token { token: params.token.clone() });
    }
    match &params.app_sign {
        Some(sign) => Ok(Auth::AppSign {
            signature: auth::app_sign_proof(sign, challenge, params.app_id, &params.room_id, &params.user.user_id),
        }),
        None => Err(LoginError::Refused(ec::ROOM_NO_TOKEN)),
    }
}

async fn open_inner(params: &RoomParams, resume: Option<Resume>) -> Result<Connection, LoginError> {
    let net = |e: &dyn std::fmt::Display| LoginError::Network(e.to_string());
    let url = format!("{}/ws", params.server_url.trim_end_matches('/'));
    let config = WebSocketConfig::default()
        .max_message_size(Some(protocol::MAX_SERVER_FRAME_BYTES))
        .max_frame_size(Some(protocol::MAX_SERVER_FRAME_BYTES));
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true).await.map_err(|e| net(&e))?;
    let hello = match next_msg(&mut socket).await? {
        ServerMsg::Hello { version, challenge, heartbeat_interval_ms, heartbeat_timeout_ms }
            if version == protocol::PROTOCOL_VERSION =>
        {
            (challenge, heartbeat_interval_ms, heartbeat_timeout_ms)
        }
        other => return Err(LoginError::Network(format!("unexpected greeting {other:?}"))),
    };
    let login = ClientMsg::Login {
        req: 1,
        version: protocol::PROTOCOL_VERSION,
        app_id: params.app_id,
        room_id: params.room_id.clone(),
        user: params.user.clone(),
        auth: auth_for(params, &hello.0)?,
        max_member_count: params.max_member_count,
        user_status_notify: params.user_status_notify,
        resume,
    };
    socket.send(Message::text(protocol::encode(&login))).await.map_err(|e| net(&e))?;
    let mut early = Vec::new();
    loop {
        match next_msg(&mut socket).await? {
            ServerMsg::Response { req: 1, code, data, .. } => {
                if code != 0 {
                    return Err(LoginError::Refused(code));
                }
                let Some(ResponseData::Login(snapshot)) = data else {
                    return Err(LoginError::Network("login answer without room".into()));
                };
                return Ok(Connection {
                    socket,
                    snapshot,
                    heartbeat_interval: Duration::from_millis(hello.1.max(100)),
                    heartbeat_timeout: Duration::from_millis(hello.2.max(500)),
                    early,
                });
            }
            ServerMsg::Kicked { code, .. } => return Err(LoginError::Refused(code)),
            other => early.push(other),
        }
    }
}

/// Reads the next protocol message, skipping pings; a close is a network error.
pub async fn next_msg(socket: &mut Socket) -> Result<ServerMsg, LoginError> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return ServerMsg::decode(&text).map_err(|e| LoginError::Network(e.to_string()));
            }
            Some(Ok(Message::Close(_))) | None => return Err(LoginError::Network("connection closed".into())),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(LoginError::Network(e.to_string())),
        }
    }
}
