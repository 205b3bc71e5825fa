//! Tone analysis for tests and diagnostics: single-frequency power (Goertzel), the dominant
//! frequency in a band, and RMS level.
//!
//! Multi-channel input is interleaved `i16`; channels are averaged to mono first.

use std::f64::consts::TAU;

/// Most frequencies [`dominant_frequency`] evaluates in one call.
pub const MAX_SCAN_STEPS: usize = 100_000;

/// Averages interleaved channels into mono samples scaled to [-1, 1) (full scale = 32768).
fn mono(samples: &[i16], channels: usize) -> Vec<f64> {
    let channels = channels.max(1);
    samples
        .chunks_exact(channels)
        .map(|frame| frame.iter().map(|&s| f64::from(s)).sum::<f64>() / (channels as f64 * 32768.0))
        .collect()
}

/// Hann-windowed Goertzel power of mono samples at `freq`, normalized to the squared amplitude.
fn power_mono(x: &[f64], sample_rate: u32, freq: f64) -> f64 {
    let n = x.len();
    if n < 2 || sample_rate == 0 {
        return 0.0;
    }
    let coeff = 2.0 * (TAU * freq / f64::from(sample_rate)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    let mut window_sum = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (TAU * i as f64 / (n - 1) as f64).cos();
        window_sum += w;
        let s = v * w + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let magnitude_sq = (s1 * s1 + s2 * s2 - coeff * s1 * s2).max(0.0);
    // A sine of amplitude A gives |X| = A * sum(w) / 2.
    let amplitude = 2.0 * magnitude_sq.sqrt() / window_sum;
    amplitude * amplitude
}

/// Power of the component at `freq` Hz: the squared amplitude of a sine at that frequency relative
/// to full scale (32768).
///
/// Scale: a full-scale sine at exactly `freq` gives about 1.0, a -12 dBFS sine about 0.063 (=
/// 10^(-12/10)), silence 0. A Hann window is applied, so a tone more than about two bins
/// (2 * sample_rate / len Hz) away contributes almost nothing. Channels are averaged first; fewer
/// than two frames give 0.
pub fn tone_power(samples: &[i16], channels: usize, sample_rate: u32, freq: f64) -> f64 {
    power_mono(&mono(samples, channels), sample_rate, freq)
}

/// The frequency in `lo_hz..=hi_hz` (scanned every `step_hz`) with the highest [`tone_power`].
///
/// Resolution is limited by both `step_hz` and the signal length (about sample_rate / len Hz).
/// Returns `lo_hz` for empty input, a non-positive or non-finite step, or `hi_hz < lo_hz`; at most
/// [`MAX_SCAN_STEPS`] frequencies are evaluated.
pub fn dominant_frequency(
    samples: &[i16],
    channels: usize,
    sample_rate: u32,
    lo_hz: f64,
    hi_hz: f64,
    step_hz: f64,
) -> f64 {
    let x = mono(samples, channels);
    if x.len() < 2 || !step_hz.is_finite() || step_hz <= 0.0 || lo_hz.is_nan() || hi_hz.is_nan() || hi_hz < lo_hz {
        return lo_hz;
    }
    let steps = (((hi_hz - lo_hz) / step_hz).floor() as usize).min(MAX_SCAN_STEPS);
    let mut best = (lo_hz, f64::MIN);
    for i in 0..=steps {
        let f = lo_hz + i as f64 * step_hz;
        let p = power_mono(&x, sample_rate, f);
        if p > best.1 {
            best = (f, p);
        }
    }
    best.0
}

/// RMS level in dB relative to full scale (32768): a full-scale square wave is 0 dBFS, a sine with
/// peak -12 dBFS about -15 dBFS. Silence and empty input give negative infinity.
pub fn rms_dbfs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return f64::NEG_INFINITY;
    }
    let mean_sq = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / samples.len() as f64;
    if mean_sq == 0.0 {
        return f64::NEG_INFINITY;
    }
    10.0 * (mean_sq / (32768.0 * 32768.0)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, amplitude: f64, n: usize, channels: usize) -> Vec<i16> {
        (0..n)
            .flat_map(|i| {
                let s = (amplitude * 32767.0 * (TAU * freq * i as f64 / 48_000.0).sin()).round() as i16;
                std::iter::repeat_n(s, channels)
            })
            .collect()
    }

    #[test]
    fn power_is_squared_amplitude() {
        let full = sine(440.0, 1.0, 9600, 1);
        let p = tone_power(&full, 1, 48_000, 440.0);
        assert!((p - 1.0).abs() < 0.02, "{p}");
        let quiet = sine(440.0, 0.251, 9600, 2);
        let p = tone_power(&quiet, 2, 48_000, 440.0);
        assert!((p - 0.063).abs() < 0.003, "{p}");
        assert!(tone_power(&quiet, 2, 48_000, 1000.0) < 1e-5);
        assert_eq!(tone_power(&[0; 960], 1, 48_000, 440.0), 0.0);
        assert_eq!(tone_power(&[], 1, 48_000, 440.0), 0.0);
    }

    #[test]
    fn dominant_frequency_finds_the_tone() {
        for f in [300.0, 440.0, 1000.0, 3000.0] {
            let x = sine(f, 0.5, 4800, 1);
            let got = dominant_frequency(&x, 1, 48_000, 100.0, 4000.0, 5.0);
            assert!((got - f).abs() <= 5.0, "{f}: {got}");
        }
        // A louder 440 Hz beats a quieter 1 kHz.
        let mix: Vec<i16> =
            sine(440.0, 0.4, 4800, 1).iter().zip(sine(1000.0, 0.1, 4800, 1)).map(|(a, b)| a + b).collect();
        assert!((dominant_frequency(&mix, 1, 48_000, 100.0, 2000.0, 5.0) - 440.0).abs() <= 5.0);
    }

    #[test]
    fn degenerate_scans_return_lo() {
        let x = sine(440.0, 0.5, 480, 1);
        assert_eq!(dominant_frequency(&x, 1, 48_000, 100.0, 2000.0, 0.0), 100.0);
        assert_eq!(dominant_frequency(&x, 1, 48_000, 100.0, 2000.0, f64::NAN), 100.0);
        assert_eq!(dominant_frequency(&x, 1, 48_000, 2000.0, 100.0, 1.0), 2000.0);
        assert_eq!(dominant_frequency(&[], 1, 48_000, 100.0, 2000.0, 1.0), 100.0);
        // A tiny step is capped, not a hang.
        let _ = dominant_frequency(&x[..4], 1, 48_000, 0.0, 1e12, 1e-9);
    }

    #[test]
    fn rms_levels() {
        assert_eq!(rms_dbfs(&[]), f64::NEG_INFINITY);
        assert_eq!(rms_dbfs(&[0; 100]), f64::NEG_INFINITY);
        assert!(rms_dbfs(&[i16::MIN; 100]).abs() < 1e-9);
        let r = rms_dbfs(&sine(440.0, 0.251, 48_000, 1));
        assert!((r - -15.05).abs() < 0.1, "{r}");
    }
}
