//! zego-express: a real-time audio/video engine behind a flat C ABI, and the
//! server (`zego-server`) that engines and browsers meet in.
//!
//! Layout: `ffi` is the C surface only (handles, argument checks, the panic
//! boundary, callbacks); `engine` owns per-engine state and the callback
//! thread; `room` is the signaling client; `protocol` the messages the engine
//! and `server` exchange; `auth` the AppSign proof and Token04.
//!
//! Threads: one shared tokio runtime ([`runtime`]) runs signaling for every
//! engine and the embedded server; each engine has one callback thread on
//! which all of its host callbacks run, in order.

pub mod auth;
pub mod engine;
pub mod error_code;
pub mod ffi;
mod logging;
pub mod media;
pub mod protocol;
pub mod room;
pub mod rtc;
pub mod runtime;
pub mod server;
pub mod validate;
