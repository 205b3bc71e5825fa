//! A consumer: the sending PeerConnection of one play (its transport) with
//! one outgoing track per kind, each with its own SSRC, fed from the route's
//! current sources; keyframe requests of the player go up to the producer.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use crate::rtc::{
    self, h264_codec, is_keyframe_request, opus_codec, LocalTrackSpec, PeerConnection, RTCPeerConnectionState,
    RTCRtpCodec, RtcError, RtpCodecKind, RtpPacket, RtpSender, TrackLocal, TrackLocalEvent, TrackLocalStaticRTP,
};
use crate::server::registry::SessionId;

use super::feed::{Feed, Source};
use super::rtp_stream_send::{Dropped, RtpStreamSend};
use super::{ConsumerId, SfuEvent, StreamKey};

/// How long a consumer waits for its player to connect before forwarding
/// gives up (ICE itself fails later and closes the consumer).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Video packets kept for a player that is still connecting: from the
/// latest keyframe on, about 2 s of 720p. Beyond that the consumer waits for
/// the next keyframe instead.
const EARLY_PACKETS: usize = 512;

/// While video waits for a keyframe, ask again this often.
const KEY_FRAME_RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// What a consumer counted.
#[derive(Debug, Default)]
pub(super) struct ConsumerCounters {
    /// RTP packets sent to the player.
    pub packets_out: AtomicU64,
    /// RTP payload bytes sent.
    pub bytes_out: AtomicU64,
    /// Packets lost because this consumer fell behind the fan-out.
    pub dropped_lag: AtomicU64,
    /// Packets dropped while video waited for a keyframe, or too old.
    pub dropped_sync: AtomicU64,
    /// PLI/FIR received from the player.
    pub plis_received: AtomicU64,
    /// Keyframe requests passed to the producer (the player's and our own).
    pub key_frame_requests: AtomicU64,
}

/// A snapshot of a consumer, for the admin API and logs.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ConsumerStats {
    pub app_id: u32,
    pub stream_id: String,
    pub packets_out: u64,
    pub bytes_out: u64,
    pub dropped_lag: u64,
    pub dropped_sync: u64,
    pub plis_received: u64,
    pub key_frame_requests: u64,
    pub age_ms: u64,
}

/// The media of one play.
pub(super) struct Consumer {
    // Passed in.
    id: ConsumerId,
    key: StreamKey,
    session: SessionId,
    // Owned.
    pc: Arc<dyn PeerConnection>,
    tasks: Vec<JoinHandle<()>>,
    counters: Arc<ConsumerCounters>,
    created: Instant,
}

impl Consumer {
    /// Adds an audio and a video track to `pc` (before the player's offer is
    /// applied) and starts forwarding to them once `pc` connects. The video
    /// track takes the producer's codec when known, else [`h264_codec`]. A
    /// failed connection is reported as [`SfuEvent::ConsumerFailed`].
    pub async fn start(
        id: ConsumerId,
        key: StreamKey,
        session: SessionId,
        pc: Arc<dyn PeerConnection>,
        state: watch::Receiver<RTCPeerConnectionState>,
        feed: &Feed,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> Result<Self, RtcError> {
        let counters = Arc::new(ConsumerCounters::default());
        let mut consumer = Consumer { id, key, session, pc, tasks: Vec::new(), counters, created: Instant::now() };
        if let Err(e) = consumer.add_tracks(&state, feed).await {
            consumer.abort();
            return Err(e);
        }
        consumer.tasks.push(tokio::spawn(watch_state(id, state, events)));
        Ok(consumer)
    }

    async fn add_tracks(
        &mut self,
        state: &watch::Receiver<RTCPeerConnectionState>,
        feed: &Feed,
    ) -> Result<(), RtcError> {
        for kind in [RtpCodecKind::Audio, RtpCodecKind::Video] {
            let codec = match kind {
                RtpCodecKind::Audio => opus_codec(),
                _ => feed.codec(kind).unwrap_or_else(h264_codec),
            };
            let spec = LocalTrackSpec {
                stream_id: self.key.stream_id.clone(),
                track_id: format!("{}-{kind}", self.key.stream_id),
                kind,
                ssrc: rtc::random_ssrc(),
                codec,
            };
            let track = spec.rtp_track();
            let sender = self.pc.add_track(track.clone() as Arc<dyn TrackLocal>).await?;
            let forwarder = Forwarder {
                consumer: self.id,
                kind,
                pc: self.pc.clone(),
                track: track.clone(),
                sender,
                ssrc: spec.ssrc,
                codec: spec.codec,
                counters: self.counters.clone(),
            };
            self.tasks.push(tokio::spawn(forwarder.run(feed.subscribe(kind), state.clone())));
            if kind == RtpCodecKind::Video {
                let relay = relay_key_frame_requests(track, feed.subscribe(kind), self.counters.clone());
                self.tasks.push(tokio::spawn(relay));
            }
        }
        Ok(())
    }

    fn abort(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }

    pub fn stats(&self) -> ConsumerStats {
        let c = &self.counters;
        ConsumerStats {
            app_id: self.key.app_id,
            stream_id: self.key.stream_id.clone(),
            packets_out: c.packets_out.load(Ordering::Relaxed),
            bytes_out: c.bytes_out.load(Ordering::Relaxed),
            dropped_lag: c.dropped_lag.load(Ordering::Relaxed),
            dropped_sync: c.dropped_sync.load(Ordering::Relaxed),
            plis_received: c.plis_received.load(Ordering::Relaxed),
            key_frame_requests: c.key_frame_requests.load(Ordering::Relaxed),
            age_ms: u64::try_from(self.created.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Stops forwarding and closes the connection.
    pub async fn close(self) {
        self.abort();
        if let Err(e) = self.pc.close().await {
            tracing::debug!(consumer = %self.id, "close: {e}");
        }
        let s = self.stats();
        tracing::debug!(
            consumer = %self.id,
            stream = %self.key,
            session = %self.session,
            packets_out = s.packets_out,
            bytes_out = s.bytes_out,
            dropped_lag = s.dropped_lag,
            dropped_sync = s.dropped_sync,
            plis_received = s.plis_received,
            key_frame_requests = s.key_frame_requests,
            age_ms = s.age_ms,
            "consumer closed"
        );
    }
}

/// Reports a failed or closed connection.
async fn watch_state(
    id: ConsumerId,
    mut state: watch::Receiver<RTCPeerConnectionState>,
    events: mpsc::UnboundedSender<SfuEvent>,
) {
    while state.changed().await.is_ok() {
        if matches!(*state.borrow(), RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed) {
            break;
        }
    }
    let _ = events.send(SfuEvent::ConsumerFailed(id));
}

/// The next packet of the current source; pending while there is none.
async fn next_packet(packets: &mut Option<broadcast::Receiver<RtpPacket>>) -> Result<RtpPacket, RecvError> {
    match packets {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Forwards one kind of the route's media to one outgoing track.
struct Forwarder {
    consumer: ConsumerId,
    kind: RtpCodecKind,
    pc: Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticRTP>,
    sender: Arc<dyn RtpSender>,
    ssrc: u32,
    codec: RTCRtpCodec,
    counters: Arc<ConsumerCounters>,
}

impl Forwarder {
    fn request_key_frame(&self, source: Option<&Source>) {
        if let Some(requests) = source.and_then(|s| s.key_frames.as_ref()) {
            requests.request();
            self.counters.key_frame_requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Rewrites and sends one packet; false once the track is closed.
    async fn send(
        &self,
        stream: &mut RtpStreamSend,
        packet: RtpPacket,
        source: &watch::Receiver<Option<Source>>,
        last_request: &mut Option<Instant>,
    ) -> bool {
        match stream.rewrite(packet, Instant::now()) {
            Ok(packet) => {
                let bytes = packet.payload.len() as u64;
                if self.track.write_rtp(packet).await.is_err() {
                    return false;
                }
                self.counters.packets_out.fetch_add(1, Ordering::Relaxed);
                self.counters.bytes_out.fetch_add(bytes, Ordering::Relaxed);
            }
            Err(why) => {
                self.counters.dropped_sync.fetch_add(1, Ordering::Relaxed);
                let retry = last_request.is_none_or(|t| t.elapsed() >= KEY_FRAME_RETRY_INTERVAL);
                if why == Dropped::AwaitingKeyFrame && retry {
                    self.request_key_frame(source.borrow().as_ref());
                    *last_request = Some(Instant::now());
                }
            }
        }
        true
    }

    /// Follows the route's source of this kind and forwards to the player.
    ///
    /// Until the player connects, video packets from the latest keyframe on
    /// are kept (the keyframe asked for at subscription usually arrives
    /// before the connection is up) and sent first once it is.
    async fn run(
        self,
        mut source: watch::Receiver<Option<Source>>,
        mut state: watch::Receiver<RTCPeerConnectionState>,
    ) {
        let (consumer, kind) = (self.consumer, self.kind);
        // Only H.264 keyframes are recognised; other codecs are never held back.
        let h264_video = kind == RtpCodecKind::Video && self.codec.mime_type.eq_ignore_ascii_case("video/H264");
        let mut packets = None;
        let mut last_request = None::<Instant>;
        let mut early = VecDeque::new();
        source.mark_changed();
        let connected = {
            let connecting = rtc::wait_connected(&mut state, CONNECT_TIMEOUT);
            tokio::pin!(connecting);
            loop {
                tokio::select! {
                    result = &mut connecting => break result.is_ok(),
                    changed = source.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let current = source.borrow_and_update().clone();
                        packets = current.as_ref().map(|s| s.packets.subscribe());
                        early.clear();
                        // A new player gets a keyframe within a round trip.
                        self.request_key_frame(current.as_ref());
                        last_request = Some(Instant::now());
                    }
                    received = next_packet(&mut packets) => match received {
                        Ok(packet) if h264_video => keep_from_key_frame(&mut early, packet),
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => {
                            self.counters.dropped_lag.fetch_add(missed, Ordering::Relaxed);
                            early.clear();
                        }
                        Err(RecvError::Closed) => {
                            packets = None;
                            early.clear();
                        }
                    },
                }
            }
        };
        if !connected {
            return;
        }
        if !rtc::sender_negotiated(self.pc.as_ref(), self.sender.as_ref()).await {
            tracing::debug!(%consumer, %kind, "the player takes no media of this kind");
            return;
        }
        let payload_type = match rtc::negotiated_payload_type(self.sender.as_ref(), &self.codec).await {
            Ok(payload_type) => payload_type,
            Err(e) => {
                tracing::debug!(%consumer, %kind, "not forwarding: {e}");
                return;
            }
        };
        tracing::debug!(%consumer, %kind, ssrc = self.ssrc, payload_type, early = early.len(), "forwarding");
        let mut stream = RtpStreamSend::new(self.ssrc, payload_type, self.codec.clock_rate, h264_video);
        for packet in early.drain(..) {
            if !self.send(&mut stream, packet, &source, &mut last_request).await {
                return;
            }
        }
        loop {
            tokio::select! {
                changed = source.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let current = source.borrow_and_update().clone();
                    packets = current.as_ref().map(|s| s.packets.subscribe());
                    stream.source_switched();
                    self.request_key_frame(current.as_ref());
                    last_request = Some(Instant::now());
                }
                received = next_packet(&mut packets) => match received {
                    Ok(packet) => {
                        if !self.send(&mut stream, packet, &source, &mut last_request).await {
                            break;
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(target: "rtp", %consumer, %kind, missed, "consumer lagged");
                        self.counters.dropped_lag.fetch_add(missed, Ordering::Relaxed);
                        stream.lagged();
                        if stream.awaiting_key_frame() {
                            self.request_key_frame(source.borrow().as_ref());
                            last_request = Some(Instant::now());
                        }
                    }
                    // The producer's track ended: wait for the next source.
                    Err(RecvError::Closed) => packets = None,
                },
            }
        }
    }
}

/// Keeps the packets from the start of the latest H.264 keyframe on, at
/// most [`EARLY_PACKETS`] (then waits for the next keyframe).
fn keep_from_key_frame(early: &mut VecDeque<RtpPacket>, packet: RtpPacket) {
    // SPS, PPS and IDR slices of one keyframe share its timestamp: only
    // the first of them starts it.
    let same_frame = early.front().is_some_and(|first| first.header.timestamp == packet.header.timestamp);
    if !same_frame && rtc::is_h264_keyframe_start(&packet.payload) {
        early.clear();
        early.push_back(packet);
    } else if !early.is_empty() {
        if early.len() >= EARLY_PACKETS {
            early.clear();
        } else {
            early.push_back(packet);
        }
    }
}

/// Passes the player's PLI/FIR on to the current producer.
async fn relay_key_frame_requests(
    track: Arc<TrackLocalStaticRTP>,
    source: watch::Receiver<Option<Source>>,
    counters: Arc<ConsumerCounters>,
) {
    while let Some(event) = track.poll().await {
        let TrackLocalEvent::OnRtcpPacket(packets) = event else {
            continue;
        };
        if !is_keyframe_request(&packets) {
            continue;
        }
        counters.plis_received.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(target: "rtcp", "keyframe request from a player");
        if let Some(requests) = source.borrow().as_ref().and_then(|s| s.key_frames.as_ref()) {
            requests.request();
            counters.key_frame_requests.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn packet(ts: u32, payload: &'static [u8]) -> RtpPacket {
        let mut p = RtpPacket::default();
        p.header.timestamp = ts;
        p.payload = Bytes::from_static(payload);
        p
    }

    #[test]
    fn early_packets_start_at_the_first_packet_of_the_latest_keyframe() {
        let mut early = VecDeque::new();
        keep_from_key_frame(&mut early, packet(1, &[0x41, 0]));
        assert!(early.is_empty());
        // SPS+PPS (STAP-A), then the IDR's first fragment, then a delta frame.
        keep_from_key_frame(&mut early, packet(2, &[0x78, 0, 1, 0x67]));
        keep_from_key_frame(&mut early, packet(2, &[0x7c, 0x85, 0]));
        keep_from_key_frame(&mut early, packet(3, &[0x41, 0]));
        assert_eq!(early.len(), 3);
        // The next keyframe starts over.
        keep_from_key_frame(&mut early, packet(4, &[0x65, 0]));
        assert_eq!(early.len(), 1);
    }
}
