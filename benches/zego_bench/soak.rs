//! Soak: N cycles of create engine, login, publish, play, stop, logout,
//! destroy in this process against a server in its own process. RSS and open
//! file descriptors of both, before (after a warm-up) and after.

use std::ffi::c_void;
use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, Instant};

use serde_json::json;
use zego_express::ffi::*;

use crate::call::start_server;
use crate::engine::{self, record_frames};
use crate::harness::Ev;
use crate::note;
use crate::util::{dist, emit, mib, proc_sample, r2, Args, ProcSample};

unsafe extern "C" fn on_destroyed(ctx: *mut c_void) {
    let tx = Box::from_raw(ctx as *mut Sender<()>);
    let _ = tx.send(());
}

/// Least-squares slope of y over x.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let num: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let den: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

pub fn run(args: &Args) {
    let cycles: usize = args.num("cycles", 500);
    // glibc gives threads their own malloc arenas (up to 8 per core); engines start
    // and end threads, so arenas fill up before RSS settles. `--arena-max 2` caps them
    // (as MALLOC_ARENA_MAX=2 would) to tell arena growth from a leak.
    let arena_max: i32 = args.num("arena-max", 0);
    if arena_max > 0 {
        unsafe { libc::mallopt(libc::M_ARENA_MAX, arena_max) };
    }
    let warmup: usize = args.num("warmup", (cycles / 10).clamp(5, 20));
    let (server, url) = start_server(&[]);
    note!("soak: {cycles} cycles (warm-up {warmup}) against a server process");
    // A long-lived publisher (its own process would also do; here it is part of the soaked one).
    let base = engine::client(&url, "soakbase");
    base.login("soak");
    engine::publish(&base, "soakbase", 320, 180, 15);
    engine::wait_publishing(&base);

    let start_self = proc_sample("self");
    let start_server_s = server.sample();
    let mut warm: Option<(ProcSample, ProcSample)> = None;
    let mut cycle_ms = Vec::new();
    let mut rss_points = Vec::new();
    let mut failures = 0;
    for i in 0..cycles {
        let t = Instant::now();
        let c = engine::client(&url, &format!("soak{i}"));
        let log = record_frames(&c);
        c.login("soak");
        let stream = format!("soak{i}");
        engine::publish(&c, &stream, 320, 180, 15);
        assert_eq!(c.play("soakbase"), 0);
        let ok_frame = log.wait_frames(1, Duration::from_secs(10));
        let ok_pub = c
            .wait_for(
                Duration::from_secs(10),
                |e| matches!(e, Ev::Media(m) if m.starts_with("publisher_send_video_first_frame")),
            )
            .is_some();
        if !(ok_frame && ok_pub) {
            failures += 1;
            note!("cycle {i}: frame {ok_frame}, published {ok_pub}");
        }
        engine::hang_up(&c, Some(&stream), Some("soakbase"));
        c.wait_for(Duration::from_secs(5), |e| matches!(e, Ev::RoomState { reason: 7, .. }));
        let (tx, rx) = channel::<()>();
        let ctx = Box::into_raw(Box::new(tx)) as *mut c_void;
        assert_eq!(zego_destroy_engine(c.engine, Some(on_destroyed), ctx), 0);
        let _ = rx.recv_timeout(Duration::from_secs(10));
        drop(c); // its own destroy now finds no engine (1000001) and frees the recorders
        cycle_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if i + 1 == warmup {
            std::thread::sleep(Duration::from_millis(500));
            warm = Some((proc_sample("self"), server.sample()));
        }
        if (i + 1) % 10 == 0 {
            rss_points.push(((i + 1) as f64, proc_sample("self").rss_kb as f64));
            if (i + 1) % 100 == 0 {
                note!("soak: {} cycles", i + 1);
            }
        }
    }
    // Let closes and the server's session expiry settle.
    std::thread::sleep(Duration::from_secs(2));
    let end_self = proc_sample("self");
    let end_server = server.sample();
    let (warm_self, warm_server) = warm.unwrap_or((start_self, start_server_s));
    let rss_trace: Vec<f64> = rss_points.iter().map(|(_, kb)| mib(*kb as u64)).collect();
    let measured: Vec<(f64, f64)> = rss_points.into_iter().filter(|(x, _)| *x > warmup as f64).collect();
    let per_cycle_kb = slope(&measured);
    let late_slope = slope(&measured[measured.len() / 2..]);
    let rss_growth_mb = mib(end_self.rss_kb) - mib(warm_self.rss_kb);
    let fd_growth = end_self.fds as i64 - warm_self.fds as i64;
    // Bounds stated up front (BENCHMARKS.md): fds back to the warm-up count (+-4),
    // RSS growth under 16 MiB after the warm-up, and under 8 KiB per cycle over the
    // second half of the run (allocator arenas fill up in the first half).
    // Allocator arenas take a few hundred cycles to fill: shorter runs (quick mode) judge
    // descriptors only.
    let rss_judged = cycles >= 200;
    let within = fd_growth.abs() <= 4 && (!rss_judged || (rss_growth_mb < 16.0 && late_slope < 8.0));
    emit(
        "soak",
        &format!(
            "{cycles} cycles, engine process{}",
            if arena_max > 0 { format!(", {arena_max} malloc arenas") } else { String::new() }
        ),
        json!({
            "cycles": cycles,
            "warmup_cycles": warmup,
            "failed_cycles": failures,
            "cycle_ms": dist(&cycle_ms),
            "rss_mb_start": mib(start_self.rss_kb),
            "rss_mb_after_warmup": mib(warm_self.rss_kb),
            "rss_mb_end": mib(end_self.rss_kb),
            "rss_growth_mb_after_warmup": r2(rss_growth_mb),
            "rss_slope_kb_per_cycle": r2(per_cycle_kb),
            "fds_start": start_self.fds,
            "fds_after_warmup": warm_self.fds,
            "fds_end": end_self.fds,
            "threads_start": start_self.threads,
            "threads_end": end_self.threads,
            "rss_mb_every_10_cycles": rss_trace,
            "malloc_arena_max": if arena_max > 0 { arena_max.to_string() } else { "glibc default (8 per core)".into() },
            "rss_slope_kb_per_cycle_second_half": r2(late_slope),
            "bound": "fds +-4; RSS < 16 MiB growth after warm-up and < 8 KiB/cycle over the second half",
            "within_bound": within,
            "bound_judged_on": if rss_judged { "fds and RSS" } else { "fds only (RSS needs >= 200 cycles)" },
        }),
    );
    let server_fd_growth = end_server.fds as i64 - warm_server.fds as i64;
    let server_rss_growth = mib(end_server.rss_kb) - mib(warm_server.rss_kb);
    emit(
        "soak",
        &format!("{cycles} cycles, server process{}", if arena_max > 0 { " (its default arenas)" } else { "" }),
        json!({
            "rss_mb_start": mib(start_server_s.rss_kb),
            "rss_mb_after_warmup": mib(warm_server.rss_kb),
            "rss_mb_end": mib(end_server.rss_kb),
            "rss_growth_mb_after_warmup": r2(server_rss_growth),
            "fds_start": start_server_s.fds,
            "fds_after_warmup": warm_server.fds,
            "fds_end": end_server.fds,
            "threads_start": start_server_s.threads,
            "threads_end": end_server.threads,
            "bound": "fds +-4, RSS < 16 MiB growth after warm-up",
            "within_bound": server_fd_growth.abs() <= 4 && server_rss_growth < 16.0,
        }),
    );
    engine::hang_up(&base, Some("soakbase"), None);
    drop(base);
    let _ = server.finish(Duration::from_secs(10));
}
