//! Audio playout: each played stream has a small jitter buffer; the speaker
//! (the chosen real one, or the null speaker, which consumes in real time like
//! a device) pulls 20 ms at a time, mixes the streams and hands the mix to the
//! audio data observer.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::devices::{Devices, Speaker};
use crate::engine::event::Event;
use crate::engine::EventSender;
use crate::media::{AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE};

/// Playout is mono 48 kHz.
pub const PLAYOUT_CHANNELS: usize = 1;
/// Audio buffered before a stream starts playing (absorbs network jitter).
const PREBUFFER_SAMPLES: usize = AUDIO_FRAME_SAMPLES * 3;
/// Most audio a stream may buffer; older samples are dropped beyond it.
const MAX_BUFFER_SAMPLES: usize = AUDIO_FRAME_SAMPLES * 10;

/// ZEGO's audio data observer bit for the playback (remote mix) data.
pub const OBSERVER_PLAYBACK: u32 = 1 << 1;

/// The decoded audio of one played stream, waiting for the speaker.
#[derive(Default)]
pub struct StreamAudio {
    buffer: Mutex<(VecDeque<i16>, bool)>,
    pub muted: AtomicBool,
    /// Times the buffer ran dry while playing.
    pub underruns: AtomicU32,
}

impl StreamAudio {
    pub fn push(&self, pcm: &[i16]) {
        let mut guard = self.buffer.lock();
        let (buffer, _) = &mut *guard;
        buffer.extend(pcm.iter().copied());
        let excess = buffer.len().saturating_sub(MAX_BUFFER_SAMPLES);
        buffer.drain(..excess);
    }

    /// Adds the next `out.len()` samples into `out`.
    fn mix_into(&self, out: &mut [i16]) {
        let mut guard = self.buffer.lock();
        let (buffer, playing) = &mut *guard;
        if !*playing {
            if buffer.len() < PREBUFFER_SAMPLES {
                return;
            }
            *playing = true;
        }
        if buffer.len() < out.len() {
            self.underruns.fetch_add(1, Ordering::Relaxed);
            *playing = false;
        }
        let muted = self.muted.load(Ordering::Relaxed);
        let take = out.len().min(buffer.len());
        for (o, s) in out.iter_mut().zip(buffer.drain(..take)) {
            if !muted {
                *o = o.saturating_add(s);
            }
        }
    }
}

struct Mixer {
    streams: Mutex<Vec<Arc<StreamAudio>>>,
    speaker_muted: AtomicBool,
    observer_mask: AtomicU32,
    events: EventSender,
}

impl Mixer {
    fn pull(&self, out: &mut [i16]) {
        for stream in self.streams.lock().iter() {
            stream.mix_into(out);
        }
        if self.speaker_muted.load(Ordering::Relaxed) {
            out.fill(0);
        }
        if self.observer_mask.load(Ordering::Relaxed) & OBSERVER_PLAYBACK != 0 {
            self.events.send_media(Event::PlaybackAudioData {
                pcm: out.to_vec(),
                sample_rate: AUDIO_SAMPLE_RATE as i32,
                channels: PLAYOUT_CHANNELS as i32,
            });
        }
    }
}

/// The engine's audio output.
pub struct Playout {
    mixer: Arc<Mixer>,
    speaker: Mutex<Option<Speaker>>,
    devices: Arc<Devices>,
}

impl Playout {
    pub fn new(events: EventSender, devices: Arc<Devices>) -> Self {
        let mixer = Mixer {
            streams: Mutex::new(Vec::new()),
            speaker_muted: AtomicBool::new(false),
            observer_mask: AtomicU32::new(0),
            events,
        };
        Self { mixer: Arc::new(mixer), speaker: Mutex::new(None), devices }
    }

    /// Starts the speaker if it is not running.
    fn ensure_speaker(&self) {
        let mut speaker = self.speaker.lock();
        if speaker.is_none() {
            let mixer = self.mixer.clone();
            match self.devices.start_speaker(Arc::new(move |out: &mut [i16]| mixer.pull(out))) {
                Ok(s) => *speaker = Some(s),
                Err(e) => tracing::error!(error = %e, "speaker did not start"),
            }
        }
    }

    pub fn add(&self, stream: Arc<StreamAudio>) {
        self.mixer.streams.lock().push(stream);
        self.ensure_speaker();
    }

    pub fn remove(&self, stream: &Arc<StreamAudio>) {
        self.mixer.streams.lock().retain(|s| !Arc::ptr_eq(s, stream));
    }

    pub fn mute_speaker(&self, mute: bool) {
        self.mixer.speaker_muted.store(mute, Ordering::Relaxed);
    }

    pub fn set_observer(&self, mask: u32) {
        self.mixer.observer_mask.store(mask, Ordering::Relaxed);
        if mask != 0 {
            self.ensure_speaker();
        }
    }

    /// Stops a running speaker and starts it again (another device was chosen).
    pub fn restart_speaker(&self) {
        let old = self.speaker.lock().take();
        if old.is_some() {
            drop(old);
            self.ensure_speaker();
        }
    }

    /// Stops the speaker thread.
    pub fn stop(&self) {
        self.speaker.lock().take();
    }
}
