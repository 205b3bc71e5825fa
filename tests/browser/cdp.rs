//! A small driver for Debian's headless Chromium over the Chrome DevTools
//! Protocol: launch with fake camera and microphone, open pages in separate
//! browser contexts, evaluate JavaScript, poll for conditions with a deadline,
//! take screenshots. Chromium talks to 127.0.0.1 only (DESIGN.md section 9).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, Message, WebSocket};

/// Longest a single DevTools command may take (an evaluated promise included).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Chromium may take to open its DevTools port.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// How often [`Page::wait`] re-evaluates its condition.
const POLL: Duration = Duration::from_millis(100);
/// Console lines kept per page for failure reports.
const CONSOLE_LINES: usize = 200;

/// The Chromium binary: `$ZEGO_CHROMIUM`, else Debian's `/usr/bin/chromium`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ZEGO_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(PathBuf::from).find(|p| p.exists())
}

/// Flags that keep Chromium headless, quiet and on loopback, with fake media devices.
fn flags(profile: &Path, extra: &[String]) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        // Nothing but 127.0.0.1: no updates, sync, sign-in, metrics, safe browsing, field trials...
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-component-extensions-with-background-pages",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-client-side-phishing-detection",
        "--disable-domain-reliability",
        "--disable-field-trial-config",
        "--metrics-recording-only",
        "--no-pings",
        "--no-service-autorun",
        "--password-store=basic",
        "--use-mock-keychain",
        // ... and should anything still try, no host name resolves (no DNS query leaves).
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        // WebRTC on loopback with real (not mDNS) host candidates.
        "--allow-loopback-in-peer-connection",
        "--disable-features=WebRtcHideLocalIpsWithMdns,Translate,MediaRouter,DialMediaRouteProvider,\
         OptimizationHints,AutofillServerCommunication,CertificateTransparencyComponentUpdater,\
         NetworkTimeServiceQuerying,InterestFeedContentSuggestions,SigninInterceptBubble",
        // Fake camera and microphone, permission granted without a prompt.
        "--use-fake-device-for-media-stream=fps=30", // Chromium's default is 20 fps
        "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        // Pages in the background keep their timers and rendering.
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
        "--mute-audio",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    flags.push(format!("--user-data-dir={}", profile.display()));
    flags.extend(extra.iter().cloned());
    flags.push("about:blank".into());
    flags
}

struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Console messages and exceptions per session id.
    console: HashMap<String, Vec<String>>,
}

impl Cdp {
    fn call(&mut self, session: Option<&str>, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            msg["sessionId"] = json!(session);
        }
        self.ws.send(Message::text(msg.to_string())).map_err(|e| format!("{method}: send: {e}"))?;
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{method}: no answer from Chromium in {timeout:?}"));
            }
            self.ws.get_ref().set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
            let text = match self.ws.read() {
                Ok(Message::Text(text)) => text,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    continue
                }
                Err(e) => return Err(format!("{method}: DevTools connection: {e}")),
            };
            let Ok(reply) = serde_json::from_str::<Value>(&text) else { continue };
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(reply["result"].clone());
            }
            self.on_event(&reply);
        }
    }

    fn on_event(&mut self, event: &Value) {
        let session = event["sessionId"].as_str().unwrap_or_default().to_owned();
        let params = &event["params"];
        let line = match event["method"].as_str() {
            Some("Runtime.consoleAPICalled") => {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .map(|args| {
                        args.iter()
                            .map(|a| a["value"].as_str().map_or_else(|| a["value"].to_string(), str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                format!("console.{}: {}", params["type"].as_str().unwrap_or("log"), args.join(" "))
            }
            Some("Runtime.exceptionThrown") => {
                let details = &params["exceptionDetails"];
                let text = details["exception"]["description"].as_str().or(details["text"].as_str()).unwrap_or("?");
                format!("exception: {text}")
            }
            Some("Inspector.targetCrashed") => "the page crashed".to_owned(),
            _ => return,
        };
        let lines = self.console.entry(session).or_default();
        lines.push(line);
        if lines.len() > CONSOLE_LINES {
            lines.drain(..lines.len() - CONSOLE_LINES);
        }
    }
}

/// A running headless Chromium; killed (and its profile removed) on drop.
pub struct Chromium {
    child: Child,
    dir: PathBuf,
    cdp: Rc<RefCell<Cdp>>,
}

impl Chromium {
    /// Starts `exe` with a fresh profile under `dir` (created, and removed on
    /// drop) and the extra command-line flags.
    pub fn launch(exe: &Path, dir: PathBuf, extra: &[String]) -> Result<Chromium, String> {
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let log = File::create(dir.join("chromium.log")).map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .args(flags(&profile, extra))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let chromium = Chromium::connect_when_ready(child, dir, &profile)?;
        // The browser-level session reports nothing we need; pages enable their own domains.
        chromium.cdp.borrow_mut().call(None, "Browser.getVersion", json!({}), CALL_TIMEOUT)?;
        Ok(chromium)
    }

    fn connect_when_ready(mut child: Child, dir: PathBuf, profile: &Path) -> Result<Chromium, String> {
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + LAUNCH_TIMEOUT;
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break (port.trim().to_owned(), path.trim().to_owned());
                }
            }
            let log = || std::fs::read_to_string(dir.join("chromium.log")).unwrap_or_default();
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("Chromium exited ({status}) before opening DevTools:\n{}", log()));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("Chromium opened no DevTools port in {LAUNCH_TIMEOUT:?}:\n{}", log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let addr = format!("127.0.0.1:{port}");
        let connected = TcpStream::connect(&addr).map_err(|e| e.to_string()).and_then(|tcp| {
            tcp.set_nodelay(true).map_err(|e| e.to_string())?;
            tungstenite::client::client(format!("ws://{addr}{path}"), tcp).map_err(|e| e.to_string())
        });
        match connected {
            Ok((ws, _)) => {
                Ok(Chromium { child, dir, cdp: Rc::new(RefCell::new(Cdp { ws, next_id: 0, console: HashMap::new() })) })
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("DevTools connection to {addr}: {e}"))
            }
        }
    }

    /// A new tab showing `url` in its own browser context (its own cookies,
    /// permissions and media devices: a separate "browser" for the page).
    pub fn open(&self, url: &str, width: u32, height: u32) -> Result<Page, String> {
        let mut cdp = self.cdp.borrow_mut();
        let context = cdp.call(None, "Target.createBrowserContext", json!({}), CALL_TIMEOUT)?;
        let context = context["browserContextId"].as_str().ok_or("no browserContextId")?.to_owned();
        let target = cdp.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": context, "width": width, "height": height}),
            CALL_TIMEOUT,
        )?;
        let target = target["targetId"].as_str().ok_or("no targetId")?.to_owned();
        let session =
            cdp.call(None, "Target.attachToTarget", json!({"targetId": target, "flatten": true}), CALL_TIMEOUT)?;
        let session = session["sessionId"].as_str().ok_or("no sessionId")?.to_owned();
        for method in ["Runtime.enable", "Page.enable", "Inspector.enable"] {
            cdp.call(Some(&session), method, json!({}), CALL_TIMEOUT)?;
        }
        let size = json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false});
        cdp.call(Some(&session), "Emulation.setDeviceMetricsOverride", size, CALL_TIMEOUT)?;
        // Keep rendering and timers at full rate although several pages share one headless browser.
        cdp.call(Some(&session), "Emulation.setFocusEmulationEnabled", json!({"enabled": true}), CALL_TIMEOUT)?;
        cdp.call(Some(&session), "Page.navigate", json!({"url": url}), CALL_TIMEOUT)?;
        Ok(Page { cdp: self.cdp.clone(), session, url: url.to_owned() })
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.cdp.borrow_mut().call(None, "Browser.close", json!({}), Duration::from_secs(3));
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One tab.
pub struct Page {
    cdp: Rc<RefCell<Cdp>>,
    session: String,
    pub url: String,
}

impl Page {
    /// Evaluates `expression` (promises are awaited) and returns its JSON value.
    pub fn try_eval(&self, expression: &str) -> Result<Value, String> {
        let params = json!({
            "expression": expression,
            "awaitPromise": true,
            "returnByValue": true,
            "userGesture": true,
        });
        let result = self.cdp.borrow_mut().call(Some(&self.session), "Runtime.evaluate", params, CALL_TIMEOUT)?;
        if let Some(details) = result.get("exceptionDetails") {
            let text = details["exception"]["description"].as_str().or(details["text"].as_str()).unwrap_or("?");
            return Err(format!("`{expression}` threw: {text}"));
        }
        Ok(result["result"]["value"].clone())
    }

    /// [`Page::try_eval`], failing the test with the page's log on error.
    pub fn eval(&self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|e| panic!("{e}\n{}", self.diagnostics()))
    }

    /// Re-evaluates `expression` until it yields something other than
    /// null/false/undefined, and returns that; fails the test after `timeout`
    /// with `what`, the last value and the page's log.
    pub fn wait(&self, what: &str, timeout: Duration, expression: &str) -> Value {
        let deadline = Instant::now() + timeout;
        let mut last = Value::Null;
        loop {
            match self.try_eval(expression) {
                Ok(Value::Null | Value::Bool(false)) => {}
                Ok(value) => return value,
                Err(e) => last = Value::String(e),
            }
            if Instant::now() > deadline {
                panic!("{what}: not seen in {timeout:?} on {} (last: {last})\n{}", self.url, self.diagnostics());
            }
            std::thread::sleep(POLL);
        }
    }

    /// A PNG of the page as it is shown now.
    pub fn screenshot(&self, path: &Path) -> Result<(), String> {
        let shot = self.cdp.borrow_mut().call(
            Some(&self.session),
            "Page.captureScreenshot",
            json!({"format": "png"}),
            CALL_TIMEOUT,
        )?;
        let data = shot["data"].as_str().ok_or("no screenshot data")?;
        let png = base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The page's event log (newest last) and console, for failure messages.
    pub fn diagnostics(&self) -> String {
        let log = self
            .try_eval("window.zegoApp ? window.zegoApp.snapshot().log.slice(-60).join('\\n') : '(no zegoApp)'")
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|e| e);
        let console = self.cdp.borrow().console.get(&self.session).cloned().unwrap_or_default();
        let console = console[console.len().saturating_sub(40)..].join("\n");
        format!("--- page log of {} ---\n{log}\n--- console ---\n{console}", self.url)
    }
}
