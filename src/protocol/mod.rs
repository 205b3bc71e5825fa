//! Signaling protocol shared by the engine and zego-server.
//!
//! One WebSocket connection (`GET /ws`) carries one room session. Every frame is
//! a UTF-8 JSON text message with a `"type"` tag. The full, versioned description
//! with examples lives in `docs/protocol.md`; this module is its executable form.
//!
//! Flow: the server greets with [`ServerMsg::Hello`] (protocol version, an auth
//! challenge and the heartbeat timing); the client answers with
//! [`ClientMsg::Login`]; afterwards the client sends requests carrying a `req`
//! number and the server answers each with [`ServerMsg::Response`] carrying the
//! same `req`, and pushes room events at any time.

use serde::{Deserialize, Serialize};

/// Version of this protocol. A server refuses a login with another major version.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest client-to-server frame the server accepts, in bytes. Larger frames close the session.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Largest server-to-client frame a client accepts: a login snapshot of a big
/// room (many users, 20 extra-info keys of 4 KiB) exceeds [`MAX_FRAME_BYTES`].
pub const MAX_SERVER_FRAME_BYTES: usize = 1024 * 1024;

/// A user as the room sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct User {
    pub user_id: String,
    #[serde(default)]
    pub user_name: String,
}

/// A published stream as the room sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    pub user: User,
    pub stream_id: String,
    #[serde(default)]
    pub extra_info: String,
    /// The publisher's camera as ZEGO's `ZegoRemoteDeviceState` (0 open, 9 disabled, 10 muted).
    #[serde(default)]
    pub camera: i32,
    /// The publisher's microphone as `ZegoRemoteDeviceState`.
    #[serde(default)]
    pub microphone: i32,
}

impl Stream {
    /// A stream with open camera and microphone.
    pub fn new(user: User, stream_id: impl Into<String>, extra_info: impl Into<String>) -> Self {
        Self { user, stream_id: stream_id.into(), extra_info: extra_info.into(), camera: 0, microphone: 0 }
    }
}

/// One key of the room's extra info.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomExtraInfo {
    pub key: String,
    pub value: String,
    pub update_user: User,
    /// UNIX milliseconds.
    pub update_time: u64,
}

/// A broadcast message delivered to the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastMessage {
    pub message: String,
    pub message_id: u64,
    /// UNIX milliseconds.
    pub send_time: u64,
    pub from_user: User,
}

/// A barrage message delivered to the room (ZEGO gives these string ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarrageMessage {
    pub message: String,
    pub message_id: String,
    /// UNIX milliseconds.
    pub send_time: u64,
    pub from_user: User,
}

/// How the client proves it may enter the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Auth {
    /// HMAC-SHA256 keyed by the AppSign over the server's challenge; see
    /// `auth::app_sign_proof`. The AppSign itself never crosses the wire.
    AppSign { signature: String },
    /// A Token04 string as ZEGO's token generators produce it.
    Token { token: String },
}

/// `ZegoUpdateType`: 0 add, 1 delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateType {
    Add,
    Delete,
}

impl UpdateType {
    /// ZEGO's numeric value.
    pub fn zego_value(self) -> i32 {
        match self {
            UpdateType::Add => 0,
            UpdateType::Delete => 1,
        }
    }
}

/// Messages from an engine (or a browser) to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Enter a room. Must be the first message after `hello`.
    Login {
        req: u64,
        /// [`PROTOCOL_VERSION`] of the client.
        version: u32,
        app_id: u32,
        room_id: String,
        user: User,
        auth: Auth,
        /// 0 = unlimited. Applies when this login creates the room.
        #[serde(default)]
        max_member_count: u32,
        /// Whether the server sends `user_update` events to this session.
        #[serde(default)]
        user_status_notify: bool,
        /// Set when re-establishing a session after a connection loss.
        #[serde(default)]
        resume: Option<Resume>,
    },
    /// Leave the room; the server answers, then closes the session.
    Logout {
        req: u64,
    },
    /// Keep-alive. The server answers with `heartbeat_ack`.
    Heartbeat {
        req: u64,
    },
    /// Register a stream in the room.
    Publish {
        req: u64,
        stream_id: String,
        #[serde(default)]
        extra_info: String,
    },
    /// Remove one of this session's streams.
    Unpublish {
        req: u64,
        stream_id: String,
    },
    /// Ask to play a stream: the server checks that it exists.
    Play {
        req: u64,
        stream_id: String,
    },
    /// Stop playing a stream.
    StopPlay {
        req: u64,
        stream_id: String,
    },
    SetStreamExtraInfo {
        req: u64,
        stream_id: String,
        extra_info: String,
    },
    /// The publisher's camera and microphone states of one of its streams
    /// (ZEGO's `ZegoRemoteDeviceState` values), relayed to the room.
    SetStreamState {
        req: u64,
        stream_id: String,
        camera: i32,
        microphone: i32,
    },
    SetRoomExtraInfo {
        req: u64,
        key: String,
        value: String,
    },
    Broadcast {
        req: u64,
        message: String,
    },
    Barrage {
        req: u64,
        message: String,
    },
    /// A command for the listed users of the room (an empty list is refused with 1009011).
    CustomCommand {
        req: u64,
        command: String,
        to_user_ids: Vec<String>,
    },
    RenewToken {
        req: u64,
        token: String,
    },
    /// Media for one of this session's published streams: a WebRTC offer
    /// (non-trickle: it carries every ICE candidate) with send-only audio and
    /// video. Answered with [`ResponseData::MediaAnswer`]. A new offer for the
    /// same stream replaces the previous connection.
    PublishMedia {
        req: u64,
        stream_id: String,
        sdp: String,
    },
    /// Media of a stream this session plays: a WebRTC offer with receive-only
    /// audio and video. Answered with [`ResponseData::MediaAnswer`]; a new
    /// offer for the same stream replaces the previous connection.
    PlayMedia {
        req: u64,
        stream_id: String,
        sdp: String,
    },
}

impl ClientMsg {
    /// The request number the server echoes in its response.
    pub fn req(&self) -> u64 {
        match self {
            ClientMsg::Login { req, .. }
            | ClientMsg::Logout { req }
            | ClientMsg::Heartbeat { req }
            | ClientMsg::Publish { req, .. }
            | ClientMsg::Unpublish { req, .. }
            | ClientMsg::Play { req, .. }
            | ClientMsg::StopPlay { req, .. }
            | ClientMsg::SetStreamExtraInfo { req, .. }
            | ClientMsg::SetStreamState { req, .. }
            | ClientMsg::SetRoomExtraInfo { req, .. }
            | ClientMsg::Broadcast { req, .. }
            | ClientMsg::Barrage { req, .. }
            | ClientMsg::CustomCommand { req, .. }
            | ClientMsg::RenewToken { req, .. }
            | ClientMsg::PublishMedia { req, .. }
            | ClientMsg::PlayMedia { req, .. } => *req,
        }
    }
}

/// What a reconnecting client brings back.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Resume {
    /// `session_id` from the previous login answer.
    pub session_id: String,
    /// The streams this client had published; the server re-registers them.
    #[serde(default)]
    pub streams: Vec<ResumeStream>,
}

/// A stream a reconnecting client re-registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeStream {
    pub stream_id: String,
    #[serde(default)]
    pub extra_info: String,
}

/// The room as a login answer describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoomSnapshot {
    pub session_id: String,
    /// Other users in the room (never the caller).
    pub users: Vec<User>,
    /// Every stream in the room, the caller's own included.
    pub streams: Vec<Stream>,
    pub room_extra_info: Vec<RoomExtraInfo>,
    pub online_count: u32,
    /// UNIX seconds at which the login token expires, when a token was used.
    #[serde(default)]
    pub token_expire: Option<u64>,
}

/// Payload of a successful response, by request kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseData {
    Login(RoomSnapshot),
    Broadcast {
        message_id: u64,
    },
    Barrage {
        message_id: String,
    },
    Play {
        stream: Stream,
    },
    /// The SFU's WebRTC answer to `publish_media` / `play_media`.
    MediaAnswer {
        sdp: String,
    },
}

/// Messages from the server to a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMsg {
    /// First message on every connection.
    Hello {
        version: u32,
        /// Hex nonce the AppSign proof signs.
        challenge: String,
        /// The client sends a heartbeat this often.
        heartbeat_interval_ms: u64,
        /// The server drops a session silent for this long.
        heartbeat_timeout_ms: u64,
    },
    /// Answer to the request with the same `req`. `code` is 0 or a ZEGO error code.
    Response {
        req: u64,
        code: i32,
        #[serde(default)]
        message: String,
        #[serde(default)]
        data: Option<ResponseData>,
    },
    HeartbeatAck {
        req: u64,
    },
    UserUpdate {
        update_type: UpdateType,
        users: Vec<User>,
    },
    StreamUpdate {
        update_type: UpdateType,
        streams: Vec<Stream>,
    },
    /// A publisher's camera or microphone changed (see [`Stream::camera`]).
    StreamStateUpdate {
        stream: Stream,
    },
    StreamExtraInfoUpdate {
        streams: Vec<Stream>,
    },
    RoomExtraInfoUpdate {
        infos: Vec<RoomExtraInfo>,
    },
    OnlineCount {
        count: u32,
    },
    BroadcastMessage {
        messages: Vec<BroadcastMessage>,
    },
    BarrageMessage {
        messages: Vec<BarrageMessage>,
    },
    CustomCommand {
        from_user: User,
        command: String,
    },
    /// The login token expires in `remain_seconds`; call renew_token.
    TokenWillExpire {
        remain_seconds: u32,
    },
    /// The session is over: `code` is ZEGO's reason (1002050, 1002056, ...).
    Kicked {
        code: i32,
        reason: String,
    },
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The frame exceeds the size limit of its direction.
    #[error("frame of {0} bytes exceeds the limit")]
    TooLarge(usize),
    /// The frame is not a message of this protocol.
    #[error("malformed message: {0}")]
    Malformed(#[from] serde_json::Error),
}

fn check_size(text: &str, max: usize) -> Result<(), DecodeError> {
    if text.len() > max {
        return Err(DecodeError::TooLarge(text.len()));
    }
    Ok(())
}

impl ClientMsg {
    /// Decodes one text frame; never panics on any input.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        check_size(text, MAX_FRAME_BYTES)?;
        Ok(serde_json::from_str(text)?)
    }
}

impl ServerMsg {
    /// Decodes one text frame; never panics on any input.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        check_size(text, MAX_SERVER_FRAME_BYTES)?;
        Ok(serde_json::from_str(text)?)
    }
}

/// Encodes any protocol message as a text frame.
pub fn encode<T: Serialize>(msg: &T) -> String {
    // Serialising these plain structs cannot fail: no maps with non-string keys.
    serde_json::to_string(msg).expect("protocol messages always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_round_trips() {
        let msg = ClientMsg::Login {
            req: 7,
            version: PROTOCOL_VERSION,
            app_id: 1,
            room_id: "r".into(),
            user: User { user_id: "u".into(), user_name: "U".into() },
            auth: Auth::Token { token: "04x".into() },
            max_member_count: 0,
            user_status_notify: true,
            resume: None,
        };
        let text = encode(&msg);
        assert!(text.contains(r#""type":"login""#));
        assert_eq!(ClientMsg::decode(&text).unwrap(), msg);
    }

    #[test]
    fn unknown_fields_and_oversize_are_errors() {
        assert!(ClientMsg::decode(r#"{"type":"heartbeat","req":1,"x":2}"#).is_err());
        let big = format!(r#"{{"type":"broadcast","req":1,"message":"{}"}}"#, "a".repeat(MAX_FRAME_BYTES));
        assert!(matches!(ClientMsg::decode(&big), Err(DecodeError::TooLarge(_))));
    }
}
