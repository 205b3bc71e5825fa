//! The codecs every PeerConnection of this crate speaks: Opus and H.264
//! (packetization-mode 1 in the four profiles Chromium offers), and how to
//! find the payload type a codec got on one negotiated leg.

use rtc::peer_connection::configuration::media_engine::{MediaEngine, MIME_TYPE_H264, MIME_TYPE_OPUS};
use rtc::rtp_transceiver::rtp_sender::{RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind};

use super::RtcError;

/// Payload type of Opus (Chromium's choice too).
pub const OPUS_PAYLOAD_TYPE: u8 = 111;

/// H.264 profile-level-ids we accept, with their payload types, preferred
/// first. The core matches H.264 on packetization-mode and the first two
/// bytes of profile-level-id (the level is ignored), so each profile family
/// needs its own registration: constrained baseline (42e0), baseline (4200),
/// main (4d00) and constrained high (640c).
pub const H264_PROFILES: [(u8, &str); 4] = [(125, "42e01f"), (102, "42001f"), (127, "4d001f"), (108, "640c1f")];

/// The profile-level-id of [`h264_codec`]: constrained baseline, level 3.1,
/// what openh264 produces with `Profile::Baseline`.
pub const H264_DEFAULT_PROFILE: &str = "42e01f";

fn h264_feedback() -> Vec<RTCPFeedback> {
    vec![
        RTCPFeedback { typ: "nack".into(), parameter: String::new() },
        RTCPFeedback { typ: "nack".into(), parameter: "pli".into() },
        RTCPFeedback { typ: "ccm".into(), parameter: "fir".into() },
    ]
}

/// H.264, packetization-mode 1, with this profile-level-id (6 hex digits).
pub fn h264_codec_with_profile(profile_level_id: &str) -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_H264.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: format!("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={profile_level_id}"),
        rtcp_feedback: h264_feedback(),
    }
}

/// H.264 constrained baseline (42e01f), packetization-mode 1: the video codec
/// the engine sends.
pub fn h264_codec() -> RTCRtpCodec {
    h264_codec_with_profile(H264_DEFAULT_PROFILE)
}

/// Opus 48 kHz with in-band FEC. The SDP says 2 channels even for mono (RFC 7587).
pub fn opus_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.to_owned(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
        rtcp_feedback: vec![],
    }
}

/// The codec of this kind the engine uses: [`opus_codec`] or [`h264_codec`].
pub fn default_codec(kind: RtpCodecKind) -> RTCRtpCodec {
    match kind {
        RtpCodecKind::Audio => opus_codec(),
        _ => h264_codec(),
    }
}

/// A MediaEngine with Opus (PT 111) and the [`H264_PROFILES`]. No RTX: peers
/// then retransmit on the media SSRC, which keeps sequence numbers unique.
///
/// Codecs are registered before the interceptors on purpose:
/// `MediaEngine::register_feedback` (used by the TWCC interceptor) only
/// touches codecs that already exist.
pub fn media_engine() -> Result<MediaEngine, RtcError> {
    let mut engine = MediaEngine::default();
    let opus = RTCRtpCodecParameters { rtp_codec: opus_codec(), payload_type: OPUS_PAYLOAD_TYPE };
    engine.register_codec(opus, RtpCodecKind::Audio)?;
    for (payload_type, profile) in H264_PROFILES {
        let h264 = RTCRtpCodecParameters { rtp_codec: h264_codec_with_profile(profile), payload_type };
        engine.register_codec(h264, RtpCodecKind::Video)?;
    }
    Ok(engine)
}

/// The value of `key` in an fmtp line (`a=1;b=2`), case-insensitive key.
fn fmtp_value<'a>(fmtp: &'a str, key: &str) -> Option<&'a str> {
    fmtp.split(';')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim())
}

/// Whether two codecs are the same format, as SDP negotiation sees it: same
/// MIME type and clock rate; for H.264 also the same packetization-mode and
/// profile (profile_idc and constraint flags; the level does not matter).
pub fn same_format(a: &RTCRtpCodec, b: &RTCRtpCodec) -> bool {
    if !a.mime_type.eq_ignore_ascii_case(&b.mime_type) || a.clock_rate != b.clock_rate {
        return false;
    }
    if !a.mime_type.eq_ignore_ascii_case(MIME_TYPE_H264) {
        return true;
    }
    let mode = |c: &RTCRtpCodec| fmtp_value(&c.sdp_fmtp_line, "packetization-mode").unwrap_or("0").to_owned();
    let profile = |c: &RTCRtpCodec| {
        let plid = fmtp_value(&c.sdp_fmtp_line, "profile-level-id").unwrap_or("42001f");
        plid.get(..4).unwrap_or(plid).to_ascii_lowercase()
    };
    mode(a) == mode(b) && profile(a) == profile(b)
}

/// The payload type `codec` has among one leg's negotiated `codecs`
/// (`RtpSender::get_parameters().rtp_parameters.codecs`): an exact format
/// match first, else the first codec with the same MIME type.
pub fn payload_type_of(codecs: &[RTCRtpCodecParameters], codec: &RTCRtpCodec) -> Option<u8> {
    let exact = codecs.iter().find(|c| same_format(&c.rtp_codec, codec));
    let same_mime = || codecs.iter().find(|c| c.rtp_codec.mime_type.eq_ignore_ascii_case(&codec.mime_type));
    exact.or_else(same_mime).map(|c| c.payload_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h264_formats_compare_by_mode_and_profile() {
        let chromium = RTCRtpCodec {
            sdp_fmtp_line: "profile-level-id=42e034;packetization-mode=1;level-asymmetry-allowed=1".into(),
            ..h264_codec()
        };
        assert!(same_format(&h264_codec(), &chromium));
        assert!(!same_format(&h264_codec(), &h264_codec_with_profile("42001f")));
        let mode0 = RTCRtpCodec { sdp_fmtp_line: "profile-level-id=42e01f".into(), ..h264_codec() };
        assert!(!same_format(&h264_codec(), &mode0));
        assert!(!same_format(&h264_codec(), &opus_codec()));
        assert!(same_format(&opus_codec(), &RTCRtpCodec { sdp_fmtp_line: String::new(), ..opus_codec() }));
    }

    #[test]
    fn payload_types_are_found_per_leg() {
        let leg = vec![
            RTCRtpCodecParameters { rtp_codec: h264_codec_with_profile("42001f"), payload_type: 96 },
            RTCRtpCodecParameters { rtp_codec: h264_codec(), payload_type: 97 },
        ];
        assert_eq!(payload_type_of(&leg, &h264_codec()), Some(97));
        assert_eq!(payload_type_of(&leg, &h264_codec_with_profile("640c1f")), Some(96));
        assert_eq!(payload_type_of(&leg, &opus_codec()), None);
        media_engine().unwrap();
    }
}
