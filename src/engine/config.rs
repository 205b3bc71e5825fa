//! Engine-wide and per-channel configuration values, validated on entry.

use std::time::Duration;

use crate::error_code as ec;

/// `ZegoVideoConfig` (defaults: ZEGO's 360P preset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoConfig {
    pub capture_width: i32,
    pub capture_height: i32,
    pub encode_width: i32,
    pub encode_height: i32,
    pub fps: i32,
    /// kbps.
    pub bitrate: i32,
    pub codec_id: i32,
    /// Seconds between keyframes.
    pub key_frame_interval: i32,
}

impl Default for VideoConfig {
    fn default() -> Self {
        Self {
            capture_width: 640,
            capture_height: 360,
            encode_width: 640,
            encode_height: 360,
            fps: 15,
            bitrate: 600,
            codec_id: 0,
            key_frame_interval: 2,
        }
    }
}

impl VideoConfig {
    /// Sizes even and within 16..=4096, fps 1..=60, bitrate 1..=20000 kbps,
    /// keyframe interval 1..=10 s, codec DEFAULT (H.264).
    pub fn validate(&self) -> Result<(), i32> {
        let size_ok = |v: i32| (16..=4096).contains(&v) && v % 2 == 0;
        let ok =
            [self.capture_width, self.capture_height, self.encode_width, self.encode_height].into_iter().all(size_ok)
                && (1..=60).contains(&self.fps)
                && (1..=20_000).contains(&self.bitrate)
                && (1..=10).contains(&self.key_frame_interval)
                && self.codec_id == 0;
        ok.then_some(()).ok_or(ec::ILLEGAL_PARAM)
    }
}

/// `ZegoAudioConfig` (defaults: ZEGO's standard quality preset, 48 kbps mono).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioConfig {
    /// kbps.
    pub bitrate: i32,
    /// 1 mono, 2 stereo.
    pub channel: i32,
    pub codec_id: i32,
}

impl Default for AudioConfig {
    fn default() -> Self {
        Self { bitrate: 48, channel: 1, codec_id: 0 }
    }
}

impl AudioConfig {
    /// Bitrate 6..=510 kbps (Opus' range), mono or stereo, codec 0..=6.
    pub fn validate(&self) -> Result<(), i32> {
        let ok =
            (6..=510).contains(&self.bitrate) && (1..=2).contains(&self.channel) && (0..=6).contains(&self.codec_id);
        ok.then_some(()).ok_or(ec::ILLEGAL_PARAM)
    }
}

/// ZEGO's `advancedConfig`: `key=value` pairs separated by `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvancedConfig {
    /// `room_retry_time` (seconds): how long a room keeps reconnecting.
    pub room_retry_time: Duration,
}

impl Default for AdvancedConfig {
    fn default() -> Self {
        Self { room_retry_time: crate::room::DEFAULT_RETRY_WINDOW }
    }
}

impl AdvancedConfig {
    /// Parses `key=value;key=value`. Unknown keys are ignored with a log line,
    /// as ZEGO does; a known key with a bad value is an error.
    pub fn parse(text: &str) -> Result<Self, i32> {
        let mut config = Self::default();
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or(ec::ILLEGAL_PARAM)?;
            match key.trim() {
                "room_retry_time" => {
                    let secs: u64 = value.trim().parse().map_err(|_| ec::ILLEGAL_PARAM)?;
                    config.room_retry_time = Duration::from_secs(secs.max(1));
                }
                other => tracing::info!(key = other, "unknown advanced config key ignored"),
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advanced_config_parses_retry_time() {
        let c = AdvancedConfig::parse("room_retry_time=12; other=x").unwrap();
        assert_eq!(c.room_retry_time, Duration::from_secs(12));
        assert_eq!(AdvancedConfig::parse("room_retry_time=x"), Err(ec::ILLEGAL_PARAM));
        assert_eq!(VideoConfig::default().validate(), Ok(()));
        assert_eq!(VideoConfig { encode_width: 641, ..Default::default() }.validate(), Err(ec::ILLEGAL_PARAM));
    }
}
