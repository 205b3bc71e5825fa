//! Real capture and playout devices, and what the device lists hold.
//!
//! Cameras come from nokhwa (V4L2 on Linux), microphones and speakers from cpal (ALSA on Linux).
//! Every list also names the virtual device of its kind ([`VIRTUAL_CAMERA_ID`],
//! [`VIRTUAL_MICROPHONE_ID`], [`NULL_SPEAKER_ID`]), which always exists and always opens; the
//! engine adds it to what is listed here.
//!
//! Listing is cheap: it asks the backends which devices exist without opening any (cpal's ALSA
//! host reads the PCM name hints, nokhwa's V4L2 query reads `/dev`). Whether a device really opens
//! is learned when capture or playout starts ([`RealCamera::start`], [`RealMicrophone::start`],
//! [`RealSpeaker::start`]), which return a [`DeviceError`] the engine turns into a device
//! exception and a fall-back to the virtual device.
//!
//! ALSA's `null` PCM is left out of the lists: it opens everywhere but consumes audio as fast as
//! it is given (no pacing) and captures nothing, which is what the virtual devices do properly.
//!
//! ALSA prints diagnostics to stderr ("cannot find card '0'") when a PCM does not open. Every
//! listing and open here runs under [`QuietAlsa`], which installs alsa-lib's thread-local error
//! handler (`snd_lib_error_set_local`) for the duration. Messages alsa-lib prints later on cpal's
//! own stream threads (an xrun, say) are not silenced.
//!
//! Threads: a real camera runs one thread (`zego-camera`) paced by the device; a real microphone
//! delivers 20 ms frames on its own thread (`zego-mic`), fed by cpal's capture thread through a
//! bounded queue; a real speaker pulls from its closure on cpal's playback thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use parking_lot::Mutex;

use crate::media::frame::{convert_to_i420, PixelFormat, VideoFrame};
use crate::media::{unix_time_ms, AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE};

/// Id of the virtual camera (stamped test pattern, [`crate::media::virtual_camera`]).
pub const VIRTUAL_CAMERA_ID: &str = "zego-virtual-camera";
/// Name of the virtual camera.
pub const VIRTUAL_CAMERA_NAME: &str = "Virtual Camera (test pattern)";
/// Id of the virtual microphone (440 Hz tone, [`crate::media::tone`]).
pub const VIRTUAL_MICROPHONE_ID: &str = "zego-virtual-microphone";
/// Name of the virtual microphone.
pub const VIRTUAL_MICROPHONE_NAME: &str = "Virtual Microphone (440 Hz tone)";
/// Id of the null speaker (consumes audio in real time, plays nothing).
pub const NULL_SPEAKER_ID: &str = "zego-null-speaker";
/// Name of the null speaker.
pub const NULL_SPEAKER_NAME: &str = "Null Speaker";

/// Camera ids are this prefix and nokhwa's camera index ("nokhwa:0" is `/dev/video0`).
pub const CAMERA_ID_PREFIX: &str = "nokhwa:";
/// cpal devices that are listed by the backend but are not devices (see the module docs).
const EXCLUDED_AUDIO_IDS: &[&str] = &["alsa:null"];

/// How long starting a camera waits for it to open.
const CAMERA_OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long stopping a camera waits for its thread (a stalled device may never return a frame).
const CAMERA_STOP_WAIT: Duration = Duration::from_secs(2);
/// Consecutive failed frames after which a camera counts as lost.
const CAMERA_MAX_FRAME_ERRORS: u32 = 10;
/// 20 ms frames a real microphone may queue for its delivery thread; a full queue drops the
/// newest frame (the consumer is behind; blocking cpal's capture thread would lose more).
const MIC_QUEUE_FRAMES: usize = 10;

/// One device as the device lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Stable id to select the device with.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Backend description (driver, path), free text.
    pub extra_info: String,
}

impl DeviceInfo {
    fn new(id: &str, name: &str, extra_info: &str) -> Self {
        Self { id: id.to_owned(), name: name.to_owned(), extra_info: extra_info.to_owned() }
    }

    /// The virtual camera's entry.
    pub fn virtual_camera() -> Self {
        Self::new(VIRTUAL_CAMERA_ID, VIRTUAL_CAMERA_NAME, "zego-express virtual device")
    }

    /// The virtual microphone's (`Input`) or the null speaker's (`Output`) entry.
    pub fn virtual_audio(direction: AudioDirection) -> Self {
        match direction {
            AudioDirection::Input => {
                Self::new(VIRTUAL_MICROPHONE_ID, VIRTUAL_MICROPHONE_NAME, "zego-express virtual device")
            }
            AudioDirection::Output => Self::new(NULL_SPEAKER_ID, NULL_SPEAKER_NAME, "zego-express virtual device"),
        }
    }
}

/// Which side of audio a device is on (`ZegoAudioDeviceType`: input 0, output 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioDirection {
    /// Microphones.
    Input,
    /// Speakers.
    Output,
}

impl AudioDirection {
    /// The virtual device's id for this direction.
    pub fn virtual_id(self) -> &'static str {
        match self {
            Self::Input => VIRTUAL_MICROPHONE_ID,
            Self::Output => NULL_SPEAKER_ID,
        }
    }
}

/// Why a device did not open or stopped working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Anything not below.
    Generic,
    /// The id names no device of this kind.
    InvalidId,
    /// The system refused access.
    PermissionDenied,
    /// Another program holds the device.
    Occupied,
    /// The device is gone (or, like ALSA's `default` without a sound card, not there).
    Unplugged,
}

/// A device that did not open, or stopped working.
#[derive(Debug, Clone, thiserror::Error)]
#[error("device {id}: {message}")]
pub struct DeviceError {
    /// The device's id.
    pub id: String,
    /// The kind of failure.
    pub kind: FailureKind,
    /// The backend's message.
    pub message: String,
}

impl DeviceError {
    fn new(id: &str, kind: FailureKind, message: impl Into<String>) -> Self {
        Self { id: id.to_owned(), kind, message: message.into() }
    }

    fn from_cpal(id: &str, e: &cpal::Error) -> Self {
        use cpal::ErrorKind as K;
        let kind = match e.kind() {
            K::DeviceBusy => FailureKind::Occupied,
            K::DeviceNotAvailable | K::StreamInvalidated | K::DeviceChanged => FailureKind::Unplugged,
            K::PermissionDenied => FailureKind::PermissionDenied,
            _ => FailureKind::Generic,
        };
        Self::new(id, kind, e.to_string())
    }

    fn from_nokhwa(id: &str, e: &nokhwa::NokhwaError) -> Self {
        let message = e.to_string();
        let lower = message.to_ascii_lowercase();
        let kind = if lower.contains("permission denied") {
            FailureKind::PermissionDenied
        } else if lower.contains("busy") {
            FailureKind::Occupied
        } else if lower.contains("no such file") || lower.contains("no such device") {
            FailureKind::Unplugged
        } else {
            FailureKind::Generic
        };
        Self::new(id, kind, message)
    }
}

// ---------------------------------------------------------------------------------------------
// ALSA's stderr noise

/// While alive, alsa-lib's diagnostics on this thread are discarded instead of printed to stderr.
/// Guards nest (each restores the handler it replaced). A no-op off Linux.
pub struct QuietAlsa {
    #[cfg(target_os = "linux")]
    previous: Option<alsa_quiet::LocalErrorHandler>,
    /// The handler is per thread: the guard must be dropped on the thread that made it.
    _not_send: std::marker::PhantomData<*const ()>,
}

/// alsa-lib's thread-local error handler (not part of the C ABI: hidden from cbindgen).
///
/// cbindgen:ignore
#[cfg(target_os = "linux")]
mod alsa_quiet {
    use std::ffi::{c_char, c_int, c_void};

    /// alsa-lib's `snd_local_error_handler_t`; the last argument is a `va_list`, which is passed
    /// as a pointer on the ABIs Linux runs on (and is never read here).
    pub type LocalErrorHandler = unsafe extern "C" fn(
        file: *const c_char,
        line: c_int,
        function: *const c_char,
        err: c_int,
        fmt: *const c_char,
        args: *mut c_void,
    );

    extern "C" {
        /// alsa-lib >= 1.1.6 (libasound is linked through cpal's alsa-sys): sets this thread's
        /// error handler, returning the previous one.
        pub fn snd_lib_error_set_local(handler: Option<LocalErrorHandler>) -> Option<LocalErrorHandler>;
    }

    /// Discards the message.
    pub unsafe extern "C" fn discard(
        _file: *const c_char,
        _line: c_int,
        _function: *const c_char,
        _err: c_int,
        _fmt: *const c_char,
        _args: *mut c_void,
    ) {
    }
}

impl QuietAlsa {
    /// Starts discarding alsa-lib's diagnostics on this thread.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            // SAFETY: sets a thread-local pointer in alsa-lib to a function that ignores its arguments.
            #[cfg(target_os = "linux")]
            previous: unsafe { alsa_quiet::snd_lib_error_set_local(Some(alsa_quiet::discard)) },
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for QuietAlsa {
    fn drop(&mut self) {
        // SAFETY: restores the handler this guard replaced, on the same thread (the guard is !Send).
        #[cfg(target_os = "linux")]
        unsafe {
            alsa_quiet::snd_lib_error_set_local(self.previous);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Listing

/// Cameras nokhwa finds (none when the query fails: that is logged).
pub fn cameras() -> Vec<DeviceInfo> {
    match nokhwa::query(nokhwa::utils::ApiBackend::Auto) {
        Ok(list) => list
            .iter()
            .map(|c| DeviceInfo {
                id: format!("{CAMERA_ID_PREFIX}{}", c.index().as_string()),
                name: c.human_name(),
                extra_info: c.description().to_owned(),
            })
            .collect(),
        Err(e) => {
            tracing::debug!(target: "device", error = %e, "camera query failed");
            Vec::new()
        }
    }
}

/// The audio devices of one direction and the system's default one.
#[derive(Debug, Clone, Default)]
pub struct AudioDevices {
    /// Devices the backend lists for the direction (ALSA's `null` left out).
    pub devices: Vec<DeviceInfo>,
    /// The backend's default device id ("alsa:default" on Linux), which may be absent from
    /// `devices` (ALSA's `default` is not listed where there is no sound card) and may not open.
    pub system_default: Option<String>,
}

impl AudioDevices {
    /// The device used when none was chosen: the system default when it is listed, else the
    /// first listed device, else `None` (the virtual device).
    pub fn default_id(&self) -> Option<&str> {
        match &self.system_default {
            Some(d) if self.devices.iter().any(|x| &x.id == d) => Some(d),
            _ => self.devices.first().map(|d| d.id.as_str()),
        }
    }

    /// Whether `id` names a device here (listed, or the system default).
    pub fn contains(&self, id: &str) -> bool {
        self.devices.iter().any(|d| d.id == id) || self.system_default.as_deref() == Some(id)
    }
}

/// Lists cpal's devices of one direction.
pub fn audio_devices(direction: AudioDirection) -> AudioDevices {
    let _quiet = QuietAlsa::new();
    let host = cpal::default_host();
    let listed = match direction {
        AudioDirection::Input => host.input_devices().map(|d| d.collect::<Vec<_>>()),
        AudioDirection::Output => host.output_devices().map(|d| d.collect::<Vec<_>>()),
    };
    let devices = match listed {
        Ok(list) => list.iter().filter_map(audio_info).collect(),
        Err(e) => {
            tracing::debug!(target: "device", error = %e, ?direction, "audio device query failed");
            Vec::new()
        }
    };
    let default = match direction {
        AudioDirection::Input => host.default_input_device(),
        AudioDirection::Output => host.default_output_device(),
    };
    let system_default = default.and_then(|d| d.id().ok()).map(|id| id.to_string());
    AudioDevices { devices, system_default }
}

fn audio_info(device: &cpal::Device) -> Option<DeviceInfo> {
    let id = device.id().ok()?.to_string();
    if EXCLUDED_AUDIO_IDS.contains(&id.as_str()) {
        return None;
    }
    let (name, extra_info) = match device.description() {
        Ok(d) => (d.name().to_owned(), d.to_string()),
        Err(_) => (id.clone(), String::new()),
    };
    Some(DeviceInfo { id, name, extra_info })
}

/// Finds a cpal device by the id the lists give.
fn find_audio_device(host: &cpal::Host, direction: AudioDirection, id: &str) -> Result<cpal::Device, DeviceError> {
    let wanted: cpal::DeviceId =
        id.parse().map_err(|e: cpal::Error| DeviceError::new(id, FailureKind::InvalidId, e.to_string()))?;
    let default = match direction {
        AudioDirection::Input => host.default_input_device(),
        AudioDirection::Output => host.default_output_device(),
    };
    if let Some(d) = default.filter(|d| d.id().ok().as_ref() == Some(&wanted)) {
        return Ok(d);
    }
    host.device_by_id(&wanted).ok_or_else(|| DeviceError::new(id, FailureKind::Unplugged, "no such device"))
}

// ---------------------------------------------------------------------------------------------
// Camera

/// A real camera capturing on its own thread. Stopping or dropping it stops the thread (waiting
/// at most [`CAMERA_STOP_WAIT`] for a device that stalls).
pub struct RealCamera {
    stop: Arc<AtomicBool>,
    /// Disconnected when the thread ends.
    done: Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

impl RealCamera {
    /// Opens camera `id` near `width` x `height` at `fps` and delivers its frames as I420 to
    /// `on_frame(frame, index, unix_ms)` on a thread named `zego-camera`, paced by the device (the
    /// frame size is what the camera gives; the encoder scales). If the camera stops delivering
    /// ([`CAMERA_MAX_FRAME_ERRORS`] failed frames in a row), `on_lost` runs once on that thread
    /// and the thread ends. Errors when the id is not a camera id or the camera does not open.
    pub fn start(
        id: &str,
        width: u32,
        height: u32,
        fps: u32,
        mut on_frame: impl FnMut(VideoFrame, u64, u64) + Send + 'static,
        on_lost: impl FnOnce(DeviceError) + Send + 'static,
    ) -> Result<Self, DeviceError> {
        let index =
            parse_camera_id(id).ok_or_else(|| DeviceError::new(id, FailureKind::InvalidId, "not a camera id"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (opened_tx, opened_rx) = mpsc::sync_channel::<Result<(), DeviceError>>(1);
        let (done_tx, done) = mpsc::channel::<()>();
        let thread_stop = stop.clone();
        let thread_id = id.to_owned();
        let thread = std::thread::Builder::new()
            .name("zego-camera".into())
            .spawn(move || {
                let _done = done_tx;
                let mut camera = match open_camera(&thread_id, index, width, height, fps) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                let _ = opened_tx.send(Ok(()));
                let mut index = 0u64;
                let mut errors = 0u32;
                while !thread_stop.load(Ordering::Acquire) {
                    match next_frame(&mut camera) {
                        Ok(frame) => {
                            errors = 0;
                            on_frame(frame, index, unix_time_ms());
                            index += 1;
                        }
                        Err(e) => {
                            errors += 1;
                            tracing::debug!(target: "device", camera = %thread_id, error = %e, "camera frame failed");
                            if errors >= CAMERA_MAX_FRAME_ERRORS {
                                if !thread_stop.load(Ordering::Acquire) {
                                    on_lost(DeviceError::from_nokhwa(&thread_id, &e));
                                }
                                break;
                            }
                        }
                    }
                }
                let _ = camera.stop_stream();
            })
            .map_err(|e| DeviceError::new(id, FailureKind::Generic, e.to_string()))?;
        let mut camera = Self { stop, done, thread: Some(thread) };
        match opened_rx.recv_timeout(CAMERA_OPEN_TIMEOUT) {
            Ok(Ok(())) => Ok(camera),
            Ok(Err(e)) => Err(e),
            Err(_) => {
                camera.stop_thread();
                Err(DeviceError::new(id, FailureKind::Generic, "camera did not open in time"))
            }
        }
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Release);
        let Some(thread) = self.thread.take() else { return };
        if thread.thread().id() == std::thread::current().id() {
            return; // Stopped from its own callback: it ends after the current frame.
        }
        match self.done.recv_timeout(CAMERA_STOP_WAIT) {
            Err(RecvTimeoutError::Disconnected) => {
                let _ = thread.join();
            }
            _ => tracing::warn!(target: "device", "camera thread did not stop in time; detached"),
        }
    }

    /// Stops the camera (the same as dropping it).
    pub fn stop(mut self) {
        self.stop_thread();
    }
}

impl Drop for RealCamera {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

/// The nokhwa camera index of a camera id.
pub fn parse_camera_id(id: &str) -> Option<nokhwa::utils::CameraIndex> {
    use nokhwa::utils::CameraIndex;
    let rest = id.strip_prefix(CAMERA_ID_PREFIX)?;
    if rest.is_empty() {
        return None;
    }
    Some(rest.parse::<u32>().map_or_else(|_| CameraIndex::String(rest.to_owned()), CameraIndex::Index))
}

fn open_camera(
    id: &str,
    index: nokhwa::utils::CameraIndex,
    width: u32,
    height: u32,
    fps: u32,
) -> Result<nokhwa::Camera, DeviceError> {
    use nokhwa::pixel_format::RgbFormat;
    use nokhwa::utils::{RequestedFormat, RequestedFormatType};
    let err = |e: nokhwa::NokhwaError| DeviceError::from_nokhwa(id, &e);
    let mut camera =
        nokhwa::Camera::new(index, RequestedFormat::new::<RgbFormat>(RequestedFormatType::None)).map_err(err)?;
    // The format closest to what the channel asks for (nokhwa's own "Closest" needs an exact
    // resolution match); keep the camera's first format when the list is unavailable.
    if let Ok(formats) = camera.compatible_camera_formats() {
        let decodable: Vec<_> = formats
            .into_iter()
            .filter(|f| <RgbFormat as nokhwa::FormatDecoder>::FORMATS.contains(&f.format()))
            .collect();
        let sizes: Vec<(u32, u32, u32)> = decodable.iter().map(|f| (f.width(), f.height(), f.frame_rate())).collect();
        if let Some(best) = pick_format(&sizes, width, height, fps) {
            let exact = RequestedFormatType::Exact(decodable[best]);
            if let Err(e) = camera.set_camera_requset(RequestedFormat::new::<RgbFormat>(exact)) {
                tracing::debug!(target: "device", camera = id, error = %e, "camera format not applied");
            }
        }
    }
    camera.open_stream().map_err(err)?;
    Ok(camera)
}

/// Index of the candidate `(width, height, fps)` nearest the wanted size, then rate (sizes at
/// least as large win ties; rates at least as high too).
pub fn pick_format(candidates: &[(u32, u32, u32)], width: u32, height: u32, fps: u32) -> Option<usize> {
    let key = |&(w, h, f): &(u32, u32, u32)| {
        let area = |w: u32, h: u32| f64::from(w) * f64::from(h);
        // Distance in area on a log scale, so 2x too big and 2x too small weigh the same.
        let size = (area(w, h).max(1.0) / area(width, height).max(1.0)).ln().abs();
        let size = (size * 1000.0).round() as u64;
        let smaller = u8::from(w < width || h < height);
        let rate = f.abs_diff(fps);
        let slower = u8::from(f < fps);
        (size, smaller, rate, slower)
    };
    candidates.iter().enumerate().min_by_key(|(_, c)| key(c)).map(|(i, _)| i)
}

fn next_frame(camera: &mut nokhwa::Camera) -> Result<VideoFrame, nokhwa::NokhwaError> {
    use nokhwa::pixel_format::RgbFormat;
    let buffer = camera.frame()?;
    let image = buffer.decode_image::<RgbFormat>()?;
    let (w, h) = (image.width(), image.height());
    let rgb = image.into_raw();
    convert_to_i420(&rgb, PixelFormat::Rgb24, w, h, [w as i32 * 3, 0, 0, 0])
        .map_err(|e| nokhwa::NokhwaError::GeneralError(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Audio format conversion (sans-IO)

/// Streaming linear-interpolation resampler for mono `f32` audio.
#[derive(Debug, Clone)]
pub struct Resampler {
    /// Input samples per output sample.
    step: f64,
    /// Position of the next output sample, counted from `prev` (index 0) into the next input.
    pos: f64,
    /// The last input sample of the previous call.
    prev: f32,
}

impl Resampler {
    /// Converts from `from` Hz to `to` Hz (both at least 1).
    pub fn new(from: u32, to: u32) -> Self {
        Self { step: f64::from(from.max(1)) / f64::from(to.max(1)), pos: 0.0, prev: 0.0 }
    }

    /// Resamples `input` (continuing the previous call) and appends the result to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if input.is_empty() {
            return;
        }
        if self.step == 1.0 {
            out.extend_from_slice(input);
            return;
        }
        let n = input.len();
        let at = |k: usize| if k == 0 { self.prev } else { input[k - 1] };
        while self.pos < n as f64 {
            let i = self.pos.floor() as usize;
            let frac = (self.pos - i as f64) as f32;
            let (a, b) = (at(i), at(i + 1));
            out.push(a + (b - a) * frac);
            self.pos += self.step;
        }
        self.pos -= n as f64;
        self.prev = input[n - 1];
    }
}

fn f32_to_i16(s: f32) -> i16 {
    (s * 32767.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Turns a device's interleaved capture (any rate and channel count) into 48 kHz 20 ms frames of
/// `out_channels` identical interleaved channels (the device's channels are averaged).
#[derive(Debug, Clone)]
pub struct CaptureConverter {
    in_channels: usize,
    out_channels: usize,
    resampler: Resampler,
    mono: Vec<f32>,
    pending: Vec<f32>,
}

impl CaptureConverter {
    /// From `in_rate` Hz with `in_channels` (at least 1) to 48 kHz with `out_channels` (at least 1).
    pub fn new(in_rate: u32, in_channels: usize, out_channels: usize) -> Self {
        Self {
            in_channels: in_channels.max(1),
            out_channels: out_channels.max(1),
            resampler: Resampler::new(in_rate, AUDIO_SAMPLE_RATE),
            mono: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Adds interleaved samples in [-1, 1]; calls `emit` with each completed 20 ms frame.
    pub fn push(&mut self, interleaved: &[f32], mut emit: impl FnMut(Vec<i16>)) {
        self.mono.clear();
        let scale = 1.0 / self.in_channels as f32;
        self.mono.extend(interleaved.chunks_exact(self.in_channels).map(|f| f.iter().sum::<f32>() * scale));
        self.resampler.process(&self.mono, &mut self.pending);
        let mut start = 0;
        while self.pending.len() - start >= AUDIO_FRAME_SAMPLES {
            let frame = &self.pending[start..start + AUDIO_FRAME_SAMPLES];
            let mut pcm = Vec::with_capacity(AUDIO_FRAME_SAMPLES * self.out_channels);
            for &s in frame {
                pcm.extend(std::iter::repeat_n(f32_to_i16(s), self.out_channels));
            }
            emit(pcm);
            start += AUDIO_FRAME_SAMPLES;
        }
        self.pending.drain(..start);
    }
}

/// Feeds a device's playback buffers (any rate and channel count) from a source that gives
/// 48 kHz mono in 20 ms pulls, as the engine's mixer does.
#[derive(Debug, Clone)]
pub struct PlayoutConverter {
    out_channels: usize,
    resampler: Resampler,
    pull_buffer: Vec<i16>,
    scratch: Vec<f32>,
    ready: VecDeque<f32>,
}

impl PlayoutConverter {
    /// To `out_rate` Hz with `out_channels` (at least 1) identical channels.
    pub fn new(out_rate: u32, out_channels: usize) -> Self {
        Self {
            out_channels: out_channels.max(1),
            resampler: Resampler::new(AUDIO_SAMPLE_RATE, out_rate),
            pull_buffer: vec![0; AUDIO_FRAME_SAMPLES],
            scratch: Vec::new(),
            ready: VecDeque::new(),
        }
    }

    /// Fills `out` (interleaved), pulling 20 ms at a time from `pull` (which gets a zeroed buffer).
    pub fn fill<T: FromSample<f32>>(&mut self, out: &mut [T], mut pull: impl FnMut(&mut [i16])) {
        let frames = out.len() / self.out_channels;
        while self.ready.len() < frames {
            self.pull_buffer.fill(0);
            pull(&mut self.pull_buffer);
            self.scratch.clear();
            let input: Vec<f32> = self.pull_buffer.iter().map(|&s| f32::from(s) / 32768.0).collect();
            self.resampler.process(&input, &mut self.scratch);
            self.ready.extend(self.scratch.iter().copied());
        }
        for frame in out.chunks_exact_mut(self.out_channels) {
            let s = self.ready.pop_front().unwrap_or(0.0);
            for o in frame {
                *o = T::from_sample_(s);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// cpal streams

/// Picks a stream configuration: 48 kHz when the device has it (float, then 16-bit, then any
/// format this module converts), else the device's default configuration.
fn choose_config(
    device: &cpal::Device,
    direction: AudioDirection,
) -> Result<(cpal::StreamConfig, SampleFormat), cpal::Error> {
    let ranges: Vec<_> = match direction {
        AudioDirection::Input => device.supported_input_configs()?.collect(),
        AudioDirection::Output => device.supported_output_configs()?.collect(),
    };
    let rank = |f: SampleFormat| match f {
        SampleFormat::F32 => Some(0),
        SampleFormat::I16 => Some(1),
        SampleFormat::I32 => Some(2),
        SampleFormat::F64 => Some(3),
        SampleFormat::U16 => Some(4),
        SampleFormat::I8 => Some(5),
        SampleFormat::U8 => Some(6),
        _ => None,
    };
    let best = ranges
        .iter()
        .filter(|r| rank(r.sample_format()).is_some())
        .filter(|r| (r.min_sample_rate()..=r.max_sample_rate()).contains(&AUDIO_SAMPLE_RATE))
        .min_by_key(|r| (rank(r.sample_format()), r.channels().abs_diff(1).min(r.channels().abs_diff(2))));
    let config = match best {
        Some(r) => r.try_with_sample_rate(AUDIO_SAMPLE_RATE).expect("48 kHz is in the range (filtered above)"),
        None => match direction {
            AudioDirection::Input => device.default_input_config()?,
            AudioDirection::Output => device.default_output_config()?,
        },
    };
    let format = config.sample_format();
    let mut config = config.config();
    config.buffer_size = cpal::BufferSize::Default;
    Ok((config, format))
}

/// Runs `f` once, from whichever thread gets there first.
struct Once<F>(Mutex<Option<F>>);

impl<F: FnOnce(DeviceError)> Once<F> {
    fn new(f: F) -> Arc<Self> {
        Arc::new(Self(Mutex::new(Some(f))))
    }

    fn call(&self, e: DeviceError) {
        let f = self.0.lock().take();
        if let Some(f) = f {
            f(e);
        }
    }
}

/// Whether a stream error means the device is gone (others, like an xrun, are logged).
fn is_fatal(e: &cpal::Error) -> bool {
    matches!(
        e.kind(),
        cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated | cpal::ErrorKind::DeviceChanged
    )
}

/// A real microphone: cpal captures, this converts to 48 kHz 20 ms frames and delivers them on
/// a thread named `zego-mic`. Stopping or dropping it stops both.
pub struct RealMicrophone {
    stream: Option<cpal::Stream>,
    thread: Option<JoinHandle<()>>,
}

impl RealMicrophone {
    /// Opens microphone `id` and delivers 20 ms frames of `channels` interleaved channels to
    /// `on_frame(pcm, index, unix_ms)`. If the device goes away, `on_lost` runs once (on cpal's
    /// thread). Errors when the device is not found or does not open.
    pub fn start(
        id: &str,
        channels: usize,
        mut on_frame: impl FnMut(Vec<i16>, u64, u64) + Send + 'static,
        on_lost: impl FnOnce(DeviceError) + Send + 'static,
    ) -> Result<Self, DeviceError> {
        let _quiet = QuietAlsa::new();
        let host = cpal::default_host();
        let device = find_audio_device(&host, AudioDirection::Input, id)?;
        let (config, format) =
            choose_config(&device, AudioDirection::Input).map_err(|e| DeviceError::from_cpal(id, &e))?;
        let (tx, rx) = mpsc::sync_channel::<Vec<i16>>(MIC_QUEUE_FRAMES);
        let converter = CaptureConverter::new(config.sample_rate, usize::from(config.channels), channels);
        let on_lost = Once::new(on_lost);
        let stream = match format {
            SampleFormat::F32 => build_input::<f32>(&device, config, converter, tx, id, on_lost),
            SampleFormat::I16 => build_input::<i16>(&device, config, converter, tx, id, on_lost),
            SampleFormat::I32 => build_input::<i32>(&device, config, converter, tx, id, on_lost),
            SampleFormat::F64 => build_input::<f64>(&device, config, converter, tx, id, on_lost),
            SampleFormat::U16 => build_input::<u16>(&device, config, converter, tx, id, on_lost),
            SampleFormat::I8 => build_input::<i8>(&device, config, converter, tx, id, on_lost),
            SampleFormat::U8 => build_input::<u8>(&device, config, converter, tx, id, on_lost),
            other => {
                return Err(DeviceError::new(id, FailureKind::Generic, format!("unsupported sample format {other}")))
            }
        }
        .map_err(|e| DeviceError::from_cpal(id, &e))?;
        stream.play().map_err(|e| DeviceError::from_cpal(id, &e))?;
        let thread = std::thread::Builder::new()
            .name("zego-mic".into())
            .spawn(move || {
                for (index, pcm) in rx.iter().enumerate() {
                    on_frame(pcm, index as u64, unix_time_ms());
                }
            })
            .map_err(|e| DeviceError::new(id, FailureKind::Generic, e.to_string()))?;
        Ok(Self { stream: Some(stream), thread: Some(thread) })
    }

    fn stop_all(&mut self) {
        // Dropping the stream ends cpal's thread and with it the queue's sender.
        drop(self.stream.take());
        if let Some(thread) = self.thread.take() {
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }

    /// Stops the microphone (the same as dropping it).
    pub fn stop(mut self) {
        self.stop_all();
    }
}

impl Drop for RealMicrophone {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn build_input<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut converter: CaptureConverter,
    tx: SyncSender<Vec<i16>>,
    id: &str,
    on_lost: Arc<Once<impl FnOnce(DeviceError) + Send + 'static>>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let mut samples = Vec::new();
    let id = id.to_owned();
    device.build_input_stream::<T, _, _>(
        config,
        move |data: &[T], _| {
            samples.clear();
            samples.extend(data.iter().map(|&s| f32::from_sample_(s)));
            converter.push(&samples, |pcm| match tx.try_send(pcm) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => {}
                Err(TrySendError::Full(_)) => tracing::trace!(target: "device", "microphone frame dropped"),
            });
        },
        move |e| {
            if is_fatal(&e) {
                on_lost.call(DeviceError::from_cpal(&id, &e));
            } else {
                tracing::debug!(target: "device", microphone = %id, error = %e, "microphone stream error");
            }
        },
        None,
    )
}

/// A real speaker: cpal plays what `pull` gives, converted to the device's format.
pub struct RealSpeaker {
    _stream: cpal::Stream,
}

impl RealSpeaker {
    /// Opens speaker `id`; its playback thread calls `pull(buffer)` with a zeroed 20 ms buffer of
    /// 48 kHz mono to fill whenever the device needs more. If the device goes away, `on_lost`
    /// runs once (on cpal's thread). Errors when the device is not found or does not open.
    pub fn start(
        id: &str,
        pull: impl FnMut(&mut [i16]) + Send + 'static,
        on_lost: impl FnOnce(DeviceError) + Send + 'static,
    ) -> Result<Self, DeviceError> {
        let _quiet = QuietAlsa::new();
        let host = cpal::default_host();
        let device = find_audio_device(&host, AudioDirection::Output, id)?;
        let (config, format) =
            choose_config(&device, AudioDirection::Output).map_err(|e| DeviceError::from_cpal(id, &e))?;
        let converter = PlayoutConverter::new(config.sample_rate, usize::from(config.channels));
        let on_lost = Once::new(on_lost);
        let stream = match format {
            SampleFormat::F32 => build_output::<f32>(&device, config, converter, pull, id, on_lost),
            SampleFormat::I16 => build_output::<i16>(&device, config, converter, pull, id, on_lost),
            SampleFormat::I32 => build_output::<i32>(&device, config, converter, pull, id, on_lost),
            SampleFormat::F64 => build_output::<f64>(&device, config, converter, pull, id, on_lost),
            SampleFormat::U16 => build_output::<u16>(&device, config, converter, pull, id, on_lost),
            SampleFormat::I8 => build_output::<i8>(&device, config, converter, pull, id, on_lost),
            SampleFormat::U8 => build_output::<u8>(&device, config, converter, pull, id, on_lost),
            other => {
                return Err(DeviceError::new(id, FailureKind::Generic, format!("unsupported sample format {other}")))
            }
        }
        .map_err(|e| DeviceError::from_cpal(id, &e))?;
        stream.play().map_err(|e| DeviceError::from_cpal(id, &e))?;
        Ok(Self { _stream: stream })
    }
}

fn build_output<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut converter: PlayoutConverter,
    mut pull: impl FnMut(&mut [i16]) + Send + 'static,
    id: &str,
    on_lost: Arc<Once<impl FnOnce(DeviceError) + Send + 'static>>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let id = id.to_owned();
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], _| converter.fill(data, &mut pull),
        move |e| {
            if is_fatal(&e) {
                on_lost.call(DeviceError::from_cpal(&id, &e));
            } else {
                tracing::debug!(target: "device", speaker = %id, error = %e, "speaker stream error");
            }
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::goertzel::dominant_frequency;
    use crate::media::tone::Tone;

    #[test]
    fn resampler_keeps_rate_and_frequency() {
        let mut tone = Tone::new(1000.0, -6.0, 44_100, 1);
        let mut r = Resampler::new(44_100, 48_000);
        let mut out = Vec::new();
        // Odd chunk sizes: the state carries across calls.
        for chunk in [441, 100, 1000, 2869].iter().cycle().take(40) {
            let input: Vec<f32> = tone.next_frame(*chunk).iter().map(|&s| f32::from(s) / 32768.0).collect();
            r.process(&input, &mut out);
        }
        let consumed: usize = [441, 100, 1000, 2869].iter().cycle().take(40).sum();
        let expected = consumed as f64 * 48_000.0 / 44_100.0;
        assert!((out.len() as f64 - expected).abs() <= 2.0, "{} vs {expected}", out.len());
        let pcm: Vec<i16> = out.iter().map(|&s| f32_to_i16(s)).collect();
        let f = dominant_frequency(&pcm[pcm.len() - 48_000..], 1, 48_000, 200.0, 4000.0, 5.0);
        assert!((f - 1000.0).abs() <= 10.0, "{f}");
    }

    #[test]
    fn resampler_at_equal_rates_is_the_identity() {
        let mut r = Resampler::new(48_000, 48_000);
        let mut out = Vec::new();
        r.process(&[0.1, 0.2, 0.3], &mut out);
        assert_eq!(out, vec![0.1, 0.2, 0.3]);
    }

    #[test]
    fn capture_converter_makes_48k_20ms_frames_from_stereo_44k() {
        let mut tone = Tone::new(440.0, -12.0, 44_100, 2);
        let mut conv = CaptureConverter::new(44_100, 2, 1);
        let mut frames = Vec::new();
        for _ in 0..100 {
            let input: Vec<f32> = tone.next_frame(441).iter().map(|&s| f32::from(s) / 32768.0).collect();
            conv.push(&input, |f| frames.push(f));
        }
        // 1 s of input gives 50 frames, give or take the one in progress.
        assert!((49..=50).contains(&frames.len()), "{}", frames.len());
        assert!(frames.iter().all(|f| f.len() == AUDIO_FRAME_SAMPLES));
        let pcm: Vec<i16> = frames.concat();
        let f = dominant_frequency(&pcm, 1, 48_000, 100.0, 2000.0, 5.0);
        assert!((f - 440.0).abs() <= 5.0, "{f}");
        // Stereo out duplicates the channel.
        let mut conv = CaptureConverter::new(48_000, 1, 2);
        let mut got = Vec::new();
        conv.push(&vec![0.5; 960], |f| got.push(f));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].len(), 1920);
        assert!(got[0].iter().all(|&s| s == 16384));
    }

    #[test]
    fn playout_converter_pulls_20ms_and_fills_any_buffer() {
        let mut conv = PlayoutConverter::new(48_000, 2);
        let mut pulls = 0;
        let mut out = vec![0f32; 2 * 500];
        for _ in 0..4 {
            conv.fill(&mut out, |buf| {
                assert_eq!(buf.len(), 960);
                assert!(buf.iter().all(|&s| s == 0));
                buf.fill(16384);
                pulls += 1;
            });
            assert!(out.chunks_exact(2).all(|f| f[0] == 0.5 && f[1] == 0.5));
        }
        // 2000 frames need 3 pulls of 960.
        assert_eq!(pulls, 3);
        let mut conv = PlayoutConverter::new(44_100, 1);
        let mut out = vec![0i16; 4410];
        let mut pulled = 0;
        conv.fill(&mut out, |buf| {
            buf.fill(1000);
            pulled += buf.len();
        });
        assert!(pulled >= 4800 && out.iter().skip(1).all(|&s| (s - 1000).abs() <= 1), "{pulled}");
    }

    #[test]
    fn camera_ids_round_trip() {
        use nokhwa::utils::CameraIndex;
        assert_eq!(parse_camera_id("nokhwa:0"), Some(CameraIndex::Index(0)));
        assert_eq!(parse_camera_id("nokhwa:abc"), Some(CameraIndex::String("abc".into())));
        assert_eq!(parse_camera_id("nokhwa:"), None);
        assert_eq!(parse_camera_id(VIRTUAL_CAMERA_ID), None);
    }

    #[test]
    fn format_pick_prefers_the_asked_size_then_rate() {
        let c = [(1920, 1080, 30), (640, 480, 30), (640, 360, 15), (640, 360, 30), (320, 180, 30)];
        assert_eq!(pick_format(&c, 640, 360, 30), Some(3));
        assert_eq!(pick_format(&c, 640, 360, 25), Some(3));
        // 1920x1080 is 2.25x the area, 640x480 a third: the larger is nearer.
        assert_eq!(pick_format(&c, 1280, 720, 30), Some(0));
        assert_eq!(pick_format(&[], 640, 360, 30), None);
    }

    #[test]
    fn listing_works_without_devices_and_leaves_out_alsa_null() {
        for direction in [AudioDirection::Input, AudioDirection::Output] {
            let list = audio_devices(direction);
            assert!(list.devices.iter().all(|d| d.id != "alsa:null"), "{list:?}");
            if let Some(id) = list.default_id() {
                assert!(list.contains(id));
            }
        }
        for camera in cameras() {
            assert!(parse_camera_id(&camera.id).is_some(), "{camera:?}");
        }
    }

    #[test]
    fn unknown_devices_do_not_open() {
        let e = RealCamera::start("no-such-camera", 640, 360, 30, |_, _, _| {}, |_| {}).err().unwrap();
        assert_eq!(e.kind, FailureKind::InvalidId);
        let e = RealMicrophone::start("alsa:no-such-pcm-zego", 1, |_, _, _| {}, |_| {}).err().unwrap();
        assert_eq!(e.kind, FailureKind::Unplugged);
        let e = RealSpeaker::start("garbage", |_| {}, |_| {}).err().unwrap();
        assert_eq!(e.kind, FailureKind::InvalidId);
    }

    /// Whether ALSA's `null` PCM exists (it does wherever alsa-lib is installed).
    fn alsa_null_exists() -> bool {
        let host = cpal::default_host();
        host.devices().is_ok_and(|mut d| d.any(|d| d.id().is_ok_and(|id| id.to_string() == "alsa:null")))
    }

    /// The real microphone path (cpal stream, conversion, delivery thread) against ALSA's `null`
    /// PCM, which opens everywhere and captures silence.
    #[test]
    fn real_microphone_path_delivers_20ms_frames_from_alsa_null() {
        if !alsa_null_exists() {
            eprintln!("no alsa:null here; skipped");
            return;
        }
        let (tx, rx) = mpsc::sync_channel(100);
        let mic = RealMicrophone::start(
            "alsa:null",
            2,
            move |pcm, index, _| {
                let _ = tx.try_send((pcm, index, std::thread::current().name().map(str::to_owned)));
            },
            |e| panic!("lost: {e}"),
        )
        .expect("alsa:null opens for capture");
        for i in 0..5 {
            let (pcm, index, thread) = rx.recv_timeout(Duration::from_secs(10)).expect("frames arrive");
            assert_eq!(index, i);
            assert_eq!(pcm.len(), AUDIO_FRAME_SAMPLES * 2);
            assert!(pcm.iter().all(|&s| s.abs() <= 1), "silence");
            assert_eq!(thread.as_deref(), Some("zego-mic"));
        }
        mic.stop();
    }

    /// The real speaker path (cpal stream, conversion) against ALSA's `null` PCM.
    #[test]
    fn real_speaker_path_pulls_20ms_from_its_source_into_alsa_null() {
        if !alsa_null_exists() {
            eprintln!("no alsa:null here; skipped");
            return;
        }
        let (tx, rx) = mpsc::sync_channel(100);
        let speaker = RealSpeaker::start(
            "alsa:null",
            move |buf| {
                let _ = tx.try_send(buf.len());
                buf.fill(1000);
            },
            |e| panic!("lost: {e}"),
        )
        .expect("alsa:null opens for playback");
        for _ in 0..5 {
            assert_eq!(rx.recv_timeout(Duration::from_secs(10)).expect("pulls"), AUDIO_FRAME_SAMPLES);
        }
        drop(speaker);
    }

    /// ALSA's `default` PCM is cpal's default device; without a sound card it does not open,
    /// quietly, and the error says the device is not there.
    #[test]
    fn alsa_default_without_a_sound_card_fails_quietly() {
        if std::path::Path::new("/dev/snd").exists() || !cfg!(target_os = "linux") {
            eprintln!("a sound card may exist here; skipped");
            return;
        }
        assert_eq!(audio_devices(AudioDirection::Output).system_default.as_deref(), Some("alsa:default"));
        let e = RealSpeaker::start("alsa:default", |_| {}, |_| {}).err().expect("does not open");
        assert_eq!(e.kind, FailureKind::Unplugged);
        let e = RealMicrophone::start("alsa:default", 1, |_, _, _| {}, |_| {}).err().expect("does not open");
        assert_eq!(e.kind, FailureKind::Unplugged);
    }
}
