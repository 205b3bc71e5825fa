//! The SFU: forwards each published stream's RTP to its players.
//!
//! Object model (after mediasoup): one [`Router`] holds a route per
//! published stream; a [`Producer`] is the receiving PeerConnection of one
//! `publish_media` and feeds the route; a [`Consumer`] is the sending
//! PeerConnection of one `play_media` and reads it. Each PeerConnection
//! carries exactly one producer or consumer, so the transport layer of
//! mediasoup folds into them. Producers and consumers are owned by the
//! router; they meet only through the route's [`feed::Feed`] (channels), and
//! report up through [`SfuEvent`]s.
//!
//! Media path: publisher -> producer track loop -> bounded broadcast channel
//! per kind (a slow consumer lags and drops, the publisher never waits) ->
//! consumer forwarder (own SSRC, negotiated payload type, continuous
//! sequence numbers and timestamps, header extensions cleared) -> player.
//! PLI/FIR from a player go to the producer's keyframe requester (at most
//! one PLI per 300 ms per producer); a new consumer asks for a keyframe as
//! soon as it connects. NACKs are answered per hop by webrtc's interceptors.
//!
//! Teardown: a producer goes with its stream (unpublish, logout, kick,
//! session expiry, server stop), when replaced by a new `publish_media`, or
//! when its connection fails; a consumer goes on `stop_play`, a new
//! `play_media` of the same session for the same stream, the end of its
//! session, the end of its stream, or its connection failing. Consumers
//! outlive a replaced or failed producer and follow the next one.

mod consumer;
mod feed;
mod key_frame_requester;
mod producer;
mod router;
mod rtp_stream_recv;
mod rtp_stream_send;

use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Instant;

use futures_util::future::join_all;
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::rtc::{self, PeerConnection, RtcError};

use super::registry::SessionId;
use consumer::Consumer;
pub(crate) use consumer::ConsumerStats;
use producer::Producer;
pub(crate) use producer::ProducerStats;
use router::{Removed, Router};

/// A published stream: stream ids are unique per app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct StreamKey {
    pub app_id: u32,
    pub stream_id: String,
}

impl StreamKey {
    pub fn new(app_id: u32, stream_id: &str) -> Self {
        StreamKey { app_id, stream_id: stream_id.to_owned() }
    }
}

impl fmt::Display for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.app_id, self.stream_id)
    }
}

/// Identifies a producer for the lifetime of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProducerId(u64);

/// Identifies a consumer for the lifetime of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ConsumerId(u64);

impl fmt::Display for ProducerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

impl fmt::Display for ConsumerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// What producers and consumers report to the SFU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SfuEvent {
    /// The producer's connection failed or closed.
    ProducerFailed(ProducerId),
    /// The consumer's connection failed or closed.
    ConsumerFailed(ConsumerId),
}

/// Why a `publish_media` or `play_media` failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum SfuError {
    /// The PeerConnection could not be built (socket, codecs).
    #[error("media transport: {0}")]
    Setup(RtcError),
    /// The offer does not parse or cannot be answered.
    #[error("negotiation failed: {0}")]
    Negotiation(RtcError),
    /// While negotiating, the stream ended or a newer request replaced this one.
    #[error("the stream ended or a newer request replaced this one")]
    Superseded,
    /// The server is stopping.
    #[error("the server is stopping")]
    Stopped,
}

/// Every producer and consumer, for the admin API.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct SfuStats {
    pub producers: Vec<ProducerStats>,
    pub consumers: Vec<ConsumerStats>,
}

/// Closes a PeerConnection that is dropped before its producer or consumer
/// is registered (a request task aborted at server stop, a panic): a
/// PeerConnection dropped without `close` keeps its driver and socket.
struct UnregisteredPeer(Option<Arc<dyn PeerConnection>>);

impl UnregisteredPeer {
    /// The router owns it now (or it was closed another way).
    fn registered(mut self) {
        self.0 = None;
    }
}

impl Drop for UnregisteredPeer {
    fn drop(&mut self) {
        if let (Some(pc), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current()) {
            runtime.spawn(async move {
                let _ = pc.close().await;
            });
        }
    }
}

/// Where producers and consumers send their [`SfuEvent`]s. Unbounded: each
/// producer or consumer sends at most one event in its life.
type Events = mpsc::UnboundedSender<SfuEvent>;

/// The SFU of one server.
pub(crate) struct Sfu {
    // Passed in.
    bind_ip: IpAddr,
    // Owned.
    router: Mutex<Router<Producer, Consumer>>,
    events: Events,
    /// Closes of removed producers and consumers still running.
    closing: Mutex<JoinSet<()>>,
    stopped: AtomicBool,
    /// Held by [`Sfu::close`], so a second caller waits for the first.
    closing_all: tokio::sync::Mutex<()>,
    last_id: AtomicU64,
}

impl Sfu {
    /// An SFU whose PeerConnections bind UDP to `bind_ip`; it closes
    /// everything when `shutdown` turns true. Must run inside tokio.
    pub fn new(bind_ip: IpAddr, shutdown: watch::Receiver<bool>) -> Arc<Self> {
        let (events, rx) = mpsc::unbounded_channel();
        let sfu = Arc::new(Sfu {
            bind_ip,
            router: Mutex::new(Router::default()),
            events,
            closing: Mutex::new(JoinSet::new()),
            stopped: AtomicBool::new(false),
            closing_all: tokio::sync::Mutex::new(()),
            last_id: AtomicU64::new(0),
        });
        tokio::spawn(handle_events(Arc::downgrade(&sfu), rx, shutdown));
        sfu
    }

    fn next_id(&self) -> u64 {
        self.last_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn check_running(&self) -> Result<(), SfuError> {
        if self.stopped.load(Ordering::Acquire) {
            Err(SfuError::Stopped)
        } else {
            Ok(())
        }
    }

    /// Answers a publisher's offer for `key` with a new producer (replacing
    /// the stream's previous one). `still_publishing` re-checks, after the
    /// producer is registered, that `session` still publishes the stream: an
    /// unpublish racing with this call then closes the new producer either way.
    pub async fn publish(
        &self,
        key: StreamKey,
        session: SessionId,
        offer: &str,
        still_publishing: impl Fn() -> bool,
    ) -> Result<String, SfuError> {
        self.check_running()?;
        let started = Instant::now();
        let id = ProducerId(self.next_id());
        let (forwarder, events) = rtc::peer_events(format!("{id} {key}"));
        let pc = rtc::new_peer(self.bind_ip, forwarder).await.map_err(SfuError::Setup)?;
        let guard = UnregisteredPeer(Some(pc.clone()));
        let (feed, replaced) = self.router.lock().attach_producer(&key, session, id);
        self.dispose(replaced);
        let producer =
            Producer::start(id, key.clone(), pc.clone(), events.tracks, events.state, feed, self.events.clone());
        let registered = self.router.lock().set_producer(id, producer);
        guard.registered();
        if let Err(producer) = registered {
            producer.close().await;
            return Err(SfuError::Superseded);
        }
        if !still_publishing() || self.stopped.load(Ordering::Acquire) {
            self.remove_producer(id);
            return Err(SfuError::Superseded);
        }
        match rtc::answer(pc.as_ref(), &events.gathering, offer).await {
            Ok(answer) => {
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let negotiation_ms = format!("{ms:.1}");
                tracing::info!(producer = %id, stream = %key, negotiation_ms, "producer ready");
                Ok(answer)
            }
            Err(e) => {
                let removed = self.remove_producer(id);
                Err(if removed { SfuError::Negotiation(e) } else { SfuError::Superseded })
            }
        }
    }

    /// Answers a player's offer for `key` (published by `publisher`) with a
    /// new consumer of `session`, replacing that session's previous one.
    /// `still_valid` re-checks, after the consumer is registered, that the
    /// stream is still published by `publisher` and `session` still exists.
    pub async fn play(
        &self,
        key: StreamKey,
        publisher: SessionId,
        session: SessionId,
        offer: &str,
        still_valid: impl Fn() -> bool,
    ) -> Result<String, SfuError> {
        self.check_running()?;
        let started = Instant::now();
        let id = ConsumerId(self.next_id());
        let (forwarder, events) = rtc::peer_events(format!("{id} {key}"));
        let pc = rtc::new_peer(self.bind_ip, forwarder).await.map_err(SfuError::Setup)?;
        let guard = UnregisteredPeer(Some(pc.clone()));
        let (feed, replaced) = self.router.lock().attach_consumer(&key, publisher, session, id);
        self.dispose(replaced);
        let consumer =
            match Consumer::start(id, key.clone(), session, pc.clone(), events.state, &feed, self.events.clone()).await
            {
                Ok(consumer) => consumer,
                Err(e) => {
                    self.remove_consumer(id);
                    // The guard closes the connection.
                    return Err(SfuError::Setup(e));
                }
            };
        let registered = self.router.lock().set_consumer(id, consumer);
        guard.registered();
        if let Err(consumer) = registered {
            consumer.close().await;
            return Err(SfuError::Superseded);
        }
        if !still_valid() || self.stopped.load(Ordering::Acquire) {
            self.remove_consumer(id);
            return Err(SfuError::Superseded);
        }
        match rtc::answer(pc.as_ref(), &events.gathering, offer).await {
            Ok(answer) => {
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let negotiation_ms = format!("{ms:.1}");
                tracing::info!(consumer = %id, stream = %key, %session, negotiation_ms, "consumer ready");
                Ok(answer)
            }
            Err(e) => {
                let removed = self.remove_consumer(id);
                Err(if removed { SfuError::Negotiation(e) } else { SfuError::Superseded })
            }
        }
    }

    /// Closes `session`'s consumer of `key`, if any.
    pub fn stop_play(&self, session: SessionId, key: &StreamKey) {
        let removed = self.router.lock().stop_play(session, key);
        self.dispose(removed);
    }

    /// The stream is no longer published: its producer and consumers close.
    pub fn end_stream(&self, key: &StreamKey) {
        let removed = self.router.lock().end_stream(key);
        self.dispose(removed);
    }

    /// The session is over: the streams it publishes end and its consumers close.
    pub fn end_session(&self, session: SessionId) {
        let removed = self.router.lock().end_session(session);
        self.dispose(removed);
    }

    /// Closes every producer and consumer and waits for all closes (server
    /// stop). Later requests fail with [`SfuError::Stopped`].
    pub async fn close(&self) {
        let _one_at_a_time = self.closing_all.lock().await;
        self.stopped.store(true, Ordering::Release);
        let removed = self.router.lock().clear();
        close_all(removed).await;
        let mut closing = std::mem::take(&mut *self.closing.lock());
        while closing.join_next().await.is_some() {}
    }

    /// Every producer and consumer with its counters.
    pub fn stats(&self) -> SfuStats {
        let router = self.router.lock();
        SfuStats {
            producers: router.producers().map(Producer::stats).collect(),
            consumers: router.consumers().map(Consumer::stats).collect(),
        }
    }

    /// Removes a producer; true if it was still registered.
    fn remove_producer(&self, id: ProducerId) -> bool {
        let removed = self.router.lock().remove_producer(id);
        let found = !removed.is_empty();
        self.dispose(removed);
        found
    }

    /// Removes a consumer; true if it was still registered.
    fn remove_consumer(&self, id: ConsumerId) -> bool {
        let removed = self.router.lock().remove_consumer(id);
        let found = !removed.is_empty();
        self.dispose(removed);
        found
    }

    /// Closes what a router change removed, in the background.
    fn dispose(&self, removed: Removed<Producer, Consumer>) {
        if removed.is_empty() {
            return;
        }
        let mut closing = self.closing.lock();
        while closing.try_join_next().is_some() {}
        closing.spawn(close_all(removed));
    }

    fn on_event(&self, event: SfuEvent) {
        match event {
            SfuEvent::ProducerFailed(id) => {
                if self.remove_producer(id) {
                    tracing::info!(producer = %id, "publisher connection failed; producer closed");
                }
            }
            SfuEvent::ConsumerFailed(id) => {
                if self.remove_consumer(id) {
                    tracing::info!(consumer = %id, "player connection failed; consumer closed");
                }
            }
        }
    }
}

/// Closes producers and consumers concurrently (each `close` waits for its
/// connection's driver, up to about 100 ms).
async fn close_all(removed: Removed<Producer, Consumer>) {
    let producers = join_all(removed.producers.into_iter().map(Producer::close));
    let consumers = join_all(removed.consumers.into_iter().map(Consumer::close));
    futures_util::future::join(producers, consumers).await;
}

/// Handles the events of producers and consumers; closes everything when the
/// server stops.
async fn handle_events(
    sfu: Weak<Sfu>,
    mut events: mpsc::UnboundedReceiver<SfuEvent>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            event = events.recv() => {
                let (Some(event), Some(sfu)) = (event, sfu.upgrade()) else {
                    return;
                };
                sfu.on_event(event);
            }
            // An error means the hub is gone, which is stopping too.
            () = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
                if let Some(sfu) = sfu.upgrade() {
                    sfu.close().await;
                }
                return;
            }
        }
    }
}
