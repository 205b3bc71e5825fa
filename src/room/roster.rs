//! What the host has been told about the other users and streams of a room,
//! and how a reconnect's fresh snapshot is reconciled with it without
//! spurious leave/join events. Pure logic: no I/O, time is passed in.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::protocol::{RoomSnapshot, Stream, UpdateType, User};

/// How long an entity missing from a reconnect snapshot may take to come back
/// (its owner reconnecting too, e.g. after a server restart) before the host
/// is told it left.
pub const RECONNECT_REJOIN_GRACE: Duration = Duration::from_secs(10);

/// A change the host must hear about.
#[derive(Debug, Clone, PartialEq)]
pub enum RosterChange {
    Users(UpdateType, Vec<User>),
    Streams(UpdateType, Vec<Stream>),
}

/// Known users and streams of other participants.
#[derive(Debug, Default)]
pub struct Roster {
    own_user_id: String,
    users: BTreeMap<String, User>,
    streams: BTreeMap<String, Stream>,
    /// Entities absent from the last reconnect snapshot, with their deadlines.
    missing_users: BTreeMap<String, Instant>,
    missing_streams: BTreeMap<String, Instant>,
}

fn push_change<T>(
    out: &mut Vec<RosterChange>,
    kind: fn(UpdateType, Vec<T>) -> RosterChange,
    t: UpdateType,
    items: Vec<T>,
) {
    if !items.is_empty() {
        out.push(kind(t, items));
    }
}

impl Roster {
    pub fn new(own_user_id: &str) -> Self {
        Self { own_user_id: own_user_id.to_owned(), ..Default::default() }
    }

    /// Applies a login snapshot. The first one announces everything; after a
    /// reconnect only real differences are announced, and absences wait for
    /// [`RECONNECT_REJOIN_GRACE`].
    pub fn apply_snapshot(&mut self, snap: &RoomSnapshot, reconnect: bool, now: Instant) -> Vec<RosterChange> {
        let users: Vec<User> = snap.users.iter().filter(|u| u.user_id != self.own_user_id).cloned().collect();
        let streams: Vec<Stream> =
            snap.streams.iter().filter(|s| s.user.user_id != self.own_user_id).cloned().collect();
        if reconnect {
            let deadline = now + RECONNECT_REJOIN_GRACE;
            for id in self.users.keys() {
                if !users.iter().any(|u| &u.user_id == id) {
                    self.missing_users.entry(id.clone()).or_insert(deadline);
                }
            }
            for id in self.streams.keys() {
                if !streams.iter().any(|s| &s.stream_id == id) {
                    self.missing_streams.entry(id.clone()).or_insert(deadline);
                }
            }
        }
        let mut out = Vec::new();
        let new_users = users.into_iter().filter_map(|u| self.add_user(u)).collect();
        push_change(&mut out, RosterChange::Users, UpdateType::Add, new_users);
        let new_streams = streams.into_iter().filter_map(|s| self.add_stream(s)).collect();
        push_change(&mut out, RosterChange::Streams, UpdateType::Add, new_streams);
        out
    }

    fn add_user(&mut self, user: User) -> Option<User> {
        self.missing_users.remove(&user.user_id);
        let known = self.users.insert(user.user_id.clone(), user.clone());
        known.is_none().then_some(user)
    }

    fn add_stream(&mut self, stream: Stream) -> Option<Stream> {
        self.missing_streams.remove(&stream.stream_id);
        let known = self.streams.insert(stream.stream_id.clone(), stream.clone());
        known.is_none().then_some(stream)
    }

    /// Applies a user event from the server; returns what to announce.
    pub fn users_changed(&mut self, t: UpdateType, users: Vec<User>) -> Option<RosterChange> {
        let users: Vec<User> = users.into_iter().filter(|u| u.user_id != self.own_user_id).collect();
        let changed: Vec<User> = match t {
            UpdateType::Add => users.into_iter().filter_map(|u| self.add_user(u)).collect(),
            UpdateType::Delete => users
                .into_iter()
                .filter_map(|u| {
                    self.missing_users.remove(&u.user_id);
                    self.users.remove(&u.user_id)
                })
                .collect(),
        };
        (!changed.is_empty()).then_some(RosterChange::Users(t, changed))
    }

    /// Applies a stream event from the server; returns what to announce.
    pub fn streams_changed(&mut self, t: UpdateType, streams: Vec<Stream>) -> Option<RosterChange> {
        let streams: Vec<Stream> = streams.into_iter().filter(|s| s.user.user_id != self.own_user_id).collect();
        let changed: Vec<Stream> = match t {
            UpdateType::Add => streams.into_iter().filter_map(|s| self.add_stream(s)).collect(),
            UpdateType::Delete => streams
                .into_iter()
                .filter_map(|s| {
                    self.missing_streams.remove(&s.stream_id);
                    self.streams.remove(&s.stream_id)
                })
                .collect(),
        };
        (!changed.is_empty()).then_some(RosterChange::Streams(t, changed))
    }

    /// Records a stream's device states; returns the previous (camera, microphone).
    pub fn stream_state_changed(&mut self, stream: &Stream) -> Option<(i32, i32)> {
        let known = self.streams.get_mut(&stream.stream_id)?;
        let before = (known.camera, known.microphone);
        (known.camera, known.microphone) = (stream.camera, stream.microphone);
        Some(before)
    }

    /// Updates the extra info of known streams.
    pub fn stream_extra_info_changed(&mut self, streams: &[Stream]) {
        for s in streams {
            if let Some(known) = self.streams.get_mut(&s.stream_id) {
                known.extra_info = s.extra_info.clone();
            }
        }
    }

    /// The earliest deadline of a pending absence, if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.missing_users.values().chain(self.missing_streams.values()).min().copied()
    }

    /// Announces absences whose grace ran out.
    pub fn expire(&mut self, now: Instant) -> Vec<RosterChange> {
        let mut out = Vec::new();
        let gone_streams: Vec<String> =
            self.missing_streams.iter().filter(|(_, d)| **d <= now).map(|(id, _)| id.clone()).collect();
        let streams = gone_streams
            .iter()
            .filter_map(|id| {
                self.missing_streams.remove(id);
                self.streams.remove(id)
            })
            .collect();
        push_change(&mut out, RosterChange::Streams, UpdateType::Delete, streams);
        let gone_users: Vec<String> =
            self.missing_users.iter().filter(|(_, d)| **d <= now).map(|(id, _)| id.clone()).collect();
        let users = gone_users
            .iter()
            .filter_map(|id| {
                self.missing_users.remove(id);
                self.users.remove(id)
            })
            .collect();
        push_change(&mut out, RosterChange::Users, UpdateType::Delete, users);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User { user_id: id.into(), user_name: id.into() }
    }
    fn stream(id: &str, owner: &str) -> Stream {
        Stream::new(user(owner), id, "")
    }
    fn snap(users: &[&str], streams: &[(&str, &str)]) -> RoomSnapshot {
        RoomSnapshot {
            users: users.iter().map(|u| user(u)).collect(),
            streams: streams.iter().map(|(s, o)| stream(s, o)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn reconnect_hides_peers_that_come_back_and_reports_those_that_do_not() {
        let t0 = Instant::now();
        let mut r = Roster::new("me");
        let first = r.apply_snapshot(&snap(&["b", "c"], &[("sb", "b"), ("mine", "me")]), false, t0);
        assert_eq!(
            first,
            vec![
                RosterChange::Users(UpdateType::Add, vec![user("b"), user("c")]),
                RosterChange::Streams(UpdateType::Add, vec![stream("sb", "b")]),
            ]
        );
        // The server restarted: only c is back so far.
        assert!(r.apply_snapshot(&snap(&["c"], &[]), true, t0).is_empty());
        assert_eq!(r.next_deadline(), Some(t0 + RECONNECT_REJOIN_GRACE));
        // b comes back with its stream: nothing to announce.
        assert_eq!(r.users_changed(UpdateType::Add, vec![user("b")]), None);
        assert_eq!(r.streams_changed(UpdateType::Add, vec![stream("sb", "b")]), None);
        assert!(r.expire(t0 + RECONNECT_REJOIN_GRACE).is_empty());
        // Another reconnect where c never returns: reported after the grace.
        assert!(r.apply_snapshot(&snap(&["b"], &[("sb", "b")]), true, t0).is_empty());
        assert!(r.expire(t0).is_empty());
        assert_eq!(
            r.expire(t0 + RECONNECT_REJOIN_GRACE),
            vec![RosterChange::Users(UpdateType::Delete, vec![user("c")])]
        );
    }
}
