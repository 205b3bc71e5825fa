//! Glass-to-glass video latency from the virtual camera's stamps (DESIGN.md
//! section 7): capture time stamped into the frame by the publisher, read back
//! from the frame the player's host receives in its render callback.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use zego_express::ffi::*;
use zego_express::media::frame::VideoFrame;
use zego_express::media::pattern::draw_test_pattern;
use zego_express::media::stamp::draw_stamp;

use crate::engine::{self, record_frames, Rendered};
use crate::harness::Server;
use crate::note;
use crate::util::{self, dist, emit, parse_size, proc_sample, r2, Args, RoleChild};

/// Latency and delivery figures of rendered frames (after `warmup` frames).
pub fn summarize(frames: &[Rendered], fps: i32) -> Value {
    let lat: Vec<f64> = frames.iter().filter_map(Rendered::latency_ms).collect();
    let stamped: Vec<u32> = frames.iter().filter_map(|f| f.stamp.map(|s| s.0)).collect();
    // Frames the camera produced in the window that never rendered.
    let skipped: u64 = stamped.windows(2).map(|w| u64::from(w[1].wrapping_sub(w[0]).saturating_sub(1))).sum();
    let gaps: Vec<f64> = frames.windows(2).map(|w| w[1].at.duration_since(w[0].at).as_secs_f64() * 1000.0).collect();
    let wall = match (frames.first(), frames.last()) {
        (Some(a), Some(b)) => b.at.duration_since(a.at).as_secs_f64(),
        _ => 0.0,
    };
    let size = frames.last().map(|f| format!("{}x{}", f.width, f.height)).unwrap_or_default();
    json!({
        "frames": frames.len(),
        "unreadable_stamps": frames.len() - stamped.len(),
        "frames_not_rendered": skipped,
        "render_fps": r2(if wall > 0.0 { (frames.len() - 1) as f64 / wall } else { 0.0 }),
        "expected_fps": fps,
        "size": size,
        "latency_ms": dist(&lat),
        "frame_interval_ms": dist(&gaps),
    })
}

/// Both engines and the server in this process.
pub fn one_process(args: &Args) {
    let (w, h) = parse_size(args.get("size").unwrap_or("640x360"));
    let fps: i32 = args.num("fps", 30);
    let n: usize = args.num("frames", 300);
    let warmup: usize = args.num("warmup", 30);
    note!("latency, one process: {w}x{h}@{fps}, {n} frames after {warmup}");
    let server = Server::start();
    let url = server.url();
    let custom = args.flag("custom-capture");
    let publisher = engine::client(&url, "latpub");
    publisher.login("lat");
    let feeder = if custom {
        // The host sends stamped frames itself: the stamp is taken right before the call,
        // so the virtual camera's drawing time is not part of the figure.
        let config = zego_custom_video_capture_config { buffer_type: 1 };
        assert_eq!(zego_enable_custom_video_capture(publisher.engine, true, &config, 0), 0);
        let vc = engine::video_config(w, h, fps, engine::preset_kbps(w, h));
        assert_eq!(zego_set_video_config(publisher.engine, &vc, 0), 0);
        assert_eq!(publisher.publish("lat"), 0);
        Some(Feeder::start(publisher.engine, w as u32, h as u32, fps as u32))
    } else {
        engine::publish(&publisher, "lat", w, h, fps);
        None
    };
    engine::wait_publishing(&publisher);
    let player = engine::client(&url, "latplay");
    player.login("lat");
    assert!(engine::wait_stream(&player, "lat", Duration::from_secs(10)));
    let log = record_frames(&player);
    engine::observe_audio(&player);
    assert_eq!(player.play("lat"), 0);
    let timeout = Duration::from_secs_f64((n + warmup) as f64 / fps as f64 * 3.0 + 20.0);
    assert!(log.wait_frames(warmup, timeout), "warm-up frames");
    let cpu0 = proc_sample("self");
    let ok = log.wait_frames(warmup + n, timeout);
    let cpu1 = proc_sample("self");
    let frames: Vec<Rendered> = log.frames.lock().iter().skip(warmup).take(n).copied().collect();
    if !ok {
        note!("only {} frames arrived", frames.len());
    }
    let mut m = summarize(&frames, fps);
    m["cpu_per_s_process"] = json!(r2(cpu0.cpu_per_s(&cpu1)));
    m["peak_rss_mb_process"] = json!(util::mib(cpu1.hwm_kb));
    m["processes"] = json!("server + publisher + player in one process");
    let source = if custom { "custom capture (I420 from the host)" } else { "virtual camera" };
    m["source"] = json!(source);
    let case = if custom { "one_process custom_capture" } else { "one_process" };
    emit("latency", &format!("{case} {w}x{h}@{fps}"), m);
    engine::hang_up(&player, None, Some("lat"));
    drop(feeder);
    engine::hang_up(&publisher, Some("lat"), None);
    drop(player);
    drop(publisher);
    server.stop();
}

/// Server, publisher and player each in its own process (this binary in roles).
pub fn two_process(args: &Args) {
    let size = args.get("size").unwrap_or("640x360").to_owned();
    let (w, h) = parse_size(&size);
    let fps: i32 = args.num("fps", 30);
    let n: usize = args.num("frames", 300);
    let warmup: usize = args.num("warmup", 30);
    note!("latency, separate processes: {w}x{h}@{fps}, {n} frames after {warmup}");
    let server = RoleChild::spawn("server", &["role".into(), "server".into()]);
    let url = server.wait_for("event", "listening", Duration::from_secs(10)).expect("server up")["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = |v: &str| v.to_owned();
    let publisher = RoleChild::spawn(
        "publisher",
        &[s("role"), s("engine"), s("--url"), url.clone(), s("--user"), s("lat2pub"), s("--room"), s("lat2")]
            .into_iter()
            .chain([s("--publish"), s("lat2"), s("--size"), size.clone(), s("--fps"), fps.to_string()])
            .collect::<Vec<_>>(),
    );
    publisher.wait_for("event", "publishing", Duration::from_secs(20)).expect("publisher up");
    let player = RoleChild::spawn(
        "player",
        &[s("role"), s("engine"), s("--url"), url.clone(), s("--user"), s("lat2play"), s("--room"), s("lat2")]
            .into_iter()
            .chain([s("--play"), s("lat2"), s("--fps"), fps.to_string()])
            .chain([s("--frames"), n.to_string(), s("--warmup"), warmup.to_string()])
            .collect::<Vec<_>>(),
    );
    let timeout = Duration::from_secs_f64((n + warmup) as f64 / fps as f64 * 3.0 + 30.0);
    let started = Instant::now();
    let result = player.wait_for("event", "result", timeout);
    let _ = player.finish(Duration::from_secs(10));
    let _ = publisher.finish(Duration::from_secs(10));
    let _ = server.finish(Duration::from_secs(10));
    match result {
        Some(mut r) => {
            let obj = r.as_object_mut().unwrap();
            obj.remove("event");
            obj.insert("processes".into(), json!("server, publisher and player in 3 processes"));
            emit("latency", &format!("three_processes {w}x{h}@{fps}"), r);
        }
        None => note!("the player gave no result in {:?}", started.elapsed()),
    }
}

/// A host thread sending stamped I420 frames through custom capture, paced at `fps`.
struct Feeder {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct EnginePtr(*mut zego_engine);
// SAFETY: the engine handle may be used from any thread (C ABI contract).
unsafe impl Send for EnginePtr {}

impl Feeder {
    fn start(engine: *mut zego_engine, w: u32, h: u32, fps: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let engine = EnginePtr(engine);
        let thread = std::thread::spawn(move || {
            let engine = engine;
            // Pre-drawn pattern frames: drawing is not part of what is measured.
            let frames: Vec<VideoFrame> = (0..60u64)
                .map(|i| {
                    let mut f = VideoFrame::black(w, h);
                    draw_test_pattern(&mut f, i);
                    f
                })
                .collect();
            let param = zego_video_frame_param {
                format: 1, // I420
                strides: [w as i32, w.div_ceil(2) as i32, w.div_ceil(2) as i32, 0],
                width: w as i32,
                height: h as i32,
                rotation: 0,
            };
            let period = Duration::from_secs(1) / fps;
            let start = Instant::now();
            let mut i = 0u32;
            let mut data = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                let mut f = frames[i as usize % frames.len()].clone();
                draw_stamp(&mut f, i, zego_express::media::unix_time_ms() as u32);
                data.clear();
                data.extend_from_slice(&f.y);
                data.extend_from_slice(&f.u);
                data.extend_from_slice(&f.v);
                zego_send_custom_video_capture_raw_data(engine.0, data.as_ptr(), data.len() as u32, param, 0, 0);
                i += 1;
                std::thread::sleep((start + period * i).saturating_duration_since(Instant::now()));
            }
        });
        Self { stop, thread: Some(thread) }
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
