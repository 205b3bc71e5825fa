//! Device lists and choices through the C ABI: the virtual devices are listed with their ids and
//! names, lists are freed (NULL too), ids are checked (1006002, 1000017), a call made with the
//! virtual devices chosen still carries the stamp and the tone with no device exception at all,
//! and a chosen sound device that does not open (ALSA's `default` on a machine without a sound
//! card) is reported exactly once per start while the virtual device takes its place.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use zego_express::ffi::*;
use zego_express::media::goertzel::dominant_frequency;

use crate::harness::*;
use crate::media::{record_media, video_config, MediaLog};

const INVALID_ID: i32 = 1006002;
const ILLEGAL_PARAM: i32 = 1000017;
const ENGINE_NOT_CREATE: i32 = 1000001;

fn text(p: *const c_char) -> String {
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

/// (id, name, extra info) of each entry.
fn entries(list: *const zego_device_info, count: i32) -> Vec<(String, String, String)> {
    if count == 0 {
        return Vec::new();
    }
    unsafe { std::slice::from_raw_parts(list, count as usize) }
        .iter()
        .map(|d| (text(d.device_id), text(d.device_name), text(d.device_extra_info)))
        .collect()
}

fn video_devices(c: &Client) -> Vec<(String, String, String)> {
    let (mut count, mut list) = (-1, ptr::null_mut());
    assert_eq!(zego_get_video_device_list(c.engine, &mut count, &mut list), 0);
    let got = entries(list, count);
    assert_eq!(zego_free_video_device_list(list), 0);
    got
}

fn audio_devices(c: &Client, device_type: i32) -> Vec<(String, String, String)> {
    let (mut count, mut list) = (-1, ptr::null_mut());
    assert_eq!(zego_get_audio_device_list(c.engine, device_type, &mut count, &mut list), 0);
    let got = entries(list, count);
    assert_eq!(zego_free_audio_device_list(list), 0);
    got
}

fn default_video(c: &Client) -> String {
    let mut buf = [0 as c_char; 512];
    let mut len = 0usize;
    assert_eq!(zego_get_default_video_device_id(c.engine, buf.as_mut_ptr(), buf.len(), &mut len), 0);
    let id = text(buf.as_ptr());
    assert_eq!(id.len(), len);
    id
}

fn default_audio(c: &Client, device_type: i32) -> String {
    let mut buf = [0 as c_char; 512];
    assert_eq!(
        zego_get_default_audio_device_id(c.engine, device_type, buf.as_mut_ptr(), buf.len(), ptr::null_mut()),
        0
    );
    text(buf.as_ptr())
}

/// Whether this machine has neither cameras nor sound cards (as the CI container).
fn no_real_devices() -> bool {
    let video = std::fs::read_dir("/dev")
        .is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("video")));
    cfg!(target_os = "linux") && !video && !std::path::Path::new("/dev/snd").exists()
}

#[test]
fn lists_hold_the_virtual_devices_and_are_freed() {
    let server = Server::start();
    let c = Client::new(&server, "lister");

    let video = video_devices(&c);
    let virtual_camera = ("zego-virtual-camera".to_owned(), "Virtual Camera (test pattern)".to_owned());
    assert!(video.iter().any(|(id, name, _)| (id, name) == (&virtual_camera.0, &virtual_camera.1)), "{video:?}");
    let inputs = audio_devices(&c, 0);
    assert!(
        inputs
            .iter()
            .any(|(id, name, _)| id == "zego-virtual-microphone" && name == "Virtual Microphone (440 Hz tone)"),
        "{inputs:?}"
    );
    let outputs = audio_devices(&c, 1);
    assert!(outputs.iter().any(|(id, name, _)| id == "zego-null-speaker" && name == "Null Speaker"), "{outputs:?}");
    for list in [&video, &inputs, &outputs] {
        let mut ids: Vec<&String> = list.iter().map(|(id, _, _)| id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), list.len(), "ids are unique: {list:?}");
        // The virtual device comes after the real ones; ALSA's null PCM is not a device.
        assert!(list.last().unwrap().0.starts_with("zego-"), "{list:?}");
        assert!(list.iter().all(|(id, _, _)| id != "alsa:null"), "{list:?}");
    }
    eprintln!("devices: video {video:?}\n  inputs {inputs:?}\n  outputs {outputs:?}");

    // Defaults: the first real device, else the virtual one; always a listed id.
    let (dv, di, doo) = (default_video(&c), default_audio(&c, 0), default_audio(&c, 1));
    assert!(video.iter().any(|(id, _, _)| *id == dv), "{dv}");
    assert!(inputs.iter().any(|(id, _, _)| *id == di), "{di}");
    assert!(outputs.iter().any(|(id, _, _)| *id == doo), "{doo}");
    if no_real_devices() {
        assert_eq!((video.len(), inputs.len(), outputs.len()), (1, 1, 1));
        assert_eq!(
            (dv.as_str(), di.as_str(), doo.as_str()),
            ("zego-virtual-camera", "zego-virtual-microphone", "zego-null-speaker")
        );
    }

    // Freeing: NULL is fine; a pointer not handed out (or freed already) is refused, not freed.
    assert_eq!(zego_free_video_device_list(ptr::null_mut()), 0);
    assert_eq!(zego_free_audio_device_list(ptr::null_mut()), 0);
    let (mut count, mut list) = (0, ptr::null_mut());
    assert_eq!(zego_get_video_device_list(c.engine, &mut count, &mut list), 0);
    assert_eq!(zego_free_video_device_list(list), 0);
    assert_eq!(zego_free_video_device_list(list), ILLEGAL_PARAM);
    let mut not_a_list =
        zego_device_info { device_id: ptr::null(), device_name: ptr::null(), device_extra_info: ptr::null() };
    assert_eq!(zego_free_audio_device_list(&mut not_a_list), ILLEGAL_PARAM);

    // Bad arguments.
    let mut out_list = ptr::null_mut();
    let mut out_count = 0;
    assert_eq!(zego_get_video_device_list(c.engine, ptr::null_mut(), &mut out_list), ILLEGAL_PARAM);
    assert_eq!(zego_get_video_device_list(c.engine, &mut out_count, ptr::null_mut()), ILLEGAL_PARAM);
    assert_eq!(zego_get_audio_device_list(c.engine, 2, &mut out_count, &mut out_list), ILLEGAL_PARAM);
    assert_eq!(zego_get_audio_device_list(c.engine, -1, &mut out_count, &mut out_list), ILLEGAL_PARAM);
    assert!(out_list.is_null() && out_count == 0, "out-params are written only on success");
    assert_eq!(zego_get_video_device_list(ptr::null_mut(), &mut out_count, &mut out_list), ENGINE_NOT_CREATE);
    let mut small = [7 as c_char; 4];
    let mut len = 99usize;
    assert_eq!(zego_get_default_video_device_id(c.engine, small.as_mut_ptr(), small.len(), &mut len), ILLEGAL_PARAM);
    assert!(small.iter().all(|&b| b == 7) && len == 99, "nothing written on failure");
    assert_eq!(zego_get_default_video_device_id(c.engine, ptr::null_mut(), 512, &mut len), ILLEGAL_PARAM);
    let mut buf = [0 as c_char; 64];
    assert_eq!(zego_get_default_audio_device_id(c.engine, 5, buf.as_mut_ptr(), buf.len(), &mut len), ILLEGAL_PARAM);
}

#[test]
fn device_ids_are_checked() {
    let server = Server::start();
    let c = Client::new(&server, "chooser");
    let id = |s: &str| cs(s);

    assert_eq!(zego_use_video_device(c.engine, id("zego-virtual-camera").as_ptr(), 0), 0);
    assert_eq!(zego_use_video_device(c.engine, id("zego-virtual-camera").as_ptr(), 3), 0);
    assert_eq!(zego_use_video_device(c.engine, id("no-such-camera").as_ptr(), 0), INVALID_ID);
    assert_eq!(zego_use_video_device(c.engine, id("nokhwa:4242").as_ptr(), 0), INVALID_ID);
    assert_eq!(zego_use_video_device(c.engine, id("").as_ptr(), 0), INVALID_ID);
    assert_eq!(zego_use_video_device(c.engine, ptr::null(), 0), ILLEGAL_PARAM);
    assert_eq!(zego_use_video_device(c.engine, id("zego-virtual-camera").as_ptr(), 4), ILLEGAL_PARAM);
    assert_eq!(zego_use_video_device(c.engine, id("zego-virtual-camera").as_ptr(), -1), ILLEGAL_PARAM);

    assert_eq!(zego_use_audio_device(c.engine, 0, id("zego-virtual-microphone").as_ptr()), 0);
    assert_eq!(zego_use_audio_device(c.engine, 1, id("zego-null-speaker").as_ptr()), 0);
    assert_eq!(zego_use_audio_device(c.engine, 0, id("no-such-microphone").as_ptr()), INVALID_ID);
    assert_eq!(zego_use_audio_device(c.engine, 1, id("no-such-speaker").as_ptr()), INVALID_ID);
    // A device of the other direction is no device of this one.
    assert_eq!(zego_use_audio_device(c.engine, 0, id("zego-null-speaker").as_ptr()), INVALID_ID);
    assert_eq!(zego_use_audio_device(c.engine, 1, id("zego-virtual-microphone").as_ptr()), INVALID_ID);
    assert_eq!(zego_use_audio_device(c.engine, 1, id("").as_ptr()), INVALID_ID);
    assert_eq!(zego_use_audio_device(c.engine, 1, ptr::null()), ILLEGAL_PARAM);
    assert_eq!(zego_use_audio_device(c.engine, 2, id("zego-null-speaker").as_ptr()), ILLEGAL_PARAM);
    assert_eq!(zego_use_audio_device(c.engine, -1, id("zego-null-speaker").as_ptr()), ILLEGAL_PARAM);
    assert_eq!(zego_use_audio_device(ptr::null_mut(), 1, id("zego-null-speaker").as_ptr()), ENGINE_NOT_CREATE);
    assert_eq!(zego_use_video_device(ptr::null_mut(), id("zego-virtual-camera").as_ptr(), 0), ENGINE_NOT_CREATE);
}

/// What `zego_on_local_device_exception_occurred` reported: (exception type, device type, id).
#[derive(Default)]
struct Exceptions(Mutex<Vec<(i32, i32, String)>>);

unsafe extern "C" fn on_exception(exception_type: i32, device_type: i32, device_id: *const c_char, ctx: *mut c_void) {
    let log = &*(ctx as *const Exceptions);
    log.0.lock().push((exception_type, device_type, text(device_id)));
}

fn record_exceptions(c: &Client) -> Arc<Exceptions> {
    let log = Arc::new(Exceptions::default());
    let ctx = Arc::as_ptr(&log) as *mut c_void;
    assert_eq!(zego_register_local_device_exception_occurred_callback(c.engine, Some(on_exception), ctx), 0);
    c.contexts.lock().push(log.clone());
    log
}

fn wait_exceptions(log: &Exceptions, n: usize) {
    let deadline = std::time::Instant::now() + WAIT;
    while log.0.lock().len() < n && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for 2 s of played audio and returns its dominant frequency over the last second.
fn played_frequency(log: &MediaLog) -> f64 {
    let from = log.pcm.lock().len();
    assert!(log.wait_audio(from + 48_000 * 2, Duration::from_secs(15)), "played audio arrives");
    let pcm: Vec<i16> = log.pcm.lock().iter().rev().take(48_000).rev().copied().collect();
    dominant_frequency(&pcm, 1, 48_000, 200.0, 2000.0, 5.0)
}

#[test]
fn a_call_with_the_virtual_devices_chosen_carries_stamp_and_tone_and_raises_no_exception() {
    let server = Server::start();
    let a = Client::new(&server, "devViewer");
    let b = Client::new(&server, "devCamera");
    let (a_exceptions, b_exceptions) = (record_exceptions(&a), record_exceptions(&b));
    a.login("devices");
    b.login("devices");
    // B chooses the virtual devices; A keeps the defaults (the virtual ones where no real exist).
    assert_eq!(zego_use_video_device(b.engine, cs("zego-virtual-camera").as_ptr(), 0), 0);
    assert_eq!(zego_use_audio_device(b.engine, 0, cs("zego-virtual-microphone").as_ptr()), 0);
    assert_eq!(zego_use_audio_device(b.engine, 1, cs("zego-null-speaker").as_ptr()), 0);
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert_eq!(b.publish("devcam"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("devcam"), 0);
    assert!(log.wait_frames(45, Duration::from_secs(20)), "frames: {}", log.frames.lock().len());
    let stamps: Vec<u32> = log.frames.lock().iter().filter_map(|f| f.1).collect();
    assert!(stamps.len() >= 40 && stamps.windows(2).all(|w| w[1] > w[0]), "{stamps:?}");
    let freq = played_frequency(&log);
    assert!((freq - 440.0).abs() <= 10.0, "dominant frequency {freq}");

    // Choosing the virtual camera again while it runs changes nothing; a switch restarts it.
    assert_eq!(zego_use_video_device(b.engine, cs("zego-virtual-camera").as_ptr(), 0), 0);
    let before = log.frames.lock().len();
    assert!(log.wait_frames(before + 15, Duration::from_secs(10)));

    if no_real_devices() {
        // Only the virtual devices ran: not one exception, on either side.
        assert!(a_exceptions.0.lock().is_empty(), "{:?}", a_exceptions.0.lock());
        assert!(b_exceptions.0.lock().is_empty(), "{:?}", b_exceptions.0.lock());
    }
}

#[test]
fn a_sound_device_that_does_not_open_is_reported_once_per_start_and_replaced() {
    if !no_real_devices() {
        eprintln!("this machine may have a sound card: ALSA's default device would open; skipped");
        return;
    }
    let server = Server::start();
    let a = Client::new(&server, "deafViewer");
    let b = Client::new(&server, "muteCamera");
    let (a_exceptions, b_exceptions) = (record_exceptions(&a), record_exceptions(&b));
    a.login("broken-devices");
    b.login("broken-devices");
    // ALSA's default device is the system default: accepted, though it cannot open here.
    assert_eq!(zego_use_audio_device(b.engine, 0, cs("alsa:default").as_ptr()), 0);
    assert_eq!(zego_use_audio_device(a.engine, 1, cs("alsa:default").as_ptr()), 0);
    assert_eq!(zego_set_video_config(b.engine, &video_config(320, 180, 30), 0), 0);
    assert_eq!(b.publish("fallback"), 0);
    a.wait(|e| matches!(e, Ev::Streams { add: true, .. }));
    let log = record_media(&a);
    assert_eq!(a.play("fallback"), 0);

    // The virtual microphone replaced B's, the null speaker A's: the tone still plays through.
    let freq = played_frequency(&log);
    assert!((freq - 440.0).abs() <= 10.0, "dominant frequency {freq}");
    std::thread::sleep(Duration::from_millis(500));
    let unplugged = 6;
    assert_eq!(*b_exceptions.0.lock(), vec![(unplugged, 2, "alsa:default".to_owned())], "microphone reported once");
    assert_eq!(*a_exceptions.0.lock(), vec![(unplugged, 3, "alsa:default".to_owned())], "speaker reported once");

    // Switching the running speaker: to the null speaker quietly, back to ALSA's default with one
    // more report (a new start), and the audio keeps flowing all along.
    assert_eq!(zego_use_audio_device(a.engine, 1, cs("zego-null-speaker").as_ptr()), 0);
    assert!((played_frequency(&log) - 440.0).abs() <= 10.0);
    assert_eq!(a_exceptions.0.lock().len(), 1);
    assert_eq!(zego_use_audio_device(a.engine, 1, cs("alsa:default").as_ptr()), 0);
    wait_exceptions(&a_exceptions, 2);
    assert!((played_frequency(&log) - 440.0).abs() <= 10.0);
    assert_eq!(a_exceptions.0.lock().len(), 2, "{:?}", a_exceptions.0.lock());
    assert_eq!(b_exceptions.0.lock().len(), 1, "{:?}", b_exceptions.0.lock());
}
