//! A small summary of `PeerConnection::get_stats`, with the quirks of
//! webrtc 0.21.1 handled in one place.

use std::time::Instant;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use webrtc::peer_connection::{PeerConnection, RTCStatsReportEntry, StatsSelector};

/// Transport and RTP totals of one PeerConnection.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeerStats {
    /// Round-trip time of the selected ICE candidate pair (STUN), in ms.
    /// webrtc 0.21.1 fills no RTT from RTCP reports.
    pub rtt_ms: f64,
    /// RTP packets sent on every outbound stream.
    pub packets_sent: u64,
    /// RTP payload and header bytes sent on every outbound stream.
    pub bytes_sent: u64,
    /// RTP packets received on every inbound stream.
    pub packets_received: u64,
    /// Bytes received on every inbound stream.
    pub bytes_received: u64,
    /// Inbound packets lost (from our own receiver reports), all streams.
    pub packets_lost: i64,
    /// Largest interarrival jitter of the inbound streams, in ms.
    pub jitter_ms: f64,
    /// NACKs we sent for inbound streams.
    pub nacks_sent: u32,
    /// PLIs we sent for inbound streams.
    pub plis_sent: u32,
    /// NACKs received for outbound streams. Always 0 with webrtc 0.21.1,
    /// which does not count received RTCP.
    pub nacks_received: u32,
    /// PLIs received for outbound streams. Always 0 with webrtc 0.21.1; count
    /// `TrackLocalEvent::OnRtcpPacket` instead.
    pub plis_received: u32,
}

/// Clock rate of the codecs of this kind (Opus 48 kHz, H.264 90 kHz).
fn clock_rate(kind: RtpCodecKind) -> f64 {
    match kind {
        RtpCodecKind::Audio => 48_000.0,
        _ => 90_000.0,
    }
}

/// Sums up `pc.get_stats()`.
pub async fn peer_stats(pc: &dyn PeerConnection) -> PeerStats {
    let report = pc.get_stats(Instant::now(), StatsSelector::None).await;
    let mut stats = PeerStats::default();
    for entry in report.iter() {
        match entry {
            RTCStatsReportEntry::InboundRtp(s) => {
                let received = &s.received_rtp_stream_stats;
                stats.packets_received += received.packets_received;
                stats.bytes_received += s.bytes_received;
                stats.packets_lost += received.packets_lost;
                // 0.21.1 reports jitter in RTP timestamp units, not seconds.
                let jitter_ms = received.jitter * 1000.0 / clock_rate(received.rtp_stream_stats.kind);
                stats.jitter_ms = stats.jitter_ms.max(jitter_ms);
                stats.nacks_sent += s.nack_count;
                stats.plis_sent += s.pli_count;
            }
            RTCStatsReportEntry::OutboundRtp(s) => {
                stats.packets_sent += s.sent_rtp_stream_stats.packets_sent;
                stats.bytes_sent += s.sent_rtp_stream_stats.bytes_sent;
                stats.nacks_received += s.nack_count;
                stats.plis_received += s.pli_count;
            }
            RTCStatsReportEntry::IceCandidatePair(s) if s.nominated => {
                stats.rtt_ms = s.current_round_trip_time * 1000.0;
            }
            _ => {}
        }
    }
    stats
}
