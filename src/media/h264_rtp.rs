//! RTP payload format for H.264 (RFC 6184, packetization-mode 1): packetizer and depacketizer.
//!
//! [`packetize`] turns one Annex-B access unit into RTP payloads: small consecutive NAL units are
//! aggregated into STAP-A packets (so SPS + PPS usually share one), NAL units that fit go alone,
//! and larger ones are split into evenly sized FU-A fragments. [`Depacketizer`] does the reverse,
//! one access unit at a time, and drops units it cannot rebuild. Both are sans-IO.

use bytes::{BufMut, Bytes, BytesMut};

/// NAL unit type of a STAP-A aggregation packet.
pub const NAL_STAP_A: u8 = 24;
/// NAL unit type of an FU-A fragment.
pub const NAL_FU_A: u8 = 28;
/// NAL unit type of an IDR slice.
pub const NAL_IDR: u8 = 5;
/// NAL unit type of a sequence parameter set.
pub const NAL_SPS: u8 = 7;
/// NAL unit type of a picture parameter set.
pub const NAL_PPS: u8 = 8;
/// Smallest payload size [`packetize`] works with; smaller MTUs are raised to this.
pub const MIN_MTU: usize = 16;
/// Largest access unit the depacketizer rebuilds, in bytes.
pub const MAX_ACCESS_UNIT: usize = 8 * 1024 * 1024;

/// The 4-byte Annex-B start code the depacketizer writes before each NAL unit.
const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// Iterator over the NAL units of an Annex-B byte stream (without start codes).
#[derive(Debug, Clone)]
pub struct NalUnits<'a> {
    rest: &'a [u8],
}

/// Position of the next `00 00 01` in `data` at or after `from`.
fn find_start_code(data: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?.windows(3).position(|w| w == [0, 0, 1]).map(|p| p + from)
}

/// Splits an Annex-B stream (3- or 4-byte start codes) into NAL units. Bytes before the first start
/// code are skipped, trailing zero bytes of each unit are trimmed, and empty units are skipped.
pub fn nal_units(annexb: &[u8]) -> NalUnits<'_> {
    let rest = match find_start_code(annexb, 0) {
        Some(p) => &annexb[p + 3..],
        None => &[],
    };
    NalUnits { rest }
}

impl<'a> Iterator for NalUnits<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        while !self.rest.is_empty() {
            let (unit, rest) = match find_start_code(self.rest, 0) {
                Some(p) => (&self.rest[..p], &self.rest[p + 3..]),
                None => (self.rest, &[][..]),
            };
            self.rest = rest;
            let len = unit.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
            if len > 0 {
                return Some(&unit[..len]);
            }
        }
        None
    }
}

/// Whether an Annex-B access unit can start decoding: it holds an IDR slice or an SPS.
pub fn is_keyframe(annexb: &[u8]) -> bool {
    nal_units(annexb).any(|n| matches!(n[0] & 0x1F, NAL_IDR | NAL_SPS))
}

/// Splits one Annex-B access unit into RTP payloads of at most `mtu` bytes (`mtu` is clamped to
/// [`MIN_MTU`]..=65535). Send them in order with consecutive sequence numbers, the RTP marker bit set
/// on the last one, and one RTP timestamp for all. An input without NAL units gives no payloads.
pub fn packetize(annexb: &[u8], mtu: usize) -> Vec<Bytes> {
    let mtu = mtu.clamp(MIN_MTU, usize::from(u16::MAX));
    let nals: Vec<&[u8]> = nal_units(annexb).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < nals.len() {
        // Aggregate as many following units as fit: 1 byte STAP-A header + (2 + len) per unit.
        let mut end = i;
        let mut size = 1;
        while end < nals.len() && size + 2 + nals[end].len() <= mtu {
            size += 2 + nals[end].len();
            end += 1;
        }
        if end - i >= 2 {
            let mut stap = BytesMut::with_capacity(size);
            // F: OR of the units' F bits; NRI: their maximum (RFC 6184 5.7.1).
            let f = nals[i..end].iter().fold(0, |acc, n| acc | (n[0] & 0x80));
            let nri = nals[i..end].iter().map(|n| n[0] & 0x60).max().unwrap_or(0);
            stap.put_u8(f | nri | NAL_STAP_A);
            for nal in &nals[i..end] {
                // Fits in u16: the unit is shorter than the STAP-A, which is at most mtu <= 65535.
                stap.put_u16(nal.len() as u16);
                stap.put_slice(nal);
            }
            out.push(stap.freeze());
            i = end;
            continue;
        }
        let nal = nals[i];
        if nal.len() <= mtu {
            out.push(Bytes::copy_from_slice(nal));
        } else {
            fragment(nal, mtu, &mut out);
        }
        i += 1;
    }
    out
}

/// Splits one NAL unit into FU-A payloads of at most `mtu` bytes with evenly sized fragments.
fn fragment(nal: &[u8], mtu: usize, out: &mut Vec<Bytes>) {
    let header = nal[0];
    let body = &nal[1..];
    let room = mtu - 2;
    let count = body.len().div_ceil(room);
    let base = body.len() / count;
    let extra = body.len() % count;
    let mut offset = 0;
    for k in 0..count {
        let len = base + usize::from(k < extra);
        let mut fu = BytesMut::with_capacity(2 + len);
        fu.put_u8((header & 0xE0) | NAL_FU_A);
        let start = if k == 0 { 0x80 } else { 0 };
        let end = if k == count - 1 { 0x40 } else { 0 };
        fu.put_u8(start | end | (header & 0x1F));
        fu.put_slice(&body[offset..offset + len]);
        offset += len;
        out.push(fu.freeze());
    }
}

/// Why an access unit could not be rebuilt. The unit is dropped; the caller should request a
/// keyframe if the stream cannot continue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DepacketizeError {
    /// An empty RTP payload.
    #[error("empty payload")]
    Empty,
    /// A STAP-A whose unit lengths overrun the packet, or that holds an empty unit.
    #[error("malformed STAP-A")]
    MalformedStapA,
    /// An FU-A shorter than its two header bytes.
    #[error("truncated FU-A")]
    TruncatedFuA,
    /// A middle or end FU-A fragment arrived without the start of its unit.
    #[error("FU-A fragment without a start")]
    FuWithoutStart,
    /// The unit ended (a new NAL unit, or the marker) before the FU-A end fragment: fragments lost.
    #[error("FU-A unit incomplete")]
    FuIncomplete,
    /// A fragment's NAL type differs from the start fragment's.
    #[error("FU-A fragment of another NAL unit type")]
    FuTypeMismatch,
    /// NAL unit types packetization-mode 1 does not use (STAP-B, MTAP, FU-B, 0, 30, 31).
    #[error("unsupported NAL unit type {0}")]
    Unsupported(u8),
    /// The access unit grew beyond [`MAX_ACCESS_UNIT`].
    #[error("access unit too large")]
    TooLarge,
    /// A packet of the access unit was reported lost ([`Depacketizer::mark_lost`]).
    #[error("packet lost")]
    PacketLost,
}

/// Rebuilds Annex-B access units from RTP payloads pushed in sequence order.
///
/// Feed the payloads of each access unit in order with the RTP marker bit; the unit is returned
/// when the marker arrives. Problems found inside a packet give an error at once, and the rest of
/// that unit is then dropped silently up to its marker. Loss between packets cannot be seen from
/// payloads alone: when the reorder buffer reports a gap, call [`Depacketizer::mark_lost`] so the
/// damaged unit is dropped instead of decoded.
#[derive(Debug, Default)]
pub struct Depacketizer {
    /// Annex-B bytes of the unit being rebuilt.
    unit: Vec<u8>,
    /// Offset in `unit` where the open FU-A NAL unit starts (after its start code).
    fu_start: Option<usize>,
    /// Drop everything up to and including the next marker.
    discarding: bool,
    /// Units returned.
    completed: u64,
    /// Units dropped.
    dropped: u64,
}

impl Depacketizer {
    /// A depacketizer waiting for the first payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// Access units returned so far.
    pub fn completed_units(&self) -> u64 {
        self.completed
    }

    /// Access units dropped so far (errors and losses).
    pub fn dropped_units(&self) -> u64 {
        self.dropped
    }

    /// Forgets the unit in progress without counting it (e.g. on a stream switch).
    pub fn reset(&mut self) {
        self.unit.clear();
        self.fu_start = None;
        self.discarding = false;
    }

    /// Reports that a packet was lost: the unit in progress (or, if none is open, the next one) is
    /// dropped up to its marker.
    pub fn mark_lost(&mut self) {
        if !self.discarding {
            self.discarding = true;
            self.dropped += 1;
        }
        self.unit.clear();
        self.fu_start = None;
    }

    /// Adds the payload of the next RTP packet. Returns the access unit (Annex-B, 4-byte start
    /// codes) when `marker` completes it, `None` while it is incomplete or being dropped, or the
    /// error that made this unit unusable (reported once per unit).
    pub fn push(&mut self, payload: &[u8], marker: bool) -> Result<Option<Vec<u8>>, DepacketizeError> {
        if self.discarding {
            if marker {
                self.reset();
            }
            return Ok(None);
        }
        if let Err(e) = self.add(payload) {
            self.dropped += 1;
            self.unit.clear();
            self.fu_start = None;
            self.discarding = !marker;
            return Err(e);
        }
        if !marker {
            return Ok(None);
        }
        if self.fu_start.is_some() {
            self.dropped += 1;
            self.reset();
            return Err(DepacketizeError::FuIncomplete);
        }
        let unit = std::mem::take(&mut self.unit);
        if unit.is_empty() {
            return Ok(None);
        }
        self.completed += 1;
        Ok(Some(unit))
    }

    fn add(&mut self, payload: &[u8]) -> Result<(), DepacketizeError> {
        let Some(&header) = payload.first() else { return Err(DepacketizeError::Empty) };
        let kind = header & 0x1F;
        if kind != NAL_FU_A && self.fu_start.is_some() {
            return Err(DepacketizeError::FuIncomplete);
        }
        match kind {
            1..=23 => self.append_nal(payload),
            NAL_STAP_A => {
                let mut rest = &payload[1..];
                while !rest.is_empty() {
                    let [hi, lo, ..] = *rest else { return Err(DepacketizeError::MalformedStapA) };
                    let len = usize::from(u16::from_be_bytes([hi, lo]));
                    let nal = rest.get(2..2 + len).ok_or(DepacketizeError::MalformedStapA)?;
                    if nal.is_empty() {
                        return Err(DepacketizeError::MalformedStapA);
                    }
                    self.append_nal(nal)?;
                    rest = &rest[2 + len..];
                }
                Ok(())
            }
            NAL_FU_A => {
                let [indicator, fu_header, ..] = *payload else { return Err(DepacketizeError::TruncatedFuA) };
                let (start, end, nal_type) = (fu_header & 0x80 != 0, fu_header & 0x40 != 0, fu_header & 0x1F);
                let body = &payload[2..];
                match (start, self.fu_start) {
                    (true, Some(_)) => return Err(DepacketizeError::FuIncomplete),
                    (false, None) => return Err(DepacketizeError::FuWithoutStart),
                    (true, None) => {
                        self.reserve(START_CODE.len() + 1 + body.len())?;
                        self.unit.extend_from_slice(&START_CODE);
                        self.fu_start = Some(self.unit.len());
                        self.unit.push((indicator & 0xE0) | nal_type);
                    }
                    (false, Some(at)) => {
                        if self.unit[at] & 0x1F != nal_type {
                            return Err(DepacketizeError::FuTypeMismatch);
                        }
                        self.reserve(body.len())?;
                    }
                }
                self.unit.extend_from_slice(body);
                if end {
                    self.fu_start = None;
                }
                Ok(())
            }
            other => Err(DepacketizeError::Unsupported(other)),
        }
    }

    fn reserve(&self, more: usize) -> Result<(), DepacketizeError> {
        if self.unit.len() + more > MAX_ACCESS_UNIT {
            return Err(DepacketizeError::TooLarge);
        }
        Ok(())
    }

    fn append_nal(&mut self, nal: &[u8]) -> Result<(), DepacketizeError> {
        let kind = nal[0] & 0x1F;
        if !(1..=23).contains(&kind) {
            return Err(DepacketizeError::Unsupported(kind));
        }
        self.reserve(START_CODE.len() + nal.len())?;
        self.unit.extend_from_slice(&START_CODE);
        self.unit.extend_from_slice(nal);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An access unit of the given NAL units (header byte, body length).
    fn access_unit(nals: &[(u8, usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, &(header, len)) in nals.iter().enumerate() {
            out.extend_from_slice(&START_CODE);
            out.push(header);
            out.extend((0..len).map(|k| ((k * 31 + i * 7) % 251 + 1) as u8));
        }
        out
    }

    fn depacketize_all(payloads: &[Bytes]) -> Result<Option<Vec<u8>>, DepacketizeError> {
        let mut d = Depacketizer::new();
        let mut result = None;
        for (i, p) in payloads.iter().enumerate() {
            result = d.push(p, i == payloads.len() - 1)?;
        }
        Ok(result)
    }

    #[test]
    fn nal_units_split_on_three_and_four_byte_start_codes() {
        let data = [0xFF, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 9, 0, 0, 1];
        let units: Vec<&[u8]> = nal_units(&data).collect();
        assert_eq!(units, vec![&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 9]]);
        assert_eq!(nal_units(&[1, 2, 3]).count(), 0);
        assert!(is_keyframe(&data));
        assert!(!is_keyframe(&access_unit(&[(0x41, 100)])));
        assert!(is_keyframe(&access_unit(&[(0x67, 10)])));
    }

    #[test]
    fn big_keyframe_round_trips_through_fu_a_and_stap_a() {
        // SPS, PPS, and a 50 kB IDR slice.
        let au = access_unit(&[(0x67, 14), (0x68, 3), (0x65, 50_000)]);
        let payloads = packetize(&au, 1200);
        assert!(payloads.iter().all(|p| p.len() <= 1200));
        assert_eq!(payloads[0][0] & 0x1F, NAL_STAP_A, "SPS and PPS share a STAP-A");
        assert!(payloads[1..].iter().all(|p| p[0] & 0x1F == NAL_FU_A && p[0] & 0x60 == 0x60));
        // Fragments are evenly sized.
        let sizes: Vec<usize> = payloads[1..].iter().map(|p| p.len()).collect();
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
        assert_eq!(depacketize_all(&payloads), Ok(Some(au)));
    }

    #[test]
    fn small_p_frame_is_a_single_nal_packet() {
        let au = access_unit(&[(0x41, 700)]);
        let payloads = packetize(&au, 1200);
        assert_eq!(payloads.len(), 1);
        assert_eq!(&payloads[0][..], &au[4..]);
        assert_eq!(depacketize_all(&payloads), Ok(Some(au)));
    }

    #[test]
    fn several_slices_and_exact_fits() {
        for mtu in [16, 100, 1199, 1200, 1201] {
            let au = access_unit(&[(0x67, 10), (0x68, 4), (0x65, 1199), (0x65, 1200), (0x65, 3), (0x06, 5)]);
            let payloads = packetize(&au, mtu);
            assert!(payloads.iter().all(|p| p.len() <= mtu.max(MIN_MTU)), "mtu {mtu}");
            assert_eq!(depacketize_all(&payloads), Ok(Some(au)), "mtu {mtu}");
        }
        assert!(packetize(&[], 1200).is_empty());
        assert!(packetize(&[0, 0, 1], 1200).is_empty());
    }

    #[test]
    fn missing_fragments_drop_the_unit() {
        let au = access_unit(&[(0x65, 5000)]);
        let payloads = packetize(&au, 1200);
        assert!(payloads.len() >= 4);

        // Missing first fragment.
        let mut d = Depacketizer::new();
        assert_eq!(d.push(&payloads[1], false), Err(DepacketizeError::FuWithoutStart));
        for p in &payloads[2..payloads.len() - 1] {
            assert_eq!(d.push(p, false), Ok(None));
        }
        assert_eq!(d.push(&payloads[payloads.len() - 1], true), Ok(None));
        assert_eq!(d.dropped_units(), 1);

        // Missing last fragment: the marker arrives on a middle one.
        let n = payloads.len();
        let mut d = Depacketizer::new();
        for p in &payloads[..n - 2] {
            assert_eq!(d.push(p, false), Ok(None));
        }
        assert_eq!(d.push(&payloads[n - 2], true), Err(DepacketizeError::FuIncomplete));
        // The next unit decodes normally.
        let small = packetize(&access_unit(&[(0x41, 50)]), 1200);
        assert!(matches!(d.push(&small[0], true), Ok(Some(_))));
        assert_eq!((d.completed_units(), d.dropped_units()), (1, 1));

        // A middle fragment lost: undetectable from payloads, so the caller marks the loss.
        let mut d = Depacketizer::new();
        d.push(&payloads[0], false).unwrap();
        d.mark_lost();
        for p in &payloads[2..n - 1] {
            assert_eq!(d.push(p, false), Ok(None));
        }
        assert_eq!(d.push(&payloads[n - 1], true), Ok(None));
        assert!(matches!(d.push(&small[0], true), Ok(Some(_))));
        assert_eq!(d.dropped_units(), 1);
    }

    #[test]
    fn shuffled_fragments_are_detected() {
        let au = access_unit(&[(0x65, 5000)]);
        let mut payloads = packetize(&au, 1200);
        payloads.swap(0, 1);
        assert_eq!(depacketize_all(&payloads), Err(DepacketizeError::FuWithoutStart));
        let mut payloads = packetize(&au, 1200);
        let last = payloads.len() - 1;
        payloads.swap(1, last);
        assert!(depacketize_all(&payloads).is_err());
        // Two starts in a row.
        let payloads = packetize(&au, 1200);
        let mut d = Depacketizer::new();
        d.push(&payloads[0], false).unwrap();
        assert_eq!(d.push(&payloads[0], false), Err(DepacketizeError::FuIncomplete));
        // A fragment of another NAL type.
        let mut d = Depacketizer::new();
        d.push(&payloads[0], false).unwrap();
        let mut other = payloads[1].to_vec();
        other[1] = (other[1] & 0xE0) | 1;
        assert_eq!(d.push(&other, false), Err(DepacketizeError::FuTypeMismatch));
    }

    #[test]
    fn malformed_payloads_are_errors() {
        let mut d = Depacketizer::new();
        assert_eq!(d.push(&[], true), Err(DepacketizeError::Empty));
        assert_eq!(d.push(&[0x78, 0, 5, 0x67], true), Err(DepacketizeError::MalformedStapA));
        assert_eq!(d.push(&[0x78, 0, 0], true), Err(DepacketizeError::MalformedStapA));
        assert_eq!(d.push(&[0x78, 0], true), Err(DepacketizeError::MalformedStapA));
        assert_eq!(d.push(&[0x7C], true), Err(DepacketizeError::TruncatedFuA));
        assert_eq!(d.push(&[0x79, 1, 2], true), Err(DepacketizeError::Unsupported(25)));
        assert_eq!(d.push(&[0x60], true), Err(DepacketizeError::Unsupported(0)));
        assert_eq!(d.push(&[0x78, 0, 1, 0x78], true), Err(DepacketizeError::Unsupported(24)));
        // After errors on marker packets, the next unit is fine.
        assert_eq!(d.push(&[0x41, 1, 2], true), Ok(Some(vec![0, 0, 0, 1, 0x41, 1, 2])));
    }

    #[test]
    fn an_error_mid_unit_is_reported_once() {
        let mut d = Depacketizer::new();
        assert_eq!(d.push(&[], false), Err(DepacketizeError::Empty));
        assert_eq!(d.push(&[0x41, 1], false), Ok(None));
        assert_eq!(d.push(&[0x41, 2], true), Ok(None));
        assert_eq!(d.push(&[0x41, 3], true), Ok(Some(vec![0, 0, 0, 1, 0x41, 3])));
        assert_eq!(d.dropped_units(), 1);
    }

    #[test]
    fn real_encoder_output_round_trips() {
        use crate::media::frame::VideoFrame;
        use crate::media::h264::{EncoderConfig, H264Encoder};
        use crate::media::pattern::draw_test_pattern;
        let mut enc = H264Encoder::new(EncoderConfig::default()).unwrap();
        for i in 0..5 {
            let mut f = VideoFrame::black(640, 360);
            draw_test_pattern(&mut f, i);
            let out = enc.encode(&f, false).unwrap();
            let payloads = packetize(&out.data, 1200);
            assert_eq!(depacketize_all(&payloads), Ok(Some(out.data.clone())), "frame {i}");
            assert_eq!(is_keyframe(&out.data), i == 0);
        }
    }

    proptest! {
        #[test]
        fn depacketizer_never_panics(
            packets in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..64), any::<bool>()), 0..40)
        ) {
            let mut d = Depacketizer::new();
            for (payload, marker) in &packets {
                if let Ok(Some(unit)) = d.push(payload, *marker) {
                    prop_assert!(unit.starts_with(&START_CODE));
                }
            }
        }

        #[test]
        fn packetize_round_trips_any_nal_units(
            nals in proptest::collection::vec((1u8..=23, 0usize..3000), 1..6),
            mtu in 16usize..1500,
        ) {
            let au = access_unit(&nals.iter().map(|&(t, len)| (0x60 | t, len)).collect::<Vec<_>>());
            let payloads = packetize(&au, mtu);
            prop_assert!(payloads.iter().all(|p| p.len() <= mtu));
            prop_assert_eq!(depacketize_all(&payloads), Ok(Some(au)));
        }
    }
}
