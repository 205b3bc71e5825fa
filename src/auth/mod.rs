//! Authentication: the AppSign challenge proof (clients prove they know the
//! AppSign without sending it) and ZEGO's Token04 (server-issued tokens).

pub mod app_sign;
pub mod token04;

pub use app_sign::{app_sign_proof, is_valid_app_sign, verify_app_sign_proof};
