//! Devices: the camera, microphone and speaker lists and choices, and the
//! camera, microphone and speaker switches. Every list ends with the virtual
//! device of its kind (test-pattern camera, tone microphone, null speaker),
//! which is the default when no real device exists; a chosen real device that
//! does not open is replaced by the virtual one and reported once through
//! `zego_on_local_device_exception_occurred`.

use std::collections::HashMap;
use std::ffi::{c_char, CString};

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::boundary::{c_string, ffi_boundary, plain_str, write_out};
use super::handles::{engine, zego_engine};
use super::publisher::stream_id_arg;
use super::types::*;
use crate::error_code as ec;
use crate::media::devices::{AudioDirection, DeviceInfo};

/// One device of a device list. The strings belong to the list: they stay
/// valid until the list is freed with its free function.
#[repr(C)]
pub struct zego_device_info {
    /// Id to pass to `zego_use_video_device` / `zego_use_audio_device`.
    pub device_id: *const c_char,
    /// Human-readable name.
    pub device_name: *const c_char,
    /// Backend description (driver, path), free text.
    pub device_extra_info: *const c_char,
}

/// A list handed to the host, and the strings its entries point into.
struct OwnedList {
    entries: Box<[zego_device_info]>,
    _strings: Vec<CString>,
}

// SAFETY: the entries point only into `_strings`, owned by the same value.
unsafe impl Send for OwnedList {}

/// Lists handed out and not yet freed, by the address of their first entry, so
/// that a free call can check the pointer instead of trusting it.
static DEVICE_LISTS: Lazy<Mutex<HashMap<usize, OwnedList>>> = Lazy::new(Default::default);

/// Hands `devices` to the host through the out-parameters (on success only).
fn hand_out(
    devices: Vec<DeviceInfo>,
    device_count: *mut i32,
    device_list: *mut *mut zego_device_info,
) -> Result<(), i32> {
    if device_count.is_null() || device_list.is_null() {
        return Err(ec::ILLEGAL_PARAM);
    }
    let mut strings = Vec::with_capacity(devices.len() * 3);
    let mut keep = |s: &str| {
        let c = c_string(s);
        let ptr = c.as_ptr();
        // The heap buffer of a CString does not move when the CString does.
        strings.push(c);
        ptr
    };
    let entries: Box<[zego_device_info]> = devices
        .iter()
        .map(|d| zego_device_info {
            device_id: keep(&d.id),
            device_name: keep(&d.name),
            device_extra_info: keep(&d.extra_info),
        })
        .collect();
    let count = entries.len() as i32;
    let ptr = if entries.is_empty() {
        std::ptr::null_mut()
    } else {
        let ptr = entries.as_ptr() as *mut zego_device_info;
        DEVICE_LISTS.lock().insert(ptr as usize, OwnedList { entries, _strings: strings });
        ptr
    };
    write_out(device_count, count);
    write_out(device_list, ptr);
    Ok(())
}

/// Frees a list from [`hand_out`]; NULL is fine, an unknown pointer is 1000017.
fn free_list(list: *mut zego_device_info) -> Result<(), i32> {
    if list.is_null() {
        return Ok(());
    }
    let owned = DEVICE_LISTS.lock().remove(&(list as usize)).ok_or(ec::ILLEGAL_PARAM)?;
    drop(owned.entries);
    Ok(())
}

/// `zego_audio_device_type` from the host.
fn audio_direction(device_type: i32) -> Result<AudioDirection, i32> {
    match device_type {
        0 => Ok(AudioDirection::Input),
        1 => Ok(AudioDirection::Output),
        _ => Err(ec::ILLEGAL_PARAM),
    }
}

/// Writes `text` and its NUL into `buf` of `len` bytes and its length (without
/// the NUL) into `out_len` (may be NULL). 1000017 when `buf` is NULL or short.
fn write_text(text: &str, buf: *mut c_char, len: usize, out_len: *mut usize) -> Result<(), i32> {
    if buf.is_null() || len <= text.len() {
        return Err(ec::ILLEGAL_PARAM);
    }
    // SAFETY: `buf` points at `len` writable bytes (C ABI contract) and
    // `text.len() + 1 <= len`.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        buf.add(text.len()).write(0);
    }
    write_out(out_len, text.len());
    Ok(())
}

/// Lists the cameras: the real ones, then the virtual camera
/// ("zego-virtual-camera", "Virtual Camera (test pattern)"). On success
/// writes the number of entries to `device_count` and the list to
/// `device_list`; caller owns the list, free it with
/// `zego_free_video_device_list`. 1000017 when an out pointer is NULL.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_video_device_list(
    engine: *mut zego_engine,
    device_count: *mut i32,
    device_list: *mut *mut zego_device_info,
) -> zego_error {
    ffi_boundary!(|| hand_out(self::engine(engine)?.video_device_list(), device_count, device_list))
}

/// Frees a list from `zego_get_video_device_list`. Calling with NULL is fine.
/// Must not be called twice with the same value (a pointer this library did
/// not hand out, or one already freed, gets 1000017 and is left alone).
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_free_video_device_list(device_list: *mut zego_device_info) -> zego_error {
    ffi_boundary!(|| free_list(device_list))
}

/// Lists the microphones (`device_type` 0) or speakers (1): the real ones,
/// then the virtual one ("zego-virtual-microphone", "Virtual Microphone
/// (440 Hz tone)" / "zego-null-speaker", "Null Speaker"). On success writes
/// the number of entries to `device_count` and the list to `device_list`;
/// caller owns the list, free it with `zego_free_audio_device_list`.
/// 1000017 for another `device_type` or a NULL out pointer.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_audio_device_list(
    engine: *mut zego_engine,
    device_type: i32,
    device_count: *mut i32,
    device_list: *mut *mut zego_device_info,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        hand_out(engine.audio_device_list(audio_direction(device_type)?), device_count, device_list)
    })
}

/// Frees a list from `zego_get_audio_device_list`. Calling with NULL is fine.
/// Must not be called twice with the same value (a pointer this library did
/// not hand out, or one already freed, gets 1000017 and is left alone).
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_free_audio_device_list(device_list: *mut zego_device_info) -> zego_error {
    ffi_boundary!(|| free_list(device_list))
}

/// Chooses the camera of `channel` by an id from `zego_get_video_device_list`;
/// a running camera switches at once. If the camera does not open when
/// capture starts, the virtual camera runs instead and
/// `zego_on_local_device_exception_occurred` reports it. 1006002 for an
/// unknown id, 1000017 for a NULL id or a bad channel.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_use_video_device(
    engine: *mut zego_engine,
    device_id: *const c_char,
    channel: i32,
) -> zego_error {
    ffi_boundary!(|| self::engine(engine)?.use_video_device(plain_str(device_id)?, channel))
}

/// Chooses the microphone (`device_type` 0) or speaker (1) by an id from
/// `zego_get_audio_device_list` (the system default, "alsa:default" on Linux,
/// is accepted too); a running one switches at once. If the device does not
/// open, the virtual one runs instead and
/// `zego_on_local_device_exception_occurred` reports it. 1006002 for an
/// unknown id, 1000017 for a NULL id or another `device_type`.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_use_audio_device(
    engine: *mut zego_engine,
    device_type: i32,
    device_id: *const c_char,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let direction = audio_direction(device_type)?;
        engine.use_audio_device(direction, plain_str(device_id)?)
    })
}

/// Writes the id of the camera used when none was chosen (the first real
/// camera, else "zego-virtual-camera"; the environment variable
/// `ZEGO_DEVICES=virtual` makes the virtual devices the defaults) into `buf`,
/// `len` bytes, NUL included, and its length without the NUL into `out_len`
/// (may be NULL). Ids are shorter than 512 bytes. 1000017 when `buf` is NULL
/// or too short (nothing is written then). Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_default_video_device_id(
    engine: *mut zego_engine,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> zego_error {
    ffi_boundary!(|| write_text(&self::engine(engine)?.default_video_device_id(), buf, len, out_len))
}

/// Writes the id of the microphone (`device_type` 0) or speaker (1) used
/// when none was chosen (the system default or first real device listed,
/// else the virtual one) into `buf`, as `zego_get_default_video_device_id`
/// does. 1000017 for another `device_type`, a NULL or too short `buf`.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_get_default_audio_device_id(
    engine: *mut zego_engine,
    device_type: i32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        write_text(&engine.default_audio_device_id(audio_direction(device_type)?), buf, len, out_len)
    })
}

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
