//! The signaling client: one task per logged-in room keeps a WebSocket session
//! to zego-server, with heartbeats and automatic reconnect, and reports what
//! happens as engine events.

mod connection;
mod roster;
mod session;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::protocol::User;

pub use roster::RECONNECT_REJOIN_GRACE;
pub use session::spawn;

/// How long the engine keeps trying to reconnect before RECONNECT_FAILED
/// (ZEGO's default is about 20 minutes; set with advanced config `room_retry_time`).
pub const DEFAULT_RETRY_WINDOW: Duration = Duration::from_secs(20 * 60);

/// Everything a room session needs to (re)connect.
#[derive(Debug, Clone)]
pub struct RoomParams {
    /// `ws://host:port` of zego-server.
    pub server_url: String,
    pub app_id: u32,
    /// The AppSign, when the engine was created with one.
    pub app_sign: Option<String>,
    pub room_id: String,
    pub user: User,
    pub token: String,
    pub max_member_count: u32,
    pub user_status_notify: bool,
    pub retry_window: Duration,
}

/// A stream this engine publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishEntry {
    pub stream_id: String,
    pub extra_info: String,
}

/// Room state shared by the engine's API calls and the session task. The
/// session only emits events while `epoch` still names it, checked under the
/// same lock, so no event of an ended session follows a logout.
#[derive(Debug)]
pub struct RoomShared {
    pub epoch: u64,
    pub room_id: String,
    pub user: User,
    /// Publish channel -> stream.
    pub publishing: BTreeMap<i32, PublishEntry>,
    pub playing: BTreeSet<String>,
    pub commands: mpsc::UnboundedSender<Command>,
    /// Local address of the signaling connection (media binds to it).
    pub local_ip: Option<std::net::IpAddr>,
}

/// Which way a stream's media flows, seen from this engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaDirection {
    Publish,
    Play,
}

/// What the media layer needs to hear from the room session. Called on the
/// session's task: implementations return at once (they spawn their work).
pub trait MediaHooks: Send + Sync {
    /// The server accepted a stream this engine publishes.
    fn publish_accepted(&self, stream_id: &str);
    /// The server accepted playing a stream.
    fn play_accepted(&self, stream_id: &str);
    /// Signaling came back after a loss: media connections are renegotiated.
    fn reconnected(&self);
    /// The room ended without a host call (kick, reconnect or login failure).
    fn room_ended(&self);
}

/// Requests from API calls to the session task. `seq` is the host's sequence
/// number for the matching result callback.
#[derive(Debug)]
pub enum Command {
    Publish {
        stream_id: String,
        extra_info: String,
    },
    Unpublish {
        stream_id: String,
    },
    Play {
        stream_id: String,
    },
    StopPlay {
        stream_id: String,
    },
    SetStreamExtraInfo {
        stream_id: String,
        extra_info: String,
        seq: i32,
    },
    SetRoomExtraInfo {
        key: String,
        value: String,
        seq: i32,
    },
    /// The camera and microphone states of a published stream (ZEGO's remote device states).
    SetStreamState {
        stream_id: String,
        camera: i32,
        microphone: i32,
    },
    Broadcast {
        message: String,
        seq: i32,
    },
    Barrage {
        message: String,
        seq: i32,
    },
    CustomCommand {
        command: String,
        to_user_ids: Vec<String>,
        seq: i32,
    },
    RenewToken {
        token: String,
    },
    /// A WebRTC offer for a stream; the answer (or a ZEGO code) goes to `reply`.
    Media {
        direction: MediaDirection,
        stream_id: String,
        sdp: String,
        reply: tokio::sync::oneshot::Sender<Result<String, i32>>,
    },
    /// Tell the server goodbye and end; `done` fires when the server answered
    /// (or the attempt timed out).
    Logout {
        done: Option<std::sync::mpsc::Sender<()>>,
    },
}
