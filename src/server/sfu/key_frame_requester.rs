//! Sends the keyframe requests of a producer's consumers to its publisher,
//! as PLIs, at most one per [`MIN_KEY_FRAME_REQUEST_INTERVAL`].

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::rtc::{picture_loss_indication, TrackRemote};

use super::feed::KeyFrameRequests;
use super::producer::ProducerCounters;

/// Shortest time between two PLIs to one publisher. A request within this
/// time of the last PLI is delayed to its end (and merged with any others),
/// never dropped, so every new consumer gets its keyframe.
pub(super) const MIN_KEY_FRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(300);

/// Pending requests per producer: one is enough, more merge into it.
const KEY_FRAME_REQUEST_CAPACITY: usize = 1;

/// A request handle and the receiver [`run`] drains.
pub(super) fn channel() -> (KeyFrameRequests, mpsc::Receiver<()>) {
    let (tx, rx) = mpsc::channel(KEY_FRAME_REQUEST_CAPACITY);
    (KeyFrameRequests(tx), rx)
}

/// Turns requests into PLIs for `media_ssrc` on the publisher's `track`
/// until every request handle is gone or the connection is.
pub(super) async fn run(
    track: Arc<dyn TrackRemote>,
    media_ssrc: u32,
    mut requests: mpsc::Receiver<()>,
    counters: Arc<ProducerCounters>,
) {
    let mut last_sent: Option<Instant> = None;
    while requests.recv().await.is_some() {
        if let Some(last) = last_sent {
            tokio::time::sleep_until(last + MIN_KEY_FRAME_REQUEST_INTERVAL).await;
        }
        // Requests that came while waiting are served by this PLI too.
        while requests.try_recv().is_ok() {}
        if let Err(e) = track.write_rtcp(picture_loss_indication(media_ssrc)).await {
            tracing::debug!(target: "rtcp", media_ssrc, "PLI not sent, publisher gone: {e}");
            return;
        }
        last_sent = Some(Instant::now());
        counters.plis_sent.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(target: "rtcp", media_ssrc, "PLI sent to the publisher");
    }
}
