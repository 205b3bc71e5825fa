// room_demo: two engines (users A and B) meet in one room through zego-server.
//
//   A and B log in (isUserStatusNotify) -> each sees the other join
//   B publishes "streamB" -> A gets onRoomStreamUpdate(ADD) and plays it from inside the callback
//   A sends a broadcast message -> B receives it; then barrage, custom command, stream extra info
//   and room extra info, each seen by the other side
//   B stops publishing -> A gets onRoomStreamUpdate(DELETE)
//   B logs out -> A sees B leave; A logs out; both engines are destroyed
//
// Every callback is printed with a timestamp. Exit code 0 only if the expected callbacks arrived
// in the expected order (per engine: one engine's callbacks arrive in event order; results of
// independent calls may come in either order) within 15 s; otherwise the missing ones are
// listed and the exit code is 1.
//
// The server: an embedded one (ZegoLocalServer) unless the environment variable ZEGO_SERVER
// ("ws://host:port") names an external zego-server that knows the development app.
//
// Built twice: room_demo links libzego_express; room_demo_dlopen defines ZEGOEXP_EXPLICIT and
// loads the library at run time from argv[1] (default: ZEGO_EXPRESS_LIBRARY_PATH from CMake).
#include "ZegoExpressSDK.h"
#include "common/demo_support.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace ZEGO::EXPRESS;

namespace {

const std::string kRoom = "demo_room";
const std::string kStream = "streamB";

std::string code(int errorCode) { return " errorCode=" + std::to_string(errorCode); }

// Keys of the events; the handler logs them and the checks wait for them.
std::string roomState(ZegoRoomStateChangedReason reason, int errorCode = 0) {
    return "onRoomStateChanged room=" + kRoom + " " + demo::name(reason) + code(errorCode);
}
std::string userUpdate(ZegoUpdateType type, const std::string &users) {
    return "onRoomUserUpdate room=" + kRoom + " " + demo::name(type) + " " + users;
}
std::string streamUpdate(ZegoUpdateType type, const std::string &streams) {
    return "onRoomStreamUpdate room=" + kRoom + " " + demo::name(type) + " " + streams;
}
std::string publisherState(ZegoPublisherState state, int errorCode = 0) {
    return "onPublisherStateUpdate stream=" + kStream + " " + demo::name(state) + code(errorCode);
}
std::string playerState(ZegoPlayerState state, int errorCode = 0) {
    return "onPlayerStateUpdate stream=" + kStream + " " + demo::name(state) + code(errorCode);
}
std::string result(const std::string &call, int errorCode = 0) { return call + " callback" + code(errorCode); }

// One user: an IZegoEventHandler that logs every callback.
class Participant : public IZegoEventHandler {
  public:
    Participant(demo::EventLog &log, std::string who, std::string userID)
        : log_(log), who(std::move(who)), user(userID, userID + "_name") {}

    demo::EventLog &log_;
    const std::string who;
    const ZegoUser user;
    // Set right after createEngine (before any callback can come); cleared after destroyEngine.
    IZegoExpressEngine *engine = nullptr;
    // Whether to play every stream that appears (from inside onRoomStreamUpdate, as ZEGO's docs do).
    bool playStreams = false;

    void onDebugError(int errorCode, const std::string &funcName, const std::string &info) override {
        log_.add(who, "onDebugError " + funcName + code(errorCode), info);
    }
    void onRoomStateUpdate(const std::string &roomID, ZegoRoomState state, int errorCode,
                           const std::string &extendedData) override {
        log_.add(who, "onRoomStateUpdate room=" + roomID + " " + demo::name(state) + code(errorCode), extendedData);
    }
    void onRoomStateChanged(const std::string &roomID, ZegoRoomStateChangedReason reason, int errorCode,
                            const std::string &extendedData) override {
        log_.add(who, "onRoomStateChanged room=" + roomID + " " + demo::name(reason) + code(errorCode), extendedData);
    }
    void onRoomUserUpdate(const std::string &roomID, ZegoUpdateType updateType,
                          const std::vector<ZegoUser> &userList) override {
        log_.add(who, "onRoomUserUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(userList));
    }
    void onRoomOnlineUserCountUpdate(const std::string &roomID, int count) override {
        log_.add(who, "onRoomOnlineUserCountUpdate room=" + roomID, "count=" + std::to_string(count));
    }
    void onRoomStreamUpdate(const std::string &roomID, ZegoUpdateType updateType,
                            const std::vector<ZegoStream> &streamList, const std::string &extendedData) override {
        log_.add(who, "onRoomStreamUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(streamList),
                 extendedData);
        for (const ZegoStream &stream : streamList) {
            if (playStreams && updateType == ZEGO_UPDATE_TYPE_ADD) {
                log_.note(who + " calls startPlayingStream(" + stream.streamID + ") from the callback");
                ZegoCanvas canvas(nullptr, ZEGO_VIEW_MODE_ASPECT_FILL);
                engine->startPlayingStream(stream.streamID, &canvas);
            } else if (playStreams && updateType == ZEGO_UPDATE_TYPE_DELETE) {
                log_.note(who + " calls stopPlayingStream(" + stream.streamID + ") from the callback");
                engine->stopPlayingStream(stream.streamID);
            }
        }
    }
    void onRoomStreamExtraInfoUpdate(const std::string &roomID, const std::vector<ZegoStream> &streamList) override {
        std::string text;
        for (const ZegoStream &s : streamList) {
            text += " " + s.streamID + "=" + s.extraInfo;
        }
        log_.add(who, "onRoomStreamExtraInfoUpdate room=" + roomID + text);
    }
    void onRoomExtraInfoUpdate(const std::string &roomID, const std::vector<ZegoRoomExtraInfo> &list) override {
        std::string text;
        for (const ZegoRoomExtraInfo &info : list) {
            text += " " + info.key + "=" + info.value + " by " + info.updateUser.userID;
        }
        log_.add(who, "onRoomExtraInfoUpdate room=" + roomID + text);
    }
    void onRoomTokenWillExpire(const std::string &roomID, int remainTimeInSecond) override {
        log_.add(who, "onRoomTokenWillExpire room=" + roomID, "remain=" + std::to_string(remainTimeInSecond));
    }
    void onPublisherStateUpdate(const std::string &streamID, ZegoPublisherState state, int errorCode,
                                const std::string &extendedData) override {
        log_.add(who, "onPublisherStateUpdate stream=" + streamID + " " + demo::name(state) + code(errorCode),
                 extendedData);
    }
    void onPlayerStateUpdate(const std::string &streamID, ZegoPlayerState state, int errorCode,
                             const std::string &extendedData) override {
        log_.add(who, "onPlayerStateUpdate stream=" + streamID + " " + demo::name(state) + code(errorCode),
                 extendedData);
    }
    void onIMRecvBroadcastMessage(const std::string &roomID, std::vector<ZegoBroadcastMessageInfo> list) override {
        for (const ZegoBroadcastMessageInfo &m : list) {
            log_.add(who, "onIMRecvBroadcastMessage room=" + roomID + " from=" + m.fromUser.userID + " message=" + m.message,
                     "messageID=" + std::to_string(m.messageID) + " sendTime=" + std::to_string(m.sendTime));
        }
    }
    void onIMRecvBarrageMessage(const std::string &roomID, std::vector<ZegoBarrageMessageInfo> list) override {
        for (const ZegoBarrageMessageInfo &m : list) {
            log_.add(who, "onIMRecvBarrageMessage room=" + roomID + " from=" + m.fromUser.userID + " message=" + m.message,
                     "messageID=" + m.messageID + " sendTime=" + std::to_string(m.sendTime));
        }
    }
    void onIMRecvCustomCommand(const std::string &roomID, ZegoUser fromUser, const std::string &command) override {
        log_.add(who, "onIMRecvCustomCommand room=" + roomID + " from=" + fromUser.userID + " command=" + command);
    }

    // Per-call callbacks that log their result.
    ZegoRoomLoginCallback loginResult() {
        return [this](int errorCode, std::string extendedData) { log_.add(who, result("loginRoom", errorCode), extendedData); };
    }
    ZegoRoomLogoutCallback logoutResult() {
        return [this](int errorCode, std::string extendedData) { log_.add(who, result("logoutRoom", errorCode), extendedData); };
    }
};

// The scripted session. Returns false at the first expectation that is not met in time.
bool runSession(demo::EventLog &log, Participant &a, Participant &b) {
    ZegoRoomConfig config;
    config.isUserStatusNotify = true;

    log.note("A logs in");
    a.engine->loginRoom(kRoom, a.user, config, a.loginResult());
    if (!log.expect("A", {roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING), roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED),
                          result("loginRoom")})) {
        return false;
    }

    log.note("B logs in");
    b.engine->loginRoom(kRoom, b.user, config, b.loginResult());
    if (!log.expect("B", {roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING), roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED),
                          result("loginRoom"), userUpdate(ZEGO_UPDATE_TYPE_ADD, "[userA]")}) ||
        !log.expect("A", userUpdate(ZEGO_UPDATE_TYPE_ADD, "[userB]"))) {
        return false;
    }

    log.note("B configures video 540P / audio standard, previews and publishes " + kStream);
    b.engine->setVideoConfig(ZegoVideoConfig(ZEGO_VIDEO_CONFIG_PRESET_540P));
    ZegoVideoConfig video = b.engine->getVideoConfig();
    if (video.encodeWidth != 960 || video.encodeHeight != 540 || video.bitrate != 1200 || video.fps != 15) {
        log.fail("B getVideoConfig() after setVideoConfig(540P): got " + std::to_string(video.encodeWidth) + "x" +
                 std::to_string(video.encodeHeight) + " " + std::to_string(video.bitrate) + " kbps " +
                 std::to_string(video.fps) + " fps");
    }
    b.engine->setAudioConfig(ZegoAudioConfig(ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY));
    ZegoCanvas preview;
    b.engine->startPreview(&preview);
    b.engine->startPublishingStream(kStream);
    // A plays the stream from inside onRoomStreamUpdate(ADD).
    if (!log.expect("B", {publisherState(ZEGO_PUBLISHER_STATE_PUBLISH_REQUESTING), publisherState(ZEGO_PUBLISHER_STATE_PUBLISHING)}) ||
        !log.expect("A", {streamUpdate(ZEGO_UPDATE_TYPE_ADD, "[" + kStream + "/userB]"),
                          playerState(ZEGO_PLAYER_STATE_PLAY_REQUESTING), playerState(ZEGO_PLAYER_STATE_PLAYING)})) {
        return false;
    }

    log.note("A sends a broadcast message");
    a.engine->sendBroadcastMessage(kRoom, "hello from A", [&a](int errorCode, unsigned long long messageID) {
        a.log_.add(a.who, result("sendBroadcastMessage", errorCode), "messageID=" + std::to_string(messageID));
    });
    if (!log.expect("A", result("sendBroadcastMessage")) ||
        !log.expect("B", "onIMRecvBroadcastMessage room=" + kRoom + " from=userA message=hello from A")) {
        return false;
    }

    log.note("B sends a barrage message and a custom command to A");
    b.engine->sendBarrageMessage(kRoom, "barrage from B", [&b](int errorCode, std::string messageID) {
        b.log_.add(b.who, result("sendBarrageMessage", errorCode), "messageID=" + messageID);
    });
    b.engine->sendCustomCommand(kRoom, "command for A", {a.user},
                                [&b](int errorCode) { b.log_.add(b.who, result("sendCustomCommand", errorCode)); });
    if (!log.expectAll("B", {result("sendBarrageMessage"), result("sendCustomCommand")}) ||
        !log.expectAll("A", {"onIMRecvBarrageMessage room=" + kRoom + " from=userB message=barrage from B",
                          "onIMRecvCustomCommand room=" + kRoom + " from=userB command=command for A"})) {
        return false;
    }

    log.note("B sets the stream's extra info; A sets the room's extra info");
    b.engine->setStreamExtraInfo("extra of B",
                                 [&b](int errorCode) { b.log_.add(b.who, result("setStreamExtraInfo", errorCode)); });
    a.engine->setRoomExtraInfo(kRoom, "topic", "demo",
                               [&a](int errorCode) { a.log_.add(a.who, result("setRoomExtraInfo", errorCode)); });
    if (!log.expectAll("B", {result("setStreamExtraInfo"), "onRoomExtraInfoUpdate room=" + kRoom + " topic=demo by userA"}) ||
        !log.expectAll("A", {"onRoomStreamExtraInfoUpdate room=" + kRoom + " " + kStream + "=extra of B",
                             result("setRoomExtraInfo")})) {
        return false;
    }

    log.note("B stops publishing");
    b.engine->stopPublishingStream();
    b.engine->stopPreview();
    if (!log.expect("B", publisherState(ZEGO_PUBLISHER_STATE_NO_PUBLISH)) ||
        !log.expect("A", streamUpdate(ZEGO_UPDATE_TYPE_DELETE, "[" + kStream + "/userB]"))) {
        return false;
    }

    log.note("B logs out of every room");
    b.engine->logoutRoom(b.logoutResult());
    if (!log.expect("B", {roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT), result("logoutRoom")}) ||
        !log.expect("A", userUpdate(ZEGO_UPDATE_TYPE_DELETE, "[userB]"))) {
        return false;
    }

    log.note("A logs out of " + kRoom);
    a.engine->logoutRoom(kRoom, a.logoutResult());
    return log.expect("A", {roomState(ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT), result("logoutRoom")});
}

// Destroys the participant's engine (if any), logging the completion callback.
void destroy(demo::EventLog &log, Participant &p) {
    if (!p.engine) {
        return;
    }
    // A copy: the handler may still use p.engine while destroyEngine delivers queued callbacks.
    IZegoExpressEngine *engine = p.engine;
    ZegoExpressSDK::destroyEngine(engine, [&log, &p] { log.add(p.who, "destroyEngine callback"); });
    if (engine != nullptr) {
        log.fail(p.who + ": destroyEngine did not set the pointer to nullptr");
    }
    p.engine = nullptr;
}

}  // namespace

int main(int argc, char **argv) {
#if defined(ZEGOEXP_EXPLICIT)
    const char *program = "room_demo_dlopen";
    std::string libraryPath = argc > 1 ? argv[1] : ZEGO_EXPRESS_LIBRARY_PATH;
    int loaded = ZegoExpressSDK::loadLibrary(libraryPath);
    std::printf("loadLibrary(%s) = %d\n", libraryPath.c_str(), loaded);
    if (loaded != 0) {
        std::printf("%s: FAIL; cannot load the library\n", program);
        return 1;
    }
#else
    const char *program = "room_demo";
    (void)argc;
    (void)argv;
#endif
    demo::EventLog log(std::chrono::seconds(15));
    log.note("zego-express " + ZegoExpressSDK::getVersion());

    std::unique_ptr<ZegoLocalServer> server;
    std::string serverURL;  // empty: the library reads ZEGO_SERVER
    if (demo::externalServer()) {
        log.note(std::string("using ZEGO_SERVER=") + std::getenv("ZEGO_SERVER"));
    } else {
        int errorCode = 0;
        server = ZegoLocalServer::start("127.0.0.1:0", "", &errorCode);
        if (!server) {
            log.fail("ZegoLocalServer::start failed with" + code(errorCode));
            return log.finish(program);
        }
        serverURL = server->url();
        log.note("embedded server at " + serverURL);
    }

    std::shared_ptr<Participant> a = std::make_shared<Participant>(log, "A", "userA");
    std::shared_ptr<Participant> b = std::make_shared<Participant>(log, "B", "userB");
    a->playStreams = true;

    ZegoEngineProfile profile;
    profile.appID = demo::kDevAppID;
    profile.appSign = demo::kDevAppSign;
    profile.scenario = ZEGO_SCENARIO_STANDARD_VIDEO_CALL;
    profile.server = serverURL;
    a->engine = ZegoExpressSDK::createEngine(profile, a);
    b->engine = ZegoExpressSDK::createEngine(profile, b);
    if (!a->engine || !b->engine) {
        log.fail("createEngine returned nullptr");
    } else if (ZegoExpressSDK::getEngine() != b->engine) {
        log.fail("getEngine() is not the most recently created engine");
    }

    bool completed = a->engine && b->engine && runSession(log, *a, *b);
    log.note(completed ? "session complete; destroying the engines" : "session incomplete; destroying the engines");
    destroy(log, *a);
    destroy(log, *b);
    if (completed) {
        log.expect("A", "destroyEngine callback");
        log.expect("B", "destroyEngine callback");
    }
    if (ZegoExpressSDK::getEngine() != nullptr) {
        log.fail("getEngine() is not nullptr after every engine was destroyed");
    }
    server.reset();
#if defined(ZEGOEXP_EXPLICIT)
    ZegoExpressSDK::unLoadLibrary();
#endif
    return log.finish(program);
}
