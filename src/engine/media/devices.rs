//! The devices of one engine: which camera (per channel), microphone and speaker are chosen, the
//! lists the host sees, and the running devices.
//!
//! Lists hold the real devices ([`crate::media::devices`]) followed by the virtual device of the
//! kind. A device never chosen is the default: the first real device listed (for audio the
//! system default when it is listed), else the virtual one. Setting the environment variable
//! [`DEVICES_ENV`] to `virtual` makes the virtual devices the defaults even where real ones exist
//! (tests that check the tone and the stamp on a machine with a webcam); real devices stay
//! selectable by id.
//!
//! A running device ([`Running`]) is the chosen real device, or the virtual one when the real one
//! did not open or went away. Each such failure is reported once, as
//! [`Event::LocalDeviceExceptionOccurred`]: at most one event per device per start, so a
//! missing device never turns into an error storm. Nothing is reported while virtual devices run.
//!
//! The engine's device API (`Engine::use_video_device` and the rest) is implemented at the end of
//! this file, next to the state it changes.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::error_code as ec;

use super::playout::PLAYOUT_CHANNELS;
use crate::engine::event::{DeviceExceptionType, DeviceType, Event};
use crate::engine::{Engine, EventSender};
use crate::media::devices::{
    self as real, AudioDirection, DeviceError, DeviceInfo, FailureKind, RealCamera, RealMicrophone, RealSpeaker,
    VIRTUAL_CAMERA_ID,
};
use crate::media::frame::VideoFrame;
use crate::media::tone::{NullSpeaker, Tone, VirtualMicrophone};
use crate::media::virtual_camera::VirtualCamera;
use crate::media::AUDIO_SAMPLE_RATE;

/// Environment variable: `virtual` makes the virtual devices the defaults.
pub const DEVICES_ENV: &str = "ZEGO_DEVICES";

/// Where captured video goes (the channel's capture path).
pub type VideoSink = Arc<dyn Fn(VideoFrame) + Send + Sync>;
/// Where captured 20 ms audio frames go.
pub type AudioSink = Arc<dyn Fn(Vec<i16>) + Send + Sync>;
/// What the speaker pulls 20 ms of 48 kHz mono from (the mixer).
pub type PullSource = Arc<dyn Fn(&mut [i16]) + Send + Sync>;

/// The running camera of a channel.
pub type Camera = Running<RealCamera, VirtualCamera>;
/// The running microphone.
pub type Microphone = Running<RealMicrophone, VirtualMicrophone>;
/// The running speaker.
pub type Speaker = Running<RealSpeaker, NullSpeaker>;

#[derive(Default)]
struct Selection {
    /// Channel -> chosen camera id.
    cameras: HashMap<usize, String>,
    microphone: Option<String>,
    speaker: Option<String>,
}

/// Device choices of one engine, and the factory of its running devices.
pub struct Devices {
    events: EventSender,
    /// [`DEVICES_ENV`] said `virtual`.
    virtual_defaults: bool,
    selection: Mutex<Selection>,
}

impl Devices {
    pub fn new(events: EventSender) -> Arc<Self> {
        let virtual_defaults = std::env::var(DEVICES_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("virtual"));
        Arc::new(Self { events, virtual_defaults, selection: Mutex::new(Selection::default()) })
    }

    /// Cameras: the real ones, then the virtual camera.
    pub fn video_devices(&self) -> Vec<DeviceInfo> {
        let mut list = real::cameras();
        list.push(DeviceInfo::virtual_camera());
        list
    }

    /// Microphones or speakers: the real ones, then the virtual one.
    pub fn audio_devices(&self, direction: AudioDirection) -> Vec<DeviceInfo> {
        let mut list = real::audio_devices(direction).devices;
        list.push(DeviceInfo::virtual_audio(direction));
        list
    }

    /// The camera used when none was chosen.
    pub fn default_video_device_id(&self) -> String {
        if self.virtual_defaults {
            return VIRTUAL_CAMERA_ID.into();
        }
        real::cameras().into_iter().next().map_or_else(|| VIRTUAL_CAMERA_ID.into(), |d| d.id)
    }

    /// The microphone or speaker used when none was chosen.
    pub fn default_audio_device_id(&self, direction: AudioDirection) -> String {
        if self.virtual_defaults {
            return direction.virtual_id().into();
        }
        real::audio_devices(direction).default_id().unwrap_or(direction.virtual_id()).to_owned()
    }

    /// Chooses the camera of `channel`; returns whether the choice changed. 1006002 for an id
    /// that names no camera.
    pub fn select_video(&self, channel: usize, id: &str) -> Result<bool, i32> {
        if id != VIRTUAL_CAMERA_ID && !real::cameras().iter().any(|d| d.id == id) {
            return Err(ec::DEVICE_ERROR_TYPE_INVALID_ID);
        }
        let mut s = self.selection.lock();
        let old = s.cameras.insert(channel, id.to_owned());
        Ok(old.as_deref() != Some(id))
    }

    /// Chooses the microphone or speaker; returns whether the choice changed. 1006002 for an id
    /// that names no device of the direction (the system default, "alsa:default" on Linux, is
    /// accepted even when not listed; if it does not open, capture falls back and reports it).
    pub fn select_audio(&self, direction: AudioDirection, id: &str) -> Result<bool, i32> {
        if id != direction.virtual_id() && !real::audio_devices(direction).contains(id) {
            return Err(ec::DEVICE_ERROR_TYPE_INVALID_ID);
        }
        let mut s = self.selection.lock();
        let slot = match direction {
            AudioDirection::Input => &mut s.microphone,
            AudioDirection::Output => &mut s.speaker,
        };
        let old = slot.replace(id.to_owned());
        Ok(old.as_deref() != Some(id))
    }

    fn camera_id(&self, channel: usize) -> String {
        let chosen = self.selection.lock().cameras.get(&channel).cloned();
        chosen.unwrap_or_else(|| self.default_video_device_id())
    }

    fn audio_id(&self, direction: AudioDirection) -> String {
        let chosen = {
            let s = self.selection.lock();
            match direction {
                AudioDirection::Input => s.microphone.clone(),
                AudioDirection::Output => s.speaker.clone(),
            }
        };
        chosen.unwrap_or_else(|| self.default_audio_device_id(direction))
    }

    /// Starts the camera of `channel` at (about) `width` x `height`, `fps`.
    pub fn start_camera(
        &self,
        channel: usize,
        width: u32,
        height: u32,
        fps: u32,
        sink: VideoSink,
    ) -> io::Result<Camera> {
        let real_sink = sink.clone();
        Running::start(
            &self.events,
            DeviceType::Camera,
            self.camera_id(channel),
            VIRTUAL_CAMERA_ID,
            move |id, lost| RealCamera::start(id, width, height, fps, move |f, _, _| real_sink(f), lost),
            move || {
                let sink = sink.clone();
                VirtualCamera::start(width, height, fps, move |f, _, _| sink(f))
            },
        )
    }

    /// Starts the microphone, delivering 20 ms frames of `channels` interleaved channels.
    pub fn start_microphone(&self, channels: usize, sink: AudioSink) -> io::Result<Microphone> {
        let real_sink = sink.clone();
        Running::start(
            &self.events,
            DeviceType::Microphone,
            self.audio_id(AudioDirection::Input),
            AudioDirection::Input.virtual_id(),
            move |id, lost| RealMicrophone::start(id, channels, move |pcm, _, _| real_sink(pcm), lost),
            move || {
                let sink = sink.clone();
                let tone = Tone::new(440.0, -12.0, AUDIO_SAMPLE_RATE, channels);
                VirtualMicrophone::start(tone, move |pcm, _, _| sink(pcm))
            },
        )
    }

    /// Starts the speaker, pulling 20 ms of 48 kHz mono at a time from `pull`.
    pub fn start_speaker(&self, pull: PullSource) -> io::Result<Speaker> {
        let real_pull = pull.clone();
        Running::start(
            &self.events,
            DeviceType::Speaker,
            self.audio_id(AudioDirection::Output),
            AudioDirection::Output.virtual_id(),
            move |id, lost| RealSpeaker::start(id, move |out| real_pull(out), lost),
            move || {
                let pull = pull.clone();
                NullSpeaker::start(AUDIO_SAMPLE_RATE, PLAYOUT_CHANNELS, move |out| pull(out))
            },
        )
    }
}

/// Reports a failed device to the host.
fn report(events: &EventSender, device_type: DeviceType, e: &DeviceError) {
    tracing::warn!(target: "device", ?device_type, device = %e.id, error = %e.message, "device failed; using the virtual one");
    let exception_type = match e.kind {
        FailureKind::Generic => DeviceExceptionType::Generic,
        FailureKind::InvalidId => DeviceExceptionType::InvalidId,
        FailureKind::PermissionDenied => DeviceExceptionType::PermissionNotGranted,
        FailureKind::Occupied => DeviceExceptionType::DeviceOccupied,
        FailureKind::Unplugged => DeviceExceptionType::DeviceUnplugged,
    };
    events.send(Event::LocalDeviceExceptionOccurred { exception_type, device_type, device_id: e.id.clone() });
}

/// The device a [`Running`] currently drives.
pub enum Active<R, V> {
    Real(R),
    Virtual(V),
}

struct Slot<R, V> {
    stopped: bool,
    active: Option<Active<R, V>>,
}

/// A running device of one kind: the chosen real device `R`, or the virtual device `V` after the
/// real one failed. Dropping it stops whichever runs (joining its threads, so not from inside
/// the device's own callback).
pub struct Running<R: Send + 'static, V: Send + 'static> {
    slot: Arc<Mutex<Slot<R, V>>>,
}

impl<R: Send + 'static, V: Send + 'static> Running<R, V> {
    /// Opens device `id` with `open_real` (or `open_virtual` when `id` is `virtual_id`); when the
    /// real device fails to open, reports it and opens the virtual one instead. `open_real` gets
    /// a handler to call if the device later goes away: that reports too (unless this start
    /// already did) and swaps in the virtual device. Errors only when the virtual device does
    /// not start (a thread could not be spawned).
    fn start(
        events: &EventSender,
        device_type: DeviceType,
        id: String,
        virtual_id: &str,
        open_real: impl FnOnce(&str, Box<dyn FnOnce(DeviceError) + Send>) -> Result<R, DeviceError>,
        open_virtual: impl Fn() -> io::Result<V> + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let slot = Arc::new(Mutex::new(Slot { stopped: false, active: None }));
        if id == virtual_id {
            slot.lock().active = Some(Active::Virtual(open_virtual()?));
            return Ok(Self { slot });
        }
        let open_virtual = Arc::new(open_virtual);
        let reported = Arc::new(AtomicBool::new(false));
        let lost =
            lost_handler(Arc::downgrade(&slot), events.clone(), device_type, reported.clone(), open_virtual.clone());
        match open_real(&id, lost) {
            Ok(device) => {
                let mut s = slot.lock();
                // The device may already have been lost (and replaced) while it was starting.
                if s.active.is_none() {
                    s.active = Some(Active::Real(device));
                } else {
                    drop(s);
                    drop(device);
                }
                tracing::info!(target: "device", ?device_type, device = %id, "real device started");
            }
            Err(e) => {
                if !reported.swap(true, Ordering::AcqRel) {
                    report(events, device_type, &e);
                }
                let fallback = open_virtual()?;
                let mut s = slot.lock();
                if s.active.is_none() {
                    s.active = Some(Active::Virtual(fallback));
                }
            }
        }
        Ok(Self { slot })
    }

    /// Whether the virtual device runs (chosen, or in place of a failed real one).
    #[cfg(test)]
    pub fn is_virtual(&self) -> bool {
        matches!(self.slot.lock().active, Some(Active::Virtual(_)))
    }
}

/// What a real device calls when it goes away (on its own thread).
fn lost_handler<R: Send + 'static, V: Send + 'static>(
    slot: Weak<Mutex<Slot<R, V>>>,
    events: EventSender,
    device_type: DeviceType,
    reported: Arc<AtomicBool>,
    open_virtual: Arc<impl Fn() -> io::Result<V> + Send + Sync + 'static>,
) -> Box<dyn FnOnce(DeviceError) + Send> {
    Box::new(move |e: DeviceError| {
        let Some(slot) = slot.upgrade() else { return };
        let mut s = slot.lock();
        if s.stopped {
            return;
        }
        if !reported.swap(true, Ordering::AcqRel) {
            report(&events, device_type, &e);
        }
        let fallback = match open_virtual() {
            Ok(v) => Some(Active::Virtual(v)),
            Err(err) => {
                tracing::error!(target: "device", error = %err, "virtual device did not start");
                None
            }
        };
        let old = std::mem::replace(&mut s.active, fallback);
        drop(s);
        // This may be the lost device's own thread, which cannot join itself: stop it elsewhere.
        if let Some(old) = old {
            let _ = std::thread::Builder::new().name("zego-device-stop".into()).spawn(move || drop(old));
        }
    })
}

impl<R: Send + 'static, V: Send + 'static> Drop for Running<R, V> {
    fn drop(&mut self) {
        let active = {
            let mut s = self.slot.lock();
            s.stopped = true;
            s.active.take()
        };
        drop(active);
    }
}

/// The device API of [`Engine`] (here, next to the state it changes).
impl Engine {
    /// Cameras: the real ones, then the virtual camera.
    pub fn video_device_list(&self) -> Vec<DeviceInfo> {
        self.media.devices.video_devices()
    }

    /// Microphones (`Input`) or speakers (`Output`): the real ones, then the virtual one.
    pub fn audio_device_list(&self, direction: AudioDirection) -> Vec<DeviceInfo> {
        self.media.devices.audio_devices(direction)
    }

    /// The camera used by channels that did not choose one.
    pub fn default_video_device_id(&self) -> String {
        self.media.devices.default_video_device_id()
    }

    /// The microphone or speaker used when none was chosen.
    pub fn default_audio_device_id(&self, direction: AudioDirection) -> String {
        self.media.devices.default_audio_device_id(direction)
    }

    /// Chooses the camera of `channel`; a running camera switches at once. 1006002 for an
    /// unknown id, 1000017 for a bad channel.
    pub fn use_video_device(&self, device_id: &str, channel: i32) -> Result<(), i32> {
        let channel = Self::check_channel(channel)?;
        if self.media.devices.select_video(channel, device_id)? {
            self.media.channels[channel].restart_camera();
        }
        Ok(())
    }

    /// Chooses the microphone or speaker; a running one switches at once. 1006002 for an
    /// unknown id.
    pub fn use_audio_device(&self, direction: AudioDirection, device_id: &str) -> Result<(), i32> {
        if device_id.is_empty() {
            return Err(ec::DEVICE_ERROR_TYPE_INVALID_ID);
        }
        if self.media.devices.select_audio(direction, device_id)? {
            match direction {
                AudioDirection::Input => self.media.channels.iter().for_each(|c| c.restart_microphone()),
                AudioDirection::Output => self.media.playout.restart_speaker(),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// An engine-less event sender: the callback thread records the events.
    fn recorder() -> (EventSender, Arc<Mutex<Vec<Event>>>, crate::engine::callback_thread::CallbackThread) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let thread = crate::engine::callback_thread::CallbackThread::spawn(
            "test-cb".into(),
            Box::new(move |e| sink.lock().push(e)),
        )
        .unwrap();
        (thread.sender(), seen, thread)
    }

    fn exceptions(seen: &Mutex<Vec<Event>>) -> Vec<(DeviceExceptionType, DeviceType, String)> {
        seen.lock()
            .iter()
            .filter_map(|e| match e {
                Event::LocalDeviceExceptionOccurred { exception_type, device_type, device_id } => {
                    Some((*exception_type, *device_type, device_id.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn wait_for(pred: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !pred() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_device_that_does_not_open_is_reported_once_and_replaced() {
        let (events, seen, _thread) = recorder();
        let running: Running<(), u32> = Running::start(
            &events,
            DeviceType::Microphone,
            "real-mic".into(),
            "virtual",
            |id, _lost| Err(DeviceError { id: id.into(), kind: FailureKind::Occupied, message: "busy".into() }),
            || Ok(7),
        )
        .unwrap();
        assert!(running.is_virtual());
        wait_for(|| !exceptions(&seen).is_empty());
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            exceptions(&seen),
            vec![(DeviceExceptionType::DeviceOccupied, DeviceType::Microphone, "real-mic".into())]
        );
    }

    #[test]
    fn a_lost_device_is_reported_once_and_replaced() {
        let (events, seen, _thread) = recorder();
        type LostHandler = Box<dyn FnOnce(DeviceError) + Send>;
        let lost_slot: Arc<Mutex<Option<LostHandler>>> = Arc::new(Mutex::new(None));
        let keep = lost_slot.clone();
        let running: Running<&'static str, u32> = Running::start(
            &events,
            DeviceType::Camera,
            "cam".into(),
            "virtual",
            move |_, lost| {
                *keep.lock() = Some(lost);
                Ok("real")
            },
            || Ok(1),
        )
        .unwrap();
        assert!(!running.is_virtual());
        let lost = lost_slot.lock().take().unwrap();
        lost(DeviceError { id: "cam".into(), kind: FailureKind::Unplugged, message: "gone".into() });
        assert!(running.is_virtual());
        wait_for(|| !exceptions(&seen).is_empty());
        assert_eq!(exceptions(&seen), vec![(DeviceExceptionType::DeviceUnplugged, DeviceType::Camera, "cam".into())]);
    }

    #[test]
    fn the_virtual_device_reports_nothing() {
        let (events, seen, _thread) = recorder();
        let running: Running<(), u32> = Running::start(
            &events,
            DeviceType::Speaker,
            "virtual".into(),
            "virtual",
            |_, _| panic!("the real device is not opened"),
            || Ok(3),
        )
        .unwrap();
        assert!(running.is_virtual());
        std::thread::sleep(Duration::from_millis(50));
        assert!(exceptions(&seen).is_empty());
    }
}
