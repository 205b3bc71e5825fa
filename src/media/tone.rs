//! A sine tone generator, the virtual microphone that plays it, and a null speaker.
//!
//! The tone defaults to DESIGN.md's 440 Hz at -12 dBFS, 48 kHz, mono. Both devices run one named
//! thread that ticks every 20 ms on a drift-free grid and stop promptly when stopped or dropped.

use crate::media::unix_time_ms;
use crate::media::worker::PacedWorker;
use crate::media::{AUDIO_FRAME_MS, AUDIO_SAMPLE_RATE};
use std::f64::consts::TAU;
use std::io;
use std::time::Duration;

/// Default tone frequency (Hz).
pub const DEFAULT_FREQUENCY_HZ: f64 = 440.0;
/// Default tone level: peak amplitude in dB relative to full scale.
pub const DEFAULT_LEVEL_DBFS: f64 = -12.0;
/// Name of the virtual microphone's thread.
pub const MIC_THREAD_NAME: &str = "zego-vmic";
/// Name of the null speaker's thread.
pub const SPEAKER_THREAD_NAME: &str = "zego-nullspk";

/// A continuous-phase sine generator producing interleaved `i16` PCM.
#[derive(Debug, Clone)]
pub struct Tone {
    frequency_hz: f64,
    amplitude: f64,
    sample_rate: u32,
    channels: usize,
    /// Phase in cycles, in [0, 1).
    phase: f64,
}

impl Default for Tone {
    /// 440 Hz, -12 dBFS (amplitude 0.251 * 32767), 48 kHz, mono.
    fn default() -> Self {
        Self::new(DEFAULT_FREQUENCY_HZ, DEFAULT_LEVEL_DBFS, AUDIO_SAMPLE_RATE, 1)
    }
}

impl Tone {
    /// A tone of `frequency_hz` whose peak is `level_dbfs` (0 = 32767), with `channels` (at least
    /// 1) identical interleaved channels at `sample_rate` (at least 1).
    pub fn new(frequency_hz: f64, level_dbfs: f64, sample_rate: u32, channels: usize) -> Self {
        let amplitude = (10f64.powf(level_dbfs / 20.0) * 32767.0).clamp(0.0, 32767.0);
        Self { frequency_hz, amplitude, sample_rate: sample_rate.max(1), channels: channels.max(1), phase: 0.0 }
    }

    /// Frequency in Hz.
    pub fn frequency_hz(&self) -> f64 {
        self.frequency_hz
    }

    /// Channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Samples per second per channel.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Peak amplitude in sample units.
    pub fn amplitude(&self) -> f64 {
        self.amplitude
    }

    /// The next `samples_per_channel` samples, interleaved (`samples_per_channel * channels` values),
    /// continuing the phase of the previous call.
    pub fn next_frame(&mut self, samples_per_channel: usize) -> Vec<i16> {
        let step = self.frequency_hz / f64::from(self.sample_rate);
        let mut out = Vec::with_capacity(samples_per_channel * self.channels);
        for _ in 0..samples_per_channel {
            let s = (self.amplitude * (TAU * self.phase).sin()).round() as i16;
            out.extend(std::iter::repeat_n(s, self.channels));
            self.phase = (self.phase + step).rem_euclid(1.0);
        }
        out
    }

    /// Samples per channel in one 20 ms frame at this tone's rate.
    pub fn frame_samples(&self) -> usize {
        (self.sample_rate as usize * AUDIO_FRAME_MS as usize / 1000).max(1)
    }
}

/// Checks a device's sample rate and channel count.
fn check_audio_format(sample_rate: u32, channels: usize) -> io::Result<()> {
    if !(8_000..=192_000).contains(&sample_rate) || !(1..=8).contains(&channels) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid audio format: {sample_rate} Hz, {channels} channels"),
        ));
    }
    Ok(())
}

/// A virtual microphone: delivers 20 ms frames of a [`Tone`] in real time.
#[derive(Debug)]
pub struct VirtualMicrophone {
    worker: PacedWorker,
    sample_rate: u32,
    channels: usize,
}

impl VirtualMicrophone {
    /// Starts delivering `tone` in 20 ms frames (960 samples per channel at 48 kHz) on a new thread
    /// named [`MIC_THREAD_NAME`]. `on_frame(pcm, index, unix_ms)` runs on that thread; `pcm` is
    /// interleaved. Frames are paced on a drift-free grid; if the callback overruns, frames are
    /// skipped but the tone's phase stays continuous. Errors: `InvalidInput` for a sample rate
    /// outside 8..192 kHz or 1..8 channels; otherwise any thread-spawn error.
    pub fn start(mut tone: Tone, mut on_frame: impl FnMut(Vec<i16>, u64, u64) + Send + 'static) -> io::Result<Self> {
        let (sample_rate, channels) = (tone.sample_rate(), tone.channels());
        check_audio_format(sample_rate, channels)?;
        let samples = tone.frame_samples();
        let worker = PacedWorker::spawn(MIC_THREAD_NAME, Duration::from_millis(AUDIO_FRAME_MS.into()), move |index| {
            let pcm = tone.next_frame(samples);
            on_frame(pcm, index, unix_time_ms());
        })?;
        Ok(Self { worker, sample_rate, channels })
    }

    /// Samples per second per channel.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Stops the microphone and joins its thread (the same as dropping it).
    pub fn stop(mut self) {
        self.worker.stop();
    }
}

/// A speaker that plays nothing but consumes audio in real time, as a device would.
#[derive(Debug)]
pub struct NullSpeaker {
    worker: PacedWorker,
}

impl NullSpeaker {
    /// Starts pulling 20 ms of interleaved audio every 20 ms on a new thread named
    /// [`SPEAKER_THREAD_NAME`]: `pull(buffer)` gets a zeroed buffer of `sample_rate / 50 * channels`
    /// samples to fill (what it leaves untouched is silence). Errors as
    /// [`VirtualMicrophone::start`].
    pub fn start(
        sample_rate: u32,
        channels: usize,
        mut pull: impl FnMut(&mut [i16]) + Send + 'static,
    ) -> io::Result<Self> {
        check_audio_format(sample_rate, channels)?;
        let len = sample_rate as usize * AUDIO_FRAME_MS as usize / 1000 * channels;
        let mut buffer = vec![0i16; len];
        let worker =
            PacedWorker::spawn(SPEAKER_THREAD_NAME, Duration::from_millis(AUDIO_FRAME_MS.into()), move |_| {
                buffer.fill(0);
                pull(&mut buffer);
            })?;
        Ok(Self { worker })
    }

    /// Stops the speaker and joins its thread (the same as dropping it).
    pub fn stop(mut self) {
        self.worker.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::goertzel::{dominant_frequency, rms_dbfs};
    use std::sync::mpsc;

    #[test]
    fn default_tone_is_440_hz_at_minus_12_dbfs() {
        let mut tone = Tone::default();
        assert_eq!((tone.sample_rate(), tone.channels(), tone.frame_samples()), (48_000, 1, 960));
        assert!((tone.amplitude() - 0.251 * 32767.0).abs() < 20.0);
        let pcm: Vec<i16> = (0..10).flat_map(|_| tone.next_frame(960)).collect();
        assert_eq!(pcm.len(), 9600);
        let f = dominant_frequency(&pcm, 1, 48_000, 100.0, 2000.0, 5.0);
        assert!((f - 440.0).abs() <= 5.0, "{f}");
        let rms = rms_dbfs(&pcm);
        assert!((rms - -15.05).abs() < 0.2, "{rms}");
        assert!(pcm.iter().all(|s| s.unsigned_abs() <= 8300));
    }

    #[test]
    fn phase_is_continuous_across_frames() {
        let mut split = Tone::new(1000.0, -6.0, 48_000, 2);
        let mut whole = split.clone();
        let a: Vec<i16> = [split.next_frame(7), split.next_frame(333), split.next_frame(960)].concat();
        assert_eq!(a, whole.next_frame(1300));
        // Stereo channels are identical.
        assert!(a.chunks_exact(2).all(|p| p[0] == p[1]));
    }

    #[test]
    fn microphone_delivers_20ms_frames_in_real_time() {
        let (tx, rx) = mpsc::channel();
        let mic = VirtualMicrophone::start(Tone::new(440.0, -12.0, 48_000, 2), move |pcm, index, _| {
            let _ = tx.send((pcm, index));
        })
        .unwrap();
        let mut pcm = Vec::new();
        for i in 0..10 {
            let (frame, index) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
            assert_eq!(index, i);
            assert_eq!(frame.len(), 960 * 2);
            pcm.extend(frame);
        }
        mic.stop();
        let f = dominant_frequency(&pcm, 2, 48_000, 100.0, 2000.0, 5.0);
        assert!((f - 440.0).abs() <= 5.0, "{f}");
    }

    #[test]
    fn null_speaker_pulls_zeroed_20ms_buffers() {
        let (tx, rx) = mpsc::channel();
        let speaker = NullSpeaker::start(48_000, 2, move |buf| {
            let _ = tx.send(buf.iter().all(|&s| s == 0) && buf.len() == 1920);
            buf.fill(1234);
        })
        .unwrap();
        for _ in 0..5 {
            assert!(rx.recv_timeout(Duration::from_secs(10)).unwrap());
        }
        speaker.stop();
    }

    #[test]
    fn devices_reject_bad_formats() {
        assert!(VirtualMicrophone::start(Tone::new(440.0, -12.0, 100, 1), |_, _, _| {}).is_err());
        assert!(NullSpeaker::start(48_000, 0, |_| {}).is_err());
    }
}
