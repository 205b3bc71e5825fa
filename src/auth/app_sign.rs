//! AppSign challenge proof: `hex(HMAC-SHA256(lowercase(app_sign), "{challenge}:{app_id}:{room_id}:{user_id}"))`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn proof_mac(app_sign: &str, challenge: &str, app_id: u32, room_id: &str, user_id: &str) -> HmacSha256 {
    let key = app_sign.to_ascii_lowercase();
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{challenge}:{app_id}:{room_id}:{user_id}").as_bytes());
    mac
}

/// Proof that a client knows the AppSign without sending it:
/// lowercase hex of HMAC-SHA256(key = the 64 AppSign hex chars lowercased, as ASCII bytes,
/// msg = `"{challenge}:{app_id}:{room_id}:{user_id}"`).
pub fn app_sign_proof(app_sign: &str, challenge: &str, app_id: u32, room_id: &str, user_id: &str) -> String {
    hex::encode(proof_mac(app_sign, challenge, app_id, room_id, user_id).finalize().into_bytes())
}

/// Constant-time check of a proof; false on any malformed input (invalid AppSign, bad hex, wrong length).
pub fn verify_app_sign_proof(
    app_sign: &str,
    challenge: &str,
    app_id: u32,
    room_id: &str,
    user_id: &str,
    proof: &str,
) -> bool {
    if !is_valid_app_sign(app_sign) {
        return false;
    }
    let Ok(tag) = hex::decode(proof) else {
        return false;
    };
    proof_mac(app_sign, challenge, app_id, room_id, user_id).verify_slice(&tag).is_ok()
}

/// True when `s` is exactly 64 ASCII hex chars.
pub fn is_valid_app_sign(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGN: &str = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn proof_verifies() {
        let p = app_sign_proof(SIGN, "c1", 42, "room", "alice");
        assert_eq!(p.len(), 64);
        assert!(p.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        assert!(verify_app_sign_proof(SIGN, "c1", 42, "room", "alice", &p));
        // The key is case-insensitive, the proof hex too.
        assert!(verify_app_sign_proof(&SIGN.to_lowercase(), "c1", 42, "room", "alice", &p.to_uppercase()));
    }

    #[test]
    fn proof_known_answer() {
        // Computed independently with Python's hmac/hashlib.
        assert_eq!(
            app_sign_proof(SIGN, "c1", 42, "room", "alice"),
            "e2192796b82e48ad3936f6fc542a008fa0a7353dc44dafe19731b699fda31388"
        );
    }

    #[test]
    fn proof_rejects_mismatch_and_garbage() {
        let p = app_sign_proof(SIGN, "c1", 42, "room", "alice");
        assert!(!verify_app_sign_proof(SIGN, "c2", 42, "room", "alice", &p));
        assert!(!verify_app_sign_proof(SIGN, "c1", 43, "room", "alice", &p));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room2", "alice", &p));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room", "bob", &p));
        let other = SIGN.replace('0', "1");
        assert!(!verify_app_sign_proof(&other, "c1", 42, "room", "alice", &p));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room", "alice", &p[..62]));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room", "alice", &format!("{p}00")));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room", "alice", "zz"));
        assert!(!verify_app_sign_proof(SIGN, "c1", 42, "room", "alice", ""));
        assert!(!verify_app_sign_proof("short", "c1", 42, "room", "alice", &p));
    }

    #[test]
    fn app_sign_validity() {
        assert!(is_valid_app_sign(SIGN));
        assert!(!is_valid_app_sign(""));
        assert!(!is_valid_app_sign(&SIGN[..63]));
        assert!(!is_valid_app_sign(&format!("{SIGN}0")));
        assert!(!is_valid_app_sign(&SIGN.replace('a', "g")));
        // 64 bytes but not 64 ASCII chars.
        assert!(!is_valid_app_sign(&format!("{}é", &SIGN[..62])));
    }
}
