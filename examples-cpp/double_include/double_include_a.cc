// double_include_a.cc: first translation unit including ZegoExpressSDK.h (with
// double_include_b.cc it proves every function of the header is inline), and the checks of
// the wrapper that need no server.
#include "ZegoExpressSDK.h"
#include "checks.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

using namespace ZEGO::EXPRESS;

namespace {

const unsigned int kDevAppID = 1234567890;
const char *const kDevAppSign = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
// Nothing listens there: the checks below never need the server.
const char *const kNoServer = "ws://127.0.0.1:9";

// Records onDebugError calls.
class RecordingHandler : public IZegoEventHandler {
  public:
    void onDebugError(int errorCode, const std::string &funcName, const std::string &info) override {
        std::lock_guard<std::mutex> lock(mutex_);
        errors_.push_back(std::make_pair(errorCode, funcName));
        std::printf("        onDebugError(%d, %s, %s)\n", errorCode, funcName.c_str(), info.c_str());
    }

    // The last onDebugError as (code, function), or (0, "") when there was none; clears the list.
    std::pair<int, std::string> takeLast() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::pair<int, std::string> last = errors_.empty() ? std::make_pair(0, std::string()) : errors_.back();
        errors_.clear();
        return last;
    }

  private:
    std::mutex mutex_;
    std::vector<std::pair<int, std::string>> errors_;
};

ZegoEngineProfile devProfile() {
    ZegoEngineProfile profile;
    profile.appID = kDevAppID;
    profile.appSign = kDevAppSign;
    profile.server = kNoServer;
    return profile;
}

bool sameVideo(const ZegoVideoConfig &a, const ZegoVideoConfig &b) {
    return a.captureWidth == b.captureWidth && a.captureHeight == b.captureHeight && a.encodeWidth == b.encodeWidth &&
           a.encodeHeight == b.encodeHeight && a.fps == b.fps && a.bitrate == b.bitrate && a.codecID == b.codecID &&
           a.keyFrameInterval == b.keyFrameInterval;
}

}  // namespace

void runOfflineChecks(Checks &checks) {
    auto handler = std::make_shared<RecordingHandler>();

    checks.check(!ZegoExpressSDK::getVersion().empty(), "getVersion() is not empty: " + ZegoExpressSDK::getVersion());
    checks.check(ZegoExpressSDK::getEngine() == nullptr, "getEngine() is nullptr before createEngine");

    // Profile defaults and presets.
    ZegoEngineProfile defaults;
    checks.check(defaults.appID == 0 && defaults.scenario == ZEGO_SCENARIO_DEFAULT && defaults.server.empty(),
                 "ZegoEngineProfile defaults: appID 0, ZEGO_SCENARIO_DEFAULT, server empty");
    ZegoVideoConfig v720(ZEGO_VIDEO_CONFIG_PRESET_720P);
    checks.check(v720.encodeWidth == 1280 && v720.encodeHeight == 720 && v720.captureWidth == 1280 && v720.fps == 15 &&
                     v720.bitrate == 1500 && v720.keyFrameInterval == 2,
                 "ZegoVideoConfig(720P) is 1280x720, 15 fps, 1500 kbps");
    ZegoVideoConfig v360;
    checks.check(v360.encodeWidth == 640 && v360.encodeHeight == 360 && v360.bitrate == 600,
                 "ZegoVideoConfig() defaults to 360P (640x360, 600 kbps)");
    ZegoAudioConfig aHigh(ZEGO_AUDIO_CONFIG_PRESET_HIGH_QUALITY_STEREO);
    checks.check(aHigh.bitrate == 192 && aHigh.channel == ZEGO_AUDIO_CHANNEL_STEREO,
                 "ZegoAudioConfig(HIGH_QUALITY_STEREO) is 192 kbps stereo");
    ZegoCanvas canvas;
    checks.check(canvas.view == nullptr && canvas.viewMode == ZEGO_VIEW_MODE_ASPECT_FIT && canvas.backgroundColor == 0,
                 "ZegoCanvas() defaults");
    ZegoAudioFrameParam audioParam;
    checks.check(audioParam.sampleRate == ZEGO_AUDIO_SAMPLE_RATE_UNKNOWN && audioParam.channel == ZEGO_AUDIO_CHANNEL_MONO,
                 "ZegoAudioFrameParam() defaults: UNKNOWN sample rate, MONO");
    ZegoVideoFrameParam frameParam;
    checks.check(frameParam.format == ZEGO_VIDEO_FRAME_FORMAT_UNKNOWN && frameParam.strides[0] == 0 &&
                     frameParam.strides[3] == 0 && frameParam.width == 0 && frameParam.height == 0,
                 "ZegoVideoFrameParam() is zeroed");
    ZegoCustomVideoRenderConfig renderConfig;
    checks.check(renderConfig.bufferType == ZEGO_VIDEO_BUFFER_TYPE_RAW_DATA &&
                     renderConfig.frameFormatSeries == ZEGO_VIDEO_FRAME_FORMAT_SERIES_RGB && !renderConfig.enableEngineRender,
                 "ZegoCustomVideoRenderConfig() defaults: RAW_DATA, RGB series");

    // createEngine failures reach onDebugError and give nullptr.
    ZegoEngineProfile noApp = devProfile();
    noApp.appID = 0;
    checks.check(ZegoExpressSDK::createEngine(noApp, handler) == nullptr, "createEngine with appID 0 gives nullptr");
    checks.check(handler->takeLast() == std::make_pair(1001000, std::string("createEngine")),
                 "... and onDebugError(1001000, createEngine)");
    ZegoEngineProfile badSign = devProfile();
    badSign.appSign = "abc";
    checks.check(ZegoExpressSDK::createEngine(badSign, handler) == nullptr, "createEngine with a 3-char appSign gives nullptr");
    checks.check(handler->takeLast() == std::make_pair(1001001, std::string("createEngine")),
                 "... and onDebugError(1001001, createEngine)");

    IZegoExpressEngine *engine = ZegoExpressSDK::createEngine(devProfile(), handler);
    checks.check(engine != nullptr, "createEngine with the dev app succeeds");
    if (!engine) {
        return;
    }
    checks.check(ZegoExpressSDK::getEngine() == engine, "getEngine() returns it");

    // Synchronous errors: onDebugError, and the per-call callback gets the code at once.
    engine->startPublishingStream("s1");
    checks.check(handler->takeLast() == std::make_pair(1000002, std::string("startPublishingStream")),
                 "startPublishingStream before login: onDebugError(1000002, startPublishingStream)");

    int loginCode = -1;
    engine->loginRoom("room", ZegoUser("", ""), ZegoRoomConfig(),
                      [&loginCode](int errorCode, std::string /*extendedData*/) { loginCode = errorCode; });
    checks.check(loginCode == 1002005, "loginRoom with an empty userID calls its callback at once with 1002005");
    checks.check(handler->takeLast() == std::make_pair(1002005, std::string("loginRoom")),
                 "... and onDebugError(1002005, loginRoom)");

    int sendCode = -1;
    engine->sendBroadcastMessage("room", "hi", [&sendCode](int errorCode, unsigned long long) { sendCode = errorCode; });
    std::pair<int, std::string> sendError = handler->takeLast();
    checks.check(sendCode != -1 && sendCode != 0 && sendError == std::make_pair(sendCode, std::string("sendBroadcastMessage")),
                 "sendBroadcastMessage outside a room: callback and onDebugError with the same code (" +
                     std::to_string(sendCode) + ")");

    int customCode = -1;
    engine->sendCustomCommand("room", "cmd", {}, [&customCode](int errorCode) { customCode = errorCode; });
    checks.check(customCode == 1009011, "sendCustomCommand to nobody: callback with 1009011");
    handler->takeLast();

    // Configuration round trip and validation.
    engine->setVideoConfig(v720);
    checks.check(sameVideo(engine->getVideoConfig(), v720), "getVideoConfig() returns what setVideoConfig(720P) set");
    checks.check(handler->takeLast().first == 0, "... without onDebugError");
    ZegoVideoConfig odd = v720;
    odd.encodeWidth = 641;
    engine->setVideoConfig(odd, ZEGO_PUBLISH_CHANNEL_AUX);
    checks.check(handler->takeLast() == std::make_pair(1000017, std::string("setVideoConfig")),
                 "setVideoConfig with an odd width: onDebugError(1000017, setVideoConfig)");
    engine->setAudioConfig(aHigh);
    checks.check(handler->takeLast().first == 0, "setAudioConfig(HIGH_QUALITY_STEREO) is accepted");
    ZegoAudioConfig audio = engine->getAudioConfig();
    checks.check(audio.bitrate == 192 && audio.channel == ZEGO_AUDIO_CHANNEL_STEREO && handler->takeLast().first == 0,
                 "getAudioConfig() returns it (192 kbps stereo)");

    // Media switches and custom I/O: argument errors reach onDebugError.
    engine->mutePublishStreamAudio(true);
    engine->mutePublishStreamVideo(true, ZEGO_PUBLISH_CHANNEL_AUX);
    engine->muteMicrophone(true);
    engine->muteSpeaker(true);
    engine->enableCamera(false);
    engine->muteMicrophone(false);
    engine->muteSpeaker(false);
    engine->enableCamera(true);
    checks.check(handler->takeLast().first == 0, "mutePublishStream*/muteMicrophone/muteSpeaker/enableCamera are accepted");
    engine->mutePlayStreamAudio("not_played", true);
    checks.check(handler->takeLast() == std::make_pair(1004011, std::string("mutePlayStreamAudio")),
                 "mutePlayStreamAudio of a stream not played: onDebugError(1004011)");
    engine->mutePlayStreamVideo("not_played", true);
    checks.check(handler->takeLast() == std::make_pair(1004011, std::string("mutePlayStreamVideo")),
                 "mutePlayStreamVideo of a stream not played: onDebugError(1004011)");
    ZegoCustomVideoRenderConfig encoded;
    encoded.bufferType = ZEGO_VIDEO_BUFFER_TYPE_ENCODED_DATA;
    engine->enableCustomVideoRender(true, &encoded);
    checks.check(handler->takeLast() == std::make_pair(1011011, std::string("enableCustomVideoRender")),
                 "enableCustomVideoRender(ENCODED_DATA): onDebugError(1011011)");
    renderConfig.frameFormatSeries = ZEGO_VIDEO_FRAME_FORMAT_SERIES_YUV;
    engine->enableCustomVideoRender(true, &renderConfig);
    engine->enableCustomVideoRender(false, nullptr);
    checks.check(handler->takeLast().first == 0, "enableCustomVideoRender(YUV) and (false, nullptr) are accepted");
    ZegoAudioFrameParam cd;
    cd.sampleRate = ZEGO_AUDIO_SAMPLE_RATE_44K;
    engine->startAudioDataObserver(ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYBACK, cd);
    checks.check(handler->takeLast() == std::make_pair(1000017, std::string("startAudioDataObserver")),
                 "startAudioDataObserver at 44.1 kHz: onDebugError(1000017)");
    engine->startAudioDataObserver(ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYBACK, audioParam);
    engine->stopAudioDataObserver();
    checks.check(handler->takeLast().first == 0, "startAudioDataObserver(PLAYBACK, defaults) / stop are accepted");
    std::vector<unsigned char> i420(320 * 180 * 3 / 2, 128);
    ZegoVideoFrameParam i420Param;
    i420Param.format = ZEGO_VIDEO_FRAME_FORMAT_I420;
    i420Param.width = 320;
    i420Param.height = 180;
    engine->sendCustomVideoCaptureRawData(i420.data(), static_cast<unsigned int>(i420.size()), i420Param, 0);
    checks.check(handler->takeLast() == std::make_pair(1011002, std::string("sendCustomVideoCaptureRawData")),
                 "sendCustomVideoCaptureRawData before enableCustomVideoCapture: onDebugError(1011002)");
    engine->enableCustomVideoCapture(true, nullptr);
    engine->sendCustomVideoCaptureRawData(i420.data(), static_cast<unsigned int>(i420.size()), i420Param, 0);
    checks.check(handler->takeLast().first == 0, "enableCustomVideoCapture then an I420 frame: accepted");
    ZegoVideoFrameParam unknown = i420Param;
    unknown.format = ZEGO_VIDEO_FRAME_FORMAT_UNKNOWN;
    engine->sendCustomVideoCaptureRawData(i420.data(), static_cast<unsigned int>(i420.size()), unknown, 0);
    checks.check(handler->takeLast() == std::make_pair(1011010, std::string("sendCustomVideoCaptureRawData")),
                 "sendCustomVideoCaptureRawData in format UNKNOWN: onDebugError(1011010)");
    ZegoVideoFrameParam bgr = i420Param;
    bgr.format = ZEGO_VIDEO_FRAME_FORMAT_BGR24;
    engine->sendCustomVideoCaptureRawData(i420.data(), static_cast<unsigned int>(i420.size()), bgr, 0);
    checks.check(handler->takeLast() == std::make_pair(1000017, std::string("sendCustomVideoCaptureRawData")),
                 "sendCustomVideoCaptureRawData with too little data for BGR24: onDebugError(1000017)");
    engine->enableCustomVideoCapture(false, nullptr);

    // Devices: the virtual ones are always listed and can be chosen.
    auto hasDevice = [](const std::vector<ZegoDeviceInfo> &list, const std::string &id) {
        for (const ZegoDeviceInfo &device : list) {
            if (device.deviceID == id && !device.deviceName.empty()) {
                return true;
            }
        }
        return false;
    };
    checks.check(hasDevice(engine->getVideoDeviceList(), "zego-virtual-camera"),
                 "getVideoDeviceList() lists zego-virtual-camera");
    checks.check(hasDevice(engine->getAudioDeviceList(ZEGO_AUDIO_DEVICE_TYPE_INPUT), "zego-virtual-microphone"),
                 "getAudioDeviceList(INPUT) lists zego-virtual-microphone");
    checks.check(hasDevice(engine->getAudioDeviceList(ZEGO_AUDIO_DEVICE_TYPE_OUTPUT), "zego-null-speaker"),
                 "getAudioDeviceList(OUTPUT) lists zego-null-speaker");
    checks.check(!engine->getDefaultVideoDeviceID().empty() &&
                     !engine->getDefaultAudioDeviceID(ZEGO_AUDIO_DEVICE_TYPE_INPUT).empty() &&
                     !engine->getDefaultAudioDeviceID(ZEGO_AUDIO_DEVICE_TYPE_OUTPUT).empty() &&
                     handler->takeLast().first == 0,
                 "getDefaultVideoDeviceID() / getDefaultAudioDeviceID(INPUT, OUTPUT): " +
                     engine->getDefaultVideoDeviceID() + ", " +
                     engine->getDefaultAudioDeviceID(ZEGO_AUDIO_DEVICE_TYPE_INPUT) + ", " +
                     engine->getDefaultAudioDeviceID(ZEGO_AUDIO_DEVICE_TYPE_OUTPUT));
    engine->useVideoDevice("no-such-camera");
    checks.check(handler->takeLast() == std::make_pair(1006002, std::string("useVideoDevice")),
                 "useVideoDevice(unknown id): onDebugError(1006002)");
    engine->useVideoDevice("zego-virtual-camera");
    engine->useAudioDevice(ZEGO_AUDIO_DEVICE_TYPE_INPUT, "zego-virtual-microphone");
    engine->useAudioDevice(ZEGO_AUDIO_DEVICE_TYPE_OUTPUT, "zego-null-speaker");
    checks.check(handler->takeLast().first == 0, "useVideoDevice / useAudioDevice with the virtual devices are accepted");

    engine->setCustomVideoRenderHandler(nullptr);
    engine->setAudioDataHandler(nullptr);
    engine->setCanvasVideoFrameHandler(nullptr);
    engine->startPreview();
    engine->stopPreview();
    checks.check(handler->takeLast().first == 0, "startPreview() / stopPreview() outside a room are accepted");

    // Several engines; getEngine follows creation order; each is destroyed exactly once.
    IZegoExpressEngine *second = ZegoExpressSDK::createEngine(devProfile(), nullptr);
    checks.check(second != nullptr && second != engine, "a second engine can live next to the first");
    checks.check(ZegoExpressSDK::getEngine() == second, "getEngine() returns the most recent engine");
    IZegoExpressEngine *stale = second;
    bool secondDone = false;
    ZegoExpressSDK::destroyEngine(second, [&secondDone] { secondDone = true; });
    checks.check(second == nullptr, "destroyEngine sets the pointer to nullptr");
    checks.check(secondDone, "destroyEngine from the main thread runs its callback before returning");
    checks.check(ZegoExpressSDK::getEngine() == engine, "getEngine() falls back to the remaining engine");
    bool staleCalled = false;
    ZegoExpressSDK::destroyEngine(stale, [&staleCalled] { staleCalled = true; });
    checks.check(stale == nullptr && !staleCalled, "destroyEngine on an already destroyed engine does nothing");

    ZegoExpressSDK::destroyEngine(engine);
    checks.check(engine == nullptr && ZegoExpressSDK::getEngine() == nullptr, "all engines destroyed");

    // Engine-wide config (no observable result; must not crash).
    ZegoEngineConfig config;
    config.advancedConfig["room_retry_time"] = "30";
    ZegoExpressSDK::setEngineConfig(config);
    checks.check(true, "setEngineConfig with advancedConfig room_retry_time=30");

    // Embedded server errors.
    int serverCode = 0;
    std::unique_ptr<ZegoLocalServer> bad = ZegoLocalServer::start("not an address", "", &serverCode);
    checks.check(!bad && serverCode != 0, "ZegoLocalServer::start(\"not an address\") fails with code " + std::to_string(serverCode));
    bad = ZegoLocalServer::start("127.0.0.1:0", "{\"unknown\": 1}", &serverCode);
    checks.check(!bad && serverCode == 1001902, "ZegoLocalServer::start with an invalid config fails with 1001902 (got " +
                                                    std::to_string(serverCode) + ")");
}
