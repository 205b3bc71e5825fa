//! SFU fan-out: one publisher (360p30 ~600 kbps H.264 + 48 kbps Opus) to N
//! subscribers that receive and decrypt but do not decode. The server runs in
//! its own process pinned to one core; the load generator (publisher and
//! subscribers, this process) is pinned to the other core when there is one.
//! With `--janus` the same load then runs against Janus 1.1.2 (VideoRoom).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::call::start_server;
use crate::janus::JanusProcess;
use crate::loadgen::{Publisher, Source, Subscriber, Target};
use crate::note;
use crate::util::{cpu_count, dist, emit, mib, pin_to_cpu, proc_sample, r2, Args, ProcSample};

const ROOM: &str = "fanout";
const STREAM: &str = "fan";

/// The host's primary non-loopback IPv4 address (Janus does not gather on loopback).
fn host_ip() -> Option<Ipv4Addr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?; // no packet is sent: this only picks a route
    match socket.local_addr().ok()?.ip() {
        IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

pub fn run(args: &Args) {
    let ns: Vec<usize> =
        args.get("subscribers").unwrap_or("10,50").split(',').filter_map(|n| n.trim().parse().ok()).collect();
    let seconds: f64 = args.num("seconds", 15.0);
    let pin = cpu_count() >= 2 && !args.flag("no-pin");
    if pin {
        pin_to_cpu(0);
    }
    let source = Arc::new(Source::new(640, 360, 600, 4));
    note!("source: video {:.0} kbps, audio {:.0} kbps", source.video_kbps, source.audio_kbps);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut results = Vec::new();
    if !args.flag("janus-only") {
        let server_args: Vec<String> = if pin { vec!["--cpu".into(), "1".into()] } else { vec![] };
        let (server, url) = start_server(&server_args);
        note!("fan-out zego-server: N = {ns:?}, {seconds} s windows, server pinned to CPU 1: {pin}");
        let target = Target::Zego { url };
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let r = rt.block_on(fan("zego-server", &target, ip, &ns, seconds, &source, pin, &|| server.sample()));
        results.push(("zego-server", r));
        let _ = server.finish(Duration::from_secs(10));
    }
    if args.flag("janus") || args.flag("janus-only") {
        match (JanusProcess::available(), host_ip()) {
            (true, Some(ip)) => {
                let port = args.num("janus-port", 18188u16);
                match JanusProcess::start(port, pin.then_some(1), &ip.to_string()) {
                    Ok(janus) => {
                        note!(
                            "fan-out Janus 1.1.2 at {} (ICE on {ip}), pinned to CPU 1: {pin}; log {}",
                            janus.url,
                            janus.log_path().display()
                        );
                        let target = Target::Janus { url: janus.url.clone(), feed: Arc::default() };
                        let r = rt.block_on(fan("janus", &target, IpAddr::V4(ip), &ns, seconds, &source, pin, &|| {
                            janus.sample()
                        }));
                        results.push(("janus", r));
                    }
                    Err(e) => note!("Janus did not start: {e}"),
                }
            }
            (false, _) => note!("janus is not installed (apt-get install janus): skipping the comparison"),
            (_, None) => note!("no non-loopback IPv4 address for Janus's ICE: skipping the comparison"),
        }
    }
    if let [(_, zego), (_, janus)] = results.as_slice() {
        for (z, j) in zego.iter().zip(janus) {
            if z.n != j.n {
                continue;
            }
            emit(
                "fanout",
                &format!("side by side N={}", z.n),
                json!({
                    "zego_server_cpu_per_s": r2(z.cpu),
                    "janus_cpu_per_s": r2(j.cpu),
                    "zego_cpu_ms_per_subscriber": r2(z.cpu_per_sub_ms),
                    "janus_cpu_ms_per_subscriber": r2(j.cpu_per_sub_ms),
                    "cpu_ratio_zego_over_janus": r2(z.cpu / j.cpu.max(1e-9)),
                    "zego_loss_pct": r2(z.loss_pct),
                    "janus_loss_pct": r2(j.loss_pct),
                    "zego_audio_one_way_ms_p50": r2(z.delay_p50),
                    "janus_audio_one_way_ms_p50": r2(j.delay_p50),
                }),
            );
        }
    }
}

/// What one N measured, for the side-by-side lines.
pub struct FanResult {
    pub n: usize,
    pub cpu: f64,
    pub cpu_per_sub_ms: f64,
    pub loss_pct: f64,
    pub delay_p50: f64,
}

#[allow(clippy::too_many_arguments)]
async fn fan(
    label: &str,
    target: &Target,
    ip: IpAddr,
    ns: &[usize],
    seconds: f64,
    source: &Arc<Source>,
    pinned: bool,
    server: &dyn Fn() -> ProcSample,
) -> Vec<FanResult> {
    let mut out = Vec::new();
    let publisher = match Publisher::start(target, ip, ROOM, STREAM, source.clone()).await {
        Ok(p) => p,
        Err(e) => {
            note!("{label}: the publisher did not connect: {e}");
            return out;
        }
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Baseline: the publisher alone.
    let (s0, l0) = (server(), proc_sample("self"));
    tokio::time::sleep(Duration::from_secs_f64(seconds.min(5.0))).await;
    let (s1, l1) = (server(), proc_sample("self"));
    let baseline = s0.cpu_per_s(&s1);
    emit(
        "fanout",
        &format!("{label} N=0 (publisher only)"),
        json!({"server_cpu_per_s": r2(baseline), "server_rss_mb": mib(s1.rss_kb), "loadgen_cpu_per_s": r2(l0.cpu_per_s(&l1)),
            "video_kbps": r2(source.video_kbps), "audio_kbps": r2(source.audio_kbps)}),
    );
    let mut subs: Vec<Subscriber> = Vec::new();
    let mut failed = 0usize;
    let mut sustained = 0usize;
    for &n in ns {
        let setup = std::time::Instant::now();
        let mut give_up = false;
        while subs.len() < n && !give_up {
            let batch: Vec<_> = (subs.len()..n.min(subs.len() + 8))
                .map(|i| {
                    let target = target.clone();
                    let p = (source.clone(), publisher.audio_sent.clone(), publisher.base);
                    tokio::spawn(
                        async move { Subscriber::start(&target, ip, ROOM, &format!("lgsub{i}"), STREAM, p).await },
                    )
                })
                .collect();
            for b in batch {
                match b.await.expect("join") {
                    Ok(s) => subs.push(s),
                    Err(e) => {
                        failed += 1;
                        note!("{label}: subscriber failed: {e}");
                        if failed > n / 5 + 5 {
                            note!("{label}: too many failures; stopping at {}", subs.len());
                            give_up = true;
                        }
                    }
                }
            }
        }
        let setup_s = setup.elapsed().as_secs_f64();
        // Warm-up: every new subscriber past its first keyframe.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let marks = |subs: &[Subscriber]| -> Vec<((i64, u64), (i64, u64))> {
            subs.iter().map(|s| (s.stats.video.lock().mark(), s.stats.audio.lock().mark())).collect()
        };
        for s in &subs {
            s.stats.audio_delay_us.lock().clear();
        }
        publisher.video_write_ms.lock().clear();
        let m0 = marks(&subs);
        let busy0 = crate::util::machine_busy_s();
        let (s0, l0) = (server(), proc_sample("self"));
        let frames0 = publisher.video_frames.load(std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
        let m1 = marks(&subs);
        let (s1, l1) = (server(), proc_sample("self"));
        let busy1 = crate::util::machine_busy_s();
        let frames1 = publisher.video_frames.load(std::sync::atomic::Ordering::Relaxed);
        let mut lost_per_sub = Vec::new();
        let mut loss_pct = Vec::new();
        let (mut expected_all, mut lost_all, mut silent) = (0i64, 0i64, 0usize);
        for (a, b) in m0.iter().zip(&m1) {
            let exp = (b.0 .0 - a.0 .0) + (b.1 .0 - a.1 .0);
            let got = (b.0 .1 - a.0 .1) as i64 + (b.1 .1 - a.1 .1) as i64;
            if got == 0 {
                silent += 1;
            }
            let lost = (exp - got).max(0);
            expected_all += exp;
            lost_all += lost;
            lost_per_sub.push(lost as f64);
            loss_pct.push(if exp > 0 { lost as f64 * 100.0 / exp as f64 } else { 100.0 });
        }
        let delays: Vec<f64> = subs
            .iter()
            .flat_map(|s| s.stats.audio_delay_us.lock().iter().map(|&d| d as f64 / 1000.0).collect::<Vec<_>>())
            .collect();
        let cpu = s0.cpu_per_s(&s1);
        let loss_all_pct = if expected_all > 0 { lost_all as f64 * 100.0 / expected_all as f64 } else { 100.0 };
        let n_real = subs.len();
        let pkts_per_sub_s = if n_real > 0 { expected_all as f64 / n_real as f64 / seconds } else { 0.0 };
        let loadgen = l0.cpu_per_s(&l1);
        // CPU that neither the server nor the load generator used: other work on the machine.
        let wall = s1.at.unwrap().duration_since(s0.at.unwrap()).as_secs_f64();
        let foreign = ((busy1 - busy0) / wall - cpu - loadgen).max(0.0);
        let publisher_fps = (frames1 - frames0) as f64 / seconds;
        // The window measures the SFU only if the load generator kept up.
        let valid = publisher_fps >= 29.5 && !(pinned && loadgen > 0.9);
        let ok = valid && loss_all_pct < 1.0 && silent == 0 && cpu < 0.95 && n_real == n;
        if ok {
            sustained = sustained.max(n);
        }
        let per_sub_ms = (cpu - baseline) * 1000.0 / n_real.max(1) as f64;
        emit(
            "fanout",
            &format!("{label} N={n}"),
            json!({
                "subscribers": n_real,
                "failed_to_connect": failed,
                "setup_s": r2(setup_s),
                "server_cpu_per_s": r2(cpu),
                "server_cpu_ms_per_s_per_subscriber": r2(per_sub_ms),
                "server_rss_mb": mib(s1.rss_kb),
                "server_threads": s1.threads,
                "loadgen_cpu_per_s": r2(loadgen),
                "loadgen_saturated": pinned && loadgen > 0.9,
                "packets_per_subscriber_per_s": r2(pkts_per_sub_s),
                "lost_packets_per_subscriber": dist(&lost_per_sub),
                "loss_pct_per_subscriber": dist(&loss_pct),
                "loss_pct_all": r2(loss_all_pct),
                "subscribers_receiving_nothing": silent,
                "publisher_fps": r2(publisher_fps),
                "other_processes_cpu_per_s": r2(foreign),
                "load_generator_kept_up": valid,
                "publisher_video_write_ms": dist(&publisher.video_write_ms.lock()),
                "keyframe_requests_total": publisher.keyframe_requests.load(std::sync::atomic::Ordering::Relaxed),
                "audio_one_way_ms_publisher_to_subscriber": dist(&delays),
                "sustained": ok,
            }),
        );
        out.push(FanResult {
            n,
            cpu,
            cpu_per_sub_ms: per_sub_ms,
            loss_pct: loss_all_pct,
            delay_p50: crate::util::percentile(&delays, 50.0),
        });
        if give_up {
            break;
        }
    }
    emit(
        "fanout",
        &format!("{label} largest N sustained (loss < 1%, server < 0.95 core)"),
        json!({"largest_n": sustained, "tested": ns, "server_pinned_to_one_core": pinned}),
    );
    for s in &subs {
        s.close().await;
    }
    publisher.close().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    out
}
