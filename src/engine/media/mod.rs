//! The engine's media: publish channels (capture, encode, send), players
//! (receive, decode, deliver) and audio playout, connected to the SFU over
//! WebRTC. The room session tells it, through [`MediaHooks`], when the
//! server accepted a stream and when the connection came back.
//!
//! Threads: capture devices, encoders and decoders run on their own threads;
//! WebRTC runs on the shared runtime; frames reach the host through the
//! engine's callback thread, where media events may be dropped under load.

mod channel;
mod devices;
mod play;
mod playout;
mod publish;
mod report;
mod signal;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

pub use channel::ChannelMedia;
pub use play::PlayControls;
pub use playout::OBSERVER_PLAYBACK;

use self::devices::Devices;
use self::play::PlaySession;
use self::playout::{Playout, StreamAudio};
use self::publish::PublishSession;
use self::signal::Signaler;
use super::EventSender;
use crate::room::{MediaHooks, RoomShared};

struct PublishSlot {
    stream_id: String,
    generation: u64,
    session: Option<PublishSession>,
}

struct PlaySlot {
    controls: Arc<PlayControls>,
    audio: Arc<StreamAudio>,
    generation: u64,
    session: Option<PlaySession>,
}

/// All media of one engine.
pub struct MediaHub {
    room: Arc<Mutex<Option<RoomShared>>>,
    signaler: Signaler,
    events: EventSender,
    pub channels: Vec<Arc<ChannelMedia>>,
    publishing: Mutex<HashMap<i32, PublishSlot>>,
    playing: Mutex<HashMap<String, PlaySlot>>,
    playout: Playout,
    /// Device choices and the factory of running devices.
    devices: Arc<Devices>,
    microphone_muted: Arc<AtomicBool>,
    generation: AtomicU64,
    /// This hub, for the tasks its hooks spawn.
    me: Weak<MediaHub>,
}

impl MediaHub {
    pub fn new(room: Arc<Mutex<Option<RoomShared>>>, events: EventSender, channel_count: i32) -> Arc<Self> {
        let microphone_muted = Arc::new(AtomicBool::new(false));
        let devices = Devices::new(events.clone());
        let channels = (0..channel_count)
            .map(|i| ChannelMedia::new(i, events.clone(), microphone_muted.clone(), devices.clone()))
            .collect();
        let hub = Arc::new_cyclic(|me| Self {
            me: me.clone(),
            signaler: Signaler::new(room.clone()),
            room,
            playout: Playout::new(events.clone(), devices.clone()),
            devices,
            events,
            channels,
            publishing: Mutex::new(HashMap::new()),
            playing: Mutex::new(HashMap::new()),
            microphone_muted,
            generation: AtomicU64::new(1),
        });
        crate::runtime::runtime().spawn(report::run(Arc::downgrade(&hub)));
        hub
    }

    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed)
    }

    /// Capture starts at once; media flows once the server accepts the stream.
    pub fn begin_publish(&self, channel: i32, stream_id: &str) {
        let slot = PublishSlot { stream_id: stream_id.to_owned(), generation: 0, session: None };
        self.publishing.lock().insert(channel, slot);
        self.channels[channel as usize].set_publishing(true);
    }

    pub fn stop_publish(&self, channel: i32) {
        let slot = self.publishing.lock().remove(&channel);
        drop(slot);
        self.channels[channel as usize].set_publishing(false);
    }

    /// Connects the channel's publish pipeline (again, replacing any).
    fn connect_publish(self: &Arc<Self>, channel: i32) {
        let generation = self.next_generation();
        let stream_id = {
            let mut slots = self.publishing.lock();
            let Some(slot) = slots.get_mut(&channel) else { return };
            slot.generation = generation;
            slot.session = None;
            slot.stream_id.clone()
        };
        let hub = self.clone();
        crate::runtime::runtime().spawn(async move {
            let media = hub.channels[channel as usize].clone();
            let result =
                PublishSession::start(media, stream_id.clone(), hub.signaler.clone(), hub.events.clone()).await;
            match result {
                Ok(session) => {
                    let mut slots = hub.publishing.lock();
                    match slots.get_mut(&channel) {
                        Some(slot) if slot.generation == generation => slot.session = Some(session),
                        _ => drop(session),
                    }
                }
                Err(e) => tracing::warn!(stream = %stream_id, error = %e, "publish media failed"),
            }
        });
    }

    pub fn begin_play(&self, stream_id: &str, view: usize) {
        let mut playing = self.playing.lock();
        if let Some(slot) = playing.get(stream_id) {
            slot.controls.view.store(view, Ordering::Relaxed);
            return;
        }
        let controls = Arc::new(PlayControls::default());
        controls.view.store(view, Ordering::Relaxed);
        let audio = Arc::new(StreamAudio::default());
        self.playout.add(audio.clone());
        playing.insert(stream_id.to_owned(), PlaySlot { controls, audio, generation: 0, session: None });
    }

    pub fn stop_play(&self, stream_id: &str) {
        let slot = self.playing.lock().remove(stream_id);
        if let Some(slot) = slot {
            self.playout.remove(&slot.audio);
        }
    }

    fn connect_play(self: &Arc<Self>, stream_id: &str) {
        let generation = self.next_generation();
        let (controls, audio) = {
            let mut slots = self.playing.lock();
            let Some(slot) = slots.get_mut(stream_id) else { return };
            slot.generation = generation;
            slot.session = None;
            (slot.controls.clone(), slot.audio.clone())
        };
        let hub = self.clone();
        let stream_id = stream_id.to_owned();
        crate::runtime::runtime().spawn(async move {
            let result =
                PlaySession::start(stream_id.clone(), hub.signaler.clone(), hub.events.clone(), controls, audio).await;
            match result {
                Ok(session) => {
                    let mut slots = hub.playing.lock();
                    match slots.get_mut(&stream_id) {
                        Some(slot) if slot.generation == generation => slot.session = Some(session),
                        _ => drop(session),
                    }
                }
                Err(e) => tracing::warn!(stream = %stream_id, error = %e, "play media failed"),
            }
        });
    }

    /// Stops every publish and play (the room ended).
    pub fn end_room(&self) {
        let channels: Vec<i32> = self.publishing.lock().keys().copied().collect();
        for channel in channels {
            self.stop_publish(channel);
        }
        let streams: Vec<String> = self.playing.lock().keys().cloned().collect();
        for stream in streams {
            self.stop_play(&stream);
        }
    }

    /// Stops everything, the speaker included (the engine is being destroyed).
    pub fn shutdown(&self) {
        self.end_room();
        for channel in &self.channels {
            channel.set_preview(false, 0);
        }
        self.playout.stop();
    }

    pub fn mute_microphone(&self, mute: bool) {
        self.microphone_muted.store(mute, Ordering::Relaxed);
    }

    pub fn mute_speaker(&self, mute: bool) {
        self.playout.mute_speaker(mute);
    }

    pub fn set_audio_observer(&self, mask: u32) {
        self.playout.set_observer(mask);
    }

    /// Mutes the video or audio of a played stream; false when not playing it.
    pub fn mute_play(&self, stream_id: &str, video: bool, mute: bool) -> bool {
        let playing = self.playing.lock();
        let Some(slot) = playing.get(stream_id) else { return false };
        if video {
            slot.controls.mute_video.store(mute, Ordering::Relaxed);
        } else {
            slot.audio.muted.store(mute, Ordering::Relaxed);
        }
        true
    }
}

impl MediaHooks for MediaHub {
    fn publish_accepted(&self, stream_id: &str) {
        let channel = self.publishing.lock().iter().find(|(_, s)| s.stream_id == stream_id).map(|(c, _)| *c);
        if let (Some(channel), Some(me)) = (channel, self.me.upgrade()) {
            me.connect_publish(channel);
        }
    }

    fn play_accepted(&self, stream_id: &str) {
        if let Some(me) = self.me.upgrade() {
            me.connect_play(stream_id);
        }
    }

    fn reconnected(&self) {
        let Some(me) = self.me.upgrade() else { return };
        let channels: Vec<i32> = self.publishing.lock().keys().copied().collect();
        for channel in channels {
            me.connect_publish(channel);
        }
    }

    fn room_ended(&self) {
        // Only when the room is really gone (a newer login may have replaced it).
        // Teardown stops device threads: not on the runtime that calls this hook.
        if self.room.lock().is_none() {
            if let Some(me) = self.me.upgrade() {
                std::thread::spawn(move || me.end_room());
            }
        }
    }
}
