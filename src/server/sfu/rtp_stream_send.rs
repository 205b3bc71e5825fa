//! The outgoing identity of one consumer track: its own SSRC and payload
//! type, and sequence numbers and timestamps that stay continuous when the
//! consumer lags behind or its producer is replaced. No I/O.

use std::time::Instant;

use crate::rtc::{is_h264_keyframe_start, RtpPacket};

/// How the next forwarded packet is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resync {
    /// Keep the current offsets.
    None,
    /// Packets were skipped (lag): the next one continues the sequence
    /// numbers; timestamps keep their offset (same source clock).
    Continue,
    /// A new source: sequence numbers and timestamps both continue from the
    /// last packet sent, timestamps advanced by the time that passed.
    Switch,
}

/// Why [`RtpStreamSend::rewrite`] dropped a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dropped {
    /// Video waits for the start of a keyframe.
    AwaitingKeyFrame,
    /// The packet is older than the point the current mapping starts at
    /// (a late retransmission from before a resync).
    TooOld,
}

/// Rewrites packets of one kind for one consumer.
#[derive(Debug)]
pub(super) struct RtpStreamSend {
    // Passed in.
    ssrc: u32,
    payload_type: u8,
    clock_rate: u32,
    /// H.264 video: after a resync, forwarding waits for a keyframe.
    needs_key_frames: bool,
    // Owned.
    seq_offset: u16,
    ts_offset: u32,
    /// The input sequence number the current mapping starts at.
    base_in_seq: Option<u16>,
    /// The last packet sent: (sequence number, timestamp, when).
    last_out: Option<(u16, u32, Instant)>,
    resync: Resync,
    sync_required: bool,
}

/// `a` is before `b` in sequence-number order (RFC 3550 wrap-around).
fn seq_before(a: u16, b: u16) -> bool {
    (a.wrapping_sub(b) as i16) < 0
}

impl RtpStreamSend {
    /// A stream sending with this SSRC and payload type; `clock_rate` is the
    /// codec's RTP clock.
    pub fn new(ssrc: u32, payload_type: u8, clock_rate: u32, needs_key_frames: bool) -> Self {
        RtpStreamSend {
            ssrc,
            payload_type,
            clock_rate,
            needs_key_frames,
            seq_offset: 0,
            ts_offset: 0,
            base_in_seq: None,
            last_out: None,
            resync: Resync::Switch,
            sync_required: needs_key_frames,
        }
    }

    /// Whether video is waiting for a keyframe (the caller should ask for one).
    pub fn awaiting_key_frame(&self) -> bool {
        self.sync_required
    }

    /// The producer changed: continue from the last packet sent.
    pub fn source_switched(&mut self) {
        self.resync = Resync::Switch;
        self.sync_required = self.needs_key_frames;
    }

    /// Packets were lost before reaching this consumer (it lagged).
    pub fn lagged(&mut self) {
        if self.resync == Resync::None {
            self.resync = Resync::Continue;
        }
        self.sync_required = self.needs_key_frames;
    }

    /// The packet as this consumer sends it, or why it is dropped.
    pub fn rewrite(&mut self, mut packet: RtpPacket, now: Instant) -> Result<RtpPacket, Dropped> {
        let in_seq = packet.header.sequence_number;
        if self.sync_required {
            if !is_h264_keyframe_start(&packet.payload) {
                return Err(Dropped::AwaitingKeyFrame);
            }
            self.sync_required = false;
        }
        match std::mem::replace(&mut self.resync, Resync::None) {
            Resync::None => {
                if self.base_in_seq.is_some_and(|base| seq_before(in_seq, base)) {
                    return Err(Dropped::TooOld);
                }
            }
            Resync::Continue => self.map_from(in_seq, packet.header.timestamp, None),
            Resync::Switch => self.map_from(in_seq, packet.header.timestamp, Some(now)),
        }
        let out_seq = in_seq.wrapping_add(self.seq_offset);
        let out_ts = packet.header.timestamp.wrapping_add(self.ts_offset);
        packet.header.ssrc = self.ssrc;
        packet.header.payload_type = self.payload_type;
        packet.header.sequence_number = out_seq;
        packet.header.timestamp = out_ts;
        // Extension ids are negotiated per leg; foreign ids make webrtc drop the packet.
        packet.header.extension = false;
        packet.header.extensions.clear();
        let newer = self.last_out.is_none_or(|(seq, _, _)| !seq_before(out_seq, seq));
        if newer {
            self.last_out = Some((out_seq, out_ts, now));
        }
        Ok(packet)
    }

    /// Maps `in_seq` to the sequence number after the last one sent; with
    /// `switch_at`, also the timestamp to the last one plus the time passed.
    fn map_from(&mut self, in_seq: u16, in_ts: u32, switch_at: Option<Instant>) {
        self.base_in_seq = Some(in_seq);
        let Some((last_seq, last_ts, last_at)) = self.last_out else {
            return; // The first packet: the source's numbering as it is.
        };
        self.seq_offset = last_seq.wrapping_add(1).wrapping_sub(in_seq);
        if let Some(now) = switch_at {
            let elapsed = now.saturating_duration_since(last_at);
            let ticks = (elapsed.as_secs_f64() * f64::from(self.clock_rate)) as u64;
            let step = u32::try_from(ticks.max(1)).unwrap_or(u32::MAX);
            self.ts_offset = last_ts.wrapping_add(step).wrapping_sub(in_ts);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;

    fn packet(seq: u16, ts: u32, payload: &'static [u8]) -> RtpPacket {
        let mut p = RtpPacket::default();
        p.header.sequence_number = seq;
        p.header.timestamp = ts;
        p.header.ssrc = 0xabc;
        p.header.payload_type = 96;
        p.header.extension = true;
        p.payload = Bytes::from_static(payload);
        p
    }

    const DELTA: &[u8] = &[0x41, 0];
    const KEY: &[u8] = &[0x67, 0];

    #[test]
    fn audio_passes_with_our_ssrc_and_payload_type() {
        let now = Instant::now();
        let mut s = RtpStreamSend::new(7, 111, 48_000, false);
        let out = s.rewrite(packet(65535, 10, DELTA), now).unwrap();
        assert_eq!((out.header.ssrc, out.header.payload_type, out.header.sequence_number), (7, 111, 65535));
        assert!(!out.header.extension);
        assert_eq!(s.rewrite(packet(0, 970, DELTA), now).unwrap().header.sequence_number, 0);
        // A late packet within the mapping keeps its place.
        assert_eq!(s.rewrite(packet(65534, 0, DELTA), now).unwrap_err(), Dropped::TooOld);
    }

    #[test]
    fn video_waits_for_a_key_frame_and_lag_hides_the_gap() {
        let now = Instant::now();
        let mut s = RtpStreamSend::new(7, 125, 90_000, true);
        assert_eq!(s.rewrite(packet(100, 0, DELTA), now).unwrap_err(), Dropped::AwaitingKeyFrame);
        assert_eq!(s.rewrite(packet(101, 3000, KEY), now).unwrap().header.sequence_number, 101);
        assert_eq!(s.rewrite(packet(102, 3000, DELTA), now).unwrap().header.sequence_number, 102);
        s.lagged();
        assert!(s.awaiting_key_frame());
        assert!(s.rewrite(packet(150, 9000, DELTA), now).is_err());
        let out = s.rewrite(packet(160, 12000, KEY), now).unwrap();
        assert_eq!((out.header.sequence_number, out.header.timestamp), (103, 12000));
        assert_eq!(s.rewrite(packet(161, 12000, DELTA), now).unwrap().header.sequence_number, 104);
        assert_eq!(s.rewrite(packet(159, 9000, DELTA), now).unwrap_err(), Dropped::TooOld);
    }

    #[test]
    fn a_new_source_continues_numbers_and_time() {
        let now = Instant::now();
        let mut s = RtpStreamSend::new(7, 125, 90_000, true);
        s.rewrite(packet(500, 1_000, KEY), now).unwrap();
        s.source_switched();
        let later = now + Duration::from_millis(100);
        let out = s.rewrite(packet(9, 4_000_000_000, KEY), later).unwrap();
        assert_eq!(out.header.sequence_number, 501);
        assert_eq!(out.header.timestamp, 1_000 + 9_000);
        let out = s.rewrite(packet(10, 4_000_003_000, DELTA), later).unwrap();
        assert_eq!((out.header.sequence_number, out.header.timestamp), (502, 13_000));
    }
}
