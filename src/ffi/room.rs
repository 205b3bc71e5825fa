//! Room login, logout, switch, token renewal and room extra info.

use std::ffi::c_char;

use super::boundary::{ffi_boundary, opt_str, str_arg, write_out, MAX_STRING_ARG};
use super::handles::{engine, zego_engine};
use super::types::*;
use crate::engine::RoomConfig;
use crate::error_code as ec;
use crate::protocol::User;
use crate::validate;

/// Reads a room id: NULL 1002011, invalid UTF-8 1002012, too long 1002013.
pub(super) fn room_id_arg<'a>(ptr: *const c_char) -> Result<&'a str, i32> {
    str_arg(ptr, validate::MAX_ROOM_ID_LEN, [ec::ROOM_ID_NULL, ec::ROOM_ID_INVALID_CHARACTER, ec::ROOM_ID_TOO_LONG])
}

/// Reads a user id: NULL 1002005, invalid UTF-8 1002006, too long 1002007.
pub(super) fn user_id_arg<'a>(ptr: *const c_char) -> Result<&'a str, i32> {
    str_arg(ptr, validate::MAX_USER_ID_LEN, [ec::USER_ID_NULL, ec::USER_ID_INVALID_CHARACTER, ec::USER_ID_TOO_LONG])
}

fn user_arg(user: *const zego_user) -> Result<User, i32> {
    // SAFETY: a non-NULL user points at a valid struct (C ABI contract).
    let user = unsafe { user.as_ref() }.ok_or(ec::USER_ID_NULL)?;
    let user_id = user_id_arg(user.user_id)?;
    let user_name = if user.user_name.is_null() {
        ""
    } else {
        str_arg(
            user.user_name,
            validate::MAX_USER_NAME_LEN,
            [ec::USER_NAME_INVALID_CHARACTER, ec::USER_NAME_INVALID_CHARACTER, ec::USER_NAME_TOO_LONG],
        )?
    };
    Ok(User { user_id: user_id.into(), user_name: user_name.into() })
}

fn room_config_arg(config: *const zego_room_config) -> Result<RoomConfig, i32> {
    // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
    let Some(config) = (unsafe { config.as_ref() }) else { return Ok(RoomConfig::default()) };
    let token = if config.token.is_null() {
        ""
    } else {
        str_arg(config.token, validate::MAX_TOKEN_LEN, [ec::ILLEGAL_PARAM; 3])?
    };
    Ok(RoomConfig {
        max_member_count: config.max_member_count,
        is_user_status_notify: config.is_user_status_notify,
        token: token.into(),
    })
}

/// Logs in to a room (single-room mode: one room per engine at a time).
/// Returns at once; progress arrives through room_state_changed (LOGINING,
/// then LOGINED or LOGIN_FAILED with a code) and room_login_result with the
/// sequence number written to `out_seq` (may be NULL). `config` NULL = defaults.
/// Errors: 1002011-1002013 room id, 1002005-1002010 user, 1002001 already in a room.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_login_room(
    engine: *mut zego_engine,
    room_id: *const c_char,
    user: *const zego_user,
    config: *const zego_room_config,
    out_seq: *mut zego_seq,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let seq = engine.login_room(room_id_arg(room_id)?, user_arg(user)?, room_config_arg(config)?)?;
        write_out(out_seq, seq);
        Ok(())
    })
}

/// Logs out of `room_id` (NULL = every room). Publishing and playing in the
/// room stop; room_state_changed(LOGOUT) and room_logout_result follow.
/// 1002002 when not in that room. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_logout_room(
    engine: *mut zego_engine,
    room_id: *const c_char,
    out_seq: *mut zego_seq,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let room_id = if room_id.is_null() { None } else { Some(room_id_arg(room_id)?) };
        write_out(out_seq, engine.logout_room(room_id)?);
        Ok(())
    })
}

/// Leaves `from_room_id` and logs in to `to_room_id` as the same user
/// (`config` NULL = defaults). Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_switch_room(
    engine: *mut zego_engine,
    from_room_id: *const c_char,
    to_room_id: *const c_char,
    config: *const zego_room_config,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let config = if config.is_null() { None } else { Some(room_config_arg(config)?) };
        engine.switch_room(room_id_arg(from_room_id)?, room_id_arg(to_room_id)?, config)
    })
}

/// Gives the room a new token (after room_token_will_expire). It is also
/// used for later reconnects. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_renew_token(
    engine: *mut zego_engine,
    room_id: *const c_char,
    token: *const c_char,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let token = str_arg(token, validate::MAX_TOKEN_LEN, [ec::ILLEGAL_PARAM; 3])?;
        engine.renew_token(room_id_arg(room_id)?, token)
    })
}

/// Sets one key of the room's extra info; the result arrives in
/// room_set_room_extra_info_result with `out_seq`, and the other users get
/// room_extra_info_update. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_set_room_extra_info(
    engine: *mut zego_engine,
    room_id: *const c_char,
    key: *const c_char,
    value: *const c_char,
    out_seq: *mut zego_seq,
) -> zego_error {
    ffi_boundary!(|| {
        let engine = self::engine(engine)?;
        let key = str_arg(
            key,
            MAX_STRING_ARG,
            [ec::ROOM_EXTRA_INFO_KEY_EMPTY, ec::ILLEGAL_PARAM, ec::ROOM_EXTRA_INFO_KEY_TOO_LONG],
        )?;
        let value = opt_str(value, ec::ILLEGAL_PARAM)?;
        write_out(out_seq, engine.set_room_extra_info(room_id_arg(room_id)?, key, value)?);
        Ok(())
    })
}
