//! The HTTP face of the server: `/ws` signaling, `/healthz`, the web page
//! (`/` and its scripts, from `web/`, embedded in the binary), `/api/config`
//! for the page, and in dev mode the admin API `/api/rooms`, `/api/sfu` and
//! `/api/dev-token`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::{future, SinkExt, StreamExt};

use crate::auth::token04;
use crate::protocol::{MAX_FRAME_BYTES, PROTOCOL_VERSION};

use super::config::{DEV_APP_ID, DEV_SERVER_SECRET};
use super::hub::{Hub, Outbound};
use super::session::{self, Inbound};

/// The routes, sharing one hub.
pub(crate) fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/app.js", get(|| asset(JAVASCRIPT, include_str!("../../web/app.js"))))
        .route("/zego.js", get(|| asset(JAVASCRIPT, include_str!("../../web/zego.js"))))
        .route("/stamp.js", get(|| asset(JAVASCRIPT, include_str!("../../web/stamp.js"))))
        .route("/style.css", get(|| asset(CSS, include_str!("../../web/style.css"))))
        .route("/api/config", get(page_config))
        .route("/api/dev-token", get(dev_token))
        .route("/api/rooms", get(rooms))
        .route("/api/sfu", get(sfu))
        .with_state(hub)
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// How long a development token lasts unless the request says otherwise.
const DEV_TOKEN_SECONDS: i64 = 3600;
/// The longest development token handed out.
const DEV_TOKEN_MAX_SECONDS: i64 = 24 * 3600;

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

/// The web page (`web/index.html`) with the server's version filled in.
async fn index() -> Response {
    let page = include_str!("../../web/index.html")
        .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
        .replace("{{PROTOCOL_VERSION}}", &PROTOCOL_VERSION.to_string());
    ([(header::CACHE_CONTROL, "no-cache")], Html(page)).into_response()
}

/// A static file of the page. `no-cache`: browsers revalidate, so a new
/// server version is picked up at once.
async fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// What the page needs to know before it joins: the version and whether the
/// development app (and so `/api/dev-token`) is available.
async fn page_config(State(hub): State<Arc<Hub>>) -> Response {
    let dev_mode = hub.config().dev_mode;
    Json(serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "protocol_version": PROTOCOL_VERSION,
        "dev_mode": dev_mode,
        "dev_app_id": dev_mode.then_some(DEV_APP_ID),
    }))
    .into_response()
}

#[derive(serde::Deserialize)]
struct DevTokenQuery {
    user_id: String,
    #[serde(default)]
    room_id: Option<String>,
    #[serde(default)]
    expire_seconds: Option<i64>,
}

/// A Token04 of the development app for `user_id` (restricted to `room_id`
/// when given, with login and publish privileges), so a browser can join
/// without holding a secret. Dev mode only: 404 otherwise.
async fn dev_token(State(hub): State<Arc<Hub>>, query: Result<Query<DevTokenQuery>, QueryRejection>) -> Response {
    if !hub.config().dev_mode {
        return (StatusCode::NOT_FOUND, "development tokens are served in dev mode only").into_response();
    }
    let Ok(Query(query)) = query else {
        return (StatusCode::BAD_REQUEST, "usage: /api/dev-token?user_id=ID[&room_id=ID][&expire_seconds=N]")
            .into_response();
    };
    let bad = |what: &str, code: i32| (StatusCode::BAD_REQUEST, format!("invalid {what} (ZEGO error {code})"));
    if let Err(code) = crate::validate::user_id(&query.user_id) {
        return bad("user_id", code).into_response();
    }
    let room_id = query.room_id.filter(|r| !r.is_empty());
    if let Some(Err(code)) = room_id.as_deref().map(crate::validate::room_id) {
        return bad("room_id", code).into_response();
    }
    let seconds = query.expire_seconds.unwrap_or(DEV_TOKEN_SECONDS);
    if !(1..=DEV_TOKEN_MAX_SECONDS).contains(&seconds) {
        return (StatusCode::BAD_REQUEST, format!("expire_seconds must be 1..={DEV_TOKEN_MAX_SECONDS}"))
            .into_response();
    }
    let payload = room_id.as_deref().map_or(String::new(), |room| token04::privilege_payload(room, true, true, None));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let now = i64::try_from(now).unwrap_or(i64::MAX / 2);
    // The secret the server checks the dev app's tokens with (a listed app may override it).
    let secret = hub.config().app(DEV_APP_ID).map_or(DEV_SERVER_SECRET.to_owned(), |app| app.server_secret);
    match token04::generate(DEV_APP_ID, &query.user_id, &secret, seconds, &payload, token04::Mode::Cbc, now) {
        Ok(token) => Json(serde_json::json!({
            "app_id": DEV_APP_ID,
            "user_id": query.user_id,
            "room_id": room_id,
            "token": token,
            "expire": now + seconds,
        }))
        .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
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
