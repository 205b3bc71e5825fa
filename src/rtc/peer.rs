//! Building a PeerConnection, and non-trickle offer/answer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rtc::ice::mdns::MulticastDnsMode;
use rtc::ice::network_type::NetworkType;
use rtc::interceptor::Slot;
use webrtc::peer_connection::{
    register_default_interceptors, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCSessionDescription, Registry, SettingEngineBuilder,
};
use webrtc::runtime::{Runtime, TokioRuntime};

use super::codecs::media_engine;
use super::events::GatherLatch;
use super::keyframe::{KeyframeRequestMarker, KEYFRAME_MARKER_SLOT};
use super::RtcError;

/// Interval between ICE connectivity checks. webrtc's default (200 ms) makes
/// a connection take about 210 ms on loopback; 20 ms takes about 30 ms.
pub const ICE_CHECK_INTERVAL: Duration = Duration::from_millis(20);

/// How long [`create_offer`] and [`answer`] wait for ICE gathering. Host
/// candidates only (no STUN/TURN), so it normally takes a few milliseconds;
/// after this the SDP goes out with the candidates found so far.
pub const GATHER_TIMEOUT: Duration = Duration::from_secs(2);

/// A PeerConnection with this crate's setup:
///
/// - codecs: Opus (PT 111) and H.264 packetization-mode 1 in four profiles
///   ([`media_engine`](super::media_engine));
/// - webrtc's default interceptors (NACK generator and responder, RTCP
///   reports, TWCC receiver) plus one that delivers PLI/FIR to the application
///   (`TrackLocal::poll` / `TrackRemote::poll`);
/// - ICE: host candidates only, on one UDP socket bound to `bind_ip:0`
///   (`0.0.0.0` means every non-loopback interface), mDNS off, checks every
///   [`ICE_CHECK_INTERVAL`]; the address family of `bind_ip` is the only one used;
/// - tokio: must be called inside a tokio runtime, which then runs the connection.
///
/// Close it with `close().await` when done: dropping it does not stop its driver.
///
/// # Errors
///
/// When the codecs or interceptors cannot be registered or the socket cannot be bound.
pub async fn new_peer(
    bind_ip: IpAddr,
    handler: Arc<dyn PeerConnectionEventHandler>,
) -> Result<Arc<dyn PeerConnection>, RtcError> {
    super::log_bridge::install();
    let mut engine = media_engine()?;
    let registry = register_default_interceptors(Registry::new(), &mut engine)?
        .with(Slot::from(KEYFRAME_MARKER_SLOT), KeyframeRequestMarker::default());
    let network = if bind_ip.is_ipv4() { NetworkType::Udp4 } else { NetworkType::Udp6 };
    let settings = SettingEngineBuilder::new()
        .with_multicast_dns_mode(MulticastDnsMode::Disabled)
        .with_network_types(vec![network])
        .with_ice_connection_attempts(Some(ICE_CHECK_INTERVAL), None)
        .build();
    let peer = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(engine)
        .with_interceptor_registry(registry)
        .with_setting_engine(settings)
        .with_runtime(Arc::new(TokioRuntime) as Arc<dyn Runtime>)
        .with_handler(handler)
        .with_udp_addrs(vec![SocketAddr::new(bind_ip, 0)])
        .build()
        .await?;
    Ok(Arc::new(peer))
}

/// The local description once gathering is done (or [`GATHER_TIMEOUT`] passed).
async fn gathered_sdp(pc: &dyn PeerConnection, latch: &GatherLatch) -> Result<String, RtcError> {
    if !latch.wait(GATHER_TIMEOUT).await {
        tracing::warn!(target: "ice", "ICE gathering incomplete after {GATHER_TIMEOUT:?}; sending what we have");
    }
    let local = pc.local_description().await.ok_or(RtcError::NoLocalDescription)?;
    Ok(local.sdp)
}

/// Creates and applies an offer and returns its SDP with every ICE candidate
/// (non-trickle). `latch` is the gathering latch of `pc`'s handler.
pub async fn create_offer(pc: &dyn PeerConnection, latch: &GatherLatch) -> Result<String, RtcError> {
    let offer = pc.create_offer(None).await?;
    pc.set_local_description(offer).await?;
    gathered_sdp(pc, latch).await
}

/// Applies a remote offer, creates and applies the answer and returns its
/// SDP with every ICE candidate.
///
/// # Errors
///
/// [`RtcError::Webrtc`] for an offer that does not parse or cannot be applied.
pub async fn answer(pc: &dyn PeerConnection, latch: &GatherLatch, offer_sdp: &str) -> Result<String, RtcError> {
    let offer = RTCSessionDescription::offer(offer_sdp.to_owned())?;
    pc.set_remote_description(offer).await?;
    let answer = pc.create_answer(None).await?;
    pc.set_local_description(answer).await?;
    gathered_sdp(pc, latch).await
}

/// Applies the remote answer to an offer made by [`create_offer`].
pub async fn accept_answer(pc: &dyn PeerConnection, answer_sdp: &str) -> Result<(), RtcError> {
    let answer = RTCSessionDescription::answer(answer_sdp.to_owned())?;
    pc.set_remote_description(answer).await?;
    Ok(())
}
