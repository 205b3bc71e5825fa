//! The room session task: login, the served connection, reconnect.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::MaybeTlsStream;

use crate::engine::event::{Event, PlayerState, PublisherState, RoomStateChangedReason as Reason};
use crate::engine::EventSender;
use crate::error_code as ec;
use crate::protocol::{self, ClientMsg, ResponseData, Resume, ResumeStream, ServerMsg, Stream, UpdateType};

use super::connection::{self, Connection, LoginError};
use super::roster::{Roster, RosterChange};
use super::{Command, MediaDirection, MediaHooks, RoomParams, RoomShared};

/// How long a first login keeps retrying an unreachable server before 1002030.
const LOGIN_RETRY_WINDOW: Duration = Duration::from_secs(5);
/// Reconnect back-off: doubles from the first value up to the cap.
const BACKOFF_FIRST: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(2);
/// How long a logout waits for the server's answer.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(2);

type SharedRoom = Arc<Mutex<Option<RoomShared>>>;

/// Starts the session task of a room the engine just registered in `shared`.
pub fn spawn(
    params: RoomParams,
    shared: SharedRoom,
    epoch: u64,
    events: EventSender,
    commands: mpsc::UnboundedReceiver<Command>,
    login_seq: i32,
    hooks: Arc<dyn MediaHooks>,
) {
    let session = Session {
        hooks,
        roster: Roster::new(&params.user.user_id),
        params,
        shared,
        epoch,
        events,
        pending: HashMap::new(),
        next_req: 2,
        session_id: String::new(),
        outbox: Vec::new(),
        awaiting_streams: BTreeSet::new(),
    };
    crate::runtime::runtime().spawn(session.run(commands, login_seq));
}

/// What a request waits for.
#[derive(Debug)]
enum Pending {
    Publish(String),
    /// A WebRTC offer waiting for the SFU's answer.
    Media(oneshot::Sender<Result<String, i32>>),
    /// `replay` marks a play re-sent after a reconnect, whose stream may not be back yet.
    Play {
        stream_id: String,
        replay: bool,
    },
    StreamExtraInfo(i32),
    RoomExtraInfo {
        key: String,
        seq: i32,
    },
    Broadcast(i32),
    Barrage(i32),
    CustomCommand(i32),
    RenewToken(String),
    Logout,
    Ignored,
}

/// Why serving a connection ended.
enum Ended {
    Lost,
    LoggedOut,
    Kicked(i32),
}

struct Session {
    params: RoomParams,
    shared: SharedRoom,
    epoch: u64,
    events: EventSender,
    roster: Roster,
    pending: HashMap<u64, Pending>,
    next_req: u64,
    session_id: String,
    /// Frames waiting to be written.
    outbox: Vec<String>,
    /// Played streams that are not in the room (yet, or any more): played
    /// again when the room announces them.
    awaiting_streams: BTreeSet<String>,
    /// The media layer, told when streams are accepted and the room changes.
    hooks: Arc<dyn MediaHooks>,
}

impl Session {
    /// Runs `f` on the room if this session is still the engine's current one.
    fn with_room<R>(&self, f: impl FnOnce(&mut RoomShared, &EventSender) -> R) -> Option<R> {
        let mut guard = self.shared.lock();
        match guard.as_mut() {
            Some(room) if room.epoch == self.epoch => Some(f(room, &self.events)),
            _ => None,
        }
    }

    fn emit(&self, events: Vec<Event>) -> bool {
        self.with_room(|_, tx| events.into_iter().for_each(|e| tx.send(e))).is_some()
    }

    /// Emits the last events of this session and removes the room from the engine.
    fn finish(&self, events: Vec<Event>) {
        let mut guard = self.shared.lock();
        if guard.as_ref().is_some_and(|r| r.epoch == self.epoch) {
            events.into_iter().for_each(|e| self.events.send(e));
            *guard = None;
        }
    }

    fn room_state(&self, reason: Reason, error_code: i32) -> Event {
        Event::RoomStateChanged { room_id: self.params.room_id.clone(), reason, error_code, extended_data: "{}".into() }
    }

    /// Host events for roster changes; plays waiting for a stream the room
    /// now reports gone fail with 1004002.
    fn roster_events(&mut self, changes: Vec<RosterChange>) -> Vec<Event> {
        // A played stream that leaves the room is retried, as ZEGO does: the
        // player goes back to PLAY_REQUESTING until the stream returns (then it
        // plays again) or the host stops playing it.
        let mut interrupted = Vec::new();
        for change in &changes {
            if let RosterChange::Streams(UpdateType::Delete, streams) = change {
                let played = self.with_room(|room, _| room.playing.clone()).unwrap_or_default();
                for s in streams.iter().filter(|s| played.contains(&s.stream_id)) {
                    if self.awaiting_streams.insert(s.stream_id.clone()) {
                        interrupted.push(s.stream_id.clone());
                    }
                }
            }
        }
        let retrying = interrupted.into_iter().map(|stream_id| Event::PlayerStateUpdate {
            stream_id,
            state: PlayerState::PlayRequesting,
            error_code: ec::PLAYER_PLAY_STREAM_NOT_EXIST,
            extended_data: "{}".into(),
        });
        let room_id = &self.params.room_id;
        changes
            .into_iter()
            .filter_map(|c| match c {
                RosterChange::Users(update_type, users) => self
                    .params
                    .user_status_notify
                    .then(|| Event::RoomUserUpdate { room_id: room_id.clone(), update_type, users }),
                RosterChange::Streams(update_type, streams) => Some(Event::RoomStreamUpdate {
                    room_id: room_id.clone(),
                    update_type,
                    streams,
                    extended_data: "{}".into(),
                }),
            })
            .chain(retrying)
            .collect()
    }

    /// Publisher and player state events for every stream of the room.
    fn media_states(room: &RoomShared, publish: (PublisherState, i32), play: (PlayerState, i32)) -> Vec<Event> {
        let pubs = room.publishing.values().map(|p| Event::PublisherStateUpdate {
            stream_id: p.stream_id.clone(),
            state: publish.0,
            error_code: publish.1,
            extended_data: "{}".into(),
        });
        let plays = room.playing.iter().map(|s| Event::PlayerStateUpdate {
            stream_id: s.clone(),
            state: play.0,
            error_code: play.1,
            extended_data: "{}".into(),
        });
        pubs.chain(plays).collect()
    }

    /// Ends the room: media states first, then the room's own reason.
    fn end_room(&self, reason: Reason, code: i32, publish_code: i32, play_code: i32) {
        let media = self
            .with_room(|room, _| {
                Self::media_states(room, (PublisherState::NoPublish, publish_code), (PlayerState::NoPlay, play_code))
            })
            .unwrap_or_default();
        let mut events = media;
        events.push(self.room_state(reason, code));
        self.finish(events);
        self.hooks.room_ended();
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>, login_seq: i32) {
        let mut conn = match self.first_login().await {
            Ok(conn) => conn,
            Err(code) => {
                tracing::warn!(room = %self.params.room_id, code, "login failed");
                let result = Event::RoomLoginResult {
                    error_code: code,
                    extended_data: "{}".into(),
                    room_id: self.params.room_id.clone(),
                    seq: login_seq,
                };
                self.end_room(Reason::LoginFailed, code, code, code);
                let _ = self.events_after_end(result);
                return;
            }
        };
        let logined = vec![
            self.room_state(Reason::Logined, 0),
            Event::RoomLoginResult {
                error_code: 0,
                extended_data: "{}".into(),
                room_id: self.params.room_id.clone(),
                seq: login_seq,
            },
        ];
        if !self.start_serving(&mut conn, false, logined) {
            return;
        }
        loop {
            match self.serve(&mut conn, &mut commands).await {
                Ended::LoggedOut => return,
                Ended::Kicked(code) => {
                    tracing::warn!(room = %self.params.room_id, code, "kicked out");
                    self.end_room(Reason::KickOut, code, code, code);
                    return;
                }
                Ended::Lost => {}
            }
            let _ = conn.socket.close(None).await;
            self.fail_pending();
            let went_reconnecting = self.with_room(|room, tx| {
                tx.send(Event::RoomStateChanged {
                    room_id: room.room_id.clone(),
                    reason: Reason::Reconnecting,
                    error_code: ec::ROOM_CONNECT_TEMPORARY_BROKEN,
                    extended_data: "{}".into(),
                });
                for e in Self::media_states(
                    room,
                    (PublisherState::PublishRequesting, ec::PUBLISHER_NETWORK_INTERRUPT),
                    (PlayerState::PlayRequesting, ec::PLAYER_NETWORK_INTERRUPT),
                ) {
                    tx.send(e);
                }
            });
            if went_reconnecting.is_none() {
                return;
            }
            conn = match self.reconnect().await {
                Some(Ok(conn)) => conn,
                Some(Err(code)) => {
                    tracing::warn!(room = %self.params.room_id, code, "reconnect failed");
                    let (publish_code, play_code) = if code == ec::ROOM_RETRY_TIMEOUT {
                        (ec::PUBLISHER_RETRY_TIMEOUT, ec::PLAYER_NETWORK_INTERRUPT)
                    } else {
                        (code, code)
                    };
                    let reason = if code == ec::ROOM_KICKED_OUT { Reason::KickOut } else { Reason::ReconnectFailed };
                    self.end_room(reason, code, publish_code, play_code);
                    return;
                }
                None => return,
            };
            if !self.start_serving(&mut conn, true, vec![self.room_state(Reason::Reconnected, 0)]) {
                return;
            }
        }
    }

    /// Sends an event although the room has ended (the login result that
    /// follows LOGIN_FAILED belongs to the same call).
    fn events_after_end(&self, event: Event) -> Option<()> {
        let guard = self.shared.lock();
        // Only if no newer room took over meanwhile.
        if guard.as_ref().is_none_or(|r| r.epoch == self.epoch) {
            self.events.send(event);
            Some(())
        } else {
            None
        }
    }

    /// Applies a fresh login: room events, media states, replays of plays.
    fn start_serving(&mut self, conn: &mut Connection, reconnect: bool, head: Vec<Event>) -> bool {
        self.session_id = conn.snapshot.session_id.clone();
        let local_ip = match conn.socket.get_ref() {
            MaybeTlsStream::Plain(tcp) => tcp.local_addr().ok().map(|a| a.ip()),
            _ => None,
        };
        let changes = self.roster.apply_snapshot(&conn.snapshot, reconnect, std::time::Instant::now());
        let roster = self.roster_events(changes);
        let room_id = self.params.room_id.clone();
        let snapshot = conn.snapshot.clone();
        let own = self.params.user.user_id.clone();
        let applied = self.with_room(|room, tx| {
            room.local_ip = local_ip;
            head.into_iter().for_each(|e| tx.send(e));
            // Streams the server restored are live again; the others are
            // published anew below, and their answers tell the outcome.
            let mut republish = Vec::new();
            if reconnect {
                for p in room.publishing.values() {
                    if snapshot.streams.iter().any(|s| s.stream_id == p.stream_id && s.user.user_id == own) {
                        tx.send(Event::PublisherStateUpdate {
                            stream_id: p.stream_id.clone(),
                            state: PublisherState::Publishing,
                            error_code: 0,
                            extended_data: "{}".into(),
                        });
                    } else {
                        republish.push(p.clone());
                    }
                }
            }
            roster.into_iter().for_each(|e| tx.send(e));
            if !snapshot.room_extra_info.is_empty() && !reconnect {
                tx.send(Event::RoomExtraInfoUpdate {
                    room_id: room_id.clone(),
                    infos: snapshot.room_extra_info.clone(),
                });
            }
            tx.send(Event::RoomOnlineUserCountUpdate { room_id: room_id.clone(), count: snapshot.online_count as i32 });
            (republish, room.playing.iter().cloned().collect::<Vec<_>>())
        });
        let Some((republish, replays)) = applied else { return false };
        for p in republish {
            self.queue_command(Command::Publish { stream_id: p.stream_id, extra_info: p.extra_info });
        }
        if reconnect {
            self.hooks.reconnected();
        }
        if reconnect {
            for stream_id in replays {
                self.queue_request(Pending::Play { stream_id: stream_id.clone(), replay: true }, |req| {
                    ClientMsg::Play { req, stream_id }
                });
            }
        }
        let early = std::mem::take(&mut conn.early);
        early.into_iter().for_each(|m| {
            self.handle_server(m);
        });
        true
    }

    async fn first_login(&mut self) -> Result<Connection, i32> {
        let deadline = Instant::now() + LOGIN_RETRY_WINDOW;
        let mut backoff = BACKOFF_FIRST;
        loop {
            match connection::open(&self.params, None).await {
                Ok(conn) => return Ok(conn),
                Err(LoginError::Refused(code)) => return Err(code),
                Err(LoginError::Network(why)) => {
                    tracing::info!(room = %self.params.room_id, %why, "login attempt failed");
                    if Instant::now() + backoff > deadline {
                        return Err(ec::ROOM_CONNECT_FAILED);
                    }
                }
            }
            sleep(backoff).await;
            backoff = (backoff * 2).min(BACKOFF_CAP);
        }
    }

    /// Retries until connected (`Some(Ok)`), refused or out of time
    /// (`Some(Err(code))`), or the host logged out meanwhile (`None`).
    async fn reconnect(&mut self) -> Option<Result<Connection, i32>> {
        let deadline = Instant::now() + self.params.retry_window;
        let mut backoff = BACKOFF_FIRST;
        loop {
            sleep(backoff.min(deadline.saturating_duration_since(Instant::now()))).await;
            let streams = self.with_room(|room, _| {
                room.publishing
                    .values()
                    .map(|p| ResumeStream { stream_id: p.stream_id.clone(), extra_info: p.extra_info.clone() })
                    .collect()
            })?;
            let resume = Resume { session_id: self.session_id.clone(), streams };
            match connection::open(&self.params, Some(resume)).await {
                Ok(conn) => return Some(Ok(conn)),
                Err(LoginError::Refused(code)) => return Some(Err(code)),
                Err(LoginError::Network(why)) => {
                    tracing::info!(room = %self.params.room_id, %why, "reconnect attempt failed")
                }
            }
            if Instant::now() >= deadline {
                return Some(Err(ec::ROOM_RETRY_TIMEOUT));
            }
            backoff = (backoff * 2).min(BACKOFF_CAP);
        }
    }

    /// Answers requests cut off by a lost connection with failures.
    fn fail_pending(&mut self) {
        self.outbox.clear();
        let room_id = self.params.room_id.clone();
        let events = self
            .pending
            .drain()
            .filter_map(|(_, p)| match p {
                Pending::StreamExtraInfo(seq) => Some(Event::PublisherUpdateStreamExtraInfoResult {
                    error_code: ec::PUBLISHER_UPDATE_EXTRA_INFO_FAILED,
                    seq,
                }),
                Pending::RoomExtraInfo { key, seq } => Some(Event::RoomSetRoomExtraInfoResult {
                    error_code: ec::ROOM_DISCONNECT,
                    room_id: room_id.clone(),
                    key,
                    seq,
                }),
                Pending::Broadcast(seq) => Some(Event::ImSendBroadcastMessageResult {
                    room_id: room_id.clone(),
                    message_id: 0,
                    error_code: ec::IM_SEND_FAILED,
                    seq,
                }),
                Pending::Barrage(seq) => Some(Event::ImSendBarrageMessageResult {
                    room_id: room_id.clone(),
                    message_id: String::new(),
                    error_code: ec::IM_SEND_FAILED,
                    seq,
                }),
                Pending::CustomCommand(seq) => Some(Event::ImSendCustomCommandResult {
                    room_id: room_id.clone(),
                    error_code: ec::IM_SEND_FAILED,
                    seq,
                }),
                Pending::Media(reply) => {
                    let _ = reply.send(Err(ec::ROOM_DISCONNECT));
                    None
                }
                Pending::Publish(_)
                | Pending::Play { .. }
                | Pending::RenewToken(_)
                | Pending::Logout
                | Pending::Ignored => None,
            })
            .collect();
        self.emit(events);
    }

    /// Allocates a request number, remembers what it waits for and queues the
    /// frame; `serve` flushes the outbox.
    fn queue_request(&mut self, pending: Pending, make: impl FnOnce(u64) -> ClientMsg) {
        let req = self.next_req;
        self.next_req += 1;
        self.pending.insert(req, pending);
        self.outbox.push(protocol::encode(&make(req)));
    }

    fn queue_command(&mut self, cmd: Command) {
        match cmd {
            Command::Publish { stream_id, extra_info } => {
                self.queue_request(Pending::Publish(stream_id.clone()), |req| ClientMsg::Publish {
                    req,
                    stream_id,
                    extra_info,
                })
            }
            Command::Unpublish { stream_id } => {
                self.queue_request(Pending::Ignored, |req| ClientMsg::Unpublish { req, stream_id })
            }
            Command::Play { stream_id } => {
                self.queue_request(Pending::Play { stream_id: stream_id.clone(), replay: false }, |req| {
                    ClientMsg::Play { req, stream_id }
                })
            }
            Command::StopPlay { stream_id } => {
                self.queue_request(Pending::Ignored, |req| ClientMsg::StopPlay { req, stream_id })
            }
            Command::SetStreamExtraInfo { stream_id, extra_info, seq } => {
                self.queue_request(Pending::StreamExtraInfo(seq), |req| ClientMsg::SetStreamExtraInfo {
                    req,
                    stream_id,
                    extra_info,
                })
            }
            Command::SetRoomExtraInfo { key, value, seq } => {
                self.queue_request(Pending::RoomExtraInfo { key: key.clone(), seq }, |req| {
                    ClientMsg::SetRoomExtraInfo { req, key, value }
                })
            }
            Command::Broadcast { message, seq } => {
                self.queue_request(Pending::Broadcast(seq), |req| ClientMsg::Broadcast { req, message })
            }
            Command::Barrage { message, seq } => {
                self.queue_request(Pending::Barrage(seq), |req| ClientMsg::Barrage { req, message })
            }
            Command::CustomCommand { command, to_user_ids, seq } => {
                self.queue_request(Pending::CustomCommand(seq), |req| ClientMsg::CustomCommand {
                    req,
                    command,
                    to_user_ids,
                })
            }
            Command::SetStreamState { stream_id, camera, microphone } => self.queue_request(Pending::Ignored, |req| {
                ClientMsg::SetStreamState { req, stream_id, camera, microphone }
            }),
            Command::RenewToken { token } => {
                self.queue_request(Pending::RenewToken(token.clone()), |req| ClientMsg::RenewToken { req, token })
            }
            Command::Media { direction, stream_id, sdp, reply } => {
                self.queue_request(Pending::Media(reply), |req| match direction {
                    MediaDirection::Publish => ClientMsg::PublishMedia { req, stream_id, sdp },
                    MediaDirection::Play => ClientMsg::PlayMedia { req, stream_id, sdp },
                })
            }
            Command::Logout { .. } => self.queue_request(Pending::Logout, |req| ClientMsg::Logout { req }),
        }
    }

    async fn flush(&mut self, conn: &mut Connection) -> bool {
        for text in self.outbox.drain(..) {
            if conn.socket.send(Message::text(text)).await.is_err() {
                return false;
            }
        }
        true
    }

    async fn serve(&mut self, conn: &mut Connection, commands: &mut mpsc::UnboundedReceiver<Command>) -> Ended {
        let mut heartbeat = tokio::time::interval(conn.heartbeat_interval);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_rx = Instant::now();
        loop {
            if !self.flush(conn).await {
                return Ended::Lost;
            }
            let deadline = self.roster.next_deadline().map(Instant::from_std);
            tokio::select! {
                frame = conn.socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        last_rx = Instant::now();
                        match ServerMsg::decode(&text) {
                            Ok(msg) => if let Some(end) = self.handle_server(msg) { return end },
                            Err(e) => tracing::warn!(room = %self.params.room_id, error = %e, "undecodable server message"),
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ended::Lost,
                    Some(Ok(_)) => last_rx = Instant::now(),
                },
                cmd = commands.recv() => match cmd {
                    Some(Command::Logout { done }) => {
                        self.queue_command(Command::Logout { done: None });
                        self.logout(conn).await;
                        if let Some(done) = done { let _ = done.send(()); }
                        return Ended::LoggedOut;
                    }
                    Some(cmd) => self.queue_command(cmd),
                    // The engine is gone.
                    None => return Ended::LoggedOut,
                },
                _ = heartbeat.tick() => {
                    if last_rx.elapsed() > conn.heartbeat_timeout {
                        tracing::info!(room = %self.params.room_id, "heartbeat timeout");
                        return Ended::Lost;
                    }
                    self.queue_request(Pending::Ignored, |req| ClientMsg::Heartbeat { req });
                }
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    let changes = self.roster.expire(std::time::Instant::now());
                    let events = self.roster_events(changes);
                    self.emit(events);
                }
            }
        }
    }

    /// Sends the queued logout and waits briefly for the answer, then closes.
    async fn logout(&mut self, conn: &mut Connection) {
        if self.flush(conn).await {
            let wait = async {
                while let Ok(msg) = connection::next_msg(&mut conn.socket).await {
                    if let ServerMsg::Response { req, .. } = msg {
                        if matches!(self.pending.get(&req), Some(Pending::Logout)) {
                            return;
                        }
                    }
                }
            };
            let _ = tokio::time::timeout(LOGOUT_TIMEOUT, wait).await;
        }
        let _ = conn.socket.close(None).await;
    }

    /// Applies one server message; `Some` ends the connection.
    fn handle_server(&mut self, msg: ServerMsg) -> Option<Ended> {
        let room_id = self.params.room_id.clone();
        let events = match msg {
            ServerMsg::Response { req, code, data, message } => {
                let pending = self.pending.remove(&req)?;
                if code != 0 {
                    tracing::info!(room = %room_id, req, code, %message, ?pending, "request refused");
                }
                self.answer(pending, code, data)
            }
            ServerMsg::UserUpdate { update_type, users } => {
                let change = self.roster.users_changed(update_type, users);
                self.roster_events(change.into_iter().collect())
            }
            ServerMsg::StreamUpdate { update_type, streams } => {
                if update_type == UpdateType::Add {
                    let played = self.with_room(|room, _| room.playing.clone()).unwrap_or_default();
                    for s in &streams {
                        if self.awaiting_streams.remove(&s.stream_id) && played.contains(&s.stream_id) {
                            let stream_id = s.stream_id.clone();
                            self.queue_request(Pending::Play { stream_id: stream_id.clone(), replay: false }, |req| {
                                ClientMsg::Play { req, stream_id }
                            });
                        }
                    }
                }
                let change = self.roster.streams_changed(update_type, streams);
                self.roster_events(change.into_iter().collect())
            }
            ServerMsg::StreamExtraInfoUpdate { streams } => {
                let own = &self.params.user.user_id;
                let streams: Vec<_> = streams.into_iter().filter(|s| &s.user.user_id != own).collect();
                self.roster.stream_extra_info_changed(&streams);
                vec![Event::RoomStreamExtraInfoUpdate { room_id, streams }]
            }
            ServerMsg::StreamStateUpdate { stream } => {
                let before = self.roster.stream_state_changed(&stream);
                let played = self.with_room(|room, _| room.playing.contains(&stream.stream_id)).unwrap_or(false);
                match before {
                    Some(before) if played => device_state_events(&stream, Some(before)),
                    _ => Vec::new(),
                }
            }
            ServerMsg::RoomExtraInfoUpdate { infos } => vec![Event::RoomExtraInfoUpdate { room_id, infos }],
            ServerMsg::OnlineCount { count } => vec![Event::RoomOnlineUserCountUpdate { room_id, count: count as i32 }],
            ServerMsg::BroadcastMessage { messages } => vec![Event::ImRecvBroadcastMessage { room_id, messages }],
            ServerMsg::BarrageMessage { messages } => vec![Event::ImRecvBarrageMessage { room_id, messages }],
            ServerMsg::CustomCommand { from_user, command } => {
                vec![Event::ImRecvCustomCommand { room_id, from_user, command }]
            }
            ServerMsg::TokenWillExpire { remain_seconds } => {
                vec![Event::RoomTokenWillExpire { room_id, remain_seconds: remain_seconds as i32 }]
            }
            ServerMsg::Kicked { code, .. } => return Some(Ended::Kicked(code)),
            ServerMsg::Hello { .. } | ServerMsg::HeartbeatAck { .. } => Vec::new(),
        };
        // A failed emit means the host logged out: its Logout command follows.
        self.emit(events);
        None
    }

    /// The host-visible result of a request's answer.
    fn answer(&mut self, pending: Pending, code: i32, data: Option<ResponseData>) -> Vec<Event> {
        let room_id = self.params.room_id.clone();
        match pending {
            Pending::Publish(stream_id) => {
                let event = self
                    .with_room(|room, _| {
                        let channel =
                            room.publishing.iter().find(|(_, p)| p.stream_id == stream_id).map(|(c, _)| *c)?;
                        let state = if code == 0 {
                            PublisherState::Publishing
                        } else {
                            room.publishing.remove(&channel);
                            PublisherState::NoPublish
                        };
                        let stream_id = stream_id.clone();
                        Some(Event::PublisherStateUpdate {
                            stream_id,
                            state,
                            error_code: code,
                            extended_data: "{}".into(),
                        })
                    })
                    .flatten();
                if matches!(event, Some(Event::PublisherStateUpdate { state: PublisherState::Publishing, .. })) {
                    self.hooks.publish_accepted(&stream_id);
                }
                event.into_iter().collect()
            }
            Pending::Media(reply) => {
                let answer = match (code, data) {
                    (0, Some(ResponseData::MediaAnswer { sdp })) => Ok(sdp),
                    (0, _) => Err(ec::ROOM_INNER_ERROR),
                    (code, _) => Err(code),
                };
                let _ = reply.send(answer);
                Vec::new()
            }
            Pending::Play { stream_id, replay } => {
                // A replay after a reconnect may find the stream's publisher still
                // reconnecting: play it when it is back, or fail when the room says it is gone.
                let wait = replay && code == ec::PLAYER_PLAY_STREAM_NOT_EXIST;
                let event = self
                    .with_room(|room, _| {
                        if !room.playing.contains(&stream_id) || wait {
                            return None;
                        }
                        let state = if code == 0 {
                            PlayerState::Playing
                        } else {
                            room.playing.remove(&stream_id);
                            PlayerState::NoPlay
                        };
                        let stream_id = stream_id.clone();
                        Some(Event::PlayerStateUpdate {
                            stream_id,
                            state,
                            error_code: code,
                            extended_data: "{}".into(),
                        })
                    })
                    .flatten();
                if wait {
                    self.awaiting_streams.insert(stream_id);
                } else if matches!(event, Some(Event::PlayerStateUpdate { state: PlayerState::Playing, .. })) {
                    self.hooks.play_accepted(&stream_id);
                    if let Some(ResponseData::Play { stream }) = &data {
                        return event.into_iter().chain(device_state_events(stream, None)).collect();
                    }
                }
                event.into_iter().collect()
            }
            Pending::StreamExtraInfo(seq) => {
                vec![Event::PublisherUpdateStreamExtraInfoResult { error_code: code, seq }]
            }
            Pending::RoomExtraInfo { key, seq } => {
                vec![Event::RoomSetRoomExtraInfoResult { error_code: code, room_id, key, seq }]
            }
            Pending::Broadcast(seq) => {
                let message_id = match data {
                    Some(ResponseData::Broadcast { message_id }) => message_id,
                    _ => 0,
                };
                vec![Event::ImSendBroadcastMessageResult { room_id, message_id, error_code: code, seq }]
            }
            Pending::Barrage(seq) => {
                let message_id = match data {
                    Some(ResponseData::Barrage { message_id }) => message_id,
                    _ => String::new(),
                };
                vec![Event::ImSendBarrageMessageResult { room_id, message_id, error_code: code, seq }]
            }
            Pending::CustomCommand(seq) => vec![Event::ImSendCustomCommandResult { room_id, error_code: code, seq }],
            Pending::RenewToken(token) => {
                // Later reconnects use the new token only once the server accepted it.
                if code == 0 {
                    self.params.token = token;
                }
                Vec::new()
            }
            Pending::Logout | Pending::Ignored => Vec::new(),
        }
    }
}

/// Remote camera/microphone events for a stream's device states: all of them
/// (`before` None) or those that changed.
fn device_state_events(stream: &Stream, before: Option<(i32, i32)>) -> Vec<Event> {
    let mut events = Vec::new();
    if before.is_none_or(|b| b.0 != stream.camera) {
        events.push(Event::RemoteCameraStateUpdate { stream_id: stream.stream_id.clone(), state: stream.camera });
    }
    if before.is_none_or(|b| b.1 != stream.microphone) {
        events.push(Event::RemoteMicStateUpdate { stream_id: stream.stream_id.clone(), state: stream.microphone });
    }
    events
}
