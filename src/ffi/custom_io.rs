//! Custom video render and capture, and the audio data observer.

use super::boundary::ffi_boundary;
use super::handles::{engine, engine_entry, zego_engine};
use super::types::*;
use crate::error_code as ec;
use crate::media::frame::{convert_to_i420, PixelFormat};

/// `ZegoVideoBufferType` RAW_DATA, the only buffer type on desktop here.
const BUFFER_RAW_DATA: i32 = 1;

/// Delivers decoded remote frames to the custom render callback
/// (`zego_register_custom_video_render_remote_frame_data_callback`).
/// `config` NULL = RAW_DATA, RGB series. Series YUV gives I420 planes, RGB a
/// BGRA plane. Errors: 1011011 a buffer type other than RAW_DATA, 1000017 a
/// bad series. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_enable_custom_video_render(
    engine: *mut zego_engine,
    enable: bool,
    config: *const zego_custom_video_render_config,
) -> zego_error {
    ffi_boundary!(|| {
        let entry = engine_entry(engine)?;
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        let (buffer_type, series) =
            unsafe { config.as_ref() }.map_or((BUFFER_RAW_DATA, 0), |c| (c.buffer_type, c.frame_format_series));
        if buffer_type != BUFFER_RAW_DATA {
            return Err(ec::CUSTOM_VIDEO_NOT_SUPPORTED_BUFFER_TYPE);
        }
        let bgra = match series {
            0 => true,
            1 => false,
            _ => return Err(ec::ILLEGAL_PARAM),
        };
        let guard = entry.callbacks.lock();
        guard.borrow_mut().custom_render = enable.then_some(bgra);
        Ok(())
    })
}

/// Replaces the camera of `channel` with frames the host sends through
/// `zego_send_custom_video_capture_raw_data`. `config` NULL = RAW_DATA;
/// other buffer types are 1011011. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_enable_custom_video_capture(
    engine: *mut zego_engine,
    enable: bool,
    config: *const zego_custom_video_capture_config,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        if unsafe { config.as_ref() }.is_some_and(|c| c.buffer_type != BUFFER_RAW_DATA) {
            return Err(ec::CUSTOM_VIDEO_NOT_SUPPORTED_BUFFER_TYPE);
        }
        engine.enable_custom_video_capture(enable, channel)
    })
}

/// Sends one frame for `channel` (custom capture on: else 1011002). Formats
/// (ZEGO's values): I420, NV12, NV21, BGRA32, RGBA32, ARGB32, ABGR32, I422,
/// BGR24, RGB24, with `param.strides` (0 = packed). The data is copied before the call returns. Errors: 1011010
/// an unsupported format, 1000017 NULL data or data shorter than the strides
/// and size say. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_send_custom_video_capture_raw_data(
    engine: *mut zego_engine,
    data: *const u8,
    data_length: u32,
    param: zego_video_frame_param,
    reference_time_ms: u64,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let _ = reference_time_ms;
        let engine = self::engine(engine)?;
        let format = PixelFormat::from_zego(param.format).ok_or(ec::CUSTOM_VIDEO_NOT_SUPPORTED_FORMAT)?;
        if data.is_null() || param.width <= 0 || param.height <= 0 {
            return Err(ec::ILLEGAL_PARAM);
        }
        // SAFETY: the host passes `data_length` readable bytes (C ABI contract).
        let bytes = unsafe { std::slice::from_raw_parts(data, data_length as usize) };
        let frame = convert_to_i420(bytes, format, param.width as u32, param.height as u32, param.strides)
            .map_err(|_| ec::ILLEGAL_PARAM)?;
        engine.send_custom_video_frame(frame, channel)
    })
}

/// Starts the audio data observer: with bit 2 (playback) of ZEGO's mask set,
/// every 20 ms of mixed playback audio goes to the playback audio data
/// callback. Only 48 kHz mono (or 0 = engine default) is offered: other
/// `param` values are 1000017. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_start_audio_data_observer(
    engine: *mut zego_engine,
    observer_bit_mask: u32,
    param: zego_audio_frame_param,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        if !matches!(param.sample_rate, 0 | 48_000) || !matches!(param.channel, 0 | 1) {
            return Err(ec::ILLEGAL_PARAM);
        }
        engine.start_audio_data_observer(observer_bit_mask)
    })
}

/// Stops the audio data observer. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_stop_audio_data_observer(engine: *mut zego_engine) -> zego_error {
    ffi_boundary!(|| {
        self::engine(engine)?.stop_audio_data_observer();
        Ok(())
    })
}

/// `ZegoCustomAudioConfig`.
#[repr(C)]
pub struct zego_custom_audio_config {
    /// `ZegoAudioSourceType`: only CUSTOM (1) is supported here.
    pub source_type: i32,
}

/// `ZegoAudioSourceType` CUSTOM.
const AUDIO_SOURCE_CUSTOM: i32 = 1;

/// Replaces the microphone of `channel` with PCM the host sends through
/// `zego_send_custom_audio_capture_pcm_data` (`config` NULL = CUSTOM; other
/// source types are 1012001). Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_enable_custom_audio_io(
    engine: *mut zego_engine,
    enable: bool,
    config: *const zego_custom_audio_config,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        if unsafe { config.as_ref() }.is_some_and(|c| c.source_type != AUDIO_SOURCE_CUSTOM) {
            return Err(ec::CUSTOM_AUDIO_IO_UNSUPPORTED_AUDIO_SOURCE_TYPE);
        }
        engine.enable_custom_audio_capture(enable, channel)
    })
}

/// Sends interleaved 16-bit PCM for `channel` (custom audio on: else
/// 1012002). `param`: 48000 Hz, 1 or 2 channels (else 1012010); any length,
/// the engine cuts 20 ms frames. The data is copied before the call returns.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_send_custom_audio_capture_pcm_data(
    engine: *mut zego_engine,
    data: *const u8,
    data_length: u32,
    param: zego_audio_frame_param,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        if param.sample_rate != 48_000 || !(1..=2).contains(&param.channel) {
            return Err(ec::CUSTOM_AUDIO_IO_UNSUPPORTED_SAMPLE_RATE);
        }
        if data.is_null() || data_length % 2 != 0 {
            return Err(ec::ILLEGAL_PARAM);
        }
        // SAFETY: the host passes `data_length` readable bytes (C ABI contract).
        let bytes = unsafe { std::slice::from_raw_parts(data, data_length as usize) };
        let pcm: Vec<i16> = bytes.chunks_exact(2).map(|b| i16::from_ne_bytes([b[0], b[1]])).collect();
        engine.send_custom_audio(&pcm, param.channel as usize, channel)
    })
}
