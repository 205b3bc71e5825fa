//! The one tokio runtime of the process, shared by every engine and the embedded server.

use once_cell::sync::Lazy;
use tokio::runtime::{Builder, Runtime};

/// Worker threads of the shared runtime: signaling and timers are light; media
/// work runs on dedicated threads, never here.
const WORKER_THREADS: usize = 2;

static RUNTIME: Lazy<Runtime> = Lazy::new(|| {
    Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("zego-rt")
        .enable_all()
        .build()
        // Without a runtime nothing can work; this fails only when threads cannot be spawned.
        .expect("the tokio runtime starts")
});

/// The shared runtime, started on first use.
pub fn runtime() -> &'static Runtime {
    &RUNTIME
}
