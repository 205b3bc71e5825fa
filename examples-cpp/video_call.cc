// video_call: ZEGO's quick start "实现视频通话" (seed 003) with real media, checked end to end.
//
//   video_call [seconds] [png]        seconds of media after the first frame (default 5);
//                                     png: where to write a received frame (default: env
//                                     ZEGO_VIDEO_CALL_PNG, else video_call.png)
//
// Users A and B are two engines in this process. Both log in; B sets a 640x360 30 fps video
// config, starts the preview and publishes the virtual camera (a stamped test pattern) and the
// virtual microphone (a 440 Hz tone). A gets onRoomStreamUpdate(ADD) and, from inside the
// callback, calls startPlayingStream(streamID, &canvas) with a custom video render handler
// (I420) and the audio data observer (playback PCM) installed. After the run both stop, log out
// and are destroyed, and a summary is printed: frames, stamp indexes and their order, the
// resolution, the time from startPlayingStream to the first rendered frame, capture-to-render
// latency read from the stamps, audio samples and their dominant frequency (Goertzel scan,
// 200-2000 Hz), and the CPU time of the process per wall second. A received frame is written
// as a PNG (own encoder: stored deflate blocks, CRC-32, Adler-32; I420 -> RGB BT.601 limited).
//
// Exit code 0 only if at least 90 frames arrived at 640x360 with strictly increasing stamps,
// the dominant frequency is 440 +- 10 Hz, the PNG was written, canvas frames came back for the
// preview and the play views, and the callbacks below arrived; otherwise 1, with what was
// missing.
//
// The server: an embedded one (ZegoLocalServer) unless ZEGO_SERVER ("ws://host:port") names an
// external zego-server that knows the development app.
#include "ZegoExpressSDK.h"
#include "common/demo_support.h"
#include "common/media_checks.h"
#include "common/png_stored.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace ZEGO::EXPRESS;

namespace {

const std::string kRoom = "video_call_room";
const std::string kStream = "video_call_B";
const int kWidth = 640;
const int kHeight = 360;
const int kFps = 30;
const size_t kMinFrames = 90;
const double kToneHz = 440.0;
const double kToneToleranceHz = 10.0;

using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

uint32_t unixMsLow32() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

double cpuSeconds() {
    struct rusage usage;
    std::memset(&usage, 0, sizeof usage);
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Stand-ins for the windows of seed 003 (`view`, `playView`): their addresses are the views.
struct Window {
    const char *name;
};
Window gPreviewWindow = {"B's preview"};
Window gPlayWindow = {"A's play view"};

// ---------------------------------------------------------------------------------------------
// What A receives: custom render frames, playback audio, canvas frames (both engines).
// ---------------------------------------------------------------------------------------------

class Receiver : public IZegoCustomVideoRenderHandler,
                 public IZegoAudioDataHandler,
                 public IZegoCanvasVideoFrameHandler {
  public:
    struct Snapshot {
        size_t frames = 0;
        size_t stamped = 0;        // frames whose stamp could be read
        size_t inOrder = 0;        // stamped frames with an index above the previous one (first counts)
        size_t notIncreasing = 0;  // stamped frames with an index at or below the previous one
        size_t wrongSize = 0;      // frames not kWidth x kHeight
        size_t wrongFormat = 0;    // frames not I420
        size_t sizeChanges = 0;
        int width = 0, height = 0;
        bool haveStamp = false;
        media::Stamp firstStamp, lastStamp;
        std::vector<double> latencyMs;  // capture (stamp) to this callback, per stamped frame
        bool haveFirstFrame = false;
        Clock::time_point firstFrameAt, lastFrameAt;
        std::vector<int16_t> pcm;
        int sampleRate = 0, channels = 0;
        size_t audioCallbacks = 0;
        size_t previewCanvasFrames = 0, playCanvasFrames = 0, otherCanvasFrames = 0;
        std::string firstBadOrder;
        // The last stamped frame, compact I420, for the PNG.
        std::vector<uint8_t> y, u, v;
        int frameWidth = 0, frameHeight = 0;
        media::Stamp frameStamp;
    };

    void onRemoteVideoFrameRawData(unsigned char **data, unsigned int *dataLength, ZegoVideoFrameParam param,
                                   const std::string & /*streamID*/) override {
        const Clock::time_point now = Clock::now();
        const uint32_t nowMs = unixMsLow32();
        std::lock_guard<std::mutex> lock(mutex_);
        Snapshot &s = s_;
        ++s.frames;
        s.lastFrameAt = now;
        if (!s.haveFirstFrame) {
            s.haveFirstFrame = true;
            s.firstFrameAt = now;
            firstFrame_.notify_all();
        }
        if (param.width != s.width || param.height != s.height) {
            s.sizeChanges += s.width == 0 ? 0 : 1;
            s.width = param.width;
            s.height = param.height;
        }
        if (param.width != kWidth || param.height != kHeight) {
            ++s.wrongSize;
        }
        if (param.format != ZEGO_VIDEO_FRAME_FORMAT_I420 || !data[0] || !data[1] || !data[2]) {
            ++s.wrongFormat;
            return;
        }
        const int h = param.height, w = param.width;
        if (dataLength[0] < static_cast<unsigned>(param.strides[0] * h) ||
            dataLength[1] < static_cast<unsigned>(param.strides[1] * ((h + 1) / 2)) ||
            dataLength[2] < static_cast<unsigned>(param.strides[2] * ((h + 1) / 2))) {
            ++s.wrongFormat;
            return;
        }
        media::Stamp stamp;
        if (!media::readStamp(data[0], param.strides[0], w, h, stamp)) {
            return;
        }
        ++s.stamped;
        if (!s.haveStamp || stamp.index > s.lastStamp.index) {
            ++s.inOrder;
        } else {
            ++s.notIncreasing;
            if (s.firstBadOrder.empty()) {
                s.firstBadOrder = std::to_string(s.lastStamp.index) + " then " + std::to_string(stamp.index);
            }
        }
        if (!s.haveStamp) {
            s.firstStamp = stamp;
            s.haveStamp = true;
        }
        s.lastStamp = stamp;
        const int32_t latency = static_cast<int32_t>(nowMs - stamp.captureTimeMs);  // wraps like the stamp
        if (latency >= 0 && latency < 60000) {
            s.latencyMs.push_back(latency);
        }
        // Keep a compact copy of this frame (the PNG shows the last stamped one).
        const int cw = (w + 1) / 2, ch = (h + 1) / 2;
        s.y.resize(static_cast<size_t>(w) * h);
        s.u.resize(static_cast<size_t>(cw) * ch);
        s.v.resize(static_cast<size_t>(cw) * ch);
        for (int row = 0; row < h; ++row) {
            std::memcpy(&s.y[static_cast<size_t>(row) * w], data[0] + static_cast<ptrdiff_t>(row) * param.strides[0], w);
        }
        for (int row = 0; row < ch; ++row) {
            std::memcpy(&s.u[static_cast<size_t>(row) * cw], data[1] + static_cast<ptrdiff_t>(row) * param.strides[1], cw);
            std::memcpy(&s.v[static_cast<size_t>(row) * cw], data[2] + static_cast<ptrdiff_t>(row) * param.strides[2], cw);
        }
        s.frameWidth = w;
        s.frameHeight = h;
        s.frameStamp = stamp;
    }

    void onPlaybackAudioData(const unsigned char *data, unsigned int dataLength, ZegoAudioFrameParam param) override {
        std::lock_guard<std::mutex> lock(mutex_);
        ++s_.audioCallbacks;
        s_.sampleRate = param.sampleRate;
        s_.channels = param.channel;
        const size_t count = dataLength / 2;
        const size_t at = s_.pcm.size();
        s_.pcm.resize(at + count);
        std::memcpy(&s_.pcm[at], data, count * 2);  // memcpy: `data` need not be 2-byte aligned
    }

    void onCanvasVideoFrame(ZegoView view, unsigned char ** /*data*/, unsigned int * /*dataLength*/,
                            ZegoVideoFrameParam /*param*/) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (view == &gPreviewWindow) {
            ++s_.previewCanvasFrames;
        } else if (view == &gPlayWindow) {
            ++s_.playCanvasFrames;
        } else {
            ++s_.otherCanvasFrames;
        }
    }

    /* Waits for the first custom render frame; false on timeout. */
    bool waitFirstFrame(std::chrono::seconds timeout) {
        std::unique_lock<std::mutex> lock(mutex_);
        return firstFrame_.wait_for(lock, timeout, [this] { return s_.haveFirstFrame; });
    }

    Snapshot snapshot() {
        std::lock_guard<std::mutex> lock(mutex_);
        return s_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable firstFrame_;
    Snapshot s_;
};

// ---------------------------------------------------------------------------------------------
// One user: an IZegoEventHandler that logs every callback (frames excepted).
// ---------------------------------------------------------------------------------------------

std::string code(int errorCode) { return " errorCode=" + std::to_string(errorCode); }

class User : public IZegoEventHandler {
  public:
    User(demo::EventLog &log, std::string who, std::string userID)
        : log_(log), who(std::move(who)), user(userID, userID) {}

    demo::EventLog &log_;
    const std::string who;
    const ZegoUser user;
    IZegoExpressEngine *engine = nullptr;  // set right after createEngine
    bool playStreams = false;              // A: play what appears, from onRoomStreamUpdate
    std::atomic<bool> playCalled{false};
    Clock::time_point playCalledAt;        // written before playCalled is set

    void onDebugError(int errorCode, const std::string &funcName, const std::string &info) override {
        log_.add(who, "onDebugError " + funcName + code(errorCode), info);
    }
    void onRoomStateChanged(const std::string &roomID, ZegoRoomStateChangedReason reason, int errorCode,
                            const std::string &extendedData) override {
        log_.add(who, "onRoomStateChanged room=" + roomID + " " + demo::name(reason) + code(errorCode), extendedData);
    }
    void onRoomUserUpdate(const std::string &roomID, ZegoUpdateType updateType,
                          const std::vector<ZegoUser> &userList) override {
        log_.add(who, "onRoomUserUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(userList));
    }
    void onRoomStreamUpdate(const std::string &roomID, ZegoUpdateType updateType,
                            const std::vector<ZegoStream> &streamList, const std::string &extendedData) override {
        log_.add(who, "onRoomStreamUpdate room=" + roomID + " " + demo::name(updateType) + " " + demo::join(streamList),
                 extendedData);
        // As in seed 003: play the new stream from inside the callback, with a canvas.
        if (playStreams && updateType == ZEGO_UPDATE_TYPE_ADD && !streamList.empty() && !playCalled) {
            std::string streamID = streamList[0].streamID;
            ZegoCanvas canvas(static_cast<void *>(&gPlayWindow));
            log_.note(who + " calls startPlayingStream(" + streamID + ", &canvas) from the callback");
            playCalledAt = Clock::now();
            playCalled = true;
            engine->startPlayingStream(streamID, &canvas);
        }
    }
    void onPublisherStateUpdate(const std::string &streamID, ZegoPublisherState state, int errorCode,
                                const std::string &extendedData) override {
        log_.add(who, "onPublisherStateUpdate stream=" + streamID + " " + demo::name(state) + code(errorCode),
                 extendedData);
    }
    void onPublisherCapturedAudioFirstFrame() override { log_.add(who, "onPublisherCapturedAudioFirstFrame"); }
    void onPublisherCapturedVideoFirstFrame(ZegoPublishChannel channel) override {
        log_.add(who, "onPublisherCapturedVideoFirstFrame channel=" + std::to_string(channel));
    }
    void onPublisherSendAudioFirstFrame(ZegoPublishChannel channel) override {
        log_.add(who, "onPublisherSendAudioFirstFrame channel=" + std::to_string(channel));
    }
    void onPublisherSendVideoFirstFrame(ZegoPublishChannel channel) override {
        log_.add(who, "onPublisherSendVideoFirstFrame channel=" + std::to_string(channel));
    }
    void onPublisherVideoSizeChanged(int width, int height, ZegoPublishChannel channel) override {
        log_.add(who, "onPublisherVideoSizeChanged " + std::to_string(width) + "x" + std::to_string(height) +
                          " channel=" + std::to_string(channel));
    }
    void onPlayerStateUpdate(const std::string &streamID, ZegoPlayerState state, int errorCode,
                             const std::string &extendedData) override {
        log_.add(who, "onPlayerStateUpdate stream=" + streamID + " " + demo::name(state) + code(errorCode),
                 extendedData);
    }
    void onPlayerRecvAudioFirstFrame(const std::string &streamID) override {
        log_.add(who, "onPlayerRecvAudioFirstFrame stream=" + streamID, sincePlay());
    }
    void onPlayerRecvVideoFirstFrame(const std::string &streamID) override {
        log_.add(who, "onPlayerRecvVideoFirstFrame stream=" + streamID, sincePlay());
    }
    void onPlayerRenderVideoFirstFrame(const std::string &streamID) override {
        log_.add(who, "onPlayerRenderVideoFirstFrame stream=" + streamID, sincePlay());
    }
    void onPlayerVideoSizeChanged(const std::string &streamID, int width, int height) override {
        log_.add(who, "onPlayerVideoSizeChanged stream=" + streamID + " " + std::to_string(width) + "x" +
                          std::to_string(height));
    }

    void onPublisherQualityUpdate(const std::string &streamID, const ZegoPublishStreamQuality &q) override {
        char text[200];
        std::snprintf(text, sizeof text, "capture %.1f fps, send %.1f fps, video %.0f kbps, audio %.0f kbps, rtt %d ms, lost %.1f%%",
                      q.videoCaptureFPS, q.videoSendFPS, q.videoKBPS, q.audioKBPS, q.rtt, q.packetLostRate * 100);
        log_.add(who, "onPublisherQualityUpdate stream=" + streamID + " level=" + std::to_string(q.level), text);
    }
    void onPlayerQualityUpdate(const std::string &streamID, const ZegoPlayStreamQuality &q) override {
        char text[200];
        std::snprintf(text, sizeof text, "recv %.1f fps, render %.1f fps, video %.0f kbps, audio %.0f kbps, rtt %d ms, delay %d ms",
                      q.videoRecvFPS, q.videoRenderFPS, q.videoKBPS, q.audioKBPS, q.rtt, q.delay);
        log_.add(who, "onPlayerQualityUpdate stream=" + streamID + " level=" + std::to_string(q.level), text);
    }
    void onNetworkQuality(const std::string &userID, ZegoStreamQualityLevel up, ZegoStreamQualityLevel down) override {
        log_.add(who, "onNetworkQuality user=" + (userID.empty() ? std::string("(local)") : userID),
                 "up=" + std::to_string(up) + " down=" + std::to_string(down));
    }
    void onRemoteCameraStateUpdate(const std::string &streamID, ZegoRemoteDeviceState state) override {
        log_.add(who, "onRemoteCameraStateUpdate stream=" + streamID + " state=" + std::to_string(state));
    }
    void onRemoteMicStateUpdate(const std::string &streamID, ZegoRemoteDeviceState state) override {
        log_.add(who, "onRemoteMicStateUpdate stream=" + streamID + " state=" + std::to_string(state));
    }
    void onLocalDeviceExceptionOccurred(ZegoDeviceExceptionType type, ZegoDeviceType device,
                                        const std::string &deviceID) override {
        log_.add(who, "onLocalDeviceExceptionOccurred type=" + std::to_string(type) + " device=" +
                          std::to_string(device) + " id=" + deviceID);
    }

  private:
    std::string sincePlay() const {
        if (!playCalled) {
            return std::string();
        }
        char text[64];
        std::snprintf(text, sizeof text, "%.1f ms after startPlayingStream", msBetween(playCalledAt, Clock::now()));
        return text;
    }
};

IZegoExpressEngine *createEngine(const std::shared_ptr<User> &user, const std::string &server) {
    ZegoEngineProfile profile;
    profile.appID = demo::kDevAppID;
    profile.appSign = demo::kDevAppSign;
    profile.scenario = ZEGO_SCENARIO_STANDARD_VIDEO_CALL;
    profile.server = server;
    user->engine = ZegoExpressSDK::createEngine(profile, user);
    return user->engine;
}

void login(const std::shared_ptr<User> &user, demo::EventLog &log) {
    ZegoRoomConfig config;
    config.isUserStatusNotify = true;
    const std::string who = user->who;
    user->engine->loginRoom(kRoom, user->user, config, [who, &log](int errorCode, std::string extendedData) {
        log.add(who, "loginRoom callback" + code(errorCode), extendedData);
    });
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(i, values.size() - 1)];
}

void usage() {
    std::printf("usage: video_call [seconds] [png]\n"
                "  seconds  media time after the first frame (default 5)\n"
                "  png      where to write a received frame (default: $ZEGO_VIDEO_CALL_PNG, else video_call.png)\n"
                "  ZEGO_SERVER=ws://host:port uses an external zego-server instead of an embedded one\n");
}

}  // namespace

int main(int argc, char **argv) {
    double seconds = 5.0;
    std::string pngPath = "video_call.png";
    if (const char *env = std::getenv("ZEGO_VIDEO_CALL_PNG")) {
        if (*env) {
            pngPath = env;
        }
    }
    if (argc > 1) {
        const std::string arg = argv[1];
        if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        }
        char *end = nullptr;
        seconds = std::strtod(argv[1], &end);
        if (!end || *end || !(seconds > 0.0) || seconds > 3600.0) {
            std::fprintf(stderr, "video_call: bad seconds '%s'\n", argv[1]);
            usage();
            return 2;
        }
    }
    if (argc > 2) {
        pngPath = argv[2];
    }
    if (argc > 3) {
        usage();
        return 2;
    }

    demo::EventLog log(std::chrono::milliseconds(static_cast<long long>((60.0 + seconds) * 1000)));
    log.note("zego-express " + ZegoExpressSDK::getVersion() + ", video_call for " + std::to_string(seconds) +
             " s of media, PNG to " + pngPath);

    std::unique_ptr<ZegoLocalServer> localServer;
    std::string server;
    if (!demo::externalServer()) {
        localServer = ZegoLocalServer::start();
        if (!localServer) {
            log.fail("ZegoLocalServer::start failed");
            return log.finish("video_call");
        }
        server = localServer->url();
        log.note("embedded server at " + server);
    } else {
        log.note(std::string("external server ") + std::getenv("ZEGO_SERVER"));
    }

    auto a = std::make_shared<User>(log, "A", "userA");
    auto b = std::make_shared<User>(log, "B", "userB");
    a->playStreams = true;
    auto receiver = std::make_shared<Receiver>();

    if (!createEngine(a, server) || !createEngine(b, server)) {
        log.fail("createEngine failed");
        ZegoExpressSDK::destroyEngine(a->engine);
        localServer.reset();
        return log.finish("video_call");
    }

    // A: custom render (I420) and the playback audio observer, before anything plays.
    ZegoCustomVideoRenderConfig renderConfig;
    renderConfig.bufferType = ZEGO_VIDEO_BUFFER_TYPE_RAW_DATA;
    renderConfig.frameFormatSeries = ZEGO_VIDEO_FRAME_FORMAT_SERIES_YUV;
    renderConfig.enableEngineRender = false;
    a->engine->enableCustomVideoRender(true, &renderConfig);
    a->engine->setCustomVideoRenderHandler(receiver);
    ZegoAudioFrameParam audioParam;
    audioParam.sampleRate = ZEGO_AUDIO_SAMPLE_RATE_48K;
    audioParam.channel = ZEGO_AUDIO_CHANNEL_MONO;
    a->engine->setAudioDataHandler(receiver);
    a->engine->startAudioDataObserver(ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYBACK, audioParam);
    // Canvas frames (zego-express addition) of both engines: A's play view, B's preview.
    a->engine->setCanvasVideoFrameHandler(receiver);
    b->engine->setCanvasVideoFrameHandler(receiver);

    const std::string logined = "onRoomStateChanged room=" + kRoom + " LOGINED errorCode=0";
    login(a, log);
    login(b, log);
    bool ok = log.expect("A", logined) && log.expect("B", logined);

    if (ok) {
        // B: 640x360 at 30 fps, preview into its window, publish.
        ZegoVideoConfig videoConfig(ZEGO_VIDEO_CONFIG_PRESET_360P);
        videoConfig.captureWidth = videoConfig.encodeWidth = kWidth;
        videoConfig.captureHeight = videoConfig.encodeHeight = kHeight;
        videoConfig.fps = kFps;
        b->engine->setVideoConfig(videoConfig);
        ZegoCanvas canvas(static_cast<void *>(&gPreviewWindow));
        b->engine->startPreview(&canvas);
        b->engine->startPublishingStream(kStream);
        ok = log.expect("B", {"onPublisherStateUpdate stream=" + kStream + " PUBLISH_REQUESTING errorCode=0",
                              "onPublisherStateUpdate stream=" + kStream + " PUBLISHING errorCode=0"}) &&
             log.expect("A", {"onRoomStreamUpdate room=" + kRoom + " ADD [" + kStream + "/userB]",
                              "onPlayerStateUpdate stream=" + kStream + " PLAYING errorCode=0"});
    }

    // The media window: from the first rendered frame, `seconds` long.
    double windowWallS = 0.0, windowCpuS = 0.0;
    if (ok) {
        if (!receiver->waitFirstFrame(std::chrono::seconds(20))) {
            log.fail("A: no custom render frame within 20 s of PLAYING");
            ok = false;
        } else {
            log.note("first frame rendered; receiving for " + std::to_string(seconds) + " s");
            const Clock::time_point from = Clock::now();
            const double cpuFrom = cpuSeconds();
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
            windowCpuS = cpuSeconds() - cpuFrom;
            windowWallS = std::chrono::duration<double>(Clock::now() - from).count();
        }
    }
    const Receiver::Snapshot s = receiver->snapshot();

    // Stop (the player first), log out, destroy.
    if (a->engine) {
        if (a->playCalled) {
            a->engine->stopPlayingStream(kStream);
        }
        a->engine->stopAudioDataObserver();
    }
    if (b->engine) {
        b->engine->stopPublishingStream();
        b->engine->stopPreview();
    }
    if (ok) {
        ok = log.expect("A", "onPlayerStateUpdate stream=" + kStream + " NO_PLAY errorCode=0") &&
             log.expect("B", "onPublisherStateUpdate stream=" + kStream + " NO_PUBLISH errorCode=0");
    }
    for (const std::shared_ptr<User> &user : {a, b}) {
        if (!user->engine) {
            continue;
        }
        if (ok) {
            user->engine->logoutRoom(kRoom);
            ok = log.expect(user->who, "onRoomStateChanged room=" + kRoom + " LOGOUT errorCode=0");
        }
        ZegoExpressSDK::destroyEngine(user->engine);
    }
    localServer.reset();
    if (!ok) {
        log.fail("the call flow did not complete (see the first missing event)");
    }

    // The media callbacks of the wrapper.
    const std::vector<std::pair<std::string, std::string>> mediaEvents = {
        {"B", "onPublisherCapturedVideoFirstFrame channel=0"},
        {"B", "onPublisherCapturedAudioFirstFrame"},
        {"B", "onPublisherSendVideoFirstFrame channel=0"},
        {"B", "onPublisherSendAudioFirstFrame channel=0"},
        {"B", "onPublisherVideoSizeChanged 640x360 channel=0"},
        {"A", "onPlayerRecvVideoFirstFrame stream=" + kStream},
        {"A", "onPlayerRecvAudioFirstFrame stream=" + kStream},
        {"A", "onPlayerRenderVideoFirstFrame stream=" + kStream},
        {"A", "onPlayerVideoSizeChanged stream=" + kStream + " 640x360"},
        {"A", "onRemoteCameraStateUpdate stream=" + kStream + " state=0"},
        {"A", "onRemoteMicStateUpdate stream=" + kStream + " state=0"},
    };
    for (const auto &event : mediaEvents) {
        if (log.keys(event.first, event.second).empty()) {
            log.fail(event.first + ": " + event.second + " never came");
        }
    }
    if (!log.keys("A", "onDebugError").empty() || !log.keys("B", "onDebugError").empty()) {
        log.fail("a call reported onDebugError");
    }

    // --- Summary ---
    std::printf("\nvideo_call summary\n");
    std::printf("  video frames received   %zu (%zu with a readable stamp), format errors %zu\n", s.frames, s.stamped,
                s.wrongFormat);
    if (s.haveStamp) {
        const std::string badOrder = s.firstBadOrder.empty() ? "" : " (first: " + s.firstBadOrder + ")";
        std::printf("  stamp index             first %u, last %u; %zu in increasing order, %zu not increasing%s\n",
                    s.firstStamp.index, s.lastStamp.index, s.inOrder, s.notIncreasing, badOrder.c_str());
        std::printf("  stamp capture time      first %u, last %u (low 32 bits of UNIX ms): %u ms of source video\n",
                    s.firstStamp.captureTimeMs, s.lastStamp.captureTimeMs,
                    s.lastStamp.captureTimeMs - s.firstStamp.captureTimeMs);
    } else {
        std::printf("  stamp index             none readable\n");
    }
    std::printf("  resolution              %dx%d (%zu frames not %dx%d, %zu size changes)\n", s.width, s.height,
                s.wrongSize, kWidth, kHeight, s.sizeChanges);
    if (s.haveFirstFrame && a->playCalled) {
        std::printf("  startPlayingStream -> first rendered frame  %.1f ms\n", msBetween(a->playCalledAt, s.firstFrameAt));
    }
    if (!s.latencyMs.empty()) {
        std::printf("  capture -> render (stamp time to callback)  p50 %.0f ms, p90 %.0f ms, max %.0f ms\n",
                    percentile(s.latencyMs, 0.5), percentile(s.latencyMs, 0.9), percentile(s.latencyMs, 1.0));
    }
    if (s.frames > 1) {
        std::printf("  frame rate              %.1f fps (first to last frame)\n",
                    static_cast<double>(s.frames - 1) * 1000.0 / msBetween(s.firstFrameAt, s.lastFrameAt));
    }
    std::printf("  canvas frames           %zu for B's preview view, %zu for A's play view, %zu other\n",
                s.previewCanvasFrames, s.playCanvasFrames, s.otherCanvasFrames);

    const double rate = s.sampleRate > 0 ? s.sampleRate : 48000;
    double dominant = 0.0;
    std::printf("  audio                   %zu samples (%.2f s at %d Hz, %d channel(s)) in %zu callbacks\n",
                s.pcm.size(), static_cast<double>(s.pcm.size()) / rate / std::max(1, s.channels), s.sampleRate,
                s.channels, s.audioCallbacks);
    if (s.channels == 1 && s.pcm.size() >= static_cast<size_t>(rate)) {
        dominant = media::dominantFrequency(s.pcm, rate, 200.0, 2000.0);
        std::printf("  dominant frequency      %.1f Hz (Goertzel, 200-2000 Hz, last 1 s), level %.1f dBFS\n", dominant,
                    media::rmsDbfs(s.pcm, static_cast<size_t>(rate)));
    }

    const double cpuTotal = cpuSeconds();
    if (windowWallS > 0) {
        std::printf("  CPU time                %.3f CPU-s per wall-s during the media window (%.2f CPU-s in %.2f s; "
                    "both engines and the embedded server), %.2f CPU-s for the whole run\n",
                    windowCpuS / windowWallS, windowCpuS, windowWallS, cpuTotal);
    }

    // The PNG of the last stamped frame.
    bool pngOk = false;
    if (!s.y.empty()) {
        const int w = s.frameWidth, h = s.frameHeight, cw = (w + 1) / 2;
        const std::vector<uint8_t> rgb =
            media::i420ToRgb(s.y.data(), w, s.u.data(), cw, s.v.data(), cw, w, h);
        pngOk = png::writeFile(pngPath, png::encodeRgb(rgb, static_cast<uint32_t>(w), static_cast<uint32_t>(h)));
        if (pngOk) {
            std::printf("  png                     wrote %s: %dx%d, stamp index %u\n", pngPath.c_str(), w, h,
                        s.frameStamp.index);
        }
    }
    if (!pngOk) {
        log.fail("could not write the PNG " + pngPath + (s.y.empty() ? " (no stamped frame)" : ""));
    }

    // --- Verdict ---
    if (s.inOrder < kMinFrames) {
        log.fail("at least " + std::to_string(kMinFrames) + " frames with increasing stamps (got " +
                 std::to_string(s.inOrder) + " of " + std::to_string(s.frames) + " frames)");
    }
    if (s.notIncreasing > 0) {
        log.fail("stamps strictly increasing (" + std::to_string(s.notIncreasing) + " were not, first: " +
                 s.firstBadOrder + ")");
    }
    if (s.frames == 0 || s.wrongSize > 0 || s.wrongFormat > 0) {
        log.fail("every frame I420 at " + std::to_string(kWidth) + "x" + std::to_string(kHeight) + " (" +
                 std::to_string(s.wrongSize) + " other sizes, " + std::to_string(s.wrongFormat) + " bad frames)");
    }
    if (std::abs(dominant - kToneHz) > kToneToleranceHz) {
        log.fail("audio: dominant frequency 440 +- 10 Hz (got " + std::to_string(dominant) + " Hz from " +
                 std::to_string(s.pcm.size()) + " samples)");
    }
    if (s.previewCanvasFrames == 0 || s.playCanvasFrames == 0) {
        log.fail("canvas frames for both views (preview " + std::to_string(s.previewCanvasFrames) + ", play " +
                 std::to_string(s.playCanvasFrames) + ")");
    }
    return log.finish("video_call");
}
