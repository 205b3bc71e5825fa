//! Checks of ids and texts against ZEGO's limits, shared by the engine (before
//! anything is sent) and the server (which never trusts a client).

use crate::error_code as ec;

/// roomID is shorter than this many bytes.
pub const MAX_ROOM_ID_LEN: usize = 128;
/// userID is shorter than this many bytes.
pub const MAX_USER_ID_LEN: usize = 64;
/// userName is shorter than this many bytes.
pub const MAX_USER_NAME_LEN: usize = 256;
/// streamID is shorter than this many bytes.
pub const MAX_STREAM_ID_LEN: usize = 256;
/// Stream extra info is shorter than this many bytes.
pub const MAX_STREAM_EXTRA_INFO_LEN: usize = 1024;
/// Broadcast, barrage and custom command texts are at most this many bytes.
pub const MAX_MESSAGE_LEN: usize = 1024;
/// A token is at most this many bytes (`char token[2048]` in ZEGO's C struct).
pub const MAX_TOKEN_LEN: usize = 2048;

/// ZEGO's room/user id alphabet: letters, digits and these marks.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "~!@#$%^&*()_+=-`;',.<>".contains(c)
}

fn check_id(id: &str, max: usize, [null, invalid, too_long]: [i32; 3], ok: impl Fn(char) -> bool) -> Result<(), i32> {
    if id.is_empty() {
        Err(null)
    } else if id.len() >= max {
        Err(too_long)
    } else if !id.chars().all(ok) {
        Err(invalid)
    } else {
        Ok(())
    }
}

/// 1002011 empty, 1002013 too long, 1002012 bad characters.
pub fn room_id(id: &str) -> Result<(), i32> {
    let codes = [ec::ROOM_ID_NULL, ec::ROOM_ID_INVALID_CHARACTER, ec::ROOM_ID_TOO_LONG];
    check_id(id, MAX_ROOM_ID_LEN, codes, is_id_char)
}

/// 1002005 empty, 1002007 too long, 1002006 bad characters.
pub fn user_id(id: &str) -> Result<(), i32> {
    let codes = [ec::USER_ID_NULL, ec::USER_ID_INVALID_CHARACTER, ec::USER_ID_TOO_LONG];
    check_id(id, MAX_USER_ID_LEN, codes, is_id_char)
}

/// 1002010 too long; an empty name is allowed.
pub fn user_name(name: &str) -> Result<(), i32> {
    if name.len() >= MAX_USER_NAME_LEN {
        return Err(ec::USER_NAME_TOO_LONG);
    }
    Ok(())
}

/// 1000015 empty, 1000014 too long, 1000016 characters outside `[0-9A-Za-z_-]`.
pub fn stream_id(id: &str) -> Result<(), i32> {
    let codes = [ec::STREAM_ID_NULL, ec::STREAM_ID_INVALID_CHARACTER, ec::STREAM_ID_TOO_LONG];
    check_id(id, MAX_STREAM_ID_LEN, codes, |c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// 1003051 too long.
pub fn stream_extra_info(info: &str) -> Result<(), i32> {
    if info.len() >= MAX_STREAM_EXTRA_INFO_LEN {
        return Err(ec::PUBLISHER_EXTRA_INFO_TOO_LONG);
    }
    Ok(())
}

/// 1009001 empty, 1009002 longer than [`MAX_MESSAGE_LEN`].
pub fn message(text: &str) -> Result<(), i32> {
    if text.is_empty() {
        Err(ec::IM_CONTENT_NULL)
    } else if text.len() > MAX_MESSAGE_LEN {
        Err(ec::IM_CONTENT_TOO_LONG)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_zego_limits() {
        assert_eq!(room_id("room-1_(a)"), Ok(()));
        assert_eq!(room_id(""), Err(1002011));
        assert_eq!(room_id(&"r".repeat(128)), Err(1002013));
        assert_eq!(room_id(&"r".repeat(127)), Ok(()));
        assert_eq!(room_id("a b"), Err(1002012));
        assert_eq!(user_id("ü"), Err(1002006));
        assert_eq!(user_id(&"u".repeat(64)), Err(1002007));
        assert_eq!(stream_id("s.1"), Err(1000016));
        assert_eq!(stream_id(&"s".repeat(256)), Err(1000014));
        assert_eq!(message(&"m".repeat(1025)), Err(1009002));
        assert_eq!(message(&"m".repeat(1024)), Ok(()));
    }
}
