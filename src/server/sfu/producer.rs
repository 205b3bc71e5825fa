//! A producer: the receiving PeerConnection of one published stream (its
//! transport) and, per received track, a fan-out [`Source`] on the route's feed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::rtc::{default_codec, PeerConnection, RTCPeerConnectionState, RtpCodecKind, TrackRemote};

use super::feed::{Feed, Source};
use super::{key_frame_requester, rtp_stream_recv, ProducerId, SfuEvent, StreamKey};

/// What a producer counted.
#[derive(Debug, Default)]
pub(super) struct ProducerCounters {
    /// RTP packets received from the publisher.
    pub packets_in: AtomicU64,
    /// RTP payload bytes received.
    pub bytes_in: AtomicU64,
    /// PLIs sent to the publisher (consumers' requests, rate limited).
    pub plis_sent: AtomicU64,
}

/// A snapshot of a producer, for the admin API and logs.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ProducerStats {
    pub app_id: u32,
    pub stream_id: String,
    pub packets_in: u64,
    pub bytes_in: u64,
    pub plis_sent: u64,
    pub age_ms: u64,
}

/// The media of one published stream.
pub(super) struct Producer {
    // Passed in.
    id: ProducerId,
    key: StreamKey,
    feed: Arc<Feed>,
    // Owned.
    pc: Arc<dyn PeerConnection>,
    /// Receives the tracks; owns their read loops and the keyframe requester.
    task: JoinHandle<()>,
    counters: Arc<ProducerCounters>,
    created: Instant,
}

impl Producer {
    /// Starts receiving on `pc` (negotiated afterwards): each track that
    /// arrives becomes the feed's source of its kind. A failed connection is
    /// reported as [`SfuEvent::ProducerFailed`].
    pub fn start(
        id: ProducerId,
        key: StreamKey,
        pc: Arc<dyn PeerConnection>,
        tracks: mpsc::UnboundedReceiver<Arc<dyn TrackRemote>>,
        state: watch::Receiver<RTCPeerConnectionState>,
        feed: Arc<Feed>,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> Self {
        let counters = Arc::new(ProducerCounters::default());
        let task = tokio::spawn(receive(id, tracks, state, feed.clone(), counters.clone(), events));
        Producer { id, key, feed, pc, task, counters, created: Instant::now() }
    }

    pub fn stats(&self) -> ProducerStats {
        ProducerStats {
            app_id: self.key.app_id,
            stream_id: self.key.stream_id.clone(),
            packets_in: self.counters.packets_in.load(Ordering::Relaxed),
            bytes_in: self.counters.bytes_in.load(Ordering::Relaxed),
            plis_sent: self.counters.plis_sent.load(Ordering::Relaxed),
            age_ms: u64::try_from(self.created.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Stops forwarding, withdraws the sources and closes the connection.
    pub async fn close(self) {
        self.task.abort();
        for kind in [RtpCodecKind::Audio, RtpCodecKind::Video] {
            self.feed.withdraw(kind, self.id);
        }
        if let Err(e) = self.pc.close().await {
            tracing::debug!(producer = %self.id, "close: {e}");
        }
        let s = self.stats();
        tracing::debug!(
            producer = %self.id,
            stream = %self.key,
            packets_in = s.packets_in,
            bytes_in = s.bytes_in,
            plis_sent = s.plis_sent,
            age_ms = s.age_ms,
            "producer closed"
        );
    }
}

/// Attaches arriving tracks and watches the connection state.
async fn receive(
    id: ProducerId,
    mut tracks: mpsc::UnboundedReceiver<Arc<dyn TrackRemote>>,
    mut state: watch::Receiver<RTCPeerConnectionState>,
    feed: Arc<Feed>,
    counters: Arc<ProducerCounters>,
    events: mpsc::UnboundedSender<SfuEvent>,
) {
    // Dropped with this task, which aborts the track loops.
    let mut track_tasks = JoinSet::new();
    loop {
        tokio::select! {
            track = tracks.recv() => match track {
                Some(track) => attach(id, track, &feed, &counters, &mut track_tasks).await,
                None => break,
            },
            changed = state.changed() => {
                let failed = changed.is_err()
                    || matches!(*state.borrow(), RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed);
                if failed {
                    let _ = events.send(SfuEvent::ProducerFailed(id));
                    break;
                }
            }
            Some(_) = track_tasks.join_next(), if !track_tasks.is_empty() => {}
        }
    }
    // Keep the track loops until the SFU closes this producer.
    std::future::pending::<()>().await;
}

/// Makes a received track the feed's source of its kind.
async fn attach(
    id: ProducerId,
    track: Arc<dyn TrackRemote>,
    feed: &Arc<Feed>,
    counters: &Arc<ProducerCounters>,
    tasks: &mut JoinSet<()>,
) {
    let Some(ssrc) = track.ssrcs().await.first().copied() else {
        tracing::warn!(producer = %id, "a track without SSRC is ignored");
        return;
    };
    let kind = track.kind().await;
    if !matches!(kind, RtpCodecKind::Audio | RtpCodecKind::Video) {
        return;
    }
    let codec = track.codec(ssrc).await.unwrap_or_else(|| default_codec(kind));
    let (mime, fmtp) = (&codec.mime_type, &codec.sdp_fmtp_line);
    tracing::debug!(producer = %id, %kind, ssrc, %mime, %fmtp, "publisher track");
    let (packets, _) = broadcast::channel(rtp_stream_recv::FANOUT_CAPACITY);
    let key_frames = (kind == RtpCodecKind::Video).then(|| {
        let (requests, rx) = key_frame_requester::channel();
        tasks.spawn(key_frame_requester::run(track.clone(), ssrc, rx, counters.clone()));
        requests
    });
    tasks.spawn(rtp_stream_recv::run(track, kind, packets.clone(), feed.clone(), id, counters.clone()));
    feed.publish(kind, Source { producer: id, packets, codec, key_frames });
}
