//! Browsers in the room: Debian's headless Chromium (fake camera and
//! microphone) runs the web page the embedded server serves, beside native
//! engines driven through the C ABI. Chromium's media stack is a WebRTC client
//! nobody here wrote, so these tests are the check that the page and the SFU
//! speak standard WebRTC.
//!
//! (a) the browser publishes, a native engine plays it: decoded frames and
//!     the browser's microphone tone;
//! (b) a native engine publishes the virtual camera, the browser plays it:
//!     getStats frames at the published size, and the stamp read back from a
//!     canvas grab of the <video> counts up;
//! (c) two browsers and a native engine in one room see the same users and
//!     streams, and all see each leave. A screenshot of that call is written
//!     to `<target dir>/browser-call.png`;
//! (d) on a server not in dev mode the page offers no development token and
//!     joins with a Token04 pasted into its form.
//!
//! Chromium is `$ZEGO_CHROMIUM` or `/usr/bin/chromium` (`bash scripts/deps`
//! installs it). Without it these tests are skipped with a note, except under
//! CI (`CI` set) or with `ZEGO_BROWSER_TESTS=require`, where they fail.
//! `ZEGO_BROWSER_DEBUG=1` prints the browser publisher's SDP offer, the SFU's
//! answer and the SFU's counters in (a).

#[path = "c_abi/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "browser/cdp.rs"]
mod cdp;

use std::ffi::{c_char, c_void, CStr};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use serde_json::Value;
use zego_express::ffi::*;
use zego_express::media::goertzel::{dominant_frequency, rms_dbfs};

use cdp::{Chromium, Page};
use harness::{Client, Ev, Server};

/// One browser test at a time: each runs a Chromium, and the machine has two cores.
static BROWSER_LOCK: Mutex<()> = Mutex::new(());

/// Waits for things a person would see within seconds.
const SEEN: Duration = Duration::from_secs(15);
/// Waits for media to flow (first frames, 60 decoded frames).
const MEDIA: Duration = Duration::from_secs(25);
/// The tone the browser's fake microphone plays (a WAV file we write).
const TONE_HZ: f64 = 440.0;
/// The native publisher's video: the virtual camera with its stamp.
const NATIVE_W: i32 = 640;
const NATIVE_H: i32 = 360;

// ---- the browser ------------------------------------------------------------

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target dir>/tmp.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().map(PathBuf::from).unwrap_or_else(|| "target".into())
}

/// A 1 s, 48 kHz mono 16-bit WAV of a sine at [`TONE_HZ`], -12 dBFS, which
/// loops seamlessly (a whole number of periods).
fn tone_wav() -> Vec<u8> {
    let rate = 48_000u32;
    let samples: Vec<i16> = (0..rate)
        .map(|i| {
            (0.25 * 32767.0 * (2.0 * std::f64::consts::PI * TONE_HZ * f64::from(i) / f64::from(rate)).sin()) as i16
        })
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&(rate * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    samples.iter().for_each(|s| wav.extend_from_slice(&s.to_le_bytes()));
    wav
}

/// Chromium with a fake camera and a fake microphone playing the tone, or
/// `None` (the test is skipped) when there is no Chromium outside CI.
fn browser(test: &str) -> Option<Chromium> {
    let Some(exe) = cdp::find_chromium() else {
        let required =
            std::env::var_os("CI").is_some() || std::env::var("ZEGO_BROWSER_TESTS").is_ok_and(|v| v == "require");
        assert!(!required, "Chromium not found: install it with `bash scripts/deps` or set ZEGO_CHROMIUM");
        eprintln!("SKIPPED {test}: no Chromium (install it with `bash scripts/deps`, or set ZEGO_CHROMIUM)");
        return None;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("tone.wav");
    std::fs::write(&wav, tone_wav()).unwrap();
    let extra = [format!("--use-file-for-fake-audio-capture={}", wav.display())];
    Some(Chromium::launch(&exe, dir, &extra).unwrap_or_else(|e| panic!("launching Chromium: {e}")))
}

/// Opens the page at `server`, joins `room` as `user` (dev-mode token) and,
/// with `publish`, publishes camera and microphone as `<user>-cam`.
fn join_page(chromium: &Chromium, server: &Server, room: &str, user: &str, publish: bool) -> Page {
    let publish = if publish { format!("&publish=1&stream={user}-cam") } else { String::new() };
    let url = format!("http://{}/?room={room}&user={user}&join=1{publish}", server.addr());
    let page = chromium.open(&url, 1280, 800).unwrap_or_else(|e| panic!("opening {url}: {e}"));
    page.wait("the page has started", SEEN, "window.zegoApp && window.zegoApp.ready === true");
    page.wait(&format!("{user} logged in to {room}"), SEEN, "zegoApp.snapshot().roomState === 'logged-in'");
    page
}

/// The page's snapshot.
fn snapshot(page: &Page) -> Value {
    page.eval("zegoApp.snapshot()")
}

/// A JavaScript expression that is true when the page lists exactly these
/// users and streams.
fn sees(users: &[&str], streams: &[&str]) -> String {
    let mut users: Vec<&str> = users.to_vec();
    users.sort_unstable();
    let mut streams: Vec<&str> = streams.to_vec();
    streams.sort_unstable();
    format!(
        "(() => {{ const s = zegoApp.snapshot();
            return JSON.stringify(s.users) === {users:?}
                && JSON.stringify(s.streams.map(x => x.streamId).sort()) === {streams:?}; }})()",
        users = serde_json::to_string(&users).unwrap(),
        streams = serde_json::to_string(&streams).unwrap(),
    )
}

// ---- the native side ----------------------------------------------------------

/// What a native player's media callbacks saw.
#[derive(Default)]
struct MediaLog {
    /// (stream, width, height, time since the log was made)
    frames: Mutex<Vec<(String, i32, i32, Duration)>>,
    pcm: Mutex<Vec<i16>>,
    changed: Condvar,
    started: Mutex<Option<Instant>>,
}

impl MediaLog {
    fn wait_frames(&self, n: usize, timeout: Duration) -> bool {
        harness::wait_len(&self.frames, &self.changed, n, timeout)
    }

    fn wait_audio(&self, samples: usize, timeout: Duration) -> bool {
        harness::wait_len(&self.pcm, &self.changed, samples, timeout)
    }
}

unsafe extern "C" fn on_frame(
    stream_id: *const c_char,
    _data: *mut *mut u8,
    _lengths: *mut u32,
    param: zego_video_frame_param,
    ctx: *mut c_void,
) {
    let log = &*(ctx as *const MediaLog);
    let since = log.started.lock().map_or(Duration::ZERO, |t| t.elapsed());
    let stream = CStr::from_ptr(stream_id).to_string_lossy().into_owned();
    log.frames.lock().push((stream, param.width, param.height, since));
    log.changed.notify_all();
}

unsafe extern "C" fn on_audio(data: *const u8, length: u32, _param: zego_audio_frame_param, ctx: *mut c_void) {
    let log = &*(ctx as *const MediaLog);
    let pcm = std::slice::from_raw_parts(data as *const i16, length as usize / 2);
    log.pcm.lock().extend_from_slice(pcm);
    log.changed.notify_all();
}

/// Makes `c` a player that records decoded frames (custom render) and the played audio (48 kHz mono).
fn record_media(c: &Client) -> Arc<MediaLog> {
    let log = Arc::new(MediaLog::default());
    let ctx = Arc::as_ptr(&log) as *mut c_void;
    let config =
        zego_custom_video_render_config { buffer_type: 1, frame_format_series: 1, enable_engine_render: false };
    assert_eq!(zego_enable_custom_video_render(c.engine, true, &config), 0);
    assert_eq!(zego_register_custom_video_render_remote_frame_data_callback(c.engine, Some(on_frame), ctx), 0);
    assert_eq!(zego_register_playback_audio_data_callback(c.engine, Some(on_audio), ctx), 0);
    let param = zego_audio_frame_param { sample_rate: 48_000, channel: 1 };
    assert_eq!(zego_start_audio_data_observer(c.engine, 2, param), 0);
    c.contexts.lock().push(log.clone());
    log
}

/// A native engine in `room` publishing the virtual camera (640x360, 30 fps) and microphone as `stream`.
fn native_publisher(server: &Server, room: &str, user: &str, stream: &str) -> Client {
    let c = Client::new(server, user);
    c.login(room);
    let config = zego_video_config {
        capture_width: NATIVE_W,
        capture_height: NATIVE_H,
        encode_width: NATIVE_W,
        encode_height: NATIVE_H,
        fps: 30,
        bitrate: 800,
        codec_id: 0,
        key_frame_interval: 2,
    };
    assert_eq!(zego_set_video_config(c.engine, &config, 0), 0);
    assert_eq!(c.publish(stream), 0);
    c.wait(|e| matches!(e, Ev::Publisher { state: 2, .. }));
    c
}

/// The users and streams a native engine's callbacks add up to, itself and
/// its own published streams included (an engine gets no stream events of its own).
fn native_view(c: &Client) -> (Vec<String>, Vec<String>) {
    let mut users = vec![c.user_id.clone()];
    let mut streams: Vec<String> = Vec::new();
    for e in c.events() {
        match e {
            Ev::Publisher { stream, state: 2, .. } => streams.push(stream),
            Ev::Publisher { stream, state: 0, .. } => streams.retain(|s| *s != stream),
            Ev::Users { add: true, users: added, .. } => users.extend(added),
            Ev::Users { add: false, users: gone, .. } => users.retain(|u| !gone.contains(u)),
            Ev::Streams { add: true, streams: added, .. } => streams.extend(added.into_iter().map(|(_, s)| s)),
            Ev::Streams { add: false, streams: gone, .. } => streams.retain(|s| !gone.iter().any(|(_, g)| g == s)),
            _ => {}
        }
    }
    users.sort();
    users.dedup();
    streams.sort();
    streams.dedup();
    (users, streams)
}

/// Waits until the native engine's view is exactly these users and streams.
fn native_sees(c: &Client, users: &[&str], streams: &[&str]) {
    let mut users: Vec<String> = users.iter().map(|s| s.to_string()).collect();
    users.sort();
    let mut streams: Vec<String> = streams.iter().map(|s| s.to_string()).collect();
    streams.sort();
    let deadline = Instant::now() + SEEN;
    loop {
        let view = native_view(c);
        if view == (users.clone(), streams.clone()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} sees {view:?}, expected users {users:?} and streams {streams:?}; events {:#?}",
            c.user_id,
            c.room_events()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- (a) browser publishes, native plays ------------------------------------

#[test]
fn a_browser_publishes_and_a_native_engine_plays_it() {
    let _one = BROWSER_LOCK.lock();
    let Some(chromium) = browser("a") else { return };
    let server = Server::start();
    let page = join_page(&chromium, &server, "webcall-a", "webA", true);
    page.wait(
        "the browser publishes webA-cam",
        MEDIA,
        "zegoApp.snapshot().tiles.some(t => t.local && t.connection === 'connected')",
    );

    let native = Client::new(&server, "nativeA");
    native.login("webcall-a");
    native_sees(&native, &["nativeA", "webA"], &["webA-cam"]);
    let media = record_media(&native);
    let started = Instant::now();
    *media.started.lock() = Some(started);
    assert_eq!(native.play("webA-cam"), 0);
    let enough = media.wait_frames(60, MEDIA);
    let frames = media.frames.lock().clone();
    assert!(
        enough,
        "the native player decoded {} frames of the browser's stream in {MEDIA:?}; events {:#?}\n{}",
        frames.len(),
        native.events(),
        page.diagnostics()
    );
    let first = frames[0].3;
    let sixtieth = frames[59].3;
    let (w, h) = (frames[59].1, frames[59].2);
    assert!(frames.iter().all(|f| f.0 == "webA-cam"));
    assert!(w >= 160 && h >= 90, "frame size {w}x{h}");
    let publisher = page.eval("zegoApp.stats('webA-cam')");
    if std::env::var_os("ZEGO_BROWSER_DEBUG").is_some() {
        let sdp = page.eval("zegoApp.sdp('webA-cam')");
        println!("offer:\n{}\nanswer:\n{}", sdp["offer"].as_str().unwrap_or(""), sdp["answer"].as_str().unwrap_or(""));
        println!("sfu: {}", http_get(&server.addr(), "/api/sfu").2);
    }

    // The browser's microphone plays the tone from the WAV file: the native
    // player hears 440 Hz, well above silence.
    assert!(media.wait_audio(48_000 * 2, MEDIA), "played audio: {} samples", media.pcm.lock().len());
    let pcm: Vec<i16> = media.pcm.lock().iter().rev().take(48_000).rev().copied().collect();
    let level = rms_dbfs(&pcm);
    let freq = dominant_frequency(&pcm, 1, 48_000, 200.0, 2000.0, 5.0);
    // (The page asks for echo cancellation and noise suppression, which take 15-20 dB off a steady tone.)
    assert!(level > -45.0, "the browser's microphone is not silent at the native player: {level:.1} dBFS");
    assert!((freq - TONE_HZ).abs() <= 15.0, "dominant frequency {freq} Hz, expected {TONE_HZ}");
    println!(
        "(a) browser -> native: first frame {first:?} after play, 60 frames by {sixtieth:?}, {w}x{h}; \
         audio {level:.1} dBFS at {freq:.0} Hz; browser sender: {publisher}"
    );
    page.eval("zegoApp.leave()");
    native.wait(|e| matches!(e, Ev::Streams { add: false, .. }));
}

// ---- (b) native publishes, browser plays ------------------------------------

#[test]
fn b_a_native_engine_publishes_and_the_browser_plays_it() {
    let _one = BROWSER_LOCK.lock();
    let Some(chromium) = browser("b") else { return };
    let server = Server::start();
    let native = native_publisher(&server, "webcall-b", "nativeB", "nativeB-cam");
    let joined = Instant::now();
    let page = join_page(&chromium, &server, "webcall-b", "webB", false);
    page.wait("a tile for nativeB-cam", SEEN, "zegoApp.snapshot().tiles.some(t => t.streamId === 'nativeB-cam')");
    let stats = page.wait(
        "60 frames of nativeB-cam decoded by the browser",
        MEDIA,
        "zegoApp.stats('nativeB-cam').then(s => s && s.framesDecoded >= 60 ? s : null)",
    );
    let decoded_after = joined.elapsed();
    assert_eq!(
        (stats["width"].as_i64(), stats["height"].as_i64()),
        (Some(NATIVE_W.into()), Some(NATIVE_H.into())),
        "getStats frame size: {stats}"
    );
    let tile = page.wait(
        "the video element shows the stream",
        SEEN,
        "zegoApp.snapshot().tiles.find(t => t.streamId === 'nativeB-cam' && t.firstFrameMs !== null && t.videoWidth > 0)",
    );
    assert_eq!((tile["videoWidth"].as_i64(), tile["videoHeight"].as_i64()), (Some(640), Some(360)), "{tile}");

    // The stamps of the frames the <video> presents, read back from a canvas.
    let stamps = page.eval("zegoApp.sampleStamps('nativeB-cam', 2000)");
    let stamps = stamps.as_array().cloned().unwrap_or_default();
    let indexes: Vec<u64> = stamps.iter().filter_map(|s| s["index"].as_u64()).collect();
    assert!(indexes.len() >= 20, "stamps read in 2 s: {stamps:?}");
    assert!(indexes.windows(2).all(|w| w[1] > w[0]), "stamp indexes increase: {indexes:?}");
    let span = indexes.last().unwrap() - indexes[0];
    assert!((30..=90).contains(&span), "2 s of a 30 fps camera: indexes {indexes:?}");
    let ages: Vec<i64> = stamps.iter().filter_map(|s| s["ageMs"].as_i64()).collect();
    assert_eq!(ages.len(), stamps.len(), "every stamp carries a capture time near now: {stamps:?}");
    let mut sorted = ages.clone();
    sorted.sort_unstable();
    println!(
        "(b) native -> browser: first frame {} ms after the tile appeared, 60 decoded by {decoded_after:?} after \
         joining, {}x{} at {:.0} fps {:.0} kbps rtt {} loss {}%; {} stamps {}..{} in 2 s, capture-to-display p50 {} ms",
        tile["firstFrameMs"],
        stats["width"],
        stats["height"],
        stats["fps"].as_f64().unwrap_or(0.0),
        stats["kbps"].as_f64().unwrap_or(0.0),
        stats["rttMs"],
        stats["lossPct"],
        indexes.len(),
        indexes[0],
        indexes.last().unwrap(),
        sorted[sorted.len() / 2],
    );
    let log = snapshot(&page)["log"].clone();
    for line in log.as_array().unwrap().iter().filter_map(Value::as_str).filter(|l| l.contains("nativeB-cam")) {
        println!("(b) page log: {line}");
    }
    drop(native);
}

// ---- (c) two browsers and a native engine -----------------------------------

#[test]
fn c_two_browsers_and_a_native_engine_share_one_room() {
    let _one = BROWSER_LOCK.lock();
    let Some(chromium) = browser("c") else { return };
    let server = Server::start();
    let room = "webcall-c";
    let native = native_publisher(&server, room, "nativeC", "nativeC-cam");
    let first = join_page(&chromium, &server, room, "webC1", true);
    let second = join_page(&chromium, &server, room, "webC2", true);

    let users = ["nativeC", "webC1", "webC2"];
    let streams = ["nativeC-cam", "webC1-cam", "webC2-cam"];
    for page in [&first, &second] {
        page.wait("every user and stream", SEEN, &sees(&users, &streams));
    }
    native_sees(&native, &users, &streams);

    // Each browser shows its own camera and plays the two other streams.
    for page in [&first, &second] {
        page.wait(
            "three playing tiles",
            MEDIA,
            "(() => { const t = zegoApp.snapshot().tiles;
                 return t.length === 3 && t.every(x => x.videoWidth > 0 && x.currentTime > 0.5); })()",
        );
    }
    // Let the statistics line fill in, then keep a picture of the call.
    first.wait(
        "stats on every tile",
        SEEN,
        "zegoApp.snapshot().tiles.every(t => t.stats && t.stats.fps > 0 && t.stats.kbps > 0)",
    );
    let png = target_dir().join("browser-call.png");
    first.screenshot(&png).unwrap_or_else(|e| panic!("screenshot: {e}"));
    println!("(c) screenshot of the call: {}", png.display());
    for page in [&first, &second] {
        let log = snapshot(page)["log"].clone();
        for line in log.as_array().unwrap().iter().filter_map(Value::as_str).filter(|l| l.contains(" ms")) {
            println!("(c) {}: {line}", page.url);
        }
    }
    let tiles = snapshot(&first)["tiles"].clone();
    println!("(c) webC1's tiles: {tiles}");

    // Heartbeats flow (from a worker's timer).
    second.wait("a heartbeat answered", SEEN, "zegoApp.snapshot().heartbeatAcks > 0");

    // The second browser leaves with its Leave button: everyone sees it go.
    second.eval("document.getElementById('leave').click()");
    second.wait(
        "webC2 left",
        SEEN,
        "zegoApp.snapshot().roomState === 'logged-out' && zegoApp.snapshot().tiles.length === 0",
    );
    first.wait("webC2's leaving", SEEN, &sees(&["nativeC", "webC1"], &["nativeC-cam", "webC1-cam"]));
    first.wait("webC2's tile gone", SEEN, "!zegoApp.snapshot().tiles.some(t => t.userId === 'webC2')");
    native_sees(&native, &["nativeC", "webC1"], &["nativeC-cam", "webC1-cam"]);

    // The native engine leaves: the browser sees it go.
    assert_eq!(zego_logout_room(native.engine, ptr::null(), ptr::null_mut()), 0);
    first.wait("nativeC's leaving", SEEN, &sees(&["webC1"], &["webC1-cam"]));
    first.wait("nativeC's tile gone", SEEN, "zegoApp.snapshot().tiles.length === 1");
    let log = snapshot(&first)["log"].clone();
    let log: Vec<&str> = log.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for line in [
        "user: left: webC2",
        "stream: deleted: webC2-cam by webC2",
        "user: left: nativeC",
        "stream: deleted: nativeC-cam by nativeC",
    ] {
        assert!(log.contains(&line), "{line:?} missing from the event log: {log:#?}");
    }
    first.eval("zegoApp.leave()");
}

// ---- (d) a server not in dev mode --------------------------------------------

#[test]
fn d_without_dev_mode_the_page_needs_a_token_of_the_app() {
    let _one = BROWSER_LOCK.lock();
    let Some(chromium) = browser("d") else { return };
    let config = format!(
        r#"{{"apps":[{{"app_id":{},"app_sign":"{}","server_secret":"{}"}}],"dev_mode":false}}"#,
        harness::DEV_APP_ID,
        harness::DEV_APP_SIGN,
        harness::DEV_SECRET
    );
    let server = Server::start_at("127.0.0.1:0", Some(&config));
    let app = harness::DEV_APP_ID;
    let url = format!("http://{}/?room=prod&user=webD&app_id={app}&join=1", server.addr());
    let page = chromium.open(&url, 1280, 800).unwrap();
    page.wait("the page has started", SEEN, "window.zegoApp && window.zegoApp.ready === true");
    assert_eq!(page.eval("document.getElementById('dev-token').hidden"), Value::Bool(true), "no dev token button");
    page.wait("the login refused without a token", SEEN, "zegoApp.snapshot().roomState === 'failed'");
    let log = page.eval("zegoApp.snapshot().log.join('\\n')");
    assert!(log.as_str().unwrap().contains("a token is needed"), "{log}");

    // A Token04 of the app, as a token server would make it, pasted into the form.
    let token = harness::token("webD", 3600, "");
    let token_js = serde_json::to_string(&token).unwrap();
    page.eval(&format!("document.getElementById('token').value = {token_js}; document.getElementById('join').click()"));
    page.wait("webD logged in with the token", SEEN, "zegoApp.snapshot().roomState === 'logged-in'");
    // A native engine with the AppSign sees the browser's user.
    let native = Client::new(&server, "nativeD");
    native.login("prod");
    page.wait("nativeD joined", SEEN, &sees(&["nativeD", "webD"], &[]));
    native_sees(&native, &["nativeD", "webD"], &[]);
}

// ---- the page's HTTP routes ---------------------------------------------------

/// A plain HTTP/1.1 GET: (status code, content type, body).
fn http_get(addr: &str, path: &str) -> (u16, String, String) {
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(tcp, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_owned()))
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}

#[test]
fn the_page_and_its_scripts_are_served() {
    let server = Server::start();
    let addr = server.addr();
    let (status, kind, page) = http_get(&addr, "/");
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(page.contains(env!("CARGO_PKG_VERSION")) && page.contains("/app.js"), "{page}");
    for path in ["/app.js", "/zego.js", "/stamp.js"] {
        let (status, kind, body) = http_get(&addr, path);
        assert_eq!((status, kind.as_str()), (200, "text/javascript; charset=utf-8"), "{path}");
        assert!(body.len() > 500, "{path}");
    }
    assert_eq!(http_get(&addr, "/style.css").1, "text/css; charset=utf-8");
    let (status, _, config) = http_get(&addr, "/api/config");
    assert_eq!(status, 200);
    let config: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["dev_mode"], true);
    assert_eq!(config["dev_app_id"], harness::DEV_APP_ID);
}

#[test]
fn development_tokens_only_in_dev_mode() {
    use zego_express::auth::token04;
    let server = Server::start();
    let addr = server.addr();
    let (status, kind, body) = http_get(&addr, "/api/dev-token?user_id=webT&room_id=tokens");
    assert_eq!((status, kind.as_str()), (200, "application/json"), "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(body["app_id"], harness::DEV_APP_ID);
    let verified = token04::verify(token, harness::DEV_APP_ID, "webT", harness::DEV_SECRET, harness::now()).unwrap();
    let privilege = token04::parse_privilege(&verified.payload).unwrap().unwrap();
    assert_eq!((privilege.room_id.as_str(), privilege.can_login, privilege.can_publish), ("tokens", true, true));
    assert!((3500..=3700).contains(&(verified.expire - harness::now())));

    // A native engine without an AppSign logs in with it, in that room only.
    let c = Client::with_sign(&server.url(), "webT", None);
    assert_eq!(c.login_with("tokens", true, 0, Some(token)), 0);
    assert_eq!(c.login_outcome(), (1, 0));
    let other = Client::with_sign(&server.url(), "webT", None);
    assert_eq!(other.login_with("elsewhere", true, 0, Some(token)), 0);
    assert_eq!(other.login_outcome(), (2, 1002033));

    for bad in [
        "/api/dev-token",
        "/api/dev-token?user_id=",
        "/api/dev-token?user_id=a%20b",
        "/api/dev-token?user_id=u&expire_seconds=0",
    ] {
        assert_eq!(http_get(&addr, bad).0, 400, "{bad}");
    }

    // Not in dev mode: no development tokens, and the page hides its button.
    let config = format!(
        r#"{{"apps":[{{"app_id":{},"app_sign":"{}","server_secret":"{}"}}],"dev_mode":false}}"#,
        harness::DEV_APP_ID,
        harness::DEV_APP_SIGN,
        harness::DEV_SECRET
    );
    let production = Server::start_at("127.0.0.1:0", Some(&config));
    assert_eq!(http_get(&production.addr(), "/api/dev-token?user_id=webT&room_id=tokens").0, 404);
    let config: Value = serde_json::from_str(&http_get(&production.addr(), "/api/config").2).unwrap();
    assert_eq!((config["dev_mode"].clone(), config["dev_app_id"].clone()), (Value::Bool(false), Value::Null));
    assert_eq!(http_get(&production.addr(), "/").0, 200);
}
