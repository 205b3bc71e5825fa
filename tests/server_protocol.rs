//! zego-server at the protocol level: tokio-tungstenite clients against
//! `ServerHandle::start("127.0.0.1:0", ..)` cover login (AppSign and Token04,
//! every refusal code), room events, kicks, messages, lost sockets and resume,
//! stop/restart, the HTTP routes, and garbage input (property tests).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use zego_express::auth::{app_sign_proof, token04};
use zego_express::protocol::{
    self, Auth, ClientMsg, ResponseData, Resume, ResumeStream, RoomSnapshot, ServerMsg, Stream, UpdateType, User,
    MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use zego_express::server::{ServerConfig, ServerError, ServerHandle, DEV_APP_ID, DEV_APP_SIGN, DEV_SERVER_SECRET};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Longest wait for anything the server should do promptly.
const WAIT: Duration = Duration::from_secs(5);
/// How often test clients send heartbeats.
const HEARTBEAT: Duration = Duration::from_millis(200);
/// `session_grace_ms` of the test servers.
const GRACE: Duration = Duration::from_millis(800);

/// Panics on runtime worker threads, i.e. in server tasks.
static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);

/// Server logs in test output when RUST_LOG is set, and counting of server panics.
fn init_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::from_default_env();
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("");
            if name.starts_with("tokio-") || name.starts_with("zego-") {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default_hook(info);
        }));
    });
}

/// Stops a server and checks that no server task panicked so far.
async fn finish(server: ServerHandle) {
    server.stop().await;
    assert_eq!(SERVER_PANICS.load(Ordering::SeqCst), 0, "a server task panicked");
}

fn fast_config() -> ServerConfig {
    init_logs();
    let mut config = ServerConfig::dev_default();
    config.limits.heartbeat_interval_ms = 300;
    config.limits.heartbeat_timeout_ms = 1500;
    config.limits.session_grace_ms = GRACE.as_millis() as u64;
    config
}

async fn server() -> ServerHandle {
    ServerHandle::start("127.0.0.1:0", fast_config()).await.unwrap()
}

fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn user(id: &str) -> User {
    User { user_id: id.into(), user_name: format!("name-{id}") }
}

fn token(user_id: &str, payload: &str, seconds: i64) -> Auth {
    let token =
        token04::generate(DEV_APP_ID, user_id, DEV_SERVER_SECRET, seconds, payload, token04::Mode::Cbc, now_unix());
    Auth::Token { token: token.unwrap() }
}

/// Optional parts of a login.
#[derive(Clone, Default)]
struct Opts {
    max_member_count: u32,
    quiet: bool,
    resume: Option<Resume>,
    version: Option<u32>,
}

/// A test client: once logged in, a background task sends heartbeats (unless switched off).
struct Client {
    sink: Arc<Mutex<SplitSink<Ws, Message>>>,
    stream: SplitStream<Ws>,
    challenge: String,
    last_req: u64,
    /// Messages read while waiting for a response.
    pending: VecDeque<ServerMsg>,
    heartbeats: Arc<AtomicBool>,
    beating: tokio::task::JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.beating.abort();
    }
}

/// Sends a heartbeat every [`HEARTBEAT`] while `on` is set; heartbeat reqs
/// start high so they never meet request numbers.
async fn heartbeat_loop(sink: Arc<Mutex<SplitSink<Ws, Message>>>, on: Arc<AtomicBool>) {
    let mut req = 1 << 40;
    loop {
        tokio::time::sleep(HEARTBEAT).await;
        if on.load(Ordering::Relaxed) {
            req += 1;
            let beat = protocol::encode(&ClientMsg::Heartbeat { req });
            if sink.lock().await.send(Message::text(beat)).await.is_err() {
                return;
            }
        }
    }
}

impl Client {
    async fn connect(url: &str) -> Client {
        let (ws, _) = tokio::time::timeout(WAIT, connect_async(format!("{url}/ws"))).await.unwrap().unwrap();
        let (sink, stream) = ws.split();
        let sink = Arc::new(Mutex::new(sink));
        // Heartbeats start after login: before it the server wants a login first.
        let heartbeats = Arc::new(AtomicBool::new(false));
        let beating = tokio::spawn(heartbeat_loop(sink.clone(), heartbeats.clone()));
        let mut client = Client {
            sink,
            stream,
            challenge: String::new(),
            last_req: 0,
            pending: VecDeque::new(),
            heartbeats,
            beating,
        };
        match client.next().await {
            Some(ServerMsg::Hello { version, challenge, heartbeat_interval_ms, heartbeat_timeout_ms }) => {
                assert_eq!(version, PROTOCOL_VERSION);
                assert_eq!((heartbeat_interval_ms, heartbeat_timeout_ms), (300, 1500));
                assert_eq!(challenge.len(), 32);
                client.challenge = challenge;
            }
            other => panic!("expected hello, got {other:?}"),
        }
        client
    }

    fn app_sign(&self, room: &str, user_id: &str) -> Auth {
        Auth::AppSign { signature: app_sign_proof(DEV_APP_SIGN, &self.challenge, DEV_APP_ID, room, user_id) }
    }

    async fn send_text(&mut self, text: String) -> bool {
        self.sink.lock().await.send(Message::text(text)).await.is_ok()
    }

    async fn send(&mut self, msg: &ClientMsg) {
        assert!(self.send_text(protocol::encode(msg)).await, "send failed");
    }

    /// The next message within `limit`: `Ok(None)` when the server closed,
    /// `Err(())` on timeout. Heartbeat acks are skipped.
    async fn next_within(&mut self, limit: Duration) -> Result<Option<ServerMsg>, ()> {
        if let Some(msg) = self.pending.pop_front() {
            return Ok(Some(msg));
        }
        let deadline = Instant::now() + limit;
        loop {
            tokio::select! {
                frame = self.stream.next() => match frame {
                    Some(Ok(Message::Text(text))) => match ServerMsg::decode(&text).expect("server frames decode") {
                        ServerMsg::HeartbeatAck { .. } => {}
                        msg => return Ok(Some(msg)),
                    },
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Ok(None),
                    Some(Ok(_)) => {}
                },
                _ = sleep_until(deadline) => return Err(()),
            }
        }
    }

    async fn next(&mut self) -> Option<ServerMsg> {
        self.next_within(WAIT).await.expect("timed out waiting for the server")
    }

    /// Sends a request and waits for its response, keeping other messages.
    async fn request(&mut self, make: impl FnOnce(u64) -> ClientMsg) -> Result<Option<ResponseData>, i32> {
        self.last_req += 1;
        let req = self.last_req;
        self.send(&make(req)).await;
        let mut others = Vec::new();
        let result = loop {
            match self.next().await {
                Some(ServerMsg::Response { req: r, code, data, .. }) if r == req => {
                    break if code == 0 { Ok(data) } else { Err(code) };
                }
                Some(other) => others.push(other),
                None => panic!("connection closed while waiting for response {req}"),
            }
        };
        self.pending.extend(others);
        result
    }

    async fn login_with(&mut self, room: &str, user_id: &str, auth: Auth, opts: Opts) -> Result<RoomSnapshot, i32> {
        let data = self
            .request(|req| ClientMsg::Login {
                req,
                version: opts.version.unwrap_or(PROTOCOL_VERSION),
                app_id: DEV_APP_ID,
                room_id: room.into(),
                user: user(user_id),
                auth,
                max_member_count: opts.max_member_count,
                user_status_notify: !opts.quiet,
                resume: opts.resume,
            })
            .await?;
        match data {
            Some(ResponseData::Login(snapshot)) => {
                self.heartbeats.store(true, Ordering::Relaxed);
                Ok(snapshot)
            }
            other => panic!("login answer without snapshot: {other:?}"),
        }
    }

    async fn login(&mut self, room: &str, user_id: &str) -> Result<RoomSnapshot, i32> {
        let auth = self.app_sign(room, user_id);
        self.login_with(room, user_id, auth, Opts::default()).await
    }

    async fn publish(&mut self, stream_id: &str) -> Result<Option<ResponseData>, i32> {
        self.request(|req| ClientMsg::Publish { req, stream_id: stream_id.into(), extra_info: String::new() }).await
    }

    /// Reads until `pick` accepts a message, dropping the ones before it.
    async fn wait_for<T>(&mut self, mut pick: impl FnMut(&ServerMsg) -> Option<T>) -> T {
        loop {
            match self.next().await {
                Some(msg) => {
                    if let Some(found) = pick(&msg) {
                        return found;
                    }
                }
                None => panic!("connection closed while waiting"),
            }
        }
    }

    /// Asserts that nothing arrives for `time`.
    async fn assert_quiet(&mut self, time: Duration) {
        match self.next_within(time).await {
            Err(()) => {}
            Ok(msg) => panic!("expected silence, got {msg:?}"),
        }
    }

    /// Reads until the server closes, returning what came before.
    async fn until_closed(&mut self) -> Vec<ServerMsg> {
        let mut seen = Vec::new();
        while let Some(msg) = self.next().await {
            seen.push(msg);
        }
        seen
    }
}

async fn joined(url: &str, room: &str, user_id: &str) -> (Client, RoomSnapshot) {
    let mut client = Client::connect(url).await;
    let snapshot = client.login(room, user_id).await.unwrap();
    (client, snapshot)
}

fn user_update(msg: &ServerMsg) -> Option<(UpdateType, Vec<String>)> {
    match msg {
        ServerMsg::UserUpdate { update_type, users } => {
            Some((*update_type, users.iter().map(|u| u.user_id.clone()).collect()))
        }
        _ => None,
    }
}

fn stream_update(msg: &ServerMsg) -> Option<(UpdateType, Vec<String>)> {
    match msg {
        ServerMsg::StreamUpdate { update_type, streams } => {
            Some((*update_type, streams.iter().map(|s| s.stream_id.clone()).collect()))
        }
        _ => None,
    }
}

/// A CBC Token04 whose claims are exactly `json` (to forge malformed claims).
fn raw_token(json: &str) -> String {
    use base64::Engine as _;
    use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
    let iv = b"0123456789abcdef";
    let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(DEV_SERVER_SECRET.as_bytes(), iv)
        .unwrap()
        .encrypt_padded_vec_mut::<Pkcs7>(json.as_bytes());
    let mut bin = (now_unix() + 3600).to_be_bytes().to_vec();
    bin.extend((iv.len() as u16).to_be_bytes());
    bin.extend(iv);
    bin.extend((ct.len() as u16).to_be_bytes());
    bin.extend(ct);
    format!("04{}", base64::engine::general_purpose::STANDARD.encode(bin))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_sign_login_and_refusals() {
    let server = server().await;
    let url = server.url();
    let (_alice, snapshot) = joined(&url, "room-1", "alice").await;
    assert_eq!(snapshot.online_count, 1);
    assert_eq!(snapshot.session_id.len(), 16);
    assert_eq!(snapshot.token_expire, None);

    let refused = |room: &'static str, user_id: &'static str, auth: Option<Auth>, opts: Opts| {
        let url = url.clone();
        async move {
            let mut c = Client::connect(&url).await;
            let auth = auth.unwrap_or_else(|| c.app_sign(room, user_id));
            let code = c.login_with(room, user_id, auth, opts).await.unwrap_err();
            assert!(c.until_closed().await.is_empty(), "the server closes after a refused login");
            code
        }
    };
    let bad_proof = Auth::AppSign { signature: "ab".repeat(32) };
    assert_eq!(refused("room-1", "bob", Some(bad_proof), Opts::default()).await, 1001005);
    assert_eq!(refused("bad room", "bob", None, Opts::default()).await, 1002012);
    assert_eq!(refused("room-1", "", None, Opts::default()).await, 1002005);
    let long_user: &'static str = "u".repeat(64).leak();
    assert_eq!(refused("room-1", long_user, None, Opts::default()).await, 1002007);
    let old = Opts { version: Some(PROTOCOL_VERSION + 1), ..Opts::default() };
    assert_eq!(refused("room-1", "bob", None, old).await, 1002099);

    // Another app id.
    let mut c = Client::connect(&url).await;
    let login = ClientMsg::Login {
        req: 1,
        version: PROTOCOL_VERSION,
        app_id: 42,
        room_id: "room-1".into(),
        user: user("bob"),
        auth: c.app_sign("room-1", "bob"),
        max_member_count: 0,
        user_status_notify: false,
        resume: None,
    };
    c.send(&login).await;
    assert!(matches!(c.next().await, Some(ServerMsg::Response { code: 1001004, .. })));

    // The first message must be a login.
    let mut c = Client::connect(&url).await;
    c.send(&ClientMsg::Heartbeat { req: 1 }).await;
    assert!(c.until_closed().await.is_empty());
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_login_and_every_refusal_code() {
    let server = server().await;
    let url = server.url();
    let mut c = Client::connect(&url).await;
    let snapshot = c.login_with("room", "alice", token("alice", "", 600), Opts::default()).await.unwrap();
    let expire = snapshot.token_expire.unwrap() as i64;
    assert!((expire - now_unix() - 600).abs() <= 2);

    let claims = |nonce: &str| {
        let now = now_unix();
        format!(
            r#"{{"app_id":{DEV_APP_ID},"user_id":"bob","nonce":{nonce},"ctime":{now},"expire":{},"payload":""}}"#,
            now + 600
        )
    };
    let wrong_secret =
        token04::generate(DEV_APP_ID, "bob", &"x".repeat(32), 600, "", token04::Mode::Gcm, now_unix()).unwrap();
    let other_app = token04::generate(7, "bob", DEV_SERVER_SECRET, 600, "", token04::Mode::Cbc, now_unix()).unwrap();
    let expired =
        token04::generate(DEV_APP_ID, "bob", DEV_SERVER_SECRET, 10, "", token04::Mode::Cbc, now_unix() - 100).unwrap();
    let other_room = token04::privilege_payload("elsewhere", true, true, None);
    let no_login = token04::privilege_payload("room", false, true, None);
    let cases: Vec<(String, i32)> = vec![
        (String::new(), 1002067),
        (wrong_secret, 1002033),
        ("04AAAA".into(), 1002075),
        (raw_token("not json"), 1002075),
        (other_app, 1002076),
        (
            match token("carol", "", 600) {
                Auth::Token { token } => token,
                Auth::AppSign { .. } => unreachable!(),
            },
            1002077,
        ),
        (expired, 1002078),
        ("03abcdef".into(), 1002079),
        (raw_token(&claims(r#""12""#)), 1002080),
    ];
    for (token, code) in cases {
        let mut c = Client::connect(&url).await;
        let result = c.login_with("room", "bob", Auth::Token { token: token.clone() }, Opts::default()).await;
        assert_eq!(result.unwrap_err(), code, "token {token:?}");
    }
    for payload in [other_room, no_login] {
        let mut c = Client::connect(&url).await;
        let result = c.login_with("room", "bob", token("bob", &payload, 600), Opts::default()).await;
        assert_eq!(result.unwrap_err(), 1002033, "{payload}");
    }
    // The forged-claims helper makes valid tokens too.
    let mut c = Client::connect(&url).await;
    let good = Auth::Token { token: raw_token(&claims("12")) };
    c.login_with("room", "bob", good, Opts::default()).await.unwrap();

    // Publish privileges.
    let list = ["cam-1".to_owned()];
    let listed = token04::privilege_payload("room", true, true, Some(&list));
    let mut c = Client::connect(&url).await;
    c.login_with("room", "dave", token("dave", &listed, 600), Opts::default()).await.unwrap();
    assert_eq!(c.publish("cam-2").await, Err(1003072));
    assert_eq!(c.publish("cam-1").await, Ok(None));
    let no_publish = token04::privilege_payload("room", true, false, None);
    let mut c = Client::connect(&url).await;
    c.login_with("room", "erin", token("erin", &no_publish, 600), Opts::default()).await.unwrap();
    assert_eq!(c.publish("cam-3").await, Err(1003072));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiry_warning_kick_and_renewal() {
    let server = server().await;
    let url = server.url();

    // Within the warning window at once: warned immediately, kicked at expiry.
    let mut a = Client::connect(&url).await;
    a.login_with("room", "alice", token("alice", "", 2), Opts::default()).await.unwrap();
    match a.next().await {
        Some(ServerMsg::TokenWillExpire { remain_seconds }) => assert!(remain_seconds <= 2),
        other => panic!("expected token_will_expire, got {other:?}"),
    }
    let rest = a.until_closed().await;
    assert!(matches!(rest.as_slice(), [ServerMsg::Kicked { code: 1002056, .. }]), "{rest:?}");

    // A renewed token keeps the session; a bad one is refused with its code.
    let mut b = Client::connect(&url).await;
    b.login_with("room", "bob", token("bob", "", 2), Opts::default()).await.unwrap();
    assert!(matches!(b.next().await, Some(ServerMsg::TokenWillExpire { .. })));
    let Auth::Token { token: wrong_user } = token("carol", "", 600) else { unreachable!() };
    assert_eq!(b.request(|req| ClientMsg::RenewToken { req, token: wrong_user }).await, Err(1002077));
    let Auth::Token { token: renewed } = token("bob", "", 600) else { unreachable!() };
    assert_eq!(b.request(|req| ClientMsg::RenewToken { req, token: renewed }).await, Ok(None));
    b.assert_quiet(Duration::from_secs(3)).await;
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_and_stream_events_between_two_clients() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room", "alice").await;
    let (mut b, snapshot) = joined(&url, "room", "bob").await;
    assert_eq!(snapshot.users, vec![user("alice")]);
    assert_eq!(snapshot.online_count, 2);
    assert_eq!(a.next().await, Some(ServerMsg::UserUpdate { update_type: UpdateType::Add, users: vec![user("bob")] }));
    assert_eq!(a.next().await, Some(ServerMsg::OnlineCount { count: 2 }));

    b.request(|req| ClientMsg::Publish { req, stream_id: "bob-cam".into(), extra_info: "hd".into() }).await.unwrap();
    let bob_cam = Stream::new(user("bob"), "bob-cam", "hd");
    assert_eq!(
        a.next().await,
        Some(ServerMsg::StreamUpdate { update_type: UpdateType::Add, streams: vec![bob_cam.clone()] })
    );
    let played = a.request(|req| ClientMsg::Play { req, stream_id: "bob-cam".into() }).await;
    assert_eq!(played, Ok(Some(ResponseData::Play { stream: bob_cam })));
    assert_eq!(a.request(|req| ClientMsg::Play { req, stream_id: "nope".into() }).await, Err(1004002));
    assert_eq!(a.request(|req| ClientMsg::StopPlay { req, stream_id: "bob-cam".into() }).await, Ok(None));
    assert_eq!(b.publish("bad.id").await, Err(1000016));

    b.request(|req| ClientMsg::SetStreamExtraInfo { req, stream_id: "bob-cam".into(), extra_info: "sd".into() })
        .await
        .unwrap();
    match a.next().await {
        Some(ServerMsg::StreamExtraInfoUpdate { streams }) => {
            assert_eq!(streams[0].extra_info, "sd")
        }
        other => panic!("{other:?}"),
    }
    let set = |key: &str, value: &str| {
        let (key, value) = (key.to_owned(), value.to_owned());
        move |req| ClientMsg::SetRoomExtraInfo { req, key, value }
    };
    b.request(set("topic", "rust")).await.unwrap();
    match a.next().await {
        Some(ServerMsg::RoomExtraInfoUpdate { infos }) => {
            assert_eq!((infos[0].key.as_str(), infos[0].value.as_str()), ("topic", "rust"));
            assert_eq!(infos[0].update_user, user("bob"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(b.request(set("", "v")).await, Err(1002014));
    assert_eq!(b.request(set(&"k".repeat(128), "v")).await, Err(1002015));
    assert_eq!(b.request(set("k", &"v".repeat(4097))).await, Err(1002016));

    b.request(|req| ClientMsg::Unpublish { req, stream_id: "bob-cam".into() }).await.unwrap();
    assert_eq!(a.wait_for(stream_update).await, (UpdateType::Delete, vec!["bob-cam".to_owned()]));
    b.request(|req| ClientMsg::Logout { req }).await.unwrap();
    assert!(b.until_closed().await.is_empty());
    assert_eq!(a.wait_for(user_update).await, (UpdateType::Delete, vec!["bob".to_owned()]));
    assert_eq!(a.next().await, Some(ServerMsg::OnlineCount { count: 1 }));

    // A quiet login (no user_status_notify) gets no user events, only counts.
    let mut quiet = Client::connect(&url).await;
    let auth = quiet.app_sign("room", "quiet");
    quiet.login_with("room", "quiet", auth, Opts { quiet: true, ..Opts::default() }).await.unwrap();
    let (_carol, _) = joined(&url, "room", "carol").await;
    assert_eq!(quiet.next().await, Some(ServerMsg::OnlineCount { count: 3 }));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_ids_are_unique_per_app_1003028() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room-a", "alice").await;
    let (mut b, _) = joined(&url, "room-b", "bob").await;
    assert_eq!(a.publish("shared").await, Ok(None));
    assert_eq!(a.publish("shared").await, Ok(None), "re-publishing one's own stream is fine");
    assert_eq!(b.publish("shared").await, Err(1003028));
    // Play finds streams across rooms of the app.
    assert!(b.request(|req| ClientMsg::Play { req, stream_id: "shared".into() }).await.is_ok());
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_and_server_capacity() {
    let server = server().await;
    let url = server.url();
    let mut a = Client::connect(&url).await;
    let auth = a.app_sign("small", "alice");
    a.login_with("small", "alice", auth, Opts { max_member_count: 2, ..Opts::default() }).await.unwrap();
    joined(&url, "small", "bob").await;
    let mut c = Client::connect(&url).await;
    assert_eq!(c.login("small", "carol").await.unwrap_err(), 1002034);
    finish(server).await;

    let mut config = fast_config();
    config.limits.max_rooms = 1;
    config.limits.max_users_per_room = 1;
    let server = ServerHandle::start("127.0.0.1:0", config).await.unwrap();
    let url = server.url();
    let (_a, _) = joined(&url, "one", "alice").await;
    assert_eq!(Client::connect(&url).await.login("one", "bob").await.unwrap_err(), 1002034);
    assert_eq!(Client::connect(&url).await.login("two", "bob").await.unwrap_err(), 1002035);
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_user_elsewhere_kicks_the_old_session_1002050() {
    let server = server().await;
    let url = server.url();
    let (mut old, _) = joined(&url, "room", "alice").await;
    old.publish("alice-cam").await.unwrap();
    let (mut observer, _) = joined(&url, "room", "olga").await;

    let (mut new, snapshot) = joined(&url, "room", "alice").await;
    assert_eq!(snapshot.users, vec![user("olga")]);
    assert!(snapshot.streams.is_empty());
    let seen = old.until_closed().await;
    assert!(matches!(seen.last(), Some(ServerMsg::Kicked { code: 1002050, .. })), "{seen:?}");
    assert_eq!(observer.wait_for(stream_update).await, (UpdateType::Delete, vec!["alice-cam".to_owned()]));
    observer.assert_quiet(Duration::from_millis(300)).await;
    assert_eq!(new.publish("alice-cam").await, Ok(None));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_command_reaches_listed_users_only() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room", "alice").await;
    let (mut b, _) = joined(&url, "room", "bob").await;
    let (mut c, _) = joined(&url, "room", "carol").await;
    let command = |to: &[&str]| {
        let to_user_ids = to.iter().map(|s| s.to_string()).collect();
        move |req| ClientMsg::CustomCommand { req, command: "mute".into(), to_user_ids }
    };
    assert_eq!(a.request(command(&["bob", "nobody"])).await, Ok(None));
    let got = b
        .wait_for(|m| match m {
            ServerMsg::CustomCommand { from_user, command } => Some((from_user.clone(), command.clone())),
            _ => None,
        })
        .await;
    assert_eq!(got, (user("alice"), "mute".to_owned()));
    c.assert_quiet(Duration::from_millis(300)).await;
    assert_eq!(a.request(command(&[])).await, Err(1009011));
    let long: &str = &"u".repeat(64);
    assert_eq!(a.request(command(&[long])).await, Err(1009012));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_and_barrage() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room", "alice").await;
    let (mut b, _) = joined(&url, "room", "bob").await;
    a.wait_for(|m| matches!(m, ServerMsg::OnlineCount { .. }).then_some(())).await;
    let send = |text: &str| {
        let message = text.to_owned();
        move |req| ClientMsg::Broadcast { req, message }
    };
    assert_eq!(a.request(send("hello")).await, Ok(Some(ResponseData::Broadcast { message_id: 1 })));
    assert_eq!(b.request(send("hi")).await, Ok(Some(ResponseData::Broadcast { message_id: 2 })));
    match b.next().await {
        Some(ServerMsg::BroadcastMessage { messages }) => {
            assert_eq!(messages.len(), 1);
            assert_eq!((messages[0].message.as_str(), messages[0].message_id), ("hello", 1));
            assert_eq!(messages[0].from_user, user("alice"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(a.next().await, Some(ServerMsg::BroadcastMessage { .. })));
    assert_eq!(a.request(send("")).await, Err(1009001));
    assert_eq!(a.request(send(&"m".repeat(1025))).await, Err(1009002));
    let barrage = a.request(|req| ClientMsg::Barrage { req, message: "wow".into() }).await;
    assert_eq!(barrage, Ok(Some(ResponseData::Barrage { message_id: "1".into() })));
    assert!(matches!(b.next().await, Some(ServerMsg::BarrageMessage { .. })));
    a.assert_quiet(Duration::from_millis(200)).await;
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_socket_leaves_after_the_grace_period() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room", "alice").await;
    a.publish("alice-cam").await.unwrap();
    let (mut b, _) = joined(&url, "room", "bob").await;
    let dropped = Instant::now();
    drop(a);
    b.assert_quiet(GRACE / 4).await;
    assert_eq!(b.wait_for(stream_update).await, (UpdateType::Delete, vec!["alice-cam".to_owned()]));
    assert_eq!(b.wait_for(user_update).await, (UpdateType::Delete, vec!["alice".to_owned()]));
    assert!(dropped.elapsed() < Duration::from_secs(15));

    // A silent client (no heartbeats) is dropped after the heartbeat timeout, then leaves.
    let (mut silent, _) = joined(&url, "room", "sid").await;
    silent.heartbeats.store(false, Ordering::Relaxed);
    assert_eq!(b.wait_for(user_update).await, (UpdateType::Add, vec!["sid".to_owned()]));
    assert!(silent.until_closed().await.is_empty());
    assert_eq!(b.wait_for(user_update).await, (UpdateType::Delete, vec!["sid".to_owned()]));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_within_the_grace_period_is_silent() {
    let server = server().await;
    let url = server.url();
    let (mut a, first) = joined(&url, "room", "alice").await;
    a.publish("alice-cam").await.unwrap();
    let (mut b, _) = joined(&url, "room", "bob").await;
    let resume = Resume {
        session_id: first.session_id.clone(),
        streams: vec![ResumeStream { stream_id: "alice-cam".into(), extra_info: String::new() }],
    };
    let resume_opts = Opts { resume: Some(resume), ..Opts::default() };

    // After a socket loss.
    drop(a);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut a = Client::connect(&url).await;
    let auth = a.app_sign("room", "alice");
    let snapshot = a.login_with("room", "alice", auth, resume_opts.clone()).await.unwrap();
    assert_eq!(snapshot.session_id, first.session_id);
    assert_eq!(snapshot.users, vec![user("bob")]);
    assert_eq!(snapshot.streams.len(), 1);

    // While the old socket is still open: it is closed without a kick.
    let mut again = Client::connect(&url).await;
    let auth = again.app_sign("room", "alice");
    again.login_with("room", "alice", auth, resume_opts).await.unwrap();
    assert!(a.until_closed().await.is_empty());

    b.assert_quiet(GRACE + Duration::from_millis(700)).await;
    assert_eq!(again.publish("alice-cam").await, Ok(None));
    finish(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_survive_a_server_restart_and_stop_frees_the_port() {
    let first = server().await;
    let addr = first.local_addr();
    let (mut a, snapshot) = joined(&first.url(), "room", "alice").await;
    a.publish("alice-cam").await.unwrap();
    first.stop().await;
    assert!(a.until_closed().await.is_empty(), "stop sends a close frame");

    let second = ServerHandle::start(&addr.to_string(), fast_config()).await.unwrap();
    assert_eq!(second.local_addr(), addr);
    let url = second.url();
    let mut a = Client::connect(&url).await;
    let auth = a.app_sign("room", "alice");
    let resume = Resume {
        session_id: snapshot.session_id.clone(),
        streams: vec![ResumeStream { stream_id: "alice-cam".into(), extra_info: "x".into() }],
    };
    let resumed = a.login_with("room", "alice", auth, Opts { resume: Some(resume), ..Opts::default() }).await.unwrap();
    assert_ne!(resumed.session_id, snapshot.session_id, "an unknown session id is a new login");
    assert_eq!(resumed.streams.len(), 1);
    let (_b, seen) = joined(&url, "room", "bob").await;
    assert_eq!(seen.streams, vec![Stream::new(user("alice"), "alice-cam", "x")]);
    finish(second).await;
}

/// Sends a raw HTTP/1.1 GET and returns (status line, body).
async fn http_get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_routes() {
    let server = server().await;
    let addr = server.local_addr();
    assert_eq!(http_get(addr, "/healthz").await, ("HTTP/1.1 200 OK".to_owned(), "ok".to_owned()));
    let (status, page) = http_get(addr, "/").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
    let (_a, _) = joined(&server.url(), "room", "alice").await;
    let (status, rooms) = http_get(addr, "/api/rooms").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    let rooms: serde_json::Value = serde_json::from_str(&rooms).unwrap();
    assert_eq!(rooms[0]["room_id"], "room");
    assert_eq!(rooms[0]["users"][0]["user_id"], "alice");
    finish(server).await;

    let mut config = fast_config();
    config.dev_mode = false;
    let server = ServerHandle::start("127.0.0.1:0", config).await.unwrap();
    assert_eq!(http_get(server.local_addr(), "/api/rooms").await.0, "HTTP/1.1 404 Not Found");
    finish(server).await;
}

#[test]
fn blocking_start_and_stop_for_the_c_abi() {
    let server = ServerHandle::start_blocking("127.0.0.1:0", None).unwrap();
    assert_eq!(server.url(), format!("ws://127.0.0.1:{}", server.local_addr().port()));
    server.stop_blocking();
    let config =
        format!(r#"{{"apps":[{{"app_id":5,"app_sign":"{DEV_APP_SIGN}","server_secret":"{DEV_SERVER_SECRET}"}}]}}"#);
    ServerHandle::start_blocking("127.0.0.1:0", Some(&config)).unwrap().stop_blocking();
    let bad = ServerHandle::start_blocking("127.0.0.1:0", Some(r#"{"apps":[],"x":1}"#));
    assert!(matches!(bad, Err(ServerError::Config(_))));
    let bad = ServerHandle::start_blocking("not an address", None);
    assert!(matches!(bad, Err(ServerError::Address { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_frames_close_only_that_connection() {
    let server = server().await;
    let url = server.url();
    let (mut a, _) = joined(&url, "room", "alice").await;
    let (mut big, _) = joined(&url, "room", "bob").await;
    let text = format!(r#"{{"type":"broadcast","req":9,"message":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES));
    // The server may close before the whole frame is written.
    big.send_text(text).await;
    big.until_closed().await;
    assert!(a.request(|req| ClientMsg::Broadcast { req, message: "still here".into() }).await.is_ok());
    finish(server).await;
}

// ---- garbage input ----

/// A WebRTC offer as a browser's `publish_media` carries it (one H.264 m-line).
const SEED_OFFER: &str = "v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0
m=video 9 UDP/TLS/RTP/SAVPF 125
c=IN IP4 0.0.0.0
a=mid:0
a=ice-ufrag:fuzz
a=ice-pwd:fuzzfuzzfuzzfuzzfuzzfuzz
a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC
a=setup:actpass
a=sendonly
a=rtcp-mux
a=rtpmap:125 H264/90000
a=rtcp-fb:125 nack pli
a=fmtp:125 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=ssrc:1001 cname:fuzz
a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host
";

/// Valid frames of every kind, the seeds of the mutations.
fn seed_frames() -> Vec<String> {
    let msgs = vec![
        ClientMsg::Login {
            req: 1,
            version: PROTOCOL_VERSION,
            app_id: DEV_APP_ID,
            room_id: "fuzz".into(),
            user: user("fuzzer"),
            auth: Auth::Token { token: "04abc".into() },
            max_member_count: 3,
            user_status_notify: true,
            resume: Some(Resume { session_id: "00000000000000ff".into(), streams: vec![] }),
        },
        ClientMsg::Logout { req: 2 },
        ClientMsg::Heartbeat { req: 3 },
        ClientMsg::Publish { req: 4, stream_id: "s".into(), extra_info: "e".into() },
        ClientMsg::Unpublish { req: 5, stream_id: "s".into() },
        ClientMsg::Play { req: 6, stream_id: "s".into() },
        ClientMsg::StopPlay { req: 7, stream_id: "s".into() },
        ClientMsg::SetStreamExtraInfo { req: 8, stream_id: "s".into(), extra_info: "e".into() },
        ClientMsg::SetRoomExtraInfo { req: 9, key: "k".into(), value: "v".into() },
        ClientMsg::Broadcast { req: 10, message: "m".into() },
        ClientMsg::Barrage { req: 11, message: "m".into() },
        ClientMsg::CustomCommand { req: 12, command: "c".into(), to_user_ids: vec!["x".into()] },
        ClientMsg::RenewToken { req: 13, token: "04".into() },
        ClientMsg::PublishMedia { req: 14, stream_id: "s".into(), sdp: SEED_OFFER.replace('\n', "\r\n") },
        ClientMsg::PlayMedia { req: 15, stream_id: "s".into(), sdp: SEED_OFFER.replace("sendonly", "recvonly") },
    ];
    let mut frames: Vec<String> = msgs.iter().map(protocol::encode).collect();
    frames.extend(
        [
            r#"{"type":"publish","req":1e400,"stream_id":"s"}"#,
            r#"{"type":"broadcast","req":-1,"message":null}"#,
            r#"{"type":"login"}"#,
            r#"{"req":18446744073709551615}"#,
            "[]",
            "null",
            "\u{0}",
        ]
        .map(str::to_owned),
    );
    frames.push("[".repeat(10_000));
    frames
}

/// A seed frame with a few character edits (delete, insert, replace, truncate).
fn mutated_frame() -> impl Strategy<Value = String> {
    let seeds = seed_frames();
    let count = seeds.len();
    (0..count, prop::collection::vec((any::<usize>(), 0u8..4, any::<char>()), 0..6)).prop_map(move |(i, edits)| {
        let mut chars: Vec<char> = seeds[i].chars().collect();
        for (at, op, c) in edits {
            if chars.is_empty() {
                break;
            }
            let at = at % chars.len();
            match op {
                0 => {
                    chars.remove(at);
                }
                1 => chars.insert(at, c),
                2 => chars[at] = c,
                _ => chars.truncate(at),
            }
        }
        chars.into_iter().collect()
    })
}

fn any_frame() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "\\PC{0,64}", mutated_frame()]
}

/// A runtime and a server shared by the property cases.
fn fuzz_target() -> &'static (tokio::runtime::Runtime, String) {
    static TARGET: OnceLock<(tokio::runtime::Runtime, String)> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = runtime.block_on(ServerHandle::start("127.0.0.1:0", fast_config())).unwrap();
        let url = server.url();
        // Serves until the test process exits.
        std::mem::forget(server);
        (runtime, url)
    })
}

async fn garbage_case(url: &str, frames: Vec<String>, login_first: bool) {
    static CASE: AtomicU64 = AtomicU64::new(0);
    let case = CASE.fetch_add(1, Ordering::Relaxed);
    let room = format!("fuzz-{case}");
    let mut fuzzer = Client::connect(url).await;
    if login_first {
        fuzzer.login(&room, "fuzzer").await.unwrap();
    }
    for frame in frames {
        if !fuzzer.send_text(frame).await {
            break;
        }
    }
    // Whatever comes back must be valid protocol (next_within decodes it).
    while let Ok(Some(_)) = fuzzer.next_within(Duration::from_millis(50)).await {}

    let (mut a, _) = joined(url, &room, "checker-a").await;
    let (mut b, _) = joined(url, &room, "checker-b").await;
    let sent = a.request(|req| ClientMsg::Broadcast { req, message: "alive".into() }).await;
    assert!(matches!(sent, Ok(Some(ResponseData::Broadcast { .. }))));
    let got = b
        .wait_for(|m| match m {
            ServerMsg::BroadcastMessage { messages } => Some(messages[0].message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(got, "alive");
    assert_eq!(SERVER_PANICS.load(Ordering::SeqCst), 0, "a server task panicked");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn garbage_never_breaks_the_server(frames in prop::collection::vec(any_frame(), 1..16), login_first in any::<bool>()) {
        let (runtime, url) = fuzz_target();
        runtime.block_on(garbage_case(url, frames, login_first));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn client_msg_decode_never_panics(frame in any_frame()) {
        let _ = ClientMsg::decode(&frame);
    }
}

#[test]
fn the_token_subcommand_prints_a_token_the_server_accepts() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zego-server")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let now = now_unix();
    for args in [&["token", "--dev", "--user-id", "cli"][..], &["token", "--dev", "--user-id", "cli", "--gcm"]] {
        let token = run(args);
        let checked = token04::verify(&token, DEV_APP_ID, "cli", DEV_SERVER_SECRET, now).unwrap();
        assert!(checked.expire - now >= 3599, "default lifetime is an hour");
        assert_eq!(checked.payload, "");
    }
    let token =
        run(&["token", "--dev", "--user-id", "cli", "--room-id", "r1", "--no-publish", "--expire-seconds", "60"]);
    let checked = token04::verify(&token, DEV_APP_ID, "cli", DEV_SERVER_SECRET, now).unwrap();
    let privilege = token04::parse_privilege(&checked.payload).unwrap().unwrap();
    assert_eq!((privilege.room_id.as_str(), privilege.can_login, privilege.can_publish), ("r1", true, false));
}
