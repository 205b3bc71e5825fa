//! Preview, publishing and encoder configuration.

use std::ffi::c_char;

use super::boundary::{ffi_boundary, str_arg, write_out};
use super::handles::{engine, zego_engine};
use super::types::*;
use crate::engine::{AudioConfig, VideoConfig};
use crate::error_code as ec;
use crate::validate;

/// The view pointer of an optional canvas (0 = none).
pub(super) fn canvas_view(canvas: *const zego_canvas) -> usize {
    // SAFETY: a non-NULL canvas points at a valid struct (C ABI contract).
    unsafe { canvas.as_ref() }.map_or(0, |c| c.view as usize)
}

/// Reads a stream id: NULL 1000015, invalid UTF-8 1000016, too long 1000014.
pub(super) fn stream_id_arg<'a>(ptr: *const c_char) -> Result<&'a str, i32> {
    str_arg(
        ptr,
        validate::MAX_STREAM_ID_LEN,
        [ec::STREAM_ID_NULL, ec::STREAM_ID_INVALID_CHARACTER, ec::STREAM_ID_TOO_LONG],
    )
}

/// Starts capture and the local preview of `channel` (0 MAIN .. 3 FOURTH).
/// `canvas` may be NULL; with a view, captured frames come back with it
/// through the canvas frame callback. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_start_preview(engine: *mut zego_engine, canvas: *const zego_canvas, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.start_preview(channel, canvas_view(canvas)))
}

/// Stops the local preview of `channel`. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_stop_preview(engine: *mut zego_engine, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.stop_preview(channel))
}

/// Publishes `stream_id` from `channel` in the logged-in room. Returns at
/// once; publisher_state_update reports PUBLISH_REQUESTING, then PUBLISHING
/// or NO_PUBLISH with a code (1003028: another user publishes this id).
/// Errors: 1000002 not logged in, 1000014-1000016 stream id, 1003023 channel
/// busy with another stream, 1000017 bad channel. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_start_publishing_stream(
    engine: *mut zego_engine,
    stream_id: *const c_char,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.start_publishing_stream(stream_id_arg(stream_id)?, channel))
}

/// Stops publishing on `channel`; the room sees the stream deleted.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_stop_publishing_stream(engine: *mut zego_engine, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.stop_publishing_stream(channel))
}

/// Sets the extra info of the stream published on `channel`; the result
/// arrives in publisher_update_stream_extra_info_result with `out_seq`.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_set_stream_extra_info(
    engine: *mut zego_engine,
    extra_info: *const c_char,
    channel: i32,
    out_seq: *mut zego_seq,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let info = str_arg(
            extra_info,
            validate::MAX_STREAM_EXTRA_INFO_LEN,
            [ec::PUBLISHER_EXTRA_INFO_NULL, ec::ILLEGAL_PARAM, ec::PUBLISHER_EXTRA_INFO_TOO_LONG],
        )?;
        write_out(out_seq, engine.set_stream_extra_info(info, channel)?);
        Ok(())
    })
}

/// Sets the video encoder configuration of `channel` (sizes even, 16..4096;
/// fps 1..60; bitrate kbps; codec 0 = H.264). 1000017 when out of range.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_set_video_config(
    engine: *mut zego_engine,
    config: *const zego_video_config,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        let c = unsafe { config.as_ref() }.ok_or(ec::ILLEGAL_PARAM)?;
        engine.set_video_config(VideoConfig::from(*c), channel)
    })
}

/// Reads the video configuration of `channel` into `out_config`.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_video_config(
    engine: *mut zego_engine,
    channel: i32,
    out_config: *mut zego_video_config,
) -> zego_error {
    ffi_boundary!(|| {
        let c = self::engine(engine)?.video_config(channel)?;
        if out_config.is_null() {
            return Err(ec::ILLEGAL_PARAM);
        }
        write_out(out_config, zego_video_config::from(c));
        Ok(())
    })
}

/// Reads the audio configuration of `channel` into `out_config`.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_audio_config(
    engine: *mut zego_engine,
    channel: i32,
    out_config: *mut zego_audio_config,
) -> zego_error {
    ffi_boundary!(|| {
        let c = self::engine(engine)?.audio_config(channel)?;
        if out_config.is_null() {
            return Err(ec::ILLEGAL_PARAM);
        }
        write_out(out_config, zego_audio_config { bitrate: c.bitrate, channel: c.channel, codec_id: c.codec_id });
        Ok(())
    })
}

/// Mutes (stops sending) the video of `channel`'s stream. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_publish_stream_video(engine: *mut zego_engine, mute: bool, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.mute_publish_stream_video(mute, channel))
}

/// Mutes (stops sending) the audio of `channel`'s stream. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_mute_publish_stream_audio(engine: *mut zego_engine, mute: bool, channel: i32) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.mute_publish_stream_audio(mute, channel))
}

/// Sets the audio encoder configuration of `channel` (bitrate 6..510 kbps,
/// channel 1 mono / 2 stereo). 1000017 when out of range. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_set_audio_config(
    engine: *mut zego_engine,
    config: *const zego_audio_config,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        let c = unsafe { config.as_ref() }.ok_or(ec::ILLEGAL_PARAM)?;
        engine.set_audio_config(AudioConfig { bitrate: c.bitrate, channel: c.channel, codec_id: c.codec_id }, channel)
    })
}
