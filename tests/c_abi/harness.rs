//! A host written against the C ABI only: engines created with
//! `zego_create_engine`, every callback registered with a recorder as
//! `user_context`, and helpers that wait for recorded events.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use zego_express::ffi::*;

pub const DEV_APP_ID: u32 = zego_express::server::DEV_APP_ID;
pub const DEV_APP_SIGN: &str = zego_express::server::DEV_APP_SIGN;
pub const DEV_SECRET: &str = zego_express::server::DEV_SERVER_SECRET;

/// Tests that change the engine-wide config hold this for writing; engine
/// creation holds it for reading, so no other test's engine gets that config.
pub static ENGINE_CONFIG_LOCK: parking_lot::RwLock<()> = parking_lot::RwLock::new(());

/// How long a wait for an event may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn text(p: *const c_char) -> String {
    if p.is_null() {
        return "<null>".into();
    }
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// One recorded callback, with its arguments copied.
#[derive(Debug, Clone, PartialEq)]
pub enum Ev {
    RoomState {
        room: String,
        reason: i32,
        code: i32,
    },
    RoomStateUpdate {
        room: String,
        state: i32,
        code: i32,
    },
    LoginResult {
        code: i32,
        room: String,
        seq: i32,
    },
    LogoutResult {
        code: i32,
        room: String,
        seq: i32,
    },
    Users {
        room: String,
        add: bool,
        users: Vec<String>,
    },
    OnlineCount {
        room: String,
        count: i32,
    },
    Streams {
        room: String,
        add: bool,
        streams: Vec<(String, String)>,
    },
    StreamExtraInfo {
        room: String,
        streams: Vec<(String, String)>,
    },
    RoomExtraInfo {
        room: String,
        infos: Vec<(String, String, String)>,
    },
    TokenWillExpire {
        room: String,
        remain: i32,
    },
    RoomExtraInfoResult {
        code: i32,
        room: String,
        key: String,
        seq: i32,
    },
    Publisher {
        stream: String,
        state: i32,
        code: i32,
    },
    StreamExtraInfoResult {
        code: i32,
        seq: i32,
    },
    Player {
        stream: String,
        state: i32,
        code: i32,
    },
    Broadcast {
        room: String,
        messages: Vec<(String, u64, String)>,
    },
    Barrage {
        room: String,
        messages: Vec<(String, String, String)>,
    },
    Command {
        room: String,
        from: String,
        command: String,
    },
    BroadcastResult {
        room: String,
        id: u64,
        code: i32,
        seq: i32,
    },
    BarrageResult {
        room: String,
        id: String,
        code: i32,
        seq: i32,
    },
    CommandResult {
        room: String,
        code: i32,
        seq: i32,
    },
    /// First-frame and size callbacks, as "name args".
    Media(String),
    PublishQuality {
        stream: String,
        capture_fps: f64,
        send_fps: f64,
        video_kbps: f64,
        audio_kbps: f64,
        level: i32,
    },
    PlayQuality {
        stream: String,
        recv_fps: f64,
        render_fps: f64,
        video_kbps: f64,
        audio_kbps: f64,
        level: i32,
    },
    Network {
        user: String,
        up: i32,
        down: i32,
    },
}

/// Code run inside a callback.
pub type Hook = Box<dyn FnMut(&Ev) + Send>;

/// Collects the callbacks of one engine.
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<Ev>>,
    changed: Condvar,
    /// Runs inside each callback, on the callback thread (re-entrancy tests).
    pub hook: Mutex<Option<Hook>>,
}

impl Recorder {
    fn push(&self, ev: Ev) {
        if let Some(hook) = self.hook.lock().as_mut() {
            hook(&ev);
        }
        self.events.lock().push(ev);
        self.changed.notify_all();
    }
}

fn rec<'a>(ctx: *mut c_void) -> &'a Recorder {
    unsafe { &*(ctx as *const Recorder) }
}

fn users(list: *const zego_user, n: u32) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    unsafe { std::slice::from_raw_parts(list, n as usize) }.iter().map(|u| text(u.user_id)).collect()
}

fn streams(list: *const zego_stream, n: u32) -> Vec<(String, String)> {
    if n == 0 {
        return vec![];
    }
    unsafe { std::slice::from_raw_parts(list, n as usize) }
        .iter()
        .map(|s| (text(s.user.user_id), text(s.stream_id)))
        .collect()
}

unsafe extern "C" fn on_room_state_changed(
    room: *const c_char,
    reason: i32,
    code: i32,
    _x: *const c_char,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::RoomState { room: text(room), reason, code });
}
unsafe extern "C" fn on_room_state_update(
    room: *const c_char,
    state: i32,
    code: i32,
    _x: *const c_char,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::RoomStateUpdate { room: text(room), state, code });
}
unsafe extern "C" fn on_login_result(code: i32, _x: *const c_char, room: *const c_char, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::LoginResult { code, room: text(room), seq });
}
unsafe extern "C" fn on_logout_result(code: i32, _x: *const c_char, room: *const c_char, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::LogoutResult { code, room: text(room), seq });
}
unsafe extern "C" fn on_user_update(room: *const c_char, t: i32, list: *const zego_user, n: u32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Users { room: text(room), add: t == 0, users: users(list, n) });
}
unsafe extern "C" fn on_online_count(room: *const c_char, count: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::OnlineCount { room: text(room), count });
}
unsafe extern "C" fn on_stream_update(
    room: *const c_char,
    t: i32,
    list: *const zego_stream,
    n: u32,
    _x: *const c_char,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::Streams { room: text(room), add: t == 0, streams: streams(list, n) });
}
unsafe extern "C" fn on_stream_extra_info(room: *const c_char, list: *const zego_stream, n: u32, ctx: *mut c_void) {
    let infos = if n == 0 {
        vec![]
    } else {
        std::slice::from_raw_parts(list, n as usize).iter().map(|s| (text(s.stream_id), text(s.extra_info))).collect()
    };
    rec(ctx).push(Ev::StreamExtraInfo { room: text(room), streams: infos });
}
unsafe extern "C" fn on_room_extra_info(
    room: *const c_char,
    list: *const zego_room_extra_info,
    n: u32,
    ctx: *mut c_void,
) {
    let infos = if n == 0 {
        vec![]
    } else {
        std::slice::from_raw_parts(list, n as usize)
            .iter()
            .map(|i| (text(i.key), text(i.value), text(i.update_user.user_id)))
            .collect()
    };
    rec(ctx).push(Ev::RoomExtraInfo { room: text(room), infos });
}
unsafe extern "C" fn on_token_will_expire(room: *const c_char, remain: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::TokenWillExpire { room: text(room), remain });
}
unsafe extern "C" fn on_room_extra_info_result(
    code: i32,
    room: *const c_char,
    key: *const c_char,
    seq: i32,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::RoomExtraInfoResult { code, room: text(room), key: text(key), seq });
}
unsafe extern "C" fn on_publisher_state(
    stream: *const c_char,
    state: i32,
    code: i32,
    _x: *const c_char,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::Publisher { stream: text(stream), state, code });
}
unsafe extern "C" fn on_stream_extra_info_result(code: i32, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::StreamExtraInfoResult { code, seq });
}
unsafe extern "C" fn on_player_state(
    stream: *const c_char,
    state: i32,
    code: i32,
    _x: *const c_char,
    ctx: *mut c_void,
) {
    rec(ctx).push(Ev::Player { stream: text(stream), state, code });
}
unsafe extern "C" fn on_broadcast(
    room: *const c_char,
    list: *const zego_broadcast_message_info,
    n: u32,
    ctx: *mut c_void,
) {
    let msgs = if n == 0 {
        vec![]
    } else {
        std::slice::from_raw_parts(list, n as usize)
            .iter()
            .map(|m| (text(m.message), m.message_id, text(m.from_user.user_id)))
            .collect()
    };
    rec(ctx).push(Ev::Broadcast { room: text(room), messages: msgs });
}
unsafe extern "C" fn on_barrage(room: *const c_char, list: *const zego_barrage_message_info, n: u32, ctx: *mut c_void) {
    let msgs = if n == 0 {
        vec![]
    } else {
        std::slice::from_raw_parts(list, n as usize)
            .iter()
            .map(|m| (text(m.message), text(m.message_id), text(m.from_user.user_id)))
            .collect()
    };
    rec(ctx).push(Ev::Barrage { room: text(room), messages: msgs });
}
unsafe extern "C" fn on_command(room: *const c_char, from: zego_user, command: *const c_char, ctx: *mut c_void) {
    rec(ctx).push(Ev::Command { room: text(room), from: text(from.user_id), command: text(command) });
}
unsafe extern "C" fn on_broadcast_result(room: *const c_char, id: u64, code: i32, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::BroadcastResult { room: text(room), id, code, seq });
}
unsafe extern "C" fn on_barrage_result(room: *const c_char, id: *const c_char, code: i32, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::BarrageResult { room: text(room), id: text(id), code, seq });
}
unsafe extern "C" fn on_command_result(room: *const c_char, code: i32, seq: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::CommandResult { room: text(room), code, seq });
}

unsafe extern "C" fn on_captured_video_first(channel: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("publisher_captured_video_first_frame {channel}")));
}
unsafe extern "C" fn on_captured_audio_first(ctx: *mut c_void) {
    rec(ctx).push(Ev::Media("publisher_captured_audio_first_frame".into()));
}
unsafe extern "C" fn on_send_video_first(channel: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("publisher_send_video_first_frame {channel}")));
}
unsafe extern "C" fn on_send_audio_first(channel: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("publisher_send_audio_first_frame {channel}")));
}
unsafe extern "C" fn on_publisher_size(w: i32, h: i32, channel: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("publisher_video_size_changed {w}x{h} {channel}")));
}
unsafe extern "C" fn on_recv_video_first(stream: *const c_char, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("player_recv_video_first_frame {}", text(stream))));
}
unsafe extern "C" fn on_recv_audio_first(stream: *const c_char, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("player_recv_audio_first_frame {}", text(stream))));
}
unsafe extern "C" fn on_render_video_first(stream: *const c_char, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("player_render_video_first_frame {}", text(stream))));
}
unsafe extern "C" fn on_player_size(stream: *const c_char, w: i32, h: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("player_video_size_changed {} {w}x{h}", text(stream))));
}

unsafe extern "C" fn on_publish_quality(stream: *const c_char, q: zego_publish_stream_quality, ctx: *mut c_void) {
    rec(ctx).push(Ev::PublishQuality {
        stream: text(stream),
        capture_fps: q.video_capture_fps,
        send_fps: q.video_send_fps,
        video_kbps: q.video_kbps,
        audio_kbps: q.audio_kbps,
        level: q.level,
    });
}
unsafe extern "C" fn on_play_quality(stream: *const c_char, q: zego_play_stream_quality, ctx: *mut c_void) {
    rec(ctx).push(Ev::PlayQuality {
        stream: text(stream),
        recv_fps: q.video_recv_fps,
        render_fps: q.video_render_fps,
        video_kbps: q.video_kbps,
        audio_kbps: q.audio_kbps,
        level: q.level,
    });
}
unsafe extern "C" fn on_remote_camera(stream: *const c_char, state: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("remote_camera_state_update {} {state}", text(stream))));
}
unsafe extern "C" fn on_remote_mic(stream: *const c_char, state: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Media(format!("remote_mic_state_update {} {state}", text(stream))));
}
unsafe extern "C" fn on_network_quality(user: *const c_char, up: i32, down: i32, ctx: *mut c_void) {
    rec(ctx).push(Ev::Network { user: text(user), up, down });
}

/// Waits until `list` holds at least `n` items (its owner notifies
/// `changed` on every push); false when `timeout` passes first.
pub fn wait_len<T>(list: &Mutex<Vec<T>>, changed: &Condvar, n: usize, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    let mut items = list.lock();
    while items.len() < n {
        if changed.wait_until(&mut items, deadline).timed_out() {
            return items.len() >= n;
        }
    }
    true
}

/// An embedded server.
pub struct Server {
    ptr: *mut zego_local_server,
}

impl Server {
    pub fn start() -> Self {
        Self::start_at("127.0.0.1:0", None)
    }

    pub fn start_at(addr: &str, config: Option<&str>) -> Self {
        let mut ptr = ptr::null_mut();
        let config = config.map(cs);
        let code =
            zego_local_server_start(cs(addr).as_ptr(), config.as_ref().map_or(ptr::null(), |c| c.as_ptr()), &mut ptr);
        assert_eq!(code, 0, "zego_local_server_start");
        Self { ptr }
    }

    pub fn url(&self) -> String {
        text(zego_local_server_url(self.ptr))
    }

    /// "127.0.0.1:PORT".
    pub fn addr(&self) -> String {
        self.url().trim_start_matches("ws://").to_owned()
    }

    pub fn stop(self) {
        assert_eq!(zego_local_server_stop(self.ptr), 0);
        std::mem::forget(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        zego_local_server_stop(self.ptr);
    }
}

/// One engine with every callback recorded.
pub struct Client {
    pub engine: *mut zego_engine,
    pub rec: Arc<Recorder>,
    pub user_id: String,
    /// Callback contexts that must outlive the engine (dropped after destroy).
    pub contexts: Mutex<Vec<Arc<dyn std::any::Any + Send + Sync>>>,
}

// SAFETY: the engine handle may be used from any thread (C ABI contract).
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

pub fn profile_create(server_url: &str, app_id: u32, app_sign: Option<&str>) -> Result<*mut zego_engine, i32> {
    let sign = app_sign.map(cs);
    let server = cs(server_url);
    let profile = zego_engine_profile {
        app_id,
        app_sign: sign.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
        scenario: 3,
        server: server.as_ptr(),
    };
    let mut engine = ptr::null_mut();
    match zego_create_engine(&profile, &mut engine) {
        0 => Ok(engine),
        code => Err(code),
    }
}

impl Client {
    /// An engine of the dev app authenticating with the AppSign.
    pub fn new(server: &Server, user_id: &str) -> Self {
        Self::with_sign(&server.url(), user_id, Some(DEV_APP_SIGN))
    }

    pub fn with_sign(url: &str, user_id: &str, app_sign: Option<&str>) -> Self {
        Self::with_app(url, user_id, DEV_APP_ID, app_sign)
    }

    pub fn with_app(url: &str, user_id: &str, app_id: u32, app_sign: Option<&str>) -> Self {
        let _guard = ENGINE_CONFIG_LOCK.read();
        Self::create(url, user_id, app_id, app_sign)
    }

    /// Creates without taking [`ENGINE_CONFIG_LOCK`] (the caller holds it).
    pub fn create(url: &str, user_id: &str, app_id: u32, app_sign: Option<&str>) -> Self {
        let engine = profile_create(url, app_id, app_sign).expect("engine created");
        let rec = Arc::new(Recorder::default());
        let ctx = Arc::as_ptr(&rec) as *mut c_void;
        {
            assert_eq!(zego_register_room_state_changed_callback(engine, Some(on_room_state_changed), ctx), 0);
            zego_register_room_state_update_callback(engine, Some(on_room_state_update), ctx);
            zego_register_room_login_result_callback(engine, Some(on_login_result), ctx);
            zego_register_room_logout_result_callback(engine, Some(on_logout_result), ctx);
            zego_register_room_user_update_callback(engine, Some(on_user_update), ctx);
            zego_register_room_online_user_count_update_callback(engine, Some(on_online_count), ctx);
            zego_register_room_stream_update_callback(engine, Some(on_stream_update), ctx);
            zego_register_room_stream_extra_info_update_callback(engine, Some(on_stream_extra_info), ctx);
            zego_register_room_extra_info_update_callback(engine, Some(on_room_extra_info), ctx);
            zego_register_room_token_will_expire_callback(engine, Some(on_token_will_expire), ctx);
            zego_register_room_set_room_extra_info_result_callback(engine, Some(on_room_extra_info_result), ctx);
            zego_register_publisher_state_update_callback(engine, Some(on_publisher_state), ctx);
            zego_register_publisher_update_stream_extra_info_result_callback(
                engine,
                Some(on_stream_extra_info_result),
                ctx,
            );
            zego_register_player_state_update_callback(engine, Some(on_player_state), ctx);
            zego_register_im_recv_broadcast_message_callback(engine, Some(on_broadcast), ctx);
            zego_register_im_recv_barrage_message_callback(engine, Some(on_barrage), ctx);
            zego_register_im_recv_custom_command_callback(engine, Some(on_command), ctx);
            zego_register_im_send_broadcast_message_result_callback(engine, Some(on_broadcast_result), ctx);
            zego_register_im_send_barrage_message_result_callback(engine, Some(on_barrage_result), ctx);
            zego_register_im_send_custom_command_result_callback(engine, Some(on_command_result), ctx);
            zego_register_publisher_captured_video_first_frame_callback(engine, Some(on_captured_video_first), ctx);
            zego_register_publisher_captured_audio_first_frame_callback(engine, Some(on_captured_audio_first), ctx);
            zego_register_publisher_send_video_first_frame_callback(engine, Some(on_send_video_first), ctx);
            zego_register_publisher_send_audio_first_frame_callback(engine, Some(on_send_audio_first), ctx);
            zego_register_publisher_video_size_changed_callback(engine, Some(on_publisher_size), ctx);
            zego_register_player_recv_video_first_frame_callback(engine, Some(on_recv_video_first), ctx);
            zego_register_player_recv_audio_first_frame_callback(engine, Some(on_recv_audio_first), ctx);
            zego_register_player_render_video_first_frame_callback(engine, Some(on_render_video_first), ctx);
            zego_register_player_video_size_changed_callback(engine, Some(on_player_size), ctx);
            zego_register_publisher_quality_update_callback(engine, Some(on_publish_quality), ctx);
            zego_register_player_quality_update_callback(engine, Some(on_play_quality), ctx);
            zego_register_network_quality_callback(engine, Some(on_network_quality), ctx);
            zego_register_remote_camera_state_update_callback(engine, Some(on_remote_camera), ctx);
            zego_register_remote_mic_state_update_callback(engine, Some(on_remote_mic), ctx);
        }
        Self { engine, rec, user_id: user_id.to_owned(), contexts: Mutex::new(Vec::new()) }
    }

    /// Calls zego_login_room; returns the synchronous code.
    pub fn login_with(&self, room: &str, notify: bool, max: u32, token: Option<&str>) -> i32 {
        let uid = cs(&self.user_id);
        let user = zego_user { user_id: uid.as_ptr(), user_name: uid.as_ptr() };
        let token = token.map(cs);
        let config = zego_room_config {
            max_member_count: max,
            is_user_status_notify: notify,
            token: token.as_ref().map_or(ptr::null(), |t| t.as_ptr()),
        };
        zego_login_room(self.engine, cs(room).as_ptr(), &user, &config, ptr::null_mut())
    }

    /// Logs in with user notifications and waits for LOGINED.
    pub fn login(&self, room: &str) {
        assert_eq!(self.login_with(room, true, 0, None), 0);
        self.wait(|e| matches!(e, Ev::RoomState { reason: 1, .. }));
    }

    /// The login's final reason and code (LOGINED 1 or LOGIN_FAILED 2).
    pub fn login_outcome(&self) -> (i32, i32) {
        match self.wait(|e| matches!(e, Ev::RoomState { reason: 1 | 2, .. })) {
            Ev::RoomState { reason, code, .. } => (reason, code),
            _ => unreachable!(),
        }
    }

    pub fn publish(&self, stream: &str) -> i32 {
        zego_start_publishing_stream(self.engine, cs(stream).as_ptr(), 0)
    }

    pub fn play(&self, stream: &str) -> i32 {
        zego_start_playing_stream(self.engine, cs(stream).as_ptr(), ptr::null())
    }

    pub fn events(&self) -> Vec<Ev> {
        self.rec.events.lock().clone()
    }

    /// Waits for the first event (from the start) matching `pred`.
    pub fn wait(&self, pred: impl Fn(&Ev) -> bool) -> Ev {
        self.wait_for(WAIT, pred)
            .unwrap_or_else(|| panic!("{}: event not seen in {WAIT:?}; got {:#?}", self.user_id, self.events()))
    }

    pub fn wait_for(&self, timeout: Duration, pred: impl Fn(&Ev) -> bool) -> Option<Ev> {
        let deadline = Instant::now() + timeout;
        let mut events = self.rec.events.lock();
        loop {
            if let Some(e) = events.iter().find(|e| pred(e)) {
                return Some(e.clone());
            }
            if self.rec.changed.wait_until(&mut events, deadline).timed_out() {
                return events.iter().find(|e| pred(e)).cloned();
            }
        }
    }

    /// Waits until `n` events matching `pred` were recorded.
    pub fn wait_count(&self, n: usize, pred: impl Fn(&Ev) -> bool) {
        let deadline = Instant::now() + WAIT;
        let mut events = self.rec.events.lock();
        while events.iter().filter(|e| pred(e)).count() < n {
            if self.rec.changed.wait_until(&mut events, deadline).timed_out() {
                panic!("{}: {n} matching events not seen; got {:#?}", self.user_id, *events);
            }
        }
    }

    /// Events of interest only: room membership, streams, publisher/player states.
    pub fn room_events(&self) -> Vec<Ev> {
        self.events()
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    Ev::RoomState { .. }
                        | Ev::Users { .. }
                        | Ev::Streams { .. }
                        | Ev::Publisher { .. }
                        | Ev::Player { .. }
                        | Ev::LoginResult { .. }
                        | Ev::LogoutResult { .. }
                )
            })
            .collect()
    }

    pub fn clear(&self) {
        self.rec.events.lock().clear();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        zego_destroy_engine(self.engine, None, ptr::null_mut());
    }
}

/// A Token04 for the dev app.
pub fn token(user_id: &str, seconds: i64, payload: &str) -> String {
    use zego_express::auth::token04::{generate, Mode};
    generate(DEV_APP_ID, user_id, DEV_SECRET, seconds, payload, Mode::Gcm, now()).unwrap()
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A TCP proxy in front of the server whose forwarding can be frozen without
/// closing anything: a cut network as a half-open connection sees it.
pub struct Proxy {
    pub url: String,
    frozen: Arc<std::sync::atomic::AtomicBool>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Self {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let frozen = Arc::new(AtomicBool::new(false));
        let upstream = upstream.to_owned();
        let flag = frozen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    let flag = flag.clone();
                    std::thread::spawn(move || {
                        from.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            if flag.load(Ordering::SeqCst) {
                                std::thread::sleep(Duration::from_millis(20));
                                continue;
                            }
                            match from.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => {
                                    if to.write_all(&buf[..n]).is_err() {
                                        break;
                                    }
                                }
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => break,
                            }
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Self { url, frozen }
    }

    pub fn freeze(&self, on: bool) {
        self.frozen.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}
