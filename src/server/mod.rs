//! zego-server: the signaling gateway (rooms, users, streams, AppSign and
//! Token04 auth) behind axum, on one TCP port, and the SFU that relays the
//! streams' media over WebRTC (`sfu`, UDP on [`ServerConfig::rtc_ip`]).
//!
//! [`ServerHandle::start`] runs it on the current tokio runtime;
//! [`ServerHandle::start_blocking`] runs it on the crate's shared runtime (the
//! embedded server of the C ABI). The protocol is `crate::protocol`, described
//! in `docs/protocol.md`.

mod config;
mod http;
mod hub;
mod registry;
mod session;
mod sfu;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinHandle;

pub use config::{AppConfig, Limits, ServerConfig, DEV_APP_ID, DEV_APP_SIGN, DEV_SERVER_SECRET};

use hub::Hub;

/// How long [`ServerHandle::stop`] lets sessions send their close frames.
const STOP_SESSIONS_TIMEOUT: Duration = Duration::from_secs(2);
/// How long [`ServerHandle::stop`] waits for plain HTTP requests to finish.
const STOP_HTTP_TIMEOUT: Duration = Duration::from_secs(2);
/// Pending connections the listening socket queues.
const LISTEN_BACKLOG: u32 = 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration document is invalid.
    #[error("invalid server config: {0}")]
    Config(String),
    /// The listen address does not resolve.
    #[error("invalid listen address {addr}: {reason}")]
    Address {
        /// The address as given.
        addr: String,
        /// What the resolver said.
        reason: String,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The resolved address.
        addr: SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
}

/// A running server. Dropping it stops it without waiting; prefer [`ServerHandle::stop`].
pub struct ServerHandle {
    local_addr: SocketAddr,
    hub: Arc<Hub>,
    serve: JoinHandle<()>,
}

async fn resolve(listen: &str) -> Result<SocketAddr, ServerError> {
    let error = |reason: String| ServerError::Address { addr: listen.to_owned(), reason };
    let mut addrs = tokio::net::lookup_host(listen).await.map_err(|e| error(e.to_string()))?;
    addrs.next().ok_or_else(|| error("no address".into()))
}

/// Binds with SO_REUSEADDR, so a restarted server gets the same port at once.
fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Runs a future to completion on the shared runtime, from any thread.
fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = crate::runtime::runtime();
    if tokio::runtime::Handle::try_current().is_err() {
        return runtime.block_on(future);
    }
    // Inside a runtime block_on would panic: block a helper thread instead.
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| runtime.block_on(future));
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

impl ServerHandle {
    /// Binds `listen` ("127.0.0.1:0" picks a free port) and serves on the
    /// current tokio runtime.
    pub async fn start(listen: &str, config: ServerConfig) -> Result<ServerHandle, ServerError> {
        config.validate()?;
        let addr = resolve(listen).await?;
        let bind_error = |source| ServerError::Bind { addr, source };
        let listener = bind(addr).map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let rtc_ip = config.rtc_bind_ip(local_addr.ip());
        let hub = Hub::new(config, rtc_ip);
        let service = http::router(hub.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let mut stopping = hub.shutdown_signal();
        let serve = tokio::spawn(async move {
            let stopped = async move {
                // An error means the hub is gone: stop as well.
                let _ = stopping.wait_for(|stop| *stop).await;
            };
            // Signaling is small frames that must leave at once: no Nagle delay.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::warn!("TCP_NODELAY not set: {e}");
                }
            });
            if let Err(e) = axum::serve(listener, service).with_graceful_shutdown(stopped).await {
                tracing::error!("server failed: {e}");
            }
        });
        tracing::info!(%local_addr, %rtc_ip, "zego-server listening");
        Ok(ServerHandle { local_addr, hub, serve })
    }

    /// [`ServerHandle::start`] on the shared runtime, from synchronous code.
    /// `config_json: None` is [`ServerConfig::dev_default`].
    pub fn start_blocking(listen: &str, config_json: Option<&str>) -> Result<ServerHandle, ServerError> {
        let config = match config_json {
            Some(text) => ServerConfig::from_json(text)?,
            None => ServerConfig::dev_default(),
        };
        block_on(ServerHandle::start(listen, config))
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `ws://IP:PORT` for clients (a wildcard bind gives the loopback address);
    /// the signaling endpoint is this plus `/ws`.
    pub fn url(&self) -> String {
        let ip = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("ws://{}", SocketAddr::new(ip, self.local_addr.port()))
    }

    /// Sends a close frame on every WebSocket, ends every session, closes
    /// every media connection and frees the port (it can be bound again at once).
    pub async fn stop(mut self) {
        self.hub.begin_shutdown();
        self.hub.drain(STOP_SESSIONS_TIMEOUT).await;
        self.hub.sfu().close().await;
        if tokio::time::timeout(STOP_HTTP_TIMEOUT, &mut self.serve).await.is_err() {
            self.serve.abort();
            // Wait until the task is gone, so the listener is closed.
            let _ = (&mut self.serve).await;
        }
        tracing::info!(local_addr = %self.local_addr, "zego-server stopped");
    }

    /// [`ServerHandle::stop`] on the shared runtime, from synchronous code.
    pub fn stop_blocking(self) {
        block_on(self.stop());
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.hub.begin_shutdown();
        self.serve.abort();
    }
}
