//! Integration tests that drive the exported C functions exactly as a C host
//! would, against the embedded server.

mod arguments;
mod auth;
mod devices;
mod harness;
mod media;
mod messages;
mod reconnect;
mod reentrancy;
mod rooms;
