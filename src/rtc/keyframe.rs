//! Keyframes: the interceptor that lets PLI/FIR reach the application, and
//! recognising the start of an H.264 keyframe in an RTP payload.

use std::collections::VecDeque;
use std::time::Instant;

use rtc::interceptor::{Attribute, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::sansio::Protocol;

/// Interceptor slot of [`KeyframeRequestMarker`]: after every default
/// interceptor (the highest default slot is 13000), so it sees what they pass on.
pub(crate) const KEYFRAME_MARKER_SLOT: usize = 14_000;

/// Marks inbound PLI and FIR with `Attribute::DeliverToApplication`, so they
/// surface as `TrackLocalEvent::OnRtcpPacket` (feedback about a track we send)
/// or `TrackRemoteEvent::OnRtcpPacket`. Every other RTCP packet (RR, NACK,
/// TWCC) has been acted on by the default interceptors and stops here.
/// After webrtc's `examples/rtcp-processing`.
#[derive(Default)]
pub(crate) struct KeyframeRequestMarker {
    read_queue: VecDeque<TaggedPacket>,
    write_queue: VecDeque<TaggedPacket>,
}

fn is_request(packet: &dyn rtc::rtcp::Packet) -> bool {
    let any = packet.as_any();
    any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>()
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for KeyframeRequestMarker {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &msg.message.packet {
            let keep: Vec<Box<dyn rtc::rtcp::Packet>> =
                packets.iter().filter(|p| is_request(p.as_ref())).cloned().collect();
            if keep.is_empty() {
                return Ok(());
            }
            msg.message.packet = Packet::Rtcp(keep);
            msg.message.add(Attribute::DeliverToApplication);
        }
        self.read_queue.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.read_queue.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.write_queue.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.write_queue.pop_front()
    }
}

impl Interceptor for KeyframeRequestMarker {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _: &StreamInfo) {}
}

/// Whether RTCP packets (as `TrackLocalEvent::OnRtcpPacket` delivers them)
/// ask for a keyframe: a PLI or a FIR.
pub fn is_keyframe_request(packets: &[Box<dyn rtc::rtcp::Packet>]) -> bool {
    packets.iter().any(|p| is_request(p.as_ref()))
}

/// A PLI for `media_ssrc`, ready for `TrackRemote::write_rtcp`.
pub fn picture_loss_indication(media_ssrc: u32) -> Vec<Box<dyn rtc::rtcp::Packet>> {
    vec![Box::new(PictureLossIndication { sender_ssrc: 0, media_ssrc })]
}

/// H.264 NAL unit types that matter here (RFC 6184).
mod nal {
    pub const IDR: u8 = 5;
    pub const SPS: u8 = 7;
    pub const STAP_A: u8 = 24;
    pub const FU_A: u8 = 28;
}

/// Whether an H.264 RTP payload (packetization-mode 1) starts a keyframe: it
/// carries an SPS or the first fragment of an IDR slice, alone or in a STAP-A.
/// A receiver that starts decoding here has what it needs.
pub fn is_h264_keyframe_start(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    match first & 0x1f {
        nal::IDR | nal::SPS => true,
        nal::STAP_A => {
            // Aggregated NAL units, each behind a 16-bit size.
            let mut rest = &payload[1..];
            while rest.len() > 2 {
                let size = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
                let Some(unit) = rest.get(2..2 + size) else {
                    return false;
                };
                if unit.first().is_some_and(|h| matches!(h & 0x1f, nal::IDR | nal::SPS)) {
                    return true;
                }
                rest = &rest[2 + size..];
            }
            false
        }
        nal::FU_A => payload.get(1).is_some_and(|fu| fu & 0x80 != 0 && fu & 0x1f == nal::IDR),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h264_keyframe_starts() {
        assert!(is_h264_keyframe_start(&[0x67, 0x42]));
        assert!(is_h264_keyframe_start(&[0x65, 0x88]));
        assert!(!is_h264_keyframe_start(&[0x41, 0x9a]));
        assert!(!is_h264_keyframe_start(&[]));
        // STAP-A with SPS and PPS.
        assert!(is_h264_keyframe_start(&[0x78, 0, 2, 0x67, 0x42, 0, 1, 0x68]));
        // STAP-A with only a PPS, and a truncated one.
        assert!(!is_h264_keyframe_start(&[0x78, 0, 1, 0x68]));
        assert!(!is_h264_keyframe_start(&[0x78, 0, 9, 0x67]));
        // FU-A: start of an IDR, middle of an IDR, start of a P slice.
        assert!(is_h264_keyframe_start(&[0x7c, 0x85, 0]));
        assert!(!is_h264_keyframe_start(&[0x7c, 0x05, 0]));
        assert!(!is_h264_keyframe_start(&[0x7c, 0x81, 0]));
    }

    #[test]
    fn pli_and_fir_are_requests() {
        assert!(is_keyframe_request(&picture_loss_indication(7)));
        let fir: Vec<Box<dyn rtc::rtcp::Packet>> = vec![Box::new(FullIntraRequest::default())];
        assert!(is_keyframe_request(&fir));
        assert!(!is_keyframe_request(&[]));
    }
}
