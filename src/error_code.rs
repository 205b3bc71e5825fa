//! ZEGO's numeric error codes used by this crate (shared/reference/zego-errcodes-all.tsv),
//! and their messages for `zego_get_error_message`.

/// Defines the codes as constants and the message table in one place.
macro_rules! error_codes {
    ($($name:ident = $value:expr, $msg:expr;)*) => {
        $(#[doc = $msg] pub const $name: i32 = $value;)*

        /// A static English description of a code, or `None` for a code this crate never returns.
        pub fn message(code: i32) -> Option<&'static str> {
            match code { $($value => Some(concat!($msg, "\0")),)* _ => None }
        }
    };
}

error_codes! {
    SUCCESS = 0, "success";
    ENGINE_NOT_CREATE = 1000001, "the engine does not exist (NULL, destroyed or never created)";
    NOT_LOGIN_ROOM = 1000002, "the operation needs a logged-in room";
    STREAM_ID_TOO_LONG = 1000014, "stream id is 256 bytes or longer";
    STREAM_ID_NULL = 1000015, "stream id is NULL or empty";
    STREAM_ID_INVALID_CHARACTER = 1000016, "stream id has characters other than [0-9A-Za-z_-]";
    ILLEGAL_PARAM = 1000017, "a parameter is NULL or out of range";
    INNER_ERROR = 1000090, "internal error (a bug); see the log";
    APPID_ZERO = 1001000, "app id is 0";
    APPSIGN_INVALID_LENGTH = 1001001, "app sign is not 64 characters";
    APPSIGN_INVALID_CHARACTER = 1001002, "app sign is not hexadecimal";
    APPID_INCORRECT = 1001004, "the server does not know this app id";
    APPSIGN_INCORRECT = 1001005, "the server rejected the app sign";
    LOCAL_SERVER_BIND_FAILED = 1001901, "the embedded server cannot listen on the address (zego-express extension)";
    LOCAL_SERVER_CONFIG_INVALID = 1001902, "the embedded server config is invalid (zego-express extension)";
    ROOM_COUNT_EXCEED = 1002001, "already logged in to a room";
    ROOM_ID_INCORRECT = 1002002, "not logged in to this room";
    USER_ID_NULL = 1002005, "user id is NULL or empty";
    USER_ID_INVALID_CHARACTER = 1002006, "user id has invalid characters";
    USER_ID_TOO_LONG = 1002007, "user id is 64 bytes or longer";
    USER_NAME_INVALID_CHARACTER = 1002009, "user name is not valid UTF-8";
    USER_NAME_TOO_LONG = 1002010, "user name is 256 bytes or longer";
    ROOM_ID_NULL = 1002011, "room id is NULL or empty";
    ROOM_ID_INVALID_CHARACTER = 1002012, "room id has invalid characters";
    ROOM_ID_TOO_LONG = 1002013, "room id is 128 bytes or longer";
    ROOM_EXTRA_INFO_KEY_EMPTY = 1002014, "room extra info key is empty";
    ROOM_EXTRA_INFO_KEY_TOO_LONG = 1002015, "room extra info key is 128 bytes or longer";
    ROOM_EXTRA_INFO_VALUE_TOO_LONG = 1002016, "room extra info value is too long";
    ROOM_EXTRA_INFO_EXCEED_KEYS = 1002017, "too many room extra info keys";
    ROOM_CONNECT_FAILED = 1002030, "could not connect to the server";
    ROOM_LOGIN_TIMEOUT = 1002031, "login timed out";
    ROOM_AUTHENTICATION_FAILED = 1002033, "authentication failed (bad or expired token)";
    ROOM_EXCEED_MAXIMUM_MEMBER = 1002034, "the room is full";
    ROOM_EXCEED_MAXIMUM_ROOM_COUNT = 1002035, "the server has too many rooms";
    ROOM_KICKED_OUT = 1002050, "kicked out: the same user id logged in elsewhere";
    ROOM_CONNECT_TEMPORARY_BROKEN = 1002051, "connection lost, reconnecting";
    ROOM_DISCONNECT = 1002052, "disconnected";
    ROOM_RETRY_TIMEOUT = 1002053, "reconnect window exhausted";
    ROOM_TOKEN_EXPIRED_KICKED_OUT = 1002056, "kicked out: the token expired";
    ROOM_NO_TOKEN = 1002067, "no app sign at create and no token at login";
    ROOM_TOKEN_INNER_ERROR = 1002074, "token could not be processed";
    ROOM_TOKEN_FORMAT_ERROR = 1002075, "token is malformed";
    ROOM_TOKEN_APPID_ERROR = 1002076, "token is for another app id";
    ROOM_TOKEN_USERID_ERROR = 1002077, "token is for another user id";
    ROOM_TOKEN_EXPIRE_ERROR = 1002078, "token expired";
    ROOM_TOKEN_VERSION_ERROR = 1002079, "token version is not 04";
    ROOM_TOKEN_NONCETYPE_ERROR = 1002080, "token nonce has the wrong type";
    ROOM_INNER_ERROR = 1002099, "room internal error";
    PUBLISHER_PUBLISH_STREAM_FAILED = 1003001, "the publish media offer cannot be answered";
    PUBLISHER_NETWORK_INTERRUPT = 1003020, "publishing interrupted by the network, retrying";
    PUBLISHER_RETRY_TIMEOUT = 1003021, "publishing retry timed out";
    PUBLISHER_ALREADY_DO_PUBLISH = 1003023, "this channel is already publishing";
    PUBLISHER_ERROR_SERVER_FORBID = 1003025, "the server refused media for this stream (not published by this session)";
    PUBLISHER_REPETITIVE_PUBLISH_STREAM = 1003028, "another user already publishes this stream id";
    PUBLISHER_EXTRA_INFO_NULL = 1003050, "stream extra info is NULL";
    PUBLISHER_EXTRA_INFO_TOO_LONG = 1003051, "stream extra info is 1024 bytes or longer";
    PUBLISHER_UPDATE_EXTRA_INFO_FAILED = 1003053, "stream extra info update failed";
    PUBLISHER_DISPATCH_AUTH_ERROR = 1003072, "the token does not allow publishing this stream";
    PLAYER_PLAY_STREAM_FAILED = 1004001, "the play media offer cannot be answered";
    PLAYER_PLAY_STREAM_NOT_EXIST = 1004002, "the stream does not exist";
    PLAYER_COUNT_EXCEED = 1004010, "more than 12 streams playing";
    PLAYER_STREAM_WAS_NOT_PLAYED = 1004011, "the stream is not being played";
    PLAYER_NETWORK_INTERRUPT = 1004020, "playing interrupted by the network, retrying";
    CUSTOM_VIDEO_CAPTURE_NOT_ENABLED = 1011002, "custom video capture is not enabled on this channel";
    CUSTOM_VIDEO_NOT_SUPPORTED_FORMAT = 1011010, "the video frame format is not supported";
    CUSTOM_VIDEO_NOT_SUPPORTED_BUFFER_TYPE = 1011011, "the video buffer type is not supported";
    PUBLISHER_INNER_ERROR = 1003099, "the server could not set up the publisher's media";
    PLAYER_INNER_ERROR = 1004099, "the server could not set up the player's media";
    CUSTOM_AUDIO_IO_UNSUPPORTED_AUDIO_SOURCE_TYPE = 1012001, "the custom audio source type is not supported";
    CUSTOM_AUDIO_IO_CAPTURER_NOT_CREATED = 1012002, "custom audio capture is not enabled on this channel";
    CUSTOM_AUDIO_IO_UNSUPPORTED_SAMPLE_RATE = 1012010, "the audio sample rate or channel count is not supported (48 kHz, 1 or 2 channels)";
    DEVICE_ERROR_TYPE_INVALID_ID = 1006002, "no device has this id";
    IM_CONTENT_NULL = 1009001, "message is NULL or empty";
    IM_CONTENT_TOO_LONG = 1009002, "message is longer than 1024 bytes";
    IM_SEND_FAILED = 1009010, "message could not be sent";
    IM_USER_ID_EMPTY = 1009011, "custom command has no target user";
    IM_USER_ID_TOO_LONG = 1009012, "a custom command target user id is too long";
}
