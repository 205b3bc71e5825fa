//! The SFU end to end on loopback: a publisher and players log in over the
//! real WebSocket protocol, negotiate media with `publish_media` /
//! `play_media`, and the players check what arrives: their own SSRC and
//! payload type, consecutive sequence numbers, byte-exact H.264 access units
//! and Opus payloads, a keyframe first (PLI relay), and the end of the media
//! on `stop_play` and `unpublish`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use tokio::net::TcpStream;
use tokio::sync::{oneshot, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use zego_express::auth::app_sign_proof;
use zego_express::protocol::{self, Auth, ClientMsg, ResponseData, ServerMsg, User, PROTOCOL_VERSION};
use zego_express::rtc::{
    self, Depacketizer, H264Packet, LocalTrackSpec, PeerConnection, RTCPeerConnectionState, RtpCodecKind, Sample,
    TrackLocal, TrackLocalEvent, TrackRemote, TrackRemoteEvent,
};
use zego_express::server::{ServerConfig, ServerHandle, DEV_APP_ID, DEV_APP_SIGN};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Longest wait for anything that should happen promptly.
const WAIT: Duration = Duration::from_secs(5);
const LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
const ROOM: &str = "sfu-room";
const STREAM: &str = "pub-cam";
const FRAME: Duration = Duration::from_millis(33);
const AUDIO_FRAME: Duration = Duration::from_millis(20);
/// Publisher SSRCs (the players must see others).
const PUB_VIDEO_SSRC: u32 = 0x1111_0001;
const PUB_AUDIO_SSRC: u32 = 0x1111_0002;

/// Panics anywhere in the process (server tasks included).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn init_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::from_default_env();
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default_hook(info);
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// Signaling client: a reader task routes responses by `req`, events to a channel.
// ---------------------------------------------------------------------------------------------

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<(i32, Option<ResponseData>)>>>>;

struct Client {
    sink: Arc<tokio::sync::Mutex<SplitSink<Ws, Message>>>,
    pending: Pending,
    last_req: u64,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

impl Client {
    async fn login(url: &str, user_id: &str) -> Client {
        let (ws, _) = tokio::time::timeout(WAIT, connect_async(format!("{url}/ws"))).await.unwrap().unwrap();
        let (sink, mut stream) = ws.split();
        let challenge = match stream.next().await {
            Some(Ok(Message::Text(text))) => match ServerMsg::decode(&text).unwrap() {
                ServerMsg::Hello { challenge, .. } => challenge,
                other => panic!("expected hello, got {other:?}"),
            },
            other => panic!("expected hello, got {other:?}"),
        };
        let pending: Pending = Arc::default();
        let reader = {
            let pending = pending.clone();
            tokio::spawn(async move {
                while let Some(Ok(frame)) = stream.next().await {
                    let Message::Text(text) = frame else { continue };
                    // Room events are not what this test is about.
                    if let ServerMsg::Response { req, code, data, .. } = ServerMsg::decode(&text).unwrap() {
                        if let Some(tx) = pending.lock().remove(&req) {
                            let _ = tx.send((code, data));
                        }
                    }
                }
            })
        };
        let sink = Arc::new(tokio::sync::Mutex::new(sink));
        let heartbeat = {
            let sink = sink.clone();
            tokio::spawn(async move {
                for req in 1u64 << 40.. {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let beat = protocol::encode(&ClientMsg::Heartbeat { req });
                    if sink.lock().await.send(Message::text(beat)).await.is_err() {
                        return;
                    }
                }
            })
        };
        let mut client = Client { sink, pending, last_req: 0, tasks: vec![reader, heartbeat] };
        let signature = app_sign_proof(DEV_APP_SIGN, &challenge, DEV_APP_ID, ROOM, user_id);
        let login = client
            .request(|req| ClientMsg::Login {
                req,
                version: PROTOCOL_VERSION,
                app_id: DEV_APP_ID,
                room_id: ROOM.into(),
                user: User { user_id: user_id.into(), user_name: user_id.into() },
                auth: Auth::AppSign { signature },
                max_member_count: 0,
                user_status_notify: false,
                resume: None,
            })
            .await;
        assert!(matches!(login, Ok(Some(ResponseData::Login(_)))), "login: {login:?}");
        client
    }

    async fn request(&mut self, make: impl FnOnce(u64) -> ClientMsg) -> Result<Option<ResponseData>, i32> {
        self.last_req += 1;
        let req = self.last_req;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().insert(req, tx);
        let text = protocol::encode(&make(req));
        self.sink.lock().await.send(Message::text(text)).await.unwrap();
        let (code, data) = tokio::time::timeout(WAIT, rx).await.expect("response in time").unwrap();
        if code == 0 {
            Ok(data)
        } else {
            Err(code)
        }
    }

    /// Sends an offer with `make` and returns the SFU's answer SDP.
    async fn media(&mut self, make: impl FnOnce(u64) -> ClientMsg) -> Result<String, i32> {
        match self.request(make).await? {
            Some(ResponseData::MediaAnswer { sdp }) => Ok(sdp),
            other => panic!("expected a media answer, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic media: Annex-B access units and Opus-like payloads that name their frame index.
// ---------------------------------------------------------------------------------------------

/// Three bytes, none zero (no start-code emulation), naming `index`.
fn index_bytes(index: u32) -> [u8; 3] {
    [(index / 255 / 255 % 255 + 1) as u8, (index / 255 % 255 + 1) as u8, (index % 255 + 1) as u8]
}

fn read_index(bytes: &[u8]) -> u32 {
    (u32::from(bytes[0]) - 1) * 255 * 255 + (u32::from(bytes[1]) - 1) * 255 + (u32::from(bytes[2]) - 1)
}

fn nal(header: u8, index: u32, len: usize) -> Vec<u8> {
    let mut unit = vec![0, 0, 0, 1, header];
    unit.extend_from_slice(&index_bytes(index));
    unit.extend((0..len).map(|i| (i % 251 + 1) as u8));
    unit
}

/// An access unit: SPS + PPS + IDR (4 kB: fragmented) for keyframes, one
/// slice otherwise (every third one above the MTU).
fn access_unit(index: u32, key: bool) -> Bytes {
    let mut au = Vec::new();
    if key {
        au.extend(nal(0x67, index, 10)); // SPS
        au.extend(nal(0x68, index, 4)); // PPS
        au.extend(nal(0x65, index, 4000)); // IDR slice
    } else {
        au.extend(nal(0x41, index, if index % 3 == 0 { 2500 } else { 600 }));
    }
    Bytes::from(au)
}

/// The frame index of a depacketized access unit: from its last NAL unit.
fn au_index(au: &[u8]) -> Option<u32> {
    let start = au.windows(4).rposition(|w| w == [0, 0, 0, 1])?;
    au.get(start + 5..start + 8).map(read_index)
}

fn audio_payload(index: u32) -> Bytes {
    let mut payload = vec![0xfc];
    payload.extend_from_slice(&index_bytes(index));
    payload.extend((0..60).map(|i| (i + index as usize) as u8));
    Bytes::from(payload)
}

// ---------------------------------------------------------------------------------------------
// Publisher
// ---------------------------------------------------------------------------------------------

/// What the publisher's media connections share (a replacement connection
/// continues the frame indexes).
#[derive(Default)]
struct Sent {
    /// Access units sent, by frame index, with whether each is a keyframe.
    frames: Mutex<HashMap<u32, (Bytes, bool)>>,
    next_frame: AtomicU32,
    next_audio: AtomicU32,
    plis: AtomicU32,
    keyframes: AtomicU32,
}

/// One `publish_media` connection sending video and audio until stopped.
struct MediaLink {
    pc: Arc<dyn PeerConnection>,
    /// Index of the first frame this connection sent (`u32::MAX` before).
    first_frame: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    negotiation: Duration,
    ssrcs: (u32, u32),
}

struct Publisher {
    client: Client,
    sent: Arc<Sent>,
    link: MediaLink,
}

async fn connect_media(client: &mut Client, sent: &Arc<Sent>, ssrcs: (u32, u32)) -> MediaLink {
    let (forwarder, mut events) = rtc::peer_events("publisher");
    let pc = rtc::new_peer(LOOPBACK, forwarder).await.unwrap();
    let spec =
        |kind, ssrc, codec| LocalTrackSpec { stream_id: STREAM.into(), track_id: format!("{kind}"), kind, ssrc, codec };
    let video = spec(RtpCodecKind::Video, ssrcs.0, rtc::h264_codec());
    let audio = spec(RtpCodecKind::Audio, ssrcs.1, rtc::opus_codec());
    let (video_track, audio_track) = (video.sample_track().unwrap(), audio.sample_track().unwrap());
    let video_sender = pc.add_track(video_track.clone() as Arc<dyn TrackLocal>).await.unwrap();
    let audio_sender = pc.add_track(audio_track.clone() as Arc<dyn TrackLocal>).await.unwrap();
    let started = Instant::now();
    let offer = rtc::create_offer(pc.as_ref(), &events.gathering).await.unwrap();
    let answer = client
        .media(|req| ClientMsg::PublishMedia { req, stream_id: STREAM.into(), sdp: offer })
        .await
        .expect("publish_media answered");
    rtc::accept_answer(pc.as_ref(), &answer).await.unwrap();
    let negotiation = started.elapsed();
    rtc::wait_connected(&mut events.state, WAIT).await.unwrap();
    let video_pt = rtc::negotiated_payload_type(video_sender.as_ref(), &video.codec).await.unwrap();
    let audio_pt = rtc::negotiated_payload_type(audio_sender.as_ref(), &audio.codec).await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let first_frame = Arc::new(AtomicU32::new(u32::MAX));
    // Keyframe requests relayed by the SFU.
    let want_key = Arc::new(AtomicBool::new(true));
    {
        let (track, sent, want_key) = (video_track.clone(), sent.clone(), want_key.clone());
        tokio::spawn(async move {
            while let Some(TrackLocalEvent::OnRtcpPacket(packets)) = track.poll().await {
                if rtc::is_keyframe_request(&packets) {
                    sent.plis.fetch_add(1, Ordering::SeqCst);
                    want_key.store(true, Ordering::SeqCst);
                }
            }
        });
    }
    // Video: a keyframe only at the start and when asked for one.
    {
        let (sent, stop, first_frame) = (sent.clone(), stop.clone(), first_frame.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FRAME);
            loop {
                tick.tick().await;
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let index = sent.next_frame.fetch_add(1, Ordering::SeqCst);
                let _ = first_frame.compare_exchange(u32::MAX, index, Ordering::SeqCst, Ordering::SeqCst);
                let key = want_key.swap(false, Ordering::SeqCst);
                let au = access_unit(index, key);
                sent.frames.lock().insert(index, (au.clone(), key));
                if key {
                    sent.keyframes.fetch_add(1, Ordering::SeqCst);
                }
                let sample = Sample { data: au, duration: FRAME, ..Sample::new(Instant::now()) };
                if video_track.write_sample(video.ssrc, video_pt, &sample, &[]).await.is_err() {
                    break;
                }
            }
        });
    }
    {
        let (sent, stop) = (sent.clone(), stop.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(AUDIO_FRAME);
            loop {
                tick.tick().await;
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let index = sent.next_audio.fetch_add(1, Ordering::SeqCst);
                let sample =
                    Sample { data: audio_payload(index), duration: AUDIO_FRAME, ..Sample::new(Instant::now()) };
                if audio_track.write_sample(audio.ssrc, audio_pt, &sample, &[]).await.is_err() {
                    break;
                }
            }
        });
    }
    MediaLink { pc, first_frame, stop, negotiation, ssrcs }
}

async fn start_publisher(url: &str) -> Publisher {
    let mut client = Client::login(url, "pub").await;
    client
        .request(|req| ClientMsg::Publish { req, stream_id: STREAM.into(), extra_info: String::new() })
        .await
        .unwrap();
    let sent = Arc::new(Sent::default());
    let link = connect_media(&mut client, &sent, (PUB_VIDEO_SSRC, PUB_AUDIO_SSRC)).await;
    Publisher { client, sent, link }
}

impl Publisher {
    fn plis(&self) -> u32 {
        self.sent.plis.load(Ordering::SeqCst)
    }

    /// A new `publish_media` for the same stream, with other SSRCs; the old
    /// connection stops sending and closes.
    async fn replace_media(&mut self) {
        let ssrcs = (self.link.ssrcs.0 + 0x100, self.link.ssrcs.1 + 0x100);
        let link = connect_media(&mut self.client, &self.sent, ssrcs).await;
        let old = std::mem::replace(&mut self.link, link);
        old.stop.store(true, Ordering::SeqCst);
        old.pc.close().await.unwrap();
    }

    async fn close(self) {
        self.link.stop.store(true, Ordering::SeqCst);
        self.link.pc.close().await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Players
// ---------------------------------------------------------------------------------------------

/// What one player's tracks received.
#[derive(Default)]
struct Received {
    /// (ssrc, payload type, sequence number) of every video packet.
    video_headers: Vec<(u32, u8, u16)>,
    audio_headers: Vec<(u32, u8, u16)>,
    /// Whether the first video packet started a keyframe.
    first_video_key: Option<bool>,
    first_video_at: Option<Instant>,
    /// Depacketized access units: (frame index, bytes).
    frames: Vec<(u32, Bytes)>,
    audio_payloads: Vec<Bytes>,
    depacketize_errors: usize,
}

struct Player {
    client: Client,
    pc: Arc<dyn PeerConnection>,
    received: Arc<Mutex<Received>>,
    tracks_ended: Arc<AtomicUsize>,
    state: watch::Receiver<RTCPeerConnectionState>,
    play_sent: Instant,
    negotiation: Duration,
    connected: Duration,
    /// (video, audio) payload types the player's engine uses.
    payload_types: (u8, u8),
}

async fn read_track(track: Arc<dyn TrackRemote>, received: Arc<Mutex<Received>>, ended: Arc<AtomicUsize>) {
    let kind = track.kind().await;
    let mut depacketizer = H264Packet::default();
    let mut au = Vec::new();
    while let Some(event) = track.poll().await {
        let TrackRemoteEvent::OnRtpPacket(packet) = event else { continue };
        let mut r = received.lock();
        let header = (packet.header.ssrc, packet.header.payload_type, packet.header.sequence_number);
        if kind == RtpCodecKind::Audio {
            r.audio_headers.push(header);
            r.audio_payloads.push(packet.payload.clone());
            continue;
        }
        r.video_headers.push(header);
        if r.first_video_key.is_none() {
            r.first_video_key = Some(rtc::is_h264_keyframe_start(&packet.payload));
            r.first_video_at = Some(Instant::now());
        }
        match depacketizer.depacketize(&packet.payload) {
            Ok(bytes) => au.extend_from_slice(&bytes),
            Err(_) => r.depacketize_errors += 1,
        }
        if packet.header.marker {
            let bytes = Bytes::from(std::mem::take(&mut au));
            let index = au_index(&bytes).unwrap_or(u32::MAX);
            r.frames.push((index, bytes));
        }
    }
    ended.fetch_add(1, Ordering::SeqCst);
}

/// Payload types of the players built by [`rtc::new_peer`] (and the publisher).
const OUR_PTS: (u8, u8) = (125, 111);
/// Payload types of a player with a MediaEngine like a browser's, where
/// H.264 and Opus have other numbers than on the publisher's leg.
const OTHER_PTS: (u8, u8) = (96, 109);

/// A PeerConnection whose MediaEngine numbers H.264 and Opus `OTHER_PTS`.
async fn peer_with_other_payload_types(
    handler: Arc<dyn zego_express::rtc::PeerConnectionEventHandler>,
) -> Arc<dyn PeerConnection> {
    use ::rtc::ice::{mdns::MulticastDnsMode, network_type::NetworkType};
    use ::rtc::rtp_transceiver::rtp_sender::RTCRtpCodecParameters;
    use webrtc::peer_connection::{
        register_default_interceptors, MediaEngine, PeerConnectionBuilder, Registry, SettingEngineBuilder,
    };
    let mut engine = MediaEngine::default();
    let h264 = RTCRtpCodecParameters { rtp_codec: rtc::h264_codec(), payload_type: OTHER_PTS.0 };
    engine.register_codec(h264, RtpCodecKind::Video).unwrap();
    let opus = RTCRtpCodecParameters { rtp_codec: rtc::opus_codec(), payload_type: OTHER_PTS.1 };
    engine.register_codec(opus, RtpCodecKind::Audio).unwrap();
    let registry = register_default_interceptors(Registry::new(), &mut engine).unwrap();
    let settings = SettingEngineBuilder::new()
        .with_multicast_dns_mode(MulticastDnsMode::Disabled)
        .with_network_types(vec![NetworkType::Udp4])
        .with_ice_connection_attempts(Some(Duration::from_millis(20)), None)
        .build();
    let pc = PeerConnectionBuilder::new()
        .with_media_engine(engine)
        .with_interceptor_registry(registry)
        .with_setting_engine(settings)
        .with_handler(handler)
        .with_udp_addrs(vec!["127.0.0.1:0"])
        .build()
        .await
        .unwrap();
    Arc::new(pc)
}

async fn start_player(url: &str, user_id: &str) -> Player {
    start_player_with(url, user_id, OUR_PTS).await
}

async fn start_player_with(url: &str, user_id: &str, payload_types: (u8, u8)) -> Player {
    let mut client = Client::login(url, user_id).await;
    let played = client.request(|req| ClientMsg::Play { req, stream_id: STREAM.into() }).await;
    assert!(matches!(played, Ok(Some(ResponseData::Play { .. }))), "{played:?}");
    let (forwarder, events) = rtc::peer_events(user_id.to_owned());
    let pc = if payload_types == OUR_PTS {
        rtc::new_peer(LOOPBACK, forwarder).await.unwrap()
    } else {
        peer_with_other_payload_types(forwarder).await
    };
    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Audio).await.unwrap();
    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Video).await.unwrap();
    let offer = rtc::create_offer(pc.as_ref(), &events.gathering).await.unwrap();
    let play_sent = Instant::now();
    let answer = client
        .media(|req| ClientMsg::PlayMedia { req, stream_id: STREAM.into(), sdp: offer })
        .await
        .expect("play_media answered");
    rtc::accept_answer(pc.as_ref(), &answer).await.unwrap();
    let negotiation = play_sent.elapsed();
    let received = Arc::new(Mutex::new(Received::default()));
    let tracks_ended = Arc::new(AtomicUsize::new(0));
    let (mut tracks, mut state) = (events.tracks, events.state);
    {
        let (received, tracks_ended) = (received.clone(), tracks_ended.clone());
        tokio::spawn(async move {
            while let Some(track) = tracks.recv().await {
                tokio::spawn(read_track(track, received.clone(), tracks_ended.clone()));
            }
        });
    }
    rtc::wait_connected(&mut state, WAIT).await.unwrap();
    let connected = play_sent.elapsed();
    Player { client, pc, received, tracks_ended, state, play_sent, negotiation, connected, payload_types }
}

impl Player {
    /// Waits until `count` access units arrived.
    async fn wait_frames(&self, count: usize) {
        let deadline = Instant::now() + WAIT;
        while self.received.lock().frames.len() < count {
            assert!(Instant::now() < deadline, "only {} frames arrived", self.received.lock().frames.len());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Checks everything received so far against what the publisher sent.
    fn check(&self, name: &str, publisher: &Publisher) -> (u32, u32, usize) {
        let r = self.received.lock();
        assert_eq!(r.first_video_key, Some(true), "{name}: the first video packet starts a keyframe");
        assert_eq!(r.depacketize_errors, 0, "{name}");
        let (video_pt, audio_pt) = self.payload_types;
        for (headers, pt) in [(&r.video_headers, video_pt), (&r.audio_headers, audio_pt)] {
            assert!(!headers.is_empty(), "{name}: packets arrive");
            let ssrc = headers[0].0;
            assert_ne!(ssrc & 0xffff_f000, PUB_VIDEO_SSRC & 0xffff_f000, "{name}: the consumer has its own SSRC");
            assert_eq!(headers[0].1, pt, "{name}: the leg's payload type");
            for pair in headers.windows(2) {
                assert_eq!(pair[1].0, ssrc, "{name}: one SSRC");
                assert_eq!(pair[1].1, pt, "{name}: the leg's payload type");
                assert_eq!(pair[1].2, pair[0].2.wrapping_add(1), "{name}: consecutive sequence numbers");
            }
        }
        let sent = publisher.sent.frames.lock();
        let mut last = None;
        for (index, bytes) in &r.frames {
            let (expected, _) = sent.get(index).unwrap_or_else(|| panic!("{name}: frame {index} was never sent"));
            assert!(
                bytes == expected,
                "{name}: frame {index} differs: {} bytes starting {:02x?}, sent {} bytes starting {:02x?}",
                bytes.len(),
                &bytes[..bytes.len().min(12)],
                expected.len(),
                &expected[..expected.len().min(12)]
            );
            assert!(last.is_none_or(|l| l < *index), "{name}: frame indexes increase");
            last = Some(*index);
        }
        let first = r.frames.first().map(|f| f.0).unwrap();
        assert!(sent[&first].1, "{name}: the first frame is a keyframe");
        for payload in &r.audio_payloads {
            assert!(payload == &audio_payload(read_index(&payload[1..4])), "{name}: audio differs: {payload:02x?}");
        }
        (first, last.unwrap(), r.frames.len())
    }

    fn first_video_ms(&self) -> f64 {
        let at = self.received.lock().first_video_at.expect("video arrived");
        at.duration_since(self.play_sent).as_secs_f64() * 1e3
    }

    async fn wait_ended(&self) -> Duration {
        let started = Instant::now();
        let mut state = self.state.clone();
        let state = &mut state;
        let closed = tokio::time::timeout(WAIT, async {
            loop {
                let done = matches!(
                    *state.borrow(),
                    RTCPeerConnectionState::Closed
                        | RTCPeerConnectionState::Failed
                        | RTCPeerConnectionState::Disconnected
                );
                if done || state.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the player's connection ends");
        started.elapsed()
    }

    /// Packets received so far (video, audio).
    fn counts(&self) -> (usize, usize) {
        let r = self.received.lock();
        (r.video_headers.len(), r.audio_headers.len())
    }
}

async fn sfu_counts(server: &ServerHandle) -> (usize, usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    tcp.write_all(b"GET /api/sfu HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut text = String::new();
    tcp.read_to_string(&mut text).await.unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    (json["producers"].as_array().unwrap().len(), json["consumers"].as_array().unwrap().len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publisher_to_three_players_with_keyframes_and_teardown() {
    init_logs();
    let server = ServerHandle::start("127.0.0.1:0", ServerConfig::dev_default()).await.unwrap();
    let url = server.url();
    let mut publisher = start_publisher(&url).await;
    // Let the first keyframe pass: the players must get theirs through PLIs.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let plis_before = publisher.plis();

    let (mut a, b) = tokio::join!(start_player(&url, "player-a"), start_player(&url, "player-b"));
    a.wait_frames(20).await;
    b.wait_frames(20).await;
    let late_plis_before = publisher.plis();
    assert!(late_plis_before > plis_before, "the new players' keyframe requests reached the publisher");

    // A late joiner gets a keyframe too; its engine numbers the codecs differently.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let c = start_player_with(&url, "player-c", OTHER_PTS).await;
    c.wait_frames(15).await;
    assert!(publisher.plis() > late_plis_before, "the late joiner's PLI reached the publisher");

    let mut results = Vec::new();
    for (name, player) in [("a", &a), ("b", &b), ("c", &c)] {
        let (first, last, frames) = player.check(name, &publisher);
        results.push(format!(
            "{name}: frames {first}..={last} ({frames}), play_media answered {:.1} ms, connected {:.1} ms, \
             first video packet {:.1} ms after play_media",
            player.negotiation.as_secs_f64() * 1e3,
            player.connected.as_secs_f64() * 1e3,
            player.first_video_ms()
        ));
    }
    assert_eq!(sfu_counts(&server).await, (1, 3));
    let distinct: std::collections::HashSet<u32> =
        [&a, &b, &c].iter().map(|p| p.received.lock().video_headers[0].0).collect();
    assert_eq!(distinct.len(), 3, "each consumer has its own SSRC");

    // stop_play closes that consumer only.
    a.client.request(|req| ClientMsg::StopPlay { req, stream_id: STREAM.into() }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let a_counts = a.counts();
    let b_frames = b.received.lock().frames.len();
    b.wait_frames(b_frames + 5).await;
    assert_eq!(a.counts(), a_counts, "nothing more reaches a stopped player");
    assert_eq!(sfu_counts(&server).await, (1, 2));

    // unpublish closes the producer and every consumer.
    publisher.client.request(|req| ClientMsg::Unpublish { req, stream_id: STREAM.into() }).await.unwrap();
    let unpublished = Instant::now();
    assert_eq!(sfu_counts(&server).await, (0, 0));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_unpublish = (b.counts(), c.counts());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!((b.counts(), c.counts()), after_unpublish, "nothing more after unpublish");
    // The players' connections see the SFU side gone (ICE consent expires).
    let (a_end, b_end, c_end) = tokio::join!(a.wait_ended(), b.wait_ended(), c.wait_ended());
    let ended_after = unpublished.elapsed();

    println!(
        "publish_media answered {:.1} ms; PLIs at the publisher {}; keyframes sent {}",
        publisher.link.negotiation.as_secs_f64() * 1e3,
        publisher.plis(),
        publisher.sent.keyframes.load(Ordering::SeqCst)
    );
    for line in results {
        println!("{line}");
    }
    println!(
        "player connections left 'connected' {:.0}/{:.0}/{:.0} ms after waiting began, {:.0} ms after unpublish",
        a_end.as_secs_f64() * 1e3,
        b_end.as_secs_f64() * 1e3,
        c_end.as_secs_f64() * 1e3,
        ended_after.as_secs_f64() * 1e3,
    );
    // Remote tracks end only when the player closes its own connection.
    let ended = |players: [&Player; 3]| players.iter().map(|p| p.tracks_ended.load(Ordering::SeqCst)).sum::<usize>();
    assert_eq!(ended([&a, &b, &c]), 0);
    for player in [&a, &b, &c] {
        player.pc.close().await.unwrap();
    }
    let deadline = Instant::now() + WAIT;
    while ended([&a, &b, &c]) < 6 {
        assert!(Instant::now() < deadline, "every track loop ends after close");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    publisher.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_producer_keeps_the_players_stream_continuous() {
    init_logs();
    let server = ServerHandle::start("127.0.0.1:0", ServerConfig::dev_default()).await.unwrap();
    let url = server.url();
    let mut publisher = start_publisher(&url).await;
    let player = start_player(&url, "player").await;
    player.wait_frames(10).await;
    let (ssrc_before, frames_before) = {
        let r = player.received.lock();
        (r.video_headers[0].0, r.frames.len())
    };
    // The publisher re-offers (new connection, new SSRCs, new sequence numbers).
    publisher.replace_media().await;
    player.wait_frames(frames_before + 15).await;
    // One SSRC, consecutive sequence numbers, byte-exact frames throughout.
    player.check("player", &publisher);
    {
        let r = player.received.lock();
        assert!(r.video_headers.iter().all(|h| h.0 == ssrc_before), "the consumer keeps its SSRC");
        // The first frame from the new connection is a keyframe.
        let new_first = publisher.link.first_frame.load(Ordering::SeqCst);
        let switch = r.frames.iter().position(|(index, _)| *index >= new_first).expect("frames of the new connection");
        assert!(switch >= frames_before);
        let first_after = r.frames[switch].0;
        assert!(publisher.sent.frames.lock()[&first_after].1, "the first frame after the switch is a keyframe");
    }
    assert_eq!(sfu_counts(&server).await, (1, 1));
    player.pc.close().await.unwrap();
    publisher.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_requests_are_checked() {
    init_logs();
    let server = ServerHandle::start("127.0.0.1:0", ServerConfig::dev_default()).await.unwrap();
    let url = server.url();
    let mut alice = Client::login(&url, "alice").await;
    let mut bob = Client::login(&url, "bob").await;
    let (forwarder, events) = rtc::peer_events("offerer");
    let pc = rtc::new_peer(LOOPBACK, forwarder).await.unwrap();
    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Video).await.unwrap();
    let offer = rtc::create_offer(pc.as_ref(), &events.gathering).await.unwrap();

    let publish_media =
        |stream: &'static str, sdp: String| move |req| ClientMsg::PublishMedia { req, stream_id: stream.into(), sdp };
    // Not published by this session: 1003025.
    assert_eq!(alice.media(publish_media("s", offer.clone())).await, Err(1003025));
    alice.request(|req| ClientMsg::Publish { req, stream_id: "s".into(), extra_info: String::new() }).await.unwrap();
    assert_eq!(bob.media(publish_media("s", offer.clone())).await, Err(1003025));
    // A bad stream id, then an offer that is no SDP.
    assert_eq!(alice.media(publish_media("bad id", offer.clone())).await, Err(1000016));
    assert_eq!(alice.media(publish_media("s", "v=0 garbage".into())).await, Err(1003001));
    // Playing a stream that does not exist: 1004002; a bad offer: 1004001.
    let play_media =
        |stream: &'static str, sdp: String| move |req| ClientMsg::PlayMedia { req, stream_id: stream.into(), sdp };
    assert_eq!(bob.media(play_media("nope", offer.clone())).await, Err(1004002));
    assert_eq!(bob.media(play_media("s", String::new())).await, Err(1004001));
    // A real offer is answered even before the publisher sends media.
    let answer = bob.media(play_media("s", offer.clone())).await.unwrap();
    assert!(answer.contains("a=candidate"), "non-trickle answer carries its candidates");
    assert_eq!(sfu_counts(&server).await, (0, 1));
    // The publisher's logout ends the stream and the waiting consumer.
    alice.request(|req| ClientMsg::Logout { req }).await.unwrap();
    let deadline = Instant::now() + WAIT;
    while sfu_counts(&server).await != (0, 0) {
        assert!(Instant::now() < deadline, "the consumer closes with its stream");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pc.close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_offers_are_refused_without_harm() {
    init_logs();
    let server = ServerHandle::start("127.0.0.1:0", ServerConfig::dev_default()).await.unwrap();
    let url = server.url();
    let mut alice = Client::login(&url, "alice").await;
    alice.request(|req| ClientMsg::Publish { req, stream_id: "s".into(), extra_info: String::new() }).await.unwrap();
    let (forwarder, events) = rtc::peer_events("offerer");
    let pc = rtc::new_peer(LOOPBACK, forwarder).await.unwrap();
    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Audio).await.unwrap();
    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Video).await.unwrap();
    let offer = rtc::create_offer(pc.as_ref(), &events.gathering).await.unwrap();
    let lines: Vec<&str> = offer.split("\r\n").collect();
    let mut rng_state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        (rng_state % n as u64) as usize
    };
    let (mut answered, mut refused) = (0, 0);
    for case in 0..80 {
        let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        match case % 4 {
            // Drop a line.
            0 => {
                mutated.remove(next(mutated.len()));
            }
            // Truncate a line.
            1 => {
                let i = next(mutated.len());
                let keep = next(mutated[i].len().max(1));
                mutated[i].truncate(keep);
            }
            // Replace a character with a digit or a colon.
            2 => {
                let i = next(mutated.len());
                if !mutated[i].is_empty() {
                    let at = next(mutated[i].len());
                    if mutated[i].is_char_boundary(at) && mutated[i].is_char_boundary(at + 1) {
                        mutated[i].replace_range(at..at + 1, [":", "0", "9", " ", "="][next(5)]);
                    }
                }
            }
            // Duplicate a line elsewhere.
            _ => {
                let line = mutated[next(mutated.len())].clone();
                let at = next(mutated.len());
                mutated.insert(at, line);
            }
        }
        let sdp = mutated.join("\r\n");
        let result = if case % 2 == 0 {
            alice.media(|req| ClientMsg::PlayMedia { req, stream_id: "s".into(), sdp }).await
        } else {
            alice.media(|req| ClientMsg::PublishMedia { req, stream_id: "s".into(), sdp }).await
        };
        match result {
            Ok(_) => answered += 1,
            Err(code) => {
                assert!([1003001, 1004001].contains(&code), "case {case}: unexpected code {code}");
                refused += 1;
            }
        }
    }
    println!("mutated offers: {answered} answered, {refused} refused");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "nothing panicked");
    // The server still negotiates a valid offer.
    alice.media(|req| ClientMsg::PlayMedia { req, stream_id: "s".into(), sdp: offer }).await.unwrap();
    pc.close().await.unwrap();
    server.stop().await;
}
