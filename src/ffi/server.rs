//! The embedded zego-server: the same server as the binary, in-process.

use std::collections::HashSet;
use std::ffi::{c_char, CString};

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::boundary::{ffi_boundary, opt_str, plain_str, write_out, PanicDefault};
use super::types::zego_error;
use crate::error_code as ec;
use crate::server::{ServerError, ServerHandle};

/// Opaque embedded server. Caller owns it; free it with `zego_local_server_stop`.
pub struct zego_local_server {
    _private: [u8; 0],
}

struct LocalServer {
    handle: ServerHandle,
    url: CString,
}

/// Addresses of live servers, so a stale or foreign pointer is refused.
static SERVERS: Lazy<Mutex<HashSet<usize>>> = Lazy::new(Default::default);

fn live(server: *const zego_local_server) -> Result<&'static LocalServer, i32> {
    if !SERVERS.lock().contains(&(server as usize)) {
        return Err(ec::ILLEGAL_PARAM);
    }
    // SAFETY: registered addresses come from Box::into_raw below and stay valid until stop.
    Ok(unsafe { &*(server as *const LocalServer) })
}

/// Starts an embedded server listening on `listen_addr` ("127.0.0.1:0"
/// picks a free port). `config_json` NULL = the development app (app id
/// 1234567890, see README); otherwise the same JSON document as
/// `zego-server --config`. Errors: 1000017 bad argument or address, 1001902 invalid
/// config, 1001901 cannot listen on the address. Caller owns the returned
/// server; free it with `zego_local_server_stop`. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_local_server_start(
    listen_addr: *const c_char,
    config_json: *const c_char,
    out_server: *mut *mut zego_local_server,
) -> zego_error {
    ffi_boundary!(|| {
        crate::logging::init_from_env();
        let listen = plain_str(listen_addr)?;
        let config = opt_str(config_json, ec::LOCAL_SERVER_CONFIG_INVALID)?;
        if out_server.is_null() {
            return Err(ec::ILLEGAL_PARAM);
        }
        let handle = ServerHandle::start_blocking(listen, (!config.is_empty()).then_some(config)).map_err(|e| {
            tracing::error!(error = %e, "embedded server did not start");
            match e {
                ServerError::Config(_) => ec::LOCAL_SERVER_CONFIG_INVALID,
                ServerError::Address { .. } => ec::ILLEGAL_PARAM,
                _ => ec::LOCAL_SERVER_BIND_FAILED,
            }
        })?;
        let url = CString::new(handle.url()).map_err(|_| ec::INNER_ERROR)?;
        let ptr = Box::into_raw(Box::new(LocalServer { handle, url }));
        SERVERS.lock().insert(ptr as usize);
        write_out(out_server, ptr as *mut zego_local_server);
        Ok(())
    })
}

/// "ws://127.0.0.1:PORT" of a running embedded server, for
/// `zego_engine_profile.server`. Valid until `zego_local_server_stop`; NULL
/// for an invalid server. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_local_server_url(server: *const zego_local_server) -> *const c_char {
    ffi_boundary!(|| live(server).map_or(<*const c_char>::panic_default(), |s| s.url.as_ptr()))
}

/// Stops an embedded server: closes every session (engines see their
/// connection drop and start reconnecting) and frees the port at once.
/// The pointer is invalid afterwards. Safe to call from any thread.
#[no_mangle]
pub extern "C" fn zego_local_server_stop(server: *mut zego_local_server) -> zego_error {
    ffi_boundary!(|| {
        live(server)?;
        SERVERS.lock().remove(&(server as usize));
        // SAFETY: registered above by start; removed from the set, so freed once.
        let server = unsafe { Box::from_raw(server as *mut LocalServer) };
        server.handle.stop_blocking();
        Ok::<(), i32>(())
    })
}
