// A browser client of zego-server: the signaling protocol of docs/protocol.md
// over one WebSocket per room session, and WebRTC media to and from the SFU
// (non-trickle offers: every ICE candidate is in the SDP).
//
//   const room = new RoomClient({ server: "ws://127.0.0.1:9090", appId, roomId, userId, token });
//   room.addEventListener("stream_update", (e) => ...);   // every server event, by its "type"
//   const snapshot = await room.login();
//   await room.publish("alice-cam", await navigator.mediaDevices.getUserMedia({ audio: true, video: true }));
//   const media = await room.play("bob-cam");             // a MediaStream for a <video>
//   await room.logout();
//
// Events dispatched (CustomEvent, detail = the server message): user_update,
// stream_update, stream_state_update, stream_extra_info_update,
// room_extra_info_update, online_count, broadcast_message, barrage_message,
// custom_command, token_will_expire, kicked; plus "closed" (detail {code,
// reason, expected}) when the WebSocket ends, and "media_state" (detail
// {direction, streamId, state}) and "media_timing" (detail {direction,
// streamId, offerMs, answerMs}) for the media connections.

export const PROTOCOL_VERSION = 1;

/// How long a request may wait for its response.
const REQUEST_TIMEOUT_MS = 15000;
/// How long an offer waits for ICE gathering before it goes out with what it has.
const GATHER_TIMEOUT_MS = 2000;

/// A refused request: `code` is ZEGO's error code.
export class ZegoError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/// Puts H.264 with packetization-mode 1 first (constrained baseline first),
/// so the SFU, which relays H.264 only, gets the browser's preferred codec.
function preferH264(transceiver) {
  if (!transceiver.setCodecPreferences || !window.RTCRtpReceiver?.getCapabilities) return;
  const codecs = RTCRtpReceiver.getCapabilities("video")?.codecs ?? [];
  const rank = (c) => {
    const fmtp = c.sdpFmtpLine ?? "";
    if (c.mimeType.toLowerCase() !== "video/h264" || !/packetization-mode=1/.test(fmtp)) return 3;
    return /profile-level-id=42e0/i.test(fmtp) ? 0 : /profile-level-id=4200/i.test(fmtp) ? 1 : 2;
  };
  const sorted = [...codecs].sort((a, b) => rank(a) - rank(b));
  try {
    transceiver.setCodecPreferences(sorted);
  } catch (e) {
    console.warn("setCodecPreferences", e);
  }
}

/// Resolves when ICE gathering is complete, or after `ms`.
function gathered(pc, ms) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      pc.removeEventListener("icecandidate", last);
      resolve();
    };
    const check = () => pc.iceGatheringState === "complete" && done();
    const last = (e) => !e.candidate && done();
    const timer = setTimeout(done, ms);
    pc.addEventListener("icegatheringstatechange", check);
    pc.addEventListener("icecandidate", last);
  });
}

/// Calls `fn` every `ms` from a worker's timer, which browsers do not throttle
/// in background tabs as they do the page's own (heartbeats must keep going);
/// returns a function that stops it.
function ticker(ms, fn) {
  try {
    const url = URL.createObjectURL(new Blob([`setInterval(() => postMessage(0), ${ms});`], { type: "text/javascript" }));
    const worker = new Worker(url);
    worker.onmessage = fn;
    return () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    };
  } catch {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  }
}

/// Creates and applies an offer; returns its SDP once every candidate is in.
async function completeOffer(pc) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc, GATHER_TIMEOUT_MS);
  return pc.localDescription.sdp;
}

export class RoomClient extends EventTarget {
  /// server: "ws://host:port" (the page's own origin by default); token: a Token04.
  constructor({ server, appId, roomId, userId, userName, token }) {
    super();
    this.server = (server || `ws://${location.host}`).replace(/\/+$/, "");
    this.appId = Number(appId);
    this.roomId = roomId;
    this.userId = userId;
    this.userName = userName || userId;
    this.token = token;
    this.ws = null;
    this.sessionId = null;
    this.nextReq = 1;
    this.pending = new Map();
    this.heartbeat = null;
    this.heartbeatAcks = 0;
    this.loggingOut = false;
    /// streamId -> {pc, media, offer, answer}
    this.publishers = new Map();
    /// streamId -> {pc, media, cancelled, offer, answer}
    this.players = new Map();
  }

  get connected() {
    return this.ws?.readyState === WebSocket.OPEN && this.sessionId !== null;
  }

  /// Connects, waits for `hello`, logs in; resolves to the room snapshot
  /// ({users, streams, online_count, ...}) or rejects with a ZegoError.
  async login() {
    const ws = new WebSocket(`${this.server}/ws`);
    this.ws = ws;
    const hello = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no hello from the server")), REQUEST_TIMEOUT_MS);
      ws.onmessage = (e) => {
        clearTimeout(timer);
        const msg = JSON.parse(e.data);
        msg.type === "hello" ? resolve(msg) : reject(new Error(`expected hello, got ${msg.type}`));
      };
      ws.onerror = () => reject(new Error(`cannot connect to ${this.server}/ws`));
      ws.onclose = (e) => reject(new Error(`connection closed (${e.code}) before hello`));
    });
    ws.onmessage = (e) => this.onFrame(e.data);
    ws.onerror = null;
    ws.onclose = (e) => this.onClose(e);
    if (hello.version !== PROTOCOL_VERSION) throw new Error(`server speaks protocol ${hello.version}`);
    const snapshot = await this.request({
      type: "login",
      version: PROTOCOL_VERSION,
      app_id: this.appId,
      room_id: this.roomId,
      user: { user_id: this.userId, user_name: this.userName },
      auth: { mode: "token", token: this.token },
      max_member_count: 0,
      user_status_notify: true,
      resume: null,
    });
    this.sessionId = snapshot.session_id;
    this.heartbeat = ticker(hello.heartbeat_interval_ms, () => this.send({ type: "heartbeat", req: this.nextReq++ }));
    return snapshot;
  }

  send(msg) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /// Sends a request and resolves to its response's `data` (or null).
  request(msg) {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      if (this.ws?.readyState !== WebSocket.OPEN) {
        reject(new Error("not connected"));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(req);
        reject(new Error(`${msg.type}: no response in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(req, { resolve, reject, timer, type: msg.type });
      this.ws.send(JSON.stringify({ ...msg, req }));
    });
  }

  onFrame(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === "response") {
      const waiter = this.pending.get(msg.req);
      if (!waiter) return;
      this.pending.delete(msg.req);
      clearTimeout(waiter.timer);
      if (msg.code === 0) waiter.resolve(msg.data ?? null);
      else waiter.reject(new ZegoError(msg.code, msg.message || waiter.type));
      return;
    }
    if (msg.type === "heartbeat_ack") {
      this.heartbeatAcks++;
      return;
    }
    if (msg.type === "stream_update" && msg.update_type === "delete") {
      // Media ends on the signaling event (the SFU's DTLS close is not an event in browsers).
      for (const s of msg.streams) this.closePlayer(s.stream_id);
    }
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
  }

  onClose(e) {
    this.heartbeat?.();
    this.heartbeat = null;
    for (const [, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("connection closed"));
    }
    this.pending.clear();
    this.closeAllMedia();
    const expected = this.loggingOut;
    this.sessionId = null;
    this.dispatchEvent(new CustomEvent("closed", { detail: { code: e.code, reason: e.reason, expected } }));
  }

  /// Leaves the room: the others see this user and its streams go at once.
  async logout() {
    this.loggingOut = true;
    try {
      if (this.connected) await this.request({ type: "logout" });
    } catch (e) {
      console.warn("logout", e);
    } finally {
      this.closeAllMedia();
      this.ws?.close(1000);
    }
  }

  mediaState(direction, streamId, state) {
    this.dispatchEvent(new CustomEvent("media_state", { detail: { direction, streamId, state } }));
  }

  /// Reports how long the offer (ICE gathering) and the SFU's answer took.
  timing(direction, streamId, started, offered) {
    const offerMs = Math.round(offered - started);
    const answerMs = Math.round(performance.now() - offered);
    this.dispatchEvent(new CustomEvent("media_timing", { detail: { direction, streamId, offerMs, answerMs } }));
  }

  watch(pc, direction, streamId) {
    pc.addEventListener("connectionstatechange", () => this.mediaState(direction, streamId, pc.connectionState));
  }

  /// Publishes `media` (a MediaStream with an audio and/or a video track) as `streamId`.
  async publish(streamId, media, extraInfo = "") {
    await this.request({ type: "publish", stream_id: streamId, extra_info: extraInfo });
    this.closePublisher(streamId);
    const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
    this.publishers.set(streamId, { pc, media });
    this.watch(pc, "publish", streamId);
    for (const track of media.getTracks()) {
      const transceiver = pc.addTransceiver(track, { direction: "sendonly", streams: [media] });
      if (track.kind === "video") preferH264(transceiver);
    }
    try {
      const started = performance.now();
      const sdp = await completeOffer(pc);
      const offered = performance.now();
      const answer = await this.request({ type: "publish_media", stream_id: streamId, sdp });
      if (this.publishers.get(streamId)?.pc !== pc) throw new Error("publishing stopped");
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      Object.assign(this.publishers.get(streamId), { offer: sdp, answer: answer.sdp });
      this.timing("publish", streamId, started, offered);
    } catch (e) {
      if (this.publishers.get(streamId)?.pc === pc) this.closePublisher(streamId);
      throw e;
    }
    return pc;
  }

  async unpublish(streamId) {
    this.closePublisher(streamId);
    if (this.connected) await this.request({ type: "unpublish", stream_id: streamId });
  }

  closePublisher(streamId) {
    const p = this.publishers.get(streamId);
    if (!p) return;
    this.publishers.delete(streamId);
    p.pc.close();
    this.mediaState("publish", streamId, "closed");
  }

  /// Plays a stream of the app; resolves to {pc, media} where `media` is a
  /// MediaStream with the stream's audio and video tracks.
  async play(streamId) {
    this.closePlayer(streamId);
    const entry = { pc: null, media: new MediaStream(), cancelled: false };
    this.players.set(streamId, entry);
    try {
      await this.request({ type: "play", stream_id: streamId });
      if (entry.cancelled) throw new Error("playing stopped");
      const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
      entry.pc = pc;
      this.watch(pc, "play", streamId);
      for (const kind of ["audio", "video"]) {
        const transceiver = pc.addTransceiver(kind, { direction: "recvonly" });
        if (kind === "video") preferH264(transceiver);
        entry.media.addTrack(transceiver.receiver.track);
      }
      const started = performance.now();
      const sdp = await completeOffer(pc);
      const offered = performance.now();
      if (entry.cancelled) throw new Error("playing stopped");
      const answer = await this.request({ type: "play_media", stream_id: streamId, sdp });
      if (entry.cancelled) throw new Error("playing stopped");
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      Object.assign(entry, { offer: sdp, answer: answer.sdp });
      this.timing("play", streamId, started, offered);
      return entry;
    } catch (e) {
      if (this.players.get(streamId) === entry) this.closePlayer(streamId);
      throw e;
    }
  }

  async stopPlay(streamId) {
    this.closePlayer(streamId);
    if (this.connected) await this.request({ type: "stop_play", stream_id: streamId });
  }

  closePlayer(streamId) {
    const p = this.players.get(streamId);
    if (!p) return;
    this.players.delete(streamId);
    p.cancelled = true;
    p.pc?.close();
    this.mediaState("play", streamId, "closed");
  }

  closeAllMedia() {
    for (const id of [...this.publishers.keys()]) this.closePublisher(id);
    for (const id of [...this.players.keys()]) this.closePlayer(id);
  }

  /// Renews the login token (call on token_will_expire).
  renewToken(token) {
    this.token = token;
    return this.request({ type: "renew_token", token });
  }
}

/// Per-connection figures from getStats, as rates over the time since the
/// previous call with the same `previous` object: {width, height, fps, kbps,
/// rttMs, lossPct, framesDecoded, framesSent, codec, audioLevel, availableKbps}.
export async function mediaStats(pc, previous = {}) {
  const report = await pc.getStats();
  const out = { width: 0, height: 0, fps: 0, kbps: 0, rttMs: null, lossPct: 0 };
  let bytes = 0;
  let packets = 0;
  let lost = 0;
  let pairId = null;
  const codecs = new Map();
  let videoCodecId = null;
  report.forEach((s) => {
    if (s.type === "codec") codecs.set(s.id, s);
    if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    if (s.type === "inbound-rtp") {
      bytes += s.bytesReceived ?? 0;
      packets += s.packetsReceived ?? 0;
      lost += Math.max(0, s.packetsLost ?? 0);
      if (s.kind === "video") {
        out.width = s.frameWidth ?? 0;
        out.height = s.frameHeight ?? 0;
        out.fps = s.framesPerSecond ?? 0;
        out.framesDecoded = s.framesDecoded ?? 0;
        out.framesReceived = s.framesReceived ?? 0;
        out.framesDropped = s.framesDropped ?? 0;
        out.keyFramesDecoded = s.keyFramesDecoded ?? 0;
        out.nacks = s.nackCount ?? 0;
        out.plis = s.pliCount ?? 0;
        out.jitterBufferMs =
          s.jitterBufferEmittedCount > 0 ? (1000 * s.jitterBufferDelay) / s.jitterBufferEmittedCount : null;
        videoCodecId = s.codecId;
      } else if (s.kind === "audio") {
        out.audioLevel = s.audioLevel ?? 0;
        out.audioEnergy = s.totalAudioEnergy ?? 0;
      }
    }
    if (s.type === "outbound-rtp") {
      bytes += s.bytesSent ?? 0;
      packets += s.packetsSent ?? 0;
      if (s.kind === "video") {
        out.width = s.frameWidth ?? 0;
        out.height = s.frameHeight ?? 0;
        out.fps = s.framesPerSecond ?? 0;
        out.framesSent = s.framesSent ?? 0;
        out.framesEncoded = s.framesEncoded ?? 0;
        out.limitation = s.qualityLimitationReason;
        videoCodecId = s.codecId;
      }
    }
    if (s.type === "remote-inbound-rtp") {
      lost += Math.max(0, s.packetsLost ?? 0);
      if (s.roundTripTime !== undefined) out.rttMs = 1000 * s.roundTripTime;
    }
  });
  const pair = pairId && report.get(pairId);
  if (pair?.currentRoundTripTime !== undefined) out.rttMs = 1000 * pair.currentRoundTripTime;
  // The sender's bandwidth estimate (fed by the SFU's transport-cc feedback).
  if (pair?.availableOutgoingBitrate !== undefined) out.availableKbps = pair.availableOutgoingBitrate / 1000;
  const codec = videoCodecId && codecs.get(videoCodecId);
  if (codec) out.codec = codec.mimeType.replace(/^video\//, "");
  const now = performance.now();
  if (previous.at !== undefined && now > previous.at) {
    out.kbps = (8 * (bytes - previous.bytes)) / (now - previous.at);
    const dPackets = packets - previous.packets;
    const dLost = lost - previous.lost;
    out.lossPct = dPackets + dLost > 0 ? (100 * Math.max(0, dLost)) / (dPackets + dLost) : 0;
  }
  Object.assign(previous, { at: now, bytes, packets, lost });
  return out;
}
