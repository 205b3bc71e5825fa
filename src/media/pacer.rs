//! Real-time pacing without drift, for the virtual devices.
//!
//! A [`Pacer`] schedules tick `n` at `start + n * period` (tick 0 is at `start`), so sleep overshoot
//! never accumulates. When the caller falls more than one period behind, it skips the missed ticks
//! and resumes on the current slot instead of bursting to catch up. [`Pacer::next_deadline`] is the
//! sans-IO core (it takes `now`); [`Pacer::wait_next`] and [`Pacer::wait_next_or_stop`] sleep.

use parking_lot::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Smallest period a pacer uses (shorter periods, including zero, are raised to this).
pub const MIN_PERIOD: Duration = Duration::from_micros(100);

/// Schedules ticks at `start + n * period`.
#[derive(Debug, Clone)]
pub struct Pacer {
    start: Instant,
    period: Duration,
    /// Slot of the next tick.
    slot: u64,
    /// Ticks handed out.
    ticks: u64,
    /// Slots skipped because the caller was late.
    skipped: u64,
}

impl Pacer {
    /// A pacer whose first tick is now.
    pub fn new(period: Duration) -> Self {
        Self::starting_at(period, Instant::now())
    }

    /// A pacer whose first tick is at `start`.
    pub fn starting_at(period: Duration, start: Instant) -> Self {
        Self { start, period: period.max(MIN_PERIOD), slot: 0, ticks: 0, skipped: 0 }
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Ticks handed out so far.
    pub fn tick_count(&self) -> u64 {
        self.ticks
    }

    /// Slots skipped so far because the caller was more than a period late.
    pub fn skipped_count(&self) -> u64 {
        self.skipped
    }

    fn slot_time(&self, slot: u64) -> Instant {
        let nanos = self.period.as_nanos().saturating_mul(u128::from(slot));
        self.start + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// Takes the next tick and returns when it is due (possibly in the past, never more than one
    /// period before `now`). Sans-IO: the caller waits until the returned instant.
    pub fn next_deadline(&mut self, now: Instant) -> Instant {
        let mut due = self.slot_time(self.slot);
        if now.saturating_duration_since(due) > self.period {
            // More than a period late: jump to the slot that contains `now`.
            let elapsed = now.saturating_duration_since(self.start).as_nanos();
            let current = u64::try_from(elapsed / self.period.as_nanos()).unwrap_or(u64::MAX);
            self.skipped += current.saturating_sub(self.slot);
            self.slot = current;
            due = self.slot_time(current);
        }
        self.slot += 1;
        self.ticks += 1;
        due
    }

    /// Sleeps until the next tick is due.
    pub fn wait_next(&mut self) {
        let due = self.next_deadline(Instant::now());
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
    }

    /// Waits until the next tick is due or `stop` is raised; returns `false` when stopped (the tick
    /// is then not counted as delivered to any work, but is still consumed).
    pub fn wait_next_or_stop(&mut self, stop: &StopSignal) -> bool {
        let due = self.next_deadline(Instant::now());
        !stop.wait_until(due)
    }
}

/// A flag that wakes a sleeping worker at once when raised.
#[derive(Debug, Default)]
pub struct StopSignal {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl StopSignal {
    /// A lowered signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the signal and wakes every waiter.
    pub fn stop(&self) {
        *self.stopped.lock() = true;
        self.wake.notify_all();
    }

    /// Whether the signal is raised.
    pub fn is_stopped(&self) -> bool {
        *self.stopped.lock()
    }

    /// Sleeps until `deadline` or until the signal is raised; returns whether it is raised.
    pub fn wait_until(&self, deadline: Instant) -> bool {
        let mut stopped = self.stopped.lock();
        while !*stopped {
            if self.wake.wait_until(&mut stopped, deadline).timed_out() {
                break;
            }
        }
        *stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn deadlines_follow_the_grid_without_drift() {
        let t0 = Instant::now();
        let mut p = Pacer::starting_at(10 * MS, t0);
        // Each call comes 3 ms after its deadline: the grid does not move.
        let mut now = t0;
        for n in 0..100u32 {
            let due = p.next_deadline(now);
            assert_eq!(due, t0 + 10 * MS * n);
            now = due + 3 * MS;
        }
        assert_eq!((p.tick_count(), p.skipped_count()), (100, 0));
    }

    #[test]
    fn late_caller_skips_ahead_instead_of_bursting() {
        let t0 = Instant::now();
        let mut p = Pacer::starting_at(10 * MS, t0);
        assert_eq!(p.next_deadline(t0), t0);
        // 55 ms later: slots 1..4 are skipped, slot 5 (50 ms) is due now, slot 6 at 60 ms.
        assert_eq!(p.next_deadline(t0 + 55 * MS), t0 + 50 * MS);
        assert_eq!(p.next_deadline(t0 + 56 * MS), t0 + 60 * MS);
        assert_eq!(p.skipped_count(), 4);
        assert_eq!(p.tick_count(), 3);
        // Late by less than a period: no skip, the tick is due in the past.
        assert_eq!(p.next_deadline(t0 + 79 * MS), t0 + 70 * MS);
        assert_eq!(p.skipped_count(), 4);
    }

    #[test]
    fn zero_period_is_raised() {
        let mut p = Pacer::new(Duration::ZERO);
        assert_eq!(p.period(), MIN_PERIOD);
        let a = p.next_deadline(Instant::now());
        let b = p.next_deadline(a);
        assert_eq!(b - a, MIN_PERIOD);
    }

    #[test]
    fn real_ticks_take_about_n_periods() {
        let start = Instant::now();
        let mut p = Pacer::new(5 * MS);
        for _ in 0..20 {
            p.wait_next();
        }
        let elapsed = start.elapsed();
        assert_eq!(p.tick_count(), 20);
        // 20 ticks, the first immediate: at least 19 periods. Generous upper slack for busy machines.
        assert!(elapsed >= 95 * MS, "{elapsed:?}");
        assert!(elapsed < 2000 * MS, "{elapsed:?}");
    }

    #[test]
    fn stop_wakes_a_waiter_early() {
        let stop = Arc::new(StopSignal::new());
        let s2 = Arc::clone(&stop);
        let t = std::thread::spawn(move || {
            let mut p = Pacer::new(Duration::from_secs(30));
            assert!(p.wait_next_or_stop(&s2)); // tick 0 is immediate
            p.wait_next_or_stop(&s2)
        });
        std::thread::sleep(20 * MS);
        let begin = Instant::now();
        stop.stop();
        assert!(!t.join().unwrap());
        assert!(begin.elapsed() < Duration::from_secs(10));
        assert!(stop.is_stopped());
        assert!(stop.wait_until(Instant::now() + Duration::from_secs(30)));
    }
}
