//! ZEGO Token04: `"04" + base64(expire i64 | u16 len | iv/nonce | u16 len | ciphertext [| mode u8])`,
//! all integers big-endian. The ciphertext is the JSON claims sealed with AES-256-CBC (PKCS#7, no
//! trailing byte) or AES-256-GCM (16-byte tag appended, no AAD, trailing mode byte 1); the key is
//! the 32 ASCII bytes of the app's ServerSecret.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use rand::Rng;
use serde::Serialize;
use serde_json::{Map, Value};

type CbcEnc = cbc::Encryptor<aes::Aes256>;
type CbcDec = cbc::Decryptor<aes::Aes256>;

const VERSION: &str = "04";
const CBC_IV_LEN: usize = 16;
const GCM_NONCE_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;
const SECRET_LEN: usize = 32;
const MODE_CBC: u8 = 0;
const MODE_GCM: u8 = 1;
const IV_CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Encryption variant of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// AES-256-CBC with a 16-char IV (the original variant).
    Cbc,
    /// AES-256-GCM with a 12-byte nonce and a trailing mode byte 1.
    Gcm,
}

/// The decrypted, checked token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token04 {
    pub app_id: u32,
    pub user_id: String,
    pub ctime: i64,
    pub expire: i64,
    pub nonce: i64,
    /// "" for a basic token, else the privilege JSON (see [`parse_privilege`]).
    pub payload: String,
}

/// The privilege payload ("room_id", "privilege" {"1": login, "2": publish}, "stream_id_list").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Privilege {
    pub room_id: String,
    pub can_login: bool,
    pub can_publish: bool,
    /// `None` (null or empty in the JSON) = stream IDs are not checked.
    pub stream_id_list: Option<Vec<String>>,
}

/// Why a token was rejected (or could not be built).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token does not start with "04" (1002079).
    #[error("token version is not 04")]
    Version,
    /// Bad base64, binary layout, JSON or payload (1002075).
    #[error("malformed token")]
    Format,
    /// Wrong key: bad CBC padding or GCM tag failure (1002033).
    #[error("token decryption failed")]
    Decrypt,
    /// The token's app_id is not the expected one (1002076).
    #[error("token app_id mismatch")]
    AppId,
    /// The token's user_id is not the login user (1002077).
    #[error("token user_id mismatch")]
    UserId,
    /// The token's (encrypted) expire time has passed (1002078).
    #[error("token expired")]
    Expired,
    /// The JSON "nonce" is not an integer (1002080).
    #[error("token nonce is not an integer")]
    NonceType,
    /// Invalid generator input or server secret (1002074).
    #[error("invalid token input: {0}")]
    InvalidInput(&'static str),
}

impl TokenError {
    /// The ZEGO room error code for this error.
    pub fn zego_code(&self) -> i32 {
        match self {
            TokenError::Version => 1002079,
            TokenError::Format => 1002075,
            TokenError::Decrypt => 1002033,
            TokenError::AppId => 1002076,
            TokenError::UserId => 1002077,
            TokenError::Expired => 1002078,
            TokenError::NonceType => 1002080,
            TokenError::InvalidInput(_) => 1002074,
        }
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    app_id: u32,
    user_id: &'a str,
    nonce: i64,
    ctime: i64,
    expire: i64,
    payload: &'a str,
}

#[derive(Serialize)]
struct PrivilegeJson<'a> {
    room_id: &'a str,
    privilege: PrivilegeFlags,
    stream_id_list: Option<&'a [String]>,
}

#[derive(Serialize)]
struct PrivilegeFlags {
    #[serde(rename = "1")]
    login: u8,
    #[serde(rename = "2")]
    publish: u8,
}

/// Build a token, as ZEGO's generators do. `payload` "" = basic token.
pub fn generate(
    app_id: u32,
    user_id: &str,
    secret: &str,
    effective_seconds: i64,
    payload: &str,
    mode: Mode,
    now_unix: i64,
) -> Result<String, TokenError> {
    if app_id == 0 {
        return Err(TokenError::InvalidInput("app id must not be 0"));
    }
    if user_id.is_empty() {
        return Err(TokenError::InvalidInput("user id must not be empty"));
    }
    check_secret(secret)?;
    if effective_seconds <= 0 {
        return Err(TokenError::InvalidInput("effective time must be > 0"));
    }
    let expire = now_unix.checked_add(effective_seconds).ok_or(TokenError::InvalidInput("effective time too large"))?;
    let mut rng = rand::thread_rng();
    let claims =
        Claims { app_id, user_id, nonce: rng.gen_range(0..=i64::from(i32::MAX)), ctime: now_unix, expire, payload };
    let json = serde_json::to_vec(&claims).map_err(|_| TokenError::InvalidInput("claims"))?;
    let iv: Vec<u8> = match mode {
        Mode::Cbc => (0..CBC_IV_LEN).map(|_| IV_CHARS[rng.gen_range(0..IV_CHARS.len())]).collect(),
        Mode::Gcm => rng.gen::<[u8; GCM_NONCE_LEN]>().to_vec(),
    };
    seal(&json, secret, expire, mode, &iv)
}

/// Encrypt `json` and lay out the token with the given IV (CBC, 16 bytes) or nonce (GCM, 12 bytes).
fn seal(json: &[u8], secret: &str, expire: i64, mode: Mode, iv: &[u8]) -> Result<String, TokenError> {
    check_secret(secret)?;
    let key = secret.as_bytes();
    let ct = match mode {
        Mode::Cbc => CbcEnc::new_from_slices(key, iv)
            .map_err(|_| TokenError::InvalidInput("CBC IV must be 16 bytes"))?
            .encrypt_padded_vec_mut::<Pkcs7>(json),
        Mode::Gcm => {
            if iv.len() != GCM_NONCE_LEN {
                return Err(TokenError::InvalidInput("GCM nonce must be 12 bytes"));
            }
            Aes256Gcm::new_from_slice(key)
                .map_err(|_| TokenError::InvalidInput("secret must be 32 bytes"))?
                .encrypt(Nonce::from_slice(iv), json)
                .map_err(|_| TokenError::InvalidInput("payload too long"))?
        }
    };
    let ct_len = u16::try_from(ct.len()).map_err(|_| TokenError::InvalidInput("payload too long"))?;
    let mut bin = Vec::with_capacity(8 + 2 + iv.len() + 2 + ct.len() + 1);
    bin.extend_from_slice(&expire.to_be_bytes());
    bin.extend_from_slice(&(iv.len() as u16).to_be_bytes());
    bin.extend_from_slice(iv);
    bin.extend_from_slice(&ct_len.to_be_bytes());
    bin.extend_from_slice(&ct);
    if mode == Mode::Gcm {
        bin.push(MODE_GCM);
    }
    Ok(format!("{VERSION}{}", B64.encode(bin)))
}

fn check_secret(secret: &str) -> Result<(), TokenError> {
    if secret.len() == SECRET_LEN {
        Ok(())
    } else {
        Err(TokenError::InvalidInput("secret must be 32 bytes"))
    }
}

/// Build the privilege payload JSON string (it goes into the token JSON as a JSON *string*).
pub fn privilege_payload(
    room_id: &str,
    can_login: bool,
    can_publish: bool,
    stream_id_list: Option<&[String]>,
) -> String {
    let p = PrivilegeJson {
        room_id,
        privilege: PrivilegeFlags { login: can_login.into(), publish: can_publish.into() },
        stream_id_list,
    };
    serde_json::to_string(&p).expect("plain strings and integers always serialize")
}

/// Bounds-checked reader over the decoded token bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TokenError> {
        if self.0.len() < n {
            return Err(TokenError::Format);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u16(&mut self) -> Result<usize, TokenError> {
        let b = self.take(2)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn block(&mut self) -> Result<&'a [u8], TokenError> {
        let n = self.u16()?;
        self.take(n)
    }
}

/// Decrypt and check a token against the expected app id/user id; the secret is the app's
/// 32-char ServerSecret (its ASCII bytes are the AES-256 key).
pub fn verify(token: &str, app_id: u32, user_id: &str, secret: &str, now_unix: i64) -> Result<Token04, TokenError> {
    let body = token.strip_prefix(VERSION).ok_or(TokenError::Version)?;
    let bin = B64.decode(body).map_err(|_| TokenError::Format)?;

    // Layout. The header expire is unauthenticated (CBC): only the JSON one counts.
    let mut r = Reader(&bin);
    r.take(8)?;
    let iv = r.block()?;
    let ct = r.block()?;
    let mode = match r.0 {
        [] | [MODE_CBC] => Mode::Cbc,
        [MODE_GCM] => Mode::Gcm,
        _ => return Err(TokenError::Format),
    };
    match mode {
        Mode::Cbc if iv.len() != CBC_IV_LEN || ct.is_empty() || ct.len() % 16 != 0 => return Err(TokenError::Format),
        Mode::Gcm if iv.len() != GCM_NONCE_LEN || ct.len() < GCM_TAG_LEN => return Err(TokenError::Format),
        _ => {}
    }

    check_secret(secret)?;
    let key = secret.as_bytes();
    let plain = match mode {
        Mode::Cbc => CbcDec::new_from_slices(key, iv)
            .map_err(|_| TokenError::Format)?
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .map_err(|_| TokenError::Decrypt)?,
        Mode::Gcm => Aes256Gcm::new_from_slice(key)
            .map_err(|_| TokenError::Format)?
            .decrypt(Nonce::from_slice(iv), ct)
            .map_err(|_| TokenError::Decrypt)?,
    };

    let tok = parse_claims(&plain)?;
    if tok.app_id != app_id {
        return Err(TokenError::AppId);
    }
    if tok.user_id != user_id {
        return Err(TokenError::UserId);
    }
    if tok.expire <= now_unix {
        return Err(TokenError::Expired);
    }
    Ok(tok)
}

fn parse_claims(plain: &[u8]) -> Result<Token04, TokenError> {
    let v: Value = serde_json::from_slice(plain).map_err(|_| TokenError::Format)?;
    let obj = v.as_object().ok_or(TokenError::Format)?;
    let nonce = obj.get("nonce").ok_or(TokenError::Format)?.as_i64().ok_or(TokenError::NonceType)?;
    let int = |k: &str| obj.get(k).and_then(Value::as_i64).ok_or(TokenError::Format);
    let app_id =
        obj.get("app_id").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).ok_or(TokenError::Format)?;
    let user_id = obj.get("user_id").and_then(Value::as_str).ok_or(TokenError::Format)?;
    let payload = match obj.get("payload") {
        None | Some(Value::Null) => "",
        Some(p) => p.as_str().ok_or(TokenError::Format)?,
    };
    Ok(Token04 {
        app_id,
        user_id: user_id.to_owned(),
        ctime: int("ctime")?,
        expire: int("expire")?,
        nonce,
        payload: payload.to_owned(),
    })
}

/// Parse [`Token04::payload`]; `Ok(None)` for an empty payload (basic token: everything allowed).
pub fn parse_privilege(payload: &str) -> Result<Option<Privilege>, TokenError> {
    if payload.is_empty() {
        return Ok(None);
    }
    let v: Value = serde_json::from_str(payload).map_err(|_| TokenError::Format)?;
    let obj = v.as_object().ok_or(TokenError::Format)?;
    let room_id = obj.get("room_id").and_then(Value::as_str).ok_or(TokenError::Format)?;
    let privs = obj.get("privilege").and_then(Value::as_object).ok_or(TokenError::Format)?;
    let stream_id_list = match obj.get("stream_id_list") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::Array(a)) => Some(
            a.iter().map(|s| s.as_str().map(str::to_owned).ok_or(TokenError::Format)).collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(TokenError::Format),
    };
    Ok(Some(Privilege {
        room_id: room_id.to_owned(),
        can_login: flag(privs, "1")?,
        can_publish: flag(privs, "2")?,
        stream_id_list,
    }))
}

/// A privilege flag: 1 = allowed, 0 or absent = denied, anything else is malformed.
fn flag(privs: &Map<String, Value>, key: &str) -> Result<bool, TokenError> {
    match privs.get(key).map(Value::as_u64) {
        None => Ok(false),
        Some(Some(0)) => Ok(false),
        Some(Some(1)) => Ok(true),
        Some(_) => Err(TokenError::Format),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const OTHER: &str = "fedcba9876543210fedcba9876543210";
    const APP: u32 = 1234567890;
    const NOW: i64 = 1_700_000_000;
    const IV: &[u8] = b"zyxwvutsrqponmlk";
    const NONCE: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const KAT_JSON: &str =
        r#"{"app_id":1234567890,"user_id":"user1","nonce":-42,"ctime":1700000000,"expire":1700003600,"payload":""}"#;
    // Both made independently with Python `cryptography` from KAT_JSON, SECRET, IV / NONCE.
    const KAT_CBC: &str = "04AAAAAGVT/xAAEHp5eHd2dXRzcnFwb25tbGsAcDyI7OmW9j63CUfP+hWbKzCfrgm4B0Jy+6mKg7PNoJc+lJVvBxx1Eozpd0++dcOvzhLdmPMBx1fgsD1vu10zaQP3cFfC1L+pwSxN1HV1XnoSTovwaLQspBxbU76D7wlRUPSRs4SN7iEj3IieHl9cMNI=";
    const KAT_GCM: &str = "04AAAAAGVT/xAADAABAgMEBQYHCAkKCwB3VsfaDKlHu8iK5kCMQvvkMtEwOrcQngH4Ra7k3dwHlqbI2FNseJc7Mv9K1T+/jvkXGNmx02vE/K9NYQ5/KysvTp0yVAEGD3nOJRkhb5xTNgkz5/JAdF7T1LCcZa/DNv86jfQ5sq+N45Io5t6d0nQ5lYRKigQM/DUB";

    fn basic(mode: Mode) -> String {
        generate(APP, "user1", SECRET, 3600, "", mode, NOW).unwrap()
    }

    fn seal_json(json: &str, mode: Mode) -> String {
        let iv = if mode == Mode::Cbc { IV } else { NONCE };
        seal(json.as_bytes(), SECRET, NOW + 3600, mode, iv).unwrap()
    }

    fn b64_body(token: &str) -> Vec<u8> {
        B64.decode(&token[2..]).unwrap()
    }

    fn with_body(bin: &[u8]) -> String {
        format!("04{}", B64.encode(bin))
    }

    #[test]
    fn known_answer_vectors() {
        let expected = Token04 {
            app_id: APP,
            user_id: "user1".into(),
            ctime: NOW,
            expire: NOW + 3600,
            nonce: -42,
            payload: String::new(),
        };
        assert_eq!(seal_json(KAT_JSON, Mode::Cbc), KAT_CBC);
        assert_eq!(seal_json(KAT_JSON, Mode::Gcm), KAT_GCM);
        assert_eq!(verify(KAT_CBC, APP, "user1", SECRET, NOW).unwrap(), expected);
        assert_eq!(verify(KAT_GCM, APP, "user1", SECRET, NOW).unwrap(), expected);
    }

    #[test]
    fn round_trip_both_modes() {
        for mode in [Mode::Cbc, Mode::Gcm] {
            let payload = privilege_payload("room1", true, false, None);
            let t = generate(APP, "user1", SECRET, 3600, &payload, mode, NOW).unwrap();
            assert!(t.starts_with("04"));
            let tok = verify(&t, APP, "user1", SECRET, NOW + 3599).unwrap();
            assert_eq!((tok.app_id, tok.user_id.as_str()), (APP, "user1"));
            assert_eq!((tok.ctime, tok.expire), (NOW, NOW + 3600));
            assert!((0..=i64::from(i32::MAX)).contains(&tok.nonce));
            assert_eq!(tok.payload, payload);
            let bin = b64_body(&t);
            let iv_len = usize::from(u16::from_be_bytes([bin[8], bin[9]]));
            match mode {
                Mode::Cbc => {
                    assert_eq!(iv_len, 16);
                    assert!(bin[10..26].iter().all(|b| IV_CHARS.contains(b)));
                    let ct_len = usize::from(u16::from_be_bytes([bin[26], bin[27]]));
                    assert_eq!(bin.len(), 28 + ct_len);
                }
                Mode::Gcm => {
                    assert_eq!(iv_len, 12);
                    assert_eq!(bin.last(), Some(&1));
                }
            }
        }
    }

    #[test]
    fn wrong_secret_is_decrypt_error() {
        // Fixed IV/nonce so CBC's padding check fails deterministically.
        for t in [KAT_CBC, KAT_GCM] {
            let e = verify(t, APP, "user1", OTHER, NOW).unwrap_err();
            assert_eq!(e, TokenError::Decrypt);
            assert_eq!(e.zego_code(), 1002033);
        }
        // A random GCM token always fails the tag check.
        assert_eq!(verify(&basic(Mode::Gcm), APP, "user1", OTHER, NOW), Err(TokenError::Decrypt));
    }

    #[test]
    fn mismatches_and_expiry() {
        for mode in [Mode::Cbc, Mode::Gcm] {
            let t = basic(mode);
            assert_eq!(verify(&t, APP + 1, "user1", SECRET, NOW), Err(TokenError::AppId));
            assert_eq!(verify(&t, APP, "user2", SECRET, NOW), Err(TokenError::UserId));
            assert_eq!(verify(&t, APP, "user1", SECRET, NOW + 3600), Err(TokenError::Expired));
        }
        assert_eq!(TokenError::AppId.zego_code(), 1002076);
        assert_eq!(TokenError::UserId.zego_code(), 1002077);
        assert_eq!(TokenError::Expired.zego_code(), 1002078);
    }

    #[test]
    fn expire_comes_from_json_not_header() {
        let mut bin = b64_body(KAT_CBC);
        bin[..8].copy_from_slice(&i64::MAX.to_be_bytes());
        let t = with_body(&bin);
        assert_eq!(verify(&t, APP, "user1", SECRET, NOW + 3600), Err(TokenError::Expired));
    }

    #[test]
    fn version_and_format_errors() {
        let t = basic(Mode::Cbc);
        let e = verify(&format!("03{}", &t[2..]), APP, "user1", SECRET, NOW).unwrap_err();
        assert_eq!((e.clone(), e.zego_code()), (TokenError::Version, 1002079));
        assert_eq!(verify("", APP, "user1", SECRET, NOW), Err(TokenError::Version));
        let e = verify("04!!!not base64!!!", APP, "user1", SECRET, NOW).unwrap_err();
        assert_eq!((e.clone(), e.zego_code()), (TokenError::Format, 1002075));
        assert_eq!(verify("04", APP, "user1", SECRET, NOW), Err(TokenError::Format));
        for mode in [Mode::Cbc, Mode::Gcm] {
            let bin = b64_body(&basic(mode));
            for cut in [0, 5, 9, 15, 27, bin.len() - 3] {
                let r = verify(&with_body(&bin[..cut]), APP, "user1", SECRET, NOW);
                assert_eq!(r, Err(TokenError::Format), "{mode:?} cut at {cut}");
            }
            let mut extra = bin.clone();
            extra.extend_from_slice(&[1, 1]);
            assert_eq!(verify(&with_body(&extra), APP, "user1", SECRET, NOW), Err(TokenError::Format));
        }
        // Valid encryption but not JSON / missing fields.
        for json in ["not json", "[1,2]", r#"{"app_id":1,"user_id":"u","nonce":1}"#] {
            let t = seal_json(json, Mode::Gcm);
            assert_eq!(verify(&t, APP, "user1", SECRET, NOW), Err(TokenError::Format), "{json}");
        }
    }

    #[test]
    fn nonce_must_be_integer() {
        for (nonce, ok) in [(r#""42""#, false), ("1.5", false), ("null", false), ("-2147483648", true)] {
            let json = format!(
                r#"{{"app_id":{APP},"user_id":"user1","ctime":{NOW},"expire":{},"nonce":{nonce},"payload":""}}"#,
                NOW + 10
            );
            for mode in [Mode::Cbc, Mode::Gcm] {
                let r = verify(&seal_json(&json, mode), APP, "user1", SECRET, NOW);
                if ok {
                    assert_eq!(r.unwrap().nonce, -2147483648);
                } else {
                    assert_eq!(r, Err(TokenError::NonceType), "{nonce}");
                }
            }
        }
        assert_eq!(TokenError::NonceType.zego_code(), 1002080);
    }

    #[test]
    fn generator_rejects_bad_input() {
        let bad = [
            generate(0, "u", SECRET, 10, "", Mode::Cbc, NOW),
            generate(APP, "", SECRET, 10, "", Mode::Cbc, NOW),
            generate(APP, "u", "short", 10, "", Mode::Gcm, NOW),
            generate(APP, "u", SECRET, 0, "", Mode::Gcm, NOW),
            generate(APP, "u", SECRET, i64::MAX, "", Mode::Gcm, NOW),
            generate(APP, "u", SECRET, 10, &"x".repeat(70_000), Mode::Gcm, NOW),
        ];
        for r in bad {
            let e = r.unwrap_err();
            assert!(matches!(e, TokenError::InvalidInput(_)), "{e:?}");
            assert_eq!(e.zego_code(), 1002074);
        }
        assert!(matches!(verify(KAT_CBC, APP, "user1", "short", NOW), Err(TokenError::InvalidInput(_))));
    }

    #[test]
    fn privilege_round_trip() {
        let ids = vec!["s1".to_string(), "s2".to_string()];
        for (login, publish, list) in [(true, true, Some(ids.clone())), (true, false, None), (false, true, None)] {
            let p = privilege_payload("room1", login, publish, list.as_deref());
            let t = generate(APP, "user1", SECRET, 60, &p, Mode::Gcm, NOW).unwrap();
            let tok = verify(&t, APP, "user1", SECRET, NOW).unwrap();
            let expect =
                Privilege { room_id: "room1".into(), can_login: login, can_publish: publish, stream_id_list: list };
            assert_eq!(parse_privilege(&tok.payload).unwrap(), Some(expect));
        }
        assert_eq!(
            privilege_payload("r", true, false, None),
            r#"{"room_id":"r","privilege":{"1":1,"2":0},"stream_id_list":null}"#
        );
        assert_eq!(parse_privilege("").unwrap(), None);
        let empty = r#"{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":[]}"#;
        assert_eq!(parse_privilege(empty).unwrap().unwrap().stream_id_list, None);
        for bad in [
            "x",
            "[]",
            r#"{"privilege":{"1":1}}"#,
            r#"{"room_id":"r"}"#,
            r#"{"room_id":"r","privilege":{"1":2}}"#,
            r#"{"room_id":"r","privilege":{"2":"1"}}"#,
            r#"{"room_id":"r","privilege":{},"stream_id_list":[1]}"#,
            r#"{"room_id":"r","privilege":{},"stream_id_list":"s"}"#,
        ] {
            assert_eq!(parse_privilege(bad), Err(TokenError::Format), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn verify_never_panics_on_strings(s in ".*") {
            prop_assert!(verify(&s, APP, "user1", SECRET, NOW).is_err());
            let prefixed = format!("04{s}");
            prop_assert!(verify(&prefixed, APP, "user1", SECRET, NOW).is_err());
        }

        #[test]
        fn verify_never_panics_on_bytes(bin in proptest::collection::vec(any::<u8>(), 0..400)) {
            prop_assert!(verify(&with_body(&bin), APP, "user1", SECRET, NOW).is_err());
        }

        #[test]
        fn verify_never_panics_on_layouts(
            iv_len in 0usize..20,
            ct_len in 0usize..80,
            ct_field in 0u16..100,
            tail in proptest::collection::vec(any::<u8>(), 0..3),
            fill in any::<u8>(),
        ) {
            let mut bin = vec![0u8; 8];
            bin.extend_from_slice(&(iv_len as u16).to_be_bytes());
            bin.extend(std::iter::repeat_n(fill, iv_len));
            bin.extend_from_slice(&ct_field.to_be_bytes());
            bin.extend(std::iter::repeat_n(fill, ct_len));
            bin.extend_from_slice(&tail);
            prop_assert!(verify(&with_body(&bin), APP, "user1", SECRET, NOW).is_err());
        }

        #[test]
        fn parse_privilege_never_panics(s in ".*") {
            let _ = parse_privilege(&s);
        }
    }
}
