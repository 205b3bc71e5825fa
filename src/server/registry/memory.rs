//! The single-node registry: everything in memory.

use std::collections::HashMap;

use crate::protocol::{
    BarrageMessage, BroadcastMessage, RoomExtraInfo, RoomSnapshot, ServerMsg, Stream, UpdateType, User,
};

use super::{Changed, JoinRequest, Joined, Membership, Notice, Registry, RegistryError, RoomView, SessionId};

/// Room extra info keys are shorter than this many bytes.
const MAX_EXTRA_INFO_KEY_LEN: usize = 128;
/// Room extra info values are at most this many bytes.
const MAX_EXTRA_INFO_VALUE_LEN: usize = 4096;
/// Distinct room extra info keys per room.
const MAX_EXTRA_INFO_KEYS: usize = 20;

/// (app id, room id).
type RoomKey = (u32, String);

/// One session in a room.
#[derive(Debug)]
struct Member {
    session: SessionId,
    user: User,
    notify: bool,
    /// Published streams, in publish order.
    streams: Vec<Stream>,
}

impl Member {
    fn stream(&self, index: usize) -> Stream {
        self.streams[index].clone()
    }

    fn all_streams(&self) -> impl Iterator<Item = Stream> + '_ {
        (0..self.streams.len()).map(|i| self.stream(i))
    }

    fn stream_index(&self, stream_id: &str) -> Option<usize> {
        self.streams.iter().position(|s| s.stream_id == stream_id)
    }
}

#[derive(Debug)]
struct Room {
    max_members: u32,
    /// In join order.
    members: Vec<Member>,
    extra_info: Vec<RoomExtraInfo>,
    last_broadcast_id: u64,
    last_barrage_id: u64,
}

impl Room {
    fn member(&self, session: SessionId) -> Option<usize> {
        self.members.iter().position(|m| m.session == session)
    }

    fn others(&self, except: SessionId) -> Vec<SessionId> {
        self.members.iter().map(|m| m.session).filter(|s| *s != except).collect()
    }

    fn notified_others(&self, except: SessionId) -> Vec<SessionId> {
        let notified = self.members.iter().filter(|m| m.notify);
        notified.map(|m| m.session).filter(|s| *s != except).collect()
    }

    fn online_count(&self) -> u32 {
        u32::try_from(self.members.len()).unwrap_or(u32::MAX)
    }

    fn streams(&self) -> Vec<Stream> {
        self.members.iter().flat_map(Member::all_streams).collect()
    }
}

/// Limits the registry enforces.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistryLimits {
    /// 0 = unlimited.
    pub max_rooms: u32,
    /// 0 = unlimited; applies on top of each room's own capacity.
    pub max_users_per_room: u32,
}

/// Rooms, users and streams of one server process.
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    // Passed in.
    limits: RegistryLimits,
    // Owned.
    rooms: HashMap<RoomKey, Room>,
    // Indexes (non-owning).
    session_rooms: HashMap<SessionId, RoomKey>,
    stream_owners: HashMap<(u32, String), SessionId>,
}

fn notice(to: Vec<SessionId>, msg: ServerMsg) -> Option<Notice> {
    (!to.is_empty()).then_some(Notice { to, msg })
}

fn stream_update(to: Vec<SessionId>, update_type: UpdateType, streams: Vec<Stream>) -> Option<Notice> {
    if streams.is_empty() {
        return None;
    }
    notice(to, ServerMsg::StreamUpdate { update_type, streams })
}

/// The smaller of two limits where 0 means unlimited.
fn capacity(a: u32, b: u32) -> u32 {
    match (a, b) {
        (0, x) | (x, 0) => x,
        (a, b) => a.min(b),
    }
}

impl MemoryRegistry {
    /// An empty registry with these limits.
    pub fn new(limits: RegistryLimits) -> Self {
        MemoryRegistry { limits, ..Default::default() }
    }

    fn locate(&self, session: SessionId) -> Result<(&RoomKey, &Room, usize), RegistryError> {
        let key = self.session_rooms.get(&session).ok_or(RegistryError::NotInRoom)?;
        let room = self.rooms.get(key).ok_or(RegistryError::NotInRoom)?;
        let index = room.member(session).ok_or(RegistryError::NotInRoom)?;
        Ok((key, room, index))
    }

    fn locate_mut(&mut self, session: SessionId) -> Result<(u32, &mut Room, usize), RegistryError> {
        let key = self.session_rooms.get(&session).ok_or(RegistryError::NotInRoom)?;
        let room = self.rooms.get_mut(key).ok_or(RegistryError::NotInRoom)?;
        let index = room.member(session).ok_or(RegistryError::NotInRoom)?;
        Ok((key.0, room, index))
    }

    fn forget_streams(&mut self, app_id: u32, member: &Member) {
        for stream in &member.streams {
            self.stream_owners.remove(&(app_id, stream.stream_id.clone()));
        }
    }

    /// Puts the new member in place of an existing session of the same user.
    fn replace(&mut self, key: &RoomKey, index: usize, new: Member) -> (SessionId, Vec<Notice>) {
        let new_session = new.session;
        let Some(room) = self.rooms.get_mut(key) else {
            return (new_session, Vec::new());
        };
        let old = std::mem::replace(&mut room.members[index], new);
        let mut to = room.others(old.session);
        to.retain(|s| *s != new_session);
        let notices = stream_update(to, UpdateType::Delete, old.all_streams().collect());
        self.forget_streams(key.0, &old);
        self.session_rooms.remove(&old.session);
        (old.session, notices.into_iter().collect())
    }
}

impl Registry for MemoryRegistry {
    fn join(&mut self, req: JoinRequest) -> Result<Joined, RegistryError> {
        if self.session_rooms.contains_key(&req.session) {
            return Err(RegistryError::AlreadyInRoom);
        }
        let key = (req.app_id, req.room_id);
        let member = Member {
            session: req.session,
            user: req.user.clone(),
            notify: req.user_status_notify,
            streams: Vec::new(),
        };
        let mut replaced = None;
        let mut notices = Vec::new();
        match self.rooms.get_mut(&key) {
            Some(room) => {
                if let Some(index) = room.members.iter().position(|m| m.user.user_id == req.user.user_id) {
                    let (old, n) = self.replace(&key, index, member);
                    replaced = Some(old);
                    notices = n;
                } else {
                    let cap = capacity(room.max_members, self.limits.max_users_per_room);
                    if cap != 0 && room.members.len() >= cap as usize {
                        return Err(RegistryError::RoomFull);
                    }
                    room.members.push(member);
                    let users = vec![req.user];
                    let add = ServerMsg::UserUpdate { update_type: UpdateType::Add, users };
                    notices.extend(notice(room.notified_others(req.session), add));
                    let count = ServerMsg::OnlineCount { count: room.online_count() };
                    notices.extend(notice(room.others(req.session), count));
                }
            }
            None => {
                let max_rooms = self.limits.max_rooms;
                if max_rooms != 0 && self.rooms.len() >= max_rooms as usize {
                    return Err(RegistryError::TooManyRooms);
                }
                let room = Room {
                    max_members: req.max_member_count,
                    members: vec![member],
                    extra_info: Vec::new(),
                    last_broadcast_id: 0,
                    last_barrage_id: 0,
                };
                self.rooms.insert(key.clone(), room);
            }
        }
        self.session_rooms.insert(req.session, key);
        Ok(Joined { replaced, notices })
    }

    fn leave(&mut self, session: SessionId) -> Vec<Notice> {
        let Some(key) = self.session_rooms.remove(&session) else {
            return Vec::new();
        };
        let Some(room) = self.rooms.get_mut(&key) else {
            return Vec::new();
        };
        let Some(index) = room.member(session) else {
            return Vec::new();
        };
        let member = room.members.remove(index);
        let mut notices = Vec::new();
        let streams = member.all_streams().collect();
        notices.extend(stream_update(room.others(session), UpdateType::Delete, streams));
        let users = vec![member.user.clone()];
        let delete = ServerMsg::UserUpdate { update_type: UpdateType::Delete, users };
        notices.extend(notice(room.notified_others(session), delete));
        let count = ServerMsg::OnlineCount { count: room.online_count() };
        notices.extend(notice(room.others(session), count));
        if room.members.is_empty() {
            self.rooms.remove(&key);
        }
        self.forget_streams(key.0, &member);
        notices
    }

    fn membership(&self, session: SessionId) -> Option<Membership> {
        let ((app_id, room_id), room, index) = self.locate(session).ok()?;
        let member = &room.members[index];
        Some(Membership { app_id: *app_id, room_id: room_id.clone(), user: member.user.clone() })
    }

    fn snapshot(&self, session: SessionId) -> Result<RoomSnapshot, RegistryError> {
        let (_, room, _) = self.locate(session)?;
        let others = room.members.iter().filter(|m| m.session != session);
        Ok(RoomSnapshot {
            session_id: session.to_string(),
            users: others.map(|m| m.user.clone()).collect(),
            streams: room.streams(),
            room_extra_info: room.extra_info.clone(),
            online_count: room.online_count(),
            token_expire: None,
        })
    }

    fn publish(&mut self, session: SessionId, stream_id: &str, extra_info: &str) -> Changed {
        let app_id = self.locate(session)?.0 .0;
        let owner_key = (app_id, stream_id.to_owned());
        match self.stream_owners.get(&owner_key) {
            Some(owner) if *owner == session => {
                return self.set_stream_extra_info(session, stream_id, extra_info);
            }
            Some(_) => return Err(RegistryError::StreamTaken(stream_id.to_owned())),
            None => {}
        }
        let (_, room, index) = self.locate_mut(session)?;
        let member = &mut room.members[index];
        member.streams.push(Stream::new(member.user.clone(), stream_id, extra_info));
        let stream = member.stream(member.streams.len() - 1);
        let notices = stream_update(room.others(session), UpdateType::Add, vec![stream]);
        self.stream_owners.insert(owner_key, session);
        Ok(((), notices.into_iter().collect()))
    }

    fn unpublish(&mut self, session: SessionId, stream_id: &str) -> Changed {
        let (app_id, room, index) = self.locate_mut(session)?;
        let member = &mut room.members[index];
        let Some(stream_index) = member.stream_index(stream_id) else {
            return Ok(((), Vec::new()));
        };
        let stream = member.stream(stream_index);
        member.streams.remove(stream_index);
        let notices = stream_update(room.others(session), UpdateType::Delete, vec![stream]);
        self.stream_owners.remove(&(app_id, stream_id.to_owned()));
        Ok(((), notices.into_iter().collect()))
    }

    fn set_stream_extra_info(&mut self, session: SessionId, stream_id: &str, extra_info: &str) -> Changed {
        let (_, room, index) = self.locate_mut(session)?;
        let member = &mut room.members[index];
        let stream_index =
            member.stream_index(stream_id).ok_or_else(|| RegistryError::NotPublisher(stream_id.to_owned()))?;
        if member.streams[stream_index].extra_info == extra_info {
            return Ok(((), Vec::new()));
        }
        member.streams[stream_index].extra_info = extra_info.to_owned();
        let streams = vec![member.stream(stream_index)];
        let update = ServerMsg::StreamExtraInfoUpdate { streams };
        Ok(((), notice(room.others(session), update).into_iter().collect()))
    }

    fn set_stream_state(&mut self, session: SessionId, stream_id: &str, camera: i32, microphone: i32) -> Changed {
        let (_, room, index) = self.locate_mut(session)?;
        let member = &mut room.members[index];
        let stream_index =
            member.stream_index(stream_id).ok_or_else(|| RegistryError::NotPublisher(stream_id.to_owned()))?;
        let stream = &mut member.streams[stream_index];
        if (stream.camera, stream.microphone) == (camera, microphone) {
            return Ok(((), Vec::new()));
        }
        (stream.camera, stream.microphone) = (camera, microphone);
        let update = ServerMsg::StreamStateUpdate { stream: stream.clone() };
        Ok(((), notice(room.others(session), update).into_iter().collect()))
    }

    fn set_room_extra_info(&mut self, session: SessionId, key: &str, value: &str, now_ms: u64) -> Changed {
        if key.is_empty() {
            return Err(RegistryError::ExtraInfoKeyEmpty);
        }
        if key.len() >= MAX_EXTRA_INFO_KEY_LEN {
            return Err(RegistryError::ExtraInfoKeyTooLong);
        }
        if value.len() > MAX_EXTRA_INFO_VALUE_LEN {
            return Err(RegistryError::ExtraInfoValueTooLong);
        }
        let (_, room, index) = self.locate_mut(session)?;
        let info = RoomExtraInfo {
            key: key.to_owned(),
            value: value.to_owned(),
            update_user: room.members[index].user.clone(),
            update_time: now_ms,
        };
        match room.extra_info.iter().position(|i| i.key == key) {
            Some(existing) => room.extra_info[existing] = info.clone(),
            None if room.extra_info.len() >= MAX_EXTRA_INFO_KEYS => return Err(RegistryError::ExtraInfoTooManyKeys),
            None => room.extra_info.push(info.clone()),
        }
        let update = ServerMsg::RoomExtraInfoUpdate { infos: vec![info] };
        Ok(((), notice(room.others(session), update).into_iter().collect()))
    }

    fn find_stream(&self, session: SessionId, stream_id: &str) -> Result<Stream, RegistryError> {
        let ((app_id, _), _, _) = self.locate(session)?;
        let not_found = || RegistryError::StreamNotFound(stream_id.to_owned());
        let owner = *self.stream_owners.get(&(*app_id, stream_id.to_owned())).ok_or_else(not_found)?;
        let (_, room, index) = self.locate(owner).map_err(|_| not_found())?;
        let member = &room.members[index];
        let stream_index = member.stream_index(stream_id).ok_or_else(not_found)?;
        Ok(member.stream(stream_index))
    }

    fn stream_owner(&self, app_id: u32, stream_id: &str) -> Option<SessionId> {
        self.stream_owners.get(&(app_id, stream_id.to_owned())).copied()
    }

    fn broadcast(&mut self, session: SessionId, message: &str, now_ms: u64) -> Changed<u64> {
        let (_, room, index) = self.locate_mut(session)?;
        room.last_broadcast_id += 1;
        let message = BroadcastMessage {
            message: message.to_owned(),
            message_id: room.last_broadcast_id,
            send_time: now_ms,
            from_user: room.members[index].user.clone(),
        };
        let msg = ServerMsg::BroadcastMessage { messages: vec![message] };
        Ok((room.last_broadcast_id, notice(room.others(session), msg).into_iter().collect()))
    }

    fn barrage(&mut self, session: SessionId, message: &str, now_ms: u64) -> Changed<String> {
        let (_, room, index) = self.locate_mut(session)?;
        room.last_barrage_id += 1;
        let message_id = room.last_barrage_id.to_string();
        let message = BarrageMessage {
            message: message.to_owned(),
            message_id: message_id.clone(),
            send_time: now_ms,
            from_user: room.members[index].user.clone(),
        };
        let msg = ServerMsg::BarrageMessage { messages: vec![message] };
        Ok((message_id, notice(room.others(session), msg).into_iter().collect()))
    }

    fn custom_command(&self, session: SessionId, command: &str, to_user_ids: &[String]) -> Changed {
        let (_, room, index) = self.locate(session)?;
        let listed = room.members.iter().filter(|m| m.session != session && to_user_ids.contains(&m.user.user_id));
        let msg = ServerMsg::CustomCommand { from_user: room.members[index].user.clone(), command: command.to_owned() };
        Ok(((), notice(listed.map(|m| m.session).collect(), msg).into_iter().collect()))
    }

    fn rooms(&self) -> Vec<RoomView> {
        let mut rooms: Vec<RoomView> = self
            .rooms
            .iter()
            .map(|((app_id, room_id), room)| RoomView {
                app_id: *app_id,
                room_id: room_id.clone(),
                max_member_count: room.max_members,
                users: room.members.iter().map(|m| m.user.clone()).collect(),
                streams: room.streams(),
            })
            .collect();
        rooms.sort_by(|a, b| (a.app_id, &a.room_id).cmp(&(b.app_id, &b.room_id)));
        rooms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User { user_id: id.into(), user_name: id.to_uppercase() }
    }

    fn join(reg: &mut MemoryRegistry, room: &str, id: &str, max: u32) -> Result<(SessionId, Joined), RegistryError> {
        let session = SessionId::random();
        let joined = reg.join(JoinRequest {
            session,
            app_id: 1,
            room_id: room.into(),
            user: user(id),
            max_member_count: max,
            user_status_notify: true,
        })?;
        Ok((session, joined))
    }

    #[test]
    fn join_notifies_others_and_room_goes_when_empty() {
        let mut reg = MemoryRegistry::default();
        let (a, joined) = join(&mut reg, "r", "a", 0).unwrap();
        assert!(joined.notices.is_empty());
        let (b, joined) = join(&mut reg, "r", "b", 0).unwrap();
        let snapshot = reg.snapshot(b).unwrap();
        assert_eq!(snapshot.users, vec![user("a")]);
        assert_eq!(snapshot.online_count, 2);
        assert_eq!(snapshot.session_id, b.to_string());
        assert_eq!(joined.notices.len(), 2);
        assert!(joined.notices.iter().all(|n| n.to == vec![a]));
        let left = reg.leave(b);
        assert!(matches!(&left[0].msg, ServerMsg::UserUpdate { update_type: UpdateType::Delete, .. }));
        reg.leave(a);
        assert!(reg.rooms().is_empty());
        assert_eq!(reg.snapshot(a).unwrap_err(), RegistryError::NotInRoom);
    }

    #[test]
    fn capacity_comes_from_the_creator_and_the_limits() {
        let mut reg = MemoryRegistry::default();
        join(&mut reg, "r", "a", 2).unwrap();
        join(&mut reg, "r", "b", 0).unwrap();
        assert_eq!(join(&mut reg, "r", "c", 10).unwrap_err().code(), 1002034);
        let mut reg = MemoryRegistry::new(RegistryLimits { max_rooms: 1, max_users_per_room: 1 });
        join(&mut reg, "r", "a", 0).unwrap();
        assert_eq!(join(&mut reg, "r", "b", 0).unwrap_err().code(), 1002034);
        assert_eq!(join(&mut reg, "r2", "b", 0).unwrap_err().code(), 1002035);
    }

    #[test]
    fn same_user_replaces_the_old_session_and_its_streams() {
        let mut reg = MemoryRegistry::default();
        let (a1, _) = join(&mut reg, "r", "a", 0).unwrap();
        let (b, _) = join(&mut reg, "r", "b", 0).unwrap();
        reg.publish(a1, "s1", "").unwrap();
        let (a2, joined) = join(&mut reg, "r", "a", 0).unwrap();
        assert_eq!(joined.replaced, Some(a1));
        assert_eq!(joined.notices.len(), 1);
        assert_eq!(joined.notices[0].to, vec![b]);
        assert!(reg.snapshot(a2).unwrap().streams.is_empty());
        assert_eq!(reg.membership(a1), None);
        reg.publish(b, "s1", "").unwrap();
    }

    #[test]
    fn stream_ids_are_unique_per_app() {
        let mut reg = MemoryRegistry::default();
        let (a, _) = join(&mut reg, "r", "a", 0).unwrap();
        let (b, _) = join(&mut reg, "other", "b", 0).unwrap();
        reg.publish(a, "s", "x").unwrap();
        reg.publish(a, "s", "x").unwrap();
        assert_eq!(reg.publish(b, "s", "").unwrap_err().code(), 1003028);
        assert_eq!(reg.find_stream(b, "s").unwrap().extra_info, "x");
        assert_eq!(reg.find_stream(b, "nope").unwrap_err().code(), 1004002);
        assert_eq!(reg.stream_owner(1, "s"), Some(a));
        assert_eq!(reg.stream_owner(2, "s"), None);
        reg.unpublish(a, "s").unwrap();
        assert_eq!(reg.stream_owner(1, "s"), None);
        reg.publish(b, "s", "").unwrap();
    }

    #[test]
    fn room_extra_info_rules() {
        let mut reg = MemoryRegistry::default();
        let (a, _) = join(&mut reg, "r", "a", 0).unwrap();
        let code = |r: Changed| r.unwrap_err().code();
        assert_eq!(code(reg.set_room_extra_info(a, "", "v", 0)), 1002014);
        assert_eq!(code(reg.set_room_extra_info(a, &"k".repeat(128), "v", 0)), 1002015);
        assert_eq!(code(reg.set_room_extra_info(a, "k", &"v".repeat(4097), 0)), 1002016);
        for i in 0..20 {
            reg.set_room_extra_info(a, &format!("k{i}"), "v", 0).unwrap();
        }
        reg.set_room_extra_info(a, "k0", "w", 0).unwrap();
        assert_eq!(code(reg.set_room_extra_info(a, "k20", "v", 0)), 1002017);
    }

    #[test]
    fn messages_count_up_per_room() {
        let mut reg = MemoryRegistry::default();
        let (a, _) = join(&mut reg, "r", "a", 0).unwrap();
        assert_eq!(reg.broadcast(a, "m", 0).unwrap().0, 1);
        assert_eq!(reg.broadcast(a, "m", 0).unwrap().0, 2);
        assert_eq!(reg.barrage(a, "m", 0).unwrap().0, "1");
    }
}
