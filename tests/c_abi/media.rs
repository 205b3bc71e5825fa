//! Media end to end through the C ABI: B publishes the virtual camera and
//! microphone, A plays through the SFU and checks what arrives: stamped
//! frames in order at the configured size, the tone's frequency, mutes,
//! custom capture content, several players.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use zego_express::ffi::*;
use zego_express::media::goertzel::{dominant_frequency, rms_dbfs};
use zego_express::media::stamp::read_stamp;

use crate::harness::*;

/// One received frame: stream, stamp index, width, height, luma at the four quadrant centres.
pub type FrameRecord = (String, Option<u32>, i32, i32, Vec<u8>);

/// What a player's media callbacks saw.
#[derive(Default)]
pub struct MediaLog {
    pub frames: Mutex<Vec<FrameRecord>>,
    pub pcm: Mutex<Vec<i16>>,
    /// When the first frame arrived.
    pub first_frame_at: Mutex<Option<Instant>>,
    changed: Condvar,
}

impl MediaLog {
    pub fn wait_frames(&self, n: usize, timeout: Duration) -> bool {
        crate::harness::wait_len(&self.frames, &self.changed, n, timeout)
    }

    pub fn wait_audio(&self, samples: usize, timeout: Duration) -> bool {
        crate::harness::wait_len(&self.pcm, &self.changed, samples, timeout)
    }
}

unsafe extern "C" fn on_frame(
    stream_id: *const c_char,
    data: *mut *mut u8,
    lengths: *mut u32,
    param: zego_video_frame_param,
    ctx: *mut c_void,
) {
    let log = &*(ctx as *const MediaLog);
    let y = std::slice::from_raw_parts(*data, *lengths as usize);
    let stamp = read_stamp(y, param.strides[0] as usize, param.width as u32, param.height as u32);
    // Luma at the centres of the four quadrants below the stamp rows.
    let (w, h, stride) = (param.width as usize, param.height as usize, param.strides[0] as usize);
    let sample = [(w / 4, h / 4 + 8), (3 * w / 4, h / 4 + 8), (w / 4, 3 * h / 4), (3 * w / 4, 3 * h / 4)]
        .iter()
        .map(|&(x, y_)| y[y_ * stride + x])
        .collect();
    let stream = CStr::from_ptr(stream_id).to_string_lossy().into_owned();
    log.first_frame_at.lock().get_or_insert_with(Instant::now);
    log.frames.lock().push((stream, stamp.map(|s| s.index), param.width, param.height, sample));
    log.changed.notify_all();
}

unsafe extern "C" fn on_audio(data: *const u8, length: u32, param: zego_audio_frame_param, ctx: *mut c_void) {
    let log = &*(ctx as *const MediaLog);
    assert_eq!((param.sample_rate, param.channel), (48_000, 1));
    let pcm = std::slice::from_raw_parts(data as *const i16, length as usize / 2);
    log.pcm.lock().extend_from_slice(pcm);
    log.changed.notify_all();
}

/// Makes `c` a player that records frames (custom render, I420) and playback audio.
pub fn record_media(c: &Client) -> Arc<MediaLog> {
    let log = Arc::new(MediaLog::default());
    let ctx = Arc::as_ptr(&log) as *mut c_void;
    let config =
        zego_custom_video_render_config { buffer_type: 1, frame_format_series: 1, enable_engine_render: false };
    assert_eq!(zego_enable_custom_video_render(c.engine, true, &config), 0);
    assert_eq!(zego_register_custom_video_render_remote_frame_data_callback(c.engine, Some(on_frame), ctx), 0);
    assert_eq!(zego_register_playback_audio_data_callback(c.engine, Some(on_audio), ctx), 0);
    let param = zego_audio_frame_param { sample_rate: 48_000, channel: 1 };
    assert_eq!(zego_start_audio_data_observer(c.engine, 2, param), 0);
    c.contexts.lock().push(log.clone());
    log
}

pub fn video_config(w: i32, h: i32, fps: i32) -> zego_video_config {
    zego_video_config {
        capture_width: w,
        capture_height: h,
        encode_width: w,
        encode_height: h,
        fps,
        bitrate: 800,
        codec_id: 0,
        key_frame_interval: 2,
    }
}

fn stamped(log: &MediaLog) -> Vec<(u32, i32, i32)> {
    log.frames.lock().iter().filter_map(|(_, s, w, h, _)| s.map(|i| (i, *w, *h))).collect()
}

#[test]
fn b_publishes_a_plays_frames_in_order_at_the_asked_size_and_the_tone() {
    let server = Server::start();
    let a = Client::new(&server, "viewerA");
    let b = Client::new(&server, "cameraB");
    a.login("call");
    b.login("call");
    assert_eq!(zego_set_video_config(b.engine, &video_config(640, 360, 30), 0), 0);
    assert_eq!(zego_start_preview(b.engine, ptr::null(), 0), 0);
    assert_eq!(b.publish("cam"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    let started = Instant::now();
    assert_eq!(a.play("cam"), 0);
    assert!(log.wait_frames(90, Duration::from_secs(20)), "frames: {}", log.frames.lock().len());
    let first = log.first_frame_at.lock().expect("a frame arrived") - started;
    eprintln!("first rendered frame {first:?} after start_playing_stream; 90 frames after {:?}", started.elapsed());
    let frames = stamped(&log);
    assert!(
        frames.len() >= 85,
        "stamps readable in almost every frame: {} of {}",
        frames.len(),
        log.frames.lock().len()
    );
    assert!(frames.windows(2).all(|w| w[1].0 > w[0].0), "stamp indexes increase: {frames:?}");
    assert!(frames.iter().all(|&(_, w, h)| (w, h) == (640, 360)));

    // The tone arrives: 440 Hz dominates the played audio.
    assert!(log.wait_audio(48_000 * 3, Duration::from_secs(10)));
    let pcm: Vec<i16> = log.pcm.lock().iter().rev().take(48_000).rev().copied().collect();
    let freq = dominant_frequency(&pcm, 1, 48_000, 200.0, 2000.0, 5.0);
    assert!((freq - 440.0).abs() <= 10.0, "dominant frequency {freq}");
    assert!(rms_dbfs(&pcm) > -30.0, "audible: {} dBFS", rms_dbfs(&pcm));

    // Muting the publisher's audio silences the playback.
    assert_eq!(zego_mute_publish_stream_audio(b.engine, true, 0), 0);
    std::thread::sleep(Duration::from_millis(500));
    let from = log.pcm.lock().len();
    assert!(log.wait_audio(from + 48_000 / 2, Duration::from_secs(5)));
    let after: Vec<i16> = log.pcm.lock()[from..].to_vec();
    assert!(rms_dbfs(&after) < -60.0, "silent after mute: {} dBFS", rms_dbfs(&after));

    // A resolution change mid-stream arrives.
    let before = log.frames.lock().len();
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert!(log.wait_frames(before + 60, Duration::from_secs(10)));
    let last = log.frames.lock().last().map(|f| (f.2, f.3));
    assert_eq!(last, Some((320, 180)));
    a.wait(|e| matches!(e, Ev::Media(m) if m == "player_video_size_changed cam 320x180"));

    // Quality reports measure what flows: 30 fps of video and the audio, on a loopback link.
    // The second report of each covers a window of steady streaming.
    a.wait_count(2, |e| matches!(e, Ev::PlayQuality { .. }));
    b.wait_count(2, |e| matches!(e, Ev::PublishQuality { .. }));
    let Some(Ev::PlayQuality { recv_fps, render_fps, video_kbps, level, .. }) =
        a.events().into_iter().filter(|e| matches!(e, Ev::PlayQuality { .. })).nth(1)
    else {
        unreachable!()
    };
    assert!((20.0..=40.0).contains(&recv_fps) && render_fps > 15.0, "play fps {recv_fps}/{render_fps}");
    assert!(video_kbps > 20.0 && level == 0, "play kbps {video_kbps} level {level}");
    let Some(Ev::PublishQuality { capture_fps, send_fps, audio_kbps, .. }) =
        b.events().into_iter().filter(|e| matches!(e, Ev::PublishQuality { .. })).nth(1)
    else {
        unreachable!()
    };
    assert!((20.0..=40.0).contains(&capture_fps) && send_fps > 15.0, "publish fps {capture_fps}/{send_fps}");
    assert!(audio_kbps > 5.0, "publish audio kbps {audio_kbps}");
    a.wait(|e| matches!(e, Ev::Network { user, down: 0, .. } if user.is_empty()));
    b.wait(|e| matches!(e, Ev::Network { user, up: 0, .. } if user.is_empty()));

    // The media callbacks came in a sensible order.
    let media: Vec<String> =
        a.events().into_iter().filter_map(|e| if let Ev::Media(m) = e { Some(m) } else { None }).collect();
    let pos = |name: &str| media.iter().position(|m| m == name).unwrap_or_else(|| panic!("{name} missing: {media:?}"));
    assert!(pos("player_recv_video_first_frame cam") < pos("player_render_video_first_frame cam"));
    assert!(pos("player_video_size_changed cam 640x360") < pos("player_video_size_changed cam 320x180"));
    pos("player_recv_audio_first_frame cam");
    let published: Vec<String> =
        b.events().into_iter().filter_map(|e| if let Ev::Media(m) = e { Some(m) } else { None }).collect();
    for name in [
        "publisher_captured_video_first_frame 0",
        "publisher_send_video_first_frame 0",
        "publisher_captured_audio_first_frame",
        "publisher_send_audio_first_frame 0",
        "publisher_video_size_changed 640x360 0",
        "publisher_video_size_changed 320x180 0",
    ] {
        assert!(published.iter().any(|m| m == name), "{name} missing: {published:?}");
    }
}

/// A BGRA frame: red, green, blue and white quadrants, the stamp drawn in
/// black and white cells (which convert to luma 16 and 235).
fn bgra_frame(w: usize, h: usize, index: u32) -> Vec<u8> {
    let mut px = vec![0u8; w * h * 4];
    for y in 0..h {
        for x in 0..w {
            let (b, g, r) = match (x < w / 2, y < h / 2) {
                (true, true) => (0, 0, 255),
                (false, true) => (0, 255, 0),
                (true, false) => (255, 0, 0),
                (false, false) => (255, 255, 255),
            };
            let i = (y * w + x) * 4;
            px[i..i + 4].copy_from_slice(&[b, g, r, 255]);
        }
    }
    for (row, value) in [(0usize, index), (1, 0)] {
        for bit in 0..32 {
            let on = value >> (31 - bit) & 1 == 1;
            for y in row * 8..row * 8 + 8 {
                for x in bit * 8..bit * 8 + 8 {
                    let v = if on { 255 } else { 0 };
                    let i = (y * w + x) * 4;
                    px[i..i + 4].copy_from_slice(&[v, v, v, 255]);
                }
            }
        }
    }
    px
}

#[test]
fn custom_capture_frames_arrive_intact() {
    let server = Server::start();
    let a = Client::new(&server, "customA");
    let b = Client::new(&server, "customB");
    a.login("custom");
    b.login("custom");
    assert_eq!(
        zego_send_custom_video_capture_raw_data(
            b.engine,
            [0u8; 4].as_ptr(),
            4,
            zego_video_frame_param { format: 4, strides: [0; 4], width: 1, height: 1, rotation: 0 },
            0,
            0
        ),
        1011002,
        "custom capture is off"
    );
    let config = zego_custom_video_capture_config { buffer_type: 1 };
    assert_eq!(zego_enable_custom_video_capture(b.engine, true, &config, 0), 0);
    assert_eq!(zego_set_video_config(b.engine, &video_config(640, 360, 30), 0), 0);
    assert_eq!(b.publish("custom"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("custom"), 0);
    let (w, h) = (640usize, 360usize);
    let param = zego_video_frame_param {
        format: 4,
        strides: [w as i32 * 4, 0, 0, 0],
        width: w as i32,
        height: h as i32,
        rotation: 0,
    };
    let short = [0u8; 16];
    assert_eq!(
        zego_send_custom_video_capture_raw_data(b.engine, short.as_ptr(), 16, param, 0, 0),
        1000017,
        "data shorter than the frame"
    );
    let bad_format = zego_video_frame_param { format: 99, ..param };
    assert_eq!(zego_send_custom_video_capture_raw_data(b.engine, short.as_ptr(), 16, bad_format, 0, 0), 1011010);
    let started = Instant::now();
    let mut index = 0;
    while !log.wait_frames(30, Duration::from_millis(1)) && started.elapsed() < Duration::from_secs(20) {
        let frame = bgra_frame(w, h, index);
        assert_eq!(
            zego_send_custom_video_capture_raw_data(b.engine, frame.as_ptr(), frame.len() as u32, param, 0, 0),
            0
        );
        index += 1;
        std::thread::sleep(Duration::from_millis(33));
    }
    let frames = log.frames.lock().clone();
    assert!(frames.len() >= 30, "{} frames", frames.len());
    let stamps: Vec<u32> = frames.iter().filter_map(|f| f.1).collect();
    assert!(stamps.windows(2).all(|p| p[1] > p[0]) && stamps.len() >= 28, "{stamps:?}");
    // BT.601 limited range luma of red, green, blue and white.
    let expected = [82i32, 145, 41, 235];
    for f in frames.iter().skip(5) {
        for (got, want) in f.4.iter().zip(expected) {
            assert!((*got as i32 - want).abs() <= 12, "quadrant luma {:?} vs {expected:?}", f.4);
        }
    }
}

#[test]
fn three_players_on_one_stream() {
    let server = Server::start();
    let b = Client::new(&server, "fanB");
    b.login("fan");
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert_eq!(b.publish("fan"), 0);
    let players: Vec<(Client, Arc<MediaLog>)> = (0..3)
        .map(|i| {
            let p = Client::new(&server, &format!("fan{i}"));
            p.login("fan");
            let log = record_media(&p);
            assert_eq!(p.play("fan"), 0);
            (p, log)
        })
        .collect();
    for (p, log) in &players {
        assert!(log.wait_frames(45, Duration::from_secs(15)), "{}: {} frames", p.user_id, log.frames.lock().len());
        let frames = stamped(log);
        assert!(frames.windows(2).all(|w| w[1].0 > w[0].0), "{frames:?}");
        assert!(frames.iter().all(|&(_, w, h)| (w, h) == (320, 180)));
    }
    // Unpublishing ends the stream for everyone.
    assert_eq!(zego_stop_publishing_stream(b.engine, 0), 0);
    for (p, _) in &players {
        p.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
    }
}

#[test]
fn media_resumes_after_a_server_restart() {
    let server = Server::start();
    let addr = server.addr();
    let a = Client::new(&server, "restartA");
    let b = Client::new(&server, "restartB");
    a.login("restart");
    b.login("restart");
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert_eq!(b.publish("survivor"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("survivor"), 0);
    assert!(log.wait_frames(30, Duration::from_secs(15)));

    server.stop();
    a.wait(|e| matches!(e, Ev::RoomState { reason: 3, .. }));
    let _server = Server::start_at(&addr, None);
    for c in [&a, &b] {
        c.wait(|e| matches!(e, Ev::RoomState { reason: 4, .. }));
    }
    let before = log.frames.lock().len();
    let restarted = Instant::now();
    assert!(log.wait_frames(before + 30, Duration::from_secs(20)), "frames after the restart");
    eprintln!("media back {:?} after the restart", restarted.elapsed());
    let after: Vec<u32> = log.frames.lock()[before..].iter().filter_map(|f| f.1).collect();
    assert!(after.windows(2).all(|w| w[1] > w[0]), "{after:?}");
}

#[test]
fn a_player_retries_while_the_stream_is_gone_and_plays_it_again() {
    let server = Server::start();
    let a = Client::new(&server, "retryA");
    let b = Client::new(&server, "retryB");
    a.login("retry");
    b.login("retry");
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert_eq!(b.publish("comeback"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("comeback"), 0);
    assert!(log.wait_frames(20, Duration::from_secs(15)));
    assert_eq!(zego_stop_publishing_stream(b.engine, 0), 0);
    a.wait(|e| matches!(e, Ev::Player { state: 1, code: 1004002, .. }));
    assert_eq!(b.publish("comeback"), 0);
    a.wait_count(2, |e| matches!(e, Ev::Player { state: 2, .. }));
    let before = log.frames.lock().len();
    assert!(log.wait_frames(before + 20, Duration::from_secs(15)), "frames after the stream came back");
}

#[test]
fn remote_camera_and_microphone_states_reach_the_player() {
    let server = Server::start();
    let a = Client::new(&server, "stateA");
    let b = Client::new(&server, "stateB");
    a.login("states");
    b.login("states");
    assert_eq!(zego_mute_microphone(b.engine, true), 0);
    assert_eq!(b.publish("states"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    assert_eq!(a.play("states"), 0);
    // Playing starts with the publisher's states (the mute may land just after the first report).
    let states = |a: &Client| -> Vec<String> {
        a.events()
            .into_iter()
            .filter_map(|e| if let Ev::Media(m) = e { m.starts_with("remote_").then_some(m) } else { None })
            .collect()
    };
    let seen = |a: &Client, n: usize| a.wait_count(n, |e| matches!(e, Ev::Media(m) if m.starts_with("remote_")));
    a.wait(|e| matches!(e, Ev::Media(m) if m == "remote_mic_state_update states 10"));
    a.wait(|e| matches!(e, Ev::Media(m) if m == "remote_camera_state_update states 0"));
    let start = states(&a).len();
    assert_eq!(zego_mute_publish_stream_video(b.engine, true, 0), 0);
    seen(&a, start + 1);
    assert_eq!(zego_enable_camera(b.engine, false, 0), 0);
    seen(&a, start + 2);
    assert_eq!(zego_enable_camera(b.engine, true, 0), 0);
    seen(&a, start + 3);
    assert_eq!(zego_mute_publish_stream_video(b.engine, false, 0), 0);
    seen(&a, start + 4);
    assert_eq!(zego_mute_microphone(b.engine, false), 0);
    seen(&a, start + 5);
    assert_eq!(
        states(&a)[start..],
        [
            "remote_camera_state_update states 10",
            "remote_camera_state_update states 9",
            "remote_camera_state_update states 10",
            "remote_camera_state_update states 0",
            "remote_mic_state_update states 0",
        ]
    );
}

#[test]
fn custom_audio_capture_reaches_the_player() {
    let server = Server::start();
    let a = Client::new(&server, "pcmA");
    let b = Client::new(&server, "pcmB");
    a.login("pcm");
    b.login("pcm");
    let param = zego_audio_frame_param { sample_rate: 48_000, channel: 1 };
    let silence = [0u8; 1920];
    assert_eq!(zego_send_custom_audio_capture_pcm_data(b.engine, silence.as_ptr(), 1920, param, 0), 1012002);
    assert_eq!(zego_enable_custom_audio_io(b.engine, true, ptr::null(), 0), 0);
    let cd = zego_audio_frame_param { sample_rate: 44_100, channel: 2 };
    assert_eq!(zego_send_custom_audio_capture_pcm_data(b.engine, silence.as_ptr(), 1920, cd, 0), 1012010);
    assert_eq!(b.publish("pcm"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("pcm"), 0);
    // The host sends a 1 kHz tone in odd-sized stereo chunks (30 ms), paced in real time.
    let mut tone = zego_express::media::tone::Tone::new(1000.0, -12.0, 48_000, 2);
    let started = Instant::now();
    for i in 0..150u32 {
        let pcm = tone.next_frame(1440);
        let bytes: Vec<u8> = pcm.iter().flat_map(|s| s.to_ne_bytes()).collect();
        let stereo = zego_audio_frame_param { sample_rate: 48_000, channel: 2 };
        assert_eq!(zego_send_custom_audio_capture_pcm_data(b.engine, bytes.as_ptr(), bytes.len() as u32, stereo, 0), 0);
        std::thread::sleep((started + Duration::from_millis(30) * (i + 1)).saturating_duration_since(Instant::now()));
        if log.pcm.lock().len() > 48_000 * 2 {
            break;
        }
    }
    assert!(log.wait_audio(48_000 * 2, Duration::from_secs(5)));
    let pcm: Vec<i16> = log.pcm.lock().iter().rev().take(24_000).rev().copied().collect();
    let freq = dominant_frequency(&pcm, 1, 48_000, 200.0, 2000.0, 5.0);
    assert!((freq - 1000.0).abs() <= 10.0, "dominant frequency {freq}");
}
