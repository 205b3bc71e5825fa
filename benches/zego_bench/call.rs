//! CPU and memory of a 1:1 call (360p30 + audio both ways) with the server and
//! each engine in its own process, and the RSS of an idle engine.

use std::time::Duration;

use serde_json::{json, Value};

use crate::note;
use crate::util::{emit, mib, r2, Args, RoleChild};

fn s(v: &str) -> String {
    v.to_owned()
}

/// Starts the server role and returns it with its URL.
pub fn start_server(extra: &[String]) -> (RoleChild, String) {
    let mut args = vec![s("role"), s("server")];
    args.extend_from_slice(extra);
    let server = RoleChild::spawn("server", &args);
    let url = server.wait_for("event", "listening", Duration::from_secs(10)).expect("server up")["url"]
        .as_str()
        .unwrap()
        .to_owned();
    (server, url)
}

pub fn one_to_one(args: &Args) {
    let seconds: f64 = args.num("seconds", 30.0);
    let size = args.get("size").unwrap_or("640x360").to_owned();
    let fps: i32 = args.num("fps", 30);
    note!("1:1 call {size}@{fps} + audio both ways for {seconds} s, 3 processes");
    let (server, url) = start_server(&[]);
    let engine_args = |me: &str, other: &str| -> Vec<String> {
        vec![
            s("role"),
            s("engine"),
            s("--url"),
            url.clone(),
            s("--user"),
            format!("call{me}"),
            s("--room"),
            s("call"),
            s("--publish"),
            format!("call{me}"),
            s("--play"),
            format!("call{other}"),
            s("--size"),
            size.clone(),
            s("--fps"),
            fps.to_string(),
            s("--warmup"),
            s("60"),
        ]
    };
    let a = RoleChild::spawn("engineA", &engine_args("a", "b"));
    let b = RoleChild::spawn("engineB", &engine_args("b", "a"));
    for c in [&a, &b] {
        c.wait_for("event", "first_frame", Duration::from_secs(30)).expect("media flows");
    }
    // Warm-up: both directions flowing, encoders past their first keyframes.
    std::thread::sleep(Duration::from_secs(2));
    let before = [server.sample(), a.sample(), b.sample()];
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let after = [server.sample(), a.sample(), b.sample()];
    let ra = a.finish(Duration::from_secs(10));
    let rb = b.finish(Duration::from_secs(10));
    let _ = server.finish(Duration::from_secs(10));
    let result = |lines: &[Value]| lines.iter().find(|v| v["event"] == "result").cloned().unwrap_or(Value::Null);
    let (ra, rb) = (result(&ra), result(&rb));
    let names = ["server", "engine A (publish a, play b)", "engine B (publish b, play a)"];
    let mut total = 0.0;
    for (i, name) in names.iter().enumerate() {
        let cpu = before[i].cpu_per_s(&after[i]);
        total += cpu;
        let mut m = json!({
            "cpu_s_per_s": r2(cpu),
            "peak_rss_mb": mib(after[i].hwm_kb),
            "rss_mb_end": mib(after[i].rss_kb),
            "threads": after[i].threads,
            "seconds": seconds,
        });
        let r = if i == 1 {
            &ra
        } else if i == 2 {
            &rb
        } else {
            &Value::Null
        };
        if !r.is_null() {
            m["render_fps"] = r["render_fps"].clone();
            m["latency_ms_p50"] = r["latency_ms"]["p50"].clone();
            m["latency_ms_p95"] = r["latency_ms"]["p95"].clone();
        }
        emit("call_1to1", &format!("{size}@{fps} {name}"), m);
    }
    emit(
        "call_1to1",
        &format!("{size}@{fps} all three processes"),
        json!({"cpu_s_per_s": r2(total), "seconds": seconds}),
    );
}

pub fn idle(args: &Args) {
    let (server, url) = start_server(&[]);
    let settle = args.num("settle", 3u64).to_string();
    let idle = RoleChild::spawn("idle", &[s("role"), s("idle"), s("--url"), url, s("--settle"), settle]);
    let r = idle.wait_for("event", "result", Duration::from_secs(60));
    let server_sample = server.sample();
    let _ = idle.finish(Duration::from_secs(10));
    let _ = server.finish(Duration::from_secs(10));
    if let Some(mut r) = r {
        r.as_object_mut().unwrap().remove("event");
        emit("idle_engine", "created + logged in, no media", r);
    }
    emit(
        "idle_server",
        "embedded server process, one idle session",
        json!({"rss_mb": mib(server_sample.rss_kb), "threads": server_sample.threads}),
    );
}
