//! Authentication failures with real tokens and AppSigns, and token expiry.

use std::time::Duration;

use crate::harness::*;
use zego_express::auth::token04::{generate, privilege_payload, Mode};
use zego_express::ffi::*;

/// Logs `user` in with `token` on a token-mode engine and returns the outcome.
fn login_with_token(server: &Server, user: &str, room: &str, token: &str) -> (Client, (i32, i32)) {
    let c = Client::with_sign(&server.url(), user, None);
    assert_eq!(c.login_with(room, true, 0, Some(token)), 0);
    let outcome = c.login_outcome();
    (c, outcome)
}

/// A one-hour Token04 made at `made_at` with any app, user and secret.
fn raw_token(app_id: u32, user: &str, secret: &str, made_at: i64, mode: Mode) -> String {
    generate(app_id, user, secret, 3600, "", mode, made_at).unwrap()
}

/// A CBC Token04 around hand-written JSON (for fields no generator writes).
fn raw_cbc_token(json: &str) -> String {
    use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
    use base64::Engine;
    let iv = *b"0123456789abcdef";
    let ct = cbc::Encryptor::<aes::Aes256>::new(DEV_SECRET.as_bytes().into(), &iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(json.as_bytes());
    let mut bin = Vec::new();
    bin.extend_from_slice(&(now() + 3600).to_be_bytes());
    bin.extend_from_slice(&16u16.to_be_bytes());
    bin.extend_from_slice(&iv);
    bin.extend_from_slice(&(ct.len() as u16).to_be_bytes());
    bin.extend_from_slice(&ct);
    format!("04{}", base64::engine::general_purpose::STANDARD.encode(bin))
}

#[test]
fn every_auth_failure_has_zego_code() {
    let server = Server::start();
    let url = server.url();
    let ok = token("tok", 3600, "");
    assert_eq!(login_with_token(&server, "tok", "r1", &ok).1, (1, 0), "a good token logs in");

    let wrong_secret = raw_token(DEV_APP_ID, "u1", "0123456789abcdef0123456789abcdef", now(), Mode::Cbc);
    let other_app = raw_token(DEV_APP_ID + 1, "u2", DEV_SECRET, now(), Mode::Gcm);
    let expired = raw_token(DEV_APP_ID, "u4", DEV_SECRET, now() - 3700, Mode::Gcm);
    let nonce_text = raw_cbc_token(&format!(
        r#"{{"app_id":{DEV_APP_ID},"user_id":"u7","nonce":"x","ctime":{},"expire":{},"payload":""}}"#,
        now(),
        now() + 3600
    ));
    let not_json = raw_cbc_token("not json");
    let cases: Vec<(&str, String, i32)> = vec![
        ("u1", wrong_secret, 1002033),
        ("u2", other_app, 1002076),
        ("u3", token("someoneElse", 3600, ""), 1002077),
        ("u4", expired, 1002078),
        ("u5", format!("03{}", &ok[2..]), 1002079),
        ("u6", "04!!!not-base64!!!".to_string(), 1002075),
        ("u6b", not_json, 1002075),
        ("u7", nonce_text, 1002080),
        ("u8", token("u8", 3600, &privilege_payload("otherRoom", true, true, None)), 1002033),
        ("u9", token("u9", 3600, &privilege_payload("r1", false, true, None)), 1002033),
    ];
    for (user, tok, code) in cases {
        let (c, outcome) = login_with_token(&server, user, "r1", &tok);
        assert_eq!(outcome, (2, code), "user {user}");
        c.wait(|e| matches!(e, Ev::LoginResult { code: c, .. } if *c == code));
    }

    // Token mode without a token.
    let (_, outcome) = login_with_token(&server, "u10", "r1", "");
    assert_eq!(outcome, (2, 1002067));
    // AppSign mode with the wrong AppSign, and an unknown app id.
    let wrong = Client::with_sign(&url, "u11", Some(&"ab".repeat(32)));
    assert_eq!(wrong.login_with("r1", true, 0, None), 0);
    assert_eq!(wrong.login_outcome(), (2, 1001005));
    let unknown = Client::with_app(&url, "u12", 42, Some(DEV_APP_SIGN));
    assert_eq!(unknown.login_with("r1", true, 0, None), 0);
    assert_eq!(unknown.login_outcome(), (2, 1001004));
}

#[test]
fn publish_privilege_is_enforced() {
    let server = Server::start();
    let no_publish = token("viewer", 3600, &privilege_payload("r2", true, false, None));
    let (viewer, outcome) = login_with_token(&server, "viewer", "r2", &no_publish);
    assert_eq!(outcome, (1, 0));
    assert_eq!(viewer.publish("viewerStream"), 0);
    viewer.wait(|e| matches!(e, Ev::Publisher { state: 0, code: 1003072, .. }));
    let listed = token("host", 3600, &privilege_payload("r2", true, true, Some(&["hostStream".to_string()])));
    let (host, _) = login_with_token(&server, "host", "r2", &listed);
    assert_eq!(host.publish("otherStream"), 0);
    host.wait(|e| matches!(e, Ev::Publisher { stream, state: 0, code: 1003072 } if stream == "otherStream"));
    // The refused stream freed its channel.
    assert_eq!(host.publish("hostStream"), 0);
    host.wait(|e| matches!(e, Ev::Publisher { stream, state: 2, .. } if stream == "hostStream"));
}

#[test]
fn token_expiry_warning_renewal_and_kick() {
    let server = Server::start();
    // 32 s of life: the warning comes about 2 s in, 30 s before expiry.
    let (renewer, outcome) = login_with_token(&server, "renewer", "r3", &token("renewer", 32, ""));
    assert_eq!(outcome, (1, 0));
    let ev = renewer.wait(|e| matches!(e, Ev::TokenWillExpire { .. }));
    let Ev::TokenWillExpire { remain, room } = ev else { unreachable!() };
    assert_eq!(room, "r3");
    assert!((28..=30).contains(&remain), "remain {remain}");
    assert_eq!(zego_renew_token(renewer.engine, cs("r3").as_ptr(), cs(&token("renewer", 3600, "")).as_ptr()), 0);
    assert_eq!(
        zego_renew_token(renewer.engine, cs("r3").as_ptr(), cs("garbage").as_ptr()),
        0,
        "checked by the server, answered in the log"
    );

    // 31 s and no renewal: kicked with 1002056 at expiry.
    let (lapser, outcome) = login_with_token(&server, "lapser", "r3", &token("lapser", 31, ""));
    assert_eq!(outcome, (1, 0));
    let kicked = lapser.wait_for(Duration::from_secs(40), |e| matches!(e, Ev::RoomState { reason: 6, .. }));
    assert_eq!(kicked, Some(Ev::RoomState { room: "r3".into(), reason: 6, code: 1002056 }));
    // The renewed session outlived its first token.
    assert!(!renewer.events().iter().any(|e| matches!(e, Ev::RoomState { reason: 6, .. })), "{:#?}", renewer.events());
}
