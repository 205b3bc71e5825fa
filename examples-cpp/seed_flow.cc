// seed_flow: the C++ call flow of ZEGO's quick start "实现视频通话" (seed 003), kept as close to
// the document's text as possible. Every change from the document is marked "CHANGE:" (the list
// is also in README.md):
//
//  1. The doc's snippets use variables it never declares (appID, appSign, roomID, view,
//     playView, engine); they are declared here, with the development app of zego-server.
//  2. ZegoEngineProfile::server (a zego-express addition) names the server: the embedded one, or
//     empty when ZEGO_SERVER is set.
//  3. createEngine(profile, nullptr) is kept; the handler (a VideoTalk, whose methods the doc
//     shows) is then set with setEventHandler, as the doc's text asks ("register callbacks").
//  4. The loginRoom lambda takes ZEGO's ZegoRoomLoginCallback arguments
//     (int errorCode, std::string extendedData); the doc's `[=](){}` does not compile against
//     ZEGO's own header either.
//  5. onPlayerStateUpdate: the doc's switch has `case ZEGO_PLAYER_STATE_NO_PLAY:` twice (a compile
//     error); the first one is ZEGO_PLAYER_STATE_PLAYING ("正在拉流中").
//  6. Two users in one process: "user1" publishes "stream1" after LOGINED; "user2" plays it from
//     onRoomStreamUpdate, exactly as in the doc. The player stops first, then the publisher.
//  7. `override` on the handler methods, and logging, so that the run can be checked: exit 0 only
//     if the publisher saw PUBLISH_REQUESTING, PUBLISHING, NO_PUBLISH and the player saw
//     PLAY_REQUESTING, PLAYING, NO_PLAY, all with errorCode 0, within 15 s.

// 引入 ZegoExpressEngine.h 头文件
#include "ZegoExpressSDK.h"
#include "common/demo_support.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace ZEGO::EXPRESS;

// CHANGE 1: the values the doc's snippets use.
static unsigned int appID = demo::kDevAppID;
static std::string appSign = demo::kDevAppSign;
static std::string roomID = "room1";

static demo::EventLog *gLog = nullptr;

class VideoTalk : public IZegoEventHandler {
  public:
    VideoTalk(const std::string &userID, bool publisher) : userID(userID), publisher(publisher) {}

    const std::string userID;
    const bool publisher;
    IZegoExpressEngine *engine = nullptr;
    void *view = nullptr;      // no window on a headless machine
    void *playView = nullptr;  // idem

    void onRoomStateChanged(const std::string &roomID, ZegoRoomStateChangedReason reason, int errorCode,
                            const std::string &extendedData) override {
        gLog->add(userID, "onRoomStateChanged room=" + roomID + " " + demo::name(reason) +
                              " errorCode=" + std::to_string(errorCode), extendedData);
        if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING)
        {
            // 登录中
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED)
        {
            // 登录成功
            //只有当房间状态是登录成功或重连成功时,推流(startPublishingStream)、拉流(startPlayingStream)才能正常收发音视频
            //将自己的音视频流推送到 ZEGO 音视频云
            if (publisher) {
                // 设置本地预览视图并启动预览,视图模式采用 SDK 默认的模式,等比缩放填充整个 View
                ZegoCanvas canvas((void*)view);
                engine->startPreview(&canvas);

                // 用户调用 loginRoom 之后再调用此接口进行推流
                // 在同一个 AppID 下,开发者需要保证“streamID” 全局唯一,如果不同用户各推了一条 “streamID” 相同的流,后推流的用户会推流失败。
                engine->startPublishingStream("stream1");
            }
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGIN_FAILED)
        {
            // 登录失败
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTING)
        {
            // 重连中
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTED)
        {
            // 重连成功
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECT_FAILED)
        {
            // 重连失败
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_KICK_OUT)
        {
            // 被踢出房间
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT)
        {
            // 登出成功
        }
        else if(reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT_FAILED)
        {
            // 登出失败
        }
    }

    // 房间内其他用户推流/停止推流时,我们会在这里收到相应流增减的通知
    void onRoomStreamUpdate(const std::string &roomID, ZegoUpdateType updateType, const std::vector<ZegoStream> &streamList, const std::string &extendData) override {
        gLog->add(userID, "onRoomStreamUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(streamList), extendData);
        //当 updateType 为 ZEGO_UPDATE_TYPE_ADD 时,代表有音视频流新增,此时我们可以调用 startPlayingStream 接口拉取播放该音视频流
        if (updateType == ZEGO_UPDATE_TYPE_ADD) {
            // 开始拉流,设置远端拉流渲染视图,视图模式采用 SDK 默认的模式,等比缩放填充整个 View
            // 如下 playView 为 UI 窗口句柄
            std::string streamID = streamList[0].streamID;
            ZegoCanvas canvas((void*)playView);
            engine->startPlayingStream(streamID , &canvas);
        }
    }

    void onRoomUserUpdate(const std::string &roomID, ZegoUpdateType updateType, const std::vector<ZegoUser> &userList) override {
        gLog->add(userID, "onRoomUserUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(userList));
        // 您可以在回调中根据用户的进出/退出情况,处理对应的业务逻辑
        if (updateType == ZEGO_UPDATE_TYPE_ADD) {

        } else if (updateType == ZEGO_UPDATE_TYPE_DELETE) {

        }
    }

    void onPublisherStateUpdate(const std::string &streamID, ZegoPublisherState state, int errorCode, const std::string &extendData) override {
        gLog->add(userID, "onPublisherStateUpdate stream=" + streamID + " " + demo::name(state) + " errorCode=" + std::to_string(errorCode), extendData);
        if (errorCode != 0) {
            // 推流状态出错
        } else {
            switch (state) {
                case ZEGO_PUBLISHER_STATE_PUBLISHING:
                    // 正在推流
                    break;
                case ZEGO_PUBLISHER_STATE_PUBLISH_REQUESTING:
                    // 正在请求推流
                    break;
                case ZEGO_PUBLISHER_STATE_NO_PUBLISH:
                    // 没有推流
                    break;
            }
        }
    }

    void onPlayerStateUpdate(const std::string &streamID, ZegoPlayerState state, int errorCode, const std::string &extendData) override {
        gLog->add(userID, "onPlayerStateUpdate stream=" + streamID + " " + demo::name(state) + " errorCode=" + std::to_string(errorCode), extendData);
        if (errorCode != 0) {
            //拉流状态出错
        } else {
            switch (state) {
                case ZEGO_PLAYER_STATE_PLAYING:  // CHANGE 5: the doc repeats ZEGO_PLAYER_STATE_NO_PLAY here
                    // 正在拉流中
                    break;
                case ZEGO_PLAYER_STATE_PLAY_REQUESTING:
                    // 正在请求拉流中
                    break;
                case ZEGO_PLAYER_STATE_NO_PLAY:
                    // 未进行拉流
                    break;
            }
        }
    }

    void onDebugError(int errorCode, const std::string &funcName, const std::string &info) override {
        gLog->add(userID, "onDebugError " + funcName + " errorCode=" + std::to_string(errorCode), info);
    }
};

// 3.1 创建引擎 + 3.2 登录房间, for one user.
static IZegoExpressEngine *createAndLogin(const std::shared_ptr<VideoTalk> &talk, const std::string &server) {
    ZegoEngineProfile profile;
    // AppID 和 AppSign 由 ZEGO 分配给各 App;其中,为了安全考虑,建议将 AppSign 存储在 App 的业务后台,需要使用时从后台获取
    profile.appID = appID;
    profile.appSign = appSign;
    // 指定使用直播场景 (请根据实际情况填写适合你业务的场景)
    profile.scenario = ZegoScenario::ZEGO_SCENARIO_BROADCAST;
    profile.server = server;  // CHANGE 2
    // 创建引擎实例
    auto engine = ZegoExpressSDK::createEngine(profile, nullptr);
    if (engine == nullptr) {
        return nullptr;
    }
    engine->setEventHandler(talk);  // CHANGE 3
    talk->engine = engine;

    // 创建用户对象
    ZegoUser user(talk->userID, talk->userID);
    // 只有传入 “isUserStatusNotify” 参数取值为 “true” 的 ZegoRoomConfig,才能收到 onRoomUserUpdate 回调。
    ZegoRoomConfig roomConfig;
    //如果您使用 appsign 的方式鉴权,token 参数不需填写;如果需要使用更加安全的 鉴权方式: token 鉴权,请参考[如何从 AppSign 鉴权升级为 Token 鉴权](https://doc-zh.zego.im/faq/token_upgrade?product=ExpressVideo&platform=all)
    // roomConfig.token = "xxxx";
    roomConfig.isUserStatusNotify = true;
    // 登录房间
    std::string userID = talk->userID;
    engine->loginRoom(roomID, user, roomConfig, [=](int errorCode, std::string extendedData){  // CHANGE 4
        // (可选回调) 登录房间结果,如果仅关注登录结果,关注此回调即可
        gLog->add(userID, "loginRoom callback errorCode=" + std::to_string(errorCode), extendedData);
    });
    return engine;
}

static std::string state(const char *kind, const std::string &streamID, const char *name) {
    return std::string(kind) + " stream=" + streamID + " " + name + " errorCode=0";
}

int main() {
    demo::EventLog log(std::chrono::seconds(15));
    gLog = &log;
    log.note("zego-express " + ZegoExpressSDK::getVersion());

    std::unique_ptr<ZegoLocalServer> localServer;
    std::string server;
    if (!demo::externalServer()) {
        localServer = ZegoLocalServer::start();
        if (!localServer) {
            log.fail("ZegoLocalServer::start failed");
            return log.finish("seed_flow");
        }
        server = localServer->url();
        log.note("embedded server at " + server);
    }

    auto player = std::make_shared<VideoTalk>("user2", false);
    auto publisher = std::make_shared<VideoTalk>("user1", true);
    const std::string loggedIn = "onRoomStateChanged room=" + roomID + " LOGINED errorCode=0";

    // The player is in the room first, so it sees "stream1" appear in onRoomStreamUpdate.
    bool ok = createAndLogin(player, server) != nullptr && log.expect("user2", loggedIn) &&
              createAndLogin(publisher, server) != nullptr && log.expect("user1", loggedIn) &&
              log.expect("user1", {state("onPublisherStateUpdate", "stream1", "PUBLISH_REQUESTING"),
                                   state("onPublisherStateUpdate", "stream1", "PUBLISHING")}) &&
              log.expect("user2", {"onRoomStreamUpdate room=" + roomID + " ADD [stream1/user1]",
                                   state("onPlayerStateUpdate", "stream1", "PLAY_REQUESTING"),
                                   state("onPlayerStateUpdate", "stream1", "PLAYING")});

    if (ok) {
        // 停止拉流 (CHANGE 6: the player stops first)
        player->engine->stopPlayingStream("stream1");
        // 停止推流
        publisher->engine->stopPublishingStream();
        // 停止本地预览
        publisher->engine->stopPreview();
        ok = log.expect("user2", state("onPlayerStateUpdate", "stream1", "NO_PLAY")) &&
             log.expect("user1", state("onPublisherStateUpdate", "stream1", "NO_PUBLISH")) &&
             log.expect("user2", "onRoomStreamUpdate room=" + roomID + " DELETE [stream1/user1]");
    }

    for (auto &talk : {publisher, player}) {
        auto engine = talk->engine;
        if (engine == nullptr) {
            continue;
        }
        if (ok) {
            // 退出房间
            engine->logoutRoom("room1");
            ok = log.expect(talk->userID, "onRoomStateChanged room=" + roomID + " LOGOUT errorCode=0");
        }
        ZegoExpressSDK::destroyEngine(engine, nullptr);
        engine = nullptr;
        talk->engine = nullptr;
    }
    if (!ok) {
        log.fail("the seed's flow did not complete (see the first missing event)");
    } else {
        // Exactly these states, nothing else.
        const std::vector<std::string> published = {state("onPublisherStateUpdate", "stream1", "PUBLISH_REQUESTING"),
                                                    state("onPublisherStateUpdate", "stream1", "PUBLISHING"),
                                                    state("onPublisherStateUpdate", "stream1", "NO_PUBLISH")};
        const std::vector<std::string> played = {state("onPlayerStateUpdate", "stream1", "PLAY_REQUESTING"),
                                                 state("onPlayerStateUpdate", "stream1", "PLAYING"),
                                                 state("onPlayerStateUpdate", "stream1", "NO_PLAY")};
        if (log.keys("user1", "onPublisherStateUpdate") != published) {
            log.fail("user1: publisher states are not exactly PUBLISH_REQUESTING, PUBLISHING, NO_PUBLISH");
        }
        if (log.keys("user2", "onPlayerStateUpdate") != played) {
            log.fail("user2: player states are not exactly PLAY_REQUESTING, PLAYING, NO_PLAY");
        }
        if (!log.keys("user1", "onDebugError").empty() || !log.keys("user2", "onDebugError").empty()) {
            log.fail("a call reported onDebugError");
        }
    }
    localServer.reset();
    return log.finish("seed_flow");
}
