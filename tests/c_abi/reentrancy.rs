//! Callbacks that call back into the API, including destroy, without deadlock.

use std::ffi::c_void;
use std::ptr;
use std::sync::mpsc;
use std::time::Duration;

use crate::harness::*;
use zego_express::ffi::*;

struct Handle(*mut zego_engine);
unsafe impl Send for Handle {}
impl Handle {
    fn get(&self) -> *mut zego_engine {
        self.0
    }
}

unsafe extern "C" fn destroyed(ctx: *mut c_void) {
    let tx = &*(ctx as *const mpsc::Sender<&'static str>);
    tx.send("destroyed").unwrap();
}

#[test]
fn callbacks_may_publish_register_and_destroy() {
    let server = Server::start();
    let peer = Client::new(&server, "peer");
    peer.login("room1");
    let c = Client::new(&server, "reentrant");
    let handle = Handle(c.engine);
    let (tx, rx) = mpsc::channel::<&'static str>();
    let tx_ctx: &'static mpsc::Sender<&'static str> = Box::leak(Box::new(tx.clone()));
    *c.rec.hook.lock() = Some(Box::new(move |ev| {
        let engine = handle.get();
        match ev {
            // Logged in: publish and message from inside the callback.
            Ev::RoomState { reason: 1, .. } => {
                assert_eq!(zego_start_publishing_stream(engine, cs("fromCallback").as_ptr(), 0), 0);
                assert_eq!(
                    zego_send_broadcast_message(engine, cs("room1").as_ptr(), cs("inside").as_ptr(), ptr::null_mut()),
                    0
                );
                // Re-registering from the callback thread does not deadlock.
                assert_eq!(zego_register_room_token_will_expire_callback(engine, None, ptr::null_mut()), 0);
            }
            // Published: destroy the engine from its own callback.
            Ev::Publisher { state: 2, .. } => {
                let ctx = tx_ctx as *const _ as *mut c_void;
                assert_eq!(zego_destroy_engine(engine, Some(destroyed), ctx), 0);
                tx.send("destroy returned").unwrap();
            }
            _ => {}
        }
    }));
    c.login("room1");
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("destroy returned"));
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("destroyed"));
    // The peer saw the stream come and go, and the user leave at once (logout, not timeout).
    peer.wait(|e| matches!(e, Ev::Broadcast { .. }));
    peer.wait(|e| matches!(e, Ev::Users { add: false, .. }));
    assert_eq!(zego_start_publishing_stream(c.engine, cs("x").as_ptr(), 0), 1000001);
}
