//! H.264 encoding and decoding with openh264 (built from source, SIMD via nasm on x86).
//!
//! The encoder produces constrained baseline (profile_idc 66 with constraint_set0 and
//! constraint_set1, level 3.1 or higher as the size needs), which every browser decodes; offer it in
//! SDP as `profile-level-id=42e01f;packetization-mode=1`. Output is Annex-B, one access unit per
//! frame, SPS and PPS in front of every IDR. Colour is BT.601 limited range, signalled in the VUI.

use crate::media::frame::{i420_planes_from_strided, VideoFrame};
use crate::media::CodecError;
use openh264::decoder::Decoder;
use openh264::encoder::{
    BitRate, Encoder, FrameRate, FrameType, IntraFramePeriod, Level, Profile, RateControlMode, UsageType, VuiConfig,
};
use openh264::formats::YUVSource;
use openh264::{OpenH264API, Timestamp};
use std::os::raw::{c_int, c_void};

/// Largest frame side openh264 encodes, in pixels (3840x2160 either way round).
pub const MAX_LONG_SIDE: u32 = 3840;
/// Largest short frame side openh264 encodes, in pixels.
pub const MAX_SHORT_SIDE: u32 = 2160;
/// Highest frame rate the encoder accepts.
pub const MAX_FPS: u32 = 120;
/// Bitrate range the encoder accepts, in kbps.
pub const BITRATE_RANGE_KBPS: std::ops::RangeInclusive<u32> = 10..=100_000;

/// Encoder settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderConfig {
    /// Width in pixels (even).
    pub width: u32,
    /// Height in pixels (even).
    pub height: u32,
    /// Frames per second (1..=[`MAX_FPS`]); the rate controller budgets bits per frame with it.
    pub fps: u32,
    /// Target bitrate in kbps (within [`BITRATE_RANGE_KBPS`]).
    pub bitrate_kbps: u32,
    /// Seconds between periodic keyframes; 0 = only the first frame and forced ones.
    pub keyframe_interval_s: u32,
}

impl Default for EncoderConfig {
    /// ZEGO's default video config: 640x360, 15 fps, 600 kbps, a keyframe every 2 s.
    fn default() -> Self {
        Self { width: 640, height: 360, fps: 15, bitrate_kbps: 600, keyframe_interval_s: 2 }
    }
}

impl EncoderConfig {
    /// Checks the values the encoder relies on.
    fn validate(&self) -> Result<(), CodecError> {
        check_size(self.width, self.height)?;
        if !(1..=MAX_FPS).contains(&self.fps) {
            return Err(CodecError::InvalidConfig("fps out of range"));
        }
        if !BITRATE_RANGE_KBPS.contains(&self.bitrate_kbps) {
            return Err(CodecError::InvalidConfig("bitrate out of range"));
        }
        if self.keyframe_interval_s > 3600 {
            return Err(CodecError::InvalidConfig("keyframe interval above one hour"));
        }
        Ok(())
    }
}

/// Errors unless the size is non-zero, even and within openh264's limits.
fn check_size(width: u32, height: u32) -> Result<(), CodecError> {
    let (long, short) = (width.max(height), width.min(height));
    let odd = (width | height) & 1 == 1;
    if short == 0 || odd || long > MAX_LONG_SIDE || short > MAX_SHORT_SIDE {
        return Err(CodecError::UnsupportedSize { width, height });
    }
    Ok(())
}

/// One encoded frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncodedFrame {
    /// The access unit in Annex-B form (start-code-prefixed NAL units); empty when the rate
    /// controller skipped the frame.
    pub data: Vec<u8>,
    /// Whether this is an IDR frame (decodable without earlier frames; SPS and PPS included).
    pub keyframe: bool,
}

/// openh264's `ENCODER_OPTION_BITRATE` (codec_app_def.h; the openh264 crate does not re-export the
/// sys constants, so the values pinned by openh264-sys2 0.9 are repeated here).
const ENCODER_OPTION_BITRATE: c_int = 5;
/// openh264's `ENCODER_OPTION_MAX_BITRATE`.
const ENCODER_OPTION_MAX_BITRATE: c_int = 6;
/// openh264's `SPATIAL_LAYER_0`.
const SPATIAL_LAYER_0: c_int = 0;
/// openh264's `SPATIAL_LAYER_ALL`.
const SPATIAL_LAYER_ALL: c_int = 4;

/// openh264's `SBitrateInfo`.
#[repr(C)]
struct BitrateInfo {
    layer: c_int,
    bitrate: c_int,
}

/// A [`VideoFrame`] seen as openh264 input.
struct I420Source<'a>(&'a VideoFrame);

impl YUVSource for I420Source<'_> {
    fn dimensions(&self) -> (usize, usize) {
        (self.0.width as usize, self.0.height as usize)
    }

    fn strides(&self) -> (usize, usize, usize) {
        (self.0.stride_y(), self.0.stride_uv(), self.0.stride_uv())
    }

    fn y(&self) -> &[u8] {
        &self.0.y
    }

    fn u(&self) -> &[u8] {
        &self.0.u
    }

    fn v(&self) -> &[u8] {
        &self.0.v
    }
}

/// Wraps an openh264 error.
fn h264_err(op: &'static str) -> impl FnOnce(openh264::Error) -> CodecError {
    move |source| CodecError::H264 { op, source }
}

/// An H.264 encoder for one stream. Not thread-safe by itself (`&mut self`), but `Send`.
pub struct H264Encoder {
    config: EncoderConfig,
    encoder: Encoder,
    /// Frames submitted to the current openh264 encoder.
    frames: u64,
}

impl std::fmt::Debug for H264Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H264Encoder").field("config", &self.config).field("frames", &self.frames).finish()
    }
}

impl H264Encoder {
    /// Creates an encoder; errors on an invalid config (odd or zero size, fps, bitrate).
    pub fn new(config: EncoderConfig) -> Result<Self, CodecError> {
        config.validate()?;
        Ok(Self { config, encoder: Self::build(&config)?, frames: 0 })
    }

    fn build(config: &EncoderConfig) -> Result<Encoder, CodecError> {
        let settings = openh264::encoder::EncoderConfig::new()
            .bitrate(BitRate::from_bps(config.bitrate_kbps * 1000))
            .max_frame_rate(FrameRate::from_hz(config.fps as f32))
            .rate_control_mode(RateControlMode::Bitrate)
            .skip_frames(true)
            .usage_type(UsageType::CameraVideoRealTime)
            .profile(Profile::Baseline)
            .level(Level::Level_3_1)
            .intra_frame_period(IntraFramePeriod::from_num_frames(config.fps * config.keyframe_interval_s))
            .num_threads(1)
            .vui(VuiConfig::bt601());
        Encoder::with_api_config(OpenH264API::from_source(), settings).map_err(h264_err("create encoder"))
    }

    /// The current configuration (width and height follow the last encoded frame).
    pub fn config(&self) -> &EncoderConfig {
        &self.config
    }

    /// Encodes one frame; `force_keyframe` makes it an IDR.
    ///
    /// A frame of a different size than configured replaces the encoder (the frame becomes an IDR).
    /// Errors on a malformed frame or an unsupported size; an empty `data` means the rate
    /// controller skipped the frame.
    pub fn encode(&mut self, frame: &VideoFrame, force_keyframe: bool) -> Result<EncodedFrame, CodecError> {
        if !frame.is_well_formed() {
            return Err(CodecError::MalformedFrame { width: frame.width, height: frame.height });
        }
        if (frame.width, frame.height) != (self.config.width, self.config.height) {
            check_size(frame.width, frame.height)?;
            let config = EncoderConfig { width: frame.width, height: frame.height, ..self.config };
            self.encoder = Self::build(&config)?;
            self.config = config;
            self.frames = 0;
            tracing::debug!(target: "media", width = frame.width, height = frame.height, "H.264 encoder resized");
        }
        // Before the first frame the encoder is not initialized yet, and the first frame is an IDR.
        if force_keyframe && self.frames > 0 {
            self.encoder.force_intra_frame();
        }
        let timestamp = Timestamp::from_millis(self.frames * 1000 / u64::from(self.config.fps));
        self.frames += 1;
        let stream = self.encoder.encode_at(&I420Source(frame), timestamp).map_err(h264_err("encode"))?;
        Ok(match stream.frame_type() {
            FrameType::Skip | FrameType::Invalid => EncodedFrame::default(),
            kind => EncodedFrame { data: stream.to_vec(), keyframe: kind == FrameType::IDR },
        })
    }

    /// Changes the target bitrate from the next frame on, without a keyframe.
    pub fn set_bitrate(&mut self, kbps: u32) -> Result<(), CodecError> {
        if !BITRATE_RANGE_KBPS.contains(&kbps) {
            return Err(CodecError::InvalidConfig("bitrate out of range"));
        }
        let old = self.config.bitrate_kbps;
        self.config.bitrate_kbps = kbps;
        if self.frames == 0 {
            // openh264 initializes on the first frame; until then rebuilding is free.
            self.encoder = Self::build(&self.config)?;
            return Ok(());
        }
        let bps = kbps as c_int * 1000;
        // The layer's maximum must never be below its target, so raise the maximum first when
        // going up and lower it last when going down.
        let steps: [(c_int, c_int); 2] = if kbps >= old {
            [(ENCODER_OPTION_MAX_BITRATE, SPATIAL_LAYER_0), (ENCODER_OPTION_BITRATE, SPATIAL_LAYER_ALL)]
        } else {
            [(ENCODER_OPTION_BITRATE, SPATIAL_LAYER_ALL), (ENCODER_OPTION_MAX_BITRATE, SPATIAL_LAYER_0)]
        };
        for (option, layer) in steps {
            let mut info = BitrateInfo { layer, bitrate: bps };
            // SAFETY: the encoder is initialized (a frame was encoded), both options take a pointer
            // to an SBitrateInfo, which `BitrateInfo` mirrors, and openh264 only reads it during
            // the call.
            let rc = unsafe { self.encoder.raw_api().set_option(option, (&raw mut info).cast::<c_void>()) };
            if rc != 0 {
                self.config.bitrate_kbps = old;
                return Err(CodecError::InvalidConfig("openh264 rejected the bitrate"));
            }
        }
        Ok(())
    }
}

/// An H.264 decoder for one stream. `Send`; use from one thread at a time.
pub struct H264Decoder {
    decoder: Decoder,
}

impl std::fmt::Debug for H264Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H264Decoder").finish_non_exhaustive()
    }
}

impl H264Decoder {
    /// Creates a decoder (error concealment off: a broken reference gives an error, not a smeared
    /// picture; ask for a keyframe then).
    pub fn new() -> Result<Self, CodecError> {
        Ok(Self { decoder: Decoder::new().map_err(h264_err("create decoder"))? })
    }

    /// Decodes one Annex-B access unit; `None` when it held no picture (e.g. only SPS and PPS).
    ///
    /// Errors on corrupt data or a missing reference (after loss): the caller should request a
    /// keyframe and keep feeding; the decoder recovers at the next IDR.
    pub fn decode(&mut self, annexb: &[u8]) -> Result<Option<VideoFrame>, CodecError> {
        if annexb.is_empty() {
            return Ok(None);
        }
        let Some(yuv) = self.decoder.decode(annexb).map_err(h264_err("decode"))? else { return Ok(None) };
        let (w, h) = yuv.dimensions();
        let (sy, su, sv) = yuv.strides();
        let (Ok(width), Ok(height)) = (u32::try_from(w), u32::try_from(h)) else { return Ok(None) };
        Ok(Some(i420_planes_from_strided(yuv.y(), sy, yuv.u(), su, yuv.v(), sv, width, height)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::pattern::draw_test_pattern;
    use crate::media::stamp::{draw_stamp, read_frame_stamp, Stamp};
    use std::time::Instant;

    fn stamped(width: u32, height: u32, index: u64) -> VideoFrame {
        let mut f = VideoFrame::black(width, height);
        draw_test_pattern(&mut f, index);
        draw_stamp(&mut f, index as u32, 1_700_000_000u32.wrapping_add(index as u32 * 33));
        f
    }

    /// Splits Annex-B into NAL units (test helper; the real one lives in h264_rtp).
    fn nal_types(annexb: &[u8]) -> Vec<u8> {
        crate::media::h264_rtp::nal_units(annexb).map(|n| n[0] & 0x1F).collect()
    }

    fn round_trip_keeps_stamps(width: u32, height: u32, bitrate_kbps: u32) {
        let config = EncoderConfig { width, height, fps: 15, bitrate_kbps, keyframe_interval_s: 2 };
        let mut enc = H264Encoder::new(config).unwrap();
        let mut dec = H264Decoder::new().unwrap();
        let mut decoded = 0;
        for i in 0..20u64 {
            let input = stamped(width, height, i);
            let out = enc.encode(&input, false).unwrap();
            assert_eq!(out.keyframe, i == 0, "frame {i}");
            if out.data.is_empty() {
                continue;
            }
            let frame = dec.decode(&out.data).unwrap().expect("a picture per access unit");
            assert_eq!((frame.width, frame.height), (width, height));
            assert!(frame.is_well_formed());
            let want = Stamp { index: i as u32, capture_time_ms: 1_700_000_000u32.wrapping_add(i as u32 * 33) };
            assert_eq!(read_frame_stamp(&frame), Some(want), "{width}x{height} frame {i}");
            decoded += 1;
        }
        assert!(decoded >= 15, "only {decoded} of 20 frames were coded");
    }

    #[test]
    fn stamp_survives_encode_decode_at_360p() {
        round_trip_keeps_stamps(640, 360, 600);
    }

    #[test]
    fn stamp_survives_encode_decode_at_720p() {
        round_trip_keeps_stamps(1280, 720, 1200);
    }

    #[test]
    fn keyframes_carry_constrained_baseline_parameter_sets() {
        let mut enc = H264Encoder::new(EncoderConfig::default()).unwrap();
        let first = enc.encode(&stamped(640, 360, 0), false).unwrap();
        assert!(first.keyframe);
        assert!(first.data.starts_with(&[0, 0, 0, 1]));
        let types = nal_types(&first.data);
        assert!(types.contains(&7) && types.contains(&8) && types.contains(&5), "{types:?}");
        let sps = crate::media::h264_rtp::nal_units(&first.data).find(|n| n[0] & 0x1F == 7).unwrap();
        assert_eq!(sps[1], 66, "profile_idc baseline");
        assert_eq!(sps[2] & 0xC0, 0xC0, "constraint_set0 and constraint_set1 (constrained baseline)");
        assert!(sps[3] >= 31, "level {}", sps[3]);
        let second = enc.encode(&stamped(640, 360, 1), false).unwrap();
        assert!(!second.keyframe);
        assert!(!nal_types(&second.data).contains(&5));
    }

    #[test]
    fn forced_and_periodic_keyframes() {
        let config = EncoderConfig { width: 320, height: 240, fps: 10, bitrate_kbps: 300, keyframe_interval_s: 1 };
        let mut enc = H264Encoder::new(config).unwrap();
        let mut keys = Vec::new();
        for i in 0..25u64 {
            let out = enc.encode(&stamped(320, 240, i), i == 5).unwrap();
            if out.keyframe {
                keys.push(i);
                assert!(crate::media::h264_rtp::is_keyframe(&out.data));
            }
        }
        assert!(keys.starts_with(&[0, 5]), "{keys:?}");
        // A periodic keyframe within each further second.
        assert!(keys.iter().filter(|&&k| k > 5).count() >= 1, "{keys:?}");
    }

    #[test]
    fn size_change_replaces_the_encoder() {
        let mut enc = H264Encoder::new(EncoderConfig { width: 320, height: 240, ..EncoderConfig::default() }).unwrap();
        let mut dec = H264Decoder::new().unwrap();
        for i in 0..3 {
            let out = enc.encode(&stamped(320, 240, i), false).unwrap();
            dec.decode(&out.data).unwrap();
        }
        let out = enc.encode(&stamped(640, 360, 3), false).unwrap();
        assert!(out.keyframe);
        assert_eq!((enc.config().width, enc.config().height), (640, 360));
        let frame = dec.decode(&out.data).unwrap().unwrap();
        assert_eq!((frame.width, frame.height), (640, 360));
        assert_eq!(read_frame_stamp(&frame).map(|s| s.index), Some(3));
    }

    #[test]
    fn bad_sizes_and_configs_are_errors() {
        for (w, h) in [(641, 360), (640, 361), (0, 360), (4096, 2160)] {
            let config = EncoderConfig { width: w, height: h, ..EncoderConfig::default() };
            assert!(matches!(H264Encoder::new(config), Err(CodecError::UnsupportedSize { .. })), "{w}x{h}");
        }
        for config in [
            EncoderConfig { fps: 0, ..EncoderConfig::default() },
            EncoderConfig { bitrate_kbps: 0, ..EncoderConfig::default() },
        ] {
            assert!(matches!(H264Encoder::new(config), Err(CodecError::InvalidConfig(_))));
        }
        let mut enc = H264Encoder::new(EncoderConfig::default()).unwrap();
        assert!(matches!(enc.encode(&VideoFrame::black(33, 20), false), Err(CodecError::UnsupportedSize { .. })));
        let broken = VideoFrame { width: 640, height: 360, y: vec![0; 10], u: vec![], v: vec![] };
        assert!(matches!(enc.encode(&broken, false), Err(CodecError::MalformedFrame { .. })));
        assert!(enc.set_bitrate(0).is_err());
        // Still usable.
        assert!(enc.encode(&stamped(640, 360, 0), false).unwrap().keyframe);
    }

    #[test]
    fn set_bitrate_changes_the_output_rate() {
        let config = EncoderConfig { width: 640, height: 360, fps: 15, bitrate_kbps: 2000, keyframe_interval_s: 0 };
        let mut enc = H264Encoder::new(config).unwrap();
        // Noise, so the content needs more than either budget and the rate controller decides.
        let bytes = |enc: &mut H264Encoder, from: u64| -> usize {
            (from..from + 30).map(|i| enc.encode(&noisy(640, 360, i, 255), false).unwrap().data.len()).sum()
        };
        bytes(&mut enc, 0);
        let high = bytes(&mut enc, 30);
        enc.set_bitrate(200).unwrap();
        bytes(&mut enc, 60); // let the rate controller settle
        let low = bytes(&mut enc, 90);
        assert!(low * 2 < high, "high {high} bytes, low {low} bytes");
        enc.set_bitrate(2500).unwrap();
        assert!(!enc.encode(&stamped(640, 360, 120), false).unwrap().keyframe);
        // Before the first frame a bitrate change just rebuilds.
        let mut fresh = H264Encoder::new(config).unwrap();
        fresh.set_bitrate(100).unwrap();
        assert_eq!(fresh.config().bitrate_kbps, 100);
    }

    #[test]
    fn decoder_rejects_garbage_without_panicking() {
        let mut dec = H264Decoder::new().unwrap();
        assert_eq!(dec.decode(&[]).unwrap(), None);
        for junk in [&[0u8, 0, 0, 1, 0x65, 0xFF, 0x00, 0x12][..], &[1, 2, 3], &[0, 0, 1, 0x67]] {
            let _ = dec.decode(junk);
        }
        // A P frame without its parameter sets and reference.
        let mut enc = H264Encoder::new(EncoderConfig::default()).unwrap();
        enc.encode(&stamped(640, 360, 0), false).unwrap();
        let p = enc.encode(&stamped(640, 360, 1), false).unwrap();
        let mut fresh = H264Decoder::new().unwrap();
        assert!(!matches!(fresh.decode(&p.data), Ok(Some(_))));
        // And it recovers at the next keyframe.
        let idr = enc.encode(&stamped(640, 360, 2), true).unwrap();
        let frame = fresh.decode(&idr.data).unwrap().unwrap();
        assert_eq!(read_frame_stamp(&frame).map(|s| s.index), Some(2));
    }

    /// A stamped pattern frame with noise of `amplitude` over everything below the stamp: 16 looks
    /// like camera grain (harder than the plain pattern), 255 is incompressible.
    fn noisy(width: u32, height: u32, index: u64, amplitude: u8) -> VideoFrame {
        let mut f = stamped(width, height, index);
        let mut state = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for p in f.y.iter_mut().skip(16 * width as usize) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *p = p.saturating_sub(amplitude / 2).saturating_add((state >> 56) as u8 % amplitude.max(1));
        }
        f
    }

    /// Prints encode and decode time per frame as JSON lines, for the plain pattern and with grain.
    /// Run with `cargo test --lib media::h264::tests::codec_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn codec_speed() {
        for (w, h, kbps) in [(640u32, 360u32, 600u32), (1280, 720, 1200)] {
            for content in ["pattern", "grain"] {
                let frames: Vec<VideoFrame> =
                    (0..60).map(|i| if content == "pattern" { stamped(w, h, i) } else { noisy(w, h, i, 16) }).collect();
                let config = EncoderConfig { width: w, height: h, fps: 15, bitrate_kbps: kbps, keyframe_interval_s: 2 };
                let mut enc = H264Encoder::new(config).unwrap();
                let mut dec = H264Decoder::new().unwrap();
                let mut coded = Vec::new();
                let start = Instant::now();
                for f in &frames {
                    coded.push(enc.encode(f, false).unwrap());
                }
                let enc_ms = start.elapsed().as_secs_f64() * 1000.0 / frames.len() as f64;
                let start = Instant::now();
                for c in &coded {
                    dec.decode(&c.data).unwrap();
                }
                let dec_ms = start.elapsed().as_secs_f64() * 1000.0 / coded.len() as f64;
                let bytes: usize = coded.iter().map(|c| c.data.len()).sum();
                println!(
                    "{{\"bench\":\"h264\",\"size\":\"{w}x{h}\",\"content\":\"{content}\",\"bitrate_kbps\":{kbps},\"encode_ms_per_frame\":{enc_ms:.2},\"decode_ms_per_frame\":{dec_ms:.2},\"bytes_per_frame\":{},\"coded_frames\":{}}}",
                    bytes / coded.len(),
                    coded.iter().filter(|c| !c.data.is_empty()).count()
                );
            }
        }
    }
}
