//! A named thread that runs a closure once per period in real time until stopped.
//!
//! Shared by the virtual camera, microphone and speaker. Stopping wakes the thread at once (it
//! sleeps on a [`StopSignal`], not in `thread::sleep`), so `stop` returns within one tick's work.

use crate::media::pacer::{Pacer, StopSignal};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Handle to a paced thread; stopping (or dropping) it stops and joins the thread.
#[derive(Debug)]
pub(crate) struct PacedWorker {
    stop: Arc<StopSignal>,
    thread: Option<JoinHandle<()>>,
}

impl PacedWorker {
    /// Spawns thread `name` that calls `tick(n)` for n = 0, 1, 2, ... at `start + n * period`.
    pub(crate) fn spawn(
        name: &str,
        period: Duration,
        mut tick: impl FnMut(u64) + Send + 'static,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(StopSignal::new());
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            let mut pacer = Pacer::new(period);
            let mut n = 0u64;
            while pacer.wait_next_or_stop(&thread_stop) {
                tick(n);
                n += 1;
            }
        })?;
        Ok(Self { stop, thread: Some(thread) })
    }

    /// Stops the thread and waits for it (unless called on the thread itself, which cannot join
    /// itself: it then just stops after the current tick).
    pub(crate) fn stop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            if thread.thread().id() == std::thread::current().id() {
                return;
            }
            if thread.join().is_err() {
                tracing::warn!(target: "media", "paced worker thread panicked");
            }
        }
    }
}

impl Drop for PacedWorker {
    fn drop(&mut self) {
        self.stop();
    }
}
