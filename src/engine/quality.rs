//! Stream quality as ZEGO reports it: per published and played stream every
//! 3 s, and the local network quality every 2 s, computed from the
//! pipelines' counters and the WebRTC connection's statistics.

/// `ZegoStreamQualityLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum QualityLevel {
    Excellent = 0,
    Good = 1,
    Medium = 2,
    Bad = 3,
    Die = 4,
    Unknown = 5,
}

impl QualityLevel {
    /// Grades a connection by round-trip time (ms) and packet loss (0..1).
    pub fn grade(rtt_ms: f64, loss: f64) -> Self {
        const GRADES: [(f64, f64, QualityLevel); 4] = [
            (50.0, 0.01, QualityLevel::Excellent),
            (100.0, 0.03, QualityLevel::Good),
            (200.0, 0.05, QualityLevel::Medium),
            (400.0, 0.10, QualityLevel::Bad),
        ];
        GRADES.iter().find(|(rtt, l, _)| rtt_ms < *rtt && loss < *l).map_or(QualityLevel::Die, |g| g.2)
    }

    /// The worse of two levels, `Unknown` counting as unmeasured.
    pub fn worst(self, other: Self) -> Self {
        match (self, other) {
            (QualityLevel::Unknown, x) | (x, QualityLevel::Unknown) => x,
            (a, b) => {
                if (a as i32) >= (b as i32) {
                    a
                } else {
                    b
                }
            }
        }
    }
}

/// What ZEGO's `ZegoPublishStreamQuality` holds that this engine measures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PublishQuality {
    pub video_capture_fps: f64,
    pub video_encode_fps: f64,
    pub video_send_fps: f64,
    pub video_kbps: f64,
    pub audio_capture_fps: f64,
    pub audio_send_fps: f64,
    pub audio_kbps: f64,
    pub rtt_ms: i32,
    pub packet_lost_rate: f64,
    pub level: i32,
    pub total_send_bytes: f64,
    pub audio_send_bytes: f64,
    pub video_send_bytes: f64,
}

/// What ZEGO's `ZegoPlayStreamQuality` holds that this engine measures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlayQuality {
    pub video_recv_fps: f64,
    pub video_decode_fps: f64,
    pub video_render_fps: f64,
    pub video_kbps: f64,
    pub audio_recv_fps: f64,
    pub audio_kbps: f64,
    pub audio_break_rate: f64,
    pub rtt_ms: i32,
    pub packet_lost_rate: f64,
    pub level: i32,
    pub total_recv_bytes: f64,
    pub audio_recv_bytes: f64,
    pub video_recv_bytes: f64,
    pub audio_cumulative_break_count: u32,
    pub mute_video: i32,
    pub mute_audio: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_rtt_and_loss() {
        assert_eq!(QualityLevel::grade(1.0, 0.0), QualityLevel::Excellent);
        assert_eq!(QualityLevel::grade(80.0, 0.0), QualityLevel::Good);
        assert_eq!(QualityLevel::grade(1.0, 0.04), QualityLevel::Medium);
        assert_eq!(QualityLevel::grade(1000.0, 0.0), QualityLevel::Die);
        assert_eq!(QualityLevel::Unknown.worst(QualityLevel::Good), QualityLevel::Good);
        assert_eq!(QualityLevel::Bad.worst(QualityLevel::Good), QualityLevel::Bad);
    }
}
