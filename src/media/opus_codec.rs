//! Opus encoding and decoding at 48 kHz in 20 ms frames, with in-band FEC and loss concealment.
//!
//! The encoder is set up for calls (VoIP application, in-band FEC on, expecting 10% loss), so a lost
//! packet can be rebuilt from the next one with [`OpusDecoder::decode_fec`]; when that is not
//! available, [`OpusDecoder::conceal`] extrapolates 20 ms.

use crate::media::{CodecError, AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE};
use opus::{Application, Bitrate, Channels};

/// Packet loss the encoder is told to expect, in percent (sizes its FEC).
pub const EXPECTED_LOSS_PERCENT: i32 = 10;
/// Largest encoded packet, in bytes (RFC 6716's recommended buffer).
pub const MAX_PACKET: usize = 4000;
/// Most samples per channel one packet can decode to (120 ms at 48 kHz).
pub const MAX_FRAME_SAMPLES: usize = 5760;
/// Bitrate range the encoder accepts, in bits per second.
pub const BITRATE_RANGE_BPS: std::ops::RangeInclusive<u32> = 6_000..=510_000;

/// The opus channel layout for 1 or 2 channels.
fn channel_layout(channels: usize) -> Result<Channels, CodecError> {
    match channels {
        1 => Ok(Channels::Mono),
        2 => Ok(Channels::Stereo),
        _ => Err(CodecError::InvalidConfig("opus supports 1 or 2 channels")),
    }
}

/// Wraps an opus error.
fn opus_err(op: &'static str) -> impl FnOnce(opus::Error) -> CodecError {
    move |source| CodecError::Opus { op, source }
}

/// An Opus encoder for one stream: 48 kHz, 20 ms frames.
#[derive(Debug)]
pub struct OpusEncoder {
    encoder: opus::Encoder,
    channels: usize,
}

impl OpusEncoder {
    /// Creates an encoder for `channels` (1 or 2) at `bitrate_bps` (within [`BITRATE_RANGE_BPS`]).
    pub fn new(channels: usize, bitrate_bps: u32) -> Result<Self, CodecError> {
        let layout = channel_layout(channels)?;
        let mut encoder =
            opus::Encoder::new(AUDIO_SAMPLE_RATE, layout, Application::Voip).map_err(opus_err("create encoder"))?;
        encoder.set_inband_fec(true).map_err(opus_err("enable FEC"))?;
        encoder.set_packet_loss_perc(EXPECTED_LOSS_PERCENT).map_err(opus_err("set expected loss"))?;
        let mut this = Self { encoder, channels };
        this.set_bitrate(bitrate_bps)?;
        Ok(this)
    }

    /// Channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Interleaved samples one 20 ms frame must hold (960 per channel).
    pub fn frame_len(&self) -> usize {
        AUDIO_FRAME_SAMPLES * self.channels
    }

    /// Changes the target bitrate from the next frame on.
    pub fn set_bitrate(&mut self, bitrate_bps: u32) -> Result<(), CodecError> {
        if !BITRATE_RANGE_BPS.contains(&bitrate_bps) {
            return Err(CodecError::InvalidConfig("opus bitrate out of range"));
        }
        self.encoder.set_bitrate(Bitrate::Bits(bitrate_bps as i32)).map_err(opus_err("set bitrate"))
    }

    /// Encodes one 20 ms frame of interleaved PCM ([`OpusEncoder::frame_len`] samples).
    pub fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, CodecError> {
        if pcm.len() != self.frame_len() {
            return Err(CodecError::PcmLength { expected: self.frame_len(), actual: pcm.len() });
        }
        self.encoder.encode_vec(pcm, MAX_PACKET).map_err(opus_err("encode"))
    }
}

/// An Opus decoder for one stream: 48 kHz, interleaved output.
#[derive(Debug)]
pub struct OpusDecoder {
    decoder: opus::Decoder,
    channels: usize,
}

impl OpusDecoder {
    /// Creates a decoder producing `channels` (1 or 2) channels; packets of the other channel count
    /// are up- or down-mixed.
    pub fn new(channels: usize) -> Result<Self, CodecError> {
        let decoder =
            opus::Decoder::new(AUDIO_SAMPLE_RATE, channel_layout(channels)?).map_err(opus_err("create decoder"))?;
        Ok(Self { decoder, channels })
    }

    /// Channels per output frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Decodes one packet into interleaved PCM (960 samples per channel for a 20 ms packet). An
    /// empty packet is treated as a loss and concealed. Errors on a corrupt packet.
    pub fn decode(&mut self, packet: &[u8]) -> Result<Vec<i16>, CodecError> {
        if packet.is_empty() {
            return Ok(self.conceal());
        }
        let mut out = vec![0i16; MAX_FRAME_SAMPLES * self.channels];
        let n = self.decoder.decode(packet, &mut out, false).map_err(opus_err("decode"))?;
        out.truncate(n * self.channels);
        Ok(out)
    }

    /// Rebuilds the 20 ms frame lost just before `next_packet` from that packet's in-band FEC.
    ///
    /// Call it when packet N is lost and N+1 has arrived, then decode N+1 normally. When N+1
    /// carries no FEC, libopus conceals instead, so the result is never silence by construction.
    pub fn decode_fec(&mut self, next_packet: &[u8]) -> Result<Vec<i16>, CodecError> {
        if next_packet.is_empty() {
            return Ok(self.conceal());
        }
        let mut out = vec![0i16; AUDIO_FRAME_SAMPLES * self.channels];
        let n = self.decoder.decode(next_packet, &mut out, true).map_err(opus_err("decode FEC"))?;
        out.truncate(n * self.channels);
        Ok(out)
    }

    /// Extrapolates 20 ms of audio for a lost packet (packet loss concealment). Returns silence if
    /// libopus fails, which it does not for a valid decoder.
    pub fn conceal(&mut self) -> Vec<i16> {
        let mut out = vec![0i16; AUDIO_FRAME_SAMPLES * self.channels];
        match self.decoder.decode(&[], &mut out, false) {
            Ok(n) => out.truncate(n * self.channels),
            Err(e) => {
                tracing::debug!(target: "media", error = %e, "opus concealment failed");
                out.fill(0);
            }
        }
        out.resize(AUDIO_FRAME_SAMPLES * self.channels, 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::goertzel::{dominant_frequency, rms_dbfs, tone_power};
    use crate::media::tone::Tone;

    /// Encodes `frames` 20 ms frames of a tone.
    fn encoded_tone(channels: usize, frames: usize) -> Vec<Vec<u8>> {
        let mut tone = Tone::new(440.0, -12.0, 48_000, channels);
        let mut enc = OpusEncoder::new(channels, 32_000).unwrap();
        (0..frames).map(|_| enc.encode(&tone.next_frame(960)).unwrap()).collect()
    }

    #[test]
    fn round_trip_keeps_440_hz() {
        for channels in [1, 2] {
            let packets = encoded_tone(channels, 50);
            assert!(packets.iter().all(|p| !p.is_empty() && p.len() < 400));
            let mut dec = OpusDecoder::new(channels).unwrap();
            let mut pcm = Vec::new();
            for p in &packets {
                let frame = dec.decode(p).unwrap();
                assert_eq!(frame.len(), 960 * channels);
                pcm.extend(frame);
            }
            // Skip the first 100 ms (codec start-up).
            let steady = &pcm[4800 * channels..];
            let f = dominant_frequency(steady, channels, 48_000, 100.0, 2000.0, 5.0);
            assert!((f - 440.0).abs() <= 5.0, "{channels} ch: {f} Hz");
            let level = rms_dbfs(steady);
            assert!((level - -15.0).abs() < 2.0, "{channels} ch: {level} dBFS");
        }
    }

    #[test]
    fn fec_recovers_a_dropped_frame() {
        let packets = encoded_tone(1, 30);
        let mut dec = OpusDecoder::new(1).unwrap();
        for p in &packets[..20] {
            dec.decode(p).unwrap();
        }
        // Packet 20 is lost; 21 arrives and carries 20's FEC.
        let recovered = dec.decode_fec(&packets[21]).unwrap();
        assert_eq!(recovered.len(), 960);
        assert!(rms_dbfs(&recovered) > -25.0, "{} dBFS", rms_dbfs(&recovered));
        assert!(tone_power(&recovered, 1, 48_000, 440.0) > 0.01);
        let next = dec.decode(&packets[21]).unwrap();
        assert_eq!(next.len(), 960);
        let f = dominant_frequency(&[recovered, next].concat(), 1, 48_000, 100.0, 2000.0, 5.0);
        assert!((f - 440.0).abs() <= 10.0, "{f}");
    }

    #[test]
    fn concealment_fills_20ms() {
        let packets = encoded_tone(2, 10);
        let mut dec = OpusDecoder::new(2).unwrap();
        for p in &packets {
            dec.decode(p).unwrap();
        }
        let plc = dec.conceal();
        assert_eq!(plc.len(), 1920);
        assert!(rms_dbfs(&plc) > -40.0);
        assert_eq!(dec.decode(&[]).unwrap().len(), 1920);
        // A fresh decoder conceals with silence of the right length.
        assert_eq!(OpusDecoder::new(1).unwrap().conceal().len(), 960);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(OpusEncoder::new(3, 32_000), Err(CodecError::InvalidConfig(_))));
        assert!(matches!(OpusEncoder::new(1, 10), Err(CodecError::InvalidConfig(_))));
        assert!(OpusDecoder::new(0).is_err());
        let mut enc = OpusEncoder::new(2, 64_000).unwrap();
        assert_eq!(enc.frame_len(), 1920);
        assert!(matches!(enc.encode(&[0; 960]), Err(CodecError::PcmLength { expected: 1920, actual: 960 })));
        let mut dec = OpusDecoder::new(1).unwrap();
        // Corrupt packets: errors or odd audio, never a panic.
        for junk in [&[0xFFu8; 3][..], &[0x03], &[0xFC, 0xFF, 0xFF, 0xFF]] {
            let _ = dec.decode(junk);
            let _ = dec.decode_fec(junk);
        }
        // Silence encodes tiny.
        let mut enc = OpusEncoder::new(1, 32_000).unwrap();
        let silent = enc.encode(&[0; 960]).unwrap();
        assert!(silent.len() < 20, "{}", silent.len());
        enc.set_bitrate(16_000).unwrap();
        assert!(enc.set_bitrate(1_000_000).is_err());
    }
}
