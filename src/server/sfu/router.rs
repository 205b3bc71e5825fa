//! Who forwards to whom: routes by stream, the producer feeding each route
//! and the consumers reading it. Pure bookkeeping without I/O: every change
//! returns what it removed, and the caller closes those outside the lock.
//!
//! One router serves the whole server: stream ids are unique per app, and a
//! player may play a stream of another room.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::server::registry::SessionId;

use super::feed::Feed;
use super::{ConsumerId, ProducerId, StreamKey};

/// What a change removed: the caller closes these.
#[derive(Debug)]
pub(super) struct Removed<P, C> {
    pub producers: Vec<P>,
    pub consumers: Vec<C>,
}

impl<P, C> Default for Removed<P, C> {
    fn default() -> Self {
        Removed { producers: Vec::new(), consumers: Vec::new() }
    }
}

impl<P, C> Removed<P, C> {
    pub fn is_empty(&self) -> bool {
        self.producers.is_empty() && self.consumers.is_empty()
    }

    fn extend(&mut self, other: Removed<P, C>) {
        self.producers.extend(other.producers);
        self.consumers.extend(other.consumers);
    }
}

/// One published stream as the SFU sees it. It lives while the stream is
/// published and someone sends or receives its media, across producer
/// replacements.
struct Route {
    // Passed in.
    /// The session that publishes the stream.
    publisher: SessionId,
    // Owned.
    feed: Arc<Feed>,
    // Indexes (non-owning).
    producer: Option<ProducerId>,
    consumers: HashSet<ConsumerId>,
}

/// A registered consumer; `value` is `None` while it is being built.
struct ConsumerSlot<C> {
    key: StreamKey,
    session: SessionId,
    value: Option<C>,
}

/// A registered producer; `value` is `None` while it is being built.
struct ProducerSlot<P> {
    key: StreamKey,
    value: Option<P>,
}

/// Producers `P` and consumers `C` by id, and the routes between them.
pub(super) struct Router<P, C> {
    // Owned.
    routes: HashMap<StreamKey, Route>,
    producers: HashMap<ProducerId, ProducerSlot<P>>,
    consumers: HashMap<ConsumerId, ConsumerSlot<C>>,
    // Indexes (non-owning).
    /// The consumer of each (player session, stream).
    plays: HashMap<(SessionId, StreamKey), ConsumerId>,
}

impl<P, C> Default for Router<P, C> {
    fn default() -> Self {
        Router { routes: HashMap::new(), producers: HashMap::new(), consumers: HashMap::new(), plays: HashMap::new() }
    }
}

impl<P, C> Router<P, C> {
    /// The route of `key` published by `publisher`, made if missing. A route
    /// of another publisher is stale (the stream changed hands): it ends.
    fn route(&mut self, key: &StreamKey, publisher: SessionId, removed: &mut Removed<P, C>) -> &mut Route {
        if self.routes.get(key).is_some_and(|r| r.publisher != publisher) {
            removed.extend(self.end_stream(key));
        }
        self.routes.entry(key.clone()).or_insert_with(|| Route {
            publisher,
            feed: Arc::new(Feed::default()),
            producer: None,
            consumers: HashSet::new(),
        })
    }

    /// Registers producer `id` for `key`, replacing the route's producer.
    /// Fill it in with [`Router::set_producer`].
    pub fn attach_producer(
        &mut self,
        key: &StreamKey,
        publisher: SessionId,
        id: ProducerId,
    ) -> (Arc<Feed>, Removed<P, C>) {
        let mut removed = Removed::default();
        let route = self.route(key, publisher, &mut removed);
        let old = route.producer.replace(id);
        let feed = route.feed.clone();
        if let Some(old) = old.and_then(|old| self.producers.remove(&old)) {
            removed.producers.extend(old.value);
        }
        self.producers.insert(id, ProducerSlot { key: key.clone(), value: None });
        (feed, removed)
    }

    /// Stores the built producer; gives it back when its slot is gone
    /// (removed while it was being built).
    pub fn set_producer(&mut self, id: ProducerId, producer: P) -> Result<(), P> {
        match self.producers.get_mut(&id) {
            Some(slot) => {
                slot.value = Some(producer);
                Ok(())
            }
            None => Err(producer),
        }
    }

    /// Registers consumer `id` of `session` for `key`, replacing that
    /// session's consumer of the stream. Fill it in with [`Router::set_consumer`].
    pub fn attach_consumer(
        &mut self,
        key: &StreamKey,
        publisher: SessionId,
        session: SessionId,
        id: ConsumerId,
    ) -> (Arc<Feed>, Removed<P, C>) {
        let mut removed = self.stop_play(session, key);
        let route = self.route(key, publisher, &mut removed);
        route.consumers.insert(id);
        let feed = route.feed.clone();
        self.consumers.insert(id, ConsumerSlot { key: key.clone(), session, value: None });
        self.plays.insert((session, key.clone()), id);
        (feed, removed)
    }

    /// Stores the built consumer; gives it back when its slot is gone.
    pub fn set_consumer(&mut self, id: ConsumerId, consumer: C) -> Result<(), C> {
        match self.consumers.get_mut(&id) {
            Some(slot) => {
                slot.value = Some(consumer);
                Ok(())
            }
            None => Err(consumer),
        }
    }

    /// Removes a producer (failed, or its negotiation did); the route stays
    /// for a new producer while the stream is published.
    pub fn remove_producer(&mut self, id: ProducerId) -> Removed<P, C> {
        let mut removed = Removed::default();
        if let Some(slot) = self.producers.remove(&id) {
            removed.producers.extend(slot.value);
            if let Some(route) = self.routes.get_mut(&slot.key) {
                if route.producer == Some(id) {
                    route.producer = None;
                }
            }
            self.prune(&slot.key);
        }
        removed
    }

    /// Removes one consumer.
    pub fn remove_consumer(&mut self, id: ConsumerId) -> Removed<P, C> {
        let mut removed = Removed::default();
        if let Some(slot) = self.consumers.remove(&id) {
            removed.consumers.extend(slot.value);
            if self.plays.get(&(slot.session, slot.key.clone())) == Some(&id) {
                self.plays.remove(&(slot.session, slot.key.clone()));
            }
            if let Some(route) = self.routes.get_mut(&slot.key) {
                route.consumers.remove(&id);
            }
            self.prune(&slot.key);
        }
        removed
    }

    /// Removes the consumer of `session` for `key`, if any.
    pub fn stop_play(&mut self, session: SessionId, key: &StreamKey) -> Removed<P, C> {
        match self.plays.get(&(session, key.clone())) {
            Some(id) => self.remove_consumer(*id),
            None => Removed::default(),
        }
    }

    /// The stream is no longer published: its route, producer and consumers go.
    pub fn end_stream(&mut self, key: &StreamKey) -> Removed<P, C> {
        let mut removed = Removed::default();
        let Some(route) = self.routes.remove(key) else {
            return removed;
        };
        if let Some(slot) = route.producer.and_then(|id| self.producers.remove(&id)) {
            removed.producers.extend(slot.value);
        }
        for id in route.consumers {
            if let Some(slot) = self.consumers.remove(&id) {
                self.plays.remove(&(slot.session, slot.key));
                removed.consumers.extend(slot.value);
            }
        }
        removed
    }

    /// The session is over: the streams it publishes end, and its consumers go.
    pub fn end_session(&mut self, session: SessionId) -> Removed<P, C> {
        let mut removed = Removed::default();
        let published: Vec<StreamKey> =
            self.routes.iter().filter(|(_, r)| r.publisher == session).map(|(k, _)| k.clone()).collect();
        for key in published {
            removed.extend(self.end_stream(&key));
        }
        let played: Vec<ConsumerId> =
            self.plays.iter().filter(|((s, _), _)| *s == session).map(|(_, id)| *id).collect();
        for id in played {
            removed.extend(self.remove_consumer(id));
        }
        removed
    }

    /// Everything goes (server stop).
    pub fn clear(&mut self) -> Removed<P, C> {
        let mut removed = Removed::default();
        removed.producers.extend(self.producers.drain().filter_map(|(_, s)| s.value));
        removed.consumers.extend(self.consumers.drain().filter_map(|(_, s)| s.value));
        self.routes.clear();
        self.plays.clear();
        removed
    }

    /// Drops a route nobody uses any more.
    fn prune(&mut self, key: &StreamKey) {
        if self.routes.get(key).is_some_and(|r| r.producer.is_none() && r.consumers.is_empty()) {
            self.routes.remove(key);
        }
    }

    /// The producers, consumers and routes held.
    #[cfg(test)]
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.producers.len(), self.consumers.len(), self.routes.len())
    }

    /// The built producers.
    pub fn producers(&self) -> impl Iterator<Item = &P> {
        self.producers.values().filter_map(|s| s.value.as_ref())
    }

    /// The built consumers.
    pub fn consumers(&self) -> impl Iterator<Item = &C> {
        self.consumers.values().filter_map(|s| s.value.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestRouter = Router<&'static str, &'static str>;

    fn key(stream: &str) -> StreamKey {
        StreamKey::new(1, stream)
    }

    #[test]
    fn producer_replacement_keeps_the_consumers() {
        let (alice, bob) = (SessionId::random(), SessionId::random());
        let mut router = TestRouter::default();
        let (feed, removed) = router.attach_consumer(&key("s"), alice, bob, ConsumerId(1));
        assert!(removed.is_empty());
        router.set_consumer(ConsumerId(1), "c1").unwrap();
        let (feed2, removed) = router.attach_producer(&key("s"), alice, ProducerId(1));
        assert!(Arc::ptr_eq(&feed, &feed2) && removed.is_empty());
        router.set_producer(ProducerId(1), "p1").unwrap();
        let (_, removed) = router.attach_producer(&key("s"), alice, ProducerId(2));
        assert_eq!(removed.producers, ["p1"]);
        assert!(removed.consumers.is_empty());
        // A failed producer leaves the route to its consumers.
        router.set_producer(ProducerId(2), "p2").unwrap();
        assert_eq!(router.remove_producer(ProducerId(2)).producers, ["p2"]);
        assert_eq!(router.counts(), (0, 1, 1));
        let removed = router.end_stream(&key("s"));
        assert_eq!(removed.consumers, ["c1"]);
        assert_eq!(router.counts(), (0, 0, 0));
    }

    #[test]
    fn a_new_play_replaces_the_old_and_stop_play_prunes() {
        let (alice, bob) = (SessionId::random(), SessionId::random());
        let mut router = TestRouter::default();
        router.attach_consumer(&key("s"), alice, bob, ConsumerId(1));
        router.set_consumer(ConsumerId(1), "c1").unwrap();
        let (_, removed) = router.attach_consumer(&key("s"), alice, bob, ConsumerId(2));
        assert_eq!(removed.consumers, ["c1"]);
        assert_eq!(router.set_consumer(ConsumerId(1), "late"), Err("late"));
        router.set_consumer(ConsumerId(2), "c2").unwrap();
        assert_eq!(router.stop_play(bob, &key("s")).consumers, ["c2"]);
        assert_eq!(router.counts(), (0, 0, 0));
        assert!(router.stop_play(bob, &key("s")).is_empty());
    }

    #[test]
    fn session_end_closes_its_streams_and_its_plays() {
        let (alice, bob, carol) = (SessionId::random(), SessionId::random(), SessionId::random());
        let mut router = TestRouter::default();
        router.attach_producer(&key("a"), alice, ProducerId(1));
        router.set_producer(ProducerId(1), "pa").unwrap();
        router.attach_producer(&key("b"), bob, ProducerId(2));
        router.set_producer(ProducerId(2), "pb").unwrap();
        for (id, (player, stream)) in [(bob, "a"), (carol, "a"), (alice, "b"), (carol, "b")].into_iter().enumerate() {
            let id = ConsumerId(id as u64);
            router.attach_consumer(&key(stream), if stream == "a" { alice } else { bob }, player, id);
            router.set_consumer(id, "c").unwrap();
        }
        let removed = router.end_session(alice);
        assert_eq!(removed.producers, ["pa"]);
        // The two plays of "a" and alice's play of "b".
        assert_eq!(removed.consumers.len(), 3);
        assert_eq!(router.counts(), (1, 1, 1));
        assert_eq!(router.clear().consumers.len(), 1);
    }

    #[test]
    fn a_stream_taken_over_by_another_publisher_ends_the_stale_route() {
        let (alice, bob, carol) = (SessionId::random(), SessionId::random(), SessionId::random());
        let mut router = TestRouter::default();
        router.attach_consumer(&key("s"), alice, carol, ConsumerId(1));
        router.set_consumer(ConsumerId(1), "c1").unwrap();
        let (_, removed) = router.attach_producer(&key("s"), bob, ProducerId(1));
        assert_eq!(removed.consumers, ["c1"]);
        assert_eq!(router.counts(), (1, 0, 1));
    }
}
