// demo_support.h: shared helpers of the example programs: readable enum names, a
// timestamped event log that the main thread can wait on (condition variable, no sleeps),
// and the development app's credentials.
#ifndef ZEGO_EXAMPLES_DEMO_SUPPORT_H
#define ZEGO_EXAMPLES_DEMO_SUPPORT_H

#include "ZegoExpressSDK.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace demo {

using namespace ZEGO::EXPRESS;

// The development app every zego-server (and the embedded one) knows.
const unsigned int kDevAppID = 1234567890;
const char *const kDevAppSign = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

inline const char *name(ZegoRoomStateChangedReason reason) {
    switch (reason) {
    case ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING: return "LOGINING";
    case ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED: return "LOGINED";
    case ZEGO_ROOM_STATE_CHANGED_REASON_LOGIN_FAILED: return "LOGIN_FAILED";
    case ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTING: return "RECONNECTING";
    case ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTED: return "RECONNECTED";
    case ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECT_FAILED: return "RECONNECT_FAILED";
    case ZEGO_ROOM_STATE_CHANGED_REASON_KICK_OUT: return "KICK_OUT";
    case ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT: return "LOGOUT";
    case ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT_FAILED: return "LOGOUT_FAILED";
    }
    return "?";
}

inline const char *name(ZegoRoomState state) {
    switch (state) {
    case ZEGO_ROOM_STATE_DISCONNECTED: return "DISCONNECTED";
    case ZEGO_ROOM_STATE_CONNECTING: return "CONNECTING";
    case ZEGO_ROOM_STATE_CONNECTED: return "CONNECTED";
    }
    return "?";
}

inline const char *name(ZegoUpdateType type) { return type == ZEGO_UPDATE_TYPE_ADD ? "ADD" : "DELETE"; }

inline const char *name(ZegoPublisherState state) {
    switch (state) {
    case ZEGO_PUBLISHER_STATE_NO_PUBLISH: return "NO_PUBLISH";
    case ZEGO_PUBLISHER_STATE_PUBLISH_REQUESTING: return "PUBLISH_REQUESTING";
    case ZEGO_PUBLISHER_STATE_PUBLISHING: return "PUBLISHING";
    }
    return "?";
}

inline const char *name(ZegoPlayerState state) {
    switch (state) {
    case ZEGO_PLAYER_STATE_NO_PLAY: return "NO_PLAY";
    case ZEGO_PLAYER_STATE_PLAY_REQUESTING: return "PLAY_REQUESTING";
    case ZEGO_PLAYER_STATE_PLAYING: return "PLAYING";
    }
    return "?";
}

inline std::string join(const std::vector<ZegoUser> &users) {
    std::string text = "[";
    for (size_t i = 0; i < users.size(); ++i) {
        text += (i ? "," : "") + users[i].userID;
    }
    return text + "]";
}

inline std::string join(const std::vector<ZegoStream> &streams) {
    std::string text = "[";
    for (size_t i = 0; i < streams.size(); ++i) {
        text += (i ? "," : "") + streams[i].streamID + "/" + streams[i].user.userID;
    }
    return text + "]";
}

/*
 * Every callback of every engine, in arrival order, with a timestamp. Each entry has a key
 * (what the checks match, without volatile values such as message ids) and free detail text.
 * The main thread waits for keys with expect(), which enforces the order of the keys it is
 * given within one participant's log (one engine's callbacks arrive in event order).
 */
class EventLog {
  public:
    explicit EventLog(std::chrono::milliseconds timeout)
        : start_(std::chrono::steady_clock::now()), deadline_(start_ + timeout) {}

    double elapsedMs() const {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    }

    /* Records (and prints) one event of participant `who`. Safe from any thread. */
    void add(const std::string &who, const std::string &key, const std::string &detail = std::string()) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::printf("[%9.3f ms] %-2s %s%s%s\n", elapsedMs(), who.c_str(), key.c_str(), detail.empty() ? "" : "  ",
                    detail.c_str());
        std::fflush(stdout);
        events_[who].push_back(key);
        changed_.notify_all();
    }

    /* Prints a note (not an event). */
    void note(const std::string &text) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::printf("[%9.3f ms] -- %s\n", elapsedMs(), text.c_str());
        std::fflush(stdout);
    }

    /*
     * Waits until `who` logged each of `keys` in this order, after everything matched for `who`
     * before. Returns false (and remembers what is missing) when the deadline passes.
     */
    bool expect(const std::string &who, const std::vector<std::string> &keys) {
        std::unique_lock<std::mutex> lock(mutex_);
        for (const std::string &key : keys) {
            size_t &cursor = cursors_[who];
            bool found = changed_.wait_until(lock, deadline_, [&] {
                const std::vector<std::string> &log = events_[who];
                for (size_t i = cursor; i < log.size(); ++i) {
                    if (log[i] == key) {
                        cursor = i + 1;
                        return true;
                    }
                }
                return false;
            });
            if (!found) {
                missing_.push_back(who + ": " + key);
                return false;
            }
        }
        return true;
    }

    bool expect(const std::string &who, const std::string &key) { return expect(who, std::vector<std::string>{key}); }

    /*
     * Like expect(), for keys whose relative order is not guaranteed (results of independent
     * calls): each must come after everything matched for `who` before, in any order.
     */
    bool expectAll(const std::string &who, const std::vector<std::string> &keys) {
        std::unique_lock<std::mutex> lock(mutex_);
        const size_t start = cursors_[who];
        size_t end = start;
        for (const std::string &key : keys) {
            bool found = changed_.wait_until(lock, deadline_, [&] {
                const std::vector<std::string> &log = events_[who];
                for (size_t i = start; i < log.size(); ++i) {
                    if (log[i] == key) {
                        end = std::max(end, i + 1);
                        return true;
                    }
                }
                return false;
            });
            if (!found) {
                missing_.push_back(who + ": " + key);
                return false;
            }
        }
        cursors_[who] = end;
        return true;
    }

    /* The keys `who` logged so far that start with `prefix`, in order. */
    std::vector<std::string> keys(const std::string &who, const std::string &prefix) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> found;
        for (const std::string &key : events_[who]) {
            if (key.compare(0, prefix.size(), prefix) == 0) {
                found.push_back(key);
            }
        }
        return found;
    }

    /* Records a failed synchronous check. */
    void fail(const std::string &what) {
        std::lock_guard<std::mutex> lock(mutex_);
        missing_.push_back(what);
    }

    bool ok() {
        std::lock_guard<std::mutex> lock(mutex_);
        return missing_.empty();
    }

    /* Prints the verdict; returns the process exit code (0 only when nothing is missing). */
    int finish(const char *program) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (missing_.empty()) {
            std::printf("%s: PASS (%.0f ms)\n", program, elapsedMs());
            return 0;
        }
        std::printf("%s: FAIL; missing or wrong (in expected order):\n", program);
        for (const std::string &m : missing_) {
            std::printf("  - %s\n", m.c_str());
        }
        std::printf("events seen per participant:\n");
        for (const auto &entry : events_) {
            std::printf("  %s:\n", entry.first.c_str());
            for (const std::string &key : entry.second) {
                std::printf("      %s\n", key.c_str());
            }
        }
        return 1;
    }

  private:
    const std::chrono::steady_clock::time_point start_;
    const std::chrono::steady_clock::time_point deadline_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::vector<std::string>> events_;
    std::map<std::string, size_t> cursors_;
    std::vector<std::string> missing_;
};

/* Whether the programs should use an external server: ZEGO_SERVER set and not empty. */
inline bool externalServer() {
    const char *env = std::getenv("ZEGO_SERVER");
    return env && *env;
}

}  // namespace demo

#endif
