/*
 * c_api_check.c: the C side of what the Swift wrapper (examples-swift/Sources/ZegoExpress) relies
 * on, compiled by examples-swift/check.sh through the Clang module ZegoExpressC (the module map
 * Swift uses) with -Wall -Wextra -Wpedantic -Werror, as C and as Objective-C, then run.
 *
 * - Every struct field the Swift code reads or writes, with the C type the Swift code assumes.
 * - Every callback typedef, as a function with the exact parameter types the Swift closures
 *   are written against (a changed typedef no longer converts: incompatible pointer types).
 * - Every function, as a pointer with the exact prototype the Swift calls are written against.
 * - Every Swift enum case's raw value (swift_enum_values.h, generated from the Swift sources).
 * - At run time: an embedded server, an engine, every callback registered with a user_context as
 *   the Swift wrapper does, login until LOGINED and the login result of the same seq, a video
 *   config round trip, logout, destroy with its completion, and no callback after that.
 *
 * check.sh fails if the Swift sources use a zego_* name or struct field that this file does not.
 */
#if defined(__OBJC__)
@import ZegoExpressC;
#elif defined(ZEGO_CHECK_IMPORT_BY_NAME)
#pragma clang module import ZegoExpressC /* by module name, as Swift's `import ZegoExpressC` */
#else
#include "zego_express.h" /* with -fmodules and the module map: imports the module ZegoExpressC */
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- Types the Swift code assumes (Int32, UInt32, UInt64, Bool, UnsafePointer<CChar>, ...) ---- */

#define SAME_TYPE(expr, T) _Static_assert(_Generic((expr), T: 1, default: 0), #expr " is " #T)
#define FIELD(S, f) (((struct S *)0)->f)

SAME_TYPE(FIELD(zego_engine_profile, app_id), uint32_t);
SAME_TYPE(FIELD(zego_engine_profile, app_sign), const char *);
SAME_TYPE(FIELD(zego_engine_profile, scenario), int32_t);
SAME_TYPE(FIELD(zego_engine_profile, server), const char *);
SAME_TYPE(FIELD(zego_engine_config, advanced_config), const char *);
SAME_TYPE(FIELD(zego_user, user_id), const char *);
SAME_TYPE(FIELD(zego_user, user_name), const char *);
SAME_TYPE(FIELD(zego_room_config, max_member_count), uint32_t);
SAME_TYPE(FIELD(zego_room_config, is_user_status_notify), bool);
SAME_TYPE(FIELD(zego_room_config, token), const char *);
SAME_TYPE(FIELD(zego_canvas, view), void *);
SAME_TYPE(FIELD(zego_canvas, view_mode), int32_t);
SAME_TYPE(FIELD(zego_canvas, background_color), int32_t);
SAME_TYPE(FIELD(zego_stream, user), struct zego_user);
SAME_TYPE(FIELD(zego_stream, stream_id), const char *);
SAME_TYPE(FIELD(zego_stream, extra_info), const char *);
SAME_TYPE(FIELD(zego_video_config, capture_width), int32_t);
SAME_TYPE(FIELD(zego_video_config, capture_height), int32_t);
SAME_TYPE(FIELD(zego_video_config, encode_width), int32_t);
SAME_TYPE(FIELD(zego_video_config, encode_height), int32_t);
SAME_TYPE(FIELD(zego_video_config, fps), int32_t);
SAME_TYPE(FIELD(zego_video_config, bitrate), int32_t);
SAME_TYPE(FIELD(zego_video_config, codec_id), int32_t);
SAME_TYPE(FIELD(zego_video_config, key_frame_interval), int32_t);
SAME_TYPE(FIELD(zego_audio_config, bitrate), int32_t);
SAME_TYPE(FIELD(zego_audio_config, channel), int32_t);
SAME_TYPE(FIELD(zego_audio_config, codec_id), int32_t);
SAME_TYPE(FIELD(zego_room_extra_info, key), const char *);
SAME_TYPE(FIELD(zego_room_extra_info, value), const char *);
SAME_TYPE(FIELD(zego_room_extra_info, update_user), struct zego_user);
SAME_TYPE(FIELD(zego_room_extra_info, update_time), uint64_t);
SAME_TYPE(FIELD(zego_broadcast_message_info, message), const char *);
SAME_TYPE(FIELD(zego_broadcast_message_info, message_id), uint64_t);
SAME_TYPE(FIELD(zego_broadcast_message_info, send_time), uint64_t);
SAME_TYPE(FIELD(zego_broadcast_message_info, from_user), struct zego_user);
SAME_TYPE(FIELD(zego_barrage_message_info, message), const char *);
SAME_TYPE(FIELD(zego_barrage_message_info, message_id), const char *);
SAME_TYPE(FIELD(zego_barrage_message_info, send_time), uint64_t);
SAME_TYPE(FIELD(zego_barrage_message_info, from_user), struct zego_user);
SAME_TYPE((zego_error)0, int32_t);
SAME_TYPE((zego_seq)0, int32_t);

/* ---- Swift enum raw values = the header's constants ---- */

#define ZEGO_SWIFT_ENUM_VALUE(constant, value, text) _Static_assert((constant) == (value), text);
#include "swift_enum_values.h"

/* ---- What the callbacks see (the Swift wrapper's user_context is its engine object) ---- */

static struct check {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int callbacks;            /* every callback, after login */
    int wrong_context;        /* callbacks whose user_context was not &state */
    bool logined, logged_out, login_result;
    int32_t login_error;
    zego_seq login_seq;       /* seq of the login_result seen, -1 before */
    int32_t login_result_error;
    int destroyed;            /* on_destroyed calls */
} state = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false, false, false, 0, -1, 0, 0};

static void seen(void *user_context) {
    pthread_mutex_lock(&state.mutex);
    state.callbacks++;
    if (user_context != &state) state.wrong_context++;
    pthread_cond_broadcast(&state.cond);
    pthread_mutex_unlock(&state.mutex);
}

/* One function per callback typedef, with the parameter types of the Swift closure. */

static void on_engine_destroyed(void *user_context) {
    pthread_mutex_lock(&state.mutex);
    state.destroyed++;
    if (user_context != &state) state.wrong_context++;
    pthread_mutex_unlock(&state.mutex);
}

static void on_room_state_changed(const char *room_id, int32_t reason, zego_error error_code, const char *extended_data,
                                  void *user_context) {
    (void)room_id, (void)extended_data;
    pthread_mutex_lock(&state.mutex);
    if (reason == zego_room_state_changed_reason_logined) {
        state.logined = true;
        state.login_error = error_code;
    }
    if (reason == zego_room_state_changed_reason_logout) state.logged_out = true;
    pthread_mutex_unlock(&state.mutex);
    seen(user_context);
}

static void on_room_state_update(const char *room_id, int32_t state_, zego_error error_code, const char *extended_data,
                                 void *user_context) {
    (void)room_id, (void)state_, (void)error_code, (void)extended_data;
    seen(user_context);
}

static void on_room_login_result(zego_error error_code, const char *extended_data, const char *room_id, zego_seq seq,
                                 void *user_context) {
    (void)extended_data, (void)room_id;
    pthread_mutex_lock(&state.mutex);
    state.login_result = true;
    state.login_seq = seq;
    state.login_result_error = error_code;
    pthread_mutex_unlock(&state.mutex);
    seen(user_context);
}

static void on_room_logout_result(zego_error error_code, const char *extended_data, const char *room_id, zego_seq seq,
                                  void *user_context) {
    (void)error_code, (void)extended_data, (void)room_id, (void)seq;
    seen(user_context);
}

static void on_room_user_update(const char *room_id, int32_t update_type, const struct zego_user *user_list,
                                uint32_t user_count, void *user_context) {
    (void)room_id, (void)update_type, (void)user_list, (void)user_count;
    seen(user_context);
}

static void on_room_online_user_count_update(const char *room_id, int32_t count, void *user_context) {
    (void)room_id, (void)count;
    seen(user_context);
}

static void on_room_stream_update(const char *room_id, int32_t update_type, const struct zego_stream *stream_list,
                                  uint32_t stream_count, const char *extended_data, void *user_context) {
    (void)room_id, (void)update_type, (void)stream_list, (void)stream_count, (void)extended_data;
    seen(user_context);
}

static void on_room_stream_extra_info_update(const char *room_id, const struct zego_stream *stream_list,
                                             uint32_t stream_count, void *user_context) {
    (void)room_id, (void)stream_list, (void)stream_count;
    seen(user_context);
}

static void on_room_extra_info_update(const char *room_id, const struct zego_room_extra_info *info_list,
                                      uint32_t info_count, void *user_context) {
    (void)room_id, (void)info_list, (void)info_count;
    seen(user_context);
}

static void on_room_token_will_expire(const char *room_id, int32_t remain_time_in_second, void *user_context) {
    (void)room_id, (void)remain_time_in_second;
    seen(user_context);
}

static void on_room_set_room_extra_info_result(zego_error error_code, const char *room_id, const char *key,
                                               zego_seq seq, void *user_context) {
    (void)error_code, (void)room_id, (void)key, (void)seq;
    seen(user_context);
}

static void on_publisher_state_update(const char *stream_id, int32_t state_, zego_error error_code,
                                      const char *extended_data, void *user_context) {
    (void)stream_id, (void)state_, (void)error_code, (void)extended_data;
    seen(user_context);
}

static void on_publisher_update_stream_extra_info_result(zego_error error_code, zego_seq seq, void *user_context) {
    (void)error_code, (void)seq;
    seen(user_context);
}

static void on_publisher_captured_audio_first_frame(void *user_context) { seen(user_context); }

static void on_publisher_captured_video_first_frame(int32_t channel, void *user_context) {
    (void)channel;
    seen(user_context);
}

static void on_publisher_send_audio_first_frame(int32_t channel, void *user_context) {
    (void)channel;
    seen(user_context);
}

static void on_publisher_send_video_first_frame(int32_t channel, void *user_context) {
    (void)channel;
    seen(user_context);
}

static void on_publisher_video_size_changed(int32_t width, int32_t height, int32_t channel, void *user_context) {
    (void)width, (void)height, (void)channel;
    seen(user_context);
}

static void on_player_state_update(const char *stream_id, int32_t state_, zego_error error_code,
                                   const char *extended_data, void *user_context) {
    (void)stream_id, (void)state_, (void)error_code, (void)extended_data;
    seen(user_context);
}

static void on_player_recv_audio_first_frame(const char *stream_id, void *user_context) {
    (void)stream_id;
    seen(user_context);
}

static void on_player_recv_video_first_frame(const char *stream_id, void *user_context) {
    (void)stream_id;
    seen(user_context);
}

static void on_player_render_video_first_frame(const char *stream_id, void *user_context) {
    (void)stream_id;
    seen(user_context);
}

static void on_player_video_size_changed(const char *stream_id, int32_t width, int32_t height, void *user_context) {
    (void)stream_id, (void)width, (void)height;
    seen(user_context);
}

static void on_network_quality(const char *user_id, int32_t upstream_quality, int32_t downstream_quality,
                               void *user_context) {
    (void)user_id, (void)upstream_quality, (void)downstream_quality;
    seen(user_context);
}

static void on_remote_camera_state_update(const char *stream_id, int32_t state_, void *user_context) {
    (void)stream_id, (void)state_;
    seen(user_context);
}

static void on_remote_mic_state_update(const char *stream_id, int32_t state_, void *user_context) {
    (void)stream_id, (void)state_;
    seen(user_context);
}

static void on_local_device_exception_occurred(int32_t exception_type, int32_t device_type, const char *device_id,
                                               void *user_context) {
    (void)exception_type, (void)device_type, (void)device_id;
    seen(user_context);
}

static void on_im_recv_broadcast_message(const char *room_id, const struct zego_broadcast_message_info *message_list,
                                         uint32_t message_count, void *user_context) {
    (void)room_id, (void)message_list, (void)message_count;
    seen(user_context);
}

static void on_im_recv_barrage_message(const char *room_id, const struct zego_barrage_message_info *message_list,
                                       uint32_t message_count, void *user_context) {
    (void)room_id, (void)message_list, (void)message_count;
    seen(user_context);
}

static void on_im_recv_custom_command(const char *room_id, struct zego_user from_user, const char *command,
                                      void *user_context) {
    (void)room_id, (void)from_user, (void)command;
    seen(user_context);
}

static void on_im_send_broadcast_message_result(const char *room_id, uint64_t message_id, zego_error error_code,
                                                zego_seq seq, void *user_context) {
    (void)room_id, (void)message_id, (void)error_code, (void)seq;
    seen(user_context);
}

static void on_im_send_barrage_message_result(const char *room_id, const char *message_id, zego_error error_code,
                                              zego_seq seq, void *user_context) {
    (void)room_id, (void)message_id, (void)error_code, (void)seq;
    seen(user_context);
}

static void on_im_send_custom_command_result(const char *room_id, zego_error error_code, zego_seq seq,
                                             void *user_context) {
    (void)room_id, (void)error_code, (void)seq;
    seen(user_context);
}

/* The callback typedefs: each must accept the function above unchanged. */
static const zego_on_engine_destroyed cb_engine_destroyed = on_engine_destroyed;
static const zego_on_room_state_changed cb_room_state_changed = on_room_state_changed;
static const zego_on_room_state_update cb_room_state_update = on_room_state_update;
static const zego_on_room_login_result cb_room_login_result = on_room_login_result;
static const zego_on_room_logout_result cb_room_logout_result = on_room_logout_result;
static const zego_on_room_user_update cb_room_user_update = on_room_user_update;
static const zego_on_room_online_user_count_update cb_room_online_user_count_update = on_room_online_user_count_update;
static const zego_on_room_stream_update cb_room_stream_update = on_room_stream_update;
static const zego_on_room_stream_extra_info_update cb_room_stream_extra_info_update = on_room_stream_extra_info_update;
static const zego_on_room_extra_info_update cb_room_extra_info_update = on_room_extra_info_update;
static const zego_on_room_token_will_expire cb_room_token_will_expire = on_room_token_will_expire;
static const zego_on_room_set_room_extra_info_result cb_room_set_room_extra_info_result =
    on_room_set_room_extra_info_result;
static const zego_on_publisher_state_update cb_publisher_state_update = on_publisher_state_update;
static const zego_on_publisher_update_stream_extra_info_result cb_publisher_update_stream_extra_info_result =
    on_publisher_update_stream_extra_info_result;
static const zego_on_publisher_captured_audio_first_frame cb_publisher_captured_audio_first_frame =
    on_publisher_captured_audio_first_frame;
static const zego_on_publisher_captured_video_first_frame cb_publisher_captured_video_first_frame =
    on_publisher_captured_video_first_frame;
static const zego_on_publisher_send_audio_first_frame cb_publisher_send_audio_first_frame =
    on_publisher_send_audio_first_frame;
static const zego_on_publisher_send_video_first_frame cb_publisher_send_video_first_frame =
    on_publisher_send_video_first_frame;
static const zego_on_publisher_video_size_changed cb_publisher_video_size_changed = on_publisher_video_size_changed;
static const zego_on_player_state_update cb_player_state_update = on_player_state_update;
static const zego_on_player_recv_audio_first_frame cb_player_recv_audio_first_frame = on_player_recv_audio_first_frame;
static const zego_on_player_recv_video_first_frame cb_player_recv_video_first_frame = on_player_recv_video_first_frame;
static const zego_on_player_render_video_first_frame cb_player_render_video_first_frame =
    on_player_render_video_first_frame;
static const zego_on_player_video_size_changed cb_player_video_size_changed = on_player_video_size_changed;
static const zego_on_network_quality cb_network_quality = on_network_quality;
static const zego_on_remote_camera_state_update cb_remote_camera_state_update = on_remote_camera_state_update;
static const zego_on_remote_mic_state_update cb_remote_mic_state_update = on_remote_mic_state_update;
static const zego_on_local_device_exception_occurred cb_local_device_exception_occurred =
    on_local_device_exception_occurred;
static const zego_on_im_recv_broadcast_message cb_im_recv_broadcast_message = on_im_recv_broadcast_message;
static const zego_on_im_recv_barrage_message cb_im_recv_barrage_message = on_im_recv_barrage_message;
static const zego_on_im_recv_custom_command cb_im_recv_custom_command = on_im_recv_custom_command;
static const zego_on_im_send_broadcast_message_result cb_im_send_broadcast_message_result =
    on_im_send_broadcast_message_result;
static const zego_on_im_send_barrage_message_result cb_im_send_barrage_message_result =
    on_im_send_barrage_message_result;
static const zego_on_im_send_custom_command_result cb_im_send_custom_command_result = on_im_send_custom_command_result;

/* ---- The prototypes the Swift calls are written against ---- */

typedef struct zego_engine E;
#define PROTO(name, ...) static zego_error (*const p_##name)(__VA_ARGS__) = name
PROTO(zego_create_engine, const struct zego_engine_profile *, E **);
PROTO(zego_destroy_engine, E *, zego_on_engine_destroyed, void *);
PROTO(zego_set_engine_config, const struct zego_engine_config *);
PROTO(zego_login_room, E *, const char *, const struct zego_user *, const struct zego_room_config *, zego_seq *);
PROTO(zego_logout_room, E *, const char *, zego_seq *);
PROTO(zego_switch_room, E *, const char *, const char *, const struct zego_room_config *);
PROTO(zego_renew_token, E *, const char *, const char *);
PROTO(zego_set_room_extra_info, E *, const char *, const char *, const char *, zego_seq *);
PROTO(zego_start_preview, E *, const struct zego_canvas *, int32_t);
PROTO(zego_stop_preview, E *, int32_t);
PROTO(zego_start_publishing_stream, E *, const char *, int32_t);
PROTO(zego_stop_publishing_stream, E *, int32_t);
PROTO(zego_set_stream_extra_info, E *, const char *, int32_t, zego_seq *);
PROTO(zego_set_video_config, E *, const struct zego_video_config *, int32_t);
PROTO(zego_get_video_config, E *, int32_t, struct zego_video_config *);
PROTO(zego_set_audio_config, E *, const struct zego_audio_config *, int32_t);
PROTO(zego_get_audio_config, E *, int32_t, struct zego_audio_config *);
PROTO(zego_mute_publish_stream_audio, E *, bool, int32_t);
PROTO(zego_mute_publish_stream_video, E *, bool, int32_t);
PROTO(zego_start_playing_stream, E *, const char *, const struct zego_canvas *);
PROTO(zego_stop_playing_stream, E *, const char *);
PROTO(zego_mute_play_stream_audio, E *, const char *, bool);
PROTO(zego_mute_play_stream_video, E *, const char *, bool);
PROTO(zego_mute_microphone, E *, bool);
PROTO(zego_mute_speaker, E *, bool);
PROTO(zego_enable_camera, E *, bool, int32_t);
PROTO(zego_send_broadcast_message, E *, const char *, const char *, zego_seq *);
PROTO(zego_send_barrage_message, E *, const char *, const char *, zego_seq *);
PROTO(zego_send_custom_command, E *, const char *, const char *, const struct zego_user *, uint32_t, zego_seq *);
PROTO(zego_local_server_start, const char *, const char *, struct zego_local_server **);
PROTO(zego_local_server_stop, struct zego_local_server *);
static const char *(*const p_zego_local_server_url)(const struct zego_local_server *) = zego_local_server_url;
static const char *(*const p_zego_get_version)(void) = zego_get_version;
static const char *(*const p_zego_get_error_message)(zego_error) = zego_get_error_message;
PROTO(zego_register_room_state_changed_callback, E *, zego_on_room_state_changed, void *);
PROTO(zego_register_room_state_update_callback, E *, zego_on_room_state_update, void *);
PROTO(zego_register_room_login_result_callback, E *, zego_on_room_login_result, void *);
PROTO(zego_register_room_logout_result_callback, E *, zego_on_room_logout_result, void *);
PROTO(zego_register_room_user_update_callback, E *, zego_on_room_user_update, void *);
PROTO(zego_register_room_online_user_count_update_callback, E *, zego_on_room_online_user_count_update, void *);
PROTO(zego_register_room_stream_update_callback, E *, zego_on_room_stream_update, void *);
PROTO(zego_register_room_stream_extra_info_update_callback, E *, zego_on_room_stream_extra_info_update, void *);
PROTO(zego_register_room_extra_info_update_callback, E *, zego_on_room_extra_info_update, void *);
PROTO(zego_register_room_token_will_expire_callback, E *, zego_on_room_token_will_expire, void *);
PROTO(zego_register_room_set_room_extra_info_result_callback, E *, zego_on_room_set_room_extra_info_result, void *);
PROTO(zego_register_publisher_state_update_callback, E *, zego_on_publisher_state_update, void *);
PROTO(zego_register_publisher_update_stream_extra_info_result_callback, E *,
      zego_on_publisher_update_stream_extra_info_result, void *);
PROTO(zego_register_publisher_captured_audio_first_frame_callback, E *, zego_on_publisher_captured_audio_first_frame,
      void *);
PROTO(zego_register_publisher_captured_video_first_frame_callback, E *, zego_on_publisher_captured_video_first_frame,
      void *);
PROTO(zego_register_publisher_send_audio_first_frame_callback, E *, zego_on_publisher_send_audio_first_frame, void *);
PROTO(zego_register_publisher_send_video_first_frame_callback, E *, zego_on_publisher_send_video_first_frame, void *);
PROTO(zego_register_publisher_video_size_changed_callback, E *, zego_on_publisher_video_size_changed, void *);
PROTO(zego_register_player_state_update_callback, E *, zego_on_player_state_update, void *);
PROTO(zego_register_player_recv_audio_first_frame_callback, E *, zego_on_player_recv_audio_first_frame, void *);
PROTO(zego_register_player_recv_video_first_frame_callback, E *, zego_on_player_recv_video_first_frame, void *);
PROTO(zego_register_player_render_video_first_frame_callback, E *, zego_on_player_render_video_first_frame, void *);
PROTO(zego_register_player_video_size_changed_callback, E *, zego_on_player_video_size_changed, void *);
PROTO(zego_register_network_quality_callback, E *, zego_on_network_quality, void *);
PROTO(zego_register_remote_camera_state_update_callback, E *, zego_on_remote_camera_state_update, void *);
PROTO(zego_register_remote_mic_state_update_callback, E *, zego_on_remote_mic_state_update, void *);
PROTO(zego_register_local_device_exception_occurred_callback, E *, zego_on_local_device_exception_occurred, void *);
PROTO(zego_register_im_recv_broadcast_message_callback, E *, zego_on_im_recv_broadcast_message, void *);
PROTO(zego_register_im_recv_barrage_message_callback, E *, zego_on_im_recv_barrage_message, void *);
PROTO(zego_register_im_recv_custom_command_callback, E *, zego_on_im_recv_custom_command, void *);
PROTO(zego_register_im_send_broadcast_message_result_callback, E *, zego_on_im_send_broadcast_message_result, void *);
PROTO(zego_register_im_send_barrage_message_result_callback, E *, zego_on_im_send_barrage_message_result, void *);
PROTO(zego_register_im_send_custom_command_result_callback, E *, zego_on_im_send_custom_command_result, void *);

/* ---- Run time ---- */

static int failures = 0;

static void expect(bool ok, const char *what) {
    printf("  %s  %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) failures++;
}

static void expect_code(zego_error code, const char *what) {
    if (code != 0) {
        const char *text = p_zego_get_error_message(code);
        printf("  FAIL  %s: error %d (%s)\n", what, code, text ? text : "?");
        failures++;
    } else {
        printf("  ok    %s\n", what);
    }
}

/* Waits up to 15 s until *flag (read under the mutex) is true. */
static bool wait_for(const bool *flag) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 15;
    pthread_mutex_lock(&state.mutex);
    while (!*flag) {
        if (pthread_cond_timedwait(&state.cond, &state.mutex, &deadline) != 0) break;
    }
    bool result = *flag;
    pthread_mutex_unlock(&state.mutex);
    return result;
}

/* Registers every callback with &state as user_context, as ZegoExpressEngine.registerCallbacks does. */
static bool register_all(E *engine) {
    void *c = &state;
    zego_error codes[] = {
        p_zego_register_room_state_changed_callback(engine, cb_room_state_changed, c),
        p_zego_register_room_state_update_callback(engine, cb_room_state_update, c),
        p_zego_register_room_login_result_callback(engine, cb_room_login_result, c),
        p_zego_register_room_logout_result_callback(engine, cb_room_logout_result, c),
        p_zego_register_room_user_update_callback(engine, cb_room_user_update, c),
        p_zego_register_room_online_user_count_update_callback(engine, cb_room_online_user_count_update, c),
        p_zego_register_room_stream_update_callback(engine, cb_room_stream_update, c),
        p_zego_register_room_stream_extra_info_update_callback(engine, cb_room_stream_extra_info_update, c),
        p_zego_register_room_extra_info_update_callback(engine, cb_room_extra_info_update, c),
        p_zego_register_room_token_will_expire_callback(engine, cb_room_token_will_expire, c),
        p_zego_register_room_set_room_extra_info_result_callback(engine, cb_room_set_room_extra_info_result, c),
        p_zego_register_publisher_state_update_callback(engine, cb_publisher_state_update, c),
        p_zego_register_publisher_update_stream_extra_info_result_callback(
            engine, cb_publisher_update_stream_extra_info_result, c),
        p_zego_register_publisher_captured_audio_first_frame_callback(engine, cb_publisher_captured_audio_first_frame,
                                                                      c),
        p_zego_register_publisher_captured_video_first_frame_callback(engine, cb_publisher_captured_video_first_frame,
                                                                      c),
        p_zego_register_publisher_send_audio_first_frame_callback(engine, cb_publisher_send_audio_first_frame, c),
        p_zego_register_publisher_send_video_first_frame_callback(engine, cb_publisher_send_video_first_frame, c),
        p_zego_register_publisher_video_size_changed_callback(engine, cb_publisher_video_size_changed, c),
        p_zego_register_player_state_update_callback(engine, cb_player_state_update, c),
        p_zego_register_player_recv_audio_first_frame_callback(engine, cb_player_recv_audio_first_frame, c),
        p_zego_register_player_recv_video_first_frame_callback(engine, cb_player_recv_video_first_frame, c),
        p_zego_register_player_render_video_first_frame_callback(engine, cb_player_render_video_first_frame, c),
        p_zego_register_player_video_size_changed_callback(engine, cb_player_video_size_changed, c),
        p_zego_register_network_quality_callback(engine, cb_network_quality, c),
        p_zego_register_remote_camera_state_update_callback(engine, cb_remote_camera_state_update, c),
        p_zego_register_remote_mic_state_update_callback(engine, cb_remote_mic_state_update, c),
        p_zego_register_local_device_exception_occurred_callback(engine, cb_local_device_exception_occurred, c),
        p_zego_register_im_recv_broadcast_message_callback(engine, cb_im_recv_broadcast_message, c),
        p_zego_register_im_recv_barrage_message_callback(engine, cb_im_recv_barrage_message, c),
        p_zego_register_im_recv_custom_command_callback(engine, cb_im_recv_custom_command, c),
        p_zego_register_im_send_broadcast_message_result_callback(engine, cb_im_send_broadcast_message_result, c),
        p_zego_register_im_send_barrage_message_result_callback(engine, cb_im_send_barrage_message_result, c),
        p_zego_register_im_send_custom_command_result_callback(engine, cb_im_send_custom_command_result, c),
    };
    bool ok = true;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) ok = ok && codes[i] == 0;
    return ok;
}

/* The prototypes only compiled, not called here (the Swift wrapper calls them; run-time coverage is
 * the C ABI tests' and the C++ examples' job). */
typedef void (*any_function)(void);
static const any_function compiled_only[] = {
    (any_function)p_zego_set_engine_config,
    (any_function)p_zego_switch_room,
    (any_function)p_zego_renew_token,
    (any_function)p_zego_set_room_extra_info,
    (any_function)p_zego_start_preview,
    (any_function)p_zego_stop_preview,
    (any_function)p_zego_start_publishing_stream,
    (any_function)p_zego_stop_publishing_stream,
    (any_function)p_zego_set_stream_extra_info,
    (any_function)p_zego_set_audio_config,
    (any_function)p_zego_mute_publish_stream_audio,
    (any_function)p_zego_mute_publish_stream_video,
    (any_function)p_zego_start_playing_stream,
    (any_function)p_zego_stop_playing_stream,
    (any_function)p_zego_mute_play_stream_audio,
    (any_function)p_zego_mute_play_stream_video,
    (any_function)p_zego_mute_microphone,
    (any_function)p_zego_mute_speaker,
    (any_function)p_zego_enable_camera,
    (any_function)p_zego_send_broadcast_message,
    (any_function)p_zego_send_barrage_message,
    (any_function)p_zego_send_custom_command,
};

int main(void) {
    printf("c_api_check: the C calls of the Swift wrapper, through the module ZegoExpressC\n");
    for (size_t i = 0; i < sizeof compiled_only / sizeof compiled_only[0]; i++) {
        if (compiled_only[i] == NULL) failures++;
    }
    const char *version = p_zego_get_version();
    expect(version != NULL && version[0] != '\0', "zego_get_version");
    expect(p_zego_get_error_message(1000001) != NULL, "zego_get_error_message(1000001) is a text");

    struct zego_local_server *server = NULL;
    expect_code(p_zego_local_server_start("127.0.0.1:0", NULL, &server), "zego_local_server_start");
    if (server == NULL) return 1;
    const char *url = p_zego_local_server_url(server);
    expect(url != NULL && strncmp(url, "ws://", 5) == 0, "zego_local_server_url is ws://...");

    /* As ZegoEngineProfile.cValue builds it: the zero value, then the fields. */
    struct zego_engine_profile profile;
    memset(&profile, 0, sizeof profile);
    profile.app_id = 1234567890u;
    profile.app_sign = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    profile.scenario = zego_scenario_broadcast;
    profile.server = url;
    E *engine = NULL;
    expect_code(p_zego_create_engine(&profile, &engine), "zego_create_engine");
    if (engine == NULL) return 1;
    expect(register_all(engine), "every zego_register_*_callback the wrapper calls returns 0");

    struct zego_user user;
    memset(&user, 0, sizeof user);
    user.user_id = "swift-check-user";
    user.user_name = "swift-check-user";
    struct zego_room_config config;
    memset(&config, 0, sizeof config);
    config.max_member_count = 0;
    config.is_user_status_notify = true;
    config.token = NULL;
    zego_seq seq = -1;
    expect_code(p_zego_login_room(engine, "swift-check-room", &user, &config, &seq), "zego_login_room");
    expect(wait_for(&state.logined), "room_state_changed LOGINED within 15 s");
    expect(wait_for(&state.login_result), "room_login_result within 15 s");
    pthread_mutex_lock(&state.mutex);
    bool result_seen = state.login_seq == seq && state.login_result_error == 0 && state.login_error == 0;
    pthread_mutex_unlock(&state.mutex);
    expect(result_seen, "room_login_result with the seq zego_login_room wrote, error 0");

    /* A video config round trip with the fields the wrapper converts. */
    struct zego_video_config video;
    memset(&video, 0, sizeof video);
    video.capture_width = video.encode_width = 640;
    video.capture_height = video.encode_height = 360;
    video.fps = 15;
    video.bitrate = 600;
    video.codec_id = 0;
    video.key_frame_interval = 2;
    expect_code(p_zego_set_video_config(engine, &video, zego_publish_channel_main), "zego_set_video_config");
    struct zego_video_config back;
    memset(&back, 0, sizeof back);
    expect_code(p_zego_get_video_config(engine, zego_publish_channel_main, &back), "zego_get_video_config");
    expect(back.capture_width == 640 && back.capture_height == 360 && back.encode_width == 640 &&
               back.encode_height == 360 && back.fps == 15 && back.bitrate == 600 && back.key_frame_interval == 2,
           "zego_get_video_config returns what was set");
    struct zego_audio_config audio;
    memset(&audio, 0, sizeof audio);
    expect_code(p_zego_get_audio_config(engine, zego_publish_channel_main, &audio), "zego_get_audio_config");
    expect(audio.bitrate > 0 && (audio.channel == zego_audio_channel_mono || audio.channel == zego_audio_channel_stereo),
           "zego_get_audio_config: a bitrate and a channel count");

    zego_seq logout_seq = -1;
    expect_code(p_zego_logout_room(engine, NULL, &logout_seq), "zego_logout_room(NULL)");
    expect(wait_for(&state.logged_out), "room_state_changed LOGOUT within 15 s");

    expect_code(p_zego_destroy_engine(engine, cb_engine_destroyed, &state), "zego_destroy_engine");
    pthread_mutex_lock(&state.mutex);
    int destroyed = state.destroyed, callbacks = state.callbacks, wrong = state.wrong_context;
    pthread_mutex_unlock(&state.mutex);
    expect(destroyed == 1, "on_destroyed ran once before zego_destroy_engine returned");
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&state.mutex);
    bool quiet = state.callbacks == callbacks && state.destroyed == 1;
    pthread_mutex_unlock(&state.mutex);
    expect(quiet, "no callback after the engine was destroyed");
    expect(wrong == 0, "every callback got the user_context it was registered with");
    expect(p_zego_destroy_engine(engine, NULL, NULL) == 1000001, "a destroyed handle is 1000001");
    expect_code(p_zego_local_server_stop(server), "zego_local_server_stop");

    printf("c_api_check: %s (%d callbacks)\n", failures == 0 ? "all ok" : "FAILED", callbacks);
    return failures == 0 ? 0 : 1;
}
