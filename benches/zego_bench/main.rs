//! zego-bench: the benchmark suite of zego-express (issue 5, BENCHMARKS.md).
//!
//! Every benchmark is a subcommand that prints JSON lines on stdout (one per
//! result, `{"bench": ..., "case": ..., metrics...}`) and progress on stderr.
//! `all` runs each in a fresh child process of this binary, collects the
//! lines into `<out>/results.jsonl`, and prints a human table (also written
//! as `<out>/results.md`). Engines are driven through the C ABI exactly as a
//! host would (tests/c_abi/harness.rs); nothing here asserts a timing.
//!
//! ```text
//! cargo bench --bench zego-bench -- all [--quick] [--out DIR] [--only a,b] [--skip a,b]
//! cargo bench --bench zego-bench -- latency --size 1280x720 --frames 300 [--processes 3]
//! cargo bench --bench zego-bench -- first-frame --trials 20
//! cargo bench --bench zego-bench -- call --seconds 30 | idle | codec | soak --cycles 500
//! cargo bench --bench zego-bench -- fanout --subscribers 10,50 --seconds 10
//! cargo bench --bench zego-bench -- table target/bench/results.jsonl
//! ```

#[allow(dead_code, unused_imports)]
#[path = "../../tests/c_abi/harness.rs"]
mod harness;

mod call;
mod codec;
mod engine;
mod fanout;
mod first_frame;
mod janus;
mod latency;
mod loadgen;
mod roles;
mod soak;
mod util;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use util::{r2, Args, RoleChild};

fn usage() -> ! {
    eprintln!(
        "usage: zego-bench <all [--quick] [--out DIR] [--only LIST] [--skip LIST] | latency | first-frame | call | idle | \
         codec | soak | fanout | table FILE>  (see benches/zego_bench/main.rs)"
    );
    std::process::exit(2)
}

fn main() {
    // cargo bench appends --bench to the arguments of a harness = false target.
    let argv: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(cmd) = argv.first().cloned() else { usage() };
    let args = Args::parse(&argv[1..]);
    match cmd.as_str() {
        "all" => all(&args),
        "latency" => {
            if args.num("processes", 1) >= 2 {
                latency::two_process(&args)
            } else {
                latency::one_process(&args)
            }
        }
        "first-frame" => first_frame::run(&args),
        "call" => call::one_to_one(&args),
        "idle" => call::idle(&args),
        "codec" => codec::run(&args),
        "soak" => soak::run(&args),
        "fanout" => fanout::run(&args),
        "table" => {
            let path = argv.get(1).cloned().unwrap_or_else(|| usage());
            let text = std::fs::read_to_string(&path).expect("read the results file");
            let records: Vec<Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
            print!("{}", table(&records, false));
        }
        "role" => {
            let role = argv.get(1).cloned().unwrap_or_else(|| usage());
            let args = Args::parse(&argv[2..]);
            match role.as_str() {
                "server" => roles::server(&args),
                "engine" => roles::engine_role(&args),
                "idle" => roles::idle(&args),
                _ => usage(),
            }
        }
        _ => usage(),
    }
}

fn sh(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// CPU seconds of this process's waited-for children (and theirs).
fn children_cpu_s() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or(String::new(), |(_, v)| v.trim().to_owned());
    let mhz = cpuinfo
        .lines()
        .find(|l| l.starts_with("cpu MHz"))
        .and_then(|l| l.split_once(':'))
        .map_or(String::new(), |(_, v)| v.trim().to_owned());
    let flags = cpuinfo.lines().find(|l| l.starts_with("flags")).unwrap_or("");
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    json!({
        "nproc": util::cpu_count(),
        "cpu_model": model,
        "cpu_mhz": mhz,
        "avx2": flags.contains(" avx2"),
        "mem_gb": r2(mem_kb as f64 / 1024.0 / 1024.0),
        "kernel": sh("uname", &["-r"]),
        "commit": sh("git", &["rev-parse", "HEAD"]),
        "worktree_dirty": !sh("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty(),
        "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        "date_utc": sh("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]),
    })
}

/// The steps of the suite: (name, arguments), full or quick.
fn steps(quick: bool) -> Vec<(&'static str, Vec<String>)> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let frames = if quick { "300" } else { "600" };
    let mut list = vec![
        ("codec", v(&["codec", "--frames", if quick { "150" } else { "600" }])),
        ("latency", v(&["latency", "--size", "640x360", "--frames", frames])),
        ("latency", v(&["latency", "--size", "1280x720", "--frames", frames])),
        ("latency", v(&["latency", "--size", "640x360", "--frames", frames, "--custom-capture"])),
        ("latency", v(&["latency", "--size", "1280x720", "--frames", frames, "--custom-capture"])),
        ("latency", v(&["latency", "--size", "640x360", "--frames", frames, "--processes", "3"])),
        ("latency", v(&["latency", "--size", "1280x720", "--frames", frames, "--processes", "3"])),
        ("first-frame", v(&["first-frame", "--trials", if quick { "20" } else { "30" }])),
        ("idle", v(&["idle"])),
        ("call", v(&["call", "--seconds", if quick { "10" } else { "30" }])),
        ("soak", v(&["soak", "--cycles", if quick { "50" } else { "500" }])),
        ("soak", v(&["soak", "--cycles", if quick { "50" } else { "500" }, "--arena-max", "2"])),
    ];
    let fan = if quick { "10,50" } else { "10,50,100,200,300" };
    list.push(("fanout", v(&["fanout", "--subscribers", fan, "--seconds", if quick { "8" } else { "15" }, "--janus"])));
    list
}

fn all(args: &Args) {
    let quick = args.flag("quick");
    let out = PathBuf::from(args.get("out").unwrap_or("target/bench"));
    std::fs::create_dir_all(&out).expect("create the output directory");
    let only: Vec<String> = args.get("only").map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default();
    let skip: Vec<String> = args.get("skip").map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default();
    let jsonl = out.join("results.jsonl");
    let mut file = std::fs::File::create(&jsonl).expect("create results.jsonl");
    let mode = if quick { "quick" } else { "full" };
    // scripts/bench names itself; run directly, the command line is this binary's.
    let command = std::env::var("ZEGO_BENCH_COMMAND")
        .unwrap_or_else(|_| std::env::args().filter(|a| a != "--bench").collect::<Vec<_>>().join(" "));
    let meta = json!({"bench": "meta", "case": mode, "machine": machine(), "command": command});
    println!("{meta}");
    writeln!(file, "{meta}").unwrap();
    let mut records = vec![meta];
    let started = Instant::now();
    for (name, step) in steps(quick) {
        if (!only.is_empty() && !only.iter().any(|o| o == name)) || skip.iter().any(|s| s == name) {
            continue;
        }
        note!("== {} ==", step.join(" "));
        let (busy0, ours0, t0) = (util::machine_busy_s(), children_cpu_s(), Instant::now());
        let child = RoleChild::spawn(name, &step);
        let mut got = Vec::new();
        while let Some(v) = child.next(Duration::from_secs(3600)) {
            if v.get("bench").is_some() {
                println!("{v}");
                writeln!(file, "{v}").unwrap();
                got.push(v);
            }
        }
        let status = {
            let mut c = child;
            c.close_stdin();
            c.child.wait().map(|s| s.success()).unwrap_or(false)
        };
        let wall = t0.elapsed().as_secs_f64();
        let foreign = ((util::machine_busy_s() - busy0) - (children_cpu_s() - ours0)).max(0.0) / wall;
        let step_line = json!({"bench": "step", "case": step.join(" "), "ok": status, "wall_s": r2(wall),
            "other_processes_cpu_per_s": r2(foreign)});
        println!("{step_line}");
        writeln!(file, "{step_line}").unwrap();
        records.extend(got);
        records.push(step_line);
    }
    note!("suite done in {:.0} s; results in {}", started.elapsed().as_secs_f64(), jsonl.display());
    let text = table(&records, false);
    print!("{text}");
    std::fs::write(out.join("results.md"), table(&records, true)).expect("write results.md");
}

/// One metric as text: distributions as p50/p95/p99.
fn fmt_value(v: &Value) -> String {
    match v {
        Value::Object(o) if o.contains_key("p50") => format!(
            "p50 {} / p95 {} / p99 {} (n={})",
            o["p50"],
            o["p95"],
            o["p99"],
            o.get("n").cloned().unwrap_or(Value::Null)
        ),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The human table: one block per result.
fn table(records: &[Value], markdown: bool) -> String {
    let mut s = String::new();
    if markdown {
        s.push_str("| bench | case | figures |\n|---|---|---|\n");
    }
    for r in records {
        let bench = r["bench"].as_str().unwrap_or("");
        let case = r["case"].as_str().unwrap_or("");
        let fields: Vec<String> = r
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "bench" | "case"))
                    .map(|(k, v)| {
                        if k == "machine" {
                            v.as_object()
                                .map(|m| {
                                    m.iter()
                                        .map(|(a, b)| format!("{a}: {}", fmt_value(b)))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                })
                                .unwrap_or_default()
                        } else {
                            format!("{k}: {}", fmt_value(v))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        if markdown {
            s.push_str(&format!("| {bench} | {case} | {} |\n", fields.join("<br>")));
        } else {
            s.push_str(&format!("{bench:<12} {case}\n"));
            for f in fields {
                s.push_str(&format!("{:<12}   {f}\n", ""));
            }
        }
    }
    s
}
