//! Shared helpers: process statistics from /proc, percentiles, JSON lines,
//! child processes of this same binary in a role, CPU pinning.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// Process figures read from /proc.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    /// User + system CPU seconds of every thread of the process since it started.
    pub cpu_s: f64,
    /// Resident set now, KiB.
    pub rss_kb: u64,
    /// Peak resident set since start (VmHWM), KiB.
    pub hwm_kb: u64,
    /// Open file descriptors.
    pub fds: usize,
    /// Threads.
    pub threads: u64,
    /// When it was taken.
    pub at: Option<Instant>,
}

fn status_kb(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Samples process `pid` ("self" for this one).
pub fn proc_sample(pid: &str) -> ProcSample {
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| f.get(n - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let mut cpu_s = (field(14) + field(15)) / ticks;
    if pid == "self" {
        // getrusage is exact to the microsecond; /proc is in clock ticks.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            cpu_s = tv(u.ru_utime) + tv(u.ru_stime);
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0);
    ProcSample {
        cpu_s,
        rss_kb: status_kb(&status, "VmRSS:"),
        hwm_kb: status_kb(&status, "VmHWM:"),
        fds,
        threads: status_kb(&status, "Threads:"),
        at: Some(Instant::now()),
    }
}

impl ProcSample {
    /// CPU seconds per wall second between `self` (earlier) and `later`.
    pub fn cpu_per_s(&self, later: &ProcSample) -> f64 {
        let wall = later.at.unwrap().duration_since(self.at.unwrap()).as_secs_f64();
        (later.cpu_s - self.cpu_s) / wall.max(1e-9)
    }
}

/// Busy jiffies of the whole machine (all CPUs) from /proc/stat, in seconds.
pub fn machine_busy_s() -> f64 {
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let line = stat.lines().next().unwrap_or("");
    let v: Vec<f64> = line.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal
    let busy = [0usize, 1, 2, 5, 6, 7].iter().map(|&i| v.get(i).copied().unwrap_or(0.0)).sum::<f64>();
    busy / ticks
}

pub fn mib(kb: u64) -> f64 {
    (kb as f64 / 1024.0 * 10.0).round() / 10.0
}

/// Nearest-rank percentile of unsorted values (p in 0..=100); NaN when empty.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// Rounds to 0.01 for output.
pub fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Wall clock in UNIX milliseconds, fractional.
pub fn unix_ms_f64() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// Distribution summary of millisecond samples.
pub fn dist(values: &[f64]) -> Value {
    json!({
        "n": values.len(),
        "min": r2(percentile(values, 0.0)),
        "p50": r2(percentile(values, 50.0)),
        "p95": r2(percentile(values, 95.0)),
        "p99": r2(percentile(values, 99.0)),
        "max": r2(percentile(values, 100.0)),
        "mean": r2(mean(values)),
    })
}

/// Prints one result as a JSON line on stdout (the orchestrator collects these).
pub fn emit(bench: &str, case: &str, metrics: Value) {
    let mut line = json!({"bench": bench, "case": case});
    if let (Some(obj), Value::Object(m)) = (line.as_object_mut(), metrics) {
        obj.extend(m);
    }
    println!("{line}");
    let _ = std::io::stdout().flush();
}

/// Progress for humans, on stderr.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{ eprintln!("[zego-bench] {}", format!($($arg)*)); }};
}

/// Pins the calling process (every thread created afterwards, and this one) to `cpu`.
pub fn pin_to_cpu(cpu: usize) {
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            eprintln!("[zego-bench] could not pin to CPU {cpu}");
        }
    }
}

/// Pins every existing thread of this process to `cpu` (threads created later inherit it
/// from their creator).
pub fn pin_process_to_cpu(cpu: usize) {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return };
    for entry in dir.flatten() {
        if let Ok(tid) = entry.file_name().to_string_lossy().parse::<i32>() {
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set);
            }
        }
    }
}

pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A child process: this binary in a role, JSON lines from its stdout on a channel.
pub struct RoleChild {
    pub child: Child,
    pub pid: String,
    stdin: Option<ChildStdin>,
    lines: Receiver<Value>,
    pub name: String,
}

impl RoleChild {
    pub fn spawn(name: &str, args: &[String]) -> Self {
        let exe = std::env::current_exe().expect("current exe");
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn a child of zego-bench");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        let label = name.to_owned();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match serde_json::from_str::<Value>(&line) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            break;
                        }
                    }
                    Err(_) => eprintln!("[{label}] {line}"),
                }
            }
        });
        let pid = child.id().to_string();
        Self { stdin: child.stdin.take(), child, pid, lines, name: name.to_owned() }
    }

    /// The next JSON line, at most `timeout` away.
    pub fn next(&self, timeout: Duration) -> Option<Value> {
        match self.lines.recv_timeout(timeout) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Waits for a line whose `key` is `value`; other lines are returned in `skipped`.
    pub fn wait_for(&self, key: &str, value: &str, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self.next(left)?;
            if v.get(key).and_then(Value::as_str) == Some(value) {
                return Some(v);
            }
        }
    }

    pub fn sample(&self) -> ProcSample {
        proc_sample(&self.pid)
    }

    /// Closes stdin: a role child takes that as "finish now".
    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Closes stdin and waits for the exit (killed after `timeout`).
    pub fn finish(mut self, timeout: Duration) -> Vec<Value> {
        self.close_stdin();
        let deadline = Instant::now() + timeout;
        let mut rest = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(v) => rest.push(v),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    if Instant::now() > deadline {
                        eprintln!("[zego-bench] {} did not exit; killing it", self.name);
                        let _ = self.child.kill();
                        break;
                    }
                }
            }
        }
        let _ = self.child.wait();
        rest
    }
}

/// In a role child: a flag that becomes true when stdin reaches EOF (the parent is done).
pub fn stdin_closed_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let f = flag.clone();
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
        f.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    flag
}

/// `--key value` options after the subcommand.
pub struct Args {
    pub pairs: Vec<(String, String)>,
    pub flags: Vec<String>,
}

impl Args {
    pub fn parse(args: &[String]) -> Self {
        let mut pairs = Vec::new();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if let Some(key) = a.strip_prefix("--") {
                if let Some((k, v)) = key.split_once('=') {
                    pairs.push((k.to_owned(), v.to_owned()));
                } else if i + 1 < args.len() && !args[i + 1].starts_with("--") {
                    pairs.push((key.to_owned(), args[i + 1].clone()));
                    i += 1;
                } else {
                    flags.push(key.to_owned());
                }
            }
            i += 1;
        }
        Self { pairs, flags }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn num<T: std::str::FromStr>(&self, key: &str, default: T) -> T {
        self.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.flags.iter().any(|f| f == key)
    }
}

/// "640x360" -> (640, 360).
pub fn parse_size(s: &str) -> (i32, i32) {
    let (w, h) = s.split_once('x').expect("size as WxH");
    (w.parse().expect("width"), h.parse().expect("height"))
}
