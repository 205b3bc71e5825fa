//! The HTTP face of the server: `/ws` signaling, `/healthz`, `/` (a placeholder
//! page until the web client lands) and the admin API `/api/rooms`, `/api/sfu`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::{future, SinkExt, StreamExt};

use crate::protocol::{MAX_FRAME_BYTES, PROTOCOL_VERSION};

use super::hub::{Hub, Outbound};
use super::session::{self, Inbound};

/// The routes, sharing one hub.
pub(crate) fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(index))
        .route("/api/rooms", get(rooms))
        .route("/api/sfu", get(sfu))
        .with_state(hub)
}

async fn upgrade(
    ws: WebSocketUpgrade,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(hub): State<Arc<Hub>>,
) -> Response {
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move { start_session(hub, peer, socket) })
}

/// Adapts the axum socket to the session's frame types and runs it as a hub task.
fn start_session(hub: Arc<Hub>, peer: SocketAddr, socket: WebSocket) {
    let (sink, stream) = socket.split();
    let sink = sink.with(|out: Outbound| future::ready(Ok::<_, axum::Error>(to_message(out))));
    let stream = stream.map(|frame| frame.map(from_message));
    hub.spawn(session::run(hub.clone(), peer, sink, stream));
}

fn to_message(out: Outbound) -> Message {
    match out {
        Outbound::Text(text) => Message::Text(text.into()),
        Outbound::Close { code, reason } => Message::Close(Some(CloseFrame { code, reason: reason.into() })),
    }
}

fn from_message(msg: Message) -> Inbound {
    match msg {
        Message::Text(text) => Inbound::Text(text.as_str().to_owned()),
        Message::Close(_) => Inbound::Close,
        Message::Binary(_) | Message::Ping(_) | Message::Pong(_) => Inbound::Other,
    }
}

async fn index() -> Html<String> {
    let version = env!("CARGO_PKG_VERSION");
    Html(format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>zego-server</title></head>\n\
         <body><h1>zego-server {version}</h1>\n\
         <p>Signaling protocol v{PROTOCOL_VERSION} is served at <code>/ws</code>.</p>\n\
         <p>The web client arrives in a later release.</p></body></html>\n"
    ))
}

/// Rooms with their users and streams; served in dev mode only, as it has no
/// authentication yet.
async fn rooms(State(hub): State<Arc<Hub>>) -> Response {
    if !hub.config().dev_mode {
        return (StatusCode::NOT_FOUND, "the admin API is served in dev mode only").into_response();
    }
    Json(hub.rooms()).into_response()
}

/// Producers and consumers of the SFU with their counters; dev mode only.
async fn sfu(State(hub): State<Arc<Hub>>) -> Response {
    if !hub.config().dev_mode {
        return (StatusCode::NOT_FOUND, "the admin API is served in dev mode only").into_response();
    }
    Json(hub.sfu().stats()).into_response()
}
