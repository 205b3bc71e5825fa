// The web call page: join a room of zego-server with a Token04, publish the
// camera and microphone, play every stream of the room as a tile, and show a
// live event log and per-stream statistics.
//
// URL parameters prefill the form: ?server=ws://host:port&app_id=..&room=..&user=..&token=..&stream=..
// and &join=1 (join at once; in dev mode with a development token when no token
// is given) and &publish=1 (publish right after joining).
//
// window.zegoApp is a small scripting interface (used by tests/browser.rs).

import { RoomClient, mediaStats } from "./zego.js";
import { readStamp, sampleStamps, stampAgeMs } from "./stamp.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const PLAYER_STATE = ["no play", "play requesting", "playing"];
const PUBLISHER_STATE = ["no publish", "publish requesting", "publishing"];
const DEVICE_STATE = { 0: "open", 9: "disabled", 10: "muted" };
const STATS_INTERVAL_MS = 1000;
const LOG_LIMIT = 300;

const app = {
  config: { dev_mode: false },
  room: null,
  roomState: "logged-out",
  /// userId -> user (the others and me)
  users: new Map(),
  /// streamId -> stream, as the room lists them (mine included)
  streams: new Map(),
  /// streamId -> tile
  tiles: new Map(),
  /// {streamId, media} while publishing
  local: null,
  /// "user|room" of the development token in the form, if it is one
  devTokenFor: null,
  log: [],
};

// ---- event log ------------------------------------------------------------

function log(kind, text) {
  const t = new Date();
  const entry = { t: t.getTime(), kind, text };
  app.log.push(entry);
  if (app.log.length > 5 * LOG_LIMIT) app.log.splice(0, app.log.length - LOG_LIMIT);
  const li = document.createElement("li");
  li.className = `log-${kind}`;
  const time = document.createElement("time");
  time.textContent = t.toTimeString().slice(0, 8) + "." + String(t.getMilliseconds()).padStart(3, "0");
  const tag = document.createElement("span");
  tag.className = "kind";
  tag.textContent = kind;
  li.append(time, tag, document.createTextNode(text));
  const list = $("log");
  list.prepend(li);
  while (list.childElementCount > LOG_LIMIT) list.lastElementChild.remove();
  console.log(`[${kind}] ${text}`);
}

// ---- room state, users, streams ---------------------------------------------

function setRoomState(state, text) {
  app.roomState = state;
  const badge = $("room-state");
  badge.dataset.state = state;
  badge.textContent = text;
  const inRoom = state === "logged-in";
  const busy = state === "logging-in";
  for (const id of ["server", "app-id", "room-id", "user-id", "token", "join", "dev-token"]) {
    $(id).disabled = inRoom || busy;
  }
  $("leave").disabled = !(inRoom || busy);
  $("publish").disabled = !inRoom || app.local !== null;
  $("unpublish").disabled = !inRoom || app.local === null;
  $("online-count").hidden = !inRoom;
}

function renderLists() {
  const users = $("users");
  users.replaceChildren(
    ...[...app.users.values()].map((u) => {
      const li = document.createElement("li");
      li.textContent = u.user_id;
      if (u.user_id === app.room?.userId) li.append(tag("you"));
      return li;
    }),
  );
  const streams = $("streams");
  streams.replaceChildren(
    ...[...app.streams.values()].map((s) => {
      const li = document.createElement("li");
      li.textContent = `${s.stream_id} `;
      const by = document.createElement("small");
      by.textContent = `by ${s.user.user_id}`;
      li.append(by);
      return li;
    }),
  );
  $("no-tiles").hidden = app.tiles.size > 0;
}

function tag(text) {
  const span = document.createElement("span");
  span.className = "tag";
  span.textContent = text;
  return span;
}

function addUsers(users) {
  for (const u of users) app.users.set(u.user_id, u);
  renderLists();
}

function removeUsers(users) {
  for (const u of users) app.users.delete(u.user_id);
  renderLists();
}

function addStreams(streams) {
  for (const s of streams) {
    app.streams.set(s.stream_id, s);
    if (s.user.user_id !== app.room.userId && !app.tiles.has(s.stream_id)) startPlaying(s);
  }
  renderLists();
}

function removeStreams(streams) {
  for (const s of streams) {
    app.streams.delete(s.stream_id);
    const tile = app.tiles.get(s.stream_id);
    if (tile && !tile.local) removeTile(tile);
  }
  renderLists();
}

// ---- tiles ----------------------------------------------------------------

function createTile(streamId, userId, local) {
  const el = document.createElement("figure");
  el.className = local ? "tile local" : "tile";
  el.dataset.streamId = streamId;
  el.dataset.userId = userId;
  const video = document.createElement("video");
  video.autoplay = true;
  video.playsInline = true;
  video.muted = local;
  const caption = document.createElement("figcaption");
  const who = document.createElement("b");
  who.textContent = userId;
  caption.append(who, document.createTextNode(` · ${streamId}`));
  if (local) caption.append(tag("you"));
  const state = document.createElement("span");
  state.className = "state";
  caption.append(state);
  const stats = document.createElement("div");
  stats.className = "stats";
  el.append(video, caption, stats);
  el.addEventListener("click", () => {
    video.muted = local;
    video.play().catch(() => {});
  });
  $("tiles").append(el);
  const tile = { streamId, userId, local, el, video, stateEl: state, statsEl: stats, pc: null, prev: {}, stats: null };
  tile.setState = (text) => (state.textContent = text);
  app.tiles.set(streamId, tile);
  renderLists();
  return tile;
}

function removeTile(tile) {
  tile.removed = true;
  tile.video.srcObject = null;
  tile.el.remove();
  app.tiles.delete(tile.streamId);
  renderLists();
}

function whenFirstFrame(tile, startedAt, what) {
  const done = () => {
    if (tile.firstFrameMs !== undefined || tile.removed) return;
    tile.firstFrameMs = Math.round(performance.now() - startedAt);
    log("media", `${what} ${tile.streamId}: first frame ${tile.video.videoWidth}x${tile.video.videoHeight} after ${tile.firstFrameMs} ms`);
  };
  if (tile.video.requestVideoFrameCallback) tile.video.requestVideoFrameCallback(done);
  else tile.video.addEventListener("loadeddata", done, { once: true });
}

async function startPlaying(stream) {
  const room = app.room;
  const tile = createTile(stream.stream_id, stream.user.user_id, false);
  tile.setState(PLAYER_STATE[1]);
  log("player", `${stream.stream_id}: ${PLAYER_STATE[1]}`);
  const startedAt = performance.now();
  try {
    const { pc, media } = await room.play(stream.stream_id);
    if (tile.removed || room !== app.room) return;
    tile.pc = pc;
    tile.video.srcObject = media;
    whenFirstFrame(tile, startedAt, "player");
    tile.video.play().catch(() => {
      // No user gesture yet (e.g. joined from the URL): play muted until a click.
      tile.video.muted = true;
      tile.video.play().catch(() => {});
      log("warn", `${stream.stream_id}: the browser refused sound without a click; muted, click the tile to unmute`);
    });
    tile.setState(PLAYER_STATE[2]);
    log("player", `${stream.stream_id}: ${PLAYER_STATE[2]}`);
  } catch (e) {
    if (tile.removed || room !== app.room) return;
    tile.setState(`failed: ${e.message}`);
    log("error", `play ${stream.stream_id}: ${e.message}`);
  }
}

// ---- publishing -----------------------------------------------------------

function defaultStreamId(userId) {
  return `${userId.replace(/[^0-9A-Za-z_-]/g, "_")}-web`;
}

async function publish() {
  const room = app.room;
  if (!room?.connected || app.local) return;
  const streamId = $("stream-id").value.trim() || defaultStreamId(room.userId);
  $("publish").disabled = true;
  log("publisher", `${streamId}: ${PUBLISHER_STATE[1]}`);
  let media = null;
  let tile = null;
  try {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error("no camera access here: open the page on http://localhost or https (a secure context)");
    }
    media = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } },
    });
    app.local = { streamId, media };
    tile = createTile(streamId, room.userId, true);
    tile.video.srcObject = media;
    tile.setState(PUBLISHER_STATE[1]);
    const startedAt = performance.now();
    tile.pc = await room.publish(streamId, media);
    tile.setState(PUBLISHER_STATE[2]);
    whenFirstFrame(tile, startedAt, "preview");
    app.streams.set(streamId, { user: { user_id: room.userId, user_name: room.userName }, stream_id: streamId, extra_info: "" });
    renderLists();
    log("publisher", `${streamId}: ${PUBLISHER_STATE[2]} (${media.getTracks().map((t) => t.kind).join(" + ")})`);
  } catch (e) {
    log("error", `publish ${streamId}: ${e.message}`);
    media?.getTracks().forEach((t) => t.stop());
    if (tile) removeTile(tile);
    app.local = null;
  }
  setRoomState(app.roomState, $("room-state").textContent);
}

async function unpublish() {
  const local = app.local;
  if (!local) return;
  app.local = null;
  local.media.getTracks().forEach((t) => t.stop());
  const tile = app.tiles.get(local.streamId);
  if (tile) removeTile(tile);
  app.streams.delete(local.streamId);
  renderLists();
  try {
    await app.room?.unpublish(local.streamId);
    log("publisher", `${local.streamId}: ${PUBLISHER_STATE[0]}`);
  } catch (e) {
    log("error", `unpublish ${local.streamId}: ${e.message}`);
  }
  setRoomState(app.roomState, $("room-state").textContent);
}

// ---- joining and leaving --------------------------------------------------

async function fetchDevToken(userId, roomId) {
  const q = new URLSearchParams({ user_id: userId, room_id: roomId });
  const res = await fetch(`/api/dev-token?${q}`);
  if (!res.ok) throw new Error(`development token: HTTP ${res.status} ${await res.text()}`);
  const body = await res.json();
  $("token").value = body.token;
  $("app-id").value = body.app_id;
  app.devTokenFor = `${userId}|${roomId}`;
  log("auth", `development token for ${userId} in ${roomId}, valid until ${new Date(body.expire * 1000).toLocaleTimeString()}`);
  return body.token;
}

function formValues() {
  return {
    server: $("server").value.trim(),
    appId: $("app-id").value.trim(),
    roomId: $("room-id").value.trim(),
    userId: $("user-id").value.trim(),
    token: $("token").value.trim(),
  };
}

async function join() {
  if (app.room) return;
  const f = formValues();
  if (!f.roomId || !f.userId || !/^[0-9]+$/.test(f.appId)) {
    log("error", "AppID (a number), RoomID and UserID are needed");
    return;
  }
  setRoomState("logging-in", "logging in…");
  try {
    const devTokenStale = app.devTokenFor !== null && app.devTokenFor !== `${f.userId}|${f.roomId}`;
    if (app.config.dev_mode && (!f.token || devTokenStale)) f.token = await fetchDevToken(f.userId, f.roomId);
    if (!f.token) throw new Error("a token is needed (this server is not in dev mode)");
    const room = new RoomClient({ ...f, userName: f.userId });
    app.room = room;
    listen(room);
    log("room", `logging in to ${f.roomId} as ${f.userId} at ${room.server}/ws`);
    const snapshot = await room.login();
    if (app.room !== room) return;
    app.users.set(room.userId, { user_id: room.userId, user_name: room.userName });
    addUsers(snapshot.users);
    $("online-count").textContent = `${snapshot.online_count} online`;
    setRoomState("logged-in", `in room ${f.roomId}`);
    log("room", `logged in: ${snapshot.users.length} other user(s), ${snapshot.streams.length} stream(s), session ${snapshot.session_id}`);
    if (!$("stream-id").value) $("stream-id").value = defaultStreamId(room.userId);
    addStreams(snapshot.streams);
  } catch (e) {
    log("error", `login: ${e.message}`);
    const room = app.room;
    teardown();
    room?.logout();
    setRoomState("failed", `login failed${e.code ? ` (${e.code})` : ""}`);
  }
}

function listen(room) {
  const on = (type, handler) =>
    room.addEventListener(type, (e) => {
      if (app.room === room) handler(e.detail);
    });
  on("user_update", (m) => {
    const ids = m.users.map((u) => u.user_id).join(", ");
    log("user", `${m.update_type === "add" ? "joined" : "left"}: ${ids}`);
    (m.update_type === "add" ? addUsers : removeUsers)(m.users);
  });
  on("stream_update", (m) => {
    for (const s of m.streams) log("stream", `${m.update_type === "add" ? "added" : "deleted"}: ${s.stream_id} by ${s.user.user_id}`);
    (m.update_type === "add" ? addStreams : removeStreams)(m.streams);
  });
  on("online_count", (m) => ($("online-count").textContent = `${m.count} online`));
  on("stream_state_update", (m) => {
    const s = m.stream;
    log("stream", `${s.stream_id}: camera ${DEVICE_STATE[s.camera] ?? s.camera}, microphone ${DEVICE_STATE[s.microphone] ?? s.microphone}`);
  });
  on("stream_extra_info_update", (m) => m.streams.forEach((s) => log("stream", `${s.stream_id}: extra info "${s.extra_info}"`)));
  on("room_extra_info_update", (m) => m.infos.forEach((i) => log("room", `extra info ${i.key} = "${i.value}" by ${i.update_user.user_id}`)));
  on("broadcast_message", (m) => m.messages.forEach((x) => log("message", `${x.from_user.user_id}: ${x.message}`)));
  on("barrage_message", (m) => m.messages.forEach((x) => log("message", `${x.from_user.user_id} (barrage): ${x.message}`)));
  on("custom_command", (m) => log("message", `command from ${m.from_user.user_id}: ${m.command}`));
  on("media_state", (m) => {
    const tile = app.tiles.get(m.streamId);
    if (m.state !== "closed") log(m.direction === "play" ? "player" : "publisher", `${m.streamId}: media ${m.state}`);
    if (tile && m.state === "failed") tile.setState("media failed");
  });
  on("media_timing", (m) =>
    log(m.direction === "play" ? "player" : "publisher", `${m.streamId}: offer with candidates in ${m.offerMs} ms, SFU answer in ${m.answerMs} ms`),
  );
  on("token_will_expire", async (m) => {
    log("auth", `token expires in ${m.remain_seconds} s`);
    if (app.config.dev_mode && app.devTokenFor) {
      try {
        await room.renewToken(await fetchDevToken(room.userId, room.roomId));
        log("auth", "token renewed");
      } catch (e) {
        log("error", `renew token: ${e.message}`);
      }
    }
  });
  on("kicked", (m) => log("room", `kicked out (${m.code}): ${m.reason}`));
  on("closed", (m) => {
    if (m.expected) return;
    log("room", `disconnected (WebSocket ${m.code}${m.reason ? `: ${m.reason}` : ""})`);
    teardown();
    setRoomState("disconnected", "disconnected");
  });
}

/// Drops every tile, the local media and the room lists.
function teardown() {
  for (const tile of [...app.tiles.values()]) removeTile(tile);
  app.local?.media.getTracks().forEach((t) => t.stop());
  app.local = null;
  app.users.clear();
  app.streams.clear();
  app.room = null;
  renderLists();
}

async function leave() {
  const room = app.room;
  if (!room) return;
  teardown();
  setRoomState("logged-out", "not in a room");
  await room.logout();
  log("room", `logged out of ${room.roomId}`);
}

// ---- statistics -----------------------------------------------------------

async function updateStats() {
  for (const tile of app.tiles.values()) {
    if (!tile.pc || tile.pc.connectionState === "closed") continue;
    try {
      const s = await mediaStats(tile.pc, tile.prev);
      if (!tile.local) {
        tile.canvas ??= document.createElement("canvas");
        s.stampAgeMs = stampAgeMs(readStamp(tile.video, tile.canvas));
      }
      tile.stats = s;
      const parts = [
        s.width ? `${s.width}×${s.height}` : "no video",
        `${Math.round(s.fps)} fps`,
        `${Math.round(s.kbps)} kbps`,
        `rtt ${s.rttMs === null ? "–" : `${Math.round(s.rttMs)} ms`}`,
        `loss ${s.lossPct.toFixed(1)}%`,
      ];
      if (s.codec) parts.push(s.codec);
      if (s.stampAgeMs !== null && s.stampAgeMs !== undefined) parts.push(`stamp age ${Math.round(s.stampAgeMs)} ms`);
      tile.statsEl.textContent = parts.join(" · ");
    } catch (e) {
      console.warn("stats", e);
    }
  }
}

// ---- the scripting interface ----------------------------------------------

window.zegoApp = {
  /// Everything the page shows, as plain data.
  snapshot() {
    return {
      roomState: app.roomState,
      userId: app.room?.userId ?? null,
      roomId: app.room?.roomId ?? null,
      heartbeatAcks: app.room?.heartbeatAcks ?? 0,
      users: [...app.users.keys()].sort(),
      streams: [...app.streams.values()].map((s) => ({ streamId: s.stream_id, userId: s.user.user_id })),
      tiles: [...app.tiles.values()].map((t) => ({
        streamId: t.streamId,
        userId: t.userId,
        local: t.local,
        state: t.stateEl.textContent,
        videoWidth: t.video.videoWidth,
        videoHeight: t.video.videoHeight,
        currentTime: t.video.currentTime,
        firstFrameMs: t.firstFrameMs ?? null,
        connection: t.pc?.connectionState ?? null,
        stats: t.stats,
      })),
      log: app.log.map((e) => `${e.kind}: ${e.text}`),
    };
  },
  /// Fresh getStats counters of one tile, with the rates (kbps, loss) of the last second.
  async stats(streamId) {
    const tile = app.tiles.get(streamId);
    if (!tile?.pc) return null;
    const fresh = await mediaStats(tile.pc, {});
    return { ...fresh, kbps: tile.stats?.kbps ?? 0, lossPct: tile.stats?.lossPct ?? 0 };
  },
  /// The offer and the SFU's answer of one stream's media connection.
  sdp(streamId) {
    const entry = app.room?.publishers.get(streamId) ?? app.room?.players.get(streamId);
    return entry ? { offer: entry.offer ?? null, answer: entry.answer ?? null } : null;
  },
  /// Stamps of the frames one tile presents during `ms`.
  sampleStamps(streamId, ms) {
    const tile = app.tiles.get(streamId);
    return tile ? sampleStamps(tile.video, ms) : Promise.resolve(null);
  },
  join,
  leave,
  publish,
  unpublish,
};

// ---- start ----------------------------------------------------------------

async function start() {
  $("server").value = params.get("server") ?? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
  $("room-id").value = params.get("room") ?? "room1";
  $("user-id").value = params.get("user") ?? `web${Math.floor(1000 + Math.random() * 9000)}`;
  $("token").value = params.get("token") ?? "";
  $("stream-id").value = params.get("stream") ?? "";
  $("app-id").value = params.get("app_id") ?? "";
  try {
    const res = await fetch("/api/config");
    if (res.ok) app.config = await res.json();
  } catch (e) {
    log("warn", `no /api/config: ${e.message}`);
  }
  if (app.config.dev_mode) {
    $("dev-token").hidden = false;
    if (!$("app-id").value) $("app-id").value = app.config.dev_app_id;
    $("hint").textContent = "dev mode: the development token button and an empty token field use the development app";
  }
  if (!window.isSecureContext) {
    $("hint").textContent = "not a secure context: playing works, publishing the camera needs http://localhost or https";
  }
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    join();
  });
  $("leave").addEventListener("click", leave);
  $("publish").addEventListener("click", publish);
  $("unpublish").addEventListener("click", unpublish);
  $("dev-token").addEventListener("click", async () => {
    const f = formValues();
    try {
      await fetchDevToken(f.userId, f.roomId);
    } catch (e) {
      log("error", e.message);
    }
  });
  $("token").addEventListener("input", () => (app.devTokenFor = null));
  window.addEventListener("beforeunload", () => app.room?.logout());
  setInterval(updateStats, STATS_INTERVAL_MS);
  setRoomState("logged-out", "not in a room");
  log("page", `zego-server ${app.config.version ?? "?"}${app.config.dev_mode ? " (dev mode)" : ""}`);
  if (params.get("join") === "1") {
    await join();
    if (params.get("publish") === "1" && app.room?.connected) await publish();
  }
  window.zegoApp.ready = true;
}

start();
