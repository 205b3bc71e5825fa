//! The C ABI (`include/zego_express.h`): handles, argument checks, the panic
//! boundary and callbacks. No engine logic lives here.
//!
//! Conventions for every export: no panic crosses the boundary (it becomes
//! 1000090 and a log line); NULL or invalid input returns a ZEGO error code;
//! every function is safe to call from any thread, including from inside a
//! callback; strings are NUL-terminated UTF-8; pointers passed to callbacks
//! are valid only during the call.
#![allow(non_camel_case_types)]
// Exports take raw pointers from C, where `unsafe` means nothing to the caller;
// each dereference is NULL-checked and its contract stated in the header.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub(crate) mod boundary;
mod callbacks;
mod custom_io;
mod device;
mod engine;
mod enums;
mod handles;
mod im;
mod player;
mod publisher;
mod register;
mod room;
mod server;
mod types;

pub use callbacks::*;
pub use custom_io::*;
pub use device::*;
pub use engine::*;
pub use enums::*;
pub use handles::zego_engine;
pub use im::*;
pub use player::*;
pub use publisher::*;
pub use register::*;
pub use room::*;
pub use server::*;
pub use types::*;
