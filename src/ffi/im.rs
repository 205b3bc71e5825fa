//! Room messages: broadcast, barrage and custom commands.

use std::ffi::c_char;

use super::boundary::{ffi_boundary, str_arg, write_out};
use super::handles::{engine, zego_engine};
use super::room::{room_id_arg, user_id_arg};
use super::types::*;
use crate::engine::Engine;
use crate::error_code as ec;
use crate::validate;

/// Reads a message: NULL 1009001, longer than 1024 bytes 1009002.
fn message_arg<'a>(ptr: *const c_char) -> Result<&'a str, i32> {
    str_arg(ptr, validate::MAX_MESSAGE_LEN, [ec::IM_CONTENT_NULL, ec::ILLEGAL_PARAM, ec::IM_CONTENT_TOO_LONG])
}

/// Checks the arguments of a room message and sends it with `send`.
fn send_text(
    engine: *mut zego_engine,
    room_id: *const c_char,
    message: *const c_char,
    out_seq: *mut zego_seq,
    send: fn(&Engine, &str, &str) -> Result<i32, i32>,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        write_out(out_seq, send(&engine, room_id_arg(room_id)?, message_arg(message)?)?);
        Ok(())
    })
}

/// Sends a broadcast message to every other user of the room. The result
/// (with the message id) arrives in im_send_broadcast_message_result with
/// `out_seq`. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_send_broadcast_message(
    engine: *mut zego_engine,
    room_id: *const c_char,
    message: *const c_char,
    out_seq: *mut zego_seq,
) -> zego_error {
    send_text(engine, room_id, message, out_seq, Engine::send_broadcast_message)
}

/// Sends a barrage message to every other user of the room; the result
/// arrives in im_send_barrage_message_result. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_send_barrage_message(
    engine: *mut zego_engine,
    room_id: *const c_char,
    message: *const c_char,
    out_seq: *mut zego_seq,
) -> zego_error {
    send_text(engine, room_id, message, out_seq, Engine::send_barrage_message)
}

/// Sends a command to the listed users of the room (`to_user_count` may not
/// be 0: 1009011). Only `user_id` of each entry is read. The result arrives
/// in im_send_custom_command_result. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_send_custom_command(
    engine: *mut zego_engine,
    room_id: *const c_char,
    command: *const c_char,
    to_user_list: *const zego_user,
    to_user_count: u32,
    out_seq: *mut zego_seq,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        if to_user_list.is_null() || to_user_count == 0 {
            return Err(ec::IM_USER_ID_EMPTY);
        }
        // SAFETY: the list holds `to_user_count` entries (C ABI contract).
        let users = unsafe { std::slice::from_raw_parts(to_user_list, to_user_count as usize) };
        let ids = users
            .iter()
            .map(|u| user_id_arg(u.user_id).map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ec::IM_USER_ID_EMPTY)?;
        write_out(out_seq, engine.send_custom_command(room_id_arg(room_id)?, message_arg(command)?, ids)?);
        Ok(())
    })
}
