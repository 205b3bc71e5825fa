//! Local tracks with an SSRC of our choosing, receive-only transceivers and
//! the payload type a sender got on its leg.

use std::sync::Arc;
use std::time::Instant;

use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::peer_connection::PeerConnection;
use webrtc::rtp_transceiver::RtpSender;

use super::codecs::payload_type_of;
use super::RtcError;

/// A random SSRC, never 0.
pub fn random_ssrc() -> u32 {
    loop {
        let ssrc = rand::random::<u32>();
        if ssrc != 0 {
            return ssrc;
        }
    }
}

/// Describes one outgoing track: its ids, its SSRC and its codec.
#[derive(Debug, Clone)]
pub struct LocalTrackSpec {
    /// The media stream id (the remote sees it as `Track::stream_id`); the
    /// SFU uses the ZEGO stream id.
    pub stream_id: String,
    /// The track id, unique within the PeerConnection.
    pub track_id: String,
    /// Audio or video.
    pub kind: RtpCodecKind,
    /// The SSRC of every packet of this track.
    pub ssrc: u32,
    /// The codec; the PeerConnection's MediaEngine must know its format.
    pub codec: RTCRtpCodec,
}

impl LocalTrackSpec {
    fn media_stream_track(&self) -> MediaStreamTrack {
        let encoding = RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(self.ssrc), ..Default::default() },
            active: true,
            codec: self.codec.clone(),
            ..Default::default()
        };
        MediaStreamTrack::new(
            self.stream_id.clone(),
            self.track_id.clone(),
            self.track_id.clone(),
            self.kind,
            vec![encoding],
        )
    }

    /// A track that takes RTP packets (they must carry [`LocalTrackSpec::ssrc`]).
    pub fn rtp_track(&self) -> Arc<TrackLocalStaticRTP> {
        Arc::new(TrackLocalStaticRTP::new(self.media_stream_track()))
    }

    /// A track that takes encoded frames and packetizes them.
    pub fn sample_track(&self) -> Result<Arc<TrackLocalStaticSample>, RtcError> {
        Ok(Arc::new(TrackLocalStaticSample::new(Instant::now(), self.media_stream_track())?))
    }
}

/// The payload type `codec` got on this sender's leg; known once the
/// offer/answer exchange is complete.
///
/// # Errors
///
/// [`RtcError::CodecNotNegotiated`] when the remote accepted no codec of that format.
pub async fn negotiated_payload_type(sender: &dyn RtpSender, codec: &RTCRtpCodec) -> Result<u8, RtcError> {
    let parameters = sender.get_parameters().await?;
    payload_type_of(&parameters.rtp_parameters.codecs, codec)
        .ok_or_else(|| RtcError::CodecNotNegotiated(codec.mime_type.clone()))
}

/// Adds a receive-only transceiver of this kind (a player's offer has one
/// for audio and one for video).
pub async fn add_receive_only(pc: &dyn PeerConnection, kind: RtpCodecKind) -> Result<(), RtcError> {
    let init = RTCRtpTransceiverInit { direction: RTCRtpTransceiverDirection::Recvonly, ..Default::default() };
    pc.add_transceiver_from_kind(kind, Some(init)).await?;
    Ok(())
}

/// Whether the offer/answer exchange made this sender's transceiver send
/// (a remote that offered no m-line of its kind leaves it unassociated, and
/// webrtc would refuse — and log — every packet written to it).
pub async fn sender_negotiated(pc: &dyn PeerConnection, sender: &dyn RtpSender) -> bool {
    for transceiver in pc.get_transceivers().await {
        let Ok(Some(candidate)) = transceiver.sender().await else {
            continue;
        };
        if candidate.id() == sender.id() {
            let direction = transceiver.current_direction().await;
            return matches!(
                direction,
                Ok(RTCRtpTransceiverDirection::Sendonly | RTCRtpTransceiverDirection::Sendrecv)
            );
        }
    }
    false
}
