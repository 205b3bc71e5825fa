// SeedFlow: the Swift call flow of ZEGO's quick start "实现视频通话" (seed 000), kept as close to
// the document's snippets as possible. Every change from the document is marked "CHANGE:":
//
//  1. The snippets use values they never declare (appID, appSign, localStreamID, the views);
//     they are declared here: zego-server's development app, "stream1", and HeadlessView
//     objects standing in for UIView/NSView (no window on a build machine).
//  2. ZegoEngineProfile.server (a zego-express addition) names the server: the argument, else
//     $ZEGO_SERVER, else the library's embedded server (ZegoLocalServer).
//  3. Two users in one process: "user2" logs in first; "user1" previews and publishes "stream1"
//     after LOGINED; user2 plays it from onRoomStreamUpdate(.add), as in the document. With two
//     engines, each handler calls its own engine where the document says
//     ZegoExpressEngine.shared() (shared() is the oldest engine, user2's).
//  4. The player stops first, then the publisher stops publishing and previewing; both log out
//     with logoutRoom(); user1's engine is destroyed with a completion closure, user2's (the
//     shared one) with ZegoExpressEngine.destroy(nil) as in the document.
//  5. Logging, so that the run is checked: exit 0 only if user1 saw exactly publishRequesting,
//     publishing, noPublish and user2 exactly playRequesting, playing, noPlay, all with
//     errorCode 0, each step within 15 s, and no onDebugError.
//  6. The document's onPublisherStateUpdate switch misses its closing brace; onNetworkQuality
//     compares a non-optional String with nil: both are written so that they compile.
//
// Usage: SeedFlow [ws://host:port]
import Foundation
import ZegoExpress

// CHANGE 1: the values the snippets use.
let appID: UInt32 = 1234567890
let appSign = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
let roomID = "room1"
let localStreamID = "stream1"

/// Stands in for a UIView / NSView.
final class HeadlessView {}

/// Every event, with the user it happened to; `expect` waits for the next one a user should see.
final class EventLog {
    private let condition = NSCondition()
    private var events: [(user: String, text: String)] = []
    private var cursor: [String: Int] = [:]  // per user: index after the last expected event
    private let start = Date()

    func add(_ user: String, _ text: String) {
        condition.lock()
        events.append((user: user, text: text))
        let ms = String(format: "%7.1f", Date().timeIntervalSince(start) * 1000)
        print("\(ms) ms  \(user)  \(text)")
        fflush(stdout)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits up to 15 s for each of `texts`, in order, among `user`'s events after the last match.
    func expect(_ user: String, _ texts: [String]) -> Bool {
        for text in texts {
            let deadline = Date().addingTimeInterval(15)
            condition.lock()
            var found = false
            while !found {
                let from = cursor[user] ?? 0
                if let index = events.indices.dropFirst(from).first(where: { events[$0].user == user && events[$0].text == text }) {
                    cursor[user] = index + 1
                    found = true
                } else if !condition.wait(until: deadline) {
                    break
                }
            }
            condition.unlock()
            if !found {
                print("MISSING  \(user)  \(text)")
                return false
            }
        }
        return true
    }

    func expect(_ user: String, _ text: String) -> Bool {
        return expect(user, [text])
    }

    /// `user`'s events that start with `prefix`, in order.
    func texts(_ user: String, prefix: String) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        return events.filter { $0.user == user && $0.text.hasPrefix(prefix) }.map { $0.text }
    }
}

let eventLog = EventLog()

final class VideoTalk: ZegoEventHandler {
    let userID: String
    let publisher: Bool
    var engine: ZegoExpressEngine?
    let localUserView = HeadlessView()  // CHANGE 1
    let remoteUserView = HeadlessView()  // CHANGE 1

    init(userID: String, publisher: Bool) {
        self.userID = userID
        self.publisher = publisher
    }

    func onRoomStateChanged(_ reason: ZegoRoomStateChangedReason, errorCode: Int32, extendedData: [AnyHashable : Any], roomID: String) {
        eventLog.add(userID, "onRoomStateChanged room=\(roomID) \(reason) errorCode=\(errorCode)")
        if reason == .logining {
            // 正在登录房间
        } else if reason == .logined {
            // 登录房间成功。只有当房间状态是登录成功或重连成功时，推流、拉流才能正常收发音视频
            if publisher, let engine = engine {
                // 设置本地预览视图并启动预览，视图模式采用 SDK 默认的模式，等比缩放填充整个 View
                let previewCanvas = ZegoCanvas(view: localUserView)
                engine.startPreview(previewCanvas)  // CHANGE 3: ZegoExpressEngine.shared() in the document
                // 用户调用 loginRoom 之后再调用此接口进行推流
                engine.startPublishingStream(localStreamID)
            }
        } else if reason == .loginFailed {
            // 登录房间失败
        } else if reason == .reconnecting {
            // 房间连接临时中断
        } else if reason == .reconnected {
            // 房间重新连接成功
        } else if reason == .reconnectFailed {
            // 房间重新连接失败
        } else if reason == .kickOut {
            // 被服务器踢出房间
        } else if reason == .logout {
            // 登出房间成功
        } else if reason == .logoutFailed {
            // 登出房间失败
        }
    }

    // 房间内其他用户推流/停止推流时，我们会在这里收到相应流增减的通知
    func onRoomStreamUpdate(_ updateType: ZegoUpdateType, streamList: [ZegoStream], extendedData: [AnyHashable: Any]?, roomID: String) {
        let streams = streamList.map { "\($0.streamID)/\($0.user.userID)" }.joined(separator: ",")
        eventLog.add(userID, "onRoomStreamUpdate room=\(roomID) \(updateType) [\(streams)]")
        if updateType == .add {
            // 开始拉流，设置远端拉流渲染视图，视图模式采用 SDK 默认的模式，等比缩放填充整个 View
            let streamID = streamList[0].streamID
            engine?.startPlayingStream(streamID, canvas: ZegoCanvas(view: remoteUserView))  // CHANGE 3
        } else if updateType == .delete {
            // 有音视频流删除，此时我们可以调用 stopPlayingStream 接口停止播放该音视频流
        }
    }

    // 只有在登录房间时 isUserStatusNotify 为 true，用户才能收到房间内其他用户的回调
    func onRoomUserUpdate(_ updateType: ZegoUpdateType, userList: [ZegoUser], roomID: String) {
        if updateType == .add {
            for user in userList {
                eventLog.add(userID, "onRoomUserUpdate room=\(roomID) add \(user.userName)")
            }
        } else if updateType == .delete {
            for user in userList {
                eventLog.add(userID, "onRoomUserUpdate room=\(roomID) delete \(user.userName)")
            }
        }
    }

    // 用户推送音视频流的状态通知
    func onPublisherStateUpdate(_ state: ZegoPublisherState, errorCode: Int32, extendedData: [AnyHashable : Any]?, streamID: String) {
        eventLog.add(userID, "onPublisherStateUpdate stream=\(streamID) \(state) errorCode=\(errorCode)")
        if errorCode != 0 {
            // 推流状态出错
        } else {
            switch state {
            case .publishing:
                break  // 正在推流
            case .publishRequesting:
                break  // 正在请求推流
            case .noPublish:
                break  // 没有推流
            }
        }  // CHANGE 6
    }

    // 用户拉取音视频流的状态通知
    func onPlayerStateUpdate(_ state: ZegoPlayerState, errorCode: Int32, extendedData: [AnyHashable : Any]?, streamID: String) {
        eventLog.add(userID, "onPlayerStateUpdate stream=\(streamID) \(state) errorCode=\(errorCode)")
        if errorCode != 0 {
            // 拉流状态出错
        } else {
            switch state {
            case .playing:
                break  // 正在拉流中
            case .playRequesting:
                break  // 正在请求拉流中
            case .noPlay:
                break  // 未进行拉流
            }
        }
    }

    // 房间内用户（包括自己）的上下行网络质量，每两秒一次
    func onNetworkQuality(_ userID: String, upstreamQuality: ZegoStreamQualityLevel, downstreamQuality: ZegoStreamQualityLevel) {
        if userID.isEmpty {  // CHANGE 6: the document compares with nil
            // 本地用户（我）的网络质量
        } else {
            // 房间内其他用户的网络质量
        }
    }

    func onDebugError(_ errorCode: Int32, funcName: String, info: String) {
        eventLog.add(userID, "onDebugError \(funcName) errorCode=\(errorCode) \(info)")
    }
}

/// 创建引擎 + 登录房间, for one user.
func createAndLogin(_ talk: VideoTalk, server: String) -> Bool {
    let profile = ZegoEngineProfile()
    // 请通过官网注册获取，格式为：1234567890
    profile.appID = appID
    // 请通过官网注册获取，64 个字符
    profile.appSign = appSign
    // 指定使用直播场景
    profile.scenario = .broadcast
    profile.server = server  // CHANGE 2
    // 创建引擎，并注册 talk 为 eventHandler 回调
    guard let engine = ZegoExpressEngine.createEngine(with: profile, eventHandler: talk) else { return false }
    talk.engine = engine

    // 创建用户对象，ZegoUser 的构造方法 userWithUserID 会将 “userName” 设为与传的参数 “userID” 一样
    let user = ZegoUser(userID: talk.userID)
    let config = ZegoRoomConfig()
    // 只有传入 “isUserStatusNotify” 参数取值为 “true” 的 ZegoRoomConfig，才能收到 onRoomUserUpdate 回调
    config.isUserStatusNotify = true
    let userID = talk.userID
    engine.loginRoom(roomID, user: user, config: config) { errorCode, extendedData in
        // (可选回调) 登录房间结果
        eventLog.add(userID, "loginRoom callback errorCode=\(errorCode)")
    }
    return true
}

func state(_ kind: String, _ name: String) -> String {
    return "\(kind) stream=\(localStreamID) \(name) errorCode=0"
}

// CHANGE 2: the server.
var localServer: ZegoLocalServer?
var server = CommandLine.arguments.dropFirst().first ?? ProcessInfo.processInfo.environment["ZEGO_SERVER"] ?? ""
print("zego-express \(ZegoExpressEngine.getVersion())")
if server.isEmpty {
    do {
        let started = try ZegoLocalServer()
        localServer = started
        server = started.url
        print("embedded server at \(server)")
    } catch {
        print("SeedFlow: FAIL (embedded server: \(error))")
        exit(1)
    }
}

let player = VideoTalk(userID: "user2", publisher: false)
let publisher = VideoTalk(userID: "user1", publisher: true)
let loggedIn = "onRoomStateChanged room=\(roomID) logined errorCode=0"

// The player is in the room first, so it sees "stream1" appear in onRoomStreamUpdate.
var ok = createAndLogin(player, server: server) && eventLog.expect("user2", loggedIn)
    && createAndLogin(publisher, server: server) && eventLog.expect("user1", loggedIn)
    && eventLog.expect("user1", [state("onPublisherStateUpdate", "publishRequesting"), state("onPublisherStateUpdate", "publishing")])
    && eventLog.expect("user2", ["onRoomStreamUpdate room=\(roomID) add [\(localStreamID)/user1]",
                            state("onPlayerStateUpdate", "playRequesting"), state("onPlayerStateUpdate", "playing")])

if ok, let playerEngine = player.engine, let publisherEngine = publisher.engine {
    // 停止拉流 (CHANGE 4: the player stops first)
    playerEngine.stopPlayingStream(localStreamID)
    // 停止推流
    publisherEngine.stopPublishingStream()
    // 停止本地预览
    publisherEngine.stopPreview()
    ok = eventLog.expect("user2", state("onPlayerStateUpdate", "noPlay"))
        && eventLog.expect("user1", state("onPublisherStateUpdate", "noPublish"))
        && eventLog.expect("user2", "onRoomStreamUpdate room=\(roomID) delete [\(localStreamID)/user1]")
}

for talk in [publisher, player] where ok {
    // 退出房间
    talk.engine?.logoutRoom()
    ok = eventLog.expect(talk.userID, "onRoomStateChanged room=\(roomID) logout errorCode=0")
}

// 销毁引擎 (CHANGE 4)
if let engine = publisher.engine {
    let destroyed = DispatchSemaphore(value: 0)
    ZegoExpressEngine.destroy(engine) { destroyed.signal() }
    if destroyed.wait(timeout: .now() + 15) == .timedOut {
        print("user1: the destroy completion did not run")
        ok = false
    }
}
if player.engine != nil {
    ZegoExpressEngine.destroy(nil)  // the shared engine: user2's
}
publisher.engine = nil
player.engine = nil
if ZegoExpressEngine.shared() != nil {
    print("an engine is still alive after destroy")
    ok = false
}

if ok {
    // Exactly these states, nothing else.
    let published = ["publishRequesting", "publishing", "noPublish"].map { state("onPublisherStateUpdate", $0) }
    let played = ["playRequesting", "playing", "noPlay"].map { state("onPlayerStateUpdate", $0) }
    if eventLog.texts("user1", prefix: "onPublisherStateUpdate") != published {
        print("user1: publisher states are not exactly publishRequesting, publishing, noPublish")
        ok = false
    }
    if eventLog.texts("user2", prefix: "onPlayerStateUpdate") != played {
        print("user2: player states are not exactly playRequesting, playing, noPlay")
        ok = false
    }
    if !eventLog.texts("user1", prefix: "onDebugError").isEmpty || !eventLog.texts("user2", prefix: "onDebugError").isEmpty {
        print("a call reported onDebugError")
        ok = false
    }
}
localServer?.stop()
print(ok ? "SeedFlow: PASS" : "SeedFlow: FAIL")
exit(ok ? 0 : 1)
