//! A reusable [`PeerConnectionEventHandler`] that turns a PeerConnection's
//! callbacks into channels, so nothing runs on the connection's driver task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnectionEventHandler, RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState,
};

use super::RtcError;

/// Becomes true when ICE gathering completes: then the local description
/// carries every candidate (non-trickle signaling).
///
/// Built on `watch::Sender::send_replace`, which stores the value even when
/// nobody is subscribed yet (`send` would drop it, and a fast gathering would
/// then be missed).
#[derive(Debug, Clone)]
pub struct GatherLatch(watch::Sender<bool>);

impl Default for GatherLatch {
    fn default() -> Self {
        GatherLatch(watch::channel(false).0)
    }
}

impl GatherLatch {
    /// A latch that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a gathering state change.
    pub fn on_state(&self, state: RTCIceGatheringState) {
        match state {
            RTCIceGatheringState::Complete => {
                self.0.send_replace(true);
            }
            // A new gathering (renegotiation, ICE restart) starts over.
            RTCIceGatheringState::Gathering => {
                self.0.send_replace(false);
            }
            _ => {}
        }
    }

    /// Waits until gathering is complete, at most `timeout`; true if it completed.
    pub async fn wait(&self, timeout: Duration) -> bool {
        let mut rx = self.0.subscribe();
        let done = tokio::time::timeout(timeout, rx.wait_for(|done| *done)).await;
        matches!(done, Ok(Ok(_)))
    }
}

/// The receiving ends of a [`PeerEventForwarder`].
pub struct PeerEvents {
    /// Remote tracks in arrival order (unbounded: one entry per negotiated
    /// remote track, and a handler must never wait). Each needs a task polling it
    /// (`TrackRemote::poll`); an unpolled track drops packets once its queue is full.
    pub tracks: mpsc::UnboundedReceiver<Arc<dyn TrackRemote>>,
    /// The latest connection state.
    pub state: watch::Receiver<RTCPeerConnectionState>,
    /// ICE gathering of the connection.
    pub gathering: GatherLatch,
}

/// Forwards a PeerConnection's events into channels; hand it to
/// [`new_peer`](super::new_peer). Every method returns at once: the
/// callbacks run on the connection's driver task and must not block it.
pub struct PeerEventForwarder {
    label: String,
    gathering: GatherLatch,
    state: watch::Sender<RTCPeerConnectionState>,
    tracks: mpsc::UnboundedSender<Arc<dyn TrackRemote>>,
}

/// A forwarder (for [`new_peer`](super::new_peer)) and the channels it feeds.
/// `label` names the connection in logs.
pub fn peer_events(label: impl Into<String>) -> (Arc<PeerEventForwarder>, PeerEvents) {
    let (tracks_tx, tracks) = mpsc::unbounded_channel();
    let (state_tx, state) = watch::channel(RTCPeerConnectionState::New);
    let gathering = GatherLatch::new();
    let forwarder =
        PeerEventForwarder { label: label.into(), gathering: gathering.clone(), state: state_tx, tracks: tracks_tx };
    (Arc::new(forwarder), PeerEvents { tracks, state, gathering })
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for PeerEventForwarder {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        tracing::trace!(target: "ice", peer = %self.label, %state, "gathering");
        self.gathering.on_state(state);
    }

    async fn on_ice_connection_state_change(&self, state: RTCIceConnectionState) {
        tracing::debug!(target: "ice", peer = %self.label, %state, "ICE connection state");
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        tracing::debug!(target: "rtc", peer = %self.label, %state, "connection state");
        self.state.send_replace(state);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        // The receiver may be gone (the owner is closing): then nobody wants it.
        let _ = self.tracks.send(track);
    }
}

/// Waits until the connection is connected, at most `timeout`.
///
/// # Errors
///
/// [`RtcError::ConnectionFailed`] when it fails or closes first (or the
/// connection is dropped), [`RtcError::Timeout`] when the time is up.
pub async fn wait_connected(
    state: &mut watch::Receiver<RTCPeerConnectionState>,
    timeout: Duration,
) -> Result<(), RtcError> {
    let settled = state.wait_for(|s| {
        matches!(s, RTCPeerConnectionState::Connected | RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed)
    });
    match tokio::time::timeout(timeout, settled).await {
        Ok(Ok(s)) if *s == RTCPeerConnectionState::Connected => Ok(()),
        Ok(Ok(s)) => Err(RtcError::ConnectionFailed(s.to_string())),
        Ok(Err(_)) => Err(RtcError::ConnectionFailed("dropped".into())),
        Err(_) => Err(RtcError::Timeout("connecting")),
    }
}
