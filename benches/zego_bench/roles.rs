//! Child roles: this binary re-executed as a server, an engine or an idle
//! engine. A role prints JSON lines with an "event" key on stdout and ends
//! when its stdin closes (or its work is done).

use std::ffi::CString;
use std::ptr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;
use zego_express::ffi::*;

use crate::engine::{self, record_frames, Rendered};
use crate::latency::summarize;
use crate::util::{self, parse_size, pin_process_to_cpu, proc_sample, r2, stdin_closed_flag, Args};

fn event(v: serde_json::Value) {
    println!("{v}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
}

/// The embedded server (the same server as the zego-server binary) on 127.0.0.1.
pub fn server(args: &Args) {
    let closed = stdin_closed_flag();
    let mut ptr = ptr::null_mut();
    let addr = CString::new(args.get("listen").unwrap_or("127.0.0.1:0")).unwrap();
    assert_eq!(zego_local_server_start(addr.as_ptr(), ptr::null(), &mut ptr), 0);
    if let Some(cpu) = args.get("cpu").and_then(|c| c.parse().ok()) {
        // Every thread of the process, the runtime's workers included, on one core.
        pin_process_to_cpu(cpu);
    }
    let url = engine::text(zego_local_server_url(ptr));
    event(json!({"event": "listening", "url": url, "pid": std::process::id()}));
    while !closed.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    zego_local_server_stop(ptr);
}

/// An engine that publishes and/or plays; with `--frames N` it ends after N
/// rendered frames (after `--warmup`), else when stdin closes.
pub fn engine_role(args: &Args) {
    let closed = stdin_closed_flag();
    let url = args.get("url").expect("--url");
    let user = args.get("user").unwrap_or("benchuser");
    let room = args.get("room").unwrap_or("bench");
    let (w, h) = parse_size(args.get("size").unwrap_or("640x360"));
    let fps: i32 = args.num("fps", 30);
    let frames: usize = args.num("frames", 0);
    let warmup: usize = args.num("warmup", 30);
    let publish = args.get("publish");
    let play = args.get("play");
    let c = engine::client(url, user);
    c.login(room);
    if let Some(stream) = publish {
        engine::publish(&c, stream, w, h, fps);
        engine::wait_publishing(&c);
        event(json!({"event": "publishing"}));
    }
    let mut log = None;
    if let Some(stream) = play {
        if !engine::wait_stream(&c, stream, Duration::from_secs(30)) {
            event(json!({"event": "error", "error": "stream never appeared"}));
            return;
        }
        let l = record_frames(&c);
        engine::observe_audio(&c);
        assert_eq!(c.play(stream), 0);
        if !l.wait_frames(1, Duration::from_secs(20)) {
            event(json!({"event": "error", "error": "no frame in 20 s"}));
            return;
        }
        event(json!({"event": "first_frame"}));
        log = Some(l);
    }
    let mut cpu0 = None;
    loop {
        if let Some(l) = &log {
            if cpu0.is_none() && l.len() >= warmup {
                cpu0 = Some(proc_sample("self"));
            }
            if frames > 0 && l.len() >= warmup + frames {
                break;
            }
        }
        if closed.load(Ordering::SeqCst) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let end = proc_sample("self");
    let mut result = json!({"event": "result", "peak_rss_mb": util::mib(end.hwm_kb), "rss_mb": util::mib(end.rss_kb)});
    if let Some(l) = &log {
        let take = if frames > 0 { frames } else { usize::MAX };
        let got: Vec<Rendered> = l.frames.lock().iter().skip(warmup).take(take).copied().collect();
        let s = summarize(&got, fps);
        result.as_object_mut().unwrap().extend(s.as_object().unwrap().clone());
        if let Some(c0) = cpu0 {
            result["cpu_per_s"] = json!(r2(c0.cpu_per_s(&end)));
        }
    }
    event(result);
    engine::hang_up(&c, publish, play);
    drop(c);
}

/// RSS of an idle engine: before creating it, created, logged in and idle.
pub fn idle(args: &Args) {
    let url = args.get("url").expect("--url");
    let settle = Duration::from_secs(args.num("settle", 3));
    let before = proc_sample("self");
    let created_at = Instant::now();
    let c = engine::client(url, "idleuser");
    let create_ms = created_at.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(Duration::from_secs(1));
    let created = proc_sample("self");
    c.login("idle");
    std::thread::sleep(settle);
    let logged0 = proc_sample("self");
    std::thread::sleep(settle);
    let logged1 = proc_sample("self");
    event(json!({
        "event": "result",
        "rss_mb_before_engine": util::mib(before.rss_kb),
        "rss_mb_engine_created": util::mib(created.rss_kb),
        "rss_mb_logged_in_idle": util::mib(logged1.rss_kb),
        "engine_rss_mb": util::mib(logged1.rss_kb.saturating_sub(before.rss_kb)),
        "threads_before": before.threads,
        "threads_idle": logged1.threads,
        "fds_idle": logged1.fds,
        "idle_cpu_per_s": r2(logged0.cpu_per_s(&logged1)),
        "create_engine_ms": r2(create_ms),
    }));
    engine::hang_up(&c, None, None);
    drop(c);
}
