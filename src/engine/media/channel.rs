//! One publish channel: its configuration, capture (the chosen camera and
//! microphone, real or virtual, or frames the host sends) and the hand-off of
//! captured media to the publish pipeline.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;

use parking_lot::Mutex;

use super::devices::{Camera, Devices, Microphone};
use super::publish::AudioSink;
use crate::engine::event::{Event, VideoFrameRef};
use crate::engine::{AudioConfig, EventSender, VideoConfig};
use crate::media::frame::VideoFrame;

/// Frames waiting for the encoder; a full queue drops the newest frame (the
/// encoder is behind, so an older one would be stale anyway).
pub const ENCODER_QUEUE_FRAMES: usize = 2;

/// Capture-side state of a channel.
struct Capture {
    video: VideoConfig,
    audio: AudioConfig,
    previewing: bool,
    preview_view: usize,
    publishing: bool,
    custom_video: bool,
    custom_audio: bool,
    camera_enabled: bool,
    camera: Option<Camera>,
    microphone: Option<Microphone>,
}

/// A publish channel (MAIN, AUX, ...).
pub struct ChannelMedia {
    pub index: i32,
    events: EventSender,
    capture: Mutex<Capture>,
    /// The encoder's input while publishing.
    encoder_input: Mutex<Option<SyncSender<VideoFrame>>>,
    /// The audio encoder and track while publishing.
    audio_sink: Mutex<Option<AudioSink>>,
    pub mute_video: AtomicBool,
    pub mute_audio: AtomicBool,
    /// Shared by every channel of the engine: the microphone captures silence.
    microphone_muted: Arc<AtomicBool>,
    /// The engine's device choices.
    devices: Arc<Devices>,
    first_video_captured: AtomicBool,
    first_audio_captured: AtomicBool,
    /// Host PCM not yet making up a whole 20 ms frame.
    custom_pcm: Mutex<Vec<i16>>,
    /// Frames and 20 ms audio frames captured, for quality reports.
    pub captured_video: AtomicU64,
    pub captured_audio: AtomicU64,
}

impl ChannelMedia {
    pub fn new(index: i32, events: EventSender, microphone_muted: Arc<AtomicBool>, devices: Arc<Devices>) -> Arc<Self> {
        Arc::new(Self {
            index,
            events,
            capture: Mutex::new(Capture {
                video: VideoConfig::default(),
                audio: AudioConfig::default(),
                previewing: false,
                preview_view: 0,
                publishing: false,
                custom_video: false,
                custom_audio: false,
                camera_enabled: true,
                camera: None,
                microphone: None,
            }),
            encoder_input: Mutex::new(None),
            audio_sink: Mutex::new(None),
            mute_video: AtomicBool::new(false),
            mute_audio: AtomicBool::new(false),
            microphone_muted,
            devices,
            first_video_captured: AtomicBool::new(false),
            first_audio_captured: AtomicBool::new(false),
            custom_pcm: Mutex::new(Vec::new()),
            captured_video: AtomicU64::new(0),
            captured_audio: AtomicU64::new(0),
        })
    }

    pub fn video_config(&self) -> VideoConfig {
        self.capture.lock().video
    }

    pub fn audio_config(&self) -> AudioConfig {
        self.capture.lock().audio
    }

    /// Changes the configuration; a running camera restarts at the new capture size.
    pub fn set_video_config(self: &Arc<Self>, config: VideoConfig) {
        let restart = {
            let mut c = self.capture.lock();
            let restart = (c.video.capture_width, c.video.capture_height, c.video.fps)
                != (config.capture_width, config.capture_height, config.fps);
            c.video = config;
            restart && c.camera.is_some()
        };
        if restart {
            // Dropped after the lock is released (its thread calls back into this channel).
            let old = self.capture.lock().camera.take();
            drop(old);
            self.update_capture();
        }
    }

    pub fn set_audio_config(&self, config: AudioConfig) {
        self.capture.lock().audio = config;
    }

    pub fn set_preview(self: &Arc<Self>, on: bool, view: usize) {
        {
            let mut c = self.capture.lock();
            c.previewing = on;
            c.preview_view = view;
        }
        self.update_capture();
    }

    pub fn set_publishing(self: &Arc<Self>, on: bool) {
        self.capture.lock().publishing = on;
        self.update_capture();
    }

    pub fn set_custom_video(self: &Arc<Self>, on: bool) {
        self.capture.lock().custom_video = on;
        self.update_capture();
    }

    pub fn custom_video(&self) -> bool {
        self.capture.lock().custom_video
    }

    /// Custom audio replaces the microphone: the host sends PCM.
    pub fn set_custom_audio(self: &Arc<Self>, on: bool) {
        self.capture.lock().custom_audio = on;
        self.custom_pcm.lock().clear();
        self.update_capture();
    }

    /// PCM from the host (48 kHz, interleaved, `channels` 1 or 2): converted to
    /// the encoder's channel count and cut into 20 ms frames. False when
    /// custom audio is off.
    pub fn push_custom_audio(&self, pcm: &[i16], channels: usize) -> bool {
        let (enabled, out_channels) = {
            let c = self.capture.lock();
            (c.custom_audio, c.audio.channel.clamp(1, 2) as usize)
        };
        if !enabled {
            return false;
        }
        let frame_len = crate::media::AUDIO_FRAME_SAMPLES * out_channels;
        let frames: Vec<Vec<i16>> = {
            let mut pending = self.custom_pcm.lock();
            match (channels, out_channels) {
                (1, 2) => pending.extend(pcm.iter().flat_map(|&s| [s, s])),
                (2, 1) => pending.extend(pcm.chunks_exact(2).map(|p| ((p[0] as i32 + p[1] as i32) / 2) as i16)),
                _ => pending.extend_from_slice(pcm),
            }
            let whole = pending.len() / frame_len * frame_len;
            pending.drain(..whole).collect::<Vec<_>>().chunks(frame_len).map(<[i16]>::to_vec).collect()
        };
        frames.into_iter().for_each(|f| self.on_audio_captured(f));
        true
    }

    /// ZEGO's remote device states of this channel's camera and microphone:
    /// 0 open, 9 disabled (camera off), 10 muted.
    pub fn device_states(&self) -> (i32, i32) {
        const OPEN: i32 = 0;
        const DISABLE: i32 = 9;
        const MUTE: i32 = 10;
        let camera = if !self.capture.lock().camera_enabled {
            DISABLE
        } else if self.mute_video.load(Ordering::Relaxed) {
            MUTE
        } else {
            OPEN
        };
        let muted = self.mute_audio.load(Ordering::Relaxed) || self.microphone_muted.load(Ordering::Relaxed);
        (camera, if muted { MUTE } else { OPEN })
    }

    pub fn enable_camera(self: &Arc<Self>, on: bool) {
        self.capture.lock().camera_enabled = on;
        self.update_capture();
    }

    /// Stops a running camera and starts it again (another device was chosen).
    pub fn restart_camera(self: &Arc<Self>) {
        let old = self.capture.lock().camera.take();
        if old.is_some() {
            // Dropped after the lock is released (its thread calls back into this channel).
            drop(old);
            self.update_capture();
        }
    }

    /// Stops a running microphone and starts it again (another device was chosen).
    pub fn restart_microphone(self: &Arc<Self>) {
        let old = self.capture.lock().microphone.take();
        if old.is_some() {
            drop(old);
            self.update_capture();
        }
    }

    /// Starts or stops the camera and microphone to match the state:
    /// video is captured while previewing or publishing, audio while publishing.
    /// Devices are stopped (joined) after the lock is released: their
    /// threads call back into this channel.
    fn update_capture(self: &Arc<Self>) {
        let (old_camera, old_microphone) = {
            let mut c = self.capture.lock();
            let want_camera = (c.previewing || c.publishing) && c.camera_enabled && !c.custom_video;
            // Only the main channel has the microphone, as in ZEGO's default.
            let want_microphone = c.publishing && self.index == 0 && !c.custom_audio;
            if want_camera && c.camera.is_none() {
                c.camera = self.start_camera(c.video);
            }
            if want_microphone && c.microphone.is_none() {
                c.microphone = self.start_microphone(c.audio);
            }
            let camera = if want_camera { None } else { c.camera.take() };
            let microphone = if want_microphone { None } else { c.microphone.take() };
            (camera, microphone)
        };
        drop(old_camera);
        drop(old_microphone);
    }

    /// Starts the chosen camera (the virtual one if the chosen one does not open).
    fn start_camera(self: &Arc<Self>, v: VideoConfig) -> Option<Camera> {
        let me = Arc::downgrade(self);
        let (w, h, fps) = (v.capture_width as u32, v.capture_height as u32, v.fps as u32);
        let sink = Arc::new(move |frame| {
            if let Some(me) = me.upgrade() {
                me.on_video_captured(frame);
            }
        });
        self.devices
            .start_camera(self.index as usize, w, h, fps, sink)
            .map_err(|e| tracing::error!(channel = self.index, error = %e, "camera did not start"))
            .ok()
    }

    /// Starts the chosen microphone (the virtual one if the chosen one does not open).
    fn start_microphone(self: &Arc<Self>, a: AudioConfig) -> Option<Microphone> {
        let me = Arc::downgrade(self);
        let sink = Arc::new(move |pcm| {
            if let Some(me) = me.upgrade() {
                me.on_audio_captured(pcm);
            }
        });
        self.devices
            .start_microphone(a.channel as usize, sink)
            .map_err(|e| tracing::error!(channel = self.index, error = %e, "microphone did not start"))
            .ok()
    }

    /// A captured or host-sent frame: preview, then the encoder.
    pub fn on_video_captured(&self, frame: VideoFrame) {
        self.captured_video.fetch_add(1, Ordering::Relaxed);
        if !self.first_video_captured.swap(true, Ordering::AcqRel) {
            self.events.send(Event::PublisherCapturedVideoFirstFrame { channel: self.index });
        }
        let frame = Arc::new(frame);
        let view = self.capture.lock().preview_view;
        if view != 0 {
            self.events.send_media(Event::CapturedVideoFrame {
                channel: self.index,
                frame: VideoFrameRef(frame.clone()),
                view,
            });
        }
        if let Some(tx) = self.encoder_input.lock().as_ref() {
            match tx.try_send(Arc::unwrap_or_clone(frame)) {
                Ok(()) | Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => {}
            }
        }
    }

    fn on_audio_captured(&self, mut pcm: Vec<i16>) {
        self.captured_audio.fetch_add(1, Ordering::Relaxed);
        if !self.first_audio_captured.swap(true, Ordering::AcqRel) {
            self.events.send(Event::PublisherCapturedAudioFirstFrame);
        }
        if self.microphone_muted.load(Ordering::Relaxed) {
            pcm.fill(0);
        }
        if self.mute_audio.load(Ordering::Relaxed) {
            return;
        }
        if let Some(sink) = self.audio_sink.lock().as_mut() {
            sink.send(&pcm);
        }
    }

    /// Connects (or disconnects) the publish pipeline.
    pub fn attach(&self, encoder_input: Option<SyncSender<VideoFrame>>, audio: Option<AudioSink>) {
        *self.encoder_input.lock() = encoder_input;
        *self.audio_sink.lock() = audio;
    }
}
