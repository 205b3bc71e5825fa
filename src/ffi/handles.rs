//! Engine handles: the opaque `zego_engine` pointer the host holds and the
//! registry that maps it to the live engine. A handle that is NULL, never
//! created or already destroyed is refused with 1000001 instead of being
//! dereferenced.

use std::collections::HashMap;
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::callbacks::SharedTable;
use crate::engine::Engine;
use crate::error_code as ec;

/// Opaque engine handle. Caller owns it; free it with `zego_destroy_engine`.
pub struct zego_engine {
    _private: [u8; 0],
}

/// A live engine and its callback registrations.
#[derive(Clone)]
pub struct EngineEntry {
    pub engine: Arc<Engine>,
    pub callbacks: SharedTable,
}

/// Handle address -> engine. Handles are the addresses of live 1-byte boxes,
/// so they stay unique while registered.
static ENGINES: Lazy<Mutex<HashMap<usize, EngineEntry>>> = Lazy::new(Default::default);

/// Registers an engine and returns its new handle.
pub fn insert(entry: EngineEntry) -> *mut zego_engine {
    let handle = Box::into_raw(Box::new(0u8)) as *mut zego_engine;
    ENGINES.lock().insert(handle as usize, entry);
    handle
}

/// The engine behind a handle.
pub fn engine_entry(handle: *mut zego_engine) -> Result<EngineEntry, i32> {
    ENGINES.lock().get(&(handle as usize)).cloned().ok_or(ec::ENGINE_NOT_CREATE)
}

/// The engine behind a handle, for calls that need only the engine.
pub fn engine(handle: *mut zego_engine) -> Result<Arc<Engine>, i32> {
    engine_entry(handle).map(|e| e.engine)
}

/// Unregisters a handle, freeing it; later calls with it get 1000001.
pub fn remove(handle: *mut zego_engine) -> Result<EngineEntry, i32> {
    let entry = ENGINES.lock().remove(&(handle as usize)).ok_or(ec::ENGINE_NOT_CREATE)?;
    // SAFETY: the handle was made by `insert` from this Box and was still registered.
    drop(unsafe { Box::from_raw(handle as *mut u8) });
    Ok(entry)
}
