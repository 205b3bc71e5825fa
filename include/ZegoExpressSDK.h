/*
 * ZegoExpressSDK.h: the C++ API of zego-express, shaped after ZEGO Express's C++ SDK
 * (namespace ZEGO::EXPRESS, ZegoExpressSDK::createEngine, IZegoExpressEngine, IZegoEventHandler).
 *
 * Header-only, C++11 or later. It includes only "zego_express.h" (the C ABI) and standard headers
 * (plus <dlfcn.h> / <windows.h> when ZEGOEXP_EXPLICIT is defined). Every function is inline, so any
 * number of translation units may include it.
 *
 * Threads: every callback of an engine (IZegoEventHandler methods and the per-call callbacks such as
 * ZegoRoomLoginCallback) runs on that engine's own callback thread, one at a time, in event order.
 * Callbacks may call back into the API, including ZegoExpressSDK::destroyEngine. Exceptions thrown by
 * a callback are caught and dropped by the wrapper (nothing unwinds into the library).
 *
 * Differences from ZEGO's C++ API (zego-express additions and limits):
 *  - ZegoEngineProfile::server: "ws://host:port" of zego-server; empty = env ZEGO_SERVER, else the
 *    library's default. ZegoEngineProfile::scenario defaults to ZEGO_SCENARIO_DEFAULT (ZEGO leaves it
 *    uninitialised). There is no callbackSwitchToMainThread: callbacks always run on the engine's
 *    callback thread.
 *  - Several engines may live at once: createEngine always creates a new engine (ZEGO returns the
 *    existing singleton). getEngine() returns the most recently created engine still alive.
 *  - Only the methods and callbacks the C ABI implements are declared (the ones listed below);
 *    ZEGO's other virtual methods are absent, so code calling them does not compile.
 *  - If a call with a per-call callback (loginRoom, logoutRoom, setRoomExtraInfo, setStreamExtraInfo,
 *    sendBroadcastMessage, sendBarrageMessage, sendCustomCommand) fails at once, the callback is called
 *    with the error code before the method returns, on the calling thread (after onDebugError).
 *  - ZegoEngineConfig::logConfig is accepted and ignored. ZegoRoomConfig::capabilityNegotiationTypes
 *    and ZegoCanvas::alphaBlend are accepted and ignored.
 *  - ZegoLocalServer: an in-process zego-server (the "cloud" for tests and demos).
 *  - The library draws into no window: frames meant for a ZegoCanvas with a non-null view go to
 *    IZegoCanvasVideoFrameHandler::onCanvasVideoFrame (setCanvasVideoFrameHandler, an addition).
 *    Custom video render delivers remote frames only (onRemoteVideoFrameRawData); the audio data
 *    observer delivers playback audio only (onPlaybackAudioData, 48 kHz mono); custom video
 *    capture has no IZegoCustomVideoCaptureHandler (frames are accepted once it is enabled).
 *  - Media handlers (custom render, audio data, canvas frames) run on the engine's callback thread
 *    too; their buffers are valid only during the call.
 *  - Error codes are ZEGO's; ZegoErrorCode lists those this library returns, and
 *    zego_get_error_message(code) describes any of them.
 *
 * ZEGOEXP_EXPLICIT (dlopen mode, as in ZEGO's SDK): define it (the same way in every translation
 * unit) before including this header and the program does not link the library; call ZegoExpressSDK::loadLibrary(path) first (0 on success,
 * else ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED or ..._FUNC_NOT_FOUND). Until then createEngine
 * returns nullptr, getVersion returns "" and ZegoLocalServer::start returns nullptr.
 */
#ifndef ZEGO_EXPRESS_SDK_CPP_H
#define ZEGO_EXPRESS_SDK_CPP_H

#include "zego_express.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(ZEGOEXP_EXPLICIT)
#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#endif
#endif

/*
 * The C events the wrapper listens to: E(arg, event) for each, where the C typedef is
 * zego_on_<event>, the registration zego_register_<event>_callback and the wrapper's
 * trampoline ZegoExpressEngineImpl::on_<event>.
 */
#define ZEGOEXP_C_EVENTS(E, arg)                           \
    E(arg, room_state_changed)                             \
    E(arg, room_state_update)                              \
    E(arg, room_login_result)                              \
    E(arg, room_logout_result)                             \
    E(arg, room_user_update)                               \
    E(arg, room_online_user_count_update)                  \
    E(arg, room_stream_update)                             \
    E(arg, room_stream_extra_info_update)                  \
    E(arg, room_extra_info_update)                         \
    E(arg, room_token_will_expire)                         \
    E(arg, room_set_room_extra_info_result)                \
    E(arg, publisher_state_update)                         \
    E(arg, publisher_update_stream_extra_info_result)      \
    E(arg, player_state_update)                            \
    E(arg, im_recv_broadcast_message)                      \
    E(arg, im_recv_barrage_message)                        \
    E(arg, im_recv_custom_command)                         \
    E(arg, im_send_broadcast_message_result)               \
    E(arg, im_send_barrage_message_result)                 \
    E(arg, im_send_custom_command_result)                  \
    E(arg, publisher_captured_video_first_frame)           \
    E(arg, publisher_captured_audio_first_frame)           \
    E(arg, publisher_send_video_first_frame)               \
    E(arg, publisher_send_audio_first_frame)               \
    E(arg, publisher_video_size_changed)                   \
    E(arg, player_recv_video_first_frame)                  \
    E(arg, player_recv_audio_first_frame)                  \
    E(arg, player_render_video_first_frame)                \
    E(arg, player_video_size_changed)                      \
    E(arg, custom_video_render_remote_frame_data)          \
    E(arg, canvas_video_frame)                             \
    E(arg, playback_audio_data)                            \
    E(arg, publisher_quality_update)                       \
    E(arg, player_quality_update)                          \
    E(arg, network_quality)                                \
    E(arg, remote_camera_state_update)                     \
    E(arg, remote_mic_state_update)                        \
    E(arg, local_device_exception_occurred)

#define ZEGOEXP_C_REGISTER_FUNCTION(X, event) X(zego_register_##event##_callback)

/* Every C function the wrapper calls, each named once: X(name). */
#define ZEGOEXP_C_FUNCTIONS(X)               \
    X(zego_get_version)                      \
    X(zego_get_error_message)                \
    X(zego_set_engine_config)                \
    X(zego_create_engine)                    \
    X(zego_destroy_engine)                   \
    X(zego_login_room)                       \
    X(zego_logout_room)                      \
    X(zego_switch_room)                      \
    X(zego_renew_token)                      \
    X(zego_set_room_extra_info)              \
    X(zego_start_preview)                    \
    X(zego_stop_preview)                     \
    X(zego_start_publishing_stream)          \
    X(zego_stop_publishing_stream)           \
    X(zego_set_stream_extra_info)            \
    X(zego_set_video_config)                 \
    X(zego_get_video_config)                 \
    X(zego_set_audio_config)                 \
    X(zego_get_audio_config)                 \
    X(zego_mute_publish_stream_audio)        \
    X(zego_mute_publish_stream_video)        \
    X(zego_enable_camera)                    \
    X(zego_mute_microphone)                  \
    X(zego_mute_speaker)                     \
    X(zego_mute_play_stream_audio)           \
    X(zego_mute_play_stream_video)           \
    X(zego_enable_custom_video_render)       \
    X(zego_enable_custom_video_capture)      \
    X(zego_send_custom_video_capture_raw_data) \
    X(zego_enable_custom_audio_io)           \
    X(zego_send_custom_audio_capture_pcm_data) \
    X(zego_start_audio_data_observer)        \
    X(zego_stop_audio_data_observer)         \
    X(zego_get_video_device_list)            \
    X(zego_free_video_device_list)           \
    X(zego_get_audio_device_list)            \
    X(zego_free_audio_device_list)           \
    X(zego_use_video_device)                 \
    X(zego_use_audio_device)                 \
    X(zego_get_default_video_device_id)      \
    X(zego_get_default_audio_device_id)      \
    X(zego_start_playing_stream)             \
    X(zego_stop_playing_stream)              \
    X(zego_send_broadcast_message)           \
    X(zego_send_barrage_message)             \
    X(zego_send_custom_command)              \
    X(zego_local_server_start)               \
    X(zego_local_server_url)                 \
    X(zego_local_server_stop)                \
    ZEGOEXP_C_EVENTS(ZEGOEXP_C_REGISTER_FUNCTION, X)

/* How the wrapper names a C function: directly, or through the table loadLibrary fills. */
#if defined(ZEGOEXP_EXPLICIT)
#define ZEGOEXP_C(name) (::ZEGO::EXPRESS::detail::cApi().functions.name)
#else
#define ZEGOEXP_C(name) (::name)
#endif

namespace ZEGO {
namespace EXPRESS {

// ---------------------------------------------------------------------------------------------
// Enums (ZEGO's names and values)
// ---------------------------------------------------------------------------------------------

enum ZegoScenario {
    ZEGO_SCENARIO_GENERAL = 0,
    ZEGO_SCENARIO_COMMUNICATION = 1,
    ZEGO_SCENARIO_LIVE = 2,
    ZEGO_SCENARIO_DEFAULT = 3,
    ZEGO_SCENARIO_STANDARD_VIDEO_CALL = 4,
    ZEGO_SCENARIO_HIGH_QUALITY_VIDEO_CALL = 5,
    ZEGO_SCENARIO_STANDARD_CHATROOM = 6,
    ZEGO_SCENARIO_HIGH_QUALITY_CHATROOM = 7,
    ZEGO_SCENARIO_BROADCAST = 8,
    ZEGO_SCENARIO_KARAOKE = 9,
    ZEGO_SCENARIO_STANDARD_VOICE_CALL = 10
};

enum ZegoEngineState { ZEGO_ENGINE_STATE_START = 0, ZEGO_ENGINE_STATE_STOP = 1 };

enum ZegoRoomMode { ZEGO_ROOM_MODE_SINGLE_ROOM = 0, ZEGO_ROOM_MODE_MULTI_ROOM = 1 };

enum ZegoRoomState {
    ZEGO_ROOM_STATE_DISCONNECTED = 0,
    ZEGO_ROOM_STATE_CONNECTING = 1,
    ZEGO_ROOM_STATE_CONNECTED = 2
};

enum ZegoRoomStateChangedReason {
    ZEGO_ROOM_STATE_CHANGED_REASON_LOGINING = 0,
    ZEGO_ROOM_STATE_CHANGED_REASON_LOGINED = 1,
    ZEGO_ROOM_STATE_CHANGED_REASON_LOGIN_FAILED = 2,
    ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTING = 3,
    ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECTED = 4,
    ZEGO_ROOM_STATE_CHANGED_REASON_RECONNECT_FAILED = 5,
    ZEGO_ROOM_STATE_CHANGED_REASON_KICK_OUT = 6,
    ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT = 7,
    ZEGO_ROOM_STATE_CHANGED_REASON_LOGOUT_FAILED = 8
};

enum ZegoUpdateType { ZEGO_UPDATE_TYPE_ADD = 0, ZEGO_UPDATE_TYPE_DELETE = 1 };

enum ZegoPublishChannel {
    ZEGO_PUBLISH_CHANNEL_MAIN = 0,
    ZEGO_PUBLISH_CHANNEL_AUX = 1,
    ZEGO_PUBLISH_CHANNEL_THIRD = 2,
    ZEGO_PUBLISH_CHANNEL_FOURTH = 3
};

enum ZegoPublisherState {
    ZEGO_PUBLISHER_STATE_NO_PUBLISH = 0,
    ZEGO_PUBLISHER_STATE_PUBLISH_REQUESTING = 1,
    ZEGO_PUBLISHER_STATE_PUBLISHING = 2
};

enum ZegoPlayerState {
    ZEGO_PLAYER_STATE_NO_PLAY = 0,
    ZEGO_PLAYER_STATE_PLAY_REQUESTING = 1,
    ZEGO_PLAYER_STATE_PLAYING = 2
};

enum ZegoViewMode {
    ZEGO_VIEW_MODE_ASPECT_FIT = 0,
    ZEGO_VIEW_MODE_ASPECT_FILL = 1,
    ZEGO_VIEW_MODE_SCALE_TO_FILL = 2
};

enum ZegoVideoMirrorMode {
    ZEGO_VIDEO_MIRROR_MODE_ONLY_PREVIEW_MIRROR = 0,
    ZEGO_VIDEO_MIRROR_MODE_BOTH_MIRROR = 1,
    ZEGO_VIDEO_MIRROR_MODE_NO_MIRROR = 2,
    ZEGO_VIDEO_MIRROR_MODE_ONLY_PUBLISH_MIRROR = 3
};

enum ZegoVideoConfigPreset {
    ZEGO_VIDEO_CONFIG_PRESET_180P = 0,
    ZEGO_VIDEO_CONFIG_PRESET_270P = 1,
    ZEGO_VIDEO_CONFIG_PRESET_360P = 2,
    ZEGO_VIDEO_CONFIG_PRESET_540P = 3,
    ZEGO_VIDEO_CONFIG_PRESET_720P = 4,
    ZEGO_VIDEO_CONFIG_PRESET_1080P = 5
};

enum ZegoVideoCodecID {
    ZEGO_VIDEO_CODEC_ID_DEFAULT = 0,
    ZEGO_VIDEO_CODEC_ID_SVC = 1,
    ZEGO_VIDEO_CODEC_ID_VP8 = 2,
    ZEGO_VIDEO_CODEC_ID_H265 = 3,
    ZEGO_VIDEO_CODEC_ID_H264_DUAL_STREAM = 4,
    ZEGO_VIDEO_CODEC_ID_UNKNOWN = 100
};

enum ZegoAudioConfigPreset {
    ZEGO_AUDIO_CONFIG_PRESET_BASIC_QUALITY = 0,
    ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY = 1,
    ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY_STEREO = 2,
    ZEGO_AUDIO_CONFIG_PRESET_HIGH_QUALITY = 3,
    ZEGO_AUDIO_CONFIG_PRESET_HIGH_QUALITY_STEREO = 4
};

enum ZegoAudioChannel {
    ZEGO_AUDIO_CHANNEL_UNKNOWN = 0,
    ZEGO_AUDIO_CHANNEL_MONO = 1,
    ZEGO_AUDIO_CHANNEL_STEREO = 2
};

enum ZegoAudioCodecID {
    ZEGO_AUDIO_CODEC_ID_DEFAULT = 0,
    ZEGO_AUDIO_CODEC_ID_NORMAL = 1,
    ZEGO_AUDIO_CODEC_ID_NORMAL2 = 2,
    ZEGO_AUDIO_CODEC_ID_NORMAL3 = 3,
    ZEGO_AUDIO_CODEC_ID_LOW = 4,
    ZEGO_AUDIO_CODEC_ID_LOW2 = 5,
    ZEGO_AUDIO_CODEC_ID_LOW3 = 6
};

enum ZegoAudioSampleRate {
    ZEGO_AUDIO_SAMPLE_RATE_UNKNOWN = 0,
    ZEGO_AUDIO_SAMPLE_RATE_8K = 8000,
    ZEGO_AUDIO_SAMPLE_RATE_16K = 16000,
    ZEGO_AUDIO_SAMPLE_RATE_22K = 22050,
    ZEGO_AUDIO_SAMPLE_RATE_24K = 24000,
    ZEGO_AUDIO_SAMPLE_RATE_32K = 32000,
    ZEGO_AUDIO_SAMPLE_RATE_44K = 44100,
    ZEGO_AUDIO_SAMPLE_RATE_48K = 48000
};

enum ZegoStreamQualityLevel {
    ZEGO_STREAM_QUALITY_LEVEL_EXCELLENT = 0,
    ZEGO_STREAM_QUALITY_LEVEL_GOOD = 1,
    ZEGO_STREAM_QUALITY_LEVEL_MEDIUM = 2,
    ZEGO_STREAM_QUALITY_LEVEL_BAD = 3,
    ZEGO_STREAM_QUALITY_LEVEL_DIE = 4,
    ZEGO_STREAM_QUALITY_LEVEL_UNKNOWN = 5
};

enum ZegoVideoFrameFormat {
    ZEGO_VIDEO_FRAME_FORMAT_UNKNOWN = 0,
    ZEGO_VIDEO_FRAME_FORMAT_I420 = 1,
    ZEGO_VIDEO_FRAME_FORMAT_NV12 = 2,
    ZEGO_VIDEO_FRAME_FORMAT_NV21 = 3,
    ZEGO_VIDEO_FRAME_FORMAT_BGRA32 = 4,
    ZEGO_VIDEO_FRAME_FORMAT_RGBA32 = 5,
    ZEGO_VIDEO_FRAME_FORMAT_ARGB32 = 6,
    ZEGO_VIDEO_FRAME_FORMAT_ABGR32 = 7,
    ZEGO_VIDEO_FRAME_FORMAT_I422 = 8,
    ZEGO_VIDEO_FRAME_FORMAT_BGR24 = 9,
    ZEGO_VIDEO_FRAME_FORMAT_RGB24 = 10
};

enum ZegoVideoBufferType {
    ZEGO_VIDEO_BUFFER_TYPE_UNKNOWN = 0,
    ZEGO_VIDEO_BUFFER_TYPE_RAW_DATA = 1,
    ZEGO_VIDEO_BUFFER_TYPE_ENCODED_DATA = 2,
    ZEGO_VIDEO_BUFFER_TYPE_CV_PIXEL_BUFFER = 4,
    ZEGO_VIDEO_BUFFER_TYPE_D3D_TEXTURE_2D = 8
};

enum ZegoVideoFrameFormatSeries {
    ZEGO_VIDEO_FRAME_FORMAT_SERIES_RGB = 0,
    ZEGO_VIDEO_FRAME_FORMAT_SERIES_YUV = 1
};

enum ZegoRemoteDeviceState {
    ZEGO_REMOTE_DEVICE_STATE_OPEN = 0,
    ZEGO_REMOTE_DEVICE_STATE_GENERIC_ERROR = 1,
    ZEGO_REMOTE_DEVICE_STATE_INVALID_ID = 2,
    ZEGO_REMOTE_DEVICE_STATE_NO_AUTHORIZATION = 3,
    ZEGO_REMOTE_DEVICE_STATE_ZERO_FPS = 4,
    ZEGO_REMOTE_DEVICE_STATE_IN_USE_BY_OTHER = 5,
    ZEGO_REMOTE_DEVICE_STATE_UNPLUGGED = 6,
    ZEGO_REMOTE_DEVICE_STATE_REBOOT_REQUIRED = 7,
    ZEGO_REMOTE_DEVICE_STATE_SYSTEM_MEDIA_SERVICES_LOST = 8,
    ZEGO_REMOTE_DEVICE_STATE_DISABLE = 9,
    ZEGO_REMOTE_DEVICE_STATE_MUTE = 10,
    ZEGO_REMOTE_DEVICE_STATE_INTERRUPTION = 11,
    ZEGO_REMOTE_DEVICE_STATE_IN_BACKGROUND = 12,
    ZEGO_REMOTE_DEVICE_STATE_MULTI_FOREGROUND_APP = 13,
    ZEGO_REMOTE_DEVICE_STATE_BY_SYSTEM_PRESSURE = 14,
    ZEGO_REMOTE_DEVICE_STATE_NOT_SUPPORT = 15
};

enum ZegoAudioDeviceType { ZEGO_AUDIO_DEVICE_TYPE_INPUT = 0, ZEGO_AUDIO_DEVICE_TYPE_OUTPUT = 1 };

enum ZegoDeviceType {
    ZEGO_DEVICE_TYPE_UNKNOWN = 0,
    ZEGO_DEVICE_TYPE_CAMERA = 1,
    ZEGO_DEVICE_TYPE_MICROPHONE = 2,
    ZEGO_DEVICE_TYPE_SPEAKER = 3,
    ZEGO_DEVICE_TYPE_AUDIO_DEVICE = 4,
    ZEGO_DEVICE_TYPE_AUDIO_SESSION = 5
};

enum ZegoDeviceExceptionType {
    ZEGO_DEVICE_EXCEPTION_TYPE_UNKNOWN = 0,
    ZEGO_DEVICE_EXCEPTION_TYPE_GENERIC = 1,
    ZEGO_DEVICE_EXCEPTION_TYPE_INVALID_ID = 2,
    ZEGO_DEVICE_EXCEPTION_TYPE_PERMISSION_NOT_GRANTED = 3,
    ZEGO_DEVICE_EXCEPTION_TYPE_ZERO_CAPTURE_FPS = 4,
    ZEGO_DEVICE_EXCEPTION_TYPE_DEVICE_OCCUPIED = 5,
    ZEGO_DEVICE_EXCEPTION_TYPE_DEVICE_UNPLUGGED = 6,
    ZEGO_DEVICE_EXCEPTION_TYPE_REBOOT_REQUIRED = 7,
    ZEGO_DEVICE_EXCEPTION_TYPE_MEDIA_SERVICES_WERE_LOST = 8,
    ZEGO_DEVICE_EXCEPTION_TYPE_SIRI_IS_RECORDING = 9,
    ZEGO_DEVICE_EXCEPTION_TYPE_SOUND_LEVEL_TOO_LOW = 10,
    ZEGO_DEVICE_EXCEPTION_TYPE_MAGNETIC_CASE = 11,
    ZEGO_DEVICE_EXCEPTION_TYPE_AUDIO_SESSION_DEACTIVE = 12,
    ZEGO_DEVICE_EXCEPTION_TYPE_AUDIO_SESSION_CATEGORY_CHANGE = 13
};

/* Bits of IZegoExpressEngine::startAudioDataObserver's mask. Only PLAYBACK is delivered here. */
enum ZegoAudioDataCallbackBitMask {
    ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_CAPTURED = 1 << 0,
    ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYBACK = 1 << 1,
    ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_MIXED = 1 << 2,
    ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYER = 1 << 3
};

/*
 * The ZEGO error codes this library returns (ZEGO's names and values; a subset of ZEGO's
 * ZegoErrorCode). zego_get_error_message(code) gives a description of each.
 */
enum ZegoErrorCode {
    ZEGO_ERROR_CODE_COMMON_SUCCESS = 0,
    ZEGO_ERROR_CODE_COMMON_ENGINE_NOT_CREATE = 1000001,
    ZEGO_ERROR_CODE_COMMON_NOT_LOGIN_ROOM = 1000002,
    ZEGO_ERROR_CODE_COMMON_STREAM_ID_TOO_LONG = 1000014,
    ZEGO_ERROR_CODE_COMMON_STREAM_ID_NULL = 1000015,
    ZEGO_ERROR_CODE_COMMON_STREAM_ID_INVALID_CHARACTER = 1000016,
    ZEGO_ERROR_CODE_COMMON_ILLEGAL_PARAM = 1000017,
    ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED = 1000070,
    ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FUNC_NOT_FOUND = 1000071,
    ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_NOT_SUPPORT = 1000072,
    ZEGO_ERROR_CODE_COMMON_INNER_NULLPTR = 1000090,
    ZEGO_ERROR_CODE_ENGINE_APPID_ZERO = 1001000,
    ZEGO_ERROR_CODE_ENGINE_APPSIGN_INVALID_LENGTH = 1001001,
    ZEGO_ERROR_CODE_ENGINE_APPSIGN_INVALID_CHARACTER = 1001002,
    ZEGO_ERROR_CODE_ENGINE_APPID_INCORRECT_OR_NOT_ONLINE = 1001004,
    ZEGO_ERROR_CODE_ENGINE_APPSIGN_INCORRECT = 1001005,
    ZEGO_ERROR_CODE_ROOM_COUNT_EXCEED = 1002001,
    ZEGO_ERROR_CODE_ROOM_ROOMID_INCORRECT = 1002002,
    ZEGO_ERROR_CODE_ROOM_USER_ID_NULL = 1002005,
    ZEGO_ERROR_CODE_ROOM_USER_ID_INVALID_CHARACTER = 1002006,
    ZEGO_ERROR_CODE_ROOM_USER_ID_TOO_LONG = 1002007,
    ZEGO_ERROR_CODE_ROOM_USER_NAME_INVALID_CHARACTER = 1002009,
    ZEGO_ERROR_CODE_ROOM_USER_NAME_TOO_LONG = 1002010,
    ZEGO_ERROR_CODE_ROOM_ROOMID_NULL = 1002011,
    ZEGO_ERROR_CODE_ROOM_ROOMID_INVALID_CHARACTER = 1002012,
    ZEGO_ERROR_CODE_ROOM_ROOMID_TOO_LONG = 1002013,
    ZEGO_ERROR_CODE_ROOM_ROOM_EXTRA_INFO_KEY_EMPTY = 1002014,
    ZEGO_ERROR_CODE_ROOM_ROOM_EXTRA_INFO_KEY_TOO_LONG = 1002015,
    ZEGO_ERROR_CODE_ROOM_ROOM_EXTRA_INFO_VALUE_TOO_LONG = 1002016,
    ZEGO_ERROR_CODE_ROOM_ROOM_EXTRA_INFO_EXCEED_KEYS = 1002017,
    ZEGO_ERROR_CODE_ROOM_ERROR_CONNECT_FAILED = 1002030,
    ZEGO_ERROR_CODE_ROOM_ERROR_LOGIN_TIMEOUT = 1002031,
    ZEGO_ERROR_CODE_ROOM_ERROR_AUTHENTICATION_FAILED = 1002033,
    ZEGO_ERROR_CODE_ROOM_ERROR_EXCEED_MAXIMUM_MEMBER = 1002034,
    ZEGO_ERROR_CODE_ROOM_ERROR_EXCEED_MAXIMUM_ROOM_COUNT = 1002035,
    ZEGO_ERROR_CODE_ROOM_KICKED_OUT = 1002050,
    ZEGO_ERROR_CODE_ROOM_CONNECT_TEMPORARY_BROKEN = 1002051,
    ZEGO_ERROR_CODE_ROOM_DISCONNECT = 1002052,
    ZEGO_ERROR_CODE_ROOM_RETRY_TIMEOUT = 1002053,
    ZEGO_ERROR_CODE_ROOM_TOKEN_EXPIRED_KICKED_OUT = 1002056,
    ZEGO_ERROR_CODE_ROOM_NO_TOKEN = 1002067,
    ZEGO_ERROR_CODE_ROOM_TOKEN_INNER_ERROR = 1002074,
    ZEGO_ERROR_CODE_ROOM_TOKEN_FORMAT_ERROR = 1002075,
    ZEGO_ERROR_CODE_ROOM_TOKEN_APPID_ERROR = 1002076,
    ZEGO_ERROR_CODE_ROOM_TOKEN_USERID_ERROR = 1002077,
    ZEGO_ERROR_CODE_ROOM_TOKEN_EXPIRE_ERROR = 1002078,
    ZEGO_ERROR_CODE_ROOM_TOKEN_VERSION_ERROR = 1002079,
    ZEGO_ERROR_CODE_ROOM_TOKEN_NONCETYPE_ERROR = 1002080,
    ZEGO_ERROR_CODE_ROOM_INNER_ERROR = 1002099,
    ZEGO_ERROR_CODE_PUBLISHER_PUBLISH_STREAM_FAILED = 1003001,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_NETWORK_INTERRUPT = 1003020,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_RETRY_TIMEOUT = 1003021,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_ALREADY_DO_PUBLISH = 1003023,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_SERVER_FORBID = 1003025,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_REPETITIVE_PUBLISH_STREAM = 1003028,
    ZEGO_ERROR_CODE_PUBLISHER_EXTRA_INFO_NULL = 1003050,
    ZEGO_ERROR_CODE_PUBLISHER_EXTRA_INFO_TOO_LONG = 1003051,
    ZEGO_ERROR_CODE_PUBLISHER_UPDATE_EXTRA_INFO_FAILED = 1003053,
    ZEGO_ERROR_CODE_PUBLISHER_ERROR_DISPATCH_AUTH_ERROR = 1003072,
    ZEGO_ERROR_CODE_PUBLISHER_INNER_ERROR = 1003099,
    ZEGO_ERROR_CODE_PLAYER_PLAY_STREAM_FAILED = 1004001,
    ZEGO_ERROR_CODE_PLAYER_PLAY_STREAM_NOT_EXIST = 1004002,
    ZEGO_ERROR_CODE_PLAYER_COUNT_EXCEED = 1004010,
    ZEGO_ERROR_CODE_PLAYER_STREAM_WAS_NOT_PLAYED = 1004011,
    ZEGO_ERROR_CODE_PLAYER_ERROR_NETWORK_INTERRUPT = 1004020,
    ZEGO_ERROR_CODE_PLAYER_INNER_ERROR = 1004099,
    ZEGO_ERROR_CODE_DEVICE_ERROR_TYPE_INVALID_ID = 1006002,
    ZEGO_ERROR_CODE_IM_CONTENT_NULL = 1009001,
    ZEGO_ERROR_CODE_IM_CONTENT_TOO_LONG = 1009002,
    ZEGO_ERROR_CODE_IM_SEND_FAILED = 1009010,
    ZEGO_ERROR_CODE_IM_USER_ID_EMPTY = 1009011,
    ZEGO_ERROR_CODE_IM_USER_ID_TOO_LONG = 1009012,
    ZEGO_ERROR_CODE_CUSTOM_VIDEO_IO_NO_CUSTOM_VIDEO_CAPTURE = 1011002,
    ZEGO_ERROR_CODE_CUSTOM_VIDEO_IO_NOT_SUPPORTED_FORMAT = 1011010,
    ZEGO_ERROR_CODE_CUSTOM_VIDEO_IO_NOT_SUPPORTED_BUFFER_TYPE = 1011011
};

// ---------------------------------------------------------------------------------------------
// Structs (ZEGO's fields and defaults)
// ---------------------------------------------------------------------------------------------

/* What an engine is created with. */
struct ZegoEngineProfile {
    /* Application ID issued by the server operator (the dev app of zego-server is 1234567890). */
    unsigned int appID;
    /* 64 hex characters; empty = token mode (every loginRoom then needs ZegoRoomConfig::token). */
    std::string appSign;
    /* Room scenario. */
    ZegoScenario scenario;
    /* zego-express addition: "ws://host:port" of zego-server; empty = env ZEGO_SERVER, else the
       library's default (see zego_express.h). */
    std::string server;

    ZegoEngineProfile() : appID(0), scenario(ZEGO_SCENARIO_DEFAULT) {}
};

/* Log configuration. Accepted for source compatibility; ignored (the library logs through tracing). */
struct ZegoLogConfig {
    std::string logPath;
    unsigned long long logSize;
    unsigned int logCount;

    ZegoLogConfig() : logSize(5u * 1024u * 1024u), logCount(3) {}
};

/* Engine-wide options for engines created afterwards (ZegoExpressSDK::setEngineConfig). */
struct ZegoEngineConfig {
    /* Ignored (deprecated by ZEGO too). */
    ZegoLogConfig *logConfig;
    /* Advanced options, passed to the library as "key=value;key=value". */
    std::unordered_map<std::string, std::string> advancedConfig;

    ZegoEngineConfig() : logConfig(nullptr) {}
};

struct ZegoUser {
    std::string userID;
    std::string userName;

    ZegoUser() {}
    ZegoUser(std::string id, std::string name) : userID(std::move(id)), userName(std::move(name)) {}
};

struct ZegoStream {
    ZegoUser user;
    std::string streamID;
    std::string extraInfo;
};

struct ZegoRoomConfig {
    /* 0 = unlimited; applies when this login creates the room. */
    unsigned int maxMemberCount;
    /* Whether onRoomUserUpdate is wanted. */
    bool isUserStatusNotify;
    /* Token04; empty for AppSign authentication. */
    std::string token;
    /* Accepted for source compatibility; ignored. */
    unsigned int capabilityNegotiationTypes;

    ZegoRoomConfig() : maxMemberCount(0), isUserStatusNotify(false), capabilityNegotiationTypes(0) {}
};

struct ZegoRoomExtraInfo {
    std::string key;
    std::string value;
    ZegoUser updateUser;
    /* UNIX milliseconds. */
    unsigned long long updateTime;

    ZegoRoomExtraInfo() : updateTime(0) {}
};

struct ZegoCanvas {
    /* Window handle. The library does not draw into windows yet: with a non-null view, the frames
       meant for it go to IZegoCanvasVideoFrameHandler::onCanvasVideoFrame (zego-express addition). */
    void *view;
    ZegoViewMode viewMode;
    /* 0xRRGGBB. */
    int backgroundColor;
    /* Accepted for source compatibility; ignored. */
    bool alphaBlend;

    ZegoCanvas(void *v = nullptr, ZegoViewMode mode = ZEGO_VIEW_MODE_ASPECT_FIT, int color = 0x000000)
        : view(v), viewMode(mode), backgroundColor(color), alphaBlend(false) {}
};

struct ZegoVideoConfig {
    int captureWidth;
    int captureHeight;
    int encodeWidth;
    int encodeHeight;
    int fps;
    /* kbps. */
    int bitrate;
    ZegoVideoCodecID codecID;
    /* Seconds, 2..5. */
    int keyFrameInterval;

    ZegoVideoConfig(ZegoVideoConfigPreset preset = ZEGO_VIDEO_CONFIG_PRESET_360P)
        : captureWidth(640), captureHeight(360), encodeWidth(640), encodeHeight(360), fps(15),
          bitrate(600), codecID(ZEGO_VIDEO_CODEC_ID_DEFAULT), keyFrameInterval(2) {
        switch (preset) {
        case ZEGO_VIDEO_CONFIG_PRESET_180P: setSize(320, 180, 300); break;
        case ZEGO_VIDEO_CONFIG_PRESET_270P: setSize(480, 270, 400); break;
        case ZEGO_VIDEO_CONFIG_PRESET_360P: setSize(640, 360, 600); break;
        case ZEGO_VIDEO_CONFIG_PRESET_540P: setSize(960, 540, 1200); break;
        case ZEGO_VIDEO_CONFIG_PRESET_720P: setSize(1280, 720, 1500); break;
        case ZEGO_VIDEO_CONFIG_PRESET_1080P: setSize(1920, 1080, 3000); break;
        }
    }

  private:
    void setSize(int width, int height, int kbps) {
        captureWidth = encodeWidth = width;
        captureHeight = encodeHeight = height;
        bitrate = kbps;
    }
};

struct ZegoAudioConfig {
    /* kbps. */
    int bitrate;
    ZegoAudioChannel channel;
    ZegoAudioCodecID codecID;

    ZegoAudioConfig(ZegoAudioConfigPreset preset = ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY)
        : bitrate(48), channel(ZEGO_AUDIO_CHANNEL_MONO), codecID(ZEGO_AUDIO_CODEC_ID_DEFAULT) {
        switch (preset) {
        case ZEGO_AUDIO_CONFIG_PRESET_BASIC_QUALITY: bitrate = 16; break;
        case ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY: bitrate = 48; break;
        case ZEGO_AUDIO_CONFIG_PRESET_STANDARD_QUALITY_STEREO:
            bitrate = 56;
            channel = ZEGO_AUDIO_CHANNEL_STEREO;
            break;
        case ZEGO_AUDIO_CONFIG_PRESET_HIGH_QUALITY: bitrate = 128; break;
        case ZEGO_AUDIO_CONFIG_PRESET_HIGH_QUALITY_STEREO:
            bitrate = 192;
            channel = ZEGO_AUDIO_CHANNEL_STEREO;
            break;
        }
    }
};

/* A camera, microphone or speaker (getVideoDeviceList / getAudioDeviceList). */
struct ZegoDeviceInfo {
    /* What useVideoDevice / useAudioDevice take. */
    std::string deviceID;
    std::string deviceName;
    /* Backend description (driver, path), free text. */
    std::string deviceExtraInfo;
};

/* Quality of a published stream (onPublisherQualityUpdate, every 3 s). Unmeasured fields are 0. */
struct ZegoPublishStreamQuality {
    double videoCaptureFPS = 0;
    double videoEncodeFPS = 0;
    double videoSendFPS = 0;
    double videoKBPS = 0;
    double audioCaptureFPS = 0;
    double audioSendFPS = 0;
    double audioKBPS = 0;
    /* ms. */
    int rtt = 0;
    /* 0.0 - 1.0. */
    double packetLostRate = 0;
    ZegoStreamQualityLevel level = ZEGO_STREAM_QUALITY_LEVEL_UNKNOWN;
    bool isHardwareEncode = false;
    ZegoVideoCodecID videoCodecID = ZEGO_VIDEO_CODEC_ID_DEFAULT;
    double totalSendBytes = 0;
    double audioSendBytes = 0;
    double videoSendBytes = 0;
};

/* Quality of a played stream (onPlayerQualityUpdate, every 3 s). Unmeasured fields are 0, mos -1. */
struct ZegoPlayStreamQuality {
    double videoRecvFPS = 0;
    double videoDejitterFPS = 0;
    double videoDecodeFPS = 0;
    double videoRenderFPS = 0;
    double videoKBPS = 0;
    /* Breaks per 10 s. */
    double videoBreakRate = 0;
    double audioRecvFPS = 0;
    double audioDejitterFPS = 0;
    double audioDecodeFPS = 0;
    double audioRenderFPS = 0;
    double audioKBPS = 0;
    double audioBreakRate = 0;
    /* -1 unknown, else 0 - 5. */
    double mos = -1;
    /* ms. */
    int rtt = 0;
    /* 0.0 - 1.0. */
    double packetLostRate = 0;
    int peerToPeerDelay = 0;
    double peerToPeerPacketLostRate = 0;
    ZegoStreamQualityLevel level = ZEGO_STREAM_QUALITY_LEVEL_UNKNOWN;
    int delay = 0;
    int avTimestampDiff = 0;
    bool isHardwareDecode = false;
    ZegoVideoCodecID videoCodecID = ZEGO_VIDEO_CODEC_ID_DEFAULT;
    double totalRecvBytes = 0;
    double audioRecvBytes = 0;
    double videoRecvBytes = 0;
    unsigned int audioCumulativeBreakCount = 0;
    unsigned int audioCumulativeBreakTime = 0;
    double audioCumulativeBreakRate = 0;
    unsigned int audioCumulativeDecodeTime = 0;
    unsigned int videoCumulativeBreakCount = 0;
    unsigned int videoCumulativeBreakTime = 0;
    double videoCumulativeBreakRate = 0;
    unsigned int videoCumulativeDecodeTime = 0;
    int muteVideo = 0;
    int muteAudio = 0;
};

/* Custom video render (IZegoExpressEngine::enableCustomVideoRender). Only RAW_DATA buffers. */
struct ZegoCustomVideoRenderConfig {
    ZegoVideoBufferType bufferType;
    /* YUV: I420 planes; RGB: one BGRA32 plane. */
    ZegoVideoFrameFormatSeries frameFormatSeries;
    /* Accepted; ignored (the library draws into no window). */
    bool enableEngineRender;

    /* zego-express addition (ZEGO leaves the fields uninitialised): RAW_DATA, RGB, false. */
    ZegoCustomVideoRenderConfig()
        : bufferType(ZEGO_VIDEO_BUFFER_TYPE_RAW_DATA), frameFormatSeries(ZEGO_VIDEO_FRAME_FORMAT_SERIES_RGB),
          enableEngineRender(false) {}
};

/* ZegoAudioSourceType (custom audio IO takes CUSTOM only). */
enum ZegoAudioSourceType {
    ZEGO_AUDIO_SOURCE_TYPE_DEFAULT = 0,
    ZEGO_AUDIO_SOURCE_TYPE_CUSTOM = 1,
    ZEGO_AUDIO_SOURCE_TYPE_MEDIA_PLAYER = 2,
    ZEGO_AUDIO_SOURCE_TYPE_NONE = 3,
    ZEGO_AUDIO_SOURCE_TYPE_MICROPHONE = 4,
    ZEGO_AUDIO_SOURCE_TYPE_MAIN_PUBLISH_CHANNEL = 5
};

/* Custom audio IO (IZegoExpressEngine::enableCustomAudioIO). */
struct ZegoCustomAudioConfig {
    ZegoAudioSourceType sourceType;

    ZegoCustomAudioConfig() : sourceType(ZEGO_AUDIO_SOURCE_TYPE_CUSTOM) {}
};

/* Custom video capture (IZegoExpressEngine::enableCustomVideoCapture). Only RAW_DATA buffers. */
struct ZegoCustomVideoCaptureConfig {
    ZegoVideoBufferType bufferType;

    /* zego-express addition (ZEGO leaves the field uninitialised): RAW_DATA. */
    ZegoCustomVideoCaptureConfig() : bufferType(ZEGO_VIDEO_BUFFER_TYPE_RAW_DATA) {}
};

/* A raw video frame: `strides` in bytes per plane (I420: Y, U, V; packed formats: plane 0 only). */
struct ZegoVideoFrameParam {
    ZegoVideoFrameFormat format;
    int strides[4];
    int width;
    int height;
    /* Degrees clockwise (0 for every frame this library delivers). */
    int rotation;

    ZegoVideoFrameParam() : format(ZEGO_VIDEO_FRAME_FORMAT_UNKNOWN), strides(), width(0), height(0), rotation(0) {}
};

/* PCM format of audio data: interleaved signed 16-bit samples. */
struct ZegoAudioFrameParam {
    ZegoAudioSampleRate sampleRate;
    ZegoAudioChannel channel;

    ZegoAudioFrameParam() : sampleRate(ZEGO_AUDIO_SAMPLE_RATE_UNKNOWN), channel(ZEGO_AUDIO_CHANNEL_MONO) {}
};

struct ZegoBroadcastMessageInfo {
    std::string message;
    unsigned long long messageID;
    /* UNIX milliseconds. */
    unsigned long long sendTime;
    ZegoUser fromUser;

    ZegoBroadcastMessageInfo() : messageID(0), sendTime(0) {}
};

struct ZegoBarrageMessageInfo {
    std::string message;
    std::string messageID;
    /* UNIX milliseconds. */
    unsigned long long sendTime;
    ZegoUser fromUser;

    ZegoBarrageMessageInfo() : sendTime(0) {}
};

// ---------------------------------------------------------------------------------------------
// Per-call callbacks (ZEGO's std::function typedefs)
// ---------------------------------------------------------------------------------------------

using ZegoDestroyCompletionCallback = std::function<void()>;
using ZegoRoomLoginCallback = std::function<void(int errorCode, std::string extendedData)>;
using ZegoRoomLogoutCallback = std::function<void(int errorCode, std::string extendedData)>;
using ZegoRoomSetRoomExtraInfoCallback = std::function<void(int errorCode)>;
using ZegoPublisherSetStreamExtraInfoCallback = std::function<void(int errorCode)>;
using ZegoIMSendBroadcastMessageCallback = std::function<void(int errorCode, unsigned long long messageID)>;
using ZegoIMSendBarrageMessageCallback = std::function<void(int errorCode, std::string messageID)>;
using ZegoIMSendCustomCommandCallback = std::function<void(int errorCode)>;
using ZegoView = void *;

// ---------------------------------------------------------------------------------------------
// IZegoEventHandler: override what you need; every default does nothing.
// All run on the engine's callback thread.
// ---------------------------------------------------------------------------------------------

class IZegoEventHandler {
  public:
    virtual ~IZegoEventHandler() {}

    /* A wrapper call returned an error (fired synchronously on the calling thread). */
    virtual void onDebugError(int /*errorCode*/, const std::string & /*funcName*/, const std::string & /*info*/) {}

    /* Deprecated by ZEGO in favour of onRoomStateChanged; still delivered, just before it. */
    virtual void onRoomStateUpdate(const std::string & /*roomID*/, ZegoRoomState /*state*/, int /*errorCode*/,
                                   const std::string & /*extendedData*/) {}
    virtual void onRoomStateChanged(const std::string & /*roomID*/, ZegoRoomStateChangedReason /*reason*/,
                                    int /*errorCode*/, const std::string & /*extendedData*/) {}
    /* Only when the users log in with ZegoRoomConfig::isUserStatusNotify = true. */
    virtual void onRoomUserUpdate(const std::string & /*roomID*/, ZegoUpdateType /*updateType*/,
                                  const std::vector<ZegoUser> & /*userList*/) {}
    virtual void onRoomOnlineUserCountUpdate(const std::string & /*roomID*/, int /*count*/) {}
    virtual void onRoomStreamUpdate(const std::string & /*roomID*/, ZegoUpdateType /*updateType*/,
                                    const std::vector<ZegoStream> & /*streamList*/,
                                    const std::string & /*extendedData*/) {}
    virtual void onRoomStreamExtraInfoUpdate(const std::string & /*roomID*/,
                                             const std::vector<ZegoStream> & /*streamList*/) {}
    virtual void onRoomExtraInfoUpdate(const std::string & /*roomID*/,
                                       const std::vector<ZegoRoomExtraInfo> & /*roomExtraInfoList*/) {}
    virtual void onRoomTokenWillExpire(const std::string & /*roomID*/, int /*remainTimeInSecond*/) {}

    virtual void onPublisherStateUpdate(const std::string & /*streamID*/, ZegoPublisherState /*state*/,
                                        int /*errorCode*/, const std::string & /*extendedData*/) {}
    /* The first captured audio frame after startPreview / startPublishingStream. */
    virtual void onPublisherCapturedAudioFirstFrame() {}
    /* The first captured video frame of `channel`. */
    virtual void onPublisherCapturedVideoFirstFrame(ZegoPublishChannel /*channel*/) {}
    /* The first audio frame of `channel` sent to the server. */
    virtual void onPublisherSendAudioFirstFrame(ZegoPublishChannel /*channel*/) {}
    /* The first video frame of `channel` sent to the server. */
    virtual void onPublisherSendVideoFirstFrame(ZegoPublishChannel /*channel*/) {}
    /* The size of the captured video of `channel` (first frame and every change). */
    virtual void onPublisherVideoSizeChanged(int /*width*/, int /*height*/, ZegoPublishChannel /*channel*/) {}
    /* Every 3 s while publishing. */
    virtual void onPublisherQualityUpdate(const std::string & /*streamID*/,
                                          const ZegoPublishStreamQuality & /*quality*/) {}

    virtual void onPlayerStateUpdate(const std::string & /*streamID*/, ZegoPlayerState /*state*/,
                                     int /*errorCode*/, const std::string & /*extendedData*/) {}
    /* The first audio frame of a played stream arrived. */
    virtual void onPlayerRecvAudioFirstFrame(const std::string & /*streamID*/) {}
    /* The first video frame of a played stream arrived. */
    virtual void onPlayerRecvVideoFirstFrame(const std::string & /*streamID*/) {}
    /* The first video frame of a played stream was decoded and handed to its renderer. */
    virtual void onPlayerRenderVideoFirstFrame(const std::string & /*streamID*/) {}
    /* The size of a played stream's video (first frame and every change). */
    virtual void onPlayerVideoSizeChanged(const std::string & /*streamID*/, int /*width*/, int /*height*/) {}
    /* Every 3 s while playing. */
    virtual void onPlayerQualityUpdate(const std::string & /*streamID*/, const ZegoPlayStreamQuality & /*quality*/) {}

    /* Every 2 s while in a room; userID "" is the local user. UNKNOWN: nothing to measure that way. */
    virtual void onNetworkQuality(const std::string & /*userID*/, ZegoStreamQualityLevel /*upstreamQuality*/,
                                  ZegoStreamQualityLevel /*downstreamQuality*/) {}

    /* The camera / microphone of a played stream's publisher (OPEN, DISABLE, MUTE); once when playing starts. */
    virtual void onRemoteCameraStateUpdate(const std::string & /*streamID*/, ZegoRemoteDeviceState /*state*/) {}
    virtual void onRemoteMicStateUpdate(const std::string & /*streamID*/, ZegoRemoteDeviceState /*state*/) {}
    /* A chosen device failed to open or went away; the engine goes on with the virtual device of that kind. */
    virtual void onLocalDeviceExceptionOccurred(ZegoDeviceExceptionType /*exceptionType*/, ZegoDeviceType /*deviceType*/,
                                                const std::string & /*deviceID*/) {}

    virtual void onIMRecvBroadcastMessage(const std::string & /*roomID*/,
                                          std::vector<ZegoBroadcastMessageInfo> /*messageList*/) {}
    virtual void onIMRecvBarrageMessage(const std::string & /*roomID*/,
                                        std::vector<ZegoBarrageMessageInfo> /*messageList*/) {}
    virtual void onIMRecvCustomCommand(const std::string & /*roomID*/, ZegoUser /*fromUser*/,
                                       const std::string & /*command*/) {}
};

// ---------------------------------------------------------------------------------------------
// Media data handlers. Each runs on the engine's callback thread; the buffers are valid only
// during the call (copy what you keep). A slow handler makes the library drop frames, never
// state events.
// ---------------------------------------------------------------------------------------------

/* Custom video render (IZegoExpressEngine::setCustomVideoRenderHandler), after enableCustomVideoRender. */
class IZegoCustomVideoRenderHandler {
  public:
    virtual ~IZegoCustomVideoRenderHandler() {}

    /*
     * A decoded frame of a played stream. YUV series: `data[0..2]` are the I420 Y, U and V planes
     * (`dataLength[i]` bytes, `param.strides[i]` bytes per row); RGB series: `data[0]` is one BGRA32
     * plane. The planes are the library's: read them, do not write.
     */
    virtual void onRemoteVideoFrameRawData(unsigned char ** /*data*/, unsigned int * /*dataLength*/,
                                           ZegoVideoFrameParam /*param*/, const std::string & /*streamID*/) {}
};

/* Audio data (IZegoExpressEngine::setAudioDataHandler), after startAudioDataObserver. */
class IZegoAudioDataHandler {
  public:
    virtual ~IZegoAudioDataHandler() {}

    /* 20 ms of the mixed audio of every played stream (what the speaker plays), 16-bit PCM. */
    virtual void onPlaybackAudioData(const unsigned char * /*data*/, unsigned int /*dataLength*/,
                                     ZegoAudioFrameParam /*param*/) {}
};

/*
 * zego-express addition (IZegoExpressEngine::setCanvasVideoFrameHandler): the library does not
 * draw into windows yet, so every frame meant for a ZegoCanvas with a non-null view comes back here
 * with that view: the captured frames of startPreview(&canvas) and the decoded frames of
 * startPlayingStream(streamID, &canvas). Always I420 (planes as in onRemoteVideoFrameRawData).
 */
class IZegoCanvasVideoFrameHandler {
  public:
    virtual ~IZegoCanvasVideoFrameHandler() {}

    virtual void onCanvasVideoFrame(ZegoView /*view*/, unsigned char ** /*data*/, unsigned int * /*dataLength*/,
                                    ZegoVideoFrameParam /*param*/) {}
};

// ---------------------------------------------------------------------------------------------
// IZegoExpressEngine: ZEGO's signatures, for what the C ABI implements.
// Every method is safe to call from any thread, including from inside a callback.
// Errors are reported through IZegoEventHandler::onDebugError (and the per-call callback).
// ---------------------------------------------------------------------------------------------

class IZegoExpressEngine {
  public:
    /* Replaces the handler (nullptr = none). Takes effect for the next callback. */
    virtual void setEventHandler(std::shared_ptr<IZegoEventHandler> eventHandler) = 0;

    virtual void loginRoom(const std::string &roomID, ZegoUser user) = 0;
    virtual void loginRoom(const std::string &roomID, ZegoUser user, ZegoRoomConfig config,
                           ZegoRoomLoginCallback callback = nullptr) = 0;
    /* Logs out of every room. */
    virtual void logoutRoom(ZegoRoomLogoutCallback callback = nullptr) = 0;
    virtual void logoutRoom(const std::string &roomID, ZegoRoomLogoutCallback callback = nullptr) = 0;
    virtual void switchRoom(const std::string &fromRoomID, const std::string &toRoomID,
                            ZegoRoomConfig *config = nullptr) = 0;
    virtual void renewToken(const std::string &roomID, const std::string &token) = 0;
    virtual void setRoomExtraInfo(const std::string &roomID, const std::string &key, const std::string &value,
                                  ZegoRoomSetRoomExtraInfoCallback callback) = 0;

    virtual void startPublishingStream(const std::string &streamID,
                                       ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void stopPublishingStream(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void setStreamExtraInfo(const std::string &extraInfo, ZegoPublisherSetStreamExtraInfoCallback callback,
                                    ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void startPreview(ZegoCanvas *canvas, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void startPreview() = 0;
    virtual void stopPreview() = 0;
    virtual void stopPreview(ZegoPublishChannel channel) = 0;
    virtual void setVideoConfig(ZegoVideoConfig config, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual ZegoVideoConfig getVideoConfig(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void setAudioConfig(ZegoAudioConfig config, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual ZegoAudioConfig getAudioConfig(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    /* Stops (or resumes) sending the stream's audio / video; capture goes on. */
    virtual void mutePublishStreamAudio(bool mute, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void mutePublishStreamVideo(bool mute, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;

    /* `canvas` null: no canvas frames (custom render still gets them). */
    virtual void startPlayingStream(const std::string &streamID, ZegoCanvas *canvas) = 0;
    virtual void startPlayingStream(const std::string &streamID) = 0;
    virtual void stopPlayingStream(const std::string &streamID) = 0;
    /* onDebugError(1004011) when the stream is not played. */
    virtual void mutePlayStreamAudio(const std::string &streamID, bool mute) = 0;
    virtual void mutePlayStreamVideo(const std::string &streamID, bool mute) = 0;

    /* The microphone keeps capturing, but sends silence. */
    virtual void muteMicrophone(bool mute) = 0;
    /* Played streams are mixed to silence (onPlaybackAudioData then gets silence too). */
    virtual void muteSpeaker(bool mute) = 0;
    /* Off: no video is captured on `channel`. */
    virtual void enableCamera(bool enable, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;

    /* The real cameras, then the virtual one ("zego-virtual-camera", a test pattern). */
    virtual std::vector<ZegoDeviceInfo> getVideoDeviceList() = 0;
    /* The real microphones (INPUT) or speakers (OUTPUT), then the virtual one (440 Hz tone / null speaker). */
    virtual std::vector<ZegoDeviceInfo> getAudioDeviceList(ZegoAudioDeviceType deviceType) = 0;
    /* The device used when none was chosen: the first real one (or system default), else the virtual one. */
    virtual std::string getDefaultVideoDeviceID() = 0;
    virtual std::string getDefaultAudioDeviceID(ZegoAudioDeviceType deviceType) = 0;
    /*
     * Chooses a device by its deviceID (a running one switches at once); onDebugError(1006002) for an
     * unknown id. A device that fails to open is replaced by the virtual one, and
     * onLocalDeviceExceptionOccurred reports it.
     */
    virtual void useVideoDevice(const std::string &deviceID, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    virtual void useAudioDevice(ZegoAudioDeviceType deviceType, const std::string &deviceID) = 0;

    /* `config` null = RAW_DATA, RGB series. Other buffer types: onDebugError(1011011). */
    virtual void enableCustomVideoRender(bool enable, ZegoCustomVideoRenderConfig *config) = 0;
    virtual void setCustomVideoRenderHandler(std::shared_ptr<IZegoCustomVideoRenderHandler> handler) = 0;
    /*
     * Replaces the camera of `channel` with frames sent by sendCustomVideoCaptureRawData (`config`
     * null = RAW_DATA). There is no IZegoCustomVideoCaptureHandler: frames are taken as soon as
     * this is enabled (and reach the server while the channel publishes).
     */
    virtual void enableCustomVideoCapture(bool enable, ZegoCustomVideoCaptureConfig *config,
                                          ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    /*
     * One frame in any ZegoVideoFrameFormat but UNKNOWN (`params.strides` 0 = packed), copied before
     * the call returns. onDebugError: 1011002 custom capture off, 1011010 format, 1000017 data
     * shorter than the format, size and strides need.
     */
    virtual void sendCustomVideoCaptureRawData(const unsigned char *data, unsigned int dataLength,
                                               ZegoVideoFrameParam params, unsigned long long referenceTimeMillisecond,
                                               ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;

    /*
     * Replaces the microphone of `channel` with PCM sent by sendCustomAudioCapturePCMData
     * (`config` null = CUSTOM; other source types: onDebugError(1012001)).
     */
    virtual void enableCustomAudioIO(bool enable, ZegoCustomAudioConfig *config,
                                     ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;
    /*
     * Interleaved 16-bit PCM, 48 kHz, mono or stereo, any length (the engine cuts 20 ms frames);
     * copied before the call returns. onDebugError: 1012002 custom audio off, 1012010 other rates.
     */
    virtual void sendCustomAudioCapturePCMData(unsigned char *data, unsigned int dataLength, ZegoAudioFrameParam param,
                                               ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) = 0;

    /*
     * `observerBitMask` must contain ZEGO_AUDIO_DATA_CALLBACK_BIT_MASK_PLAYBACK (the only data
     * delivered); `param` 48 kHz mono or UNKNOWN (= the same). Else onDebugError(1000017).
     */
    virtual void startAudioDataObserver(unsigned int observerBitMask, ZegoAudioFrameParam param) = 0;
    virtual void stopAudioDataObserver() = 0;
    virtual void setAudioDataHandler(std::shared_ptr<IZegoAudioDataHandler> handler) = 0;

    /* zego-express addition: where the frames of canvases with a view go (nullptr = nowhere). */
    virtual void setCanvasVideoFrameHandler(std::shared_ptr<IZegoCanvasVideoFrameHandler> handler) = 0;

    virtual void sendBroadcastMessage(const std::string &roomID, const std::string &message,
                                      ZegoIMSendBroadcastMessageCallback callback) = 0;
    virtual void sendBarrageMessage(const std::string &roomID, const std::string &message,
                                    ZegoIMSendBarrageMessageCallback callback) = 0;
    virtual void sendCustomCommand(const std::string &roomID, const std::string &command,
                                   std::vector<ZegoUser> toUserList, ZegoIMSendCustomCommandCallback callback) = 0;

  protected:
    /* Engines are destroyed with ZegoExpressSDK::destroyEngine, never with delete. */
    virtual ~IZegoExpressEngine() {}
};

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

namespace detail {

#if defined(ZEGOEXP_EXPLICIT)

/* One pointer per C function, typed from its declaration in zego_express.h. */
struct CFunctions {
#define ZEGOEXP_DECLARE_POINTER(name) decltype(&::name) name = nullptr;
    ZEGOEXP_C_FUNCTIONS(ZEGOEXP_DECLARE_POINTER)
#undef ZEGOEXP_DECLARE_POINTER
};

struct CApi {
    CFunctions functions;
    std::mutex mutex;         // guards library and functions while loading and unloading
    void *library = nullptr;  // dlopen / LoadLibrary handle
    std::atomic<int> liveObjects{0};  // engines and servers not yet fully destroyed
};

/* Never destroyed, so that objects destroyed at exit can still reach the library. */
inline CApi &cApi() {
    static CApi *api = new CApi();
    return *api;
}

inline bool libraryReady() {
    CApi &api = cApi();
    std::lock_guard<std::mutex> lock(api.mutex);
    return api.library != nullptr;
}

inline void *openLibrary(const std::string &path) {
#if defined(_WIN32)
    return reinterpret_cast<void *>(::LoadLibraryA(path.c_str()));
#else
    return ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
#endif
}

inline void closeLibrary(void *library) {
#if defined(_WIN32)
    ::FreeLibrary(reinterpret_cast<HMODULE>(library));
#else
    ::dlclose(library);
#endif
}

/* Looks `name` up; copies the address into `target` (memcpy: ISO C++ has no object-to-function cast). */
template <typename F> inline bool loadSymbol(void *library, const char *name, F &target) {
#if defined(_WIN32)
    FARPROC symbol = ::GetProcAddress(reinterpret_cast<HMODULE>(library), name);
#else
    void *symbol = ::dlsym(library, name);
#endif
    static_assert(sizeof(symbol) == sizeof(target), "function and symbol pointers differ in size");
    if (!symbol) {
        return false;
    }
    std::memcpy(&target, &symbol, sizeof target);
    return true;
}

inline void objectCreated() { cApi().liveObjects.fetch_add(1); }
inline void objectDestroyed() { cApi().liveObjects.fetch_sub(1); }

#else

inline bool libraryReady() { return true; }
inline void objectCreated() {}
inline void objectDestroyed() {}

#endif

inline std::string toString(const char *text) { return text ? std::string(text) : std::string(); }

inline const char *optional(const std::string &text) { return text.empty() ? nullptr : text.c_str(); }

inline ZegoUser toUser(const zego_user &user) { return ZegoUser(toString(user.user_id), toString(user.user_name)); }

inline std::vector<ZegoUser> toUsers(const zego_user *list, uint32_t count) {
    std::vector<ZegoUser> users;
    if (list) {
        users.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            users.push_back(toUser(list[i]));
        }
    }
    return users;
}

inline std::vector<ZegoStream> toStreams(const zego_stream *list, uint32_t count) {
    std::vector<ZegoStream> streams;
    if (list) {
        streams.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            ZegoStream stream;
            stream.user = toUser(list[i].user);
            stream.streamID = toString(list[i].stream_id);
            stream.extraInfo = toString(list[i].extra_info);
            streams.push_back(std::move(stream));
        }
    }
    return streams;
}

inline std::vector<ZegoDeviceInfo> toDevices(const zego_device_info *list, int32_t count) {
    std::vector<ZegoDeviceInfo> devices;
    for (int32_t i = 0; list && i < count; ++i) {
        ZegoDeviceInfo device;
        device.deviceID = toString(list[i].device_id);
        device.deviceName = toString(list[i].device_name);
        device.deviceExtraInfo = toString(list[i].device_extra_info);
        devices.push_back(std::move(device));
    }
    return devices;
}

/* Frees a device list from the library when it goes out of scope. */
class DeviceListOwner {
  public:
    using Free = zego_error (*)(zego_device_info *);
    DeviceListOwner(zego_device_info *list, Free free) : list_(list), free_(free) {}
    ~DeviceListOwner() {
        if (list_ && free_) {
            free_(list_);
        }
    }
    DeviceListOwner(const DeviceListOwner &) = delete;
    DeviceListOwner &operator=(const DeviceListOwner &) = delete;

  private:
    zego_device_info *const list_;
    const Free free_;
};

inline zego_room_config toCRoomConfig(const ZegoRoomConfig &config) {
    zego_room_config c;
    c.max_member_count = config.maxMemberCount;
    c.is_user_status_notify = config.isUserStatusNotify;
    c.token = optional(config.token);
    return c;
}

inline zego_canvas toCCanvas(const ZegoCanvas &canvas) {
    zego_canvas c;
    c.view = canvas.view;
    c.view_mode = static_cast<int32_t>(canvas.viewMode);
    c.background_color = static_cast<int32_t>(canvas.backgroundColor);
    return c;
}

inline zego_video_frame_param toCFrameParam(const ZegoVideoFrameParam &param) {
    zego_video_frame_param c = zego_video_frame_param();
    c.format = static_cast<int32_t>(param.format);
    for (int i = 0; i < 4; ++i) {
        c.strides[i] = param.strides[i];
    }
    c.width = param.width;
    c.height = param.height;
    c.rotation = param.rotation;
    return c;
}

inline ZegoVideoFrameParam toFrameParam(const zego_video_frame_param &c) {
    ZegoVideoFrameParam param;
    param.format = static_cast<ZegoVideoFrameFormat>(c.format);
    for (int i = 0; i < 4; ++i) {
        param.strides[i] = c.strides[i];
    }
    param.width = c.width;
    param.height = c.height;
    param.rotation = c.rotation;
    return param;
}

/* A frame's plane pointers and lengths in the C++ types (copied: 4 entries, as the C ABI gives). */
struct FramePlanes {
    unsigned char *data[4];
    unsigned int dataLength[4];

    FramePlanes(uint8_t **cData, const uint32_t *cLength) {
        for (int i = 0; i < 4; ++i) {
            data[i] = cData ? cData[i] : nullptr;
            dataLength[i] = cLength ? cLength[i] : 0;
        }
    }
};

/* Text for onDebugError. */
inline std::string errorInfo(int errorCode) {
    const char *message = ZEGOEXP_C(zego_get_error_message)(errorCode);
    return message ? std::string(message) : std::string("unknown error");
}

/* Calls handler->onDebugError, swallowing what it throws. */
inline void reportError(const std::shared_ptr<IZegoEventHandler> &handler, int errorCode, const char *funcName,
                        const std::string &info) {
    if (!handler) {
        return;
    }
    try {
        handler->onDebugError(errorCode, funcName, info);
    } catch (...) {
    }
}

inline void reportError(const std::shared_ptr<IZegoEventHandler> &handler, int errorCode, const char *funcName) {
    if (handler) {
        reportError(handler, errorCode, funcName, errorInfo(errorCode));
    }
}

/* ZEGOEXP_EXPLICIT mode before loadLibrary: no library to describe the code. */
inline void reportLibraryNotLoaded(const std::shared_ptr<IZegoEventHandler> &handler, const char *funcName) {
    reportError(handler, ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED, funcName,
                "the library is not loaded: call ZegoExpressSDK::loadLibrary first");
}

/* Runs `f`, dropping any exception (used where control returns into the library). */
template <typename F> inline void guarded(F &&f) noexcept {
    try {
        f();
    } catch (...) {
    }
}

/* Live engines in creation order (for getEngine and for destroying each exactly once). */
struct EngineRegistry {
    std::mutex mutex;
    std::vector<IZegoExpressEngine *> engines;
};

inline EngineRegistry &engineRegistry() {
    static EngineRegistry *registry = new EngineRegistry();
    return *registry;
}

/* The one implementation of IZegoExpressEngine: owns a zego_engine* and destroys it exactly once. */
class ZegoExpressEngineImpl final : public IZegoExpressEngine {
  public:
    ZegoExpressEngineImpl(zego_engine *engine, std::shared_ptr<IZegoEventHandler> handler)
        : engine_(engine), handler_(std::move(handler)) {}

    ZegoExpressEngineImpl(const ZegoExpressEngineImpl &) = delete;
    ZegoExpressEngineImpl &operator=(const ZegoExpressEngineImpl &) = delete;

    /* Registers every trampoline with this object as user_context. */
    bool registerCallbacks() {
        bool ok = true;
#define ZEGOEXP_REGISTER_EVENT(unused, event)                                                              \
    ok = ok && ZEGOEXP_C(zego_register_##event##_callback)(engine_, &ZegoExpressEngineImpl::on_##event, this) == 0;
        ZEGOEXP_C_EVENTS(ZEGOEXP_REGISTER_EVENT, ~)
#undef ZEGOEXP_REGISTER_EVENT
        return ok;
    }

    /*
     * Destroys the C engine; this object is deleted by the library's last callback
     * (on_destroyed), after which `callback` runs. Called once (the registry guarantees it).
     */
    void destroy(ZegoDestroyCompletionCallback callback) {
        destroyCallback_ = std::move(callback);
        int code = ZEGOEXP_C(zego_destroy_engine)(engine_, &ZegoExpressEngineImpl::on_destroyed, this);
        if (code != 0) {
            // The library refused the handle, so no callback will come: finish here.
            on_destroyed(this);
        }
    }

    std::shared_ptr<IZegoEventHandler> handler() {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        return handler_;
    }

    /* A copy of one of the handlers, taken under handlerMutex_ (user code runs without it). */
    template <typename H> std::shared_ptr<H> load(const std::shared_ptr<H> &slot) {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        return slot;
    }

    // --- IZegoExpressEngine ---

    void setEventHandler(std::shared_ptr<IZegoEventHandler> eventHandler) override {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        handler_ = std::move(eventHandler);
    }

    void loginRoom(const std::string &roomID, ZegoUser user) override {
        zego_user u = {user.userID.c_str(), user.userName.c_str()};
        check(ZEGOEXP_C(zego_login_room)(engine_, roomID.c_str(), &u, nullptr, nullptr), "loginRoom");
    }

    void loginRoom(const std::string &roomID, ZegoUser user, ZegoRoomConfig config,
                   ZegoRoomLoginCallback callback = nullptr) override {
        zego_user u = {user.userID.c_str(), user.userName.c_str()};
        zego_room_config c = toCRoomConfig(config);
        callWithSeq(
            "loginRoom", loginCallbacks_, std::move(callback),
            [&](zego_seq *seq) { return ZEGOEXP_C(zego_login_room)(engine_, roomID.c_str(), &u, &c, seq); },
            [](ZegoRoomLoginCallback &cb, int code) { cb(code, "{}"); });
    }

    void logoutRoom(ZegoRoomLogoutCallback callback = nullptr) override {
        callWithSeq(
            "logoutRoom", logoutCallbacks_, std::move(callback),
            [&](zego_seq *seq) { return ZEGOEXP_C(zego_logout_room)(engine_, nullptr, seq); },
            [](ZegoRoomLogoutCallback &cb, int code) { cb(code, "{}"); });
    }

    void logoutRoom(const std::string &roomID, ZegoRoomLogoutCallback callback = nullptr) override {
        callWithSeq(
            "logoutRoom", logoutCallbacks_, std::move(callback),
            [&](zego_seq *seq) { return ZEGOEXP_C(zego_logout_room)(engine_, roomID.c_str(), seq); },
            [](ZegoRoomLogoutCallback &cb, int code) { cb(code, "{}"); });
    }

    void switchRoom(const std::string &fromRoomID, const std::string &toRoomID,
                    ZegoRoomConfig *config = nullptr) override {
        zego_room_config c = zego_room_config();
        if (config) {
            c = toCRoomConfig(*config);
        }
        check(ZEGOEXP_C(zego_switch_room)(engine_, fromRoomID.c_str(), toRoomID.c_str(), config ? &c : nullptr),
              "switchRoom");
    }

    void renewToken(const std::string &roomID, const std::string &token) override {
        check(ZEGOEXP_C(zego_renew_token)(engine_, roomID.c_str(), token.c_str()), "renewToken");
    }

    void setRoomExtraInfo(const std::string &roomID, const std::string &key, const std::string &value,
                          ZegoRoomSetRoomExtraInfoCallback callback) override {
        callWithSeq(
            "setRoomExtraInfo", roomExtraInfoCallbacks_, std::move(callback),
            [&](zego_seq *seq) {
                return ZEGOEXP_C(zego_set_room_extra_info)(engine_, roomID.c_str(), key.c_str(), value.c_str(), seq);
            },
            [](ZegoRoomSetRoomExtraInfoCallback &cb, int code) { cb(code); });
    }

    void startPublishingStream(const std::string &streamID,
                               ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_start_publishing_stream)(engine_, streamID.c_str(), channel), "startPublishingStream");
    }

    void stopPublishingStream(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_stop_publishing_stream)(engine_, channel), "stopPublishingStream");
    }

    void setStreamExtraInfo(const std::string &extraInfo, ZegoPublisherSetStreamExtraInfoCallback callback,
                            ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        callWithSeq(
            "setStreamExtraInfo", streamExtraInfoCallbacks_, std::move(callback),
            [&](zego_seq *seq) {
                return ZEGOEXP_C(zego_set_stream_extra_info)(engine_, extraInfo.c_str(), channel, seq);
            },
            [](ZegoPublisherSetStreamExtraInfoCallback &cb, int code) { cb(code); });
    }

    void startPreview(ZegoCanvas *canvas, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_canvas c = zego_canvas();
        if (canvas) {
            c = toCCanvas(*canvas);
        }
        check(ZEGOEXP_C(zego_start_preview)(engine_, canvas ? &c : nullptr, channel), "startPreview");
    }

    void startPreview() override { startPreview(nullptr, ZEGO_PUBLISH_CHANNEL_MAIN); }

    void stopPreview() override { stopPreview(ZEGO_PUBLISH_CHANNEL_MAIN); }

    void stopPreview(ZegoPublishChannel channel) override {
        check(ZEGOEXP_C(zego_stop_preview)(engine_, channel), "stopPreview");
    }

    void setVideoConfig(ZegoVideoConfig config, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_video_config c = zego_video_config();
        c.capture_width = config.captureWidth;
        c.capture_height = config.captureHeight;
        c.encode_width = config.encodeWidth;
        c.encode_height = config.encodeHeight;
        c.fps = config.fps;
        c.bitrate = config.bitrate;
        c.codec_id = static_cast<int32_t>(config.codecID);
        c.key_frame_interval = config.keyFrameInterval;
        check(ZEGOEXP_C(zego_set_video_config)(engine_, &c, channel), "setVideoConfig");
    }

    /* On error: onDebugError, and the 360P defaults are returned. */
    ZegoVideoConfig getVideoConfig(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        ZegoVideoConfig config;
        zego_video_config c = zego_video_config();
        if (check(ZEGOEXP_C(zego_get_video_config)(engine_, channel, &c), "getVideoConfig")) {
            config.captureWidth = c.capture_width;
            config.captureHeight = c.capture_height;
            config.encodeWidth = c.encode_width;
            config.encodeHeight = c.encode_height;
            config.fps = c.fps;
            config.bitrate = c.bitrate;
            config.codecID = static_cast<ZegoVideoCodecID>(c.codec_id);
            config.keyFrameInterval = c.key_frame_interval;
        }
        return config;
    }

    void setAudioConfig(ZegoAudioConfig config, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_audio_config c = zego_audio_config();
        c.bitrate = config.bitrate;
        c.channel = static_cast<int32_t>(config.channel);
        c.codec_id = static_cast<int32_t>(config.codecID);
        check(ZEGOEXP_C(zego_set_audio_config)(engine_, &c, channel), "setAudioConfig");
    }

    /* On error: onDebugError, and the STANDARD_QUALITY defaults are returned. */
    ZegoAudioConfig getAudioConfig(ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        ZegoAudioConfig config;
        zego_audio_config c = zego_audio_config();
        if (check(ZEGOEXP_C(zego_get_audio_config)(engine_, channel, &c), "getAudioConfig")) {
            config.bitrate = c.bitrate;
            config.channel = static_cast<ZegoAudioChannel>(c.channel);
            config.codecID = static_cast<ZegoAudioCodecID>(c.codec_id);
        }
        return config;
    }

    void mutePublishStreamAudio(bool mute, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_mute_publish_stream_audio)(engine_, mute, channel), "mutePublishStreamAudio");
    }

    void mutePublishStreamVideo(bool mute, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_mute_publish_stream_video)(engine_, mute, channel), "mutePublishStreamVideo");
    }

    void startPlayingStream(const std::string &streamID, ZegoCanvas *canvas) override {
        zego_canvas c = zego_canvas();
        if (canvas) {
            c = toCCanvas(*canvas);
        }
        check(ZEGOEXP_C(zego_start_playing_stream)(engine_, streamID.c_str(), canvas ? &c : nullptr),
              "startPlayingStream");
    }

    void startPlayingStream(const std::string &streamID) override { startPlayingStream(streamID, nullptr); }

    void stopPlayingStream(const std::string &streamID) override {
        check(ZEGOEXP_C(zego_stop_playing_stream)(engine_, streamID.c_str()), "stopPlayingStream");
    }

    void mutePlayStreamAudio(const std::string &streamID, bool mute) override {
        check(ZEGOEXP_C(zego_mute_play_stream_audio)(engine_, streamID.c_str(), mute), "mutePlayStreamAudio");
    }

    void mutePlayStreamVideo(const std::string &streamID, bool mute) override {
        check(ZEGOEXP_C(zego_mute_play_stream_video)(engine_, streamID.c_str(), mute), "mutePlayStreamVideo");
    }

    void muteMicrophone(bool mute) override {
        check(ZEGOEXP_C(zego_mute_microphone)(engine_, mute), "muteMicrophone");
    }

    void muteSpeaker(bool mute) override { check(ZEGOEXP_C(zego_mute_speaker)(engine_, mute), "muteSpeaker"); }

    void enableCamera(bool enable, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_enable_camera)(engine_, enable, channel), "enableCamera");
    }

    std::vector<ZegoDeviceInfo> getVideoDeviceList() override {
        int32_t count = 0;
        zego_device_info *list = nullptr;
        if (!check(ZEGOEXP_C(zego_get_video_device_list)(engine_, &count, &list), "getVideoDeviceList")) {
            return std::vector<ZegoDeviceInfo>();
        }
        DeviceListOwner owner(list, ZEGOEXP_C(zego_free_video_device_list));  // freed even if copying throws
        return toDevices(list, count);
    }

    std::vector<ZegoDeviceInfo> getAudioDeviceList(ZegoAudioDeviceType deviceType) override {
        int32_t count = 0;
        zego_device_info *list = nullptr;
        if (!check(ZEGOEXP_C(zego_get_audio_device_list)(engine_, static_cast<int32_t>(deviceType), &count, &list),
                   "getAudioDeviceList")) {
            return std::vector<ZegoDeviceInfo>();
        }
        DeviceListOwner owner(list, ZEGOEXP_C(zego_free_audio_device_list));
        return toDevices(list, count);
    }

    std::string getDefaultVideoDeviceID() override {
        char id[512];
        if (!check(ZEGOEXP_C(zego_get_default_video_device_id)(engine_, id, sizeof id, nullptr),
                   "getDefaultVideoDeviceID")) {
            return std::string();
        }
        return std::string(id);
    }

    std::string getDefaultAudioDeviceID(ZegoAudioDeviceType deviceType) override {
        char id[512];
        if (!check(ZEGOEXP_C(zego_get_default_audio_device_id)(engine_, static_cast<int32_t>(deviceType), id, sizeof id,
                                                               nullptr),
                   "getDefaultAudioDeviceID")) {
            return std::string();
        }
        return std::string(id);
    }

    void useVideoDevice(const std::string &deviceID, ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_use_video_device)(engine_, deviceID.c_str(), channel), "useVideoDevice");
    }

    void useAudioDevice(ZegoAudioDeviceType deviceType, const std::string &deviceID) override {
        check(ZEGOEXP_C(zego_use_audio_device)(engine_, static_cast<int32_t>(deviceType), deviceID.c_str()),
              "useAudioDevice");
    }

    void enableCustomVideoRender(bool enable, ZegoCustomVideoRenderConfig *config) override {
        zego_custom_video_render_config c = zego_custom_video_render_config();
        if (config) {
            c.buffer_type = static_cast<int32_t>(config->bufferType);
            c.frame_format_series = static_cast<int32_t>(config->frameFormatSeries);
            c.enable_engine_render = config->enableEngineRender;
        }
        check(ZEGOEXP_C(zego_enable_custom_video_render)(engine_, enable, config ? &c : nullptr),
              "enableCustomVideoRender");
    }

    void setCustomVideoRenderHandler(std::shared_ptr<IZegoCustomVideoRenderHandler> handler) override {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        renderHandler_ = std::move(handler);
    }

    void enableCustomVideoCapture(bool enable, ZegoCustomVideoCaptureConfig *config,
                                  ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_custom_video_capture_config c = zego_custom_video_capture_config();
        if (config) {
            c.buffer_type = static_cast<int32_t>(config->bufferType);
        }
        check(ZEGOEXP_C(zego_enable_custom_video_capture)(engine_, enable, config ? &c : nullptr, channel),
              "enableCustomVideoCapture");
    }

    void sendCustomVideoCaptureRawData(const unsigned char *data, unsigned int dataLength, ZegoVideoFrameParam params,
                                       unsigned long long referenceTimeMillisecond,
                                       ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        check(ZEGOEXP_C(zego_send_custom_video_capture_raw_data)(engine_, data, dataLength, toCFrameParam(params),
                                                                 referenceTimeMillisecond, channel),
              "sendCustomVideoCaptureRawData");
    }

    void enableCustomAudioIO(bool enable, ZegoCustomAudioConfig *config,
                             ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_custom_audio_config c = zego_custom_audio_config();
        if (config) {
            c.source_type = static_cast<int32_t>(config->sourceType);
        }
        check(ZEGOEXP_C(zego_enable_custom_audio_io)(engine_, enable, config ? &c : nullptr, channel),
              "enableCustomAudioIO");
    }

    void sendCustomAudioCapturePCMData(unsigned char *data, unsigned int dataLength, ZegoAudioFrameParam param,
                                       ZegoPublishChannel channel = ZEGO_PUBLISH_CHANNEL_MAIN) override {
        zego_audio_frame_param c = zego_audio_frame_param();
        c.sample_rate = static_cast<int32_t>(param.sampleRate);
        c.channel = static_cast<int32_t>(param.channel);
        check(ZEGOEXP_C(zego_send_custom_audio_capture_pcm_data)(engine_, data, dataLength, c, channel),
              "sendCustomAudioCapturePCMData");
    }

    void startAudioDataObserver(unsigned int observerBitMask, ZegoAudioFrameParam param) override {
        zego_audio_frame_param c = zego_audio_frame_param();
        c.sample_rate = static_cast<int32_t>(param.sampleRate);
        c.channel = static_cast<int32_t>(param.channel);
        check(ZEGOEXP_C(zego_start_audio_data_observer)(engine_, observerBitMask, c), "startAudioDataObserver");
    }

    void stopAudioDataObserver() override {
        check(ZEGOEXP_C(zego_stop_audio_data_observer)(engine_), "stopAudioDataObserver");
    }

    void setAudioDataHandler(std::shared_ptr<IZegoAudioDataHandler> handler) override {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        audioDataHandler_ = std::move(handler);
    }

    void setCanvasVideoFrameHandler(std::shared_ptr<IZegoCanvasVideoFrameHandler> handler) override {
        std::lock_guard<std::mutex> lock(handlerMutex_);
        canvasHandler_ = std::move(handler);
    }

    void sendBroadcastMessage(const std::string &roomID, const std::string &message,
                              ZegoIMSendBroadcastMessageCallback callback) override {
        callWithSeq(
            "sendBroadcastMessage", broadcastCallbacks_, std::move(callback),
            [&](zego_seq *seq) {
                return ZEGOEXP_C(zego_send_broadcast_message)(engine_, roomID.c_str(), message.c_str(), seq);
            },
            [](ZegoIMSendBroadcastMessageCallback &cb, int code) { cb(code, 0); });
    }

    void sendBarrageMessage(const std::string &roomID, const std::string &message,
                            ZegoIMSendBarrageMessageCallback callback) override {
        callWithSeq(
            "sendBarrageMessage", barrageCallbacks_, std::move(callback),
            [&](zego_seq *seq) {
                return ZEGOEXP_C(zego_send_barrage_message)(engine_, roomID.c_str(), message.c_str(), seq);
            },
            [](ZegoIMSendBarrageMessageCallback &cb, int code) { cb(code, std::string()); });
    }

    void sendCustomCommand(const std::string &roomID, const std::string &command, std::vector<ZegoUser> toUserList,
                           ZegoIMSendCustomCommandCallback callback) override {
        std::vector<zego_user> users;
        users.reserve(toUserList.size());
        for (const ZegoUser &user : toUserList) {
            zego_user u = {user.userID.c_str(), user.userName.c_str()};
            users.push_back(u);
        }
        callWithSeq(
            "sendCustomCommand", customCommandCallbacks_, std::move(callback),
            [&](zego_seq *seq) {
                return ZEGOEXP_C(zego_send_custom_command)(engine_, roomID.c_str(), command.c_str(),
                                                          users.empty() ? nullptr : users.data(),
                                                          static_cast<uint32_t>(users.size()), seq);
            },
            [](ZegoIMSendCustomCommandCallback &cb, int code) { cb(code); });
    }

  private:
    ~ZegoExpressEngineImpl() override {}

    /* Reports a failed call; returns whether it succeeded. */
    bool check(int code, const char *funcName) {
        if (code != 0) {
            reportError(handler(), code, funcName);
        }
        return code == 0;
    }

    /*
     * Calls a C function that hands out a zego_seq and keeps `callback` under that seq until the
     * result trampoline takes it. The lock covers the call and the insert, so a result that
     * arrives before the C function returns waits for the insert. On a synchronous error the
     * callback gets the code at once (`fail`), after onDebugError.
     */
    template <typename Callback, typename Call, typename Fail>
    void callWithSeq(const char *funcName, std::unordered_map<zego_seq, Callback> &pending, Callback callback,
                     Call call, Fail fail) {
        int code;
        {
            std::lock_guard<std::mutex> lock(callMutex_);
            zego_seq seq = 0;
            code = call(&seq);
            if (code == 0 && callback) {
                pending[seq] = std::move(callback);
            }
        }
        if (code != 0) {
            reportError(handler(), code, funcName);
            if (callback) {
                fail(callback, code);
            }
        }
    }

    /* Takes the callback stored under `seq` (empty if none). */
    template <typename Callback> Callback takePending(std::unordered_map<zego_seq, Callback> &pending, zego_seq seq) {
        std::lock_guard<std::mutex> lock(callMutex_);
        Callback callback;
        typename std::unordered_map<zego_seq, Callback>::iterator it = pending.find(seq);
        if (it != pending.end()) {
            callback = std::move(it->second);
            pending.erase(it);
        }
        return callback;
    }

    static ZegoExpressEngineImpl *self(void *userContext) { return static_cast<ZegoExpressEngineImpl *>(userContext); }

    /* Calls `f(handler)` if a handler is set; nothing escapes. */
    template <typename F> static void toHandler(void *userContext, F &&f) noexcept {
        guarded([&] {
            std::shared_ptr<IZegoEventHandler> handler = self(userContext)->handler();
            if (handler) {
                f(*handler);
            }
        });
    }

    // --- Trampolines: one per C event (names from ZEGOEXP_C_EVENTS) ---

    static void on_destroyed(void *userContext) {
        guarded([&] {
            ZegoExpressEngineImpl *engine = self(userContext);
            ZegoDestroyCompletionCallback callback = std::move(engine->destroyCallback_);
            delete engine;
            objectDestroyed();
            if (callback) {
                callback();
            }
        });
    }

    static void on_room_state_changed(const char *roomId, int32_t reason, zego_error errorCode,
                                      const char *extendedData, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRoomStateChanged(toString(roomId), static_cast<ZegoRoomStateChangedReason>(reason), errorCode,
                                 toString(extendedData));
        });
    }

    static void on_room_state_update(const char *roomId, int32_t state, zego_error errorCode, const char *extendedData,
                                     void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRoomStateUpdate(toString(roomId), static_cast<ZegoRoomState>(state), errorCode, toString(extendedData));
        });
    }

    static void on_room_login_result(zego_error errorCode, const char *extendedData, const char * /*roomId*/,
                                     zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoRoomLoginCallback callback = self(userContext)->takePending(self(userContext)->loginCallbacks_, seq);
            if (callback) {
                callback(errorCode, toString(extendedData));
            }
        });
    }

    static void on_room_logout_result(zego_error errorCode, const char *extendedData, const char * /*roomId*/,
                                      zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoRoomLogoutCallback callback = self(userContext)->takePending(self(userContext)->logoutCallbacks_, seq);
            if (callback) {
                callback(errorCode, toString(extendedData));
            }
        });
    }

    static void on_room_user_update(const char *roomId, int32_t updateType, const zego_user *userList,
                                    uint32_t userCount, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRoomUserUpdate(toString(roomId), static_cast<ZegoUpdateType>(updateType), toUsers(userList, userCount));
        });
    }

    static void on_room_online_user_count_update(const char *roomId, int32_t count, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) { h.onRoomOnlineUserCountUpdate(toString(roomId), count); });
    }

    static void on_room_stream_update(const char *roomId, int32_t updateType, const zego_stream *streamList,
                                      uint32_t streamCount, const char *extendedData, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRoomStreamUpdate(toString(roomId), static_cast<ZegoUpdateType>(updateType),
                                 toStreams(streamList, streamCount), toString(extendedData));
        });
    }

    static void on_room_stream_extra_info_update(const char *roomId, const zego_stream *streamList,
                                                 uint32_t streamCount, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRoomStreamExtraInfoUpdate(toString(roomId), toStreams(streamList, streamCount));
        });
    }

    static void on_room_extra_info_update(const char *roomId, const zego_room_extra_info *list, uint32_t count,
                                          void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            std::vector<ZegoRoomExtraInfo> infos;
            for (uint32_t i = 0; list && i < count; ++i) {
                ZegoRoomExtraInfo info;
                info.key = toString(list[i].key);
                info.value = toString(list[i].value);
                info.updateUser = toUser(list[i].update_user);
                info.updateTime = list[i].update_time;
                infos.push_back(std::move(info));
            }
            h.onRoomExtraInfoUpdate(toString(roomId), infos);
        });
    }

    static void on_room_token_will_expire(const char *roomId, int32_t remainTimeInSecond, void *userContext) {
        toHandler(userContext,
                  [&](IZegoEventHandler &h) { h.onRoomTokenWillExpire(toString(roomId), remainTimeInSecond); });
    }

    static void on_room_set_room_extra_info_result(zego_error errorCode, const char * /*roomId*/,
                                                   const char * /*key*/, zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoRoomSetRoomExtraInfoCallback callback =
                self(userContext)->takePending(self(userContext)->roomExtraInfoCallbacks_, seq);
            if (callback) {
                callback(errorCode);
            }
        });
    }

    static void on_publisher_state_update(const char *streamId, int32_t state, zego_error errorCode,
                                          const char *extendedData, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPublisherStateUpdate(toString(streamId), static_cast<ZegoPublisherState>(state), errorCode,
                                     toString(extendedData));
        });
    }

    static void on_publisher_update_stream_extra_info_result(zego_error errorCode, zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoPublisherSetStreamExtraInfoCallback callback =
                self(userContext)->takePending(self(userContext)->streamExtraInfoCallbacks_, seq);
            if (callback) {
                callback(errorCode);
            }
        });
    }

    static void on_player_state_update(const char *streamId, int32_t state, zego_error errorCode,
                                       const char *extendedData, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPlayerStateUpdate(toString(streamId), static_cast<ZegoPlayerState>(state), errorCode,
                                  toString(extendedData));
        });
    }

    static void on_im_recv_broadcast_message(const char *roomId, const zego_broadcast_message_info *list,
                                             uint32_t count, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            std::vector<ZegoBroadcastMessageInfo> messages;
            for (uint32_t i = 0; list && i < count; ++i) {
                ZegoBroadcastMessageInfo message;
                message.message = toString(list[i].message);
                message.messageID = list[i].message_id;
                message.sendTime = list[i].send_time;
                message.fromUser = toUser(list[i].from_user);
                messages.push_back(std::move(message));
            }
            h.onIMRecvBroadcastMessage(toString(roomId), std::move(messages));
        });
    }

    static void on_im_recv_barrage_message(const char *roomId, const zego_barrage_message_info *list, uint32_t count,
                                           void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            std::vector<ZegoBarrageMessageInfo> messages;
            for (uint32_t i = 0; list && i < count; ++i) {
                ZegoBarrageMessageInfo message;
                message.message = toString(list[i].message);
                message.messageID = toString(list[i].message_id);
                message.sendTime = list[i].send_time;
                message.fromUser = toUser(list[i].from_user);
                messages.push_back(std::move(message));
            }
            h.onIMRecvBarrageMessage(toString(roomId), std::move(messages));
        });
    }

    static void on_im_recv_custom_command(const char *roomId, zego_user fromUser, const char *command,
                                          void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onIMRecvCustomCommand(toString(roomId), toUser(fromUser), toString(command));
        });
    }

    static void on_im_send_broadcast_message_result(const char * /*roomId*/, uint64_t messageId, zego_error errorCode,
                                                    zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoIMSendBroadcastMessageCallback callback =
                self(userContext)->takePending(self(userContext)->broadcastCallbacks_, seq);
            if (callback) {
                callback(errorCode, static_cast<unsigned long long>(messageId));
            }
        });
    }

    static void on_im_send_barrage_message_result(const char * /*roomId*/, const char *messageId, zego_error errorCode,
                                                  zego_seq seq, void *userContext) {
        guarded([&] {
            ZegoIMSendBarrageMessageCallback callback =
                self(userContext)->takePending(self(userContext)->barrageCallbacks_, seq);
            if (callback) {
                callback(errorCode, toString(messageId));
            }
        });
    }

    static void on_im_send_custom_command_result(const char * /*roomId*/, zego_error errorCode, zego_seq seq,
                                                 void *userContext) {
        guarded([&] {
            ZegoIMSendCustomCommandCallback callback =
                self(userContext)->takePending(self(userContext)->customCommandCallbacks_, seq);
            if (callback) {
                callback(errorCode);
            }
        });
    }

    static void on_publisher_captured_video_first_frame(int32_t channel, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPublisherCapturedVideoFirstFrame(static_cast<ZegoPublishChannel>(channel));
        });
    }

    static void on_publisher_captured_audio_first_frame(void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) { h.onPublisherCapturedAudioFirstFrame(); });
    }

    static void on_publisher_send_video_first_frame(int32_t channel, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPublisherSendVideoFirstFrame(static_cast<ZegoPublishChannel>(channel));
        });
    }

    static void on_publisher_send_audio_first_frame(int32_t channel, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPublisherSendAudioFirstFrame(static_cast<ZegoPublishChannel>(channel));
        });
    }

    static void on_publisher_video_size_changed(int32_t width, int32_t height, int32_t channel, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onPublisherVideoSizeChanged(width, height, static_cast<ZegoPublishChannel>(channel));
        });
    }

    static void on_player_recv_video_first_frame(const char *streamId, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) { h.onPlayerRecvVideoFirstFrame(toString(streamId)); });
    }

    static void on_player_recv_audio_first_frame(const char *streamId, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) { h.onPlayerRecvAudioFirstFrame(toString(streamId)); });
    }

    static void on_player_render_video_first_frame(const char *streamId, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) { h.onPlayerRenderVideoFirstFrame(toString(streamId)); });
    }

    static void on_player_video_size_changed(const char *streamId, int32_t width, int32_t height,
                                             void *userContext) {
        toHandler(userContext,
                  [&](IZegoEventHandler &h) { h.onPlayerVideoSizeChanged(toString(streamId), width, height); });
    }

    static void on_custom_video_render_remote_frame_data(const char *streamId, uint8_t **data, uint32_t *dataLength,
                                                         zego_video_frame_param param, void *userContext) {
        guarded([&] {
            ZegoExpressEngineImpl *engine = self(userContext);
            std::shared_ptr<IZegoCustomVideoRenderHandler> handler = engine->load(engine->renderHandler_);
            if (handler) {
                FramePlanes planes(data, dataLength);
                handler->onRemoteVideoFrameRawData(planes.data, planes.dataLength, toFrameParam(param),
                                                   toString(streamId));
            }
        });
    }

    static void on_canvas_video_frame(void *view, uint8_t **data, uint32_t *dataLength, zego_video_frame_param param,
                                      void *userContext) {
        guarded([&] {
            ZegoExpressEngineImpl *engine = self(userContext);
            std::shared_ptr<IZegoCanvasVideoFrameHandler> handler = engine->load(engine->canvasHandler_);
            if (handler) {
                FramePlanes planes(data, dataLength);
                handler->onCanvasVideoFrame(view, planes.data, planes.dataLength, toFrameParam(param));
            }
        });
    }

    static void on_playback_audio_data(const uint8_t *data, uint32_t dataLength, zego_audio_frame_param param,
                                       void *userContext) {
        guarded([&] {
            ZegoExpressEngineImpl *engine = self(userContext);
            std::shared_ptr<IZegoAudioDataHandler> handler = engine->load(engine->audioDataHandler_);
            if (handler) {
                ZegoAudioFrameParam p;
                p.sampleRate = static_cast<ZegoAudioSampleRate>(param.sample_rate);
                p.channel = static_cast<ZegoAudioChannel>(param.channel);
                handler->onPlaybackAudioData(data, dataLength, p);
            }
        });
    }

    static void on_publisher_quality_update(const char *streamId, zego_publish_stream_quality q, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            ZegoPublishStreamQuality quality;
            quality.videoCaptureFPS = q.video_capture_fps;
            quality.videoEncodeFPS = q.video_encode_fps;
            quality.videoSendFPS = q.video_send_fps;
            quality.videoKBPS = q.video_kbps;
            quality.audioCaptureFPS = q.audio_capture_fps;
            quality.audioSendFPS = q.audio_send_fps;
            quality.audioKBPS = q.audio_kbps;
            quality.rtt = q.rtt;
            quality.packetLostRate = q.packet_lost_rate;
            quality.level = static_cast<ZegoStreamQualityLevel>(q.level);
            quality.isHardwareEncode = q.is_hardware_encode;
            quality.videoCodecID = static_cast<ZegoVideoCodecID>(q.video_codec_id);
            quality.totalSendBytes = q.total_send_bytes;
            quality.audioSendBytes = q.audio_send_bytes;
            quality.videoSendBytes = q.video_send_bytes;
            h.onPublisherQualityUpdate(toString(streamId), quality);
        });
    }

    static void on_player_quality_update(const char *streamId, zego_play_stream_quality q, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            ZegoPlayStreamQuality quality;
            quality.videoRecvFPS = q.video_recv_fps;
            quality.videoDejitterFPS = q.video_dejitter_fps;
            quality.videoDecodeFPS = q.video_decode_fps;
            quality.videoRenderFPS = q.video_render_fps;
            quality.videoKBPS = q.video_kbps;
            quality.videoBreakRate = q.video_break_rate;
            quality.audioRecvFPS = q.audio_recv_fps;
            quality.audioDejitterFPS = q.audio_dejitter_fps;
            quality.audioDecodeFPS = q.audio_decode_fps;
            quality.audioRenderFPS = q.audio_render_fps;
            quality.audioKBPS = q.audio_kbps;
            quality.audioBreakRate = q.audio_break_rate;
            quality.mos = q.mos;
            quality.rtt = q.rtt;
            quality.packetLostRate = q.packet_lost_rate;
            quality.peerToPeerDelay = q.peer_to_peer_delay;
            quality.peerToPeerPacketLostRate = q.peer_to_peer_packet_lost_rate;
            quality.level = static_cast<ZegoStreamQualityLevel>(q.level);
            quality.delay = q.delay;
            quality.avTimestampDiff = q.av_timestamp_diff;
            quality.isHardwareDecode = q.is_hardware_decode;
            quality.videoCodecID = static_cast<ZegoVideoCodecID>(q.video_codec_id);
            quality.totalRecvBytes = q.total_recv_bytes;
            quality.audioRecvBytes = q.audio_recv_bytes;
            quality.videoRecvBytes = q.video_recv_bytes;
            quality.audioCumulativeBreakCount = q.audio_cumulative_break_count;
            quality.audioCumulativeBreakTime = q.audio_cumulative_break_time;
            quality.audioCumulativeBreakRate = q.audio_cumulative_break_rate;
            quality.audioCumulativeDecodeTime = q.audio_cumulative_decode_time;
            quality.videoCumulativeBreakCount = q.video_cumulative_break_count;
            quality.videoCumulativeBreakTime = q.video_cumulative_break_time;
            quality.videoCumulativeBreakRate = q.video_cumulative_break_rate;
            quality.videoCumulativeDecodeTime = q.video_cumulative_decode_time;
            quality.muteVideo = q.mute_video;
            quality.muteAudio = q.mute_audio;
            h.onPlayerQualityUpdate(toString(streamId), quality);
        });
    }

    static void on_network_quality(const char *userId, int32_t upstreamQuality, int32_t downstreamQuality,
                                   void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onNetworkQuality(toString(userId), static_cast<ZegoStreamQualityLevel>(upstreamQuality),
                               static_cast<ZegoStreamQualityLevel>(downstreamQuality));
        });
    }

    static void on_remote_camera_state_update(const char *streamId, int32_t state, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRemoteCameraStateUpdate(toString(streamId), static_cast<ZegoRemoteDeviceState>(state));
        });
    }

    static void on_remote_mic_state_update(const char *streamId, int32_t state, void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onRemoteMicStateUpdate(toString(streamId), static_cast<ZegoRemoteDeviceState>(state));
        });
    }

    static void on_local_device_exception_occurred(int32_t exceptionType, int32_t deviceType, const char *deviceId,
                                                   void *userContext) {
        toHandler(userContext, [&](IZegoEventHandler &h) {
            h.onLocalDeviceExceptionOccurred(static_cast<ZegoDeviceExceptionType>(exceptionType),
                                             static_cast<ZegoDeviceType>(deviceType), toString(deviceId));
        });
    }

    // Owned.
    zego_engine *const engine_;
    ZegoDestroyCompletionCallback destroyCallback_;

    std::mutex handlerMutex_;  // guards the handlers below; never held while user code runs
    std::shared_ptr<IZegoEventHandler> handler_;
    std::shared_ptr<IZegoCustomVideoRenderHandler> renderHandler_;
    std::shared_ptr<IZegoAudioDataHandler> audioDataHandler_;
    std::shared_ptr<IZegoCanvasVideoFrameHandler> canvasHandler_;

    std::mutex callMutex_;  // guards the pending per-call callbacks; never held while user code runs
    std::unordered_map<zego_seq, ZegoRoomLoginCallback> loginCallbacks_;
    std::unordered_map<zego_seq, ZegoRoomLogoutCallback> logoutCallbacks_;
    std::unordered_map<zego_seq, ZegoRoomSetRoomExtraInfoCallback> roomExtraInfoCallbacks_;
    std::unordered_map<zego_seq, ZegoPublisherSetStreamExtraInfoCallback> streamExtraInfoCallbacks_;
    std::unordered_map<zego_seq, ZegoIMSendBroadcastMessageCallback> broadcastCallbacks_;
    std::unordered_map<zego_seq, ZegoIMSendBarrageMessageCallback> barrageCallbacks_;
    std::unordered_map<zego_seq, ZegoIMSendCustomCommandCallback> customCommandCallbacks_;
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// ZegoExpressSDK
// ---------------------------------------------------------------------------------------------

class ZegoExpressSDK {
  public:
    /*
     * Creates an engine; nullptr on failure (then eventHandler->onDebugError(code, "createEngine", ...)
     * runs on this thread). Unlike ZEGO's singleton, every call creates a new engine: several may live
     * at once, each with its own callback thread. Free each with destroyEngine.
     */
    static IZegoExpressEngine *createEngine(ZegoEngineProfile profile, std::shared_ptr<IZegoEventHandler> eventHandler) {
        if (!detail::libraryReady()) {
            detail::reportLibraryNotLoaded(eventHandler, "createEngine");
            return nullptr;
        }
        zego_engine_profile p = zego_engine_profile();
        p.app_id = profile.appID;
        p.app_sign = profile.appSign.c_str();
        p.scenario = static_cast<int32_t>(profile.scenario);
        p.server = detail::optional(profile.server);
        zego_engine *handle = nullptr;
        int code = ZEGOEXP_C(zego_create_engine)(&p, &handle);
        if (code != 0) {
            detail::reportError(eventHandler, code, "createEngine");
            return nullptr;
        }
        detail::ZegoExpressEngineImpl *engine = nullptr;
        try {
            engine = new detail::ZegoExpressEngineImpl(handle, eventHandler);
        } catch (...) {
            ZEGOEXP_C(zego_destroy_engine)(handle, nullptr, nullptr);
            throw;
        }
        detail::objectCreated();
        if (!engine->registerCallbacks()) {
            detail::reportError(eventHandler, ZEGO_ERROR_CODE_COMMON_INNER_NULLPTR, "createEngine");
            engine->destroy(nullptr);
            return nullptr;
        }
        detail::EngineRegistry &registry = detail::engineRegistry();
        std::lock_guard<std::mutex> lock(registry.mutex);
        registry.engines.push_back(engine);
        return engine;
    }

    /*
     * Destroys `engine` and sets it to nullptr. From a thread other than the engine's callback
     * thread, returns after the engine logged out, delivered its queued callbacks and ran
     * `callback`. From inside one of the engine's own callbacks it finishes (and runs `callback`)
     * when that callback returns. Destroying an engine that is not alive does nothing. Per-call
     * callbacks whose results have not arrived by then are dropped without being called.
     */
    static void destroyEngine(IZegoExpressEngine *&engine, ZegoDestroyCompletionCallback callback = nullptr) {
        IZegoExpressEngine *target = engine;
        engine = nullptr;
        if (!target) {
            return;
        }
        {
            detail::EngineRegistry &registry = detail::engineRegistry();
            std::lock_guard<std::mutex> lock(registry.mutex);
            std::vector<IZegoExpressEngine *>::iterator it = registry.engines.begin();
            while (it != registry.engines.end() && *it != target) {
                ++it;
            }
            if (it == registry.engines.end()) {
                return;  // already destroyed (or never created here)
            }
            registry.engines.erase(it);
        }
        static_cast<detail::ZegoExpressEngineImpl *>(target)->destroy(std::move(callback));
    }

    /* The most recently created engine that is still alive, or nullptr. */
    static IZegoExpressEngine *getEngine() {
        detail::EngineRegistry &registry = detail::engineRegistry();
        std::lock_guard<std::mutex> lock(registry.mutex);
        return registry.engines.empty() ? nullptr : registry.engines.back();
    }

    /* Options for engines created afterwards; advancedConfig goes to the library as "k=v;k=v". */
    static void setEngineConfig(ZegoEngineConfig config) {
        if (!detail::libraryReady()) {
            return;
        }
        std::string advanced;
        for (const std::pair<const std::string, std::string> &entry : config.advancedConfig) {
            if (!advanced.empty()) {
                advanced += ';';
            }
            advanced += entry.first + '=' + entry.second;
        }
        zego_engine_config c = zego_engine_config();
        c.advanced_config = advanced.c_str();
        ZEGOEXP_C(zego_set_engine_config)(&c);
    }

    /* The library version, e.g. "0.1.0" ("" in ZEGOEXP_EXPLICIT mode before loadLibrary). */
    static std::string getVersion() {
        if (!detail::libraryReady()) {
            return std::string();
        }
        return detail::toString(ZEGOEXP_C(zego_get_version)());
    }

#if defined(ZEGOEXP_EXPLICIT)
    /*
     * Loads the library from `sdk_library_full_path` and resolves every C function the wrapper uses.
     * Returns 0, ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED (cannot open) or
     * ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FUNC_NOT_FOUND (a function is missing; nothing stays loaded).
     * Returns 0 at once if a library is already loaded. Call it before any other API.
     */
    static int loadLibrary(const std::string &sdk_library_full_path) {
        detail::CApi &api = detail::cApi();
        std::lock_guard<std::mutex> lock(api.mutex);
        if (api.library) {
            return 0;
        }
        void *library = detail::openLibrary(sdk_library_full_path);
        if (!library) {
            return ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED;
        }
        detail::CFunctions functions;
        bool ok = true;
#define ZEGOEXP_LOAD_POINTER(name) ok = ok && detail::loadSymbol(library, #name, functions.name);
        ZEGOEXP_C_FUNCTIONS(ZEGOEXP_LOAD_POINTER)
#undef ZEGOEXP_LOAD_POINTER
        if (!ok) {
            detail::closeLibrary(library);
            return ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FUNC_NOT_FOUND;
        }
        api.functions = functions;
        api.library = library;
        return 0;
    }

    /*
     * Unloads the library. Does nothing while an engine or ZegoLocalServer is alive (destroy them
     * first). Must not be called from inside a callback (its thread runs library code). Note: the
     * library keeps process-wide runtime threads, so the system may keep its code mapped after
     * this; the wrapper only forgets its functions until the next loadLibrary.
     */
    static void unLoadLibrary() {
        detail::CApi &api = detail::cApi();
        std::lock_guard<std::mutex> lock(api.mutex);
        if (!api.library || api.liveObjects.load() > 0) {
            return;
        }
        detail::closeLibrary(api.library);
        api.library = nullptr;
        api.functions = detail::CFunctions();
    }
#endif
};

// ---------------------------------------------------------------------------------------------
// ZegoLocalServer (zego-express addition): an in-process zego-server, stopped by its destructor.
// ---------------------------------------------------------------------------------------------

class ZegoLocalServer {
  public:
    /*
     * Starts a server listening on `listen` ("127.0.0.1:0" picks a free port). `configJson` empty =
     * the development app (app id 1234567890); otherwise the same JSON document as
     * `zego-server --config`. Returns nullptr on failure, with the ZEGO error code in *errorCode
     * (1000017 bad argument, 1001901 cannot listen, 1001902 invalid config) when errorCode is given.
     */
    static std::unique_ptr<ZegoLocalServer> start(const std::string &listen = "127.0.0.1:0",
                                                  const std::string &configJson = "", int *errorCode = nullptr) {
        int code = ZEGO_ERROR_CODE_COMMON_LOAD_LIBRARY_FAILED;
        zego_local_server *server = nullptr;
        if (detail::libraryReady()) {
            code = ZEGOEXP_C(zego_local_server_start)(listen.c_str(), detail::optional(configJson), &server);
        }
        if (errorCode) {
            *errorCode = code;
        }
        if (code != 0 || !server) {
            return std::unique_ptr<ZegoLocalServer>();
        }
        detail::objectCreated();
        try {
            return std::unique_ptr<ZegoLocalServer>(new ZegoLocalServer(server));
        } catch (...) {
            ZEGOEXP_C(zego_local_server_stop)(server);
            detail::objectDestroyed();
            throw;
        }
    }

    /* "ws://127.0.0.1:PORT": the value for ZegoEngineProfile::server. */
    std::string url() const { return detail::toString(ZEGOEXP_C(zego_local_server_url)(server_)); }

    /* Stops the server: every session closes (engines still in a room start reconnecting). */
    ~ZegoLocalServer() {
        ZEGOEXP_C(zego_local_server_stop)(server_);
        detail::objectDestroyed();
    }

    ZegoLocalServer(const ZegoLocalServer &) = delete;
    ZegoLocalServer &operator=(const ZegoLocalServer &) = delete;

  private:
    explicit ZegoLocalServer(zego_local_server *server) : server_(server) {}

    // Owned.
    zego_local_server *const server_;
};

}  // namespace EXPRESS
}  // namespace ZEGO

// The helper macros are internal: keep them out of the including code.
#undef ZEGOEXP_C
#undef ZEGOEXP_C_FUNCTIONS
#undef ZEGOEXP_C_REGISTER_FUNCTION
#undef ZEGOEXP_C_EVENTS

#endif /* ZEGO_EXPRESS_SDK_CPP_H */
