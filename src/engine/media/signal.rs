//! How media pipelines talk to zego-server: WebRTC offers travel over the
//! room's signaling session, answers come back through a oneshot channel.

use std::net::IpAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::oneshot;

use crate::error_code as ec;
use crate::room::{Command, MediaDirection, RoomShared};

/// Sends SDP offers for this engine's room.
#[derive(Clone)]
pub struct Signaler {
    room: Arc<Mutex<Option<RoomShared>>>,
}

impl Signaler {
    pub fn new(room: Arc<Mutex<Option<RoomShared>>>) -> Self {
        Self { room }
    }

    /// Sends `offer` for `stream_id` and waits for the SFU's answer.
    pub async fn exchange(&self, direction: MediaDirection, stream_id: &str, offer: String) -> Result<String, i32> {
        let (reply, answer) = oneshot::channel();
        {
            let guard = self.room.lock();
            let room = guard.as_ref().ok_or(ec::NOT_LOGIN_ROOM)?;
            room.commands
                .send(Command::Media { direction, stream_id: stream_id.to_owned(), sdp: offer, reply })
                .map_err(|_| ec::NOT_LOGIN_ROOM)?;
        }
        answer.await.unwrap_or(Err(ec::ROOM_DISCONNECT))
    }

    /// The local address the room's signaling connection uses: media binds
    /// to the same interface, which is known to reach the server.
    pub fn local_ip(&self) -> IpAddr {
        self.room.lock().as_ref().and_then(|r| r.local_ip).unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }
}
