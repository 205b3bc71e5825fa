//! The per-engine callback thread: every host callback of an engine runs here,
//! one at a time, in the order the events happened.

use std::sync::mpsc;
use std::thread::{self, JoinHandle, ThreadId};

use super::event::Event;

/// What the callback thread runs for each event (the FFI layer's dispatcher).
pub type EventHandler = Box<dyn FnMut(Event) + Send>;

/// A final action run on the callback thread after its last event.
pub type Finalizer = Box<dyn FnOnce() + Send>;

enum Job {
    Event(Event),
    Stop(Option<Finalizer>),
}

/// Sends events to the callback thread. Cheap to clone.
///
/// The queue is unbounded on purpose: state events are never dropped and the
/// producers (network tasks) must never block on a slow host callback.
#[derive(Clone)]
pub struct EventSender {
    tx: mpsc::Sender<Job>,
}

impl EventSender {
    /// Queues an event; silently dropped once the engine is destroyed.
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(Job::Event(event));
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
        let handle = thread::Builder::new().name(name).spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    Job::Event(event) => handler(event),
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
        Ok(Self { sender: EventSender { tx }, handle: Some(handle), thread_id })
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
