//! The server's configuration document: apps, limits and dev mode.

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ServerError;

/// App id of the development app ([`ServerConfig::dev_default`]).
pub const DEV_APP_ID: u32 = 1_234_567_890;
/// AppSign of the development app: public, for development only.
pub const DEV_APP_SIGN: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/// ServerSecret of the development app: public, for development only.
pub const DEV_SERVER_SECRET: &str = "zegoexpressdevserversecret012345";

/// Longest time a vanished user may stay in its room: ZEGO apps expect to see
/// a lost peer leave within 15 s.
const MAX_PRESENCE_AFTER_LOSS_MS: u64 = 15_000;

/// The whole configuration, as the JSON document
/// `{"apps": [...], "limits": {...}, "dev_mode": false, "rtc_ip": "192.168.1.10"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The apps this server accepts.
    pub apps: Vec<AppConfig>,
    /// Timing and size limits.
    #[serde(default)]
    pub limits: Limits,
    /// Development mode: the dev app is accepted besides `apps`, and the admin
    /// API (`/api/rooms`) is served.
    #[serde(default)]
    pub dev_mode: bool,
    /// The IP address the SFU's PeerConnections bind their UDP sockets to;
    /// their ICE candidates carry it, so clients must reach it. `None` (the
    /// default) means the listen address's IP, or `0.0.0.0` (every
    /// non-loopback IPv4 interface) when listening on a wildcard address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtc_ip: Option<IpAddr>,
}

/// One app: its id and the two secrets it authenticates with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// ZEGO AppID, not 0.
    pub app_id: u32,
    /// 64 hex characters; clients prove they know it (it never crosses the wire).
    pub app_sign: String,
    /// 32 characters; the AES-256 key of the app's Token04 tokens.
    pub server_secret: String,
}

/// Timing and size limits; every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Clients send a heartbeat this often.
    pub heartbeat_interval_ms: u64,
    /// A session silent this long is treated as a lost connection.
    pub heartbeat_timeout_ms: u64,
    /// A user whose connection is lost stays in its room this long after its
    /// last frame, so the same client can resume unseen.
    pub session_grace_ms: u64,
    /// `token_will_expire` is sent when the login token has this many seconds left.
    pub token_expire_warning_s: u64,
    /// Most rooms at once; 0 = unlimited.
    pub max_rooms: u32,
    /// Most users per room; 0 = unlimited.
    pub max_users_per_room: u32,
    /// Longest broadcast, barrage or custom command text, in bytes.
    pub max_message_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            heartbeat_interval_ms: 3_000,
            heartbeat_timeout_ms: 10_000,
            session_grace_ms: 8_000,
            token_expire_warning_s: 30,
            max_rooms: 0,
            max_users_per_room: 0,
            max_message_bytes: 1024,
        }
    }
}

impl Limits {
    /// [`Limits::heartbeat_timeout_ms`] as a duration.
    pub fn heartbeat_timeout(&self) -> Duration {
        Duration::from_millis(self.heartbeat_timeout_ms)
    }

    /// [`Limits::session_grace_ms`] as a duration.
    pub fn session_grace(&self) -> Duration {
        Duration::from_millis(self.session_grace_ms)
    }

    fn validate(&self) -> Result<(), String> {
        if self.heartbeat_interval_ms == 0 || self.heartbeat_interval_ms >= self.heartbeat_timeout_ms {
            return Err("limits.heartbeat_interval_ms must be above 0 and below heartbeat_timeout_ms".into());
        }
        for (name, ms) in
            [("heartbeat_timeout_ms", self.heartbeat_timeout_ms), ("session_grace_ms", self.session_grace_ms)]
        {
            if ms >= MAX_PRESENCE_AFTER_LOSS_MS {
                return Err(format!("limits.{name} must be below {MAX_PRESENCE_AFTER_LOSS_MS}"));
            }
        }
        if self.max_message_bytes == 0 {
            return Err("limits.max_message_bytes must be above 0".into());
        }
        Ok(())
    }
}

impl AppConfig {
    /// The development app: [`DEV_APP_ID`], [`DEV_APP_SIGN`], [`DEV_SERVER_SECRET`].
    pub fn dev() -> Self {
        AppConfig { app_id: DEV_APP_ID, app_sign: DEV_APP_SIGN.to_owned(), server_secret: DEV_SERVER_SECRET.to_owned() }
    }

    fn validate(&self) -> Result<(), String> {
        let id = self.app_id;
        if id == 0 {
            return Err("app_id must not be 0".into());
        }
        if !crate::auth::is_valid_app_sign(&self.app_sign) {
            return Err(format!("app {id}: app_sign must be 64 hex characters"));
        }
        if self.server_secret.len() != 32 {
            return Err(format!("app {id}: server_secret must be 32 bytes, not {}", self.server_secret.len()));
        }
        Ok(())
    }
}

impl ServerConfig {
    /// One dev app with default limits, in dev mode.
    pub fn dev_default() -> Self {
        ServerConfig { apps: vec![AppConfig::dev()], limits: Limits::default(), dev_mode: true, rtc_ip: None }
    }

    /// Parses and validates a JSON document; unknown keys are an error.
    pub fn from_json(text: &str) -> Result<Self, ServerError> {
        let config: ServerConfig = serde_json::from_str(text).map_err(|e| ServerError::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every app and limit.
    pub fn validate(&self) -> Result<(), ServerError> {
        self.check().map_err(ServerError::Config)
    }

    fn check(&self) -> Result<(), String> {
        if self.apps.is_empty() && !self.dev_mode {
            return Err("apps must list at least one app".into());
        }
        for (i, app) in self.apps.iter().enumerate() {
            app.validate()?;
            if self.apps[..i].iter().any(|a| a.app_id == app.app_id) {
                return Err(format!("app {} is listed twice", app.app_id));
            }
        }
        self.limits.validate()
    }

    /// The IP the SFU binds to when listening on `listen`: [`ServerConfig::rtc_ip`]
    /// if set, else the listen IP, else (wildcard) `0.0.0.0`.
    pub fn rtc_bind_ip(&self, listen: IpAddr) -> IpAddr {
        match self.rtc_ip {
            Some(ip) => ip,
            None if listen.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            None => listen,
        }
    }

    /// The app with this id: a listed one, else in dev mode the dev app.
    pub fn app(&self, app_id: u32) -> Option<AppConfig> {
        let listed = self.apps.iter().find(|a| a.app_id == app_id).cloned();
        listed.or_else(|| (self.dev_mode && app_id == DEV_APP_ID).then(AppConfig::dev))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_default_is_valid() {
        assert_eq!(DEV_SERVER_SECRET.len(), 32);
        ServerConfig::dev_default().validate().unwrap();
        assert!(ServerConfig::dev_default().app(DEV_APP_ID).is_some());
    }

    #[test]
    fn parses_minimal_and_limits() {
        let text = format!(
            r#"{{"apps":[{{"app_id":7,"app_sign":"{DEV_APP_SIGN}","server_secret":"{DEV_SERVER_SECRET}"}}],
                "limits":{{"session_grace_ms":500}}}}"#
        );
        let c = ServerConfig::from_json(&text).unwrap();
        assert_eq!(c.limits.session_grace_ms, 500);
        assert_eq!(c.limits.heartbeat_timeout_ms, 10_000);
        assert!(!c.dev_mode);
        assert!(c.app(7).is_some());
        assert!(c.app(DEV_APP_ID).is_none());
        assert_eq!(c.rtc_ip, None);
        let with_ip = ServerConfig::from_json(r#"{"apps":[],"dev_mode":true,"rtc_ip":"10.0.0.2"}"#).unwrap();
        assert_eq!(with_ip.rtc_ip, Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn rejects_bad_documents() {
        let app = |id: u32, sign: &str, secret: &str| {
            format!(r#"{{"apps":[{{"app_id":{id},"app_sign":"{sign}","server_secret":"{secret}"}}]}}"#)
        };
        let bad = [
            app(0, DEV_APP_SIGN, DEV_SERVER_SECRET),
            app(1, "abc", DEV_SERVER_SECRET),
            app(1, DEV_APP_SIGN, "short"),
            r#"{"apps":[]}"#.to_owned(),
            r#"{"apps":[],"dev_mode":true,"extra":1}"#.to_owned(),
            r#"{"apps":[],"dev_mode":true,"limits":{"session_grace_ms":20000}}"#.to_owned(),
            r#"{"apps":[],"dev_mode":true,"limits":{"heartbeat_interval_ms":0}}"#.to_owned(),
            r#"{"apps":[],"dev_mode":true,"rtc_ip":"not-an-ip"}"#.to_owned(),
        ];
        for text in bad {
            assert!(matches!(ServerConfig::from_json(&text), Err(ServerError::Config(_))), "{text}");
        }
    }
}
