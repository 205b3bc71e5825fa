//! Engines driven through the C ABI (tests/c_abi/harness.rs), with what the
//! benchmarks need on top: rendered frames with their arrival time and the
//! stamp's capture time, and timestamps of chosen events.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use zego_express::ffi::*;
use zego_express::media::stamp::read_stamp;

use crate::harness::{Client, Ev, DEV_APP_SIGN};
use crate::util::unix_ms_f64;

/// One rendered frame as the host saw it.
#[derive(Debug, Clone, Copy)]
pub struct Rendered {
    /// Stamp: frame index and capture time (UNIX ms, low 32 bits); None when unreadable.
    pub stamp: Option<(u32, u32)>,
    /// Wall clock at the callback, UNIX ms.
    pub arrival_ms: f64,
    pub at: Instant,
    pub width: i32,
    pub height: i32,
}

impl Rendered {
    /// Capture (stamp) to this callback, ms; None without a stamp or when absurd.
    pub fn latency_ms(&self) -> Option<f64> {
        let (_, captured) = self.stamp?;
        // The stamp holds the low 32 bits of UNIX ms: compare modulo 2^32.
        let now_low = self.arrival_ms.rem_euclid(4_294_967_296.0);
        let mut d = now_low - captured as f64;
        if d < -2_147_483_648.0 {
            d += 4_294_967_296.0;
        }
        (-5.0..60_000.0).contains(&d).then_some(d)
    }
}

/// Frames one engine rendered (custom render, I420).
#[derive(Default)]
pub struct FrameLog {
    pub frames: Mutex<Vec<Rendered>>,
    changed: Condvar,
}

impl FrameLog {
    pub fn len(&self) -> usize {
        self.frames.lock().len()
    }

    /// Waits until `n` frames arrived; false on timeout.
    pub fn wait_frames(&self, n: usize, timeout: Duration) -> bool {
        crate::harness::wait_len(&self.frames, &self.changed, n, timeout)
    }

    pub fn first_at(&self) -> Option<Instant> {
        self.frames.lock().first().map(|f| f.at)
    }
}

unsafe extern "C" fn on_frame(
    _stream_id: *const c_char,
    data: *mut *mut u8,
    lengths: *mut u32,
    param: zego_video_frame_param,
    ctx: *mut c_void,
) {
    let arrival_ms = unix_ms_f64();
    let at = Instant::now();
    let log = &*(ctx as *const FrameLog);
    let y = std::slice::from_raw_parts(*data, *lengths as usize);
    let stamp = read_stamp(y, param.strides[0] as usize, param.width as u32, param.height as u32)
        .map(|s| (s.index, s.capture_time_ms));
    log.frames.lock().push(Rendered { stamp, arrival_ms, at, width: param.width, height: param.height });
    log.changed.notify_all();
}

unsafe extern "C" fn on_audio(_data: *const u8, _length: u32, _param: zego_audio_frame_param, _ctx: *mut c_void) {}

/// Makes `c` record rendered remote frames (custom render, I420, engine render off).
pub fn record_frames(c: &Client) -> Arc<FrameLog> {
    let log = Arc::new(FrameLog::default());
    let ctx = Arc::as_ptr(&log) as *mut c_void;
    let config =
        zego_custom_video_render_config { buffer_type: 1, frame_format_series: 1, enable_engine_render: false };
    assert_eq!(zego_enable_custom_video_render(c.engine, true, &config), 0);
    assert_eq!(zego_register_custom_video_render_remote_frame_data_callback(c.engine, Some(on_frame), ctx), 0);
    c.contexts.lock().push(log.clone());
    log
}

/// Also consumes the played audio as a host would (audio observer, 48 kHz mono).
#[allow(dead_code)]
pub fn observe_audio(c: &Client) {
    assert_eq!(zego_register_playback_audio_data_callback(c.engine, Some(on_audio), ptr::null_mut()), 0);
    let param = zego_audio_frame_param { sample_rate: 48_000, channel: 1 };
    assert_eq!(zego_start_audio_data_observer(c.engine, 2, param), 0);
}

/// ZEGO-style video config at `w`x`h`, `fps`, `kbps`, keyframe every 2 s.
pub fn video_config(w: i32, h: i32, fps: i32, kbps: i32) -> zego_video_config {
    zego_video_config {
        capture_width: w,
        capture_height: h,
        encode_width: w,
        encode_height: h,
        fps,
        bitrate: kbps,
        codec_id: 0,
        key_frame_interval: 2,
    }
}

/// The bitrate used for a size: ZEGO's presets (360p 600 kbps, 720p 1500 kbps).
pub fn preset_kbps(w: i32, h: i32) -> i32 {
    match w * h {
        a if a <= 320 * 180 => 300,
        a if a <= 640 * 360 => 600,
        a if a <= 960 * 540 => 1200,
        a if a <= 1280 * 720 => 1500,
        _ => 3000,
    }
}

/// An engine of the dev app at `url`.
pub fn client(url: &str, user: &str) -> Client {
    Client::with_sign(url, user, Some(DEV_APP_SIGN))
}

/// Times of recorded events: the hook runs on the engine's callback thread.
#[derive(Default)]
pub struct EventTimes {
    pub events: Mutex<Vec<(Instant, Ev)>>,
}

impl EventTimes {
    /// When the first event matching `pred` was seen.
    pub fn first(&self, pred: impl Fn(&Ev) -> bool) -> Option<Instant> {
        self.events.lock().iter().find(|(_, e)| pred(e)).map(|(t, _)| *t)
    }
}

/// Records the time of every event of `c` from now on.
pub fn time_events(c: &Client) -> Arc<EventTimes> {
    let times = Arc::new(EventTimes::default());
    let t = times.clone();
    *c.rec.hook.lock() = Some(Box::new(move |e: &Ev| t.events.lock().push((Instant::now(), e.clone()))));
    times
}

/// Starts publishing the virtual camera and microphone of channel 0 as `stream`.
pub fn publish(c: &Client, stream: &str, w: i32, h: i32, fps: i32) {
    assert_eq!(zego_set_video_config(c.engine, &video_config(w, h, fps, preset_kbps(w, h)), 0), 0);
    assert_eq!(zego_start_preview(c.engine, ptr::null(), 0), 0);
    assert_eq!(c.publish(stream), 0, "start_publishing_stream");
}

/// Waits until `stream` is PUBLISHING and its first video frame was sent.
pub fn wait_publishing(c: &Client) {
    c.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    c.wait(|e| matches!(e, Ev::Media(m) if m.starts_with("publisher_send_video_first_frame")));
}

/// Waits until the room shows `stream` (from the login snapshot or an update).
pub fn wait_stream(c: &Client, stream: &str, timeout: Duration) -> bool {
    c.wait_for(
        timeout,
        |e| matches!(e, Ev::Streams { add: true, streams, .. } if streams.iter().any(|s| s.1 == stream)),
    )
    .is_some()
}

/// Stops everything and logs out (the engine itself goes with the Client's drop).
pub fn hang_up(c: &Client, stream: Option<&str>, played: Option<&str>) {
    if let Some(s) = played {
        zego_stop_playing_stream(c.engine, crate::harness::cs(s).as_ptr());
    }
    if stream.is_some() {
        zego_stop_publishing_stream(c.engine, 0);
        zego_stop_preview(c.engine, 0);
    }
    zego_logout_room(c.engine, ptr::null(), ptr::null_mut());
}

pub fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
