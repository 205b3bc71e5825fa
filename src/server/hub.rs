//! State every connection shares: the registry, which connection carries each
//! session, the session tasks and the shutdown signal.
//!
//! One short lock guards the registry and the links together, so a change and
//! the delivery of its notices happen in one step and every session sees
//! events in the order they happened.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinSet;

use crate::error_code as ec;
use crate::protocol::{self, ResponseData, Resume, ServerMsg, User};

use super::config::ServerConfig;
use super::registry::{
    JoinRequest, MemoryRegistry, Notice, Registry, RegistryError, RegistryLimits, RoomView, SessionId,
};
use super::sfu::Sfu;

/// Frames queued for one connection. When full the client is not reading: the
/// connection is closed as lost (dropping signaling events would corrupt its
/// view of the room), and the session may resume on a new connection.
pub(crate) const OUTBOUND_CAPACITY: usize = 256;

/// Identifies one WebSocket connection (a session may move between them).
pub(crate) type ConnId = u64;

/// What a connection's sender task writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outbound {
    Text(String),
    /// A close frame; the sender stops after it.
    Close {
        code: u16,
        reason: &'static str,
    },
}

/// WebSocket close codes the server uses.
pub(crate) mod close {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const POLICY: u16 = 1008;
}

/// The sending side of one connection.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    conn: ConnId,
    tx: mpsc::Sender<Outbound>,
    evicted: Arc<Notify>,
}

impl Outbox {
    /// An outbox and the receiver its sender task drains.
    pub fn new(conn: ConnId) -> (Self, mpsc::Receiver<Outbound>) {
        let (tx, rx) = mpsc::channel(OUTBOUND_CAPACITY);
        let evicted = Arc::new(Notify::new());
        (Outbox { conn, tx, evicted }, rx)
    }

    /// Queues a message; a full queue evicts the connection.
    pub fn send(&self, msg: &ServerMsg) {
        self.push(Outbound::Text(protocol::encode(msg)));
    }

    /// Queues a close frame.
    pub fn close(&self, code: u16, reason: &'static str) {
        self.push(Outbound::Close { code, reason });
    }

    /// Completes once the queue has overflowed.
    pub async fn evicted(&self) {
        self.evicted.notified().await;
    }

    fn push(&self, out: Outbound) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(out) {
            tracing::warn!(conn = self.conn, "outbound queue full, dropping the connection");
            self.evicted.notify_one();
        }
    }
}

/// A session task that panicked is a bug; it died alone, the server goes on.
fn log_panic(done: Result<(), tokio::task::JoinError>) {
    if let Err(e) = done {
        if e.is_panic() {
            tracing::error!("a session task panicked: {e}");
        }
    }
}

/// Which connection carries a session; `None` while it is lost (grace period).
#[derive(Debug)]
struct Link {
    conn: ConnId,
    outbox: Option<Outbox>,
}

struct State {
    registry: Box<dyn Registry>,
    links: HashMap<SessionId, Link>,
}

impl State {
    fn owns(&self, session: SessionId, conn: ConnId) -> bool {
        self.links.get(&session).is_some_and(|l| l.conn == conn)
    }

    /// Sends each notice to the connected recipients (lost ones get a snapshot on resume).
    fn deliver(&self, notices: Vec<Notice>) {
        for notice in notices {
            let text = protocol::encode(&notice.msg);
            for to in notice.to {
                if let Some(outbox) = self.links.get(&to).and_then(|l| l.outbox.as_ref()) {
                    outbox.push(Outbound::Text(text.clone()));
                }
            }
        }
    }

    fn remove(&mut self, session: SessionId) {
        self.links.remove(&session);
        let notices = self.registry.leave(session);
        self.deliver(notices);
    }
}

/// A checked login on its way into a room.
#[derive(Debug)]
pub(crate) struct Entry {
    pub req: u64,
    pub app_id: u32,
    pub room_id: String,
    pub user: User,
    pub max_member_count: u32,
    pub user_status_notify: bool,
    /// With only the streams the login may publish.
    pub resume: Option<Resume>,
    /// UNIX seconds, for token logins.
    pub token_expire: Option<u64>,
}

/// The shared server state.
pub(crate) struct Hub {
    // Passed in.
    config: ServerConfig,
    // Owned.
    state: Mutex<State>,
    /// Media of the streams; told here whenever a session or stream ends.
    sfu: Arc<Sfu>,
    shutdown: watch::Sender<bool>,
    /// Session tasks; `None` once stopping.
    tasks: Mutex<Option<JoinSet<()>>>,
    last_conn: AtomicU64,
}

impl Hub {
    /// A hub whose SFU binds to `rtc_ip`; must run inside tokio.
    pub fn new(config: ServerConfig, rtc_ip: IpAddr) -> Arc<Self> {
        let limits =
            RegistryLimits { max_rooms: config.limits.max_rooms, max_users_per_room: config.limits.max_users_per_room };
        let state = State { registry: Box::new(MemoryRegistry::new(limits)), links: HashMap::new() };
        let shutdown = watch::channel(false).0;
        let sfu = Sfu::new(rtc_ip, shutdown.subscribe());
        Arc::new(Hub {
            config,
            state: Mutex::new(state),
            sfu,
            shutdown,
            tasks: Mutex::new(Some(JoinSet::new())),
            last_conn: AtomicU64::new(0),
        })
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    pub fn sfu(&self) -> &Arc<Sfu> {
        &self.sfu
    }

    /// The session publishing `stream_id` in app `app_id`.
    pub fn stream_owner(&self, app_id: u32, stream_id: &str) -> Option<SessionId> {
        self.state.lock().registry.stream_owner(app_id, stream_id)
    }

    /// Whether the session is in a room.
    pub fn is_member(&self, session: SessionId) -> bool {
        self.state.lock().registry.membership(session).is_some()
    }

    pub fn next_conn(&self) -> ConnId {
        self.last_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Turns true when the server stops.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Runs a session task that [`Hub::drain`] can wait for; dropped when stopping.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        if let Some(tasks) = self.tasks.lock().as_mut() {
            while let Some(done) = tasks.try_join_next() {
                log_panic(done);
            }
            tasks.spawn(task);
        }
    }

    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Waits up to `timeout` for the session tasks, then aborts the rest.
    pub async fn drain(&self, timeout: Duration) {
        let Some(mut tasks) = self.tasks.lock().take() else {
            return;
        };
        let all_done = async {
            while let Some(done) = tasks.join_next().await {
                log_panic(done);
            }
        };
        if tokio::time::timeout(timeout, all_done).await.is_err() {
            tasks.shutdown().await;
        }
    }

    pub fn rooms(&self) -> Vec<RoomView> {
        self.state.lock().registry.rooms()
    }

    /// Puts a login into its room: resumes the named session when it belongs
    /// to the same app, room and user, else joins anew (kicking a session of
    /// the same user). The login answer is queued before any event.
    pub fn enter(&self, entry: Entry, outbox: &Outbox) -> Result<SessionId, RegistryError> {
        let mut st = self.state.lock();
        let link = Link { conn: outbox.conn, outbox: Some(outbox.clone()) };
        let resumable = entry.resume.as_ref().and_then(|r| SessionId::parse(&r.session_id));
        let resumed = resumable.filter(|id| {
            st.registry.membership(*id).is_some_and(|m| {
                m.app_id == entry.app_id && m.room_id == entry.room_id && m.user.user_id == entry.user.user_id
            })
        });
        let (session, mut notices) = match resumed {
            Some(session) => {
                let old = st.links.insert(session, link).and_then(|l| l.outbox);
                if let Some(old) = old {
                    old.close(close::NORMAL, "session resumed on another connection");
                }
                tracing::info!(%session, "session resumed");
                (session, Vec::new())
            }
            None => {
                let session = loop {
                    let id = SessionId::random();
                    if !st.links.contains_key(&id) {
                        break id;
                    }
                };
                let joined = st.registry.join(JoinRequest {
                    session,
                    app_id: entry.app_id,
                    room_id: entry.room_id.clone(),
                    user: entry.user.clone(),
                    max_member_count: entry.max_member_count,
                    user_status_notify: entry.user_status_notify,
                })?;
                if let Some(replaced) = joined.replaced {
                    self.sfu.end_session(replaced);
                }
                if let Some(old) = joined.replaced.and_then(|s| st.links.remove(&s)) {
                    if let Some(old) = old.outbox {
                        old.send(&ServerMsg::Kicked {
                            code: ec::ROOM_KICKED_OUT,
                            reason: "the same user logged in on another connection".into(),
                        });
                        old.close(close::NORMAL, "kicked out");
                    }
                }
                st.links.insert(session, link);
                (session, joined.notices)
            }
        };
        for stream in entry.resume.iter().flat_map(|r| &r.streams) {
            match st.registry.publish(session, &stream.stream_id, &stream.extra_info) {
                Ok(((), n)) => notices.extend(n),
                Err(e) => {
                    tracing::info!(stream = %stream.stream_id, "resumed stream not restored: {e}")
                }
            }
        }
        let mut snapshot = st.registry.snapshot(session)?;
        snapshot.token_expire = entry.token_expire;
        outbox.send(&ServerMsg::Response {
            req: entry.req,
            code: 0,
            message: String::new(),
            data: Some(ResponseData::Login(snapshot)),
        });
        st.deliver(notices);
        Ok(session)
    }

    /// Runs one registry change for a session this connection carries and
    /// delivers its notices.
    pub fn act<T>(
        &self,
        session: SessionId,
        conn: ConnId,
        change: impl FnOnce(&mut dyn Registry) -> Result<(T, Vec<Notice>), RegistryError>,
    ) -> Result<T, RegistryError> {
        let mut st = self.state.lock();
        if !st.owns(session, conn) {
            return Err(RegistryError::NotInRoom);
        }
        let (value, notices) = change(st.registry.as_mut())?;
        st.deliver(notices);
        Ok(value)
    }

    /// Removes the session now (logout, token expiry) if this connection carries it.
    pub fn leave(&self, session: SessionId, conn: ConnId) {
        let mut st = self.state.lock();
        if st.owns(session, conn) {
            st.remove(session);
            self.sfu.end_session(session);
        }
    }

    /// Marks the session lost; true if this connection carried it.
    pub fn detach(&self, session: SessionId, conn: ConnId) -> bool {
        let mut st = self.state.lock();
        match st.links.get_mut(&session) {
            Some(link) if link.conn == conn => {
                link.outbox = None;
                true
            }
            _ => false,
        }
    }

    /// Ends a lost session's grace: removes it unless it was resumed meanwhile.
    pub fn expire(&self, session: SessionId, conn: ConnId) {
        let mut st = self.state.lock();
        let still_lost = st.links.get(&session).is_some_and(|l| l.conn == conn && l.outbox.is_none());
        if still_lost {
            tracing::info!(%session, "grace period over, session removed");
            st.remove(session);
            self.sfu.end_session(session);
        }
    }
}
