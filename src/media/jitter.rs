//! A reorder buffer keyed by 16-bit RTP sequence numbers (sans-IO: every call takes `now`).
//!
//! Packets are released strictly in sequence order. A packet behind a gap is held until the gap
//! fills or the packet has waited `max_delay`; then the gap is declared lost and release resumes.
//! Duplicates (Chromium's RTX probing repeats sequence numbers) and packets arriving after their
//! slot was released or declared lost are dropped and counted. Memory is bounded: at most
//! `capacity` packets are held and at most `capacity` released packets wait for
//! [`ReorderBuffer::pop_ready`].
//!
//! Drive it as: `push`, then `pop_ready(now)`; also call `pop_ready` at
//! [`ReorderBuffer::next_timeout`] so held packets are released when their wait expires.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// Default longest wait for a missing packet.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_millis(40);
/// Default number of packets held (and of released packets waiting to be popped).
pub const DEFAULT_CAPACITY: usize = 1024;
/// A packet this far behind the release point is "very late" (older than any reordering or
/// retransmission); [`RESYNC_STREAK`] of them in a row mean the sender restarted its sequence.
pub const RESYNC_DISTANCE: i64 = 3000;
/// Consecutive very late packets after which the buffer follows the new sequence numbers.
pub const RESYNC_STREAK: u32 = 4;

/// Counters since creation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReorderStats {
    /// Packets released in order.
    pub released: u64,
    /// Sequence numbers declared lost (never arrived in time).
    pub lost: u64,
    /// Packets dropped because the same sequence number was already held.
    pub duplicates: u64,
    /// Packets dropped because their slot was already released or declared lost.
    pub late: u64,
    /// Released packets dropped because `pop_ready` was not called for `capacity` packets.
    pub overflow: u64,
    /// Times the buffer jumped to a restarted sequence.
    pub resyncs: u64,
}

/// Releases items in RTP sequence order, waiting a bounded time for missing ones.
pub struct ReorderBuffer<T> {
    max_delay: Duration,
    capacity: usize,
    /// Extended sequence number of the next packet to release (None before the first packet).
    next: Option<i64>,
    /// Packets waiting behind a gap, by extended sequence number, with their arrival time.
    held: BTreeMap<i64, (Instant, T)>,
    /// Packets released in order, waiting for `pop_ready`.
    ready: VecDeque<(u16, T)>,
    /// Consecutive very late packets.
    late_streak: u32,
    stats: ReorderStats,
}

impl<T> std::fmt::Debug for ReorderBuffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReorderBuffer")
            .field("max_delay", &self.max_delay)
            .field("capacity", &self.capacity)
            .field("next", &self.next.map(|n| n as u16))
            .field("held", &self.held.len())
            .field("ready", &self.ready.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl<T> Default for ReorderBuffer<T> {
    /// [`DEFAULT_MAX_DELAY`] and [`DEFAULT_CAPACITY`].
    fn default() -> Self {
        Self::new(DEFAULT_MAX_DELAY, DEFAULT_CAPACITY)
    }
}

impl<T> ReorderBuffer<T> {
    /// A buffer that waits up to `max_delay` for a missing packet and holds at most `capacity`
    /// packets (at least 1).
    pub fn new(max_delay: Duration, capacity: usize) -> Self {
        Self {
            max_delay,
            capacity: capacity.max(1),
            next: None,
            held: BTreeMap::new(),
            ready: VecDeque::new(),
            late_streak: 0,
            stats: ReorderStats::default(),
        }
    }

    /// The longest wait for a missing packet.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Changes the longest wait (applies from the next `pop_ready`).
    pub fn set_max_delay(&mut self, max_delay: Duration) {
        self.max_delay = max_delay;
    }

    /// Counters since creation.
    pub fn stats(&self) -> ReorderStats {
        self.stats
    }

    /// Packets held behind a gap.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// Whether nothing is held or waiting to be popped.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty() && self.ready.is_empty()
    }

    /// The extended form of `seq`: the value nearest to the release point.
    fn extend(next: i64, seq: u16) -> i64 {
        next + i64::from(seq.wrapping_sub(next as u16) as i16)
    }

    /// Adds a packet that arrived at `now`. Duplicates and late packets are dropped (and counted).
    pub fn push(&mut self, seq: u16, item: T, now: Instant) {
        let next = *self.next.get_or_insert(i64::from(seq));
        let ext = Self::extend(next, seq);
        if ext < next {
            if next - ext > RESYNC_DISTANCE {
                self.late_streak += 1;
                if self.late_streak >= RESYNC_STREAK {
                    self.resync(ext, item, now);
                    return;
                }
            } else {
                self.late_streak = 0;
            }
            self.stats.late += 1;
            return;
        }
        self.late_streak = 0;
        if self.held.contains_key(&ext) {
            self.stats.duplicates += 1;
            return;
        }
        self.held.insert(ext, (now, item));
        // Keep the held span within capacity: anything that far behind is given up on.
        let floor = ext - self.capacity as i64 + 1;
        if floor > next {
            self.skip_to(floor);
        }
        self.release_in_order();
    }

    /// Follows a sender that restarted its sequence numbers at `ext`.
    fn resync(&mut self, ext: i64, item: T, now: Instant) {
        self.stats.resyncs += 1;
        self.late_streak = 0;
        if let Some((&last, _)) = self.held.last_key_value() {
            self.skip_to(last + 1);
        }
        self.next = Some(ext);
        self.held.insert(ext, (now, item));
        self.release_in_order();
    }

    /// Moves every held packet below `floor` to the ready queue in order, counting the gaps between
    /// them as lost, and moves the release point to `floor`.
    fn skip_to(&mut self, floor: i64) {
        let Some(mut next) = self.next else { return };
        while next < floor {
            match self.held.first_entry() {
                Some(entry) if *entry.key() < floor => {
                    let key = *entry.key();
                    let (_, item) = entry.remove();
                    self.stats.lost += (key - next) as u64;
                    self.emit(key, item);
                    next = key + 1;
                }
                _ => {
                    self.stats.lost += (floor - next) as u64;
                    next = floor;
                }
            }
        }
        self.next = Some(next);
    }

    /// Releases held packets that continue the sequence without a gap.
    fn release_in_order(&mut self) {
        let Some(mut next) = self.next else { return };
        while let Some(entry) = self.held.first_entry() {
            if *entry.key() != next {
                break;
            }
            let (_, item) = entry.remove();
            self.emit(next, item);
            next += 1;
        }
        self.next = Some(next);
    }

    /// Queues a released packet, dropping the oldest queued one when the queue is full.
    fn emit(&mut self, ext: i64, item: T) {
        if self.ready.len() >= self.capacity {
            self.ready.pop_front();
            self.stats.overflow += 1;
        }
        self.ready.push_back((ext as u16, item));
        self.stats.released += 1;
    }

    /// Returns the packets that can be released at `now`, in sequence order: those without a gap
    /// before them, and those behind a gap that a held packet has waited `max_delay` for (the gap
    /// is then counted as lost).
    pub fn pop_ready(&mut self, now: Instant) -> Vec<(u16, T)> {
        loop {
            self.release_in_order();
            let Some((&first, _)) = self.held.first_key_value() else { break };
            let Some(oldest) = self.held.values().map(|(t, _)| *t).min() else { break };
            if now.saturating_duration_since(oldest) < self.max_delay {
                break;
            }
            self.skip_to(first);
        }
        self.ready.drain(..).collect()
    }

    /// When the next held packet's wait expires, if any: call `pop_ready` then.
    pub fn next_timeout(&self) -> Option<Instant> {
        self.held.values().map(|(t, _)| *t).min().map(|t| t + self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MS: Duration = Duration::from_millis(1);

    fn seqs(v: Vec<(u16, u16)>) -> Vec<u16> {
        v.into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn in_order_packets_pass_straight_through() {
        let t = Instant::now();
        let mut b = ReorderBuffer::default();
        for s in 10..20u16 {
            b.push(s, s, t);
            assert_eq!(b.pop_ready(t), vec![(s, s)]);
        }
        assert_eq!(b.stats().released, 10);
        assert!(b.is_empty());
        assert_eq!(b.next_timeout(), None);
    }

    #[test]
    fn reorders_within_the_delay() {
        let t = Instant::now();
        let mut b = ReorderBuffer::default();
        b.push(1, 1, t);
        assert_eq!(seqs(b.pop_ready(t)), vec![1]);
        b.push(3, 3, t);
        b.push(4, 4, t + MS);
        assert_eq!(seqs(b.pop_ready(t + MS)), Vec::<u16>::new());
        assert_eq!(b.next_timeout(), Some(t + DEFAULT_MAX_DELAY));
        b.push(2, 2, t + 2 * MS);
        assert_eq!(seqs(b.pop_ready(t + 2 * MS)), vec![2, 3, 4]);
        assert_eq!(b.stats(), ReorderStats { released: 4, ..ReorderStats::default() });
    }

    #[test]
    fn drops_duplicates_and_late_packets() {
        let t = Instant::now();
        let mut b = ReorderBuffer::default();
        b.push(5, 'a', t);
        b.push(7, 'b', t);
        b.push(7, 'c', t);
        assert_eq!(b.pop_ready(t), vec![(5, 'a')]);
        b.push(5, 'd', t); // already released (RTX probe style repeat)
        b.push(6, 'e', t);
        assert_eq!(b.pop_ready(t), vec![(6, 'e'), (7, 'b')]);
        let s = b.stats();
        assert_eq!((s.duplicates, s.late, s.released), (1, 1, 3));
    }

    #[test]
    fn wraps_at_65535() {
        let t = Instant::now();
        let mut b = ReorderBuffer::default();
        b.push(65534, 0, t);
        b.push(65535, 1, t);
        b.push(1, 3, t);
        assert_eq!(seqs(b.pop_ready(t)), vec![65534, 65535]);
        b.push(0, 2, t);
        b.push(2, 4, t);
        assert_eq!(b.pop_ready(t), vec![(0, 2), (1, 3), (2, 4)]);
        // A long in-order run across several wraps.
        let mut b = ReorderBuffer::default();
        let mut out = Vec::new();
        for i in 0..200_000u32 {
            b.push((i + 60_000) as u16, i, t);
            out.extend(b.pop_ready(t).into_iter().map(|(_, v)| v));
        }
        assert!(out.iter().copied().eq(0..200_000u32));
    }

    #[test]
    fn declares_loss_after_max_delay() {
        let t = Instant::now();
        let mut b = ReorderBuffer::new(40 * MS, 64);
        b.push(1, 1, t);
        b.push(3, 3, t);
        b.push(6, 6, t + 10 * MS);
        assert_eq!(seqs(b.pop_ready(t)), vec![1]);
        assert_eq!(seqs(b.pop_ready(t + 39 * MS)), Vec::<u16>::new());
        // Packet 3 has waited 40 ms: 2 is lost, 3 released; 6 waits on (4, 5) until t + 50 ms.
        assert_eq!(seqs(b.pop_ready(t + 40 * MS)), vec![3]);
        assert_eq!(b.stats().lost, 1);
        assert_eq!(b.next_timeout(), Some(t + 50 * MS));
        b.push(2, 2, t + 41 * MS);
        assert_eq!(b.stats().late, 1);
        assert_eq!(seqs(b.pop_ready(t + 50 * MS)), vec![6]);
        assert_eq!(b.stats().lost, 3);
    }

    #[test]
    fn zero_delay_never_waits() {
        let t = Instant::now();
        let mut b = ReorderBuffer::new(Duration::ZERO, 64);
        b.push(1, (), t);
        b.push(5, (), t);
        assert_eq!(seqs_unit(b.pop_ready(t)), vec![1, 5]);
        assert_eq!(b.stats().lost, 3);
    }

    fn seqs_unit(v: Vec<(u16, ())>) -> Vec<u16> {
        v.into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn capacity_bounds_what_is_held() {
        let t = Instant::now();
        let mut b = ReorderBuffer::new(Duration::from_secs(10), 8);
        let mut out = Vec::new();
        b.push(0, 0u16, t);
        for s in 2..=20u16 {
            b.push(s, s, t);
            assert!(b.held() <= 8);
            out.extend(seqs(b.pop_ready(t)));
        }
        // Waiting for 1 was abandoned once 1 fell out of the 8-wide window.
        assert_eq!(out, (0..=20).filter(|&s| s != 1).collect::<Vec<_>>());
        assert_eq!(b.stats().lost, 1);
        // A jump far ahead gives up on everything outside the window; the rest is waited for.
        b.push(1000, 1000, t);
        assert_eq!(b.stats().lost, 1 + 972);
        assert_eq!(seqs(b.pop_ready(t)), Vec::<u16>::new());
        assert_eq!(seqs(b.pop_ready(t + Duration::from_secs(10))), vec![1000]);
        assert_eq!(b.stats().lost, 1 + 979);
        // Without pop_ready, the released queue stays bounded too.
        for s in 1001..1100u16 {
            b.push(s, s, t);
        }
        assert_eq!(b.pop_ready(t).len(), 8);
        assert_eq!(b.stats().overflow, 99 - 8);
    }

    #[test]
    fn follows_a_restarted_sequence() {
        let t = Instant::now();
        let mut b = ReorderBuffer::default();
        for s in 30_000..30_010u16 {
            b.push(s, s, t);
        }
        assert_eq!(b.pop_ready(t).len(), 10);
        for s in 100..110u16 {
            b.push(s, s, t);
        }
        // The first RESYNC_STREAK - 1 are dropped as late, then the buffer follows.
        assert_eq!(seqs(b.pop_ready(t)), (103..110).collect::<Vec<_>>());
        assert_eq!((b.stats().resyncs, b.stats().late), (1, 3));
    }

    proptest! {
        #[test]
        fn releases_strictly_increasing_and_bounded(
            ops in proptest::collection::vec((any::<u16>(), 0u64..30, any::<bool>()), 0..300),
            start in any::<u16>(),
            near in any::<bool>(),
        ) {
            let mut now = Instant::now();
            let mut b = ReorderBuffer::new(20 * MS, 32);
            let mut last: Option<u16> = None;
            for (raw, dt, pop) in ops {
                // Mostly near the start when `near`, to exercise reordering rather than jumps.
                let seq = if near { start.wrapping_add(raw % 64) } else { raw };
                now += Duration::from_millis(dt);
                b.push(seq, seq, now);
                prop_assert!(b.held() <= 32);
                if pop {
                    for (s, v) in b.pop_ready(now) {
                        prop_assert_eq!(s, v);
                        if let (Some(l), 0) = (last, b.stats().resyncs) {
                            // Strictly increasing in sequence space (at most half the space ahead).
                            let step = s.wrapping_sub(l);
                            prop_assert!((1..=32768).contains(&step), "{} after {}", s, l);
                        }
                        last = Some(s);
                    }
                }
            }
        }
    }
}
