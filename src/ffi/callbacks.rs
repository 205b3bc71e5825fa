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
    }
}
