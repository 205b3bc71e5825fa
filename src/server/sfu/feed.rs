//! The channels between a route's producer and its consumers: per kind, the
//! current [`Source`] (a packet fan-out plus a way to ask for a keyframe).
//! Consumers watch it, so they attach when a producer's track arrives and
//! follow a replacement producer without being rebuilt.

use tokio::sync::{broadcast, mpsc, watch};

use crate::rtc::{RTCRtpCodec, RtpCodecKind, RtpPacket};

use super::ProducerId;

/// Asks one producer for a keyframe. Requests coalesce: while one is
/// pending, more are dropped (the producer sends one PLI for all).
#[derive(Debug, Clone)]
pub(super) struct KeyFrameRequests(pub mpsc::Sender<()>);

impl KeyFrameRequests {
    pub fn request(&self) {
        // Full: a request is already pending. Closed: the producer is gone.
        let _ = self.0.try_send(());
    }
}

/// One kind of media of one producer.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub producer: ProducerId,
    /// Every RTP packet of the producer's track, as received.
    pub packets: broadcast::Sender<RtpPacket>,
    /// The codec the publisher negotiated for the track.
    pub codec: RTCRtpCodec,
    /// For video: keyframe requests to the publisher.
    pub key_frames: Option<KeyFrameRequests>,
}

/// The current source of each kind of one route.
#[derive(Debug)]
pub(super) struct Feed {
    audio: watch::Sender<Option<Source>>,
    video: watch::Sender<Option<Source>>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed { audio: watch::channel(None).0, video: watch::channel(None).0 }
    }
}

impl Feed {
    fn kind(&self, kind: RtpCodecKind) -> &watch::Sender<Option<Source>> {
        match kind {
            RtpCodecKind::Audio => &self.audio,
            _ => &self.video,
        }
    }

    /// Makes `source` the current one of its kind.
    pub fn publish(&self, kind: RtpCodecKind, source: Source) {
        self.kind(kind).send_replace(Some(source));
    }

    /// Clears the source of this kind if it still belongs to `producer`.
    pub fn withdraw(&self, kind: RtpCodecKind, producer: ProducerId) {
        self.kind(kind).send_if_modified(|current| {
            let mine = current.as_ref().is_some_and(|s| s.producer == producer);
            if mine {
                *current = None;
            }
            mine
        });
    }

    /// Follows the source of this kind.
    pub fn subscribe(&self, kind: RtpCodecKind) -> watch::Receiver<Option<Source>> {
        self.kind(kind).subscribe()
    }

    /// The codec of the current source of this kind.
    pub fn codec(&self, kind: RtpCodecKind) -> Option<RTCRtpCodec> {
        self.kind(kind).borrow().as_ref().map(|s| s.codec.clone())
    }
}
