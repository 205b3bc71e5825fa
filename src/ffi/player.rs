//! Playing streams.

use std::ffi::c_char;

use super::boundary::ffi_boundary;
use super::handles::{engine, zego_engine};
use super::publisher::{canvas_view, stream_id_arg};
use super::types::*;

/// Plays `stream_id` of the logged-in room. `canvas` may be NULL; with a
/// view, decoded frames come back with it through the canvas frame callback
/// (`zego_register_canvas_video_frame_callback`) until native rendering exists. Returns at
/// once; player_state_update reports PLAY_REQUESTING, then PLAYING or NO_PLAY
/// with a code (1004002: no such stream). Errors: 1000002 not logged in,
/// 1000014-1000016 stream id, 1004010 more than 12 streams. Playing a stream
/// already playing is a no-op. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_start_playing_stream(
    engine: *mut zego_engine,
    stream_id: *const c_char,
    canvas: *const zego_canvas,
) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.start_playing_stream(stream_id_arg(stream_id)?, canvas_view(canvas)))
}

/// Stops playing `stream_id`. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_stop_playing_stream(engine: *mut zego_engine, stream_id: *const c_char) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.stop_playing_stream(stream_id_arg(stream_id)?))
}
