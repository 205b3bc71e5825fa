// ZegoExpressEngine: ZEGO's Swift engine API over the C ABI. Every C function is called in exactly
// one place, in this file (the callbacks and their registration are in Callbacks.swift).
//
// Lifetime: the C library gets `Unmanaged.passUnretained(engine)` as every callback's
// user_context. The object is kept alive by `live` (until destroy) and then by `dying` (until the
// C library's last callback, on_destroyed), so a callback never sees a freed object.
//
// Differences from ZEGO's Apple SDK: zego-express allows several engines per process, so
// createEngine returns the new engine and `shared()` is the oldest live one; events arrive on the
// engine's callback thread; an error that ZEGO reports through onDebugError (and the per-call
// closure, when there is one) is reported the same way here.
import Foundation
#if canImport(ZegoExpressC)
import ZegoExpressC
#endif

public final class ZegoExpressEngine {
    /// The C engine; the C library rejects it (1000001) once destroyed.
    let handle: OpaquePointer

    private let lock = NSLock()  // guards handlerRef, pending, destroyCompletion
    private weak var handlerRef: ZegoEventHandler?
    private var pending: [PendingKey: Any] = [:]
    private var destroyCompletion: ZegoDestroyCompletionCallback?

    private static let registryLock = NSLock()  // guards live, dying
    private static var live: [ZegoExpressEngine] = []
    private static var dying: [ObjectIdentifier: ZegoExpressEngine] = [:]

    private init(handle: OpaquePointer, eventHandler: ZegoEventHandler?) {
        self.handle = handle
        self.handlerRef = eventHandler
    }

    /// What the C library passes back to every callback of this engine.
    var context: UnsafeMutableRawPointer {
        return Unmanaged.passUnretained(self).toOpaque()
    }

    /// The engine behind a callback's user_context (alive: see the lifetime note above).
    static func from(_ context: UnsafeMutableRawPointer?) -> ZegoExpressEngine? {
        guard let context = context else { return nil }
        return Unmanaged<ZegoExpressEngine>.fromOpaque(context).takeUnretainedValue()
    }

    /// The event handler (held weakly, like a delegate).
    var handler: ZegoEventHandler? {
        lock.lock()
        defer { lock.unlock() }
        return handlerRef
    }

    // MARK: - Engine

    /// Creates an engine and registers `eventHandler` (held weakly). nil if the C library refuses
    /// the profile; `eventHandler.onDebugError` then tells why.
    @discardableResult
    public static func createEngine(with profile: ZegoEngineProfile, eventHandler: ZegoEventHandler?) -> ZegoExpressEngine? {
        var created: OpaquePointer?
        let code = withCStrings { strings -> zego_error in
            var cProfile = profile.cValue(strings)
            return zego_create_engine(&cProfile, &created)
        }
        guard code == 0, let handle = created else {
            eventHandler?.onDebugError(code, funcName: "createEngine", info: errorMessage(code))
            return nil
        }
        let engine = ZegoExpressEngine(handle: handle, eventHandler: eventHandler)
        engine.registerCallbacks()
        registryLock.lock()
        live.append(engine)
        registryLock.unlock()
        return engine
    }

    /// The oldest live engine (ZEGO's singleton), nil when there is none.
    public static func shared() -> ZegoExpressEngine! {
        registryLock.lock()
        defer { registryLock.unlock() }
        return live.first
    }

    /// Destroys `shared()`; `callback` runs once the C library has finished (on the engine's
    /// callback thread, or here when there is no engine).
    public static func destroy(_ callback: ZegoDestroyCompletionCallback?) {
        guard let engine = shared() else {
            callback?()
            return
        }
        destroy(engine, callback: callback)
    }

    /// zego-express addition: destroys a given engine (there may be several).
    public static func destroy(_ engine: ZegoExpressEngine, callback: ZegoDestroyCompletionCallback?) {
        registryLock.lock()
        guard let index = live.firstIndex(where: { $0 === engine }) else {
            registryLock.unlock()
            callback?()  // already destroyed
            return
        }
        live.remove(at: index)
        dying[ObjectIdentifier(engine)] = engine
        registryLock.unlock()

        engine.lock.lock()
        engine.destroyCompletion = callback
        engine.lock.unlock()
        let code = zego_destroy_engine(engine.handle, cEngineDestroyed, engine.context)
        if code != 0 {
            engineDestroyed(engine)  // the library refused the handle: no on_destroyed will come
        }
    }

    /// The C library's last callback for `engine`: runs the completion and lets the object go.
    static func engineDestroyed(_ engine: ZegoExpressEngine) {
        engine.lock.lock()
        let completion = engine.destroyCompletion
        engine.destroyCompletion = nil
        engine.lock.unlock()
        registryLock.lock()
        dying[ObjectIdentifier(engine)] = nil
        registryLock.unlock()
        completion?()
    }

    public func setEventHandler(_ eventHandler: ZegoEventHandler?) {
        lock.lock()
        handlerRef = eventHandler
        lock.unlock()
    }

    public static func getVersion() -> String {
        return swiftString(zego_get_version())
    }

    /// Engine-wide options for engines created afterwards. Returns 0 or the error code (ZEGO's
    /// returns nothing and there is no engine whose handler could be told).
    @discardableResult
    public static func setEngineConfig(_ config: ZegoEngineConfig) -> Int32 {
        return withCStrings { strings -> zego_error in
            var cConfig = config.cValue(strings)
            return zego_set_engine_config(&cConfig)
        }
    }

    // MARK: - Room

    public func loginRoom(_ roomID: String, user: ZegoUser, config: ZegoRoomConfig = ZegoRoomConfig(),
                          callback: ZegoRoomLoginCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            var cUser = user.cValue(strings)
            var cConfig = config.cValue(strings)
            return callWithSeq(.login, callback) { seq in
                zego_login_room(handle, strings(roomID), &cUser, &cConfig, seq)
            }
        }
        if code != 0 {
            report(code, "loginRoom")
            callback?(code, [:])
        }
    }

    /// `roomID` nil: every room.
    public func logoutRoom(_ roomID: String? = nil, callback: ZegoRoomLogoutCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            return callWithSeq(.logout, callback) { seq in
                zego_logout_room(handle, strings(roomID), seq)
            }
        }
        if code != 0 {
            report(code, "logoutRoom")
            callback?(code, [:])
        }
    }

    /// `config` nil: the defaults.
    public func switchRoom(_ fromRoomID: String, toRoomID: String, config: ZegoRoomConfig? = nil) {
        check("switchRoom", withCStrings { strings -> zego_error in
            return withPointer(to: config?.cValue(strings)) { cConfig in
                zego_switch_room(handle, strings(fromRoomID), strings(toRoomID), cConfig)
            }
        })
    }

    /// ZEGO's Objective-C argument order: the token first.
    public func renewToken(_ token: String, roomID: String) {
        check("renewToken", withCStrings { strings -> zego_error in
            return zego_renew_token(handle, strings(roomID), strings(token))
        })
    }

    public func setRoomExtraInfo(_ value: String, forKey key: String, roomID: String,
                                 callback: ZegoRoomSetRoomExtraInfoCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            return callWithSeq(.roomExtraInfo, callback) { seq in
                zego_set_room_extra_info(handle, strings(roomID), strings(key), strings(value), seq)
            }
        }
        if code != 0 {
            report(code, "setRoomExtraInfo")
            callback?(code)
        }
    }

    // MARK: - Publisher

    public func startPreview(_ canvas: ZegoCanvas? = nil, channel: ZegoPublishChannel = .main) {
        check("startPreview", withPointer(to: canvas?.cValue()) { cCanvas in
            zego_start_preview(handle, cCanvas, channel.cValue)
        })
    }

    public func stopPreview(_ channel: ZegoPublishChannel = .main) {
        check("stopPreview", zego_stop_preview(handle, channel.cValue))
    }

    public func startPublishingStream(_ streamID: String, channel: ZegoPublishChannel = .main) {
        check("startPublishingStream", withCStrings { strings -> zego_error in
            return zego_start_publishing_stream(handle, strings(streamID), channel.cValue)
        })
    }

    public func stopPublishingStream(_ channel: ZegoPublishChannel = .main) {
        check("stopPublishingStream", zego_stop_publishing_stream(handle, channel.cValue))
    }

    public func setStreamExtraInfo(_ extraInfo: String, channel: ZegoPublishChannel = .main,
                                   callback: ZegoPublisherSetStreamExtraInfoCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            return callWithSeq(.streamExtraInfo, callback) { seq in
                zego_set_stream_extra_info(handle, strings(extraInfo), channel.cValue, seq)
            }
        }
        if code != 0 {
            report(code, "setStreamExtraInfo")
            callback?(code)
        }
    }

    public func setVideoConfig(_ config: ZegoVideoConfig, channel: ZegoPublishChannel = .main) {
        var cConfig = config.cValue()
        check("setVideoConfig", zego_set_video_config(handle, &cConfig, channel.cValue))
    }

    public func getVideoConfig(_ channel: ZegoPublishChannel = .main) -> ZegoVideoConfig {
        var cConfig = zego_video_config()
        let code = zego_get_video_config(handle, channel.cValue, &cConfig)
        check("getVideoConfig", code)
        return code == 0 ? ZegoVideoConfig(cConfig) : ZegoVideoConfig()
    }

    public func setAudioConfig(_ config: ZegoAudioConfig, channel: ZegoPublishChannel = .main) {
        var cConfig = config.cValue()
        check("setAudioConfig", zego_set_audio_config(handle, &cConfig, channel.cValue))
    }

    public func getAudioConfig(_ channel: ZegoPublishChannel = .main) -> ZegoAudioConfig {
        var cConfig = zego_audio_config()
        let code = zego_get_audio_config(handle, channel.cValue, &cConfig)
        check("getAudioConfig", code)
        return code == 0 ? ZegoAudioConfig(cConfig) : ZegoAudioConfig()
    }

    public func mutePublishStreamAudio(_ mute: Bool, channel: ZegoPublishChannel = .main) {
        check("mutePublishStreamAudio", zego_mute_publish_stream_audio(handle, mute, channel.cValue))
    }

    public func mutePublishStreamVideo(_ mute: Bool, channel: ZegoPublishChannel = .main) {
        check("mutePublishStreamVideo", zego_mute_publish_stream_video(handle, mute, channel.cValue))
    }

    // MARK: - Player

    public func startPlayingStream(_ streamID: String, canvas: ZegoCanvas? = nil) {
        check("startPlayingStream", withCStrings { strings -> zego_error in
            return withPointer(to: canvas?.cValue()) { cCanvas in
                zego_start_playing_stream(handle, strings(streamID), cCanvas)
            }
        })
    }

    public func stopPlayingStream(_ streamID: String) {
        check("stopPlayingStream", withCStrings { strings -> zego_error in
            return zego_stop_playing_stream(handle, strings(streamID))
        })
    }

    /// ZEGO's Objective-C argument order: the flag first.
    public func mutePlayStreamAudio(_ mute: Bool, streamID: String) {
        check("mutePlayStreamAudio", withCStrings { strings -> zego_error in
            return zego_mute_play_stream_audio(handle, strings(streamID), mute)
        })
    }

    public func mutePlayStreamVideo(_ mute: Bool, streamID: String) {
        check("mutePlayStreamVideo", withCStrings { strings -> zego_error in
            return zego_mute_play_stream_video(handle, strings(streamID), mute)
        })
    }

    // MARK: - Devices

    public func muteMicrophone(_ mute: Bool) {
        check("muteMicrophone", zego_mute_microphone(handle, mute))
    }

    public func muteSpeaker(_ mute: Bool) {
        check("muteSpeaker", zego_mute_speaker(handle, mute))
    }

    public func enableCamera(_ enable: Bool, channel: ZegoPublishChannel = .main) {
        check("enableCamera", zego_enable_camera(handle, enable, channel.cValue))
    }

    // MARK: - IM

    public func sendBroadcastMessage(_ message: String, roomID: String,
                                     callback: ZegoIMSendBroadcastMessageCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            return callWithSeq(.broadcast, callback) { seq in
                zego_send_broadcast_message(handle, strings(roomID), strings(message), seq)
            }
        }
        if code != 0 {
            report(code, "sendBroadcastMessage")
            callback?(code, 0)
        }
    }

    public func sendBarrageMessage(_ message: String, roomID: String,
                                   callback: ZegoIMSendBarrageMessageCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            return callWithSeq(.barrage, callback) { seq in
                zego_send_barrage_message(handle, strings(roomID), strings(message), seq)
            }
        }
        if code != 0 {
            report(code, "sendBarrageMessage")
            callback?(code, "")
        }
    }

    public func sendCustomCommand(_ command: String, toUserList: [ZegoUser]?, roomID: String,
                                  callback: ZegoIMSendCustomCommandCallback? = nil) {
        let code = withCStrings { strings -> zego_error in
            let users = (toUserList ?? []).map { user in user.cValue(strings) }
            return users.withUnsafeBufferPointer { list -> zego_error in
                return callWithSeq(.customCommand, callback) { seq in
                    zego_send_custom_command(handle, strings(roomID), strings(command), list.baseAddress,
                                             UInt32(list.count), seq)
                }
            }
        }
        if code != 0 {
            report(code, "sendCustomCommand")
            callback?(code)
        }
    }

    // MARK: - Results of async calls

    /// Which result callback a pending closure waits for.
    enum ResultKind {
        case login, logout, roomExtraInfo, streamExtraInfo, broadcast, barrage, customCommand
    }

    private struct PendingKey: Hashable {
        let kind: ResultKind
        let seq: zego_seq
    }

    /// Runs `call` (a C function that hands out a zego_seq) and keeps `callback` under that seq
    /// until its result arrives. The lock covers the call and the insert, so a result that arrives
    /// before the C function returns waits for the insert. Returns the C function's code.
    private func callWithSeq(_ kind: ResultKind, _ callback: Any?,
                             _ call: (UnsafeMutablePointer<zego_seq>) -> zego_error) -> zego_error {
        lock.lock()
        defer { lock.unlock() }
        var seq: zego_seq = 0
        let code = withUnsafeMutablePointer(to: &seq) { call($0) }
        if code == 0, let callback = callback {
            pending[PendingKey(kind: kind, seq: seq)] = callback
        }
        return code
    }

    /// The closure a call left under `seq` (nil if it had none), removed.
    func takePending<Callback>(_ kind: ResultKind, _ seq: zego_seq, as type: Callback.Type) -> Callback? {
        lock.lock()
        defer { lock.unlock() }
        return pending.removeValue(forKey: PendingKey(kind: kind, seq: seq)) as? Callback
    }

    // MARK: - Errors

    /// ZEGO reports a call that fails at once through onDebugError.
    private func report(_ code: zego_error, _ funcName: String) {
        handler?.onDebugError(code, funcName: funcName, info: errorMessage(code))
    }

    private func check(_ funcName: String, _ code: zego_error) {
        if code != 0 { report(code, funcName) }
    }
}
