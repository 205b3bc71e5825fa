//! A load generator for the SFU: one publisher sending pre-encoded media
//! (H.264 360p30 ~600 kbps and Opus, so it costs almost nothing), and many
//! subscribers that receive and decrypt (ICE, DTLS-SRTP, RTCP, NACK as
//! webrtc-rs does them) but do not decode: they count packets, losses by
//! sequence number, and the one-way delay of audio packets through the SFU.
//!
//! Signaling is zego-server's protocol (docs/protocol.md) over a WebSocket, or
//! the Janus API (VideoRoom) for the side-by-side comparison.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use zego_express::auth::app_sign_proof;
use zego_express::media::frame::VideoFrame;
use zego_express::media::h264::{EncoderConfig, H264Encoder};
use zego_express::media::opus_codec::OpusEncoder;
use zego_express::media::pattern::draw_test_pattern;
use zego_express::media::stamp::draw_stamp;
use zego_express::media::tone::Tone;
use zego_express::protocol::{self, Auth, ClientMsg, ResponseData, ServerMsg, User, PROTOCOL_VERSION};
use zego_express::rtc::{
    self, LocalTrackSpec, PeerConnection, RtpCodecKind, Sample, TrackLocal, TrackLocalEvent, TrackLocalStaticSample,
    TrackRemoteEvent,
};
use zego_express::server::{DEV_APP_ID, DEV_APP_SIGN};

use crate::janus::{self, JanusHandle};

/// Pre-encoded media, looped by the publisher.
pub struct Source {
    /// Annex-B access units at 30 fps; index 0 and every `keyframe_every` are IDR.
    pub video: Vec<Vec<u8>>,
    pub keyframe_every: usize,
    /// Opus packets of 20 ms, all distinct (so a packet identifies its send time).
    pub audio: Vec<Vec<u8>>,
    /// Payload -> index in `audio`.
    pub audio_index: HashMap<Vec<u8>, usize>,
    pub video_kbps: f64,
    pub audio_kbps: f64,
}

impl Source {
    /// `seconds` of the test pattern with noise at 30 fps and `kbps`, IDR every 2 s;
    /// 5 s of a rising tone at 48 kbps.
    pub fn new(w: u32, h: u32, kbps: u32, seconds: usize) -> Self {
        let fps = 30;
        let config = EncoderConfig { width: w, height: h, fps, bitrate_kbps: kbps, keyframe_interval_s: 2 };
        let mut enc = H264Encoder::new(config).expect("encoder");
        let frames = seconds * fps as usize;
        let mut video = Vec::with_capacity(frames);
        for i in 0..frames {
            let mut f = VideoFrame::black(w, h);
            draw_test_pattern(&mut f, i as u64);
            draw_stamp(&mut f, i as u32, 0);
            // Sensor-like noise, so the rate controller spends the bitrate (the clean
            // pattern alone compresses to about a third of it).
            let mut seed = 0x9E37_79B9u32.wrapping_mul(i as u32 + 1);
            for px in f.y.iter_mut().skip(16 * w as usize) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                *px = px.saturating_add((seed & 7) as u8);
            }
            video.push(enc.encode(&f, i % (2 * fps as usize) == 0).expect("encode").data);
        }
        let mut opus = OpusEncoder::new(1, 48_000).expect("opus");
        let mut audio = Vec::new();
        let mut audio_index = HashMap::new();
        for i in 0..250 {
            let mut tone = Tone::new(300.0 + 5.0 * i as f64, -12.0, 48_000, 1);
            let packet = opus.encode(&tone.next_frame(960)).expect("opus encode");
            if audio_index.insert(packet.clone(), audio.len()).is_none() {
                audio.push(packet);
            }
        }
        let vbytes: usize = video.iter().map(Vec::len).sum();
        let abytes: usize = audio.iter().map(Vec::len).sum();
        Self {
            video_kbps: vbytes as f64 * 8.0 / seconds as f64 / 1000.0,
            audio_kbps: abytes as f64 * 8.0 / (audio.len() as f64 * 0.02) / 1000.0,
            video,
            keyframe_every: 2 * fps as usize,
            audio,
            audio_index,
        }
    }
}

/// Requests waiting for their response, by `req`.
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<(i32, Option<ResponseData>)>>>>;

/// A signaling session with zego-server.
pub struct Signal {
    out: mpsc::UnboundedSender<String>,
    pending: Pending,
    next_req: AtomicU64,
    closed: Arc<AtomicBool>,
}

impl Signal {
    /// Connects to `url` ("ws://host:port") and logs `user` into `room` with the dev AppSign.
    pub async fn login(url: &str, room: &str, user: &str) -> Result<Arc<Self>, String> {
        let (ws, _) = tokio_tungstenite::connect_async(format!("{url}/ws")).await.map_err(|e| e.to_string())?;
        let (mut sink, mut stream) = ws.split();
        let hello = loop {
            match stream.next().await {
                Some(Ok(Message::Text(t))) => break ServerMsg::decode(&t).map_err(|e| format!("{e:?}"))?,
                Some(Ok(_)) => continue,
                other => return Err(format!("no hello: {other:?}")),
            }
        };
        let ServerMsg::Hello { challenge, heartbeat_interval_ms, .. } = hello else { return Err("not hello".into()) };
        let login = ClientMsg::Login {
            req: 1,
            version: PROTOCOL_VERSION,
            app_id: DEV_APP_ID,
            room_id: room.into(),
            user: User { user_id: user.into(), user_name: user.into() },
            auth: Auth::AppSign { signature: app_sign_proof(DEV_APP_SIGN, &challenge, DEV_APP_ID, room, user) },
            max_member_count: 0,
            user_status_notify: false,
            resume: None,
        };
        sink.send(Message::Text(protocol::encode(&login).into())).await.map_err(|e| e.to_string())?;
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(t))) => {
                    if let Ok(ServerMsg::Response { req: 1, code, message, .. }) = ServerMsg::decode(&t) {
                        if code != 0 {
                            return Err(format!("login refused: {code} {message}"));
                        }
                        break;
                    }
                }
                Some(Ok(_)) => continue,
                other => return Err(format!("login: {other:?}")),
            }
        }
        let (out, mut rx) = mpsc::unbounded_channel::<String>();
        let pending: Pending = Arc::default();
        let closed = Arc::new(AtomicBool::new(false));
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
            let closed = closed.clone();
            tokio::spawn(async move {
                while let Some(Ok(msg)) = stream.next().await {
                    if let Message::Text(t) = msg {
                        if let Ok(ServerMsg::Response { req, code, data, .. }) = ServerMsg::decode(&t) {
                            if let Some(tx) = pending.lock().remove(&req) {
                                let _ = tx.send((code, data));
                            }
                        }
                    }
                }
                closed.store(true, Ordering::SeqCst);
            });
        }
        let this = Arc::new(Self { out, pending, next_req: AtomicU64::new(2), closed });
        {
            let weak = Arc::downgrade(&this);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(heartbeat_interval_ms.max(500)));
                loop {
                    tick.tick().await;
                    let Some(s) = weak.upgrade() else { break };
                    let req = s.next_req.fetch_add(1, Ordering::Relaxed);
                    if s.out.send(protocol::encode(&ClientMsg::Heartbeat { req })).is_err() {
                        break;
                    }
                }
            });
        }
        Ok(this)
    }

    /// Sends a request (its `req` is replaced) and waits for the answer.
    pub async fn request(&self, make: impl FnOnce(u64) -> ClientMsg) -> Result<Option<ResponseData>, String> {
        let req = self.next_req.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().insert(req, tx);
        self.out.send(protocol::encode(&make(req))).map_err(|_| "closed".to_string())?;
        match tokio::time::timeout(Duration::from_secs(30), rx).await {
            Ok(Ok((0, data))) => Ok(data),
            Ok(Ok((code, _))) => Err(format!("code {code}")),
            _ => Err("no answer".into()),
        }
    }

    pub fn logout(&self) {
        let req = self.next_req.fetch_add(1, Ordering::Relaxed);
        let _ = self.out.send(protocol::encode(&ClientMsg::Logout { req }));
    }

    #[allow(dead_code)]
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}

fn media_answer(data: Option<ResponseData>) -> Result<String, String> {
    match data {
        Some(ResponseData::MediaAnswer { sdp }) => Ok(sdp),
        other => Err(format!("unexpected answer {other:?}")),
    }
}

/// The SFU under test.
#[derive(Clone)]
pub enum Target {
    /// zego-server at "ws://host:port".
    Zego { url: String },
    /// Janus at "ws://host:port"; `feed` is the publisher's VideoRoom id once it joined.
    Janus { url: String, feed: Arc<AtomicU64> },
}

/// A client's signaling session with either SFU.
pub enum Sig {
    Zego(Arc<Signal>),
    Janus(Arc<JanusHandle>),
}

impl Sig {
    fn close(&self) {
        match self {
            Sig::Zego(s) => s.logout(),
            Sig::Janus(h) => h.hangup(),
        }
    }
}

/// Nanoseconds since `base`.
fn ns_since(base: Instant) -> u64 {
    base.elapsed().as_nanos() as u64
}

/// The publisher: sends the source in real time until `stop`.
pub struct Publisher {
    pub signal: Sig,
    pub pc: Arc<dyn PeerConnection>,
    pub stop: Arc<AtomicBool>,
    /// When each audio packet of the loop was last sent (ns since `base`).
    pub audio_sent: Arc<Vec<AtomicU64>>,
    pub base: Instant,
    pub video_frames: Arc<AtomicU64>,
    pub keyframe_requests: Arc<AtomicU64>,
    /// How long each video frame's write_sample took, ms (cleared by the reader).
    pub video_write_ms: Arc<Mutex<Vec<f64>>>,
}

async fn write(track: &TrackLocalStaticSample, ssrc: u32, pt: u8, data: &[u8], dur: Duration) -> bool {
    let sample = Sample { data: Bytes::copy_from_slice(data), duration: dur, ..Sample::new(Instant::now()) };
    track.write_sample(ssrc, pt, &sample, &[]).await.is_ok()
}

impl Publisher {
    pub async fn start(
        target: &Target,
        ip: IpAddr,
        room: &str,
        stream: &str,
        source: Arc<Source>,
    ) -> Result<Self, String> {
        let signal = match target {
            Target::Zego { url } => {
                let signal = Signal::login(url, room, "lgpub").await?;
                signal
                    .request(|req| ClientMsg::Publish { req, stream_id: stream.into(), extra_info: String::new() })
                    .await?;
                Sig::Zego(signal)
            }
            Target::Janus { url, feed } => {
                let handle = JanusHandle::connect(url).await?;
                let join = json!({"request": "join", "ptype": "publisher", "room": janus::ROOM, "display": "lgpub"});
                let (data, _) = handle.message(join, None).await?;
                feed.store(data["id"].as_u64().ok_or("janus: no publisher id")?, Ordering::SeqCst);
                Sig::Janus(handle)
            }
        };
        let (forwarder, mut events) = rtc::peer_events("loadgen publisher");
        let pc = rtc::new_peer(ip, forwarder).await.map_err(|e| e.to_string())?;
        let spec = |kind, codec, id: &str| LocalTrackSpec {
            stream_id: stream.into(),
            track_id: format!("{stream}-{id}"),
            kind,
            ssrc: rtc::random_ssrc(),
            codec,
        };
        let vspec = spec(RtpCodecKind::Video, rtc::h264_codec(), "video");
        let aspec = spec(RtpCodecKind::Audio, rtc::opus_codec(), "audio");
        let vtrack = vspec.sample_track().map_err(|e| e.to_string())?;
        let atrack = aspec.sample_track().map_err(|e| e.to_string())?;
        let vsender = pc.add_track(vtrack.clone() as Arc<dyn TrackLocal>).await.map_err(|e| e.to_string())?;
        let asender = pc.add_track(atrack.clone() as Arc<dyn TrackLocal>).await.map_err(|e| e.to_string())?;
        let offer = rtc::create_offer(pc.as_ref(), &events.gathering).await.map_err(|e| e.to_string())?;
        let answer = match &signal {
            Sig::Zego(signal) => media_answer(
                signal.request(|req| ClientMsg::PublishMedia { req, stream_id: stream.into(), sdp: offer }).await?,
            )?,
            Sig::Janus(handle) => {
                let body = json!({"request": "publish", "audio": true, "video": true});
                handle.message(body, Some(("offer", offer))).await?.1.ok_or("janus: no answer")?
            }
        };
        rtc::accept_answer(pc.as_ref(), &answer).await.map_err(|e| e.to_string())?;
        rtc::wait_connected(&mut events.state, Duration::from_secs(10)).await.map_err(|e| e.to_string())?;
        let vpt = rtc::negotiated_payload_type(vsender.as_ref(), &vspec.codec).await.map_err(|e| e.to_string())?;
        let apt = rtc::negotiated_payload_type(asender.as_ref(), &aspec.codec).await.map_err(|e| e.to_string())?;

        let stop = Arc::new(AtomicBool::new(false));
        let base = Instant::now();
        let audio_sent: Arc<Vec<AtomicU64>> = Arc::new((0..source.audio.len()).map(|_| AtomicU64::new(0)).collect());
        let want_key = Arc::new(AtomicBool::new(false));
        let video_frames = Arc::new(AtomicU64::new(0));
        let keyframe_requests = Arc::new(AtomicU64::new(0));
        {
            let (track, want_key, requests) = (vtrack.clone(), want_key.clone(), keyframe_requests.clone());
            tokio::spawn(async move {
                while let Some(event) = track.poll().await {
                    if let TrackLocalEvent::OnRtcpPacket(packets) = event {
                        if rtc::is_keyframe_request(&packets) {
                            requests.fetch_add(1, Ordering::Relaxed);
                            want_key.store(true, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        let video_write_ms: Arc<Mutex<Vec<f64>>> = Arc::default();
        {
            let (source, stop, frames) = (source.clone(), stop.clone(), video_frames.clone());
            let write_ms = video_write_ms.clone();
            let (vssrc, track) = (vspec.ssrc, vtrack.clone());
            tokio::spawn(async move {
                let period = Duration::from_secs(1) / 30;
                let mut tick = tokio::time::interval(period);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    if want_key.swap(false, Ordering::Relaxed) && i % source.keyframe_every != 0 {
                        // Jump to the next IDR of the loop: a keyframe now, as an encoder would.
                        i = (i / source.keyframe_every + 1) * source.keyframe_every;
                    }
                    let unit = &source.video[i % source.video.len()];
                    let t = Instant::now();
                    write(&track, vssrc, vpt, unit, period).await;
                    write_ms.lock().push(t.elapsed().as_secs_f64() * 1000.0);
                    frames.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        {
            let (source, stop, sent) = (source.clone(), stop.clone(), audio_sent.clone());
            let (assrc, track) = (aspec.ssrc, atrack.clone());
            tokio::spawn(async move {
                let period = Duration::from_millis(20);
                let mut tick = tokio::time::interval(period);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let k = i % source.audio.len();
                    sent[k].store(ns_since(base), Ordering::Relaxed);
                    write(&track, assrc, apt, &source.audio[k], period).await;
                    i += 1;
                }
            });
        }
        Ok(Self { signal, pc, stop, audio_sent, base, video_frames, keyframe_requests, video_write_ms })
    }

    pub async fn close(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.signal.close();
        let _ = self.pc.close().await;
    }
}

/// Unique packets by extended sequence number.
#[derive(Default)]
pub struct SeqTracker {
    base: Option<i64>,
    highest: i64,
    seen: Vec<u64>,
    pub unique: u64,
    pub duplicates: u64,
}

impl SeqTracker {
    pub fn push(&mut self, seq: u16) {
        let base = *self.base.get_or_insert_with(|| {
            self.highest = i64::from(seq);
            i64::from(seq)
        });
        let ext = self.highest + i64::from(seq.wrapping_sub(self.highest as u16) as i16);
        if ext < base {
            return;
        }
        self.highest = self.highest.max(ext);
        let off = (ext - base) as usize;
        let (word, bit) = (off / 64, off % 64);
        if word >= self.seen.len() {
            self.seen.resize(word + 1, 0);
        }
        if self.seen[word] >> bit & 1 == 1 {
            self.duplicates += 1;
        } else {
            self.seen[word] |= 1 << bit;
            self.unique += 1;
        }
    }

    /// (highest extended sequence number, unique packets) for window arithmetic.
    pub fn mark(&self) -> (i64, u64) {
        (self.highest, self.unique)
    }
}

/// What one subscriber received.
#[derive(Default)]
pub struct SubStats {
    pub video: Mutex<SeqTracker>,
    pub audio: Mutex<SeqTracker>,
    pub video_bytes: AtomicU64,
    /// One-way delays publisher -> SFU -> subscriber of audio packets, µs, since the last take.
    pub audio_delay_us: Mutex<Vec<u32>>,
}

pub struct Subscriber {
    pub signal: Sig,
    pub pc: Arc<dyn PeerConnection>,
    pub stats: Arc<SubStats>,
}

impl Subscriber {
    pub async fn start(
        target: &Target,
        ip: IpAddr,
        room: &str,
        user: &str,
        stream: &str,
        publisher: (Arc<Source>, Arc<Vec<AtomicU64>>, Instant),
    ) -> Result<Self, String> {
        let (forwarder, mut events) = rtc::peer_events(format!("loadgen {user}"));
        let pc = rtc::new_peer(ip, forwarder).await.map_err(|e| e.to_string())?;
        let mut tracks = std::mem::replace(&mut events.tracks, mpsc::unbounded_channel().1);
        let signal = match target {
            Target::Zego { url } => {
                let signal = Signal::login(url, room, user).await?;
                signal.request(|req| ClientMsg::Play { req, stream_id: stream.into() }).await?;
                let offer = async {
                    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Video).await?;
                    rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Audio).await?;
                    rtc::create_offer(pc.as_ref(), &events.gathering).await
                }
                .await
                .map_err(|e| e.to_string())?;
                let answer = media_answer(
                    signal.request(|req| ClientMsg::PlayMedia { req, stream_id: stream.into(), sdp: offer }).await?,
                )?;
                rtc::accept_answer(pc.as_ref(), &answer).await.map_err(|e| e.to_string())?;
                Sig::Zego(signal)
            }
            Target::Janus { url, feed } => {
                // Janus offers to subscribers; the subscriber answers.
                let handle = JanusHandle::connect(url).await?;
                let feed = feed.load(Ordering::SeqCst);
                let join =
                    json!({"request": "join", "ptype": "subscriber", "room": janus::ROOM, "streams": [{"feed": feed}]});
                let (_, offer) = handle.message(join, None).await?;
                let offer = offer.ok_or("janus: no offer")?;
                let answer = rtc::answer(pc.as_ref(), &events.gathering, &offer).await.map_err(|e| e.to_string())?;
                handle.message(json!({"request": "start"}), Some(("answer", answer))).await?;
                Sig::Janus(handle)
            }
        };
        let stats = Arc::new(SubStats::default());
        let st = stats.clone();
        tokio::spawn(async move {
            while let Some(track) = tracks.recv().await {
                let st = st.clone();
                let (source, sent, base) = publisher.clone();
                tokio::spawn(async move {
                    let video = track.kind().await == RtpCodecKind::Video;
                    while let Some(event) = track.poll().await {
                        match event {
                            TrackRemoteEvent::OnRtpPacket(p) => {
                                if video {
                                    st.video.lock().push(p.header.sequence_number);
                                    st.video_bytes.fetch_add(p.payload.len() as u64, Ordering::Relaxed);
                                } else {
                                    st.audio.lock().push(p.header.sequence_number);
                                    if let Some(&k) = source.audio_index.get(p.payload.as_ref()) {
                                        let now = ns_since(base);
                                        let then = sent[k].load(Ordering::Relaxed);
                                        if then > 0 && now >= then && now - then < 1_000_000_000 {
                                            st.audio_delay_us.lock().push(((now - then) / 1000) as u32);
                                        }
                                    }
                                }
                            }
                            TrackRemoteEvent::OnEnded => break,
                            _ => {}
                        }
                    }
                });
            }
        });
        rtc::wait_connected(&mut events.state, Duration::from_secs(20)).await.map_err(|e| e.to_string())?;
        Ok(Self { signal, pc, stats })
    }

    pub async fn close(&self) {
        self.signal.close();
        let _ = self.pc.close().await;
    }
}
