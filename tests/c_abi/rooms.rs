//! Room membership and stream events between several engines, in order.

use crate::harness::*;
use zego_express::ffi::*;

fn users(add: bool, ids: &[&str]) -> Ev {
    Ev::Users { room: "room1".into(), add, users: ids.iter().map(|s| s.to_string()).collect() }
}

fn streams(add: bool, list: &[(&str, &str)]) -> Ev {
    Ev::Streams {
        room: "room1".into(),
        add,
        streams: list.iter().map(|(u, s)| (u.to_string(), s.to_string())).collect(),
    }
}

#[test]
fn three_engines_see_exact_user_and_stream_sequences() {
    let server = Server::start();
    let a = Client::new(&server, "userA");
    let b = Client::new(&server, "userB");
    let c = Client::new(&server, "userC");
    a.login("room1");
    b.login("room1");
    a.wait(|e| matches!(e, Ev::Users { add: true, .. }));
    c.login("room1");
    a.wait_count(2, |e| matches!(e, Ev::Users { add: true, .. }));
    b.wait_count(2, |e| matches!(e, Ev::Users { add: true, .. }));

    assert_eq!(b.publish("streamB"), 0);
    b.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    c.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    assert_eq!(a.play("streamB"), 0);
    a.wait(|e| matches!(e, Ev::Player { state: 2, .. }));

    assert_eq!(zego_stop_publishing_stream(b.engine, 0), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
    c.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
    let mut seq = 0;
    assert_eq!(zego_logout_room(c.engine, cs("room1").as_ptr(), &mut seq), 0);
    c.wait(|e| matches!(e, Ev::LogoutResult { .. }));
    a.wait(|e| matches!(e, Ev::Users { add: false, .. }));
    b.wait(|e| matches!(e, Ev::Users { add: false, .. }));
    // The count after C left (2) follows the user event.
    a.wait_count(2, |e| matches!(e, Ev::OnlineCount { count: 2, .. }));

    let expected_a = vec![
        Ev::RoomState { room: "room1".into(), reason: 0, code: 0 },
        Ev::RoomState { room: "room1".into(), reason: 1, code: 0 },
        Ev::LoginResult { code: 0, room: "room1".into(), seq: 1 },
        users(true, &["userB"]),
        users(true, &["userC"]),
        streams(true, &[("userB", "streamB")]),
        Ev::Player { stream: "streamB".into(), state: 1, code: 0 },
        Ev::Player { stream: "streamB".into(), state: 2, code: 0 },
        streams(false, &[("userB", "streamB")]),
        // The played stream left: the player retries until it returns or is stopped.
        Ev::Player { stream: "streamB".into(), state: 1, code: 1004002 },
        users(false, &["userC"]),
    ];
    assert_eq!(a.room_events(), expected_a);
    let expected_b = vec![
        Ev::RoomState { room: "room1".into(), reason: 0, code: 0 },
        Ev::RoomState { room: "room1".into(), reason: 1, code: 0 },
        Ev::LoginResult { code: 0, room: "room1".into(), seq: 1 },
        users(true, &["userA"]),
        users(true, &["userC"]),
        Ev::Publisher { stream: "streamB".into(), state: 1, code: 0 },
        Ev::Publisher { stream: "streamB".into(), state: 2, code: 0 },
        Ev::Publisher { stream: "streamB".into(), state: 0, code: 0 },
        users(false, &["userC"]),
    ];
    assert_eq!(b.room_events(), expected_b);
    let c_events = c.room_events();
    assert_eq!(
        &c_events[..3],
        &[
            Ev::RoomState { room: "room1".into(), reason: 0, code: 0 },
            Ev::RoomState { room: "room1".into(), reason: 1, code: 0 },
            Ev::LoginResult { code: 0, room: "room1".into(), seq: 1 },
        ]
    );
    let Ev::Users { add: true, users: mut existing, .. } = c_events[3].clone() else { panic!("{c_events:#?}") };
    existing.sort();
    assert_eq!(existing, ["userA", "userB"]);
    assert_eq!(
        &c_events[4..],
        &[
            streams(true, &[("userB", "streamB")]),
            streams(false, &[("userB", "streamB")]),
            Ev::RoomState { room: "room1".into(), reason: 7, code: 0 },
            Ev::LogoutResult { code: 0, room: "room1".into(), seq },
        ]
    );
    // Online counts went 1 -> 2 -> 3 -> 2 for A.
    let counts: Vec<i32> = a
        .events()
        .iter()
        .filter_map(|e| if let Ev::OnlineCount { count, .. } = e { Some(*count) } else { None })
        .collect();
    assert_eq!(counts.first(), Some(&1));
    assert_eq!(counts.last(), Some(&2));
    assert!(counts.contains(&3), "{counts:?}");
}

#[test]
fn user_updates_only_with_user_status_notify() {
    let server = Server::start();
    let a = Client::new(&server, "quietA");
    let b = Client::new(&server, "quietB");
    assert_eq!(a.login_with("room1", false, 0, None), 0);
    a.wait(|e| matches!(e, Ev::RoomState { reason: 1, .. }));
    b.login("room1");
    a.wait(|e| matches!(e, Ev::OnlineCount { count: 2, .. }));
    assert!(b.publish("quietStream") == 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    assert!(!a.events().iter().any(|e| matches!(e, Ev::Users { .. })), "{:#?}", a.events());
}

#[test]
fn duplicate_user_id_kicks_the_earlier_session() {
    let server = Server::start();
    let first = Client::new(&server, "same");
    let second = Client::new(&server, "same");
    first.login("room1");
    second.login("room1");
    first.wait(|e| matches!(e, Ev::RoomState { reason: 6, code: 1002050, .. }));
    // The kicked engine is out of the room and may log in again.
    assert_eq!(first.publish("afterKick"), 1000002);
}

#[test]
fn duplicate_stream_id_fails_for_the_later_publisher() {
    let server = Server::start();
    let b = Client::new(&server, "pubB");
    let c = Client::new(&server, "pubC");
    b.login("room1");
    c.login("room1");
    assert_eq!(b.publish("shared"), 0);
    b.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    assert_eq!(c.publish("shared"), 0);
    let ev = c.wait(|e| matches!(e, Ev::Publisher { state: 0, .. }));
    assert_eq!(ev, Ev::Publisher { stream: "shared".into(), state: 0, code: 1003028 });
}

#[test]
fn a_full_room_refuses_the_next_user() {
    let server = Server::start();
    let a = Client::new(&server, "capA");
    let b = Client::new(&server, "capB");
    let c = Client::new(&server, "capC");
    assert_eq!(a.login_with("small", true, 2, None), 0);
    assert_eq!(a.login_outcome(), (1, 0));
    assert_eq!(b.login_with("small", true, 2, None), 0);
    assert_eq!(b.login_outcome(), (1, 0));
    assert_eq!(c.login_with("small", true, 2, None), 0);
    assert_eq!(c.login_outcome(), (2, 1002034));
    c.wait(|e| matches!(e, Ev::LoginResult { code: 1002034, .. }));
}

#[test]
fn playing_a_missing_stream_reports_1004002() {
    let server = Server::start();
    let a = Client::new(&server, "player");
    a.login("room1");
    assert_eq!(a.play("nobody"), 0);
    a.wait(|e| matches!(e, Ev::Player { state: 0, .. }));
    assert_eq!(
        a.room_events().into_iter().filter(|e| matches!(e, Ev::Player { .. })).collect::<Vec<_>>(),
        vec![
            Ev::Player { stream: "nobody".into(), state: 1, code: 0 },
            Ev::Player { stream: "nobody".into(), state: 0, code: 1004002 }
        ]
    );
}

#[test]
fn room_and_stream_extra_info_reach_the_others() {
    let server = Server::start();
    let a = Client::new(&server, "infoA");
    let b = Client::new(&server, "infoB");
    a.login("room1");
    b.login("room1");
    let mut seq = 0;
    assert_eq!(
        zego_set_room_extra_info(a.engine, cs("room1").as_ptr(), cs("topic").as_ptr(), cs("rust").as_ptr(), &mut seq),
        0
    );
    a.wait(|e| matches!(e, Ev::RoomExtraInfoResult { code: 0, .. }));
    b.wait(|e| matches!(e, Ev::RoomExtraInfo { infos, .. } if infos == &[("topic".to_string(), "rust".to_string(), "infoA".to_string())]));
    assert_eq!(a.publish("infoStream"), 0);
    a.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    assert_eq!(zego_set_stream_extra_info(a.engine, cs("camera=front").as_ptr(), 0, &mut seq), 0);
    a.wait(|e| matches!(e, Ev::StreamExtraInfoResult { code: 0, .. }));
    b.wait(|e| matches!(e, Ev::StreamExtraInfo { streams, .. } if streams == &[("infoStream".to_string(), "camera=front".to_string())]));
}

#[test]
fn switch_room_moves_the_user_and_bad_logouts_fail() {
    let server = Server::start();
    let a = Client::new(&server, "mover");
    let b = Client::new(&server, "stayer");
    let c = Client::new(&server, "other");
    a.login("room1");
    b.login("room1");
    c.login("room2");
    b.wait(|e| matches!(e, Ev::Users { add: true, .. }));
    a.clear();
    assert_eq!(zego_switch_room(a.engine, cs("room1").as_ptr(), cs("room2").as_ptr(), std::ptr::null()), 0);
    a.wait(|e| matches!(e, Ev::RoomState { reason: 1, .. }));
    // The switch's login result follows LOGINED; wait for it before clearing below.
    a.wait(|e| matches!(e, Ev::LoginResult { room, .. } if room == "room2"));
    b.wait(|e| matches!(e, Ev::Users { add: false, .. }));
    c.wait(|e| matches!(e, Ev::Users { add: true, users, .. } if users == &["mover".to_string()]));
    let states: Vec<Ev> = a.events().into_iter().filter(|e| matches!(e, Ev::RoomState { .. })).collect();
    assert_eq!(
        states,
        vec![
            Ev::RoomState { room: "room1".into(), reason: 7, code: 0 },
            Ev::RoomState { room: "room2".into(), reason: 0, code: 0 },
            Ev::RoomState { room: "room2".into(), reason: 1, code: 0 },
        ]
    );
    a.clear();
    let mut seq = 0;
    assert_eq!(zego_logout_room(a.engine, cs("room1").as_ptr(), &mut seq), 1002002);
    assert_eq!(zego_switch_room(a.engine, cs("room9").as_ptr(), cs("room3").as_ptr(), std::ptr::null()), 1002002);
    a.wait_count(2, |e| matches!(e, Ev::RoomState { reason: 8, .. }));
    assert_eq!(
        a.room_events(),
        vec![
            Ev::RoomState { room: "room1".into(), reason: 8, code: 1002002 },
            Ev::RoomState { room: "room9".into(), reason: 8, code: 1002002 },
        ]
    );
}
