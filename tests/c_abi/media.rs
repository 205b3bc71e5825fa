//! Media end to end through the C ABI: B publishes the virtual camera and
//! microphone, A plays through the SFU and checks what arrives: stamped
//! frames in order at the configured size, the tone's frequency, mutes,
//! custom capture content, several players.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use zego_express::ffi::*;
use zego_express::media::goertzel::{dominant_frequency, rms_dbfs};
use zego_express::media::stamp::read_stamp;

use crate::harness::*;

/// What a player's media callbacks saw.
#[derive(Default)]
pub struct MediaLog {
    /// (stream, stamp index, width, height, first luma bytes of row 20)
    pub frames: Mutex<Vec<(String, Option<u32>, i32, i32, Vec<u8>)>>,
    pub pcm: Mutex<Vec<i16>>,
    changed: Condvar,
}

impl MediaLog {
    pub fn wait_frames(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut frames = self.frames.lock();
        while frames.len() < n {
            if self.changed.wait_until(&mut frames, deadline).timed_out() {
                return frames.len() >= n;
            }
        }
        true
    }

    pub fn wait_audio(&self, samples: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut pcm = self.pcm.lock();
        while pcm.len() < samples {
            if self.changed.wait_until(&mut pcm, deadline).timed_out() {
                return pcm.len() >= samples;
            }
        }
        true
    }
}

unsafe extern "C" fn on_frame(
    stream_id: *const c_char,
    data: *mut *mut u8,
    lengths: *mut u32,
    param: zego_video_frame_param,
    ctx: *mut c_void,
) {
    let log = &*(ctx as *const MediaLog);
    let y = std::slice::from_raw_parts(*data, *lengths as usize);
    let stamp = read_stamp(y, param.strides[0] as usize, param.width as u32, param.height as u32);
    let row = (20 * param.strides[0]) as usize;
    let sample = y[row..row + 16.min(param.width as usize)].to_vec();
    let stream = CStr::from_ptr(stream_id).to_string_lossy().into_owned();
    log.frames.lock().push((stream, stamp.map(|s| s.index), param.width, param.height, sample));
    log.changed.notify_all();
}

unsafe extern "C" fn on_audio(data: *const u8, length: u32, param: zego_audio_frame_param, ctx: *mut c_void) {
    let log = &*(ctx as *const MediaLog);
    assert_eq!((param.sample_rate, param.channel), (48_000, 1));
    let pcm = std::slice::from_raw_parts(data as *const i16, length as usize / 2);
    log.pcm.lock().extend_from_slice(pcm);
    log.changed.notify_all();
}

/// Makes `c` a player that records frames (custom render, I420) and playback audio.
pub fn record_media(c: &Client) -> Arc<MediaLog> {
    let log = Arc::new(MediaLog::default());
    let ctx = Arc::as_ptr(&log) as *mut c_void;
    let config =
        zego_custom_video_render_config { buffer_type: 1, frame_format_series: 1, enable_engine_render: false };
    assert_eq!(zego_enable_custom_video_render(c.engine, true, &config), 0);
    assert_eq!(zego_register_custom_video_render_remote_frame_data_callback(c.engine, Some(on_frame), ctx), 0);
    assert_eq!(zego_register_playback_audio_data_callback(c.engine, Some(on_audio), ctx), 0);
    let param = zego_audio_frame_param { sample_rate: 48_000, channel: 1 };
    assert_eq!(zego_start_audio_data_observer(c.engine, 2, param), 0);
    c.contexts.lock().push(log.clone());
    log
}

pub fn video_config(w: i32, h: i32, fps: i32) -> zego_video_config {
    zego_video_config {
        capture_width: w,
        capture_height: h,
        encode_width: w,
        encode_height: h,
        fps,
        bitrate: 800,
        codec_id: 0,
        key_frame_interval: 2,
    }
}

fn stamped(log: &MediaLog) -> Vec<(u32, i32, i32)> {
    log.frames.lock().iter().filter_map(|(_, s, w, h, _)| s.map(|i| (i, *w, *h))).collect()
}

#[test]
fn b_publishes_a_plays_frames_in_order_at_the_asked_size_and_the_tone() {
    let server = Server::start();
    let a = Client::new(&server, "viewerA");
    let b = Client::new(&server, "cameraB");
    a.login("call");
    b.login("call");
    assert_eq!(zego_set_video_config(b.engine, &video_config(640, 360, 30), 0), 0);
    assert_eq!(zego_start_preview(b.engine, ptr::null(), 0), 0);
    assert_eq!(b.publish("cam"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    let started = Instant::now();
    assert_eq!(a.play("cam"), 0);
    assert!(log.wait_frames(90, Duration::from_secs(20)), "frames: {}", log.frames.lock().len());
    eprintln!("90 frames after {:?}", started.elapsed());
    let frames = stamped(&log);
    assert!(
        frames.len() >= 85,
        "stamps readable in almost every frame: {} of {}",
        frames.len(),
        log.frames.lock().len()
    );
    assert!(frames.windows(2).all(|w| w[1].0 > w[0].0), "stamp indexes increase: {frames:?}");
    assert!(frames.iter().all(|&(_, w, h)| (w, h) == (640, 360)));

    // The tone arrives: 440 Hz dominates the played audio.
    assert!(log.wait_audio(48_000 * 3, Duration::from_secs(10)));
    let pcm: Vec<i16> = log.pcm.lock().iter().rev().take(48_000).rev().copied().collect();
    let freq = dominant_frequency(&pcm, 1, 48_000, 200.0, 2000.0, 5.0);
    assert!((freq - 440.0).abs() <= 10.0, "dominant frequency {freq}");
    assert!(rms_dbfs(&pcm) > -30.0, "audible: {} dBFS", rms_dbfs(&pcm));

    // Muting the publisher's audio silences the playback.
    assert_eq!(zego_mute_publish_stream_audio(b.engine, true, 0), 0);
    std::thread::sleep(Duration::from_millis(500));
    let from = log.pcm.lock().len();
    assert!(log.wait_audio(from + 48_000 / 2, Duration::from_secs(5)));
    let after: Vec<i16> = log.pcm.lock()[from..].to_vec();
    assert!(rms_dbfs(&after) < -60.0, "silent after mute: {} dBFS", rms_dbfs(&after));

    // A resolution change mid-stream arrives.
    let before = log.frames.lock().len();
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert!(log.wait_frames(before + 60, Duration::from_secs(10)));
    let last = log.frames.lock().last().map(|f| (f.2, f.3));
    assert_eq!(last, Some((320, 180)));
    a.wait(|e| matches!(e, Ev::Streams { .. }));
}
