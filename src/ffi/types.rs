//! Plain-data C structs and scalar typedefs of the ABI (DESIGN.md section 3).

use std::ffi::{c_char, c_void};

/// 0 = success, otherwise a ZEGO error code.
pub type zego_error = i32;
/// Sequence number pairing an async call with its result callback.
pub type zego_seq = i32;

/// What an engine is created with.
#[repr(C)]
pub struct zego_engine_profile {
    /// Must not be 0.
    pub app_id: u32,
    /// 64 hex characters, or NULL/"" for token mode (every login then needs a token).
    pub app_sign: *const c_char,
    /// `zego_scenario` value (0..=10).
    pub scenario: i32,
    /// "ws://host:port" of zego-server; NULL = env ZEGO_SERVER, else "ws://127.0.0.1:9090".
    pub server: *const c_char,
}

/// Engine-wide options set before creating engines.
#[repr(C)]
pub struct zego_engine_config {
    /// ZEGO's advanced config, "key=value;key=value". Known keys:
    /// `room_retry_time` (seconds a room keeps reconnecting, default 1200). NULL = none.
    pub advanced_config: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_user {
    pub user_id: *const c_char,
    pub user_name: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_stream {
    pub user: zego_user,
    pub stream_id: *const c_char,
    pub extra_info: *const c_char,
}

#[repr(C)]
pub struct zego_room_config {
    /// 0 = unlimited; applies when this login creates the room.
    pub max_member_count: u32,
    /// Whether room_user_update callbacks are wanted.
    pub is_user_status_notify: bool,
    /// Token04 string, or NULL/"" for AppSign auth.
    pub token: *const c_char,
}

#[repr(C)]
pub struct zego_canvas {
    pub view: *mut c_void,
    pub view_mode: i32,
    pub background_color: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_video_config {
    pub capture_width: i32,
    pub capture_height: i32,
    pub encode_width: i32,
    pub encode_height: i32,
    pub fps: i32,
    /// kbps.
    pub bitrate: i32,
    pub codec_id: i32,
    pub key_frame_interval: i32,
}

/// Field-for-field: the C struct and the engine's configuration.
macro_rules! video_config_fields {
    ($from:ident => $to:ident) => {
        $to {
            capture_width: $from.capture_width,
            capture_height: $from.capture_height,
            encode_width: $from.encode_width,
            encode_height: $from.encode_height,
            fps: $from.fps,
            bitrate: $from.bitrate,
            codec_id: $from.codec_id,
            key_frame_interval: $from.key_frame_interval,
        }
    };
}

impl From<zego_video_config> for crate::engine::VideoConfig {
    fn from(c: zego_video_config) -> Self {
        use crate::engine::VideoConfig;
        video_config_fields!(c => VideoConfig)
    }
}

impl From<crate::engine::VideoConfig> for zego_video_config {
    fn from(c: crate::engine::VideoConfig) -> Self {
        video_config_fields!(c => zego_video_config)
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_audio_config {
    /// kbps.
    pub bitrate: i32,
    pub channel: i32,
    pub codec_id: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_video_frame_param {
    pub format: i32,
    pub strides: [i32; 4],
    pub width: i32,
    pub height: i32,
    pub rotation: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zego_audio_frame_param {
    pub sample_rate: i32,
    pub channel: i32,
}

#[repr(C)]
pub struct zego_custom_video_render_config {
    pub buffer_type: i32,
    pub frame_format_series: i32,
    pub enable_engine_render: bool,
}

#[repr(C)]
pub struct zego_custom_video_capture_config {
    pub buffer_type: i32,
}

#[repr(C)]
pub struct zego_broadcast_message_info {
    pub message: *const c_char,
    pub message_id: u64,
    /// UNIX milliseconds.
    pub send_time: u64,
    pub from_user: zego_user,
}

#[repr(C)]
pub struct zego_barrage_message_info {
    pub message: *const c_char,
    pub message_id: *const c_char,
    /// UNIX milliseconds.
    pub send_time: u64,
    pub from_user: zego_user,
}

#[repr(C)]
pub struct zego_room_extra_info {
    pub key: *const c_char,
    pub value: *const c_char,
    pub update_user: zego_user,
    /// UNIX milliseconds.
    pub update_time: u64,
}

/// `ZegoPublishStreamQuality`, ZEGO's fields in ZEGO's order. Fields this
/// engine does not measure yet are 0.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct zego_publish_stream_quality {
    pub video_capture_fps: f64,
    pub video_encode_fps: f64,
    pub video_send_fps: f64,
    pub video_kbps: f64,
    pub audio_capture_fps: f64,
    pub audio_send_fps: f64,
    pub audio_kbps: f64,
    /// ms.
    pub rtt: i32,
    /// 0.0 - 1.0.
    pub packet_lost_rate: f64,
    /// `zego_stream_quality_level`.
    pub level: i32,
    pub is_hardware_encode: bool,
    pub video_codec_id: i32,
    pub total_send_bytes: f64,
    pub audio_send_bytes: f64,
    pub video_send_bytes: f64,
}

/// `ZegoPlayStreamQuality`, ZEGO's fields in ZEGO's order. Fields this engine
/// does not measure yet are 0 (`mos` is -1: unknown).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct zego_play_stream_quality {
    pub video_recv_fps: f64,
    pub video_dejitter_fps: f64,
    pub video_decode_fps: f64,
    pub video_render_fps: f64,
    pub video_kbps: f64,
    pub video_break_rate: f64,
    pub audio_recv_fps: f64,
    pub audio_dejitter_fps: f64,
    pub audio_decode_fps: f64,
    pub audio_render_fps: f64,
    pub audio_kbps: f64,
    pub audio_break_rate: f64,
    pub mos: f64,
    /// ms.
    pub rtt: i32,
    /// 0.0 - 1.0.
    pub packet_lost_rate: f64,
    pub peer_to_peer_delay: i32,
    pub peer_to_peer_packet_lost_rate: f64,
    /// `zego_stream_quality_level`.
    pub level: i32,
    pub delay: i32,
    pub av_timestamp_diff: i32,
    pub is_hardware_decode: bool,
    pub video_codec_id: i32,
    pub total_recv_bytes: f64,
    pub audio_recv_bytes: f64,
    pub video_recv_bytes: f64,
    pub audio_cumulative_break_count: u32,
    pub audio_cumulative_break_time: u32,
    pub audio_cumulative_break_rate: f64,
    pub audio_cumulative_decode_time: u32,
    pub video_cumulative_break_count: u32,
    pub video_cumulative_break_time: u32,
    pub video_cumulative_break_rate: f64,
    pub video_cumulative_decode_time: u32,
    pub mute_video: i32,
    pub mute_audio: i32,
}
