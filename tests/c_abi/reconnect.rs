//! Connection loss: a server restarted under logged-in engines, and a
//! client process killed without logging out.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

#[test]
fn engines_survive_a_server_restart_with_streams_intact() {
    let server = Server::start();
    let addr = server.addr();
    let a = Client::new(&server, "stayA");
    let b = Client::new(&server, "stayB");
    a.login("room1");
    b.login("room1");
    assert_eq!(b.publish("keepMe"), 0);
    b.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    assert_eq!(a.play("keepMe"), 0);
    a.wait(|e| matches!(e, Ev::Player { state: 2, .. }));
    a.clear();
    b.clear();

    server.stop();
    for x in [&a, &b] {
        x.wait(|e| matches!(e, Ev::RoomState { reason: 3, .. }));
    }
    b.wait(|e| matches!(e, Ev::Publisher { state: 1, code: 1003020, .. }));
    a.wait(|e| matches!(e, Ev::Player { state: 1, code: 1004020, .. }));
    let server = Server::start_at(&addr, None);
    for x in [&a, &b] {
        x.wait(|e| matches!(e, Ev::RoomState { reason: 4, .. }));
    }
    b.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    a.wait(|e| matches!(e, Ev::Player { state: 2, .. }));

    // A newcomer sees the republished stream and both users.
    let c = Client::new(&server, "newC");
    c.login("room1");
    c.wait(|e| matches!(e, Ev::Streams { add: true, streams, .. } if streams == &[("stayB".to_string(), "keepMe".to_string())]));
    for x in [&a, &b] {
        x.wait(|e| matches!(e, Ev::Users { add: true, users, .. } if users == &["newC".to_string()]));
    }

    assert_eq!(
        a.room_events(),
        vec![
            Ev::RoomState { room: "room1".into(), reason: 3, code: 1002051 },
            Ev::Player { stream: "keepMe".into(), state: 1, code: 1004020 },
            Ev::RoomState { room: "room1".into(), reason: 4, code: 0 },
            Ev::Player { stream: "keepMe".into(), state: 2, code: 0 },
            Ev::Users { room: "room1".into(), add: true, users: vec!["newC".into()] },
        ],
        "no spurious leave/join of B or its stream"
    );
    assert_eq!(
        b.room_events(),
        vec![
            Ev::RoomState { room: "room1".into(), reason: 3, code: 1002051 },
            Ev::Publisher { stream: "keepMe".into(), state: 1, code: 1003020 },
            Ev::RoomState { room: "room1".into(), reason: 4, code: 0 },
            Ev::Publisher { stream: "keepMe".into(), state: 2, code: 0 },
            Ev::Users { room: "room1".into(), add: true, users: vec!["newC".into()] },
        ]
    );
}

#[test]
fn reconnect_gives_up_after_the_retry_window() {
    let server = Server::start();
    let text = cs("room_retry_time=2");
    let config = zego_express::ffi::zego_engine_config { advanced_config: text.as_ptr() };
    // Engine-wide setting: applies to engines created afterwards; restored below.
    let lonely = {
        let _guard = ENGINE_CONFIG_LOCK.write();
        assert_eq!(zego_express::ffi::zego_set_engine_config(&config), 0);
        let c = Client::create(&server.url(), "lonely", DEV_APP_ID, Some(DEV_APP_SIGN));
        let reset = zego_express::ffi::zego_engine_config { advanced_config: std::ptr::null() };
        assert_eq!(zego_express::ffi::zego_set_engine_config(&reset), 0);
        c
    };
    lonely.login("room1");
    assert_eq!(lonely.publish("gone"), 0);
    lonely.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    server.stop();
    lonely.wait(|e| matches!(e, Ev::RoomState { reason: 3, .. }));
    let failed = lonely.wait(|e| matches!(e, Ev::RoomState { reason: 5, .. }));
    assert_eq!(failed, Ev::RoomState { room: "room1".into(), reason: 5, code: 1002053 });
    lonely.wait(|e| matches!(e, Ev::Publisher { state: 0, code: 1003021, .. }));
    assert_eq!(lonely.publish("again"), 1000002, "the room is gone after RECONNECT_FAILED");
}

/// Run by `a_killed_client_is_noticed_by_the_others` in a child process.
#[test]
#[ignore = "child process of a_killed_client_is_noticed_by_the_others"]
fn child_logs_in_and_waits() {
    let Ok(url) = std::env::var("ZEGO_TEST_CHILD_URL") else { return };
    let c = Client::with_sign(&url, "doomed", Some(DEV_APP_SIGN));
    c.login("room1");
    assert_eq!(c.publish("doomedStream"), 0);
    c.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    println!("CHILD-READY");
    std::thread::sleep(Duration::from_secs(120));
}

#[test]
fn a_killed_client_is_noticed_by_the_others() {
    let server = Server::start();
    let watcher = Client::new(&server, "watcher");
    watcher.login("room1");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "reconnect::child_logs_in_and_waits", "--nocapture"])
        .env("ZEGO_TEST_CHILD_URL", server.url())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    watcher.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    child.kill().unwrap();
    let killed_at = Instant::now();
    child.wait().unwrap();
    let gone = watcher.wait_for(Duration::from_secs(15), |e| matches!(e, Ev::Users { add: false, .. }));
    assert_eq!(gone, Some(Ev::Users { room: "room1".into(), add: false, users: vec!["doomed".into()] }));
    watcher.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
    eprintln!("killed client noticed after {:?}", killed_at.elapsed());
}

#[test]
fn a_cut_network_is_noticed_and_recovered_from() {
    let server = Server::start();
    let proxy = Proxy::start(&server.addr());
    let watcher = Client::new(&server, "cutWatcher");
    watcher.login("room1");
    let victim = Client::with_sign(&proxy.url, "cutVictim", Some(DEV_APP_SIGN));
    victim.login("room1");
    assert_eq!(victim.publish("cutStream"), 0);
    watcher.wait(|e| matches!(e, Ev::Streams { add: true, .. }));

    proxy.freeze(true);
    let cut_at = Instant::now();
    let gone = watcher.wait_for(Duration::from_secs(15), |e| matches!(e, Ev::Users { add: false, .. }));
    assert_eq!(gone, Some(Ev::Users { room: "room1".into(), add: false, users: vec!["cutVictim".into()] }));
    eprintln!("cut client noticed after {:?}", cut_at.elapsed());
    watcher.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
    victim
        .wait_for(Duration::from_secs(15), |e| matches!(e, Ev::RoomState { reason: 3, .. }))
        .expect("victim reconnecting");

    proxy.freeze(false);
    victim
        .wait_for(Duration::from_secs(20), |e| matches!(e, Ev::RoomState { reason: 4, .. }))
        .expect("victim reconnected");
    victim.wait(|e| matches!(e, Ev::Publisher { state: 2, code: 0, .. }));
    // The watcher was told the victim left, so it is told it came back, stream included.
    watcher.wait_count(2, |e| matches!(e, Ev::Users { add: true, users, .. } if users == &["cutVictim".to_string()]));
    watcher.wait_count(2, |e| matches!(e, Ev::Streams { add: true, .. }));
}
