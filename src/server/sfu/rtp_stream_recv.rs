//! Reads one track of a publisher and hands every RTP packet to the fan-out.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::rtc::{RtpCodecKind, RtpPacket, TrackRemote, TrackRemoteEvent};

use super::feed::Feed;
use super::producer::ProducerCounters;
use super::ProducerId;

/// Packets of one track each consumer may fall behind by before it lags:
/// then it drops the oldest and resynchronises (video on the next keyframe).
/// 512 packets are about 2 s of 720p video, many seconds of audio.
pub(super) const FANOUT_CAPACITY: usize = 512;

/// Polls `track` until it ends, sending each packet to `packets` (never
/// waiting: a slow consumer lags, the publisher is never held back), then
/// withdraws the track's source from the feed.
pub(super) async fn run(
    track: Arc<dyn TrackRemote>,
    kind: RtpCodecKind,
    packets: broadcast::Sender<RtpPacket>,
    feed: Arc<Feed>,
    producer: ProducerId,
    counters: Arc<ProducerCounters>,
) {
    while let Some(event) = track.poll().await {
        match event {
            TrackRemoteEvent::OnRtpPacket(packet) => {
                counters.packets_in.fetch_add(1, Ordering::Relaxed);
                counters.bytes_in.fetch_add(packet.payload.len() as u64, Ordering::Relaxed);
                // Err: no consumer at the moment.
                let _ = packets.send(packet);
            }
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
    tracing::debug!(target: "rtp", %producer, %kind, "publisher track ended");
    feed.withdraw(kind, producer);
}
