//! The periodic quality task: every second it samples the pipelines'
//! counters and their connections' statistics; every 3 s it reports each
//! stream's quality and every 2 s the local network quality.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::MediaHub;
use crate::engine::event::Event;
use crate::engine::quality::{PlayQuality, PublishQuality, QualityLevel};
use crate::rtc::{self, PeerConnection};

/// Stream quality is reported this often (ZEGO: 3 s).
const STREAM_QUALITY_TICKS: u64 = 3;
/// Network quality is reported this often (ZEGO: 2 s).
const NETWORK_QUALITY_TICKS: u64 = 2;

/// Counter totals at the previous report, to turn them into rates.
#[derive(Default, Clone, Copy)]
struct Totals([u64; 6]);

impl Totals {
    /// Per-second rates of each counter since `prev` over `secs`.
    fn rates(&self, prev: &Totals, secs: f64) -> [f64; 6] {
        std::array::from_fn(|i| self.0[i].saturating_sub(prev.0[i]) as f64 / secs)
    }
}

/// Rtt (ms) and loss (0..1) of a connection, from webrtc's statistics.
async fn link(pc: &Arc<dyn PeerConnection>, lost_packets: u64, received_packets: u64) -> (f64, f64) {
    let stats = rtc::peer_stats(pc.as_ref()).await;
    let total = lost_packets + received_packets;
    let loss = if total == 0 { 0.0 } else { lost_packets as f64 / total as f64 };
    (stats.rtt_ms, loss)
}

/// Runs until the hub is gone.
pub async fn run(hub: Weak<MediaHub>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut previous: HashMap<String, Totals> = HashMap::new();
    let mut levels: (QualityLevel, QualityLevel) = (QualityLevel::Unknown, QualityLevel::Unknown);
    for n in 1u64.. {
        tick.tick().await;
        let Some(hub) = hub.upgrade() else { return };
        if n % STREAM_QUALITY_TICKS == 0 {
            levels = report_streams(&hub, &mut previous, STREAM_QUALITY_TICKS as f64).await;
        }
        if n % NETWORK_QUALITY_TICKS == 0 && hub.room.lock().is_some() {
            hub.events.send(Event::NetworkQuality {
                user_id: String::new(),
                upstream: levels.0 as i32,
                downstream: levels.1 as i32,
            });
        }
    }
}

/// Reports every stream; returns the worst upstream and downstream levels.
async fn report_streams(
    hub: &MediaHub,
    previous: &mut HashMap<String, Totals>,
    secs: f64,
) -> (QualityLevel, QualityLevel) {
    let mut up = QualityLevel::Unknown;
    let mut down = QualityLevel::Unknown;
    let publishes: Vec<_> = hub
        .publishing
        .lock()
        .iter()
        .filter_map(|(ch, slot)| {
            slot.session.as_ref().map(|s| (*ch, slot.stream_id.clone(), s.pc.clone(), s.counters.clone()))
        })
        .collect();
    for (channel, stream_id, pc, c) in publishes {
        let media = &hub.channels[channel as usize];
        let totals = Totals([
            media.captured_video.load(Ordering::Relaxed),
            c.video_frames.load(Ordering::Relaxed),
            c.video_bytes.load(Ordering::Relaxed),
            media.captured_audio.load(Ordering::Relaxed),
            c.audio_frames.load(Ordering::Relaxed),
            c.audio_bytes.load(Ordering::Relaxed),
        ]);
        let key = format!("publish {stream_id}");
        let r = totals.rates(&previous.get(&key).copied().unwrap_or_default(), secs);
        previous.insert(key, totals);
        let (rtt, loss) = link(&pc, 0, 0).await;
        let level = QualityLevel::grade(rtt, loss);
        up = up.worst(level);
        let quality = PublishQuality {
            video_capture_fps: r[0],
            video_encode_fps: r[1],
            video_send_fps: r[1],
            video_kbps: r[2] * 8.0 / 1000.0,
            audio_capture_fps: r[3],
            audio_send_fps: r[4],
            audio_kbps: r[5] * 8.0 / 1000.0,
            rtt_ms: rtt.round() as i32,
            packet_lost_rate: loss,
            level: level as i32,
            total_send_bytes: (totals.0[2] + totals.0[5]) as f64,
            audio_send_bytes: totals.0[5] as f64,
            video_send_bytes: totals.0[2] as f64,
        };
        hub.events.send(Event::PublisherQualityUpdate { stream_id, quality });
    }
    let plays: Vec<_> = hub
        .playing
        .lock()
        .iter()
        .filter_map(|(id, slot)| {
            let s = slot.session.as_ref()?;
            Some((id.clone(), s.pc.clone(), s.counters.clone(), slot.audio.clone(), slot.controls.clone()))
        })
        .collect();
    for (stream_id, pc, c, audio, controls) in plays {
        let totals = Totals([
            c.frames_decoded.load(Ordering::Relaxed),
            c.frames_rendered.load(Ordering::Relaxed),
            c.video_bytes.load(Ordering::Relaxed),
            c.audio_packets.load(Ordering::Relaxed),
            c.audio_bytes.load(Ordering::Relaxed),
            u64::from(audio.underruns.load(Ordering::Relaxed)),
        ]);
        let key = format!("play {stream_id}");
        let r = totals.rates(&previous.get(&key).copied().unwrap_or_default(), secs);
        previous.insert(key, totals);
        let received = c.video_packets.load(Ordering::Relaxed) + c.audio_packets.load(Ordering::Relaxed);
        let (rtt, loss) = link(&pc, c.packets_lost.load(Ordering::Relaxed), received).await;
        let level = QualityLevel::grade(rtt, loss);
        down = down.worst(level);
        let quality = PlayQuality {
            video_recv_fps: r[0],
            video_decode_fps: r[0],
            video_render_fps: r[1],
            video_kbps: r[2] * 8.0 / 1000.0,
            audio_recv_fps: r[3],
            audio_kbps: r[4] * 8.0 / 1000.0,
            audio_break_rate: r[5] * 10.0,
            rtt_ms: rtt.round() as i32,
            packet_lost_rate: loss,
            level: level as i32,
            total_recv_bytes: (totals.0[2] + totals.0[4]) as f64,
            audio_recv_bytes: totals.0[4] as f64,
            video_recv_bytes: totals.0[2] as f64,
            audio_cumulative_break_count: totals.0[5] as u32,
            mute_video: controls.mute_video.load(Ordering::Relaxed) as i32,
            mute_audio: audio.muted.load(Ordering::Relaxed) as i32,
        };
        hub.events.send(Event::PlayerQualityUpdate { stream_id, quality });
    }
    (up, down)
}
