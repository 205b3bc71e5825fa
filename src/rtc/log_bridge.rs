//! Routes the `log` records of webrtc (e.g. `log::error!("Failed to send
//! RTP: ..")`, which is its only report of a rejected packet) into `tracing`.

use std::sync::Once;

use tracing::level_filters::LevelFilter;

/// Installs `tracing_log::LogTracer` once per process, unless another `log`
/// logger is already installed (a `tracing_subscriber` `init`/`try_init`
/// installs the same bridge). `log` records then become tracing events with
/// the crate path as target (`webrtc::peer_connection::driver`, `rtc_ice::..`).
///
/// The `log` level is the current tracing level, but at least `warn`, so
/// webrtc's errors and warnings are never lost; debug records of webrtc show
/// up only when a subscriber enabling them was installed before the first
/// PeerConnection was built.
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let level = LevelFilter::current().max(LevelFilter::WARN);
        let log_level = match level.into_level() {
            None => log::LevelFilter::Off,
            Some(tracing::Level::ERROR) => log::LevelFilter::Error,
            Some(tracing::Level::WARN) => log::LevelFilter::Warn,
            Some(tracing::Level::INFO) => log::LevelFilter::Info,
            Some(tracing::Level::DEBUG) => log::LevelFilter::Debug,
            Some(tracing::Level::TRACE) => log::LevelFilter::Trace,
        };
        // Err: a logger exists already (usually this very bridge); keep it.
        let _ = tracing_log::LogTracer::builder().with_max_level(log_level).init();
    });
}
