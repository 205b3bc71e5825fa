//! Rooms, users and streams: the [`Registry`] trait, pure logic without sockets
//! or clocks, so a multi-node registry can replace [`MemoryRegistry`] later.
//!
//! Callers validate ids and texts (see `crate::validate`) before calling in;
//! the registry enforces the rules that need state. Every change returns the
//! [`Notice`]s the other sessions must receive.

mod memory;

use std::fmt;

use serde::Serialize;

use crate::error_code as ec;
use crate::protocol::{RoomSnapshot, ServerMsg, Stream, User};

pub use memory::{MemoryRegistry, RegistryLimits};

/// Opaque id of one login; it survives a resume on a new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(u64);

impl SessionId {
    /// A fresh random id.
    pub fn random() -> Self {
        SessionId(rand::random())
    }

    /// Parses the wire form (16 lowercase hex digits); `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| u64::from_str_radix(text, 16).ok().map(SessionId)).flatten()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// A message for some sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub to: Vec<SessionId>,
    pub msg: ServerMsg,
}

/// A login that enters a room.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub session: SessionId,
    pub app_id: u32,
    pub room_id: String,
    pub user: User,
    /// Capacity of the room when this login creates it; 0 = unlimited.
    pub max_member_count: u32,
    /// Whether this session receives `user_update` events.
    pub user_status_notify: bool,
}

/// What a join did.
#[derive(Debug, Clone)]
pub struct Joined {
    /// A session of the same user that this one replaced: it must be kicked.
    pub replaced: Option<SessionId>,
    pub notices: Vec<Notice>,
}

/// Where a session is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub app_id: u32,
    pub room_id: String,
    pub user: User,
}

/// A room as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoomView {
    pub app_id: u32,
    pub room_id: String,
    pub max_member_count: u32,
    pub users: Vec<User>,
    pub streams: Vec<Stream>,
}

/// Why the registry refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The session is in no room.
    #[error("not logged in to a room")]
    NotInRoom,
    /// The session is already in a room.
    #[error("this session is already in a room")]
    AlreadyInRoom,
    /// The room has reached its member limit.
    #[error("the room is full")]
    RoomFull,
    /// The server has reached its room limit.
    #[error("too many rooms on this server")]
    TooManyRooms,
    /// Another session of the app publishes this stream id.
    #[error("stream id {0} is already published by another user")]
    StreamTaken(String),
    /// No stream with this id in the app.
    #[error("stream {0} does not exist")]
    StreamNotFound(String),
    /// The session does not publish this stream.
    #[error("stream {0} is not published by this session")]
    NotPublisher(String),
    /// An empty room extra info key.
    #[error("room extra info key is empty")]
    ExtraInfoKeyEmpty,
    /// A room extra info key of 128 bytes or more.
    #[error("room extra info key is 128 bytes or longer")]
    ExtraInfoKeyTooLong,
    /// A room extra info value over 4096 bytes.
    #[error("room extra info value is longer than 4096 bytes")]
    ExtraInfoValueTooLong,
    /// A new key beyond the 20 a room may hold.
    #[error("the room already has 20 extra info keys")]
    ExtraInfoTooManyKeys,
}

impl RegistryError {
    /// ZEGO's error code for this refusal.
    pub fn code(&self) -> i32 {
        match self {
            RegistryError::NotInRoom => ec::NOT_LOGIN_ROOM,
            RegistryError::AlreadyInRoom => ec::ROOM_COUNT_EXCEED,
            RegistryError::RoomFull => ec::ROOM_EXCEED_MAXIMUM_MEMBER,
            RegistryError::TooManyRooms => ec::ROOM_EXCEED_MAXIMUM_ROOM_COUNT,
            RegistryError::StreamTaken(_) => ec::PUBLISHER_REPETITIVE_PUBLISH_STREAM,
            RegistryError::StreamNotFound(_) => ec::PLAYER_PLAY_STREAM_NOT_EXIST,
            RegistryError::NotPublisher(_) => ec::PUBLISHER_UPDATE_EXTRA_INFO_FAILED,
            RegistryError::ExtraInfoKeyEmpty => ec::ROOM_EXTRA_INFO_KEY_EMPTY,
            RegistryError::ExtraInfoKeyTooLong => ec::ROOM_EXTRA_INFO_KEY_TOO_LONG,
            RegistryError::ExtraInfoValueTooLong => ec::ROOM_EXTRA_INFO_VALUE_TOO_LONG,
            RegistryError::ExtraInfoTooManyKeys => ec::ROOM_EXTRA_INFO_EXCEED_KEYS,
        }
    }
}

/// A change plus the notices it causes.
pub type Changed<T = ()> = Result<(T, Vec<Notice>), RegistryError>;

/// The server's rooms. Methods taking a session fail with
/// [`RegistryError::NotInRoom`] when it is in no room.
pub trait Registry: Send {
    /// Enters a room (creating it). A session of the same user already in the
    /// room is replaced: its streams are removed and it is returned in
    /// [`Joined::replaced`].
    fn join(&mut self, req: JoinRequest) -> Result<Joined, RegistryError>;
    /// Leaves the room, removing the session's streams; the room goes when empty.
    /// Nothing happens for a session in no room.
    fn leave(&mut self, session: SessionId) -> Vec<Notice>;
    /// Where the session is.
    fn membership(&self, session: SessionId) -> Option<Membership>;
    /// The room as this session sees it.
    fn snapshot(&self, session: SessionId) -> Result<RoomSnapshot, RegistryError>;
    /// Registers a stream; the id is unique per app. Publishing one's own
    /// stream again only updates its extra info.
    fn publish(&mut self, session: SessionId, stream_id: &str, extra_info: &str) -> Changed;
    /// Removes one of the session's streams; not publishing it is no change.
    fn unpublish(&mut self, session: SessionId, stream_id: &str) -> Changed;
    /// Replaces the extra info of one of the session's streams.
    fn set_stream_extra_info(&mut self, session: SessionId, stream_id: &str, extra_info: &str) -> Changed;
    /// Records the publisher's camera/microphone states and tells the others.
    fn set_stream_state(&mut self, session: SessionId, stream_id: &str, camera: i32, microphone: i32) -> Changed;
    /// Sets one key of the room's extra info (`now_ms`: UNIX milliseconds).
    fn set_room_extra_info(&mut self, session: SessionId, key: &str, value: &str, now_ms: u64) -> Changed;
    /// A stream of the session's app, in any room.
    fn find_stream(&self, session: SessionId, stream_id: &str) -> Result<Stream, RegistryError>;
    /// The session that publishes `stream_id` in app `app_id`.
    fn stream_owner(&self, app_id: u32, stream_id: &str) -> Option<SessionId>;
    /// Sends a broadcast message to the others; returns its id.
    fn broadcast(&mut self, session: SessionId, message: &str, now_ms: u64) -> Changed<u64>;
    /// Sends a barrage message to the others; returns its id.
    fn barrage(&mut self, session: SessionId, message: &str, now_ms: u64) -> Changed<String>;
    /// Sends a command to the sessions of the listed users in the room (never the sender).
    fn custom_command(&self, session: SessionId, command: &str, to_user_ids: &[String]) -> Changed;
    /// Every room, for the admin API.
    fn rooms(&self) -> Vec<RoomView>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_id_round_trips() {
        let id = SessionId::random();
        assert_eq!(SessionId::parse(&id.to_string()), Some(id));
        for bad in ["", "xyz", "+000000000000001", "000000000000000A", "00000000000000001"] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
    }
}
