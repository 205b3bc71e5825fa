//! Checks of a login (protocol version, ids, app, AppSign proof or Token04
//! with its privileges) and what the login grants.

use crate::auth::{self, token04};
use crate::error_code as ec;
use crate::protocol::{Auth, ClientMsg, Resume, User, PROTOCOL_VERSION};
use crate::validate;

use super::RequestError;
use crate::server::config::{AppConfig, ServerConfig};

/// The fields of a [`ClientMsg::Login`].
#[derive(Debug)]
pub(super) struct Login {
    pub req: u64,
    pub version: u32,
    pub app_id: u32,
    pub room_id: String,
    pub user: User,
    pub auth: Auth,
    pub max_member_count: u32,
    pub user_status_notify: bool,
    pub resume: Option<Resume>,
}

impl Login {
    /// The login fields; `None` when the message is no login.
    pub fn from_msg(msg: ClientMsg) -> Option<Self> {
        match msg {
            ClientMsg::Login {
                req,
                version,
                app_id,
                room_id,
                user,
                auth,
                max_member_count,
                user_status_notify,
                resume,
            } => {
                Some(Login { req, version, app_id, room_id, user, auth, max_member_count, user_status_notify, resume })
            }
            _ => None,
        }
    }

    /// Checks everything; `challenge` is the one this connection's hello carried.
    pub fn authorize(&self, config: &ServerConfig, challenge: &str, now_unix: i64) -> Result<Grant, RequestError> {
        if self.version != PROTOCOL_VERSION {
            let text =
                format!("protocol version {} is not supported; this server speaks {PROTOCOL_VERSION}", self.version);
            return Err(RequestError::new(ec::ROOM_INNER_ERROR, text));
        }
        validate::room_id(&self.room_id).map_err(RequestError::from_code)?;
        validate::user_id(&self.user.user_id).map_err(RequestError::from_code)?;
        validate::user_name(&self.user.user_name).map_err(RequestError::from_code)?;
        let app = config.app(self.app_id).ok_or(RequestError::from_code(ec::APPID_INCORRECT))?;
        let user_id = &self.user.user_id;
        match &self.auth {
            Auth::AppSign { signature } => {
                let ok = auth::verify_app_sign_proof(
                    &app.app_sign,
                    challenge,
                    app.app_id,
                    &self.room_id,
                    user_id,
                    signature,
                );
                if !ok {
                    return Err(RequestError::from_code(ec::APPSIGN_INCORRECT));
                }
                Ok(Grant::everything())
            }
            Auth::Token { token } => token_grant(&app, token, user_id, &self.room_id, now_unix),
        }
    }
}

/// What a login (or a renewed token) allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Grant {
    pub can_publish: bool,
    /// Streams the token allows; `None` = any.
    pub stream_ids: Option<Vec<String>>,
    /// UNIX seconds at which the token expires; `None` for AppSign logins.
    pub token_expire: Option<i64>,
}

impl Grant {
    fn everything() -> Self {
        Grant { can_publish: true, stream_ids: None, token_expire: None }
    }

    /// 1003072 unless this grant may publish `stream_id`.
    pub fn check_publish(&self, stream_id: &str) -> Result<(), RequestError> {
        let listed = self.stream_ids.as_ref().is_none_or(|ids| ids.iter().any(|id| id == stream_id));
        if self.can_publish && listed {
            Ok(())
        } else {
            Err(RequestError::from_code(ec::PUBLISHER_DISPATCH_AUTH_ERROR))
        }
    }
}

/// Verifies a Token04 for this app, user and room. A privilege payload with
/// an empty `room_id` allows every room.
pub(super) fn token_grant(
    app: &AppConfig,
    token: &str,
    user_id: &str,
    room_id: &str,
    now_unix: i64,
) -> Result<Grant, RequestError> {
    if token.is_empty() {
        return Err(RequestError::from_code(ec::ROOM_NO_TOKEN));
    }
    let token_error = |e: token04::TokenError| RequestError::new(e.zego_code(), e.to_string());
    let verified = token04::verify(token, app.app_id, user_id, &app.server_secret, now_unix).map_err(token_error)?;
    let privilege = token04::parse_privilege(&verified.payload).map_err(token_error)?;
    let mut grant = Grant::everything();
    grant.token_expire = Some(verified.expire);
    if let Some(p) = privilege {
        if (!p.room_id.is_empty() && p.room_id != room_id) || !p.can_login {
            let text = "the token does not allow logging in to this room";
            return Err(RequestError::new(ec::ROOM_AUTHENTICATION_FAILED, text.into()));
        }
        grant.can_publish = p.can_publish;
        grant.stream_ids = p.stream_id_list;
    }
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::{DEV_APP_ID, DEV_APP_SIGN, DEV_SERVER_SECRET};

    const NOW: i64 = 1_700_000_000;

    fn login(auth: Auth) -> Login {
        Login {
            req: 1,
            version: PROTOCOL_VERSION,
            app_id: DEV_APP_ID,
            room_id: "room".into(),
            user: User { user_id: "alice".into(), user_name: String::new() },
            auth,
            max_member_count: 0,
            user_status_notify: false,
            resume: None,
        }
    }

    fn token(payload: &str, expire_in: i64) -> Auth {
        let token =
            token04::generate(DEV_APP_ID, "alice", DEV_SERVER_SECRET, expire_in, payload, token04::Mode::Gcm, NOW)
                .unwrap();
        Auth::Token { token }
    }

    fn code(l: &Login) -> i32 {
        l.authorize(&ServerConfig::dev_default(), "ch", NOW).unwrap_err().code
    }

    #[test]
    fn app_sign_proof_is_checked() {
        let config = ServerConfig::dev_default();
        let signature = auth::app_sign_proof(DEV_APP_SIGN, "ch", DEV_APP_ID, "room", "alice");
        let good = login(Auth::AppSign { signature });
        assert_eq!(good.authorize(&config, "ch", NOW).unwrap(), Grant::everything());
        assert_eq!(code(&login(Auth::AppSign { signature: "00".into() })), 1001005);
        let mut other_app = good;
        other_app.app_id = 1;
        assert_eq!(code(&other_app), 1001004);
    }

    #[test]
    fn ids_and_version_are_checked() {
        let mut l = login(token("", 100));
        l.room_id = "bad room".into();
        assert_eq!(code(&l), 1002012);
        let mut l = login(token("", 100));
        l.user.user_id = String::new();
        assert_eq!(code(&l), 1002005);
        let mut l = login(token("", 100));
        l.version = 99;
        assert_eq!(code(&l), 1002099);
    }

    #[test]
    fn token_privileges() {
        let config = ServerConfig::dev_default();
        let grant = login(token("", 100)).authorize(&config, "ch", NOW).unwrap();
        assert_eq!(grant.token_expire, Some(NOW + 100));
        assert_eq!(code(&login(Auth::Token { token: String::new() })), 1002067);
        let other_room = token04::privilege_payload("other", true, true, None);
        assert_eq!(code(&login(token(&other_room, 100))), 1002033);
        let no_login = token04::privilege_payload("room", false, true, None);
        assert_eq!(code(&login(token(&no_login, 100))), 1002033);
        let list = ["s1".to_owned()];
        let listed = token04::privilege_payload("room", true, true, Some(&list));
        let grant = login(token(&listed, 100)).authorize(&config, "ch", NOW).unwrap();
        assert!(grant.check_publish("s1").is_ok());
        assert_eq!(grant.check_publish("s2").unwrap_err().code, 1003072);
        let no_publish = token04::privilege_payload("room", true, false, None);
        let grant = login(token(&no_publish, 100)).authorize(&config, "ch", NOW).unwrap();
        assert_eq!(grant.check_publish("s1").unwrap_err().code, 1003072);
    }
}
