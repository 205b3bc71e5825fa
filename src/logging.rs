//! Log output of the library: `tracing` records go to stderr when the
//! environment variable `ZEGO_LOG` holds a filter (e.g. `ZEGO_LOG=debug` or
//! `ZEGO_LOG=zego_express=debug`). The library never prints to stdout.

use std::sync::Once;

/// Installs the stderr subscriber once, if `ZEGO_LOG` is set and no other
/// global subscriber exists.
pub fn init_from_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("ZEGO_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_writer(std::io::stderr)
                .try_init();
        }
    });
}
