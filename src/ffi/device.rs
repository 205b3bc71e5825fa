//! Devices: camera, microphone and speaker switches. With no real device the
//! virtual ones (test-pattern camera, tone microphone, null speaker) are used.

use std::ffi::c_char;

use super::boundary::ffi_boundary;
use super::handles::{engine, zego_engine};
use super::publisher::stream_id_arg;
use super::types::*;

/// Turns the camera of `channel` on or off (off: no video is captured).
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_enable_camera(engine: *mut zego_engine, enable: bool, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.enable_camera(enable, channel))
}

/// Mutes the microphone: it keeps capturing, but silence. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_microphone(engine: *mut zego_engine, mute: bool) -> zego_error {
    ffi_boundary!(|| {
        self::engine(engine)?.mute_microphone(mute);
        Ok(())
    })
}

/// Mutes the speaker: played streams are mixed to silence. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_speaker(engine: *mut zego_engine, mute: bool) -> zego_error {
    ffi_boundary!(|| {
        self::engine(engine)?.mute_speaker(mute);
        Ok(())
    })
}

/// Mutes the audio of a played stream (1004011 when it is not played).
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_play_stream_audio(
    engine: *mut zego_engine,
    stream_id: *const c_char,
    mute: bool,
) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.mute_play_stream(stream_id_arg(stream_id)?, false, mute))
}

/// Mutes the video of a played stream: no frames are delivered (1004011 when
/// it is not played). Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_play_stream_video(
    engine: *mut zego_engine,
    stream_id: *const c_char,
    mute: bool,
) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.mute_play_stream(stream_id_arg(stream_id)?, true, mute))
}
