//! The publish pipeline of one channel: a WebRTC connection to the SFU with
//! an H.264 and an Opus track, the encoder thread that feeds the video
//! track, and the audio sink the microphone feeds.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::channel::{ChannelMedia, ENCODER_QUEUE_FRAMES};
use super::signal::Signaler;
use crate::engine::event::Event;
use crate::engine::{EventSender, VideoConfig};
use crate::media::frame::{scale, VideoFrame};
use crate::media::h264::{EncoderConfig, H264Encoder};
use crate::media::opus_codec::OpusEncoder;
use crate::room::MediaDirection;
use crate::rtc::{self, LocalTrackSpec, PeerConnection, RtpCodecKind, Sample, TrackLocal, TrackLocalEvent};
use crate::rtc::{RTCPeerConnectionState, TrackLocalStaticSample};

/// How long connecting to the SFU may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A track and what to stamp on its packets.
#[derive(Clone)]
struct TrackOut {
    track: Arc<TrackLocalStaticSample>,
    ssrc: u32,
    payload_type: u8,
}

impl TrackOut {
    /// Writes one encoded frame; called from a media thread (not the runtime).
    fn write(&self, data: Vec<u8>, duration: Duration) -> bool {
        let sample = Sample { data: Bytes::from(data), duration, ..Sample::new(Instant::now()) };
        crate::runtime::runtime().block_on(self.track.write_sample(self.ssrc, self.payload_type, &sample, &[])).is_ok()
    }
}

/// The Opus encoder and track the microphone writes to.
pub struct AudioSink {
    encoder: OpusEncoder,
    out: TrackOut,
    events: EventSender,
    channel: i32,
    sent: bool,
    pub counters: Arc<SendCounters>,
}

impl AudioSink {
    pub fn send(&mut self, pcm: &[i16]) {
        let Ok(packet) = self.encoder.encode(pcm) else { return };
        let bytes = packet.len() as u64;
        if self.out.write(packet, Duration::from_millis(crate::media::AUDIO_FRAME_MS.into())) {
            self.counters.audio_frames.fetch_add(1, Ordering::Relaxed);
            self.counters.audio_bytes.fetch_add(bytes, Ordering::Relaxed);
            if !std::mem::replace(&mut self.sent, true) {
                self.events.send(Event::PublisherSendAudioFirstFrame { channel: self.channel });
            }
        }
    }
}

/// Totals for quality reports.
#[derive(Default)]
pub struct SendCounters {
    pub video_frames: AtomicU64,
    pub video_bytes: AtomicU64,
    pub audio_frames: AtomicU64,
    pub audio_bytes: AtomicU64,
    pub keyframe_requests: AtomicU64,
}

/// A running publish pipeline; dropping it stops it.
pub struct PublishSession {
    pub pc: Arc<dyn PeerConnection>,
    pub counters: Arc<SendCounters>,
    channel: Arc<ChannelMedia>,
    stop: Arc<AtomicBool>,
}

impl PublishSession {
    /// Connects `stream_id` of `channel` to the SFU and starts sending.
    pub async fn start(
        channel: Arc<ChannelMedia>,
        stream_id: String,
        signaler: Signaler,
        events: EventSender,
    ) -> Result<Self, String> {
        let (forwarder, mut peer_events) = rtc::peer_events(format!("publish {stream_id}"));
        let pc = rtc::new_peer(signaler.local_ip(), forwarder).await.map_err(|e| e.to_string())?;
        match Self::negotiate(&pc, &mut peer_events, channel, stream_id, signaler, events).await {
            Ok(session) => Ok(session),
            Err(e) => {
                let _ = pc.close().await;
                Err(e)
            }
        }
    }

    async fn negotiate(
        pc: &Arc<dyn PeerConnection>,
        peer_events: &mut rtc::PeerEvents,
        channel: Arc<ChannelMedia>,
        stream_id: String,
        signaler: Signaler,
        events: EventSender,
    ) -> Result<Self, String> {
        let err = |e: rtc::RtcError| e.to_string();
        let video = LocalTrackSpec {
            stream_id: stream_id.clone(),
            track_id: format!("{stream_id}-video"),
            kind: RtpCodecKind::Video,
            ssrc: rtc::random_ssrc(),
            codec: rtc::h264_codec(),
        };
        let audio = LocalTrackSpec {
            stream_id: stream_id.clone(),
            track_id: format!("{stream_id}-audio"),
            kind: RtpCodecKind::Audio,
            ssrc: rtc::random_ssrc(),
            codec: rtc::opus_codec(),
        };
        let video_track = video.sample_track().map_err(err)?;
        let audio_track = audio.sample_track().map_err(err)?;
        let video_sender = pc.add_track(video_track.clone() as Arc<dyn TrackLocal>).await.map_err(|e| e.to_string())?;
        let audio_sender = pc.add_track(audio_track.clone() as Arc<dyn TrackLocal>).await.map_err(|e| e.to_string())?;
        let offer = rtc::create_offer(pc.as_ref(), &peer_events.gathering).await.map_err(err)?;
        let answer = signaler
            .exchange(MediaDirection::Publish, &stream_id, offer)
            .await
            .map_err(|c| format!("SFU refused: {c}"))?;
        rtc::accept_answer(pc.as_ref(), &answer).await.map_err(err)?;
        rtc::wait_connected(&mut peer_events.state, CONNECT_TIMEOUT).await.map_err(err)?;
        let video_out = TrackOut {
            payload_type: rtc::negotiated_payload_type(video_sender.as_ref(), &video.codec).await.map_err(err)?,
            track: video_track.clone(),
            ssrc: video.ssrc,
        };
        let audio_out = TrackOut {
            payload_type: rtc::negotiated_payload_type(audio_sender.as_ref(), &audio.codec).await.map_err(err)?,
            track: audio_track,
            ssrc: audio.ssrc,
        };
        tracing::info!(stream = %stream_id, channel = channel.index, "publishing media");

        let stop = Arc::new(AtomicBool::new(false));
        let want_keyframe = Arc::new(AtomicBool::new(true));
        let counters = Arc::new(SendCounters::default());
        // Keyframe requests (PLI/FIR relayed by the SFU) reach the video track.
        {
            let (track, want_keyframe, counters) = (video_track.clone(), want_keyframe.clone(), counters.clone());
            tokio::spawn(async move {
                while let Some(event) = track.poll().await {
                    if let TrackLocalEvent::OnRtcpPacket(packets) = event {
                        if rtc::is_keyframe_request(&packets) {
                            counters.keyframe_requests.fetch_add(1, Ordering::Relaxed);
                            want_keyframe.store(true, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        let (tx, rx) = sync_channel::<VideoFrame>(ENCODER_QUEUE_FRAMES);
        let encoder = {
            let worker = EncoderWorker {
                channel: channel.clone(),
                out: video_out,
                want_keyframe,
                stop: stop.clone(),
                events: events.clone(),
                counters: counters.clone(),
            };
            std::thread::Builder::new()
                .name(format!("zego-enc-{}", channel.index))
                .spawn(move || worker.run(rx))
                .map_err(|e| e.to_string())?
        };
        let audio_config = channel.audio_config();
        let opus = OpusEncoder::new(audio_config.channel as usize, audio_config.bitrate as u32 * 1000)
            .map_err(|e| e.to_string())?;
        let sink = AudioSink {
            encoder: opus,
            out: audio_out,
            events,
            channel: channel.index,
            sent: false,
            counters: counters.clone(),
        };
        channel.attach(Some(tx), Some(sink));
        // Watch for the connection dying under us (logged; the room's reconnect renegotiates).
        {
            let mut state = peer_events.state.clone();
            let stream_id = stream_id.clone();
            tokio::spawn(async move {
                while state.changed().await.is_ok() {
                    let s = *state.borrow();
                    if matches!(s, RTCPeerConnectionState::Failed | RTCPeerConnectionState::Disconnected) {
                        tracing::warn!(stream = %stream_id, state = %s, "publish connection lost");
                    }
                }
            });
        }
        // The encoder ends by itself once `stop` is set (never joined: drops may run on the runtime).
        drop(encoder);
        Ok(Self { pc: pc.clone(), counters, channel, stop })
    }
}

impl Drop for PublishSession {
    fn drop(&mut self) {
        let c = &self.counters;
        tracing::info!(
            video_frames_sent = c.video_frames.load(Ordering::Relaxed),
            audio_frames_sent = c.audio_frames.load(Ordering::Relaxed),
            keyframe_requests = c.keyframe_requests.load(Ordering::Relaxed),
            "publish session ended"
        );
        self.channel.attach(None, None);
        self.stop.store(true, Ordering::Relaxed);
        let pc = self.pc.clone();
        crate::runtime::runtime().spawn(async move {
            let _ = pc.close().await;
        });
    }
}

/// Encodes captured frames at the channel's configuration and writes them.
struct EncoderWorker {
    channel: Arc<ChannelMedia>,
    out: TrackOut,
    want_keyframe: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    events: EventSender,
    counters: Arc<SendCounters>,
}

impl EncoderWorker {
    fn run(self, frames: Receiver<VideoFrame>) {
        let mut encoder: Option<(VideoConfig, H264Encoder)> = None;
        let mut sent_first = false;
        while !self.stop.load(Ordering::Relaxed) {
            let Ok(frame) = frames.recv_timeout(Duration::from_millis(100)) else { continue };
            if self.channel.mute_video.load(Ordering::Relaxed) {
                continue;
            }
            let config = self.channel.video_config();
            if encoder.as_ref().is_none_or(|(c, _)| *c != config) {
                let settings = EncoderConfig {
                    width: config.encode_width as u32,
                    height: config.encode_height as u32,
                    fps: config.fps as u32,
                    bitrate_kbps: config.bitrate as u32,
                    keyframe_interval_s: config.key_frame_interval as u32,
                };
                match H264Encoder::new(settings) {
                    Ok(e) => {
                        if encoder.as_ref().is_none_or(|(c, _)| {
                            (c.encode_width, c.encode_height) != (config.encode_width, config.encode_height)
                        }) {
                            self.events.send(Event::PublisherVideoSizeChanged {
                                width: config.encode_width,
                                height: config.encode_height,
                                channel: self.channel.index,
                            });
                        }
                        encoder = Some((config, e));
                        self.want_keyframe.store(true, Ordering::Relaxed);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "H.264 encoder did not start");
                        continue;
                    }
                }
            }
            let Some((_, enc)) = encoder.as_mut() else { continue };
            let (w, h) = (config.encode_width as u32, config.encode_height as u32);
            let frame = if (frame.width, frame.height) == (w, h) { frame } else { scale(&frame, w, h) };
            let keyframe = self.want_keyframe.swap(false, Ordering::Relaxed);
            match enc.encode(&frame, keyframe) {
                Ok(encoded) if !encoded.data.is_empty() => {
                    let bytes = encoded.data.len() as u64;
                    let duration = Duration::from_secs(1) / config.fps.max(1) as u32;
                    if self.out.write(encoded.data, duration) {
                        self.counters.video_frames.fetch_add(1, Ordering::Relaxed);
                        self.counters.video_bytes.fetch_add(bytes, Ordering::Relaxed);
                        if !std::mem::replace(&mut sent_first, true) {
                            self.events.send(Event::PublisherSendVideoFirstFrame { channel: self.channel.index });
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "encode failed"),
            }
        }
    }
}
