//! NULL, oversized and invalid arguments are answered with ZEGO's codes.

use std::ffi::c_char;
use std::ptr;

use crate::harness::*;
use zego_express::ffi::*;

fn login_code(engine: *mut zego_engine, room: *const c_char, user_id: *const c_char) -> i32 {
    let user = zego_user { user_id, user_name: ptr::null() };
    zego_login_room(engine, room, &user, ptr::null(), ptr::null_mut())
}

#[test]
fn engine_creation_checks_its_profile() {
    let mut engine = ptr::null_mut();
    assert_eq!(zego_create_engine(ptr::null(), &mut engine), 1000017);
    let url = cs("ws://127.0.0.1:9");
    let sign = |s: &str| cs(s);
    let mk = |app_id: u32, app_sign: *const c_char, scenario: i32, server: *const c_char| zego_engine_profile {
        app_id,
        app_sign,
        scenario,
        server,
    };
    let good = sign(DEV_APP_SIGN);
    assert_eq!(zego_create_engine(&mk(0, good.as_ptr(), 3, url.as_ptr()), &mut engine), 1001000);
    assert_eq!(zego_create_engine(&mk(1, sign(&"a".repeat(63)).as_ptr(), 3, url.as_ptr()), &mut engine), 1001001);
    assert_eq!(zego_create_engine(&mk(1, sign(&"a".repeat(65)).as_ptr(), 3, url.as_ptr()), &mut engine), 1001001);
    assert_eq!(zego_create_engine(&mk(1, sign(&"g".repeat(64)).as_ptr(), 3, url.as_ptr()), &mut engine), 1001002);
    assert_eq!(zego_create_engine(&mk(1, good.as_ptr(), 11, url.as_ptr()), &mut engine), 1000017);
    assert_eq!(zego_create_engine(&mk(1, good.as_ptr(), 3, cs("http://x").as_ptr()), &mut engine), 1000017);
    assert_eq!(zego_create_engine(&mk(1, good.as_ptr(), 3, url.as_ptr()), ptr::null_mut()), 1000017);
    assert!(engine.is_null(), "no handle is written on failure");
    assert_eq!(zego_create_engine(&mk(1, good.as_ptr(), 3, url.as_ptr()), &mut engine), 0);
    assert_eq!(zego_destroy_engine(engine, None, ptr::null_mut()), 0);
    assert_eq!(zego_destroy_engine(engine, None, ptr::null_mut()), 1000001, "double destroy is refused");
    assert_eq!(zego_destroy_engine(ptr::null_mut(), None, ptr::null_mut()), 1000001);
    assert_eq!(zego_start_publishing_stream(engine, cs("s").as_ptr(), 0), 1000001, "a destroyed handle is refused");
    let junk = 0xdead_beef_usize as *mut zego_engine;
    assert_eq!(zego_login_room(junk, cs("r").as_ptr(), ptr::null(), ptr::null(), ptr::null_mut()), 1000001);
}

#[test]
fn room_user_stream_and_message_arguments() {
    let server = Server::start();
    let c = Client::new(&server, "argsUser");
    let e = c.engine;
    let uid = cs("argsUser");
    assert_eq!(login_code(e, ptr::null(), uid.as_ptr()), 1002011);
    assert_eq!(login_code(e, cs("").as_ptr(), uid.as_ptr()), 1002011);
    assert_eq!(login_code(e, cs(&"r".repeat(128)).as_ptr(), uid.as_ptr()), 1002013);
    assert_eq!(login_code(e, cs("a b").as_ptr(), uid.as_ptr()), 1002012);
    assert_eq!(login_code(e, c"r\xff".as_ptr(), uid.as_ptr()), 1002012);
    assert_eq!(zego_login_room(e, cs("r").as_ptr(), ptr::null(), ptr::null(), ptr::null_mut()), 1002005);
    assert_eq!(login_code(e, cs("r").as_ptr(), ptr::null()), 1002005);
    assert_eq!(login_code(e, cs("r").as_ptr(), cs(&"u".repeat(64)).as_ptr()), 1002007);
    assert_eq!(login_code(e, cs("r").as_ptr(), cs("u/1").as_ptr()), 1002006);
    // A megabyte-long id is refused after reading at most 64 KiB of it.
    assert_eq!(login_code(e, cs(&"r".repeat(1 << 20)).as_ptr(), uid.as_ptr()), 1002013);
    let long_name = cs(&"n".repeat(256));
    let user = zego_user { user_id: uid.as_ptr(), user_name: long_name.as_ptr() };
    assert_eq!(zego_login_room(e, cs("r").as_ptr(), &user, ptr::null(), ptr::null_mut()), 1002010);

    assert_eq!(c.publish("s1"), 1000002, "publishing before login");
    assert_eq!(c.play("s1"), 1000002, "playing before login");
    assert_eq!(zego_logout_room(e, cs("notHere").as_ptr(), ptr::null_mut()), 1002002);
    c.login("r");
    assert_eq!(login_code(e, cs("r2").as_ptr(), uid.as_ptr()), 1002001, "single-room mode");
    assert_eq!(zego_start_publishing_stream(e, ptr::null(), 0), 1000015);
    assert_eq!(c.publish(""), 1000015);
    assert_eq!(c.publish(&"s".repeat(256)), 1000014);
    assert_eq!(c.publish("s.1"), 1000016);
    assert_eq!(zego_start_publishing_stream(e, cs("s1").as_ptr(), 4), 1000017);
    assert_eq!(zego_start_publishing_stream(e, cs("s1").as_ptr(), -1), 1000017);
    assert_eq!(c.play("bad id"), 1000016);
    assert_eq!(zego_set_stream_extra_info(e, cs(&"x".repeat(1024)).as_ptr(), 0, ptr::null_mut()), 1003051);
    assert_eq!(zego_set_stream_extra_info(e, ptr::null(), 0, ptr::null_mut()), 1003050);
    assert_eq!(
        zego_set_room_extra_info(e, cs("r").as_ptr(), cs("").as_ptr(), cs("v").as_ptr(), ptr::null_mut()),
        1002014
    );
    assert_eq!(
        zego_set_room_extra_info(e, cs("r").as_ptr(), cs(&"k".repeat(128)).as_ptr(), cs("v").as_ptr(), ptr::null_mut()),
        1002015
    );
    assert_eq!(zego_renew_token(e, cs("other").as_ptr(), cs("04abc").as_ptr()), 1002002);
    assert_eq!(zego_renew_token(e, cs("r").as_ptr(), ptr::null()), 1000017);
    let bad_video = zego_video_config {
        capture_width: 641,
        capture_height: 360,
        encode_width: 641,
        encode_height: 360,
        fps: 15,
        bitrate: 600,
        codec_id: 0,
        key_frame_interval: 2,
    };
    assert_eq!(zego_set_video_config(e, &bad_video, 0), 1000017);
    assert_eq!(zego_set_video_config(e, ptr::null(), 0), 1000017);
    let good_video = zego_video_config {
        capture_width: 1280,
        capture_height: 720,
        encode_width: 1280,
        encode_height: 720,
        ..bad_video
    };
    assert_eq!(zego_set_video_config(e, &good_video, 1), 0);
    let mut read = bad_video;
    assert_eq!(zego_get_video_config(e, 1, &mut read), 0);
    assert_eq!((read.encode_width, read.encode_height), (1280, 720));
    assert_eq!(zego_set_audio_config(e, &zego_audio_config { bitrate: 1, channel: 1, codec_id: 0 }, 0), 1000017);
    let message =
        |code: i32| unsafe { std::ffi::CStr::from_ptr(zego_get_error_message(code)) }.to_str().unwrap().to_owned();
    assert!(message(1002034).contains("full"));
    assert!(zego_get_error_message(42).is_null());
    assert!(!zego_get_version().is_null());
}

#[test]
fn local_server_arguments() {
    let mut s = ptr::null_mut();
    assert_eq!(zego_local_server_start(ptr::null(), ptr::null(), &mut s), 1000017);
    assert_eq!(zego_local_server_start(cs("127.0.0.1:0").as_ptr(), cs("{\"apps\": 3}").as_ptr(), &mut s), 1001902);
    assert_eq!(
        zego_local_server_start(cs("127.0.0.1:0").as_ptr(), cs(r#"{"apps":[],"bogus":1}"#).as_ptr(), &mut s),
        1001902
    );
    assert_eq!(zego_local_server_start(cs("not an address").as_ptr(), ptr::null(), &mut s), 1000017);
    assert!(zego_local_server_url(ptr::null()).is_null());
    assert_eq!(zego_local_server_stop(ptr::null_mut()), 1000017);
    let server = Server::start();
    assert_eq!(zego_local_server_start(cs(&server.addr()).as_ptr(), ptr::null(), &mut s), 1001901, "port in use");
}
