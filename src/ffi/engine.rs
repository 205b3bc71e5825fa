//! Engine lifetime, version, error texts and engine-wide configuration.

use std::cell::RefCell;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::{Mutex, ReentrantMutex};

use super::boundary::{ffi_boundary, opt_str, static_c_str, str_arg, write_out, MAX_STRING_ARG};
use super::callbacks::{dispatcher, CallbackTable};
use super::handles::{self, zego_engine, EngineEntry};
use super::types::*;
use crate::auth::is_valid_app_sign;
use crate::engine::{AdvancedConfig, Engine, EngineProfile, DEFAULT_SERVER_URL};
use crate::error_code as ec;

/// Configuration for engines created from now on.
static ENGINE_CONFIG: Lazy<Mutex<AdvancedConfig>> = Lazy::new(Default::default);

/// The library version, e.g. "0.1.0". Static string; never free it.
#[no_mangle]
pub extern "C" fn zego_get_version() -> *const c_char {
    ffi_boundary!(|| static_c_str(concat!(env!("CARGO_PKG_VERSION"), "\0")))
}

/// A static English description of a ZEGO error code returned by this
/// library, or NULL for an unknown code. Never free it.
#[no_mangle]
pub extern "C" fn zego_get_error_message(error_code: zego_error) -> *const c_char {
    ffi_boundary!(|| ec::message(error_code).map_or(std::ptr::null(), static_c_str))
}

/// Sets engine-wide options for engines created afterwards. NULL is 1000017.
/// Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_set_engine_config(config: *const zego_engine_config) -> zego_error {
    ffi_boundary!(|| {
        // SAFETY: a non-NULL config points at a valid struct (C ABI contract).
        let config = unsafe { config.as_ref() }.ok_or(ec::ILLEGAL_PARAM)?;
        let advanced = AdvancedConfig::parse(opt_str(config.advanced_config, ec::ILLEGAL_PARAM)?)?;
        *ENGINE_CONFIG.lock() = advanced;
        Ok(())
    })
}

fn read_profile(profile: &zego_engine_profile) -> Result<EngineProfile, i32> {
    if profile.app_id == 0 {
        return Err(ec::APPID_ZERO);
    }
    let sign = if profile.app_sign.is_null() {
        ""
    } else {
        str_arg(
            profile.app_sign,
            64,
            [ec::APPSIGN_INVALID_LENGTH, ec::APPSIGN_INVALID_CHARACTER, ec::APPSIGN_INVALID_LENGTH],
        )?
    };
    let app_sign = match sign.len() {
        0 => None,
        64 if is_valid_app_sign(sign) => Some(sign.to_ascii_lowercase()),
        64 => return Err(ec::APPSIGN_INVALID_CHARACTER),
        _ => return Err(ec::APPSIGN_INVALID_LENGTH),
    };
    if !(0..=10).contains(&profile.scenario) {
        return Err(ec::ILLEGAL_PARAM);
    }
    let server = match opt_str(profile.server, ec::ILLEGAL_PARAM)? {
        "" => std::env::var("ZEGO_SERVER").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned()),
        s => s.to_owned(),
    };
    if !server.starts_with("ws://") || server.len() > MAX_STRING_ARG {
        return Err(ec::ILLEGAL_PARAM);
    }
    Ok(EngineProfile { app_id: profile.app_id, app_sign, scenario: profile.scenario, server_url: server })
}

/// Creates an engine. Many engines may live in one process; each has its own
/// callback thread. On success writes the handle to `out_engine`.
/// Caller owns the returned handle; free it with `zego_destroy_engine`.
/// Errors: 1000017 NULL argument, 1001000 app id 0, 1001001/1001002 bad app sign,
/// 1000017 bad scenario or server URL. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_create_engine(
    profile: *const zego_engine_profile,
    out_engine: *mut *mut zego_engine,
) -> zego_error {
    ffi_boundary!(|| {
        crate::logging::init_from_env();
        // SAFETY: a non-NULL profile points at a valid struct (C ABI contract).
        let profile = read_profile(unsafe { profile.as_ref() }.ok_or(ec::ILLEGAL_PARAM)?)?;
        if out_engine.is_null() {
            return Err(ec::ILLEGAL_PARAM);
        }
        let callbacks = Arc::new(ReentrantMutex::new(RefCell::new(CallbackTable::default())));
        let advanced = ENGINE_CONFIG.lock().clone();
        let engine = Engine::new(profile, advanced, dispatcher(callbacks.clone()))?;
        write_out(out_engine, handles::insert(EngineEntry { engine: Arc::new(engine), callbacks }));
        Ok(())
    })
}

/// Called once an engine is fully destroyed.
pub type zego_on_engine_destroyed = Option<unsafe extern "C" fn(user_context: *mut c_void)>;

/// Destroys an engine: logs out of its room (waiting up to 3 s for the
/// server's acknowledgement), delivers the callbacks already queued, then
/// calls `on_destroyed(user_context)` (may be NULL) as the engine's last
/// callback. From any thread other than the engine's callback thread it
/// returns after all that; called from inside one of the engine's callbacks
/// it finishes when that callback returns. The handle is invalid afterwards;
/// destroying it again returns 1000001.
#[no_mangle]
pub extern "C" fn zego_destroy_engine(
    engine: *mut zego_engine,
    on_destroyed: zego_on_engine_destroyed,
    user_context: *mut c_void,
) -> zego_error {
    ffi_boundary!(|| {
        let entry = handles::remove(engine)?;
        let context = SendPtr(user_context);
        let finalizer = on_destroyed.map(|f| -> crate::engine::Finalizer {
            Box::new(move || {
                let context = context;
                // SAFETY: the host asked to be called with this context.
                unsafe { f(context.0) }
            })
        });
        entry.engine.destroy(finalizer);
        Ok(())
    })
}

/// A host context pointer moved to the callback thread.
struct SendPtr(*mut c_void);
// SAFETY: the host hands the context over to be used on the callback thread.
unsafe impl Send for SendPtr {}
