// The C callbacks: one @convention(c) closure per zego_on_<event> type (they capture nothing;
// the engine comes back through user_context), and their registration. Each converts the C
// arguments (valid only during the call) to Swift values and calls the handler. Events with a
// value this wrapper does not know (a newer library) are dropped.
import Foundation
#if canImport(ZegoExpressC)
import ZegoExpressC
#endif

extension ZegoExpressEngine {
    /// Registers every callback below with this engine as user_context.
    func registerCallbacks() {
        let codes: [zego_error] = [
            zego_register_room_state_changed_callback(handle, cRoomStateChanged, context),
            zego_register_room_state_update_callback(handle, cRoomStateUpdate, context),
            zego_register_room_login_result_callback(handle, cRoomLoginResult, context),
            zego_register_room_logout_result_callback(handle, cRoomLogoutResult, context),
            zego_register_room_user_update_callback(handle, cRoomUserUpdate, context),
            zego_register_room_online_user_count_update_callback(handle, cRoomOnlineUserCountUpdate, context),
            zego_register_room_stream_update_callback(handle, cRoomStreamUpdate, context),
            zego_register_room_stream_extra_info_update_callback(handle, cRoomStreamExtraInfoUpdate, context),
            zego_register_room_extra_info_update_callback(handle, cRoomExtraInfoUpdate, context),
            zego_register_room_token_will_expire_callback(handle, cRoomTokenWillExpire, context),
            zego_register_room_set_room_extra_info_result_callback(handle, cRoomSetRoomExtraInfoResult, context),
            zego_register_publisher_state_update_callback(handle, cPublisherStateUpdate, context),
            zego_register_publisher_update_stream_extra_info_result_callback(handle, cPublisherUpdateStreamExtraInfoResult, context),
            zego_register_publisher_captured_audio_first_frame_callback(handle, cPublisherCapturedAudioFirstFrame, context),
            zego_register_publisher_captured_video_first_frame_callback(handle, cPublisherCapturedVideoFirstFrame, context),
            zego_register_publisher_send_audio_first_frame_callback(handle, cPublisherSendAudioFirstFrame, context),
            zego_register_publisher_send_video_first_frame_callback(handle, cPublisherSendVideoFirstFrame, context),
            zego_register_publisher_video_size_changed_callback(handle, cPublisherVideoSizeChanged, context),
            zego_register_player_state_update_callback(handle, cPlayerStateUpdate, context),
            zego_register_player_recv_audio_first_frame_callback(handle, cPlayerRecvAudioFirstFrame, context),
            zego_register_player_recv_video_first_frame_callback(handle, cPlayerRecvVideoFirstFrame, context),
            zego_register_player_render_video_first_frame_callback(handle, cPlayerRenderVideoFirstFrame, context),
            zego_register_player_video_size_changed_callback(handle, cPlayerVideoSizeChanged, context),
            zego_register_network_quality_callback(handle, cNetworkQuality, context),
            zego_register_remote_camera_state_update_callback(handle, cRemoteCameraStateUpdate, context),
            zego_register_remote_mic_state_update_callback(handle, cRemoteMicStateUpdate, context),
            zego_register_local_device_exception_occurred_callback(handle, cLocalDeviceExceptionOccurred, context),
            zego_register_im_recv_broadcast_message_callback(handle, cIMRecvBroadcastMessage, context),
            zego_register_im_recv_barrage_message_callback(handle, cIMRecvBarrageMessage, context),
            zego_register_im_recv_custom_command_callback(handle, cIMRecvCustomCommand, context),
            zego_register_im_send_broadcast_message_result_callback(handle, cIMSendBroadcastMessageResult, context),
            zego_register_im_send_barrage_message_result_callback(handle, cIMSendBarrageMessageResult, context),
            zego_register_im_send_custom_command_result_callback(handle, cIMSendCustomCommandResult, context),
        ]
        for code in codes where code != 0 {
            self.handler?.onDebugError(code, funcName: "createEngine", info: errorMessage(code))
        }
    }
}

/// The handler of the engine behind `context`, if both are still there.
private func eventHandler(_ context: UnsafeMutableRawPointer?) -> ZegoEventHandler? {
    return ZegoExpressEngine.from(context)?.handler
}

// MARK: - Engine

let cEngineDestroyed: zego_on_engine_destroyed = { context in
    guard let engine = ZegoExpressEngine.from(context) else { return }
    ZegoExpressEngine.engineDestroyed(engine)
}

// MARK: - Room

let cRoomStateChanged: zego_on_room_state_changed = { roomID, reason, errorCode, extendedData, context in
    guard let swiftReason = ZegoRoomStateChangedReason(cValue: reason) else { return }
    eventHandler(context)?.onRoomStateChanged(swiftReason, errorCode: errorCode, extendedData: extendedDictionary(extendedData),
        roomID: swiftString(roomID))
}

let cRoomStateUpdate: zego_on_room_state_update = { roomID, state, errorCode, extendedData, context in
    guard let swiftState = ZegoRoomState(cValue: state) else { return }
    eventHandler(context)?.onRoomStateUpdate(swiftState, errorCode: errorCode, extendedData: extendedDictionary(extendedData),
        roomID: swiftString(roomID))
}

let cRoomLoginResult: zego_on_room_login_result = { errorCode, extendedData, _, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.login, seq, as: ZegoRoomLoginCallback.self)
    callback?(errorCode, extendedDictionary(extendedData))
}

let cRoomLogoutResult: zego_on_room_logout_result = { errorCode, extendedData, _, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.logout, seq, as: ZegoRoomLogoutCallback.self)
    callback?(errorCode, extendedDictionary(extendedData))
}

let cRoomUserUpdate: zego_on_room_user_update = { roomID, updateType, userList, userCount, context in
    guard let swiftType = ZegoUpdateType(cValue: updateType) else { return }
    eventHandler(context)?.onRoomUserUpdate(swiftType, userList: swiftArray(userList, userCount, { ZegoUser($0) }),
        roomID: swiftString(roomID))
}

let cRoomOnlineUserCountUpdate: zego_on_room_online_user_count_update = { roomID, count, context in
    eventHandler(context)?.onRoomOnlineUserCountUpdate(count, roomID: swiftString(roomID))
}

let cRoomStreamUpdate: zego_on_room_stream_update = { roomID, updateType, streamList, streamCount, extendedData, context in
    guard let swiftType = ZegoUpdateType(cValue: updateType) else { return }
    eventHandler(context)?.onRoomStreamUpdate(swiftType, streamList: swiftArray(streamList, streamCount, { ZegoStream($0) }),
        extendedData: extendedDictionary(extendedData), roomID: swiftString(roomID))
}

let cRoomStreamExtraInfoUpdate: zego_on_room_stream_extra_info_update = { roomID, streamList, streamCount, context in
    eventHandler(context)?.onRoomStreamExtraInfoUpdate(swiftArray(streamList, streamCount, { ZegoStream($0) }),
        roomID: swiftString(roomID))
}

let cRoomExtraInfoUpdate: zego_on_room_extra_info_update = { roomID, infoList, infoCount, context in
    eventHandler(context)?.onRoomExtraInfoUpdate(swiftArray(infoList, infoCount, { ZegoRoomExtraInfo($0) }),
        roomID: swiftString(roomID))
}

let cRoomTokenWillExpire: zego_on_room_token_will_expire = { roomID, remainTimeInSecond, context in
    eventHandler(context)?.onRoomTokenWillExpire(remainTimeInSecond, roomID: swiftString(roomID))
}

let cRoomSetRoomExtraInfoResult: zego_on_room_set_room_extra_info_result = { errorCode, _, _, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.roomExtraInfo, seq, as: ZegoRoomSetRoomExtraInfoCallback.self)
    callback?(errorCode)
}

// MARK: - Publisher

let cPublisherStateUpdate: zego_on_publisher_state_update = { streamID, state, errorCode, extendedData, context in
    guard let swiftState = ZegoPublisherState(cValue: state) else { return }
    eventHandler(context)?.onPublisherStateUpdate(swiftState, errorCode: errorCode, extendedData: extendedDictionary(extendedData),
        streamID: swiftString(streamID))
}

let cPublisherUpdateStreamExtraInfoResult: zego_on_publisher_update_stream_extra_info_result = { errorCode, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.streamExtraInfo, seq, as: ZegoPublisherSetStreamExtraInfoCallback.self)
    callback?(errorCode)
}

let cPublisherCapturedAudioFirstFrame: zego_on_publisher_captured_audio_first_frame = { context in
    eventHandler(context)?.onPublisherCapturedAudioFirstFrame()
}

let cPublisherCapturedVideoFirstFrame: zego_on_publisher_captured_video_first_frame = { channel, context in
    guard let swiftChannel = ZegoPublishChannel(cValue: channel) else { return }
    eventHandler(context)?.onPublisherCapturedVideoFirstFrame(swiftChannel)
}

let cPublisherSendAudioFirstFrame: zego_on_publisher_send_audio_first_frame = { channel, context in
    guard let swiftChannel = ZegoPublishChannel(cValue: channel) else { return }
    eventHandler(context)?.onPublisherSendAudioFirstFrame(swiftChannel)
}

let cPublisherSendVideoFirstFrame: zego_on_publisher_send_video_first_frame = { channel, context in
    guard let swiftChannel = ZegoPublishChannel(cValue: channel) else { return }
    eventHandler(context)?.onPublisherSendVideoFirstFrame(swiftChannel)
}

let cPublisherVideoSizeChanged: zego_on_publisher_video_size_changed = { width, height, channel, context in
    guard let swiftChannel = ZegoPublishChannel(cValue: channel) else { return }
    eventHandler(context)?.onPublisherVideoSizeChanged(CGSize(width: CGFloat(width), height: CGFloat(height)), channel: swiftChannel)
}

// MARK: - Player

let cPlayerStateUpdate: zego_on_player_state_update = { streamID, state, errorCode, extendedData, context in
    guard let swiftState = ZegoPlayerState(cValue: state) else { return }
    eventHandler(context)?.onPlayerStateUpdate(swiftState, errorCode: errorCode, extendedData: extendedDictionary(extendedData),
        streamID: swiftString(streamID))
}

let cPlayerRecvAudioFirstFrame: zego_on_player_recv_audio_first_frame = { streamID, context in
    eventHandler(context)?.onPlayerRecvAudioFirstFrame(swiftString(streamID))
}

let cPlayerRecvVideoFirstFrame: zego_on_player_recv_video_first_frame = { streamID, context in
    eventHandler(context)?.onPlayerRecvVideoFirstFrame(swiftString(streamID))
}

let cPlayerRenderVideoFirstFrame: zego_on_player_render_video_first_frame = { streamID, context in
    eventHandler(context)?.onPlayerRenderVideoFirstFrame(swiftString(streamID))
}

let cPlayerVideoSizeChanged: zego_on_player_video_size_changed = { streamID, width, height, context in
    eventHandler(context)?.onPlayerVideoSizeChanged(CGSize(width: CGFloat(width), height: CGFloat(height)),
        streamID: swiftString(streamID))
}

// MARK: - Quality and devices

let cNetworkQuality: zego_on_network_quality = { userID, upstreamQuality, downstreamQuality, context in
    guard let upstream = ZegoStreamQualityLevel(cValue: upstreamQuality),
          let downstream = ZegoStreamQualityLevel(cValue: downstreamQuality) else { return }
    eventHandler(context)?.onNetworkQuality(swiftString(userID), upstreamQuality: upstream, downstreamQuality: downstream)
}

let cRemoteCameraStateUpdate: zego_on_remote_camera_state_update = { streamID, state, context in
    guard let swiftState = ZegoRemoteDeviceState(cValue: state) else { return }
    eventHandler(context)?.onRemoteCameraStateUpdate(swiftState, streamID: swiftString(streamID))
}

let cRemoteMicStateUpdate: zego_on_remote_mic_state_update = { streamID, state, context in
    guard let swiftState = ZegoRemoteDeviceState(cValue: state) else { return }
    eventHandler(context)?.onRemoteMicStateUpdate(swiftState, streamID: swiftString(streamID))
}

let cLocalDeviceExceptionOccurred: zego_on_local_device_exception_occurred = { exceptionType, deviceType, deviceID, context in
    guard let swiftException = ZegoDeviceExceptionType(cValue: exceptionType),
          let swiftDevice = ZegoDeviceType(cValue: deviceType) else { return }
    eventHandler(context)?.onLocalDeviceExceptionOccurred(swiftException, deviceType: swiftDevice, deviceID: swiftString(deviceID))
}

// MARK: - IM

let cIMRecvBroadcastMessage: zego_on_im_recv_broadcast_message = { roomID, messageList, messageCount, context in
    eventHandler(context)?.onIMRecvBroadcastMessage(swiftArray(messageList, messageCount, { ZegoBroadcastMessageInfo($0) }),
        roomID: swiftString(roomID))
}

let cIMRecvBarrageMessage: zego_on_im_recv_barrage_message = { roomID, messageList, messageCount, context in
    eventHandler(context)?.onIMRecvBarrageMessage(swiftArray(messageList, messageCount, { ZegoBarrageMessageInfo($0) }),
        roomID: swiftString(roomID))
}

let cIMRecvCustomCommand: zego_on_im_recv_custom_command = { roomID, fromUser, command, context in
    eventHandler(context)?.onIMRecvCustomCommand(swiftString(command), fromUser: ZegoUser(fromUser), roomID: swiftString(roomID))
}

let cIMSendBroadcastMessageResult: zego_on_im_send_broadcast_message_result = { _, messageID, errorCode, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.broadcast, seq, as: ZegoIMSendBroadcastMessageCallback.self)
    callback?(errorCode, messageID)
}

let cIMSendBarrageMessageResult: zego_on_im_send_barrage_message_result = { _, messageID, errorCode, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.barrage, seq, as: ZegoIMSendBarrageMessageCallback.self)
    callback?(errorCode, swiftString(messageID))
}

let cIMSendCustomCommandResult: zego_on_im_send_custom_command_result = { _, errorCode, seq, context in
    let callback = ZegoExpressEngine.from(context)?.takePending(.customCommand, seq, as: ZegoIMSendCustomCommandCallback.self)
    callback?(errorCode)
}
