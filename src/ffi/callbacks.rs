//! Event callbacks: the C typedefs, the per-engine registration table, the
//! `zego_register_<event>_callback` functions and the dispatcher that turns
//! engine events into C calls on the engine's callback thread.
//!
//! Pointers handed to a callback are valid only during the call. A
//! registration replaced (or cleared with NULL) is never called again once
//! the register call returned; registering waits for a running callback of
//! the same engine to return, unless called from inside that callback.

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use parking_lot::ReentrantMutex;

use super::boundary::{c_string, ffi_boundary};
use super::handles::{engine_entry, zego_engine};
use super::types::*;
use crate::engine::event::Event;
use crate::engine::EventHandler;
use crate::media::frame::VideoFrame;
use crate::protocol::{Stream, User};

pub type zego_on_room_state_changed = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        reason: i32,
        error_code: zego_error,
        extended_data: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_state_update = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        state: i32,
        error_code: zego_error,
        extended_data: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_login_result = Option<
    unsafe extern "C" fn(
        error_code: zego_error,
        extended_data: *const c_char,
        room_id: *const c_char,
        seq: zego_seq,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_logout_result = Option<
    unsafe extern "C" fn(
        error_code: zego_error,
        extended_data: *const c_char,
        room_id: *const c_char,
        seq: zego_seq,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_user_update = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        update_type: i32,
        user_list: *const zego_user,
        user_count: u32,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_online_user_count_update =
    Option<unsafe extern "C" fn(room_id: *const c_char, count: i32, user_context: *mut c_void)>;
pub type zego_on_room_stream_update = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        update_type: i32,
        stream_list: *const zego_stream,
        stream_count: u32,
        extended_data: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_stream_extra_info_update = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        stream_list: *const zego_stream,
        stream_count: u32,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_extra_info_update = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        room_extra_info_list: *const zego_room_extra_info,
        room_extra_info_count: u32,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_room_token_will_expire =
    Option<unsafe extern "C" fn(room_id: *const c_char, remain_time_in_second: i32, user_context: *mut c_void)>;
pub type zego_on_room_set_room_extra_info_result = Option<
    unsafe extern "C" fn(
        error_code: zego_error,
        room_id: *const c_char,
        key: *const c_char,
        seq: zego_seq,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_publisher_state_update = Option<
    unsafe extern "C" fn(
        stream_id: *const c_char,
        state: i32,
        error_code: zego_error,
        extended_data: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_publisher_update_stream_extra_info_result =
    Option<unsafe extern "C" fn(error_code: zego_error, seq: zego_seq, user_context: *mut c_void)>;
pub type zego_on_player_state_update = Option<
    unsafe extern "C" fn(
        stream_id: *const c_char,
        state: i32,
        error_code: zego_error,
        extended_data: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_recv_broadcast_message = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        message_list: *const zego_broadcast_message_info,
        message_count: u32,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_recv_barrage_message = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        message_list: *const zego_barrage_message_info,
        message_count: u32,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_recv_custom_command = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        from_user: zego_user,
        command: *const c_char,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_send_broadcast_message_result = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        message_id: u64,
        error_code: zego_error,
        seq: zego_seq,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_send_barrage_message_result = Option<
    unsafe extern "C" fn(
        room_id: *const c_char,
        message_id: *const c_char,
        error_code: zego_error,
        seq: zego_seq,
        user_context: *mut c_void,
    ),
>;
pub type zego_on_im_send_custom_command_result = Option<
    unsafe extern "C" fn(room_id: *const c_char, error_code: zego_error, seq: zego_seq, user_context: *mut c_void),
>;

pub type zego_on_publisher_captured_video_first_frame =
    Option<unsafe extern "C" fn(channel: i32, user_context: *mut c_void)>;
pub type zego_on_publisher_captured_audio_first_frame = Option<unsafe extern "C" fn(user_context: *mut c_void)>;
pub type zego_on_publisher_send_video_first_frame =
    Option<unsafe extern "C" fn(channel: i32, user_context: *mut c_void)>;
pub type zego_on_publisher_send_audio_first_frame =
    Option<unsafe extern "C" fn(channel: i32, user_context: *mut c_void)>;
pub type zego_on_publisher_video_size_changed =
    Option<unsafe extern "C" fn(width: i32, height: i32, channel: i32, user_context: *mut c_void)>;
pub type zego_on_player_recv_video_first_frame =
    Option<unsafe extern "C" fn(stream_id: *const c_char, user_context: *mut c_void)>;
pub type zego_on_player_recv_audio_first_frame =
    Option<unsafe extern "C" fn(stream_id: *const c_char, user_context: *mut c_void)>;
pub type zego_on_player_render_video_first_frame =
    Option<unsafe extern "C" fn(stream_id: *const c_char, user_context: *mut c_void)>;
pub type zego_on_player_video_size_changed =
    Option<unsafe extern "C" fn(stream_id: *const c_char, width: i32, height: i32, user_context: *mut c_void)>;
/// A decoded frame of a played stream for custom rendering (after
/// `zego_enable_custom_video_render`): I420 planes (`data[0..3]`, lengths in
/// `data_length[0..3]`, strides in `param.strides`), or one BGRA plane when
/// the render config asked for the RGB series. Valid only during the call.
pub type zego_on_custom_video_render_remote_frame_data = Option<
    unsafe extern "C" fn(
        stream_id: *const c_char,
        data: *mut *mut u8,
        data_length: *mut u32,
        param: zego_video_frame_param,
        user_context: *mut c_void,
    ),
>;
/// zego-express extension, until native window rendering exists: every
/// frame meant for a canvas (`zego_start_preview` / `zego_start_playing_stream`
/// with a non-NULL `view`) is handed back with that view pointer, as I420
/// planes like the custom render callback. Valid only during the call.
pub type zego_on_canvas_video_frame = Option<
    unsafe extern "C" fn(
        view: *mut c_void,
        data: *mut *mut u8,
        data_length: *mut u32,
        param: zego_video_frame_param,
        user_context: *mut c_void,
    ),
>;
/// 20 ms of the mixed playback audio (interleaved 16-bit PCM) for the audio
/// data observer. Valid only during the call.
pub type zego_on_playback_audio_data = Option<
    unsafe extern "C" fn(data: *const u8, data_length: u32, param: zego_audio_frame_param, user_context: *mut c_void),
>;

/// The camera of a played stream's publisher changed: `state` is ZEGO's
/// `zego_remote_device_state` (0 open, 9 disabled, 10 muted). Also reported
/// once when playing starts.
pub type zego_on_remote_camera_state_update =
    Option<unsafe extern "C" fn(stream_id: *const c_char, state: i32, user_context: *mut c_void)>;
/// The microphone of a played stream's publisher changed (as above).
pub type zego_on_remote_mic_state_update =
    Option<unsafe extern "C" fn(stream_id: *const c_char, state: i32, user_context: *mut c_void)>;

/// Quality of a published stream, every 3 s while publishing.
pub type zego_on_publisher_quality_update = Option<
    unsafe extern "C" fn(stream_id: *const c_char, quality: zego_publish_stream_quality, user_context: *mut c_void),
>;
/// Quality of a played stream, every 3 s while playing.
pub type zego_on_player_quality_update = Option<
    unsafe extern "C" fn(stream_id: *const c_char, quality: zego_play_stream_quality, user_context: *mut c_void),
>;
/// Network quality every 2 s while in a room; `user_id` "" is the local user.
/// Levels are `zego_stream_quality_level` values (5 = unknown: nothing to measure).
pub type zego_on_network_quality = Option<
    unsafe extern "C" fn(
        user_id: *const c_char,
        upstream_quality: i32,
        downstream_quality: i32,
        user_context: *mut c_void,
    ),
>;

/// A chosen camera, microphone or speaker did not open when capture or
/// playout started, or went away while running; the engine carries on with
/// the virtual device of that kind. Reported at most once per device each time
/// it is started. `exception_type` is a `zego_device_exception_type`
/// (1 generic, 2 invalid id, 3 permission not granted, 5 occupied,
/// 6 unplugged), `device_type` a `zego_device_type` (1 camera,
/// 2 microphone, 3 speaker). `device_id` is valid only during the call.
pub type zego_on_local_device_exception_occurred = Option<
    unsafe extern "C" fn(exception_type: i32, device_type: i32, device_id: *const c_char, user_context: *mut c_void),
>;

/// A function pointer and the context it is called with.
#[derive(Clone, Copy)]
pub struct Slot<F> {
    callback: Option<F>,
    context: *mut c_void,
}

impl<F> Default for Slot<F> {
    fn default() -> Self {
        Self { callback: None, context: std::ptr::null_mut() }
    }
}

/// Declares the registration table with one slot per event.
macro_rules! callback_table {
    ($($event:ident: $typedef:ident,)*) => {
        /// The registrations of one engine.
        #[derive(Default)]
        pub struct CallbackTable {
            $(pub $event: Slot<<$typedef as OptionFn>::Fn>,)*
            /// Custom render on (`Some`), delivering BGRA (`true`) or I420 (`false`).
            pub custom_render: Option<bool>,
        }
    };
}

/// The function pointer type inside an `Option<fn>` typedef.
pub trait OptionFn {
    type Fn: Copy;
    fn split(self) -> Option<Self::Fn>;
}
impl<F: Copy> OptionFn for Option<F> {
    type Fn = F;
    fn split(self) -> Option<F> {
        self
    }
}

callback_table! {
    room_state_changed: zego_on_room_state_changed,
    room_state_update: zego_on_room_state_update,
    room_login_result: zego_on_room_login_result,
    room_logout_result: zego_on_room_logout_result,
    room_user_update: zego_on_room_user_update,
    room_online_user_count_update: zego_on_room_online_user_count_update,
    room_stream_update: zego_on_room_stream_update,
    room_stream_extra_info_update: zego_on_room_stream_extra_info_update,
    room_extra_info_update: zego_on_room_extra_info_update,
    room_token_will_expire: zego_on_room_token_will_expire,
    room_set_room_extra_info_result: zego_on_room_set_room_extra_info_result,
    publisher_state_update: zego_on_publisher_state_update,
    publisher_update_stream_extra_info_result: zego_on_publisher_update_stream_extra_info_result,
    player_state_update: zego_on_player_state_update,
    im_recv_broadcast_message: zego_on_im_recv_broadcast_message,
    im_recv_barrage_message: zego_on_im_recv_barrage_message,
    im_recv_custom_command: zego_on_im_recv_custom_command,
    im_send_broadcast_message_result: zego_on_im_send_broadcast_message_result,
    im_send_barrage_message_result: zego_on_im_send_barrage_message_result,
    im_send_custom_command_result: zego_on_im_send_custom_command_result,
    publisher_captured_video_first_frame: zego_on_publisher_captured_video_first_frame,
    publisher_captured_audio_first_frame: zego_on_publisher_captured_audio_first_frame,
    publisher_send_video_first_frame: zego_on_publisher_send_video_first_frame,
    publisher_send_audio_first_frame: zego_on_publisher_send_audio_first_frame,
    publisher_video_size_changed: zego_on_publisher_video_size_changed,
    player_recv_video_first_frame: zego_on_player_recv_video_first_frame,
    player_recv_audio_first_frame: zego_on_player_recv_audio_first_frame,
    player_render_video_first_frame: zego_on_player_render_video_first_frame,
    player_video_size_changed: zego_on_player_video_size_changed,
    custom_video_render_remote_frame_data: zego_on_custom_video_render_remote_frame_data,
    canvas_video_frame: zego_on_canvas_video_frame,
    playback_audio_data: zego_on_playback_audio_data,
    publisher_quality_update: zego_on_publisher_quality_update,
    player_quality_update: zego_on_player_quality_update,
    network_quality: zego_on_network_quality,
    remote_camera_state_update: zego_on_remote_camera_state_update,
    remote_mic_state_update: zego_on_remote_mic_state_update,
    local_device_exception_occurred: zego_on_local_device_exception_occurred,
}

// SAFETY: the host hands each context over to be used on the engine's
// callback thread (and any thread it registers from); the table only stores it.
unsafe impl<F: Send> Send for Slot<F> {}

/// The table, locked for the whole of each callback (re-entrant, so a
/// callback may register on its own thread).
pub type SharedTable = Arc<ReentrantMutex<RefCell<CallbackTable>>>;

/// Sets one slot of the engine's table.
pub(super) fn register<F>(
    engine: *mut zego_engine,
    pick: impl FnOnce(&mut CallbackTable) -> &mut Slot<F>,
    callback: Option<F>,
    context: *mut c_void,
) -> zego_error {
    ffi_boundary!(|| {
        let entry = engine_entry(engine)?;
        let guard = entry.callbacks.lock();
        let mut table = guard.borrow_mut();
        *pick(&mut table) = Slot { callback, context };
        Ok(())
    })
}

/// C strings and structs kept alive for the duration of one callback.
#[derive(Default)]
struct Arena {
    strings: Vec<CString>,
}

impl Arena {
    fn s(&mut self, text: &str) -> *const c_char {
        let c = c_string(text);
        let ptr = c.as_ptr();
        // The heap buffer of a CString does not move when the CString does.
        self.strings.push(c);
        ptr
    }

    fn user(&mut self, u: &User) -> zego_user {
        zego_user { user_id: self.s(&u.user_id), user_name: self.s(&u.user_name) }
    }

    fn stream(&mut self, s: &Stream) -> zego_stream {
        zego_stream { user: self.user(&s.user), stream_id: self.s(&s.stream_id), extra_info: self.s(&s.extra_info) }
    }
}

/// Calls the slot `$event` with the given arguments, if registered.
macro_rules! call {
    ($table:expr, $event:ident ( $($arg:expr),* )) => {{
        let slot = $table.borrow().$event;
        if let Some(f) = slot.callback {
            // SAFETY: the host registered this function with this context for this event.
            unsafe { f($($arg,)* slot.context) }
        }
    }};
}

/// The engine's event handler: converts each event and calls the host.
pub fn dispatcher(table: SharedTable) -> EventHandler {
    Box::new(move |event| {
        let guard = table.lock();
        // A bug in a conversion must not end the callback thread.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(&guard, event))).is_err() {
            tracing::error!("panic while dispatching an event (a bug; please report)");
        }
    })
}

fn dispatch(t: &RefCell<CallbackTable>, event: Event) {
    let mut a = Arena::default();
    match event {
        Event::RoomStateChanged { room_id, reason, error_code, extended_data } => {
            let (r, x) = (a.s(&room_id), a.s(&extended_data));
            call!(t, room_state_update(r, reason.room_state(), error_code, x));
            call!(t, room_state_changed(r, reason as i32, error_code, x));
        }
        Event::RoomLoginResult { error_code, extended_data, room_id, seq } => {
            call!(t, room_login_result(error_code, a.s(&extended_data), a.s(&room_id), seq))
        }
        Event::RoomLogoutResult { error_code, extended_data, room_id, seq } => {
            call!(t, room_logout_result(error_code, a.s(&extended_data), a.s(&room_id), seq))
        }
        Event::RoomUserUpdate { room_id, update_type, users } => {
            let list: Vec<zego_user> = users.iter().map(|u| a.user(u)).collect();
            call!(t, room_user_update(a.s(&room_id), update_type.zego_value(), list.as_ptr(), list.len() as u32));
        }
        Event::RoomOnlineUserCountUpdate { room_id, count } => {
            call!(t, room_online_user_count_update(a.s(&room_id), count))
        }
        Event::RoomStreamUpdate { room_id, update_type, streams, extended_data } => {
            let list: Vec<zego_stream> = streams.iter().map(|s| a.stream(s)).collect();
            call!(
                t,
                room_stream_update(
                    a.s(&room_id),
                    update_type.zego_value(),
                    list.as_ptr(),
                    list.len() as u32,
                    a.s(&extended_data)
                )
            );
        }
        Event::RoomStreamExtraInfoUpdate { room_id, streams } => {
            let list: Vec<zego_stream> = streams.iter().map(|s| a.stream(s)).collect();
            call!(t, room_stream_extra_info_update(a.s(&room_id), list.as_ptr(), list.len() as u32));
        }
        Event::RoomExtraInfoUpdate { room_id, infos } => {
            let list: Vec<zego_room_extra_info> = infos
                .iter()
                .map(|i| zego_room_extra_info {
                    key: a.s(&i.key),
                    value: a.s(&i.value),
                    update_user: a.user(&i.update_user),
                    update_time: i.update_time,
                })
                .collect();
            call!(t, room_extra_info_update(a.s(&room_id), list.as_ptr(), list.len() as u32));
        }
        Event::RoomTokenWillExpire { room_id, remain_seconds } => {
            call!(t, room_token_will_expire(a.s(&room_id), remain_seconds))
        }
        Event::RoomSetRoomExtraInfoResult { error_code, room_id, key, seq } => {
            call!(t, room_set_room_extra_info_result(error_code, a.s(&room_id), a.s(&key), seq))
        }
        Event::PublisherStateUpdate { stream_id, state, error_code, extended_data } => {
            call!(t, publisher_state_update(a.s(&stream_id), state as i32, error_code, a.s(&extended_data)))
        }
        Event::PublisherUpdateStreamExtraInfoResult { error_code, seq } => {
            call!(t, publisher_update_stream_extra_info_result(error_code, seq))
        }
        Event::PlayerStateUpdate { stream_id, state, error_code, extended_data } => {
            call!(t, player_state_update(a.s(&stream_id), state as i32, error_code, a.s(&extended_data)))
        }
        Event::ImRecvBroadcastMessage { room_id, messages } => {
            let list: Vec<zego_broadcast_message_info> = messages
                .iter()
                .map(|m| zego_broadcast_message_info {
                    message: a.s(&m.message),
                    message_id: m.message_id,
                    send_time: m.send_time,
                    from_user: a.user(&m.from_user),
                })
                .collect();
            call!(t, im_recv_broadcast_message(a.s(&room_id), list.as_ptr(), list.len() as u32));
        }
        Event::ImRecvBarrageMessage { room_id, messages } => {
            let list: Vec<zego_barrage_message_info> = messages
                .iter()
                .map(|m| zego_barrage_message_info {
                    message: a.s(&m.message),
                    message_id: a.s(&m.message_id),
                    send_time: m.send_time,
                    from_user: a.user(&m.from_user),
                })
                .collect();
            call!(t, im_recv_barrage_message(a.s(&room_id), list.as_ptr(), list.len() as u32));
        }
        Event::ImRecvCustomCommand { room_id, from_user, command } => {
            call!(t, im_recv_custom_command(a.s(&room_id), a.user(&from_user), a.s(&command)))
        }
        Event::ImSendBroadcastMessageResult { room_id, message_id, error_code, seq } => {
            call!(t, im_send_broadcast_message_result(a.s(&room_id), message_id, error_code, seq))
        }
        Event::ImSendBarrageMessageResult { room_id, message_id, error_code, seq } => {
            call!(t, im_send_barrage_message_result(a.s(&room_id), a.s(&message_id), error_code, seq))
        }
        Event::ImSendCustomCommandResult { room_id, error_code, seq } => {
            call!(t, im_send_custom_command_result(a.s(&room_id), error_code, seq))
        }
        Event::PublisherCapturedVideoFirstFrame { channel } => call!(t, publisher_captured_video_first_frame(channel)),
        Event::PublisherCapturedAudioFirstFrame => call!(t, publisher_captured_audio_first_frame()),
        Event::PublisherSendVideoFirstFrame { channel } => call!(t, publisher_send_video_first_frame(channel)),
        Event::PublisherSendAudioFirstFrame { channel } => call!(t, publisher_send_audio_first_frame(channel)),
        Event::PublisherVideoSizeChanged { width, height, channel } => {
            call!(t, publisher_video_size_changed(width, height, channel))
        }
        Event::PlayerRecvVideoFirstFrame { stream_id } => call!(t, player_recv_video_first_frame(a.s(&stream_id))),
        Event::PlayerRecvAudioFirstFrame { stream_id } => call!(t, player_recv_audio_first_frame(a.s(&stream_id))),
        Event::PlayerRenderVideoFirstFrame { stream_id } => call!(t, player_render_video_first_frame(a.s(&stream_id))),
        Event::PlayerVideoSizeChanged { stream_id, width, height } => {
            call!(t, player_video_size_changed(a.s(&stream_id), width, height))
        }
        Event::RemoteVideoFrame { stream_id, frame, view } => {
            let custom_render = t.borrow().custom_render;
            if let Some(bgra) = custom_render {
                let mut planes = FramePlanes::new(&frame.0, bgra);
                let (data, lengths, param) = planes.c_args();
                call!(t, custom_video_render_remote_frame_data(a.s(&stream_id), data, lengths, param));
            }
            deliver_to_canvas(t, &frame.0, view);
        }
        Event::CapturedVideoFrame { frame, view, .. } => deliver_to_canvas(t, &frame.0, view),
        Event::PublisherQualityUpdate { stream_id, quality: q } => {
            let c = zego_publish_stream_quality {
                video_capture_fps: q.video_capture_fps,
                video_encode_fps: q.video_encode_fps,
                video_send_fps: q.video_send_fps,
                video_kbps: q.video_kbps,
                audio_capture_fps: q.audio_capture_fps,
                audio_send_fps: q.audio_send_fps,
                audio_kbps: q.audio_kbps,
                rtt: q.rtt_ms,
                packet_lost_rate: q.packet_lost_rate,
                level: q.level,
                total_send_bytes: q.total_send_bytes,
                audio_send_bytes: q.audio_send_bytes,
                video_send_bytes: q.video_send_bytes,
                ..Default::default()
            };
            call!(t, publisher_quality_update(a.s(&stream_id), c))
        }
        Event::PlayerQualityUpdate { stream_id, quality: q } => {
            let c = zego_play_stream_quality {
                video_recv_fps: q.video_recv_fps,
                video_dejitter_fps: q.video_recv_fps,
                video_decode_fps: q.video_decode_fps,
                video_render_fps: q.video_render_fps,
                video_kbps: q.video_kbps,
                audio_recv_fps: q.audio_recv_fps,
                audio_dejitter_fps: q.audio_recv_fps,
                audio_decode_fps: q.audio_recv_fps,
                audio_render_fps: q.audio_recv_fps,
                audio_kbps: q.audio_kbps,
                audio_break_rate: q.audio_break_rate,
                mos: -1.0,
                rtt: q.rtt_ms,
                packet_lost_rate: q.packet_lost_rate,
                level: q.level,
                total_recv_bytes: q.total_recv_bytes,
                audio_recv_bytes: q.audio_recv_bytes,
                video_recv_bytes: q.video_recv_bytes,
                audio_cumulative_break_count: q.audio_cumulative_break_count,
                mute_video: q.mute_video,
                mute_audio: q.mute_audio,
                ..Default::default()
            };
            call!(t, player_quality_update(a.s(&stream_id), c))
        }
        Event::RemoteCameraStateUpdate { stream_id, state } => {
            call!(t, remote_camera_state_update(a.s(&stream_id), state))
        }
        Event::RemoteMicStateUpdate { stream_id, state } => call!(t, remote_mic_state_update(a.s(&stream_id), state)),
        Event::NetworkQuality { user_id, upstream, downstream } => {
            call!(t, network_quality(a.s(&user_id), upstream, downstream))
        }
        Event::PlaybackAudioData { pcm, sample_rate, channels } => {
            let param = zego_audio_frame_param { sample_rate, channel: channels };
            let bytes = pcm.len() * 2;
            call!(t, playback_audio_data(pcm.as_ptr().cast(), bytes as u32, param));
        }
        Event::LocalDeviceExceptionOccurred { exception_type, device_type, device_id } => {
            call!(t, local_device_exception_occurred(exception_type as i32, device_type as i32, a.s(&device_id)))
        }
    }
}

/// Hands a frame to the canvas callback when the frame belongs to a canvas.
fn deliver_to_canvas(t: &RefCell<CallbackTable>, frame: &VideoFrame, view: usize) {
    if view != 0 {
        let mut planes = FramePlanes::new(frame, false);
        let (data, lengths, param) = planes.c_args();
        call!(t, canvas_video_frame(view as *mut c_void, data, lengths, param));
    }
}

/// A frame laid out for C: plane pointers, lengths and the frame parameters.
struct FramePlanes<'a> {
    frame: &'a VideoFrame,
    bgra: Option<Vec<u8>>,
    pointers: [*mut u8; 4],
    lengths: [u32; 4],
}

impl<'a> FramePlanes<'a> {
    fn new(frame: &'a VideoFrame, bgra: bool) -> Self {
        let bgra = bgra.then(|| {
            let rgb = crate::media::frame::to_rgb24(frame);
            rgb.chunks_exact(3).flat_map(|p| [p[2], p[1], p[0], 255]).collect()
        });
        Self { frame, bgra, pointers: [std::ptr::null_mut(); 4], lengths: [0; 4] }
    }

    /// Pointers into the frame (or its BGRA copy); valid while `self` lives.
    fn c_args(&mut self) -> (*mut *mut u8, *mut u32, zego_video_frame_param) {
        let f = self.frame;
        let (w, h) = (f.width as i32, f.height as i32);
        let param = match &self.bgra {
            Some(bgra) => {
                self.pointers[0] = bgra.as_ptr() as *mut u8;
                self.lengths[0] = bgra.len() as u32;
                zego_video_frame_param { format: 4, strides: [w * 4, 0, 0, 0], width: w, height: h, rotation: 0 }
            }
            None => {
                for (i, plane) in [&f.y, &f.u, &f.v].into_iter().enumerate() {
                    // The host receives read access only (ZEGO's C signature is not const).
                    self.pointers[i] = plane.as_ptr() as *mut u8;
                    self.lengths[i] = plane.len() as u32;
                }
                let (sy, suv) = (f.stride_y() as i32, f.stride_uv() as i32);
                zego_video_frame_param { format: 1, strides: [sy, suv, suv, 0], width: w, height: h, rotation: 0 }
            }
        };
        (self.pointers.as_mut_ptr(), self.lengths.as_mut_ptr(), param)
    }
}
