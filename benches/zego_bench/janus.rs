//! Janus 1.1.2 (Debian package `janus`) as a peer SFU for the fan-out load
//! generator: started on this host with a generated configuration (VideoRoom
//! plugin, WebSocket transport only), driven with the Janus API over a
//! WebSocket ("janus-protocol").

use std::collections::HashMap;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::util::{proc_sample, ProcSample};

/// The VideoRoom room the benchmark uses.
pub const ROOM: u64 = 1234;

/// A running Janus process.
pub struct JanusProcess {
    child: Child,
    pub url: String,
    pub dir: PathBuf,
}

fn config(dir: &std::path::Path, port: u16) -> std::io::Result<()> {
    let plugins = "/usr/lib/x86_64-linux-gnu/janus/plugins";
    let disabled_plugins = std::fs::read_dir(plugins)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".so") && !n.contains("videoroom"))
        .collect::<Vec<_>>()
        .join(",");
    let transports = "/usr/lib/x86_64-linux-gnu/janus/transports";
    let disabled_transports = std::fs::read_dir(transports)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".so") && !n.contains("websockets"))
        .collect::<Vec<_>>()
        .join(",");
    let d = dir.display();
    std::fs::write(
        dir.join("janus.jcfg"),
        format!(
            r#"general: {{
    configs_folder = "{d}"
    plugins_folder = "{plugins}"
    transports_folder = "{transports}"
    events_folder = "/usr/lib/x86_64-linux-gnu/janus/events"
    loggers_folder = "/usr/lib/x86_64-linux-gnu/janus/loggers"
    debug_level = 3
    admin_secret = "janusoverlord"
}}
certificates: {{
}}
media: {{
}}
nat: {{
    nice_debug = false
    ice_ignore_list = "vmnet"
}}
plugins: {{
    disable = "{disabled_plugins}"
}}
transports: {{
    disable = "{disabled_transports}"
}}
loggers: {{
    disable = "libjanus_jsonlog.so"
}}
events: {{
}}
"#
        ),
    )?;
    std::fs::write(
        dir.join("janus.transport.websockets.jcfg"),
        format!(
            r#"general: {{
    json = "compact"
    ws = true
    ws_port = {port}
    ws_ip = "127.0.0.1"
    wss = false
}}
admin: {{
    admin_ws = false
    admin_wss = false
}}
"#
        ),
    )?;
    std::fs::write(
        dir.join("janus.plugin.videoroom.jcfg"),
        format!(
            r#"general: {{
}}
room-{ROOM}: {{
    description = "zego-bench fan-out"
    is_private = false
    publishers = 1
    bitrate = 0
    fir_freq = 0
    audiocodec = "opus"
    videocodec = "h264"
    h264_profile = "42e01f"
    notify_joining = false
    require_pvtid = false
}}
"#
        ),
    )?;
    Ok(())
}

impl JanusProcess {
    /// Whether the janus binary is installed.
    pub fn available() -> bool {
        Command::new("janus").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
    }

    /// Starts Janus on `127.0.0.1:port`, pinned to `cpu` when given.
    pub fn start(port: u16, cpu: Option<usize>, ice_ip: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("zego-bench-janus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        config(&dir, port).map_err(|e| e.to_string())?;
        let mut cmd = Command::new("janus");
        cmd.arg("-F")
            .arg(&dir)
            .arg("-C")
            .arg(dir.join("janus.jcfg"))
            .arg("-N")
            .arg("-L")
            .arg(dir.join("janus.log"))
            .arg("-E")
            .arg(ice_ip)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(cpu) = cpu {
            unsafe {
                cmd.pre_exec(move || {
                    let mut set: libc::cpu_set_t = std::mem::zeroed();
                    libc::CPU_SET(cpu, &mut set);
                    libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
                    Ok(())
                });
            }
        }
        let child = cmd.spawn().map_err(|e| format!("janus: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("janus did not listen on {port}; see {}", dir.join("janus.log").display()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Self { child, url: format!("ws://127.0.0.1:{port}"), dir })
    }

    pub fn sample(&self) -> ProcSample {
        proc_sample(&self.child.id().to_string())
    }
}

impl Drop for JanusProcess {
    fn drop(&mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while !matches!(self.child.try_wait(), Ok(Some(_))) {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if std::env::var_os("ZEGO_BENCH_KEEP_JANUS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl JanusProcess {
    /// Janus's log (kept with ZEGO_BENCH_KEEP_JANUS=1).
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("janus.log")
    }
}

/// One Janus API session with one VideoRoom handle, over its own WebSocket.
pub struct JanusHandle {
    out: mpsc::UnboundedSender<String>,
    pending: Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>,
    next: AtomicU64,
    session: u64,
    handle: u64,
}

impl JanusHandle {
    pub async fn connect(url: &str) -> Result<Arc<Self>, String> {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert("Sec-WebSocket-Protocol", "janus-protocol".parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| e.to_string())?;
        let (mut sink, mut stream) = ws.split();
        let (out, mut rx) = mpsc::unbounded_channel::<String>();
        let pending: Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>> = Arc::default();
        tokio::spawn(async move {
            while let Some(text) = rx.recv().await {
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        {
            let pending = pending.clone();
            tokio::spawn(async move {
                while let Some(Ok(msg)) = stream.next().await {
                    let Message::Text(t) = msg else { continue };
                    let Ok(v) = serde_json::from_str::<Value>(&t) else { continue };
                    if v["janus"] == "ack" {
                        continue;
                    }
                    if let Some(tr) = v["transaction"].as_str() {
                        if let Some(tx) = pending.lock().remove(tr) {
                            let _ = tx.send(v);
                        }
                    }
                }
            });
        }
        let mut this = Self { out, pending, next: AtomicU64::new(1), session: 0, handle: 0 };
        let created = this.call(json!({"janus": "create"})).await?;
        this.session = created["data"]["id"].as_u64().ok_or("no session id")?;
        let attached = this.call(json!({"janus": "attach", "plugin": "janus.plugin.videoroom"})).await?;
        this.handle = attached["data"]["id"].as_u64().ok_or("no handle id")?;
        let this = Arc::new(this);
        let weak = Arc::downgrade(&this);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(20));
            loop {
                tick.tick().await;
                let Some(h) = weak.upgrade() else { break };
                let tr = format!("k{}", h.next.fetch_add(1, Ordering::Relaxed));
                let _ =
                    h.out.send(json!({"janus": "keepalive", "session_id": h.session, "transaction": tr}).to_string());
            }
        });
        Ok(this)
    }

    /// Sends a Janus request and waits for its reply (success, error or the plugin's event).
    async fn call(&self, mut body: Value) -> Result<Value, String> {
        let tr = format!("t{}", self.next.fetch_add(1, Ordering::Relaxed));
        body["transaction"] = json!(tr);
        if self.session != 0 {
            body["session_id"] = json!(self.session);
        }
        if self.handle != 0 {
            body["handle_id"] = json!(self.handle);
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().insert(tr, tx);
        self.out.send(body.to_string()).map_err(|_| "closed".to_string())?;
        let v = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .map_err(|_| "janus: no reply".to_string())?
            .map_err(|_| "janus: closed".to_string())?;
        if v["janus"] == "error" || v["plugindata"]["data"]["error"].is_string() {
            return Err(format!("janus error: {v}"));
        }
        Ok(v)
    }

    /// A VideoRoom request with an optional JSEP; returns (plugin data, jsep sdp).
    pub async fn message(&self, body: Value, jsep: Option<(&str, String)>) -> Result<(Value, Option<String>), String> {
        let mut msg = json!({"janus": "message", "body": body});
        if let Some((kind, sdp)) = jsep {
            msg["jsep"] = json!({"type": kind, "sdp": sdp});
        }
        let v = self.call(msg).await?;
        Ok((v["plugindata"]["data"].clone(), v["jsep"]["sdp"].as_str().map(str::to_owned)))
    }

    pub fn hangup(&self) {
        let tr = format!("h{}", self.next.fetch_add(1, Ordering::Relaxed));
        let _ = self.out.send(json!({"janus": "destroy", "session_id": self.session, "transaction": tr}).to_string());
    }
}
