//! WebRTC transport on webrtc 0.21, shared by the SFU (`server::sfu`) and
//! the engine: PeerConnection construction with this crate's codecs and
//! interceptors, non-trickle offer/answer, an event handler that feeds
//! channels, keyframe-request helpers and a stats summary.
//!
//! Callers need not know webrtc's module layout: the types they touch are
//! re-exported here.
//!
//! Threading: everything here runs on the tokio runtime that calls
//! [`new_peer`]; each PeerConnection has one driver task, and its
//! [`PeerEventForwarder`] never blocks it.

mod codecs;
mod events;
mod keyframe;
mod log_bridge;
mod peer;
mod stats;
mod tracks;

pub use codecs::{
    default_codec, h264_codec, h264_codec_with_profile, media_engine, opus_codec, payload_type_of, same_format,
    H264_DEFAULT_PROFILE, H264_PROFILES, OPUS_PAYLOAD_TYPE,
};
pub use events::{peer_events, wait_connected, GatherLatch, PeerEventForwarder, PeerEvents};
pub use keyframe::{is_h264_keyframe_start, is_keyframe_request, picture_loss_indication};
pub use peer::{accept_answer, answer, create_offer, new_peer, GATHER_TIMEOUT, ICE_CHECK_INTERVAL};
pub use stats::{peer_stats, PeerStats};
pub use tracks::{add_receive_only, negotiated_payload_type, random_ssrc, sender_negotiated, LocalTrackSpec};

pub use rtc::media::Sample;
pub use rtc::rtp::codec::h264::H264Packet;
pub use rtc::rtp::packetizer::Depacketizer;
pub use rtc::rtp::Packet as RtpPacket;
pub use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
pub use rtc::{rtcp, rtp};
pub use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
pub use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
pub use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
pub use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
pub use webrtc::media_stream::Track;
pub use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState,
};
pub use webrtc::rtp_transceiver::RtpSender;

/// Why a WebRTC operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RtcError {
    /// webrtc refused: a bad SDP, a closed connection, a socket error, ...
    #[error("webrtc: {0}")]
    Webrtc(#[from] webrtc::error::Error),
    /// The connection has no local description after applying one.
    #[error("no local description")]
    NoLocalDescription,
    /// The remote accepted no codec of this MIME type.
    #[error("codec {0} was not negotiated")]
    CodecNotNegotiated(String),
    /// The connection failed or closed (its last state).
    #[error("connection {0}")]
    ConnectionFailed(String),
    /// A wait took too long.
    #[error("timed out {0}")]
    Timeout(&'static str),
}
