// ZEGO's enums with ZEGO's raw values and the Swift case names of ZEGO's Objective-C SDK
// (NS_ENUM(NSUInteger, ...), hence `UInt`). The C ABI carries them as int32_t.
// examples-swift/check.sh compares every case of an enum that has a C counterpart
// (ZegoFooBar.someCase <-> zego_foo_bar_some_case) with the header's value.
import Foundation

public enum ZegoScenario: UInt {
    case general = 0
    case communication = 1
    case live = 2
    case `default` = 3
    case standardVideoCall = 4
    case highQualityVideoCall = 5
    case standardChatroom = 6
    case highQualityChatroom = 7
    case broadcast = 8
    case karaoke = 9
    case standardVoiceCall = 10
}

public enum ZegoRoomStateChangedReason: UInt {
    case logining = 0
    case logined = 1
    case loginFailed = 2
    case reconnecting = 3
    case reconnected = 4
    case reconnectFailed = 5
    case kickOut = 6
    case logout = 7
    case logoutFailed = 8
}

public enum ZegoRoomState: UInt {
    case disconnected = 0
    case connecting = 1
    case connected = 2
}

public enum ZegoUpdateType: UInt {
    case add = 0
    case delete = 1
}

public enum ZegoPublisherState: UInt {
    case noPublish = 0
    case publishRequesting = 1
    case publishing = 2
}

public enum ZegoPlayerState: UInt {
    case noPlay = 0
    case playRequesting = 1
    case playing = 2
}

public enum ZegoPublishChannel: UInt {
    case main = 0
    case aux = 1
    case third = 2
    case fourth = 3
}

public enum ZegoViewMode: UInt {
    case aspectFit = 0
    case aspectFill = 1
    case scaleToFill = 2
}

public enum ZegoStreamQualityLevel: UInt {
    case excellent = 0
    case good = 1
    case medium = 2
    case bad = 3
    case die = 4
    case unknown = 5
}

public enum ZegoAudioChannel: UInt {
    case unknown = 0
    case mono = 1
    case stereo = 2
}

public enum ZegoDeviceType: UInt {
    case unknown = 0
    case camera = 1
    case microphone = 2
    case speaker = 3
    case audioDevice = 4
    case audioSession = 5
}

public enum ZegoDeviceExceptionType: UInt {
    case unknown = 0
    case generic = 1
    case invalidId = 2
    case permissionNotGranted = 3
    case zeroCaptureFps = 4
    case deviceOccupied = 5
    case deviceUnplugged = 6
    case rebootRequired = 7
    case mediaServicesWereLost = 8
    case siriIsRecording = 9
    case soundLevelTooLow = 10
    case magneticCase = 11
    case audioSessionDeactive = 12
    case audioSessionCategoryChange = 13
}

// The enums below have no C enum in the header (the C ABI passes plain int32_t); their values
// are ZEGO's (shared/reference/zego-api.md section 4.1) and check.sh cannot compare them.

public enum ZegoRemoteDeviceState: UInt {
    case open = 0
    case genericError = 1
    case invalidID = 2
    case noAuthorization = 3
    case zeroFPS = 4
    case inUseByOther = 5
    case unplugged = 6
    case rebootRequired = 7
    case systemMediaServicesLost = 8
    case disable = 9
    case mute = 10
    case interruption = 11
    case inBackground = 12
    case multiForegroundApp = 13
    case bySystemPressure = 14
    case notSupport = 15
}

public enum ZegoVideoCodecID: UInt {
    case `default` = 0
    case SVC = 1
    case VP8 = 2
    case H265 = 3
    case h264DualStream = 4
    case unknown = 100
}

public enum ZegoAudioCodecID: UInt {
    case `default` = 0
    case normal = 1
    case normal2 = 2
    case normal3 = 3
    case low = 4
    case low2 = 5
    case low3 = 6
}

public enum ZegoVideoConfigPreset: UInt {
    case preset180P = 0
    case preset270P = 1
    case preset360P = 2
    case preset540P = 3
    case preset720P = 4
    case preset1080P = 5
}

public enum ZegoAudioConfigPreset: UInt {
    case basicQuality = 0
    case standardQuality = 1
    case standardQualityStereo = 2
    case highQuality = 3
    case highQualityStereo = 4
}

// Conversions to and from the C ABI's int32_t.
extension RawRepresentable where RawValue == UInt {
    /// The case for a C value; nil for a value this wrapper does not know (such events are dropped).
    init?(cValue: Int32) {
        self.init(rawValue: UInt(truncatingIfNeeded: cValue))
    }

    /// The value the C ABI takes.
    var cValue: Int32 {
        return Int32(truncatingIfNeeded: rawValue)
    }
}
