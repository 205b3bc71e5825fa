//! What a connection does with each client message.

use tracing::Instrument;

use crate::error_code as ec;
use crate::protocol::{ClientMsg, ResponseData, ServerMsg};
use crate::validate;

use super::login::{token_grant, Login};
use super::{close, response, unix_now, unix_now_ms, Connection, End, RequestError, Session};
use crate::server::hub::Entry;
use crate::server::registry::Registry;
use crate::server::sfu::{SfuError, StreamKey};

type Answer = Result<Option<ResponseData>, RequestError>;

/// A refused `publish_media`.
fn publish_media_error(e: SfuError) -> RequestError {
    let code = match e {
        SfuError::Negotiation(_) => ec::PUBLISHER_PUBLISH_STREAM_FAILED,
        SfuError::Superseded => ec::PUBLISHER_ERROR_SERVER_FORBID,
        _ => ec::PUBLISHER_INNER_ERROR,
    };
    RequestError::new(code, e.to_string())
}

/// A refused `play_media`.
fn play_media_error(e: SfuError) -> RequestError {
    let code = match e {
        SfuError::Negotiation(_) => ec::PLAYER_PLAY_STREAM_FAILED,
        SfuError::Superseded => ec::PLAYER_PLAY_STREAM_NOT_EXIST,
        _ => ec::PLAYER_INNER_ERROR,
    };
    RequestError::new(code, e.to_string())
}

/// 1009001 empty, 1009002 longer than `max` bytes.
fn check_message(text: &str, max: usize) -> Result<(), RequestError> {
    if text.is_empty() {
        Err(RequestError::from_code(ec::IM_CONTENT_NULL))
    } else if text.len() > max {
        Err(RequestError::from_code(ec::IM_CONTENT_TOO_LONG))
    } else {
        Ok(())
    }
}

/// 1009011 no target, 1009012 a target id of 64 bytes or more.
fn check_targets(user_ids: &[String]) -> Result<(), RequestError> {
    if user_ids.is_empty() {
        return Err(RequestError::from_code(ec::IM_USER_ID_EMPTY));
    }
    if user_ids.iter().any(|id| id.len() >= validate::MAX_USER_ID_LEN) {
        return Err(RequestError::from_code(ec::IM_USER_ID_TOO_LONG));
    }
    Ok(())
}

fn check_stream(stream_id: &str, extra_info: &str) -> Result<(), RequestError> {
    validate::stream_id(stream_id).map_err(RequestError::from_code)?;
    validate::stream_extra_info(extra_info).map_err(RequestError::from_code)
}

impl Connection {
    /// Handles one text frame; `Some` ends the connection.
    pub(super) fn on_text(&mut self, text: &str) -> Option<End> {
        let msg = match ClientMsg::decode(text) {
            Ok(msg) => msg,
            Err(e) => return self.on_malformed(text, &e),
        };
        if self.session.is_some() {
            return self.on_request(msg);
        }
        match Login::from_msg(msg) {
            Some(login) => self.on_login(login),
            None => {
                tracing::info!("first message is not a login");
                self.outbox.close(close::POLICY, "expected login");
                Some(End::Closed)
            }
        }
    }

    /// Before login a bad frame ends the connection; after it, a frame with a
    /// `req` gets 1000017 and anything else is ignored.
    fn on_malformed(&mut self, text: &str, error: &crate::protocol::DecodeError) -> Option<End> {
        tracing::debug!("malformed frame: {error}");
        if self.session.is_none() {
            self.outbox.close(close::POLICY, "malformed frame");
            return Some(End::Closed);
        }
        let req = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("req").and_then(serde_json::Value::as_u64));
        if let Some(req) = req {
            let error = RequestError::new(ec::ILLEGAL_PARAM, format!("malformed request: {error}"));
            self.respond(req, Err(error));
        }
        None
    }

    fn on_login(&mut self, login: Login) -> Option<End> {
        let result = login.authorize(self.hub.config(), &self.challenge, unix_now());
        let entered = result.and_then(|grant| {
            let mut resume = login.resume.clone();
            if let Some(resume) = resume.as_mut() {
                resume.streams.retain(|s| {
                    check_stream(&s.stream_id, &s.extra_info).is_ok() && grant.check_publish(&s.stream_id).is_ok()
                });
            }
            let entry = Entry {
                req: login.req,
                app_id: login.app_id,
                room_id: login.room_id.clone(),
                user: login.user.clone(),
                max_member_count: login.max_member_count,
                user_status_notify: login.user_status_notify,
                resume,
                token_expire: grant.token_expire.and_then(|t| u64::try_from(t).ok()),
            };
            let id = self.hub.enter(entry, &self.outbox)?;
            Ok((id, grant))
        });
        match entered {
            Ok((id, grant)) => {
                self.span.record("room", login.room_id.as_str());
                self.span.record("user", login.user.user_id.as_str());
                tracing::info!(session = %id, "logged in");
                self.session = Some(Session {
                    id,
                    app_id: login.app_id,
                    room_id: login.room_id,
                    user_id: login.user.user_id,
                    grant,
                    warned: false,
                });
                None
            }
            Err(e) => {
                tracing::info!(code = e.code, "login refused: {}", e.message);
                self.respond(login.req, Err(e));
                self.outbox.close(close::NORMAL, "login refused");
                Some(End::Closed)
            }
        }
    }

    /// Runs a registry change for this connection's session.
    fn act<T>(
        &self,
        change: impl FnOnce(&mut dyn Registry, super::SessionId) -> crate::server::registry::Changed<T>,
    ) -> Result<T, RequestError> {
        let session = self.session.as_ref().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM))?;
        let id = session.id;
        Ok(self.hub.act(id, self.conn, |registry| change(registry, id))?)
    }

    fn on_request(&mut self, msg: ClientMsg) -> Option<End> {
        let req = msg.req();
        let max_message = self.hub.config().limits.max_message_bytes;
        let answer: Answer = match msg {
            ClientMsg::Login { .. } => Err(RequestError::from_code(ec::ROOM_COUNT_EXCEED)),
            ClientMsg::Logout { .. } => return Some(self.logout(req)),
            ClientMsg::Heartbeat { req } => {
                self.outbox.send(&ServerMsg::HeartbeatAck { req });
                return None;
            }
            ClientMsg::Publish { stream_id, extra_info, .. } => self.publish(&stream_id, &extra_info),
            ClientMsg::Unpublish { stream_id, .. } => self.unpublish(&stream_id),
            ClientMsg::Play { stream_id, .. } => self
                .act(|r, s| Ok((r.find_stream(s, &stream_id)?, Vec::new())))
                .map(|stream| Some(ResponseData::Play { stream })),
            ClientMsg::StopPlay { stream_id, .. } => {
                if let Some(session) = &self.session {
                    self.hub.sfu().stop_play(session.id, &StreamKey::new(session.app_id, &stream_id));
                }
                Ok(None)
            }
            ClientMsg::PublishMedia { req, stream_id, sdp } => {
                self.publish_media(req, stream_id, sdp);
                return None;
            }
            ClientMsg::PlayMedia { req, stream_id, sdp } => {
                self.play_media(req, stream_id, sdp);
                return None;
            }
            ClientMsg::SetStreamExtraInfo { stream_id, extra_info, .. } => validate::stream_extra_info(&extra_info)
                .map_err(RequestError::from_code)
                .and_then(|()| self.act(|r, s| r.set_stream_extra_info(s, &stream_id, &extra_info)).map(|()| None)),
            ClientMsg::SetStreamState { stream_id, camera, microphone, .. } => {
                self.act(|r, s| r.set_stream_state(s, &stream_id, camera, microphone)).map(|()| None)
            }
            ClientMsg::SetRoomExtraInfo { key, value, .. } => {
                self.act(|r, s| r.set_room_extra_info(s, &key, &value, unix_now_ms())).map(|()| None)
            }
            ClientMsg::Broadcast { message, .. } => check_message(&message, max_message).and_then(|()| {
                let message_id = self.act(|r, s| r.broadcast(s, &message, unix_now_ms()))?;
                Ok(Some(ResponseData::Broadcast { message_id }))
            }),
            ClientMsg::Barrage { message, .. } => check_message(&message, max_message).and_then(|()| {
                let message_id = self.act(|r, s| r.barrage(s, &message, unix_now_ms()))?;
                Ok(Some(ResponseData::Barrage { message_id }))
            }),
            ClientMsg::CustomCommand { command, to_user_ids, .. } => check_message(&command, max_message)
                .and_then(|()| check_targets(&to_user_ids))
                .and_then(|()| self.act(|r, s| r.custom_command(s, &command, &to_user_ids)).map(|()| None)),
            ClientMsg::RenewToken { token, .. } => self.renew_token(&token),
        };
        self.respond(req, answer);
        None
    }

    fn publish(&self, stream_id: &str, extra_info: &str) -> Answer {
        check_stream(stream_id, extra_info)?;
        let session = self.session.as_ref().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM))?;
        session.grant.check_publish(stream_id)?;
        self.act(|r, s| r.publish(s, stream_id, extra_info))?;
        Ok(None)
    }

    /// Removes the stream from the room and, when this session published
    /// it, closes its media.
    fn unpublish(&self, stream_id: &str) -> Answer {
        let session = self.session.as_ref().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM))?;
        let app_id = session.app_id;
        let ended = self.act(|r, s| {
            let owned = r.stream_owner(app_id, stream_id) == Some(s);
            r.unpublish(s, stream_id).map(|((), notices)| (owned, notices))
        })?;
        if ended {
            self.hub.sfu().end_stream(&StreamKey::new(app_id, stream_id));
        }
        Ok(None)
    }

    /// Answers a publisher's WebRTC offer from the SFU. The negotiation runs
    /// as its own task (tens of ms), so this connection goes on reading; its
    /// response may follow responses to later requests.
    fn publish_media(&self, req: u64, stream_id: String, sdp: String) {
        let checked = self.session.as_ref().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM)).and_then(|session| {
            validate::stream_id(&stream_id).map_err(RequestError::from_code)?;
            if self.hub.stream_owner(session.app_id, &stream_id) != Some(session.id) {
                let text = format!("stream {stream_id} is not published by this session");
                return Err(RequestError::new(ec::PUBLISHER_ERROR_SERVER_FORBID, text));
            }
            Ok((session.id, session.app_id))
        });
        let (session, app_id) = match checked {
            Ok(ids) => ids,
            Err(e) => return self.respond(req, Err(e)),
        };
        let (hub, outbox) = (self.hub.clone(), self.outbox.clone());
        let negotiate = async move {
            let key = StreamKey::new(app_id, &stream_id);
            let still_publishing = || hub.stream_owner(app_id, &stream_id) == Some(session);
            let result = hub.sfu().publish(key, session, &sdp, still_publishing).await;
            if let Err(e) = &result {
                tracing::info!(stream = %stream_id, "publish_media refused: {e}");
            }
            let answer = result.map(|sdp| Some(ResponseData::MediaAnswer { sdp })).map_err(publish_media_error);
            outbox.send(&response(req, answer));
        };
        self.hub.spawn(negotiate.instrument(self.span.clone()));
    }

    /// Answers a player's WebRTC offer from the SFU, as [`Connection::publish_media`].
    fn play_media(&self, req: u64, stream_id: String, sdp: String) {
        let checked = self.session.as_ref().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM)).and_then(|session| {
            validate::stream_id(&stream_id).map_err(RequestError::from_code)?;
            let not_found = || RequestError::from_code(ec::PLAYER_PLAY_STREAM_NOT_EXIST);
            let publisher = self.hub.stream_owner(session.app_id, &stream_id).ok_or_else(not_found)?;
            Ok((session.id, session.app_id, publisher))
        });
        let (session, app_id, publisher) = match checked {
            Ok(ids) => ids,
            Err(e) => return self.respond(req, Err(e)),
        };
        let (hub, outbox) = (self.hub.clone(), self.outbox.clone());
        let negotiate = async move {
            let key = StreamKey::new(app_id, &stream_id);
            let still_valid = || hub.stream_owner(app_id, &stream_id) == Some(publisher) && hub.is_member(session);
            let result = hub.sfu().play(key, publisher, session, &sdp, still_valid).await;
            if let Err(e) = &result {
                tracing::info!(stream = %stream_id, "play_media refused: {e}");
            }
            let answer = result.map(|sdp| Some(ResponseData::MediaAnswer { sdp })).map_err(play_media_error);
            outbox.send(&response(req, answer));
        };
        self.hub.spawn(negotiate.instrument(self.span.clone()));
    }

    fn logout(&mut self, req: u64) -> End {
        if let Some(session) = &self.session {
            self.hub.leave(session.id, self.conn);
            tracing::info!("logged out");
        }
        self.respond(req, Ok(None));
        self.outbox.close(close::NORMAL, "logged out");
        End::Closed
    }

    /// Verifies a new token for the same app, user and room and adopts its expiry and privileges.
    fn renew_token(&mut self, token: &str) -> Answer {
        let session = self.session.as_mut().ok_or(RequestError::from_code(ec::NOT_LOGIN_ROOM))?;
        let app = self.hub.config().app(session.app_id).ok_or(RequestError::from_code(ec::APPID_INCORRECT))?;
        session.grant = token_grant(&app, token, &session.user_id, &session.room_id, unix_now())?;
        session.warned = false;
        tracing::info!("token renewed");
        Ok(None)
    }
}
