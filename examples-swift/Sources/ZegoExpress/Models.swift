// ZEGO's model classes (reference types with settable properties, as the Objective-C SDK's
// classes are in Swift: `let config = ZegoRoomConfig(); config.isUserStatusNotify = true`), each
// with its conversion to / from the C struct. C structs are built from their zero value
// (`zego_x()`), so fields added to the header later stay zero. The C struct is always called `c`:
// examples-swift/check.sh finds the fields the wrapper relies on by that name.
import Foundation
#if canImport(ZegoExpressC)
import ZegoExpressC
#endif

public final class ZegoEngineProfile {
    public var appID: UInt32 = 0
    /// 64 hex characters; "" for token authentication (every login then needs a token).
    public var appSign: String = ""
    public var scenario: ZegoScenario = .default
    /// zego-express addition: "ws://host:port" of zego-server; "" = $ZEGO_SERVER, else ws://127.0.0.1:9090.
    public var server: String = ""

    public init() {}

    func cValue(_ strings: CStrings) -> zego_engine_profile {
        var c = zego_engine_profile()
        c.app_id = appID
        c.app_sign = strings(appSign)
        c.scenario = scenario.cValue
        c.server = server.isEmpty ? nil : strings(server)
        return c
    }
}

public final class ZegoEngineConfig {
    /// ZEGO's advanced config, e.g. ["room_retry_time": "60"].
    public var advancedConfig: [String: String] = [:]

    public init() {}

    func cValue(_ strings: CStrings) -> zego_engine_config {
        var c = zego_engine_config()
        let pairs = advancedConfig.keys.sorted().map { key in key + "=" + (advancedConfig[key] ?? "") }
        c.advanced_config = pairs.isEmpty ? nil : strings(pairs.joined(separator: ";"))
        return c
    }
}

public final class ZegoUser {
    public var userID: String
    public var userName: String

    public init(userID: String, userName: String) {
        self.userID = userID
        self.userName = userName
    }

    /// ZEGO: the user name is the user id.
    public convenience init(userID: String) {
        self.init(userID: userID, userName: userID)
    }

    convenience init(_ c: zego_user) {
        self.init(userID: swiftString(c.user_id), userName: swiftString(c.user_name))
    }

    func cValue(_ strings: CStrings) -> zego_user {
        var c = zego_user()
        c.user_id = strings(userID)
        c.user_name = strings(userName)
        return c
    }
}

public final class ZegoRoomConfig {
    /// 0 = unlimited; applies when this login creates the room.
    public var maxMemberCount: UInt32 = 0
    /// Whether onRoomUserUpdate is wanted.
    public var isUserStatusNotify: Bool = false
    /// Token04; "" for AppSign authentication.
    public var token: String = ""

    public init() {}

    func cValue(_ strings: CStrings) -> zego_room_config {
        var c = zego_room_config()
        c.max_member_count = maxMemberCount
        c.is_user_status_notify = isUserStatusNotify
        c.token = token.isEmpty ? nil : strings(token)
        return c
    }
}

public final class ZegoCanvas {
    /// A UIView / NSView in ZEGO's SDK. zego-express does not draw into views yet: the object
    /// only identifies the canvas (its address is the C canvas's `view`); it is kept alive here.
    public var view: AnyObject?
    public var viewMode: ZegoViewMode = .aspectFit
    /// 0xRRGGBB.
    public var backgroundColor: Int32 = 0

    public init(view: AnyObject?) {
        self.view = view
    }

    public convenience init() {
        self.init(view: nil)
    }

    func cValue() -> zego_canvas {
        var c = zego_canvas()
        c.view = view.map { Unmanaged.passUnretained($0).toOpaque() }
        c.view_mode = viewMode.cValue
        c.background_color = backgroundColor
        return c
    }
}

public final class ZegoStream {
    public var user: ZegoUser
    public var streamID: String
    public var extraInfo: String

    public init(user: ZegoUser, streamID: String, extraInfo: String) {
        self.user = user
        self.streamID = streamID
        self.extraInfo = extraInfo
    }

    convenience init(_ c: zego_stream) {
        self.init(user: ZegoUser(c.user), streamID: swiftString(c.stream_id), extraInfo: swiftString(c.extra_info))
    }
}

public final class ZegoVideoConfig {
    public var captureResolution: CGSize
    public var encodeResolution: CGSize
    public var fps: Int32 = 15
    /// kbps.
    public var bitrate: Int32
    public var codecID: ZegoVideoCodecID = .default
    /// Seconds, 2...5.
    public var keyFrameInterval: Int32 = 2

    /// ZEGO's presets, landscape (desktop) sizes.
    public init(preset: ZegoVideoConfigPreset) {
        let size: (width: CGFloat, height: CGFloat, kbps: Int32)
        switch preset {
        case .preset180P: size = (320, 180, 300)
        case .preset270P: size = (480, 270, 400)
        case .preset360P: size = (640, 360, 600)
        case .preset540P: size = (960, 540, 1200)
        case .preset720P: size = (1280, 720, 1500)
        case .preset1080P: size = (1920, 1080, 3000)
        }
        captureResolution = CGSize(width: size.width, height: size.height)
        encodeResolution = captureResolution
        bitrate = size.kbps
    }

    /// 360P, ZEGO's default.
    public convenience init() {
        self.init(preset: .preset360P)
    }

    convenience init(_ c: zego_video_config) {
        self.init()
        captureResolution = CGSize(width: CGFloat(c.capture_width), height: CGFloat(c.capture_height))
        encodeResolution = CGSize(width: CGFloat(c.encode_width), height: CGFloat(c.encode_height))
        fps = c.fps
        bitrate = c.bitrate
        codecID = ZegoVideoCodecID(cValue: c.codec_id) ?? .unknown
        keyFrameInterval = c.key_frame_interval
    }

    func cValue() -> zego_video_config {
        var c = zego_video_config()
        c.capture_width = Int32(captureResolution.width)
        c.capture_height = Int32(captureResolution.height)
        c.encode_width = Int32(encodeResolution.width)
        c.encode_height = Int32(encodeResolution.height)
        c.fps = fps
        c.bitrate = bitrate
        c.codec_id = codecID.cValue
        c.key_frame_interval = keyFrameInterval
        return c
    }
}

public final class ZegoAudioConfig {
    /// kbps.
    public var bitrate: Int32
    public var channel: ZegoAudioChannel
    public var codecID: ZegoAudioCodecID = .default

    public init(preset: ZegoAudioConfigPreset) {
        let value: (kbps: Int32, channel: ZegoAudioChannel)
        switch preset {
        case .basicQuality: value = (16, .mono)
        case .standardQuality: value = (48, .mono)
        case .standardQualityStereo: value = (56, .stereo)
        case .highQuality: value = (128, .mono)
        case .highQualityStereo: value = (192, .stereo)
        }
        bitrate = value.kbps
        channel = value.channel
    }

    /// Standard quality, ZEGO's default.
    public convenience init() {
        self.init(preset: .standardQuality)
    }

    convenience init(_ c: zego_audio_config) {
        self.init()
        bitrate = c.bitrate
        channel = ZegoAudioChannel(cValue: c.channel) ?? .unknown
        codecID = ZegoAudioCodecID(cValue: c.codec_id) ?? .default
    }

    func cValue() -> zego_audio_config {
        var c = zego_audio_config()
        c.bitrate = bitrate
        c.channel = channel.cValue
        c.codec_id = codecID.cValue
        return c
    }
}

public final class ZegoRoomExtraInfo {
    public let key: String
    public let value: String
    public let updateUser: ZegoUser
    /// UNIX milliseconds.
    public let updateTime: UInt64

    init(_ c: zego_room_extra_info) {
        key = swiftString(c.key)
        value = swiftString(c.value)
        updateUser = ZegoUser(c.update_user)
        updateTime = c.update_time
    }
}

public final class ZegoBroadcastMessageInfo {
    public let message: String
    public let messageID: UInt64
    /// UNIX milliseconds.
    public let sendTime: UInt64
    public let fromUser: ZegoUser

    init(_ c: zego_broadcast_message_info) {
        message = swiftString(c.message)
        messageID = c.message_id
        sendTime = c.send_time
        fromUser = ZegoUser(c.from_user)
    }
}

public final class ZegoBarrageMessageInfo {
    public let message: String
    public let messageID: String
    /// UNIX milliseconds.
    public let sendTime: UInt64
    public let fromUser: ZegoUser

    init(_ c: zego_barrage_message_info) {
        message = swiftString(c.message)
        messageID = swiftString(c.message_id)
        sendTime = c.send_time
        fromUser = ZegoUser(c.from_user)
    }
}
