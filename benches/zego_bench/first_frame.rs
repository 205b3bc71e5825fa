//! Time to first frame, in one process with the embedded server:
//! login_room -> LOGINED; start_playing_stream -> first rendered frame with
//! the stream already live; a cold join (login_room + start_playing_stream
//! called together) -> first rendered frame. A fresh engine per trial.
//! Joins into a quiet stream (none in the 400 ms before) and back to back.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::engine::{self, record_frames, time_events};
use crate::harness::{Ev, Server};
use crate::note;
use crate::util::{dist, emit, parse_size, Args};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(args: &Args) {
    let trials: usize = args.num("trials", 20);
    let (w, h) = parse_size(args.get("size").unwrap_or("640x360"));
    let fps: i32 = args.num("fps", 30);
    // The SFU sends a publisher at most one keyframe request (PLI) per 300 ms: a join
    // within that time of the previous one waits for the window to end. Quiet trials
    // leave this much time after the previous join.
    let gap = Duration::from_millis(args.num("gap-ms", 400));
    let server = Server::start();
    let url = server.url();
    note!("first frame: {trials} trials each, publisher {w}x{h}@{fps}");

    // The live stream every play trial joins.
    let publisher = engine::client(&url, "ffpub");
    publisher.login("ff");
    engine::publish(&publisher, "fflive", w, h, fps);
    engine::wait_publishing(&publisher);
    std::thread::sleep(Duration::from_millis(500));

    let mut create = Vec::new();
    let mut login = Vec::new();
    for i in 0..trials {
        let t = Instant::now();
        let c = engine::client(&url, &format!("fflogin{i}"));
        create.push(ms(t.elapsed()));
        let times = time_events(&c);
        let t0 = Instant::now();
        assert_eq!(c.login_with("ff", true, 0, None), 0);
        c.wait(|e| matches!(e, Ev::RoomState { reason: 1, .. }));
        let at = times.first(|e| matches!(e, Ev::RoomState { reason: 1, .. })).unwrap();
        login.push(ms(at - t0));
        engine::hang_up(&c, None, None);
    }
    emit("first_frame", "login_room -> LOGINED", json!({"ms": dist(&login), "create_engine_ms": dist(&create)}));

    // start_playing_stream -> first rendered frame, the stream already live: a join
    // into a quiet stream (the last join `gap` ago), then joins back to back.
    for (label, gap) in [("quiet", gap), ("back to back", Duration::ZERO)] {
        let mut play = Vec::new();
        let mut playing_state = Vec::new();
        let mut decoded = Vec::new();
        for i in 0..trials {
            let c = engine::client(&url, &format!("ffplay{i}{}", gap.as_millis()));
            c.login("ff");
            assert!(engine::wait_stream(&c, "fflive", Duration::from_secs(10)));
            let log = record_frames(&c);
            let times = time_events(&c);
            std::thread::sleep(gap);
            let t0 = Instant::now();
            assert_eq!(c.play("fflive"), 0);
            if !log.wait_frames(1, Duration::from_secs(10)) {
                note!("play trial {i}: no frame in 10 s");
                continue;
            }
            play.push(ms(log.first_at().unwrap() - t0));
            if let Some(t) = times.first(|e| matches!(e, Ev::Player { state: 2, .. })) {
                playing_state.push(ms(t - t0));
            }
            if let Some(t) =
                times.first(|e| matches!(e, Ev::Media(m) if m.starts_with("player_recv_video_first_frame")))
            {
                decoded.push(ms(t - t0));
            }
            engine::hang_up(&c, None, Some("fflive"));
        }
        emit(
            "first_frame",
            &format!("start_playing_stream -> first rendered frame (stream live, {label})"),
            json!({"ms": dist(&play), "to_PLAYING_state_ms": dist(&playing_state), "to_recv_video_first_frame_ms": dist(&decoded),
            "gap_since_previous_join_ms": gap.as_millis() as u64}),
        );
    }

    // Cold join: a created engine calls login_room and start_playing_stream back to back.
    let mut cold = Vec::new();
    let mut cold_logined = Vec::new();
    for i in 0..trials {
        let c = engine::client(&url, &format!("ffcold{i}"));
        let log = record_frames(&c);
        let times = time_events(&c);
        std::thread::sleep(gap);
        let t0 = Instant::now();
        assert_eq!(c.login_with("ff", true, 0, None), 0);
        let code = c.play("fflive");
        if code != 0 {
            // Not accepted before LOGINED: then play right after it.
            c.wait(|e| matches!(e, Ev::RoomState { reason: 1, .. }));
            assert_eq!(c.play("fflive"), 0);
        }
        if !log.wait_frames(1, Duration::from_secs(10)) {
            note!("cold trial {i}: no frame in 10 s");
            continue;
        }
        cold.push(ms(log.first_at().unwrap() - t0));
        if let Some(t) = times.first(|e| matches!(e, Ev::RoomState { reason: 1, .. })) {
            cold_logined.push(ms(t - t0));
        }
        engine::hang_up(&c, None, Some("fflive"));
    }
    emit(
        "first_frame",
        "cold join (login_room + start_playing_stream) -> first rendered frame (quiet)",
        json!({"ms": dist(&cold), "to_LOGINED_ms": dist(&cold_logined), "keyframe_interval_s": 2, "publisher_fps": fps,
            "gap_since_previous_join_ms": gap.as_millis() as u64}),
    );
    engine::hang_up(&publisher, Some("fflive"), None);
    drop(publisher);
    server.stop();
}
