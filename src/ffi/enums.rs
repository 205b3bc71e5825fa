//! ZEGO's enums as C enums, for hosts (functions take their values as int32_t;
//! values are checked before use, never transmuted). Names follow ZEGO's C
//! header: `zego_<enum>_<value>`.
#![allow(non_camel_case_types)]

/// `ZegoScenario`.
#[repr(i32)]
pub enum zego_scenario {
    general = 0,
    communication = 1,
    live = 2,
    default = 3,
    standard_video_call = 4,
    high_quality_video_call = 5,
    standard_chatroom = 6,
    high_quality_chatroom = 7,
    broadcast = 8,
    karaoke = 9,
    standard_voice_call = 10,
}

/// `ZegoRoomStateChangedReason`.
#[repr(i32)]
pub enum zego_room_state_changed_reason {
    logining = 0,
    logined = 1,
    login_failed = 2,
    reconnecting = 3,
    reconnected = 4,
    reconnect_failed = 5,
    kick_out = 6,
    logout = 7,
    logout_failed = 8,
}

/// `ZegoRoomState` (deprecated by ZEGO in favour of the reason above; still reported).
#[repr(i32)]
pub enum zego_room_state {
    disconnected = 0,
    connecting = 1,
    connected = 2,
}

/// `ZegoUpdateType`.
#[repr(i32)]
pub enum zego_update_type {
    add = 0,
    delete = 1,
}

/// `ZegoPublisherState`.
#[repr(i32)]
pub enum zego_publisher_state {
    no_publish = 0,
    publish_requesting = 1,
    publishing = 2,
}

/// `ZegoPlayerState`.
#[repr(i32)]
pub enum zego_player_state {
    no_play = 0,
    play_requesting = 1,
    playing = 2,
}

/// `ZegoPublishChannel`.
#[repr(i32)]
pub enum zego_publish_channel {
    main = 0,
    aux = 1,
    third = 2,
    fourth = 3,
}

/// `ZegoViewMode`.
#[repr(i32)]
pub enum zego_view_mode {
    aspect_fit = 0,
    aspect_fill = 1,
    scale_to_fill = 2,
}

/// `ZegoVideoFrameFormat`.
#[repr(i32)]
pub enum zego_video_frame_format {
    unknown = 0,
    i420 = 1,
    nv12 = 2,
    nv21 = 3,
    bgra32 = 4,
    rgba32 = 5,
    argb32 = 6,
    abgr32 = 7,
    i422 = 8,
    bgr24 = 9,
    rgb24 = 10,
}

/// `ZegoVideoBufferType` (desktop subset).
#[repr(i32)]
pub enum zego_video_buffer_type {
    unknown = 0,
    raw_data = 1,
    encoded_data = 2,
}

/// `ZegoVideoFrameFormatSeries`.
#[repr(i32)]
pub enum zego_video_frame_format_series {
    rgb = 0,
    yuv = 1,
}

/// `ZegoAudioChannel`.
#[repr(i32)]
pub enum zego_audio_channel {
    unknown = 0,
    mono = 1,
    stereo = 2,
}

/// `ZegoStreamQualityLevel`.
#[repr(i32)]
pub enum zego_stream_quality_level {
    excellent = 0,
    good = 1,
    medium = 2,
    bad = 3,
    die = 4,
    unknown = 5,
}

/// `ZegoAudioDeviceType`.
#[repr(i32)]
pub enum zego_audio_device_type {
    input = 0,
    output = 1,
}

/// `ZegoDeviceType` (the kinds `zego_on_local_device_exception_occurred` reports).
#[repr(i32)]
pub enum zego_device_type {
    unknown = 0,
    camera = 1,
    microphone = 2,
    speaker = 3,
    audio_device = 4,
    audio_session = 5,
}

/// `ZegoDeviceExceptionType` (this engine reports generic, invalid_id,
/// permission_not_granted, device_occupied and device_unplugged).
#[repr(i32)]
pub enum zego_device_exception_type {
    unknown = 0,
    generic = 1,
    invalid_id = 2,
    permission_not_granted = 3,
    zero_capture_fps = 4,
    device_occupied = 5,
    device_unplugged = 6,
    reboot_required = 7,
    media_services_were_lost = 8,
    siri_is_recording = 9,
    sound_level_too_low = 10,
    magnetic_case = 11,
    audio_session_deactive = 12,
    audio_session_category_change = 13,
}
