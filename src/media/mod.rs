//! Media building blocks shared by the engine and the SFU.
//!
//! Everything here is small and, where it can be, sans-IO: frame conversion and scaling ([`frame`]),
//! the test-pattern stamp that receivers read back after lossy coding ([`stamp`], DESIGN.md section 7),
//! codecs ([`h264`], [`opus_codec`]), RTP payload formats ([`h264_rtp`]), a sequence-number reorder
//! buffer ([`jitter`]) and tone analysis ([`goertzel`]). The only modules that own threads are the
//! devices: the virtual ones ([`virtual_camera`], [`tone`]), each of which runs one named thread paced
//! in real time by a [`pacer::Pacer`] and stops promptly when asked, and the real ones ([`devices`]:
//! cameras through nokhwa, microphones and speakers through cpal), paced by the hardware.
//!
//! Video frames are tightly packed I420 ([`frame::VideoFrame`]); audio is interleaved `i16` PCM at
//! 48 kHz in 20 ms frames.

pub mod devices;
pub mod frame;
pub mod goertzel;
pub mod h264;
pub mod h264_rtp;
pub mod jitter;
pub mod opus_codec;
pub mod pacer;
pub mod pattern;
pub mod stamp;
pub mod tone;
pub mod virtual_camera;

mod worker;

use std::time::{SystemTime, UNIX_EPOCH};

/// Audio sample rate used everywhere in the engine (Hz).
pub const AUDIO_SAMPLE_RATE: u32 = 48_000;

/// Duration of one audio frame in milliseconds.
pub const AUDIO_FRAME_MS: u32 = 20;

/// Samples per channel in one 20 ms frame at 48 kHz.
pub const AUDIO_FRAME_SAMPLES: usize = (AUDIO_SAMPLE_RATE / 1000 * AUDIO_FRAME_MS) as usize;

/// Errors from the video and audio codecs ([`h264`], [`opus_codec`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// openh264 reported an error (creating, configuring, encoding or decoding).
    #[error("openh264 {op} failed")]
    H264 {
        /// What was being done.
        op: &'static str,
        /// The error openh264 returned.
        #[source]
        source: openh264::Error,
    },
    /// libopus reported an error.
    #[error("opus {op} failed")]
    Opus {
        /// What was being done.
        op: &'static str,
        /// The error libopus returned.
        #[source]
        source: opus::Error,
    },
    /// The frame size cannot be encoded (zero, odd, or above the codec's limit).
    #[error("unsupported frame size {width}x{height}")]
    UnsupportedSize {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// The video frame's planes do not match its width and height.
    #[error("video frame planes do not match {width}x{height}")]
    MalformedFrame {
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
    },
    /// A PCM buffer had the wrong number of samples for one frame.
    #[error("PCM frame has {actual} samples, expected {expected}")]
    PcmLength {
        /// Samples (all channels) one frame needs.
        expected: usize,
        /// Samples given.
        actual: usize,
    },
    /// A configuration value is out of range.
    #[error("invalid codec configuration: {0}")]
    InvalidConfig(&'static str),
}

/// Milliseconds since the UNIX epoch from the system clock (0 if the clock is before 1970).
pub fn unix_time_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
