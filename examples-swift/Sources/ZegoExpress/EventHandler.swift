// ZegoEventHandler: the Swift names of ZEGO's Objective-C protocol (shared/reference/zego-api.md
// section 8). Every method has an empty default, so a handler implements only what it needs;
// a method whose signature differs from these (e.g. a non-optional extendedData where ZEGO's is
// optional) is NOT called: it is a new method, not this protocol's.
// Events are delivered on the engine's callback thread (one thread per engine, in event order),
// not on the main thread as ZEGO's Apple SDK does by default.
import Foundation

public protocol ZegoEventHandler: AnyObject {
    /// A call failed at once (the wrapper's stand-in for ZEGO's debug error report).
    func onDebugError(_ errorCode: Int32, funcName: String, info: String)

    // Room
    func onRoomStateChanged(_ reason: ZegoRoomStateChangedReason, errorCode: Int32, extendedData: [AnyHashable: Any], roomID: String)
    func onRoomStateUpdate(_ state: ZegoRoomState, errorCode: Int32, extendedData: [AnyHashable: Any]?, roomID: String)
    func onRoomUserUpdate(_ updateType: ZegoUpdateType, userList: [ZegoUser], roomID: String)
    func onRoomOnlineUserCountUpdate(_ count: Int32, roomID: String)
    func onRoomStreamUpdate(_ updateType: ZegoUpdateType, streamList: [ZegoStream], extendedData: [AnyHashable: Any]?, roomID: String)
    func onRoomStreamExtraInfoUpdate(_ streamList: [ZegoStream], roomID: String)
    func onRoomExtraInfoUpdate(_ roomExtraInfoList: [ZegoRoomExtraInfo], roomID: String)
    func onRoomTokenWillExpire(_ remainTimeInSecond: Int32, roomID: String)

    // Publisher
    func onPublisherStateUpdate(_ state: ZegoPublisherState, errorCode: Int32, extendedData: [AnyHashable: Any]?, streamID: String)
    func onPublisherCapturedAudioFirstFrame()
    func onPublisherCapturedVideoFirstFrame(_ channel: ZegoPublishChannel)
    func onPublisherSendAudioFirstFrame(_ channel: ZegoPublishChannel)
    func onPublisherSendVideoFirstFrame(_ channel: ZegoPublishChannel)
    func onPublisherVideoSizeChanged(_ size: CGSize, channel: ZegoPublishChannel)

    // Player
    func onPlayerStateUpdate(_ state: ZegoPlayerState, errorCode: Int32, extendedData: [AnyHashable: Any]?, streamID: String)
    func onPlayerRecvAudioFirstFrame(_ streamID: String)
    func onPlayerRecvVideoFirstFrame(_ streamID: String)
    func onPlayerRenderVideoFirstFrame(_ streamID: String)
    func onPlayerVideoSizeChanged(_ size: CGSize, streamID: String)

    // Quality and devices
    func onNetworkQuality(_ userID: String, upstreamQuality: ZegoStreamQualityLevel, downstreamQuality: ZegoStreamQualityLevel)
    func onRemoteCameraStateUpdate(_ state: ZegoRemoteDeviceState, streamID: String)
    func onRemoteMicStateUpdate(_ state: ZegoRemoteDeviceState, streamID: String)
    func onLocalDeviceExceptionOccurred(_ exceptionType: ZegoDeviceExceptionType, deviceType: ZegoDeviceType, deviceID: String)

    // IM
    func onIMRecvBroadcastMessage(_ messageList: [ZegoBroadcastMessageInfo], roomID: String)
    func onIMRecvBarrageMessage(_ messageList: [ZegoBarrageMessageInfo], roomID: String)
    func onIMRecvCustomCommand(_ command: String, fromUser: ZegoUser, roomID: String)
}

public extension ZegoEventHandler {
    func onDebugError(_ errorCode: Int32, funcName: String, info: String) {}

    func onRoomStateChanged(_ reason: ZegoRoomStateChangedReason, errorCode: Int32, extendedData: [AnyHashable: Any], roomID: String) {}
    func onRoomStateUpdate(_ state: ZegoRoomState, errorCode: Int32, extendedData: [AnyHashable: Any]?, roomID: String) {}
    func onRoomUserUpdate(_ updateType: ZegoUpdateType, userList: [ZegoUser], roomID: String) {}
    func onRoomOnlineUserCountUpdate(_ count: Int32, roomID: String) {}
    func onRoomStreamUpdate(_ updateType: ZegoUpdateType, streamList: [ZegoStream], extendedData: [AnyHashable: Any]?, roomID: String) {}
    func onRoomStreamExtraInfoUpdate(_ streamList: [ZegoStream], roomID: String) {}
    func onRoomExtraInfoUpdate(_ roomExtraInfoList: [ZegoRoomExtraInfo], roomID: String) {}
    func onRoomTokenWillExpire(_ remainTimeInSecond: Int32, roomID: String) {}

    func onPublisherStateUpdate(_ state: ZegoPublisherState, errorCode: Int32, extendedData: [AnyHashable: Any]?, streamID: String) {}
    func onPublisherCapturedAudioFirstFrame() {}
    func onPublisherCapturedVideoFirstFrame(_ channel: ZegoPublishChannel) {}
    func onPublisherSendAudioFirstFrame(_ channel: ZegoPublishChannel) {}
    func onPublisherSendVideoFirstFrame(_ channel: ZegoPublishChannel) {}
    func onPublisherVideoSizeChanged(_ size: CGSize, channel: ZegoPublishChannel) {}

    func onPlayerStateUpdate(_ state: ZegoPlayerState, errorCode: Int32, extendedData: [AnyHashable: Any]?, streamID: String) {}
    func onPlayerRecvAudioFirstFrame(_ streamID: String) {}
    func onPlayerRecvVideoFirstFrame(_ streamID: String) {}
    func onPlayerRenderVideoFirstFrame(_ streamID: String) {}
    func onPlayerVideoSizeChanged(_ size: CGSize, streamID: String) {}

    func onNetworkQuality(_ userID: String, upstreamQuality: ZegoStreamQualityLevel, downstreamQuality: ZegoStreamQualityLevel) {}
    func onRemoteCameraStateUpdate(_ state: ZegoRemoteDeviceState, streamID: String) {}
    func onRemoteMicStateUpdate(_ state: ZegoRemoteDeviceState, streamID: String) {}
    func onLocalDeviceExceptionOccurred(_ exceptionType: ZegoDeviceExceptionType, deviceType: ZegoDeviceType, deviceID: String) {}

    func onIMRecvBroadcastMessage(_ messageList: [ZegoBroadcastMessageInfo], roomID: String) {}
    func onIMRecvBarrageMessage(_ messageList: [ZegoBarrageMessageInfo], roomID: String) {}
    func onIMRecvCustomCommand(_ command: String, fromUser: ZegoUser, roomID: String) {}
}

// Per-call result closures (ZEGO's Objective-C block types).
public typealias ZegoRoomLoginCallback = (_ errorCode: Int32, _ extendedData: [AnyHashable: Any]) -> Void
public typealias ZegoRoomLogoutCallback = (_ errorCode: Int32, _ extendedData: [AnyHashable: Any]) -> Void
public typealias ZegoRoomSetRoomExtraInfoCallback = (_ errorCode: Int32) -> Void
public typealias ZegoPublisherSetStreamExtraInfoCallback = (_ errorCode: Int32) -> Void
public typealias ZegoIMSendBroadcastMessageCallback = (_ errorCode: Int32, _ messageID: UInt64) -> Void
public typealias ZegoIMSendBarrageMessageCallback = (_ errorCode: Int32, _ messageID: String) -> Void
public typealias ZegoIMSendCustomCommandCallback = (_ errorCode: Int32) -> Void
public typealias ZegoDestroyCompletionCallback = () -> Void
