// double_include_b.cc: second translation unit including ZegoExpressSDK.h, and main. Runs the
// offline checks of double_include_a.cc, then checks against an embedded server that a
// callback may destroy its own engine (the completion callback follows once the callback
// returned) and that an exception thrown by a handler does not escape into the library.
#include "ZegoExpressSDK.h"
#include "checks.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ZEGO::EXPRESS;

namespace {

class DestroyingHandler : public IZegoEventHandler {
  public:
    IZegoExpressEngine *engine = nullptr;  // set before loginRoom

    // Thrown on purpose: the wrapper must swallow it.
    void onRoomStateUpdate(const std::string &, ZegoRoomState, int, const std::string &) override {
        throw std::runtime_error("thrown by a handler on purpose");
    }

    void onRoomStateChanged(const std::string &, ZegoRoomStateChangedReason reason, int errorCode,
                            const std::string &) override {
        std::unique_lock<std::mutex> lock(mutex_);
        reasons_.push_back(reason);
        if (reason == ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED && errorCode == 0 && engine) {
            IZegoExpressEngine *self = engine;
            engine = nullptr;
            lock.unlock();
            // Destroy from inside the engine's own callback.
            ZegoExpressSDK::destroyEngine(self, [this] {
                std::lock_guard<std::mutex> guard(mutex_);
                destroyed_ = true;
                changed_.notify_all();
            });
            lock.lock();
            destroyReturned_ = true;
            completedBeforeReturn_ = destroyed_;
        }
    }

    bool waitDestroyed(std::chrono::seconds timeout) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, timeout, [this] { return destroyed_; });
    }

    bool destroyReturned() {
        std::lock_guard<std::mutex> lock(mutex_);
        return destroyReturned_;
    }

    bool completedBeforeReturn() {
        std::lock_guard<std::mutex> lock(mutex_);
        return completedBeforeReturn_;
    }

    std::vector<ZegoRoomStateChangedReason> reasons() {
        std::lock_guard<std::mutex> lock(mutex_);
        return reasons_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool destroyed_ = false;
    bool destroyReturned_ = false;
    bool completedBeforeReturn_ = false;
    std::vector<ZegoRoomStateChangedReason> reasons_;
};

void runServerChecks(Checks &checks) {
    int serverCode = -1;
    std::unique_ptr<ZegoLocalServer> server = ZegoLocalServer::start("127.0.0.1:0", "", &serverCode);
    checks.check(server != nullptr && serverCode == 0, "ZegoLocalServer::start() succeeds");
    if (!server) {
        return;
    }
    checks.check(server->url().compare(0, 5, "ws://") == 0, "ZegoLocalServer::url() is " + server->url());

    auto handler = std::make_shared<DestroyingHandler>();
    ZegoEngineProfile profile;
    profile.appID = 1234567890;
    profile.appSign = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    profile.server = server->url();
    IZegoExpressEngine *engine = ZegoExpressSDK::createEngine(profile, handler);
    checks.check(engine != nullptr, "createEngine against the embedded server");
    if (!engine) {
        return;
    }
    handler->engine = engine;
    engine->loginRoom("double_include_room", ZegoUser("u1", "u1"));

    bool destroyed = handler->waitDestroyed(std::chrono::seconds(10));
    if (!destroyed) {
        // The completion callback may still come later: keep what it uses alive.
        static std::shared_ptr<DestroyingHandler> keepAlive;
        keepAlive = handler;
    }
    checks.check(destroyed, "destroyEngine called inside onRoomStateChanged(LOGINED) completes (callback ran)");
    checks.check(handler->destroyReturned() && !handler->completedBeforeReturn(),
                 "... it returned at once; the completion callback came after the handler returned");
    std::vector<ZegoRoomStateChangedReason> reasons = handler->reasons();
    checks.check(reasons.size() >= 2 && reasons[0] == ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING &&
                     reasons[1] == ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED,
                 "onRoomStateChanged still arrived after onRoomStateUpdate threw (LOGINING, LOGINED)");
    checks.check(ZegoExpressSDK::getEngine() == nullptr, "getEngine() is nullptr after the in-callback destroy");
}

}  // namespace

int main() {
    Checks checks;
    std::printf("wrapper_double_include: offline checks\n");
    runOfflineChecks(checks);
    std::printf("wrapper_double_include: checks with an embedded server\n");
    runServerChecks(checks);
    std::printf("wrapper_double_include: %s (%d passed, %d failed)\n", checks.failed ? "FAIL" : "PASS", checks.passed,
                checks.failed);
    return checks.failed ? 1 : 0;
}
