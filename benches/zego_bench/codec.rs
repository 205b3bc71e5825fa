//! Encoder and decoder time per frame (openh264 as the engine uses it), on
//! the virtual camera's stamped test pattern, one thread: back to back (warm
//! caches, throughput) and paced at 30 fps (encode then decode once per 33 ms,
//! as in a call), plus the cost of drawing the pattern and copying a frame.

use std::time::Instant;

use serde_json::json;
use zego_express::media::frame::VideoFrame;
use zego_express::media::h264::{EncoderConfig, H264Decoder, H264Encoder};
use zego_express::media::pattern::draw_test_pattern;
use zego_express::media::stamp::draw_stamp;

use crate::note;
use crate::util::{dist, emit, r2, Args};

pub fn run(args: &Args) {
    let frames: usize = args.num("frames", 300);
    for (w, h, kbps) in [(640u32, 360u32, 600u32), (1280, 720, 1500)] {
        let fps = 30;
        note!("codec {w}x{h} {kbps} kbps, {frames} frames");
        // The pattern moves; a 2 s loop keeps memory bounded while every frame differs.
        let source: Vec<VideoFrame> = (0..60u64)
            .map(|i| {
                let mut f = VideoFrame::black(w, h);
                draw_test_pattern(&mut f, i);
                draw_stamp(&mut f, i as u32, 1_700_000_000u32.wrapping_add(i as u32 * 33));
                f
            })
            .collect();
        let mut draw = Vec::new();
        for i in 0..30u64 {
            let t = Instant::now();
            let mut f = VideoFrame::black(w, h);
            draw_test_pattern(&mut f, i);
            draw_stamp(&mut f, i as u32, 0);
            draw.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(f);
        }
        let config = EncoderConfig { width: w, height: h, fps, bitrate_kbps: kbps, keyframe_interval_s: 2 };
        let mut enc = H264Encoder::new(config).expect("encoder");
        let mut encoded = Vec::with_capacity(frames);
        let mut enc_ms = Vec::with_capacity(frames);
        let mut key_ms = Vec::new();
        let mut bytes = 0usize;
        for i in 0..frames {
            let t = Instant::now();
            let out = enc.encode(&source[i % source.len()], false).expect("encode");
            let d = t.elapsed().as_secs_f64() * 1000.0;
            if out.keyframe {
                key_ms.push(d);
            } else {
                enc_ms.push(d);
            }
            bytes += out.data.len();
            encoded.push(out.data);
        }
        let mut dec = H264Decoder::new().expect("decoder");
        let mut dec_ms = Vec::with_capacity(frames);
        for unit in &encoded {
            let t = Instant::now();
            let out = dec.decode(unit).expect("decode");
            dec_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(out);
        }
        // As the engine runs them: one frame every 33 ms, encode then decode, caches cold
        // from whatever ran in between (here: nothing but the sleep).
        let paced_frames = if frames >= 300 { 90 } else { 45 };
        let mut enc2 = H264Encoder::new(config).expect("encoder");
        let mut dec2 = H264Decoder::new().expect("decoder");
        let (mut enc_paced, mut dec_paced, mut copy_ms) = (Vec::new(), Vec::new(), Vec::new());
        let period = std::time::Duration::from_secs(1) / fps;
        let start = Instant::now();
        for i in 0..paced_frames {
            let t = Instant::now();
            let copy = source[i % source.len()].clone();
            copy_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let out = enc2.encode(&copy, false).expect("encode");
            let e = t.elapsed().as_secs_f64() * 1000.0;
            let t = Instant::now();
            std::hint::black_box(dec2.decode(&out.data).expect("decode"));
            let d = t.elapsed().as_secs_f64() * 1000.0;
            if i > 0 && !out.keyframe {
                enc_paced.push(e);
                dec_paced.push(d);
            }
            std::thread::sleep((start + period * (i as u32 + 1)).saturating_duration_since(Instant::now()));
        }
        let kbps_out = bytes as f64 * 8.0 * fps as f64 / frames as f64 / 1000.0;
        emit(
            "codec",
            &format!("openh264 {w}x{h} @{kbps} kbps"),
            json!({
                "encode_ms": dist(&enc_ms),
                "encode_keyframe_ms": dist(&key_ms),
                "decode_ms": dist(&dec_ms),
                "pattern_draw_ms": dist(&draw),
                "encode_ms_paced_30fps": dist(&enc_paced),
                "decode_ms_paced_30fps": dist(&dec_paced),
                "i420_frame_copy_ms": dist(&copy_ms),
                "bitrate_kbps_at_30fps": r2(kbps_out),
                "frames": frames,
            }),
        );
    }
}
