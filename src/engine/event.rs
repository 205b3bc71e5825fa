//! Events an engine reports to its host, in Rust types. The FFI layer turns
//! each into the matching C callback on the engine's callback thread.

use std::sync::Arc;

use crate::media::frame::VideoFrame;
use crate::protocol::{BarrageMessage, BroadcastMessage, RoomExtraInfo, Stream, UpdateType, User};

/// A decoded or captured frame on its way to the host (shared, not copied).
#[derive(Clone)]
pub struct VideoFrameRef(pub Arc<VideoFrame>);

impl std::fmt::Debug for VideoFrameRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VideoFrame {}x{}", self.0.width, self.0.height)
    }
}

/// `ZegoRoomStateChangedReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum RoomStateChangedReason {
    Logining = 0,
    Logined = 1,
    LoginFailed = 2,
    Reconnecting = 3,
    Reconnected = 4,
    ReconnectFailed = 5,
    KickOut = 6,
    Logout = 7,
    LogoutFailed = 8,
}

impl RoomStateChangedReason {
    /// The `ZegoRoomState` (0 disconnected, 1 connecting, 2 connected) a reason implies.
    pub fn room_state(self) -> i32 {
        use RoomStateChangedReason::*;
        match self {
            Logining | Reconnecting => 1,
            Logined | Reconnected => 2,
            LoginFailed | ReconnectFailed | KickOut | Logout | LogoutFailed => 0,
        }
    }
}

/// `ZegoPublisherState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum PublisherState {
    NoPublish = 0,
    PublishRequesting = 1,
    Publishing = 2,
}

/// `ZegoPlayerState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum PlayerState {
    NoPlay = 0,
    PlayRequesting = 1,
    Playing = 2,
}

/// `ZegoDeviceType` of a local device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum DeviceType {
    Camera = 1,
    Microphone = 2,
    Speaker = 3,
}

/// `ZegoDeviceExceptionType` (the values a desktop engine reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum DeviceExceptionType {
    Generic = 1,
    InvalidId = 2,
    PermissionNotGranted = 3,
    DeviceOccupied = 5,
    DeviceUnplugged = 6,
}

/// One host-visible event.
#[derive(Debug, Clone)]
pub enum Event {
    RoomStateChanged {
        room_id: String,
        reason: RoomStateChangedReason,
        error_code: i32,
        extended_data: String,
    },
    RoomLoginResult {
        error_code: i32,
        extended_data: String,
        room_id: String,
        seq: i32,
    },
    RoomLogoutResult {
        error_code: i32,
        extended_data: String,
        room_id: String,
        seq: i32,
    },
    RoomUserUpdate {
        room_id: String,
        update_type: UpdateType,
        users: Vec<User>,
    },
    RoomOnlineUserCountUpdate {
        room_id: String,
        count: i32,
    },
    RoomStreamUpdate {
        room_id: String,
        update_type: UpdateType,
        streams: Vec<Stream>,
        extended_data: String,
    },
    RoomStreamExtraInfoUpdate {
        room_id: String,
        streams: Vec<Stream>,
    },
    RoomExtraInfoUpdate {
        room_id: String,
        infos: Vec<RoomExtraInfo>,
    },
    RoomTokenWillExpire {
        room_id: String,
        remain_seconds: i32,
    },
    RoomSetRoomExtraInfoResult {
        error_code: i32,
        room_id: String,
        key: String,
        seq: i32,
    },
    PublisherStateUpdate {
        stream_id: String,
        state: PublisherState,
        error_code: i32,
        extended_data: String,
    },
    PublisherUpdateStreamExtraInfoResult {
        error_code: i32,
        seq: i32,
    },
    PlayerStateUpdate {
        stream_id: String,
        state: PlayerState,
        error_code: i32,
        extended_data: String,
    },
    ImRecvBroadcastMessage {
        room_id: String,
        messages: Vec<BroadcastMessage>,
    },
    ImRecvBarrageMessage {
        room_id: String,
        messages: Vec<BarrageMessage>,
    },
    ImRecvCustomCommand {
        room_id: String,
        from_user: User,
        command: String,
    },
    ImSendBroadcastMessageResult {
        room_id: String,
        message_id: u64,
        error_code: i32,
        seq: i32,
    },
    ImSendBarrageMessageResult {
        room_id: String,
        message_id: String,
        error_code: i32,
        seq: i32,
    },
    ImSendCustomCommandResult {
        room_id: String,
        error_code: i32,
        seq: i32,
    },
    PublisherCapturedVideoFirstFrame {
        channel: i32,
    },
    PublisherCapturedAudioFirstFrame,
    PublisherSendVideoFirstFrame {
        channel: i32,
    },
    PublisherSendAudioFirstFrame {
        channel: i32,
    },
    PublisherVideoSizeChanged {
        width: i32,
        height: i32,
        channel: i32,
    },
    PlayerRecvVideoFirstFrame {
        stream_id: String,
    },
    PlayerRecvAudioFirstFrame {
        stream_id: String,
    },
    PlayerRenderVideoFirstFrame {
        stream_id: String,
    },
    PlayerVideoSizeChanged {
        stream_id: String,
        width: i32,
        height: i32,
    },
    /// A decoded frame of a played stream (a media event: may be dropped).
    RemoteVideoFrame {
        stream_id: String,
        frame: VideoFrameRef,
        /// The canvas view given to start_playing_stream (0 = none).
        view: usize,
    },
    /// A captured frame for the preview canvas (a media event: may be dropped).
    CapturedVideoFrame {
        channel: i32,
        frame: VideoFrameRef,
        view: usize,
    },
    /// A played stream's publisher turned its camera on/off/muted (`ZegoRemoteDeviceState`).
    RemoteCameraStateUpdate {
        stream_id: String,
        state: i32,
    },
    RemoteMicStateUpdate {
        stream_id: String,
        state: i32,
    },
    PublisherQualityUpdate {
        stream_id: String,
        quality: crate::engine::quality::PublishQuality,
    },
    PlayerQualityUpdate {
        stream_id: String,
        quality: crate::engine::quality::PlayQuality,
    },
    /// `user_id` "" is the local user.
    NetworkQuality {
        user_id: String,
        upstream: i32,
        downstream: i32,
    },
    /// 20 ms of mixed playback audio for the audio data observer.
    PlaybackAudioData {
        pcm: Vec<i16>,
        sample_rate: i32,
        channels: i32,
    },
    /// A chosen real device did not open or went away; the virtual one runs instead.
    LocalDeviceExceptionOccurred {
        exception_type: DeviceExceptionType,
        device_type: DeviceType,
        device_id: String,
    },
}
