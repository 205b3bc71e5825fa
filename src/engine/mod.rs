//! The engine: configuration, the room (single-room mode, as ZEGO's default),
//! publishers per channel, players per stream, and the callback thread.
//!
//! Every method is synchronous and callable from any thread, including the
//! engine's own callback thread: methods validate, update shared state under a
//! short lock, queue events and hand network work to the room task.

mod callback_thread;
mod config;
pub mod event;
mod media;
pub mod quality;

use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::error_code as ec;
use crate::media::frame::VideoFrame;
use crate::protocol::User;
use crate::room::{self, Command, PublishEntry, RoomParams, RoomShared};
use crate::validate;

pub use callback_thread::{EventHandler, EventSender, Finalizer};
pub use config::{AdvancedConfig, AudioConfig, VideoConfig};
use event::{Event, PlayerState, PublisherState, RoomStateChangedReason};
use media::{ChannelMedia, MediaHub};

use callback_thread::CallbackThread;

/// Publish channels: MAIN, AUX, THIRD, FOURTH.
pub const PUBLISH_CHANNEL_COUNT: i32 = 4;
/// ZEGO's limit on streams played at once.
pub const MAX_PLAYING_STREAMS: usize = 12;
/// Where engines look for zego-server when neither the profile nor `ZEGO_SERVER` says.
pub const DEFAULT_SERVER_URL: &str = "ws://127.0.0.1:9090";
/// How long destroy waits for the server to acknowledge the logout.
const DESTROY_LOGOUT_WAIT: Duration = Duration::from_secs(3);

/// What an engine is created with (validated by the FFI layer).
#[derive(Debug, Clone)]
pub struct EngineProfile {
    pub app_id: u32,
    /// `None` = token mode: every login must carry a token.
    pub app_sign: Option<String>,
    pub scenario: i32,
    pub server_url: String,
}

/// Room login options (`ZegoRoomConfig`).
#[derive(Debug, Clone, Default)]
pub struct RoomConfig {
    pub max_member_count: u32,
    pub is_user_status_notify: bool,
    pub token: String,
}

/// A running engine. Dropping it without [`Engine::destroy`] also tears it down.
pub struct Engine {
    profile: EngineProfile,
    advanced: AdvancedConfig,
    room: Arc<Mutex<Option<RoomShared>>>,
    media: Arc<MediaHub>,
    events: EventSender,
    callback_thread: Mutex<Option<CallbackThread>>,
    seq: AtomicI32,
}

static NEXT_EPOCH: AtomicU64 = AtomicU64::new(1);

impl Engine {
    /// Starts an engine whose events go to `handler` on a new callback thread.
    pub fn new(profile: EngineProfile, advanced: AdvancedConfig, handler: EventHandler) -> Result<Self, i32> {
        static ENGINE_NUMBER: AtomicU64 = AtomicU64::new(1);
        let name = format!("zego-cb-{}", ENGINE_NUMBER.fetch_add(1, Ordering::Relaxed));
        let thread = CallbackThread::spawn(name, handler).map_err(|_| ec::INNER_ERROR)?;
        tracing::info!(app_id = profile.app_id, server = %profile.server_url, "engine created");
        let room = Arc::new(Mutex::new(None));
        Ok(Self {
            profile,
            advanced,
            room: room.clone(),
            media: MediaHub::new(room, thread.sender(), PUBLISH_CHANNEL_COUNT),
            events: thread.sender(),
            callback_thread: Mutex::new(Some(thread)),
            seq: AtomicI32::new(1),
        })
    }

    fn next_seq(&self) -> i32 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Logs in to `room_id`; progress arrives as room state events and the
    /// login result with the returned sequence number.
    pub fn login_room(&self, room_id: &str, user: User, config: RoomConfig) -> Result<i32, i32> {
        validate::room_id(room_id)?;
        validate::user_id(&user.user_id)?;
        validate::user_name(&user.user_name)?;
        if config.token.len() > validate::MAX_TOKEN_LEN {
            return Err(ec::ILLEGAL_PARAM);
        }
        let mut guard = self.room.lock();
        if guard.is_some() {
            return Err(ec::ROOM_COUNT_EXCEED);
        }
        let seq = self.next_seq();
        let epoch = NEXT_EPOCH.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        *guard = Some(RoomShared {
            epoch,
            room_id: room_id.to_owned(),
            user: user.clone(),
            publishing: Default::default(),
            playing: Default::default(),
            commands: tx,
            local_ip: None,
        });
        self.events.send(Event::RoomStateChanged {
            room_id: room_id.to_owned(),
            reason: RoomStateChangedReason::Logining,
            error_code: 0,
            extended_data: "{}".into(),
        });
        drop(guard);
        let params = RoomParams {
            server_url: self.profile.server_url.clone(),
            app_id: self.profile.app_id,
            app_sign: self.profile.app_sign.clone(),
            room_id: room_id.to_owned(),
            user,
            token: config.token,
            max_member_count: config.max_member_count,
            user_status_notify: config.is_user_status_notify,
            retry_window: self.advanced.room_retry_time,
        };
        tracing::info!(room = room_id, user = %params.user.user_id, "login");
        room::spawn(params, self.room.clone(), epoch, self.events.clone(), rx, seq, self.media.clone());
        Ok(seq)
    }

    /// Logs out of `room_id` (`None` = every room). Media of the room stops.
    /// Logging out of a room the engine is not in fails with 1002002, reported
    /// as the return value and as LOGOUT_FAILED (no sequence number was issued,
    /// so no logout result follows).
    pub fn logout_room(&self, room_id: Option<&str>) -> Result<i32, i32> {
        match self.end_room(room_id, None) {
            Ok(room_id) => {
                let seq = self.next_seq();
                self.events.send(Event::RoomLogoutResult { error_code: 0, extended_data: "{}".into(), room_id, seq });
                Ok(seq)
            }
            Err(code) => {
                self.logout_failed(room_id.unwrap_or_default(), code);
                Err(code)
            }
        }
    }

    fn logout_failed(&self, room_id: &str, code: i32) {
        self.events.send(Event::RoomStateChanged {
            room_id: room_id.into(),
            reason: RoomStateChangedReason::LogoutFailed,
            error_code: code,
            extended_data: "{}".into(),
        });
    }

    /// Removes the room, queues its closing events and tells its task to log
    /// out; `done` fires when the server acknowledged.
    fn end_room(&self, room_id: Option<&str>, done: Option<std::sync::mpsc::Sender<()>>) -> Result<String, i32> {
        let mut guard = self.room.lock();
        let room = match guard.as_ref() {
            Some(r) if room_id.is_none_or(|id| id == r.room_id) => guard.take().expect("checked just above"),
            // ZEGO answers a logout of all rooms with none logged in as success.
            None if room_id.is_none() => return Ok(String::new()),
            _ => return Err(ec::ROOM_ID_INCORRECT),
        };
        for p in room.publishing.values() {
            self.events.send(Event::PublisherStateUpdate {
                stream_id: p.stream_id.clone(),
                state: PublisherState::NoPublish,
                error_code: 0,
                extended_data: "{}".into(),
            });
        }
        for s in &room.playing {
            self.events.send(Event::PlayerStateUpdate {
                stream_id: s.clone(),
                state: PlayerState::NoPlay,
                error_code: 0,
                extended_data: "{}".into(),
            });
        }
        self.events.send(Event::RoomStateChanged {
            room_id: room.room_id.clone(),
            reason: RoomStateChangedReason::Logout,
            error_code: 0,
            extended_data: "{}".into(),
        });
        let _ = room.commands.send(Command::Logout { done });
        tracing::info!(room = %room.room_id, "logout");
        drop(guard);
        self.media.end_room();
        Ok(room.room_id)
    }

    /// Logs out of `from` and into `to` as the same user.
    pub fn switch_room(&self, from: &str, to: &str, config: Option<RoomConfig>) -> Result<(), i32> {
        validate::room_id(from)?;
        validate::room_id(to)?;
        let user = match self.room.lock().as_ref() {
            Some(r) if r.room_id == from => r.user.clone(),
            _ => {
                self.logout_failed(from, ec::ROOM_ID_INCORRECT);
                return Err(ec::ROOM_ID_INCORRECT);
            }
        };
        self.end_room(Some(from), None)?;
        self.login_room(to, user, config.unwrap_or_default()).map(|_| ())
    }

    /// Runs `f` on the logged-in room `room_id` (`None` = whichever).
    fn with_room<R>(
        &self,
        room_id: Option<&str>,
        not_found: i32,
        f: impl FnOnce(&mut RoomShared) -> Result<R, i32>,
    ) -> Result<R, i32> {
        let mut guard = self.room.lock();
        match guard.as_mut() {
            Some(room) if room_id.is_none_or(|id| id == room.room_id) => f(room),
            _ => Err(not_found),
        }
    }

    /// Replaces the token used by the room (for the server and later reconnects).
    pub fn renew_token(&self, room_id: &str, token: &str) -> Result<(), i32> {
        validate::room_id(room_id)?;
        if token.is_empty() || token.len() > validate::MAX_TOKEN_LEN {
            return Err(ec::ILLEGAL_PARAM);
        }
        self.with_room(Some(room_id), ec::ROOM_ID_INCORRECT, |room| {
            send(room, Command::RenewToken { token: token.to_owned() })
        })
    }

    pub fn set_room_extra_info(&self, room_id: &str, key: &str, value: &str) -> Result<i32, i32> {
        validate::room_id(room_id)?;
        if key.is_empty() {
            return Err(ec::ROOM_EXTRA_INFO_KEY_EMPTY);
        }
        if key.len() >= 128 {
            return Err(ec::ROOM_EXTRA_INFO_KEY_TOO_LONG);
        }
        if value.len() > 4096 {
            return Err(ec::ROOM_EXTRA_INFO_VALUE_TOO_LONG);
        }
        let seq = self.next_seq();
        self.with_room(Some(room_id), ec::ROOM_ID_INCORRECT, |room| {
            send(room, Command::SetRoomExtraInfo { key: key.into(), value: value.into(), seq })
        })?;
        Ok(seq)
    }

    fn check_channel(channel: i32) -> Result<usize, i32> {
        if (0..PUBLISH_CHANNEL_COUNT).contains(&channel) {
            Ok(channel as usize)
        } else {
            Err(ec::ILLEGAL_PARAM)
        }
    }

    /// Starts capture for the preview of `channel`; captured frames go to
    /// `view` (0 = no canvas) through the canvas frame callback.
    pub fn start_preview(&self, channel: i32, view: usize) -> Result<(), i32> {
        self.channel(channel)?.set_preview(true, view);
        Ok(())
    }

    pub fn stop_preview(&self, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.set_preview(false, 0);
        Ok(())
    }

    fn channel(&self, channel: i32) -> Result<&Arc<ChannelMedia>, i32> {
        Ok(&self.media.channels[Self::check_channel(channel)?])
    }

    /// Changes the video configuration; while publishing, the stream switches
    /// to it (a new keyframe at the new size).
    pub fn set_video_config(&self, config: VideoConfig, channel: i32) -> Result<(), i32> {
        config.validate()?;
        self.channel(channel)?.set_video_config(config);
        Ok(())
    }

    pub fn video_config(&self, channel: i32) -> Result<VideoConfig, i32> {
        Ok(self.channel(channel)?.video_config())
    }

    pub fn set_audio_config(&self, config: AudioConfig, channel: i32) -> Result<(), i32> {
        config.validate()?;
        self.channel(channel)?.set_audio_config(config);
        Ok(())
    }

    pub fn audio_config(&self, channel: i32) -> Result<AudioConfig, i32> {
        Ok(self.channel(channel)?.audio_config())
    }

    /// Custom capture replaces the virtual camera of `channel`: the host sends frames.
    pub fn enable_custom_video_capture(&self, enable: bool, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.set_custom_video(enable);
        Ok(())
    }

    /// A frame from the host for `channel` (custom capture must be on).
    pub fn send_custom_video_frame(&self, frame: VideoFrame, channel: i32) -> Result<(), i32> {
        let media = self.channel(channel)?;
        if !media.custom_video() {
            return Err(ec::CUSTOM_VIDEO_CAPTURE_NOT_ENABLED);
        }
        media.on_video_captured(frame);
        Ok(())
    }

    /// Custom audio capture replaces the microphone of `channel`: the host sends PCM.
    pub fn enable_custom_audio_capture(&self, enable: bool, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.set_custom_audio(enable);
        Ok(())
    }

    /// 48 kHz PCM from the host for `channel` (custom audio must be on: else 1012002).
    pub fn send_custom_audio(&self, pcm: &[i16], channels: usize, channel: i32) -> Result<(), i32> {
        self.channel(channel)?
            .push_custom_audio(pcm, channels)
            .then_some(())
            .ok_or(ec::CUSTOM_AUDIO_IO_CAPTURER_NOT_CREATED)
    }

    pub fn mute_publish_stream_video(&self, mute: bool, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.mute_video.store(mute, Ordering::Relaxed);
        self.announce_device_states(Some(channel));
        Ok(())
    }

    pub fn mute_publish_stream_audio(&self, mute: bool, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.mute_audio.store(mute, Ordering::Relaxed);
        self.announce_device_states(Some(channel));
        Ok(())
    }

    pub fn enable_camera(&self, enable: bool, channel: i32) -> Result<(), i32> {
        self.channel(channel)?.enable_camera(enable);
        self.announce_device_states(Some(channel));
        Ok(())
    }

    pub fn mute_microphone(&self, mute: bool) {
        self.media.mute_microphone(mute);
        self.announce_device_states(None);
    }

    /// Tells the room the camera and microphone states of the streams
    /// published on `channel` (`None` = every channel), so players get
    /// remote camera/mic state callbacks.
    fn announce_device_states(&self, channel: Option<i32>) {
        let guard = self.room.lock();
        let Some(room) = guard.as_ref() else { return };
        for (ch, entry) in room.publishing.iter().filter(|(ch, _)| channel.is_none_or(|c| c == **ch)) {
            let (camera, microphone) = self.media.channels[*ch as usize].device_states();
            let _ =
                room.commands.send(Command::SetStreamState { stream_id: entry.stream_id.clone(), camera, microphone });
        }
    }

    pub fn mute_speaker(&self, mute: bool) {
        self.media.mute_speaker(mute);
    }

    /// Mutes video (`video`) or audio of a played stream; 1004011 when not playing it.
    pub fn mute_play_stream(&self, stream_id: &str, video: bool, mute: bool) -> Result<(), i32> {
        validate::stream_id(stream_id)?;
        self.media.mute_play(stream_id, video, mute).then_some(()).ok_or(ec::PLAYER_STREAM_WAS_NOT_PLAYED)
    }

    /// ZEGO's observer bit mask; only the playback (remote mix) data exists so far.
    pub fn start_audio_data_observer(&self, mask: u32) -> Result<(), i32> {
        if mask & !media::OBSERVER_PLAYBACK != 0 && mask & media::OBSERVER_PLAYBACK == 0 {
            return Err(ec::ILLEGAL_PARAM);
        }
        self.media.set_audio_observer(mask);
        Ok(())
    }

    pub fn stop_audio_data_observer(&self) {
        self.media.set_audio_observer(0);
    }

    /// Registers `stream_id` in the room from `channel`.
    pub fn start_publishing_stream(&self, stream_id: &str, channel: i32) -> Result<(), i32> {
        validate::stream_id(stream_id)?;
        let ch = Self::check_channel(channel)? as i32;
        self.with_room(None, ec::NOT_LOGIN_ROOM, |room| {
            if let Some(p) = room.publishing.get(&ch) {
                return if p.stream_id == stream_id { Ok(()) } else { Err(ec::PUBLISHER_ALREADY_DO_PUBLISH) };
            }
            if room.publishing.values().any(|p| p.stream_id == stream_id) {
                return Err(ec::PUBLISHER_ALREADY_DO_PUBLISH);
            }
            room.publishing.insert(ch, PublishEntry { stream_id: stream_id.into(), extra_info: String::new() });
            self.media.begin_publish(ch, stream_id);
            self.events.send(Event::PublisherStateUpdate {
                stream_id: stream_id.into(),
                state: PublisherState::PublishRequesting,
                error_code: 0,
                extended_data: "{}".into(),
            });
            send(room, Command::Publish { stream_id: stream_id.into(), extra_info: String::new() })?;
            // A camera or microphone already off/muted is announced right after.
            let (camera, microphone) = self.media.channels[ch as usize].device_states();
            if (camera, microphone) != (0, 0) {
                send(room, Command::SetStreamState { stream_id: stream_id.into(), camera, microphone })?;
            }
            Ok(())
        })
    }

    pub fn stop_publishing_stream(&self, channel: i32) -> Result<(), i32> {
        let ch = Self::check_channel(channel)? as i32;
        self.with_room(None, ec::NOT_LOGIN_ROOM, |room| {
            let Some(p) = room.publishing.remove(&ch) else { return Ok(()) };
            self.media.stop_publish(ch);
            self.events.send(Event::PublisherStateUpdate {
                stream_id: p.stream_id.clone(),
                state: PublisherState::NoPublish,
                error_code: 0,
                extended_data: "{}".into(),
            });
            send(room, Command::Unpublish { stream_id: p.stream_id })
        })
    }

    pub fn set_stream_extra_info(&self, extra_info: &str, channel: i32) -> Result<i32, i32> {
        validate::stream_extra_info(extra_info)?;
        let ch = Self::check_channel(channel)? as i32;
        let seq = self.next_seq();
        self.with_room(None, ec::NOT_LOGIN_ROOM, |room| {
            let Some(p) = room.publishing.get_mut(&ch) else { return Err(ec::PUBLISHER_UPDATE_EXTRA_INFO_FAILED) };
            p.extra_info = extra_info.into();
            let stream_id = p.stream_id.clone();
            send(room, Command::SetStreamExtraInfo { stream_id, extra_info: extra_info.into(), seq })
        })?;
        Ok(seq)
    }

    /// Plays `stream_id`; decoded frames are delivered with `view` (0 = no canvas).
    pub fn start_playing_stream(&self, stream_id: &str, view: usize) -> Result<(), i32> {
        validate::stream_id(stream_id)?;
        self.with_room(None, ec::NOT_LOGIN_ROOM, |room| {
            if room.playing.contains(stream_id) {
                self.media.begin_play(stream_id, view);
                return Ok(());
            }
            if room.playing.len() >= MAX_PLAYING_STREAMS {
                return Err(ec::PLAYER_COUNT_EXCEED);
            }
            room.playing.insert(stream_id.into());
            self.media.begin_play(stream_id, view);
            self.events.send(Event::PlayerStateUpdate {
                stream_id: stream_id.into(),
                state: PlayerState::PlayRequesting,
                error_code: 0,
                extended_data: "{}".into(),
            });
            send(room, Command::Play { stream_id: stream_id.into() })
        })
    }

    pub fn stop_playing_stream(&self, stream_id: &str) -> Result<(), i32> {
        validate::stream_id(stream_id)?;
        self.with_room(None, ec::NOT_LOGIN_ROOM, |room| {
            if !room.playing.remove(stream_id) {
                return Ok(());
            }
            self.media.stop_play(stream_id);
            self.events.send(Event::PlayerStateUpdate {
                stream_id: stream_id.into(),
                state: PlayerState::NoPlay,
                error_code: 0,
                extended_data: "{}".into(),
            });
            send(room, Command::StopPlay { stream_id: stream_id.into() })
        })
    }

    fn send_im(&self, room_id: &str, text: &str, make: impl FnOnce(String, i32) -> Command) -> Result<i32, i32> {
        validate::room_id(room_id)?;
        validate::message(text)?;
        let seq = self.next_seq();
        self.with_room(Some(room_id), ec::ROOM_ID_INCORRECT, |room| send(room, make(text.to_owned(), seq)))?;
        Ok(seq)
    }

    pub fn send_broadcast_message(&self, room_id: &str, message: &str) -> Result<i32, i32> {
        self.send_im(room_id, message, |message, seq| Command::Broadcast { message, seq })
    }

    pub fn send_barrage_message(&self, room_id: &str, message: &str) -> Result<i32, i32> {
        self.send_im(room_id, message, |message, seq| Command::Barrage { message, seq })
    }

    pub fn send_custom_command(&self, room_id: &str, command: &str, to_user_ids: Vec<String>) -> Result<i32, i32> {
        for id in &to_user_ids {
            match validate::user_id(id) {
                Err(ec::USER_ID_NULL) => return Err(ec::IM_USER_ID_EMPTY),
                Err(ec::USER_ID_TOO_LONG) => return Err(ec::IM_USER_ID_TOO_LONG),
                other => other?,
            }
        }
        self.send_im(room_id, command, |command, seq| Command::CustomCommand { command, to_user_ids, seq })
    }

    /// Tears the engine down: logs out (waiting briefly for the server, so the
    /// room hears of it at once), delivers the queued events, then runs
    /// `finalizer` as the last act of the callback thread. From any thread
    /// but the callback thread, returns only after that.
    pub fn destroy(&self, finalizer: Option<Finalizer>) {
        let (tx, rx) = std::sync::mpsc::channel();
        if self.end_room(None, Some(tx)).is_ok_and(|id| !id.is_empty()) {
            let _ = rx.recv_timeout(DESTROY_LOGOUT_WAIT);
        }
        self.media.shutdown();
        if let Some(thread) = self.callback_thread.lock().take() {
            thread.stop(finalizer);
        }
        tracing::info!("engine destroyed");
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.destroy(None);
    }
}

/// Hands a command to the room task; the task ends only with the room.
fn send(room: &RoomShared, cmd: Command) -> Result<(), i32> {
    room.commands.send(cmd).map_err(|_| ec::ROOM_INNER_ERROR)
}
