//! The play pipeline of one stream: a receive-only WebRTC connection to the
//! SFU, a video thread (reorder, depacketize, decode, deliver) and Opus
//! decoding into the stream's playout buffer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::playout::StreamAudio;
use super::signal::Signaler;
use crate::engine::event::{Event, VideoFrameRef};
use crate::engine::EventSender;
use crate::media::h264::H264Decoder;
use crate::media::h264_rtp::Depacketizer;
use crate::media::jitter::ReorderBuffer;
use crate::media::opus_codec::OpusDecoder;
use crate::room::MediaDirection;
use crate::rtc::{self, PeerConnection, RtpCodecKind, RtpPacket, TrackRemote, TrackRemoteEvent};

/// How long connecting to the SFU may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a missing video packet before it counts as lost.
const VIDEO_REORDER_DELAY: Duration = Duration::from_millis(40);
/// Most lost audio frames concealed in a row; a longer gap is a break, not a loss.
const MAX_CONCEALED_FRAMES: i16 = 5;
/// Fewest milliseconds between two keyframe requests of one stream.
const KEYFRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(300);

/// Per-stream switches the host controls while playing.
#[derive(Default)]
pub struct PlayControls {
    pub mute_video: AtomicBool,
    /// The canvas view pointer frames are handed back with (0 = none).
    pub view: std::sync::atomic::AtomicUsize,
}

/// Totals for quality reports.
#[derive(Default)]
pub struct ReceiveCounters {
    pub video_packets: AtomicU64,
    pub video_bytes: AtomicU64,
    pub frames_decoded: AtomicU64,
    pub frames_rendered: AtomicU64,
    pub decode_errors: AtomicU64,
    pub packets_lost: AtomicU64,
    pub audio_packets: AtomicU64,
    pub audio_bytes: AtomicU64,
}

/// A running play pipeline; dropping it stops it.
pub struct PlaySession {
    pub pc: Arc<dyn PeerConnection>,
    pub counters: Arc<ReceiveCounters>,
    stop: Arc<AtomicBool>,
}

impl PlaySession {
    /// Connects to the SFU for `stream_id` and starts receiving.
    pub async fn start(
        stream_id: String,
        signaler: Signaler,
        events: EventSender,
        controls: Arc<PlayControls>,
        audio: Arc<StreamAudio>,
    ) -> Result<Self, String> {
        let err = |e: rtc::RtcError| e.to_string();
        let (forwarder, mut peer_events) = rtc::peer_events(format!("play {stream_id}"));
        let pc = rtc::new_peer(signaler.local_ip(), forwarder).await.map_err(err)?;
        let negotiated = async {
            rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Video).await?;
            rtc::add_receive_only(pc.as_ref(), RtpCodecKind::Audio).await?;
            rtc::create_offer(pc.as_ref(), &peer_events.gathering).await
        }
        .await;
        let offer = match negotiated {
            Ok(offer) => offer,
            Err(e) => {
                let _ = pc.close().await;
                return Err(e.to_string());
            }
        };
        let answer = match signaler.exchange(MediaDirection::Play, &stream_id, offer).await {
            Ok(answer) => answer,
            Err(code) => {
                let _ = pc.close().await;
                return Err(format!("SFU refused: {code}"));
            }
        };
        if let Err(e) = rtc::accept_answer(pc.as_ref(), &answer).await {
            let _ = pc.close().await;
            return Err(e.to_string());
        }
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(ReceiveCounters::default());
        let (video_tx, video_rx) = channel::<RtpPacket>();
        let video_thread = {
            let worker = VideoWorker {
                stream_id: stream_id.clone(),
                events: events.clone(),
                controls,
                stop: stop.clone(),
                counters: counters.clone(),
                pli: None,
            };
            let (track_tx, track_rx) = channel::<Arc<dyn TrackRemote>>();
            let mut tracks = std::mem::replace(&mut peer_events.tracks, tokio::sync::mpsc::unbounded_channel().1);
            let (counters2, events2, stream2) = (counters.clone(), events.clone(), stream_id.clone());
            tokio::spawn(async move {
                while let Some(track) = tracks.recv().await {
                    if track.kind().await == RtpCodecKind::Video {
                        let _ = track_tx.send(track.clone());
                        let video_tx = video_tx.clone();
                        tokio::spawn(async move {
                            while let Some(event) = track.poll().await {
                                #[allow(clippy::collapsible_match)] // the send must run only for packets
                                match event {
                                    TrackRemoteEvent::OnRtpPacket(packet) => {
                                        if video_tx.send(packet).is_err() {
                                            break;
                                        }
                                    }
                                    TrackRemoteEvent::OnEnded => break,
                                    _ => {}
                                }
                            }
                        });
                    } else {
                        tokio::spawn(receive_audio(
                            track,
                            audio.clone(),
                            counters2.clone(),
                            events2.clone(),
                            stream2.clone(),
                        ));
                    }
                }
            });
            std::thread::Builder::new()
                .name("zego-dec".into())
                .spawn(move || worker.run(video_rx, track_rx))
                .map_err(|e| e.to_string())?
        };
        if let Err(e) = rtc::wait_connected(&mut peer_events.state, CONNECT_TIMEOUT).await {
            tracing::warn!(stream = %stream_id, error = %e, "play connection did not come up");
        }
        // The thread ends by itself once `stop` is set (never joined: drops may run on the runtime).
        drop(video_thread);
        Ok(Self { pc, counters, stop })
    }
}

impl Drop for PlaySession {
    fn drop(&mut self) {
        let c = &self.counters;
        tracing::info!(
            frames_decoded = c.frames_decoded.load(Ordering::Relaxed),
            frames_rendered = c.frames_rendered.load(Ordering::Relaxed),
            decode_errors = c.decode_errors.load(Ordering::Relaxed),
            packets_lost = c.packets_lost.load(Ordering::Relaxed),
            video_packets = c.video_packets.load(Ordering::Relaxed),
            audio_packets = c.audio_packets.load(Ordering::Relaxed),
            "play session ended"
        );
        self.stop.store(true, Ordering::Relaxed);
        let pc = self.pc.clone();
        crate::runtime::runtime().spawn(async move {
            let _ = pc.close().await;
        });
    }
}

/// Decodes Opus into the stream's playout buffer, concealing single losses
/// with in-band FEC.
async fn receive_audio(
    track: Arc<dyn TrackRemote>,
    audio: Arc<StreamAudio>,
    counters: Arc<ReceiveCounters>,
    events: EventSender,
    stream_id: String,
) {
    let Ok(mut decoder) = OpusDecoder::new(super::playout::PLAYOUT_CHANNELS) else { return };
    let mut last_seq: Option<u16> = None;
    while let Some(event) = track.poll().await {
        let packet = match event {
            TrackRemoteEvent::OnRtpPacket(p) => p,
            TrackRemoteEvent::OnEnded => break,
            _ => continue,
        };
        let seq = packet.header.sequence_number;
        let gap = last_seq.map_or(1, |last| seq.wrapping_sub(last) as i16);
        if gap <= 0 {
            continue; // duplicate or late: already played or concealed
        }
        if counters.audio_packets.fetch_add(1, Ordering::Relaxed) == 0 {
            events.send(Event::PlayerRecvAudioFirstFrame { stream_id: stream_id.clone() });
        }
        counters.audio_bytes.fetch_add(packet.payload.len() as u64, Ordering::Relaxed);
        if gap >= 2 {
            counters.packets_lost.fetch_add(gap as u64 - 1, Ordering::Relaxed);
            // Conceal all but the last lost frame (packet loss concealment), then
            // recover the last one from this packet's in-band FEC.
            for _ in 0..(gap - 2).min(MAX_CONCEALED_FRAMES) {
                audio.push(&decoder.conceal());
            }
            if let Ok(pcm) = decoder.decode_fec(&packet.payload) {
                audio.push(&pcm);
            }
        }
        last_seq = Some(seq);
        if let Ok(pcm) = decoder.decode(&packet.payload) {
            audio.push(&pcm);
        }
    }
}

/// Turns video RTP into frames for the host.
struct VideoWorker {
    stream_id: String,
    events: EventSender,
    controls: Arc<PlayControls>,
    stop: Arc<AtomicBool>,
    counters: Arc<ReceiveCounters>,
    /// The video track, to send keyframe requests on, and the last request.
    pli: Option<(Arc<dyn TrackRemote>, u32, Option<Instant>)>,
}

impl VideoWorker {
    fn run(mut self, packets: Receiver<RtpPacket>, tracks: Receiver<Arc<dyn TrackRemote>>) {
        let Ok(mut decoder) = H264Decoder::new() else { return };
        let mut reorder = ReorderBuffer::new(VIDEO_REORDER_DELAY, crate::media::jitter::DEFAULT_CAPACITY);
        let mut depacketizer = Depacketizer::new();
        let mut lost_seen = 0;
        let mut size = (0, 0);
        let mut rendered = false;
        while !self.stop.load(Ordering::Relaxed) {
            if let Ok(track) = tracks.try_recv() {
                let ssrc = crate::runtime::runtime().block_on(track.ssrcs()).first().copied().unwrap_or(0);
                self.pli = Some((track, ssrc, None));
            }
            let wait = reorder
                .next_timeout()
                .map_or(Duration::from_millis(50), |t| t.saturating_duration_since(Instant::now()));
            match packets.recv_timeout(wait) {
                Ok(packet) => {
                    self.counters.video_packets.fetch_add(1, Ordering::Relaxed);
                    self.counters.video_bytes.fetch_add(packet.payload.len() as u64, Ordering::Relaxed);
                    if !packet.payload.is_empty() {
                        reorder.push(packet.header.sequence_number, packet, Instant::now());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            for (_, packet) in reorder.pop_ready(Instant::now()) {
                let lost = reorder.stats().lost;
                if lost != lost_seen {
                    self.counters.packets_lost.fetch_add(lost - lost_seen, Ordering::Relaxed);
                    lost_seen = lost;
                    depacketizer.mark_lost();
                    self.request_keyframe();
                }
                let unit = match depacketizer.push(&packet.payload, packet.header.marker) {
                    Ok(Some(unit)) => unit,
                    Ok(None) => continue,
                    Err(_) => {
                        self.request_keyframe();
                        continue;
                    }
                };
                match decoder.decode(&unit) {
                    Ok(Some(frame)) => {
                        if self.counters.frames_decoded.fetch_add(1, Ordering::Relaxed) == 0 {
                            self.events.send(Event::PlayerRecvVideoFirstFrame { stream_id: self.stream_id.clone() });
                        }
                        if (frame.width, frame.height) != size {
                            size = (frame.width, frame.height);
                            self.events.send(Event::PlayerVideoSizeChanged {
                                stream_id: self.stream_id.clone(),
                                width: size.0 as i32,
                                height: size.1 as i32,
                            });
                        }
                        if self.controls.mute_video.load(Ordering::Relaxed) {
                            continue;
                        }
                        self.counters.frames_rendered.fetch_add(1, Ordering::Relaxed);
                        if !std::mem::replace(&mut rendered, true) {
                            self.events.send(Event::PlayerRenderVideoFirstFrame { stream_id: self.stream_id.clone() });
                        }
                        self.events.send_media(Event::RemoteVideoFrame {
                            stream_id: self.stream_id.clone(),
                            frame: VideoFrameRef(Arc::new(frame)),
                            view: self.controls.view.load(Ordering::Relaxed),
                        });
                    }
                    Ok(None) => {}
                    Err(_) => {
                        self.counters.decode_errors.fetch_add(1, Ordering::Relaxed);
                        self.request_keyframe();
                    }
                }
            }
        }
    }

    /// Asks the publisher (through the SFU) for a keyframe, at most every
    /// [`KEYFRAME_REQUEST_INTERVAL`].
    fn request_keyframe(&mut self) {
        let Some((track, ssrc, last)) = self.pli.as_mut() else { return };
        if last.is_some_and(|t| t.elapsed() < KEYFRAME_REQUEST_INTERVAL) {
            return;
        }
        *last = Some(Instant::now());
        let (track, ssrc) = (track.clone(), *ssrc);
        crate::runtime::runtime().spawn(async move {
            let _ = track.write_rtcp(rtc::picture_loss_indication(ssrc)).await;
        });
    }
}
