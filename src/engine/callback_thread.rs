//! The per-engine callback thread: every host callback of an engine runs here,
//! one at a time, in the order the events happened.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle, ThreadId};

use super::event::Event;

/// What the callback thread runs for each event (the FFI layer's dispatcher).
pub type EventHandler = Box<dyn FnMut(Event) + Send>;

/// A final action run on the callback thread after its last event.
pub type Finalizer = Box<dyn FnOnce() + Send>;

/// Media events (video frames, audio buffers) allowed in the queue at once;
/// more are dropped, so a slow host callback costs frames, not memory or latency.
pub const MAX_QUEUED_MEDIA_EVENTS: usize = 8;

enum Job {
    Event(Event),
    /// An event that counts against [`MAX_QUEUED_MEDIA_EVENTS`].
    Media(Event),
    Stop(Option<Finalizer>),
}

/// Sends events to the callback thread. Cheap to clone.
///
/// The queue is unbounded on purpose for state events: they are never dropped
/// and the producers (network tasks) must never block on a slow host
/// callback. Media events are bounded instead (see [`EventSender::send_media`]).
#[derive(Clone)]
pub struct EventSender {
    tx: mpsc::Sender<Job>,
    queued_media: Arc<AtomicUsize>,
}

impl EventSender {
    /// Queues an event; silently dropped once the engine is destroyed.
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(Job::Event(event));
    }

    /// Queues a media event unless [`MAX_QUEUED_MEDIA_EVENTS`] are waiting;
    /// returns whether it was queued.
    pub fn send_media(&self, event: Event) -> bool {
        if self.queued_media.fetch_add(1, Ordering::AcqRel) >= MAX_QUEUED_MEDIA_EVENTS {
            self.queued_media.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        self.tx.send(Job::Media(event)).is_ok()
    }
}

/// Owner of the thread.
pub struct CallbackThread {
    sender: EventSender,
    handle: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl CallbackThread {
    /// Starts the thread; `name` shows in debuggers.
    pub fn spawn(name: String, mut handler: EventHandler) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let queued_media = Arc::new(AtomicUsize::new(0));
        let counter = queued_media.clone();
        let handle = thread::Builder::new().name(name).spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    Job::Event(event) => handler(event),
                    Job::Media(event) => {
                        counter.fetch_sub(1, Ordering::AcqRel);
                        handler(event);
                    }
                    Job::Stop(finalizer) => {
                        drop(handler);
                        if let Some(f) = finalizer {
                            f();
                        }
                        return;
                    }
                }
            }
        })?;
        let thread_id = handle.thread().id();
        Ok(Self { sender: EventSender { tx, queued_media }, handle: Some(handle), thread_id })
    }

    /// A sender for event producers.
    pub fn sender(&self) -> EventSender {
        self.sender.clone()
    }

    /// Whether the caller runs on this callback thread.
    pub fn is_current(&self) -> bool {
        thread::current().id() == self.thread_id
    }

    /// Delivers what is queued, then runs `finalizer` and ends the thread.
    /// Joins it unless called from the thread itself (a destroy from inside a
    /// callback), in which case the thread ends once that callback returns.
    pub fn stop(mut self, finalizer: Option<Finalizer>) {
        let _ = self.sender.tx.send(Job::Stop(finalizer));
        if let Some(handle) = self.handle.take() {
            if !self.is_current() {
                let _ = handle.join();
            }
        }
    }
}
