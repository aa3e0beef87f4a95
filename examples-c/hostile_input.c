/*
 * hostile_input: the osslive C API fed everything a careless or hostile caller can
 * pass: NULL for every pointer, strings that are not UTF-8, empty strings, 1 MB
 * strings, indexes past the end of every result, integer constants out of range and
 * absurd times. Every such call must come back with the documented status (or the
 * documented NULL/0/-1/false), leave its out-parameter alone, and send nothing.
 *
 * This is a test program, not an example: tests/c_examples.rs runs it under ASan/UBSan
 * and valgrind. It prints one "ok N what" line per check and stops at the first failure
 * with "FAIL what: why" and exit status 1.
 *
 *   hostile_input calls [HUGE_BYTES]
 *       Every hostile call. Nothing may reach the server: the test queues a fault on the
 *       emulator before and checks that it is still there afterwards. The "1 MB" strings
 *       are HUGE_BYTES long (default 1 MiB, at least 2048): under valgrind, hashing
 *       megabytes through an unoptimised library takes minutes, and 160 KiB goes through
 *       the same code past the same limits (a URL's 64 KiB, the HTTP layer's 128 KiB
 *       request head).
 *   hostile_input results SEEDED_CHANNEL [HUGE_BYTES]
 *       What takes requests: out-of-range indexes on real result handles (creates, lists,
 *       pages, reads the history of SEEDED_CHANNEL, a channel with at least one push
 *       record, and deletes what it created), and huge header values (user agent,
 *       credentials) sent to a live server.
 *
 * Environment: OSS_ENDPOINT, OSS_BUCKET, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET,
 * OSS_SESSION_TOKEN and OSS_REGION, as for the examples.
 */

#include "common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ONE_MB (1024 * 1024)

/* Nothing listens on the discard port: requests of clients with hostile settings go
   there, so they fail at connect and never reach the emulator. */
#define NOWHERE "http://127.0.0.1:9"

/* A valid channel name for the arguments that are not under test. */
#define CHANNEL "hostile-ch"

/* ------------------------------------------------------------------------------------ */
/* Reporting                                                                            */
/* ------------------------------------------------------------------------------------ */

static unsigned long g_checks;

static void fail(const char *what, const char *format, ...)
{
    va_list args;

    printf("FAIL %s: ", what);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    exit(EXAMPLE_EXIT_FAILED);
}

static void pass(const char *what)
{
    g_checks++;
    printf("ok %lu %s\n", g_checks, what);
}

/* The one value out-parameters hold before a call that must not write them. */
static double g_sentinel_storage;
#define SENTINEL ((void *)&g_sentinel_storage)

static void check_untouched(const char *what, const void *out)
{
    if (out != SENTINEL) {
        fail(what, "the out-parameter was written on failure (%p)", (void *)(uintptr_t)out);
    }
}

static const char *message_of(const osslive_error *err)
{
    return err == NULL ? "(no osslive_error)" : osslive_error_message(err);
}

/*
 * A call that failed before anything was sent: `want` as status, an osslive_error with
 * the same status, a message naming `name` (when not NULL), the OSS field `field` (when
 * not NULL), and none of what only an answer has. Frees err.
 */
static void check_failure(const char *what, int status, osslive_error *err, int want,
                          const char *name, const char *field)
{
    const char *message;
    const char *got_field;

    if (status != want) {
        fail(what, "returned %d (%s), expected %d (%s); message: %s", status,
             osslive_status_str(status), want, osslive_status_str(want), message_of(err));
    }
    if (err == NULL) {
        fail(what, "returned %d but left *err NULL", status);
    }
    if (osslive_error_status(err) != status) {
        fail(what, "osslive_error_status is %d, the call returned %d", osslive_error_status(err),
             status);
    }
    message = osslive_error_message(err);
    if (message == NULL || message[0] == '\0') {
        fail(what, "the error has no message");
    }
    if (name != NULL && strstr(message, name) == NULL) {
        fail(what, "the message does not name %s: %s", name, message);
    }
    got_field = osslive_error_field(err);
    if (field != NULL && (got_field == NULL || strcmp(got_field, field) != 0)) {
        fail(what, "osslive_error_field is %s, expected %s (message: %s)",
             got_field == NULL ? "NULL" : got_field, field, message);
    }
    if (osslive_error_http_status(err) != 0 || osslive_error_request_id(err) != NULL
        || osslive_error_code(err) != NULL || osslive_error_ec(err) != NULL
        || osslive_error_host_id(err) != NULL) {
        fail(what, "the error carries answer details although nothing was sent: %s", message);
    }
    if (osslive_error_is_retryable(err)) {
        fail(what, "a refused argument is said to be retryable: %s", message);
    }
    osslive_error_free(err);
    pass(what);
}

static void check_status_only(const char *what, int status, int want)
{
    char label[512];

    if (status != want) {
        fail(what, "with err NULL: returned %d (%s), expected %d (%s)", status,
             osslive_status_str(status), want, osslive_status_str(want));
    }
    snprintf(label, sizeof label, "%s (err NULL)", what);
    pass(label);
}

/*
 * Runs CALL twice: with E = &err, expecting status WANT, an error naming NAME (and OSS
 * field FIELD, when not NULL); then with E = NULL, expecting WANT again. OUT is the
 * out-parameter CALL writes to, which must still be SENTINEL after each call; pass
 * SENTINEL when CALL has none.
 */
#define EXPECT_FAILURE(WHAT, WANT, NAME, FIELD, OUT, CALL)                                   \
    do {                                                                                     \
        osslive_error *err_ = NULL;                                                          \
        osslive_error **E = &err_;                                                           \
        int status_ = (CALL);                                                                \
        check_untouched((WHAT), (const void *)(OUT));                                        \
        check_failure((WHAT), status_, err_, (WANT), (NAME), (FIELD));                       \
        E = NULL;                                                                            \
        status_ = (CALL);                                                                    \
        check_untouched((WHAT), (const void *)(OUT));                                        \
        check_status_only((WHAT), status_, (WANT));                                          \
    } while (0)

#define EXPECT_INVALID(WHAT, NAME, FIELD, OUT, CALL)                                         \
    EXPECT_FAILURE(WHAT, OSSLIVE_ERR_INVALID_ARGUMENT, NAME, FIELD, OUT, CALL)

/* A call that must succeed; on success *err must be left alone. */
static void check_ok(const char *what, int status, osslive_error *err)
{
    if (status != OSSLIVE_OK) {
        fail(what, "returned %d (%s): %s", status, osslive_status_str(status),
             err == SENTINEL ? "(*err not written)" : message_of(err));
    }
    if (err != SENTINEL) {
        fail(what, "succeeded but wrote *err");
    }
    pass(what);
}

#define EXPECT_OK(WHAT, CALL)                                                                \
    do {                                                                                     \
        osslive_error *err_ = SENTINEL;                                                      \
        osslive_error **E = &err_;                                                           \
        int status_ = (CALL);                                                                \
        check_ok((WHAT), status_, err_);                                                     \
    } while (0)

static void check_null(const char *what, const void *value)
{
    if (value != NULL) {
        fail(what, "expected NULL, got %p", (void *)(uintptr_t)value);
    }
    pass(what);
}

static void check_not_null(const char *what, const void *value)
{
    if (value == NULL) {
        fail(what, "expected a value, got NULL");
    }
    pass(what);
}

static void check_int(const char *what, long long value, long long want)
{
    if (value != want) {
        fail(what, "got %lld, expected %lld", value, want);
    }
    pass(what);
}

static void check_str(const char *what, const char *value, const char *want)
{
    if (value == NULL || strcmp(value, want) != 0) {
        fail(what, "got %s%s%s, expected \"%s\"", value == NULL ? "" : "\"",
             value == NULL ? "NULL" : value, value == NULL ? "" : "\"", want);
    }
    pass(what);
}

/* ------------------------------------------------------------------------------------ */
/* Hostile values                                                                       */
/* ------------------------------------------------------------------------------------ */

/* Not UTF-8, each in its own way; the label says which. */
static const char *const BAD_UTF8[] = {
    "\xff\xfe",         /* bytes that never occur in UTF-8 */
    "a\x80z",           /* a lone continuation byte */
    "\xc0\xaf",         /* an overlong encoding of '/' */
    "ab\xe2\x82",       /* a sequence cut short by the end */
    "\xed\xa0\x80.m3u8" /* a UTF-16 surrogate, with a valid playlist suffix */
};
static const char *const BAD_UTF8_LABEL[] = {
    "invalid UTF-8 ff fe", "invalid UTF-8 lone continuation 80", "invalid UTF-8 overlong c0 af",
    "invalid UTF-8 truncated e2 82", "invalid UTF-8 surrogate ed a0 80"};
#define BAD_UTF8_COUNT (sizeof BAD_UTF8 / sizeof BAD_UTF8[0])

/* `length` bytes of 'a' then `suffix`, NUL-terminated, on the heap. */
static char *huge_string(size_t length, const char *suffix)
{
    size_t suffix_length = strlen(suffix);
    char *s = malloc(length + 1);

    if (s == NULL) {
        fail("allocating a huge string", "out of memory");
    }
    memset(s, 'a', length - suffix_length);
    memcpy(s + length - suffix_length, suffix, suffix_length + 1);
    return s;
}

/* ------------------------------------------------------------------------------------ */
/* Status strings and NULL handles                                                      */
/* ------------------------------------------------------------------------------------ */

static void check_status_strings(void)
{
    static const int known[] = {OSSLIVE_OK,
                                OSSLIVE_ERR_INVALID_ARGUMENT,
                                OSSLIVE_ERR_CONFIG,
                                OSSLIVE_ERR_CREDENTIALS,
                                OSSLIVE_ERR_SERVICE,
                                OSSLIVE_ERR_TRANSPORT,
                                OSSLIVE_ERR_TIMEOUT,
                                OSSLIVE_ERR_INVALID_RESPONSE,
                                OSSLIVE_ERR_PANIC};
    static const int unknown[] = {INT_MIN, INT_MIN + 1, -9, 1, 2, 12345, INT_MAX};
    char what[128];
    size_t i;
    const char *version = osslive_version();

    if (version == NULL || strncmp(version, "osslive/", 8) != 0) {
        fail("osslive_version", "got %s", version == NULL ? "NULL" : version);
    }
    pass("osslive_version");
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *text = osslive_status_str(known[i]);
        snprintf(what, sizeof what, "osslive_status_str(%d) is its own text", known[i]);
        if (text == NULL || text[0] == '\0' || strcmp(text, "unknown status") == 0) {
            fail(what, "got %s", text == NULL ? "NULL" : text);
        }
        pass(what);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        snprintf(what, sizeof what, "osslive_status_str(%d) is \"unknown status\"", unknown[i]);
        check_str(what, osslive_status_str(unknown[i]), "unknown status");
    }
    /* Static strings: the same pointer every time. */
    if (osslive_status_str(OSSLIVE_ERR_PANIC) != osslive_status_str(OSSLIVE_ERR_PANIC)
        || osslive_status_str(INT_MIN) != osslive_status_str(12345)) {
        fail("osslive_status_str is static", "different pointers for the same text");
    }
    pass("osslive_status_str is static");
}

/* Every accessor of every result, and of an error, with a NULL handle; every _free. */
static void check_null_handles(void)
{
    check_str("osslive_error_message(NULL)", osslive_error_message(NULL), "");
    check_int("osslive_error_status(NULL)", osslive_error_status(NULL), 0);
    check_int("osslive_error_http_status(NULL)", osslive_error_http_status(NULL), 0);
    check_null("osslive_error_code(NULL)", osslive_error_code(NULL));
    check_null("osslive_error_ec(NULL)", osslive_error_ec(NULL));
    check_null("osslive_error_request_id(NULL)", osslive_error_request_id(NULL));
    check_null("osslive_error_host_id(NULL)", osslive_error_host_id(NULL));
    check_null("osslive_error_field(NULL)", osslive_error_field(NULL));
    check_int("osslive_error_is_retryable(NULL)", osslive_error_is_retryable(NULL), 0);

    check_int("osslive_create_result_publish_url_count(NULL)",
              (long long)osslive_create_result_publish_url_count(NULL), 0);
    check_null("osslive_create_result_publish_url(NULL, 0)",
               osslive_create_result_publish_url(NULL, 0));
    check_int("osslive_create_result_play_url_count(NULL)",
              (long long)osslive_create_result_play_url_count(NULL), 0);
    check_null("osslive_create_result_play_url(NULL, 0)", osslive_create_result_play_url(NULL, 0));
    check_null("osslive_create_result_request_id(NULL)", osslive_create_result_request_id(NULL));

    check_int("osslive_channel_list_len(NULL)", (long long)osslive_channel_list_len(NULL), 0);
    check_int("osslive_channel_list_is_truncated(NULL)", osslive_channel_list_is_truncated(NULL),
              0);
    check_null("osslive_channel_list_next_marker(NULL)", osslive_channel_list_next_marker(NULL));
    check_null("osslive_channel_list_prefix(NULL)", osslive_channel_list_prefix(NULL));
    check_null("osslive_channel_list_marker(NULL)", osslive_channel_list_marker(NULL));
    check_int("osslive_channel_list_max_keys(NULL)", osslive_channel_list_max_keys(NULL), 0);
    check_null("osslive_channel_list_request_id(NULL)", osslive_channel_list_request_id(NULL));
    check_null("osslive_channel_list_name(NULL, 0)", osslive_channel_list_name(NULL, 0));
    check_null("osslive_channel_list_description(NULL, 0)",
               osslive_channel_list_description(NULL, 0));
    check_int("osslive_channel_list_status(NULL, 0)", osslive_channel_list_status(NULL, 0), -1);
    check_int("osslive_channel_list_last_modified(NULL, 0)",
              osslive_channel_list_last_modified(NULL, 0), 0);
    check_null("osslive_channel_list_publish_url(NULL, 0)",
               osslive_channel_list_publish_url(NULL, 0));
    check_null("osslive_channel_list_play_url(NULL, 0)", osslive_channel_list_play_url(NULL, 0));

    check_null("osslive_channel_info_description(NULL)", osslive_channel_info_description(NULL));
    check_int("osslive_channel_info_status(NULL)", osslive_channel_info_status(NULL), -1);
    check_null("osslive_channel_info_target_type(NULL)", osslive_channel_info_target_type(NULL));
    check_int("osslive_channel_info_frag_duration(NULL)",
              osslive_channel_info_frag_duration(NULL), 0);
    check_int("osslive_channel_info_frag_count(NULL)", osslive_channel_info_frag_count(NULL), 0);
    check_null("osslive_channel_info_playlist_name(NULL)",
               osslive_channel_info_playlist_name(NULL));
    check_int("osslive_channel_info_has_snapshot(NULL)", osslive_channel_info_has_snapshot(NULL),
              0);
    check_null("osslive_channel_info_snapshot_role_name(NULL)",
               osslive_channel_info_snapshot_role_name(NULL));
    check_null("osslive_channel_info_snapshot_dest_bucket(NULL)",
               osslive_channel_info_snapshot_dest_bucket(NULL));
    check_null("osslive_channel_info_snapshot_notify_topic(NULL)",
               osslive_channel_info_snapshot_notify_topic(NULL));
    check_int("osslive_channel_info_snapshot_interval(NULL)",
              osslive_channel_info_snapshot_interval(NULL), 0);
    check_null("osslive_channel_info_request_id(NULL)", osslive_channel_info_request_id(NULL));

    check_int("osslive_channel_stat_status(NULL)", osslive_channel_stat_status(NULL), -1);
    check_int("osslive_channel_stat_connected_time(NULL)",
              osslive_channel_stat_connected_time(NULL), 0);
    check_null("osslive_channel_stat_remote_addr(NULL)", osslive_channel_stat_remote_addr(NULL));
    check_int("osslive_channel_stat_has_video(NULL)", osslive_channel_stat_has_video(NULL), 0);
    check_int("osslive_channel_stat_video_width(NULL)", osslive_channel_stat_video_width(NULL), 0);
    check_int("osslive_channel_stat_video_height(NULL)", osslive_channel_stat_video_height(NULL),
              0);
    check_int("osslive_channel_stat_video_frame_rate(NULL)",
              osslive_channel_stat_video_frame_rate(NULL), 0);
    check_int("osslive_channel_stat_video_bandwidth(NULL)",
              (long long)osslive_channel_stat_video_bandwidth(NULL), 0);
    check_null("osslive_channel_stat_video_codec(NULL)", osslive_channel_stat_video_codec(NULL));
    check_int("osslive_channel_stat_has_audio(NULL)", osslive_channel_stat_has_audio(NULL), 0);
    check_int("osslive_channel_stat_audio_bandwidth(NULL)",
              (long long)osslive_channel_stat_audio_bandwidth(NULL), 0);
    check_int("osslive_channel_stat_audio_sample_rate(NULL)",
              osslive_channel_stat_audio_sample_rate(NULL), 0);
    check_null("osslive_channel_stat_audio_codec(NULL)", osslive_channel_stat_audio_codec(NULL));
    check_null("osslive_channel_stat_request_id(NULL)", osslive_channel_stat_request_id(NULL));

    check_int("osslive_channel_history_len(NULL)", (long long)osslive_channel_history_len(NULL),
              0);
    check_int("osslive_channel_history_start_time(NULL, 0)",
              osslive_channel_history_start_time(NULL, 0), 0);
    check_int("osslive_channel_history_end_time(NULL, 0)",
              osslive_channel_history_end_time(NULL, 0), 0);
    check_null("osslive_channel_history_remote_addr(NULL, 0)",
               osslive_channel_history_remote_addr(NULL, 0));
    check_null("osslive_channel_history_request_id(NULL)",
               osslive_channel_history_request_id(NULL));

    check_null("osslive_vod_playlist_text(NULL)", osslive_vod_playlist_text(NULL));
    check_null("osslive_vod_playlist_request_id(NULL)", osslive_vod_playlist_request_id(NULL));

    check_null("osslive_rtmp_url_url(NULL)", osslive_rtmp_url_url(NULL));
    check_null("osslive_rtmp_url_server(NULL)", osslive_rtmp_url_server(NULL));
    check_null("osslive_rtmp_url_stream_key(NULL)", osslive_rtmp_url_stream_key(NULL));
    check_int("osslive_rtmp_url_expires(NULL)", osslive_rtmp_url_expires(NULL), 0);

    /* Every _free takes NULL. */
    osslive_error_free(NULL);
    osslive_config_free(NULL);
    osslive_client_free(NULL);
    osslive_channel_config_free(NULL);
    osslive_channel_pager_free(NULL);
    osslive_create_result_free(NULL);
    osslive_channel_list_free(NULL);
    osslive_channel_info_free(NULL);
    osslive_channel_stat_free(NULL);
    osslive_channel_history_free(NULL);
    osslive_vod_playlist_free(NULL);
    osslive_rtmp_url_free(NULL);
    pass("every _free accepts NULL");
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                        */
/* ------------------------------------------------------------------------------------ */

static void ignore_log(void *user_data, int level, const char *message)
{
    (void)user_data;
    (void)level;
    (void)message;
}

/* NULL for each pointer argument of each configuration function, and of client_new. */
static void check_config_nulls(void)
{
    osslive_config *config = osslive_config_new();
    osslive_client *client = SENTINEL;

    if (config == NULL) {
        fail("osslive_config_new", "returned NULL");
    }
    EXPECT_INVALID("set_endpoint: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_endpoint(NULL, "http://127.0.0.1:9", E));
    EXPECT_INVALID("set_endpoint: NULL endpoint", "endpoint", NULL, SENTINEL,
                   osslive_config_set_endpoint(config, NULL, E));
    EXPECT_INVALID("set_region: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_region(NULL, "cn-hangzhou", E));
    EXPECT_INVALID("set_region: NULL region", "region", NULL, SENTINEL,
                   osslive_config_set_region(config, NULL, E));
    EXPECT_INVALID("set_credentials: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_credentials(NULL, "id", "secret", NULL, E));
    EXPECT_INVALID("set_credentials: NULL access_key_id", "access_key_id", NULL, SENTINEL,
                   osslive_config_set_credentials(config, NULL, "secret", NULL, E));
    EXPECT_INVALID("set_credentials: NULL access_key_secret", "access_key_secret", NULL,
                   SENTINEL, osslive_config_set_credentials(config, "id", NULL, NULL, E));
    /* A NULL security token is documented: long-term keys. */
    EXPECT_OK("set_credentials: NULL security_token is long-term keys",
              osslive_config_set_credentials(config, "id", "secret", NULL, E));
    EXPECT_INVALID("use_environment_credentials: NULL config", "config", NULL, SENTINEL,
                   osslive_config_use_environment_credentials(NULL, E));
    EXPECT_INVALID("set_signature_version: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_signature_version(NULL, OSSLIVE_SIGNATURE_V4, E));
    EXPECT_INVALID("set_addressing: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_addressing(NULL, OSSLIVE_ADDRESSING_PATH_STYLE, E));
    EXPECT_INVALID("set_timeouts_ms: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_timeouts_ms(NULL, 1000, 1000, E));
    EXPECT_INVALID("set_retry: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_retry(NULL, 1, 0, E));
    EXPECT_INVALID("set_deadline_ms: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_deadline_ms(NULL, 1000, E));
    EXPECT_INVALID("set_log_callback: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_log_callback(NULL, ignore_log, NULL, OSSLIVE_LOG_INFO, E));
    /* A NULL callback turns logging off; NULL user data is the caller's business. */
    EXPECT_OK("set_log_callback: NULL callback turns logging off",
              osslive_config_set_log_callback(config, NULL, NULL, OSSLIVE_LOG_INFO, E));
    EXPECT_OK("set_log_callback: NULL user_data",
              osslive_config_set_log_callback(config, ignore_log, NULL, OSSLIVE_LOG_INFO, E));
    EXPECT_INVALID("set_user_agent: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_user_agent(NULL, "ua", E));
    EXPECT_INVALID("set_user_agent: NULL user_agent", "user_agent", NULL, SENTINEL,
                   osslive_config_set_user_agent(config, NULL, E));
    EXPECT_INVALID("add_resolve: NULL config", "config", NULL, SENTINEL,
                   osslive_config_add_resolve(NULL, "example.com", "127.0.0.1:9", E));
    EXPECT_INVALID("add_resolve: NULL host", "host", NULL, SENTINEL,
                   osslive_config_add_resolve(config, NULL, "127.0.0.1:9", E));
    EXPECT_INVALID("add_resolve: NULL address", "address", NULL, SENTINEL,
                   osslive_config_add_resolve(config, "example.com", NULL, E));
    EXPECT_INVALID("set_rtmp_token_form: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_rtmp_token_form(NULL, OSSLIVE_RTMP_TOKEN_SIGNED, E));
    EXPECT_INVALID("client_new: NULL config", "config", NULL, client,
                   osslive_client_new(NULL, &client, E));
    EXPECT_INVALID("client_new: NULL client_out", "client_out", NULL, SENTINEL,
                   osslive_client_new(config, NULL, E));
    osslive_config_free(config);
}

/* Not UTF-8 in every string argument of the configuration. */
static void check_config_utf8(void)
{
    osslive_config *config = osslive_config_new();
    char what[256];
    size_t i;

    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        const char *bad = BAD_UTF8[i];
        const char *label = BAD_UTF8_LABEL[i];

        snprintf(what, sizeof what, "set_endpoint: %s", label);
        EXPECT_INVALID(what, "endpoint", NULL, SENTINEL,
                       osslive_config_set_endpoint(config, bad, E));
        snprintf(what, sizeof what, "set_region: %s", label);
        EXPECT_INVALID(what, "region", NULL, SENTINEL, osslive_config_set_region(config, bad, E));
        snprintf(what, sizeof what, "set_credentials: access_key_id %s", label);
        EXPECT_INVALID(what, "access_key_id", NULL, SENTINEL,
                       osslive_config_set_credentials(config, bad, "secret", NULL, E));
        snprintf(what, sizeof what, "set_credentials: access_key_secret %s", label);
        EXPECT_INVALID(what, "access_key_secret", NULL, SENTINEL,
                       osslive_config_set_credentials(config, "id", bad, NULL, E));
        snprintf(what, sizeof what, "set_credentials: security_token %s", label);
        EXPECT_INVALID(what, "security_token", NULL, SENTINEL,
                       osslive_config_set_credentials(config, "id", "secret", bad, E));
        snprintf(what, sizeof what, "set_user_agent: %s", label);
        EXPECT_INVALID(what, "user_agent", NULL, SENTINEL,
                       osslive_config_set_user_agent(config, bad, E));
        snprintf(what, sizeof what, "add_resolve: host %s", label);
        EXPECT_INVALID(what, "host", NULL, SENTINEL,
                       osslive_config_add_resolve(config, bad, "127.0.0.1:9", E));
        snprintf(what, sizeof what, "add_resolve: address %s", label);
        EXPECT_INVALID(what, "address", NULL, SENTINEL,
                       osslive_config_add_resolve(config, "example.com", bad, E));
    }
    osslive_config_free(config);
}

/* Integer settings out of range: constants that do not exist, zero durations. */
static void check_config_integers(void)
{
    static const int versions[] = {0, 2, 3, 5, -1, INT_MIN, INT_MAX};
    static const int addressings[] = {3, -1, INT_MIN, INT_MAX};
    static const int forms[] = {2, -1, INT_MAX};
    static const int levels[] = {0, 6, -1, INT_MIN, INT_MAX};
    osslive_config *config = osslive_config_new();
    char what[256];
    size_t i;

    for (i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        snprintf(what, sizeof what, "set_signature_version(%d)", versions[i]);
        EXPECT_INVALID(what, "version", NULL, SENTINEL,
                       osslive_config_set_signature_version(config, versions[i], E));
    }
    for (i = 0; i < sizeof addressings / sizeof addressings[0]; i++) {
        snprintf(what, sizeof what, "set_addressing(%d)", addressings[i]);
        EXPECT_INVALID(what, "addressing", NULL, SENTINEL,
                       osslive_config_set_addressing(config, addressings[i], E));
    }
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(what, sizeof what, "set_rtmp_token_form(%d)", forms[i]);
        EXPECT_INVALID(what, "form", NULL, SENTINEL,
                       osslive_config_set_rtmp_token_form(config, forms[i], E));
    }
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        snprintf(what, sizeof what, "set_log_callback: max_level %d", levels[i]);
        EXPECT_INVALID(what, "max_level", NULL, SENTINEL,
                       osslive_config_set_log_callback(config, ignore_log, NULL, levels[i], E));
        snprintf(what, sizeof what, "set_log_callback: NULL callback, max_level %d", levels[i]);
        EXPECT_INVALID(what, "max_level", NULL, SENTINEL,
                       osslive_config_set_log_callback(config, NULL, NULL, levels[i], E));
    }
    EXPECT_INVALID("set_timeouts_ms(0, 1000)", "timeouts", NULL, SENTINEL,
                   osslive_config_set_timeouts_ms(config, 0, 1000, E));
    EXPECT_INVALID("set_timeouts_ms(1000, 0)", "timeouts", NULL, SENTINEL,
                   osslive_config_set_timeouts_ms(config, 1000, 0, E));
    EXPECT_INVALID("set_retry(0 attempts)", "max_attempts", NULL, SENTINEL,
                   osslive_config_set_retry(config, 0, 100, E));
    EXPECT_INVALID("set_deadline_ms(0)", "deadline_ms", NULL, SENTINEL,
                   osslive_config_set_deadline_ms(config, 0, E));
    /* The largest values are durations like any other. */
    EXPECT_OK("set_timeouts_ms(UINT32_MAX, UINT32_MAX)",
              osslive_config_set_timeouts_ms(config, UINT32_MAX, UINT32_MAX, E));
    EXPECT_OK("set_retry(UINT32_MAX, UINT32_MAX)",
              osslive_config_set_retry(config, UINT32_MAX, UINT32_MAX, E));
    EXPECT_OK("set_deadline_ms(UINT32_MAX)", osslive_config_set_deadline_ms(config, UINT32_MAX, E));
    osslive_config_free(config);
}

/*
 * A configuration pointing at NOWHERE with fixed credentials, one attempt per call and
 * short timeouts: a request from its client fails at connect, quickly.
 */
static osslive_config *nowhere_config(const example_env *env)
{
    osslive_config *config = osslive_config_new();

    EXPECT_OK("nowhere config: endpoint", osslive_config_set_endpoint(config, NOWHERE, E));
    EXPECT_OK("nowhere config: region", osslive_config_set_region(config, "cn-hangzhou", E));
    EXPECT_OK("nowhere config: credentials",
              osslive_config_set_credentials(config, env->access_key_id, env->access_key_secret,
                                             env->session_token, E));
    EXPECT_OK("nowhere config: one attempt", osslive_config_set_retry(config, 1, 0, E));
    EXPECT_OK("nowhere config: timeouts", osslive_config_set_timeouts_ms(config, 2000, 2000, E));
    return config;
}

/*
 * With a client made from a hostile setting the library accepted: signing (nothing sent)
 * must not crash, and a request must fail, not hang, without reaching the emulator.
 */
static void exercise_client(const char *label, const osslive_config *config, const char *bucket,
                            int want_request_status)
{
    osslive_client *client = NULL;
    osslive_channel_info *info = SENTINEL;
    osslive_rtmp_url *url = NULL;
    osslive_error *err = NULL;
    char what[256];
    int status;

    snprintf(what, sizeof what, "%s: client_new", label);
    EXPECT_OK(what, osslive_client_new(config, &client, E));

    snprintf(what, sizeof what, "%s: sign_rtmp_url_valid_for does not crash", label);
    status = osslive_sign_rtmp_url_valid_for(client, bucket, CHANNEL, NULL, 600, &url, &err);
    if (status == OSSLIVE_OK) {
        if (osslive_rtmp_url_url(url) == NULL || err != NULL) {
            fail(what, "succeeded without a URL, or wrote *err");
        }
        osslive_rtmp_url_free(url);
    } else {
        if (err == NULL || url != NULL) {
            fail(what, "failed with %d without an error, or wrote *url_out", status);
        }
        osslive_error_free(err);
        err = NULL;
    }
    pass(what);

    snprintf(what, sizeof what, "%s: a request fails with %s", label,
             osslive_status_str(want_request_status));
    status = osslive_get_live_channel_info(client, bucket, CHANNEL, &info, &err);
    check_untouched(what, info);
    if (status != want_request_status) {
        fail(what, "returned %d (%s): %s", status, osslive_status_str(status), message_of(err));
    }
    if (err == NULL || osslive_error_status(err) != status) {
        fail(what, "no error, or one with another status");
    }
    pass(what);
    /* What it said, cut short: some messages quote the whole 1 MB value. */
    printf("  message: %.160s%s\n", osslive_error_message(err),
           strlen(osslive_error_message(err)) > 160 ? "..." : "");
    osslive_error_free(err);
    osslive_client_free(client);
}

/* A configuration client_new must refuse with `want_status`, clearly and not retryably. */
static void refuse_client(const char *label, const osslive_config *config, int want_status)
{
    osslive_client *client = SENTINEL;
    osslive_error *err = NULL;
    char what[256];
    int status = osslive_client_new(config, &client, &err);

    snprintf(what, sizeof what, "%s: client_new refuses it with %s", label,
             osslive_status_str(want_status));
    check_untouched(what, client);
    if (status != want_status || err == NULL || osslive_error_status(err) != status) {
        fail(what, "returned %d (%s): %s", status, osslive_status_str(status), message_of(err));
    }
    if (osslive_error_is_retryable(err)) {
        fail(what, "said to be retryable: %s", message_of(err));
    }
    printf("  message: %.160s\n", osslive_error_message(err));
    osslive_error_free(err);
    pass(what);
}

/* Empty and 1 MB strings in the configuration. */
static void check_config_strings(const example_env *env, const char *huge)
{
    osslive_config *config;
    osslive_client *client = SENTINEL;
    osslive_error *err = NULL;
    int status;

    /*
     * The largest durations and attempts make a client (nothing overflows); no request is
     * made with it, since a refused connection would then be retried for 49 days.
     */
    {
        osslive_client *largest = NULL;
        osslive_rtmp_url *url = NULL;

        config = nowhere_config(env);
        EXPECT_OK("largest: set_timeouts_ms",
                  osslive_config_set_timeouts_ms(config, UINT32_MAX, UINT32_MAX, E));
        EXPECT_OK("largest: set_retry", osslive_config_set_retry(config, UINT32_MAX, UINT32_MAX, E));
        EXPECT_OK("largest: set_deadline_ms",
                  osslive_config_set_deadline_ms(config, UINT32_MAX, E));
        EXPECT_OK("largest: client_new", osslive_client_new(config, &largest, E));
        EXPECT_OK("largest: sign_rtmp_url_valid_for",
                  osslive_sign_rtmp_url_valid_for(largest, env->bucket, CHANNEL, NULL, 60, &url,
                                                  E));
        osslive_rtmp_url_free(url);
        osslive_client_free(largest);
        osslive_config_free(config);
    }

    /*
     * "" endpoint: nothing to connect to. The setter stores strings without judging them;
     * client_new checks the endpoint and refuses it (CONFIG), naming the endpoint. A
     * setter that refused it at once (INVALID_ARGUMENT) would do as well.
     */
    config = nowhere_config(env);
    status = osslive_config_set_endpoint(config, "", &err);
    if (status == OSSLIVE_OK) {
        pass("set_endpoint(\"\") is stored");
        EXPECT_FAILURE("client_new with endpoint \"\"", OSSLIVE_ERR_CONFIG, "endpoint", NULL,
                       client, osslive_client_new(config, &client, E));
    } else {
        check_failure("set_endpoint(\"\")", status, err, OSSLIVE_ERR_INVALID_ARGUMENT, "endpoint",
                      NULL);
    }
    err = NULL;
    osslive_config_free(config);

    /* "" region with an IP endpoint: no region for V4 signing, refused by client_new. */
    config = nowhere_config(env);
    EXPECT_OK("set_region(\"\")", osslive_config_set_region(config, "", E));
    EXPECT_FAILURE("client_new with region \"\" and an IP endpoint", OSSLIVE_ERR_CONFIG, "region",
                   NULL, client, osslive_client_new(config, &client, E));
    osslive_config_free(config);

    /* "" access key id or secret: refused by the setter, which names the credentials. */
    config = nowhere_config(env);
    EXPECT_INVALID("set_credentials: \"\" access_key_id", "credentials", NULL, SENTINEL,
                   osslive_config_set_credentials(config, "", "secret", NULL, E));
    EXPECT_INVALID("set_credentials: \"\" access_key_secret", "credentials", NULL, SENTINEL,
                   osslive_config_set_credentials(config, "id", "", NULL, E));
    EXPECT_INVALID("set_credentials: \"\" both", "credentials", NULL, SENTINEL,
                   osslive_config_set_credentials(config, "", "", "", E));
    /* "" security token: no token, long-term keys (as NULL). */
    EXPECT_OK("set_credentials: \"\" security_token is long-term keys",
              osslive_config_set_credentials(config, "id", "secret", "", E));
    /* "" resolve host or address: refused, naming which. */
    EXPECT_INVALID("add_resolve: \"\" host", "host", NULL, SENTINEL,
                   osslive_config_add_resolve(config, "", "127.0.0.1:9", E));
    EXPECT_INVALID("add_resolve: \"\" address", "address", NULL, SENTINEL,
                   osslive_config_add_resolve(config, "example.com", "", E));
    EXPECT_INVALID("add_resolve: address without a port", "address", NULL, SENTINEL,
                   osslive_config_add_resolve(config, "example.com", "127.0.0.1", E));
    /* "" user agent: an empty header value is legitimate. */
    EXPECT_OK("set_user_agent(\"\")", osslive_config_set_user_agent(config, "", E));
    osslive_config_free(config);

    /* A user agent with a line break would end the header: refused by client_new. */
    config = nowhere_config(env);
    EXPECT_OK("set_user_agent with CR LF is stored",
              osslive_config_set_user_agent(config, "ua\r\nX-Injected: 1", E));
    EXPECT_FAILURE("client_new with CR LF in the user agent", OSSLIVE_ERR_CONFIG, "user agent",
                   NULL, client, osslive_client_new(config, &client, E));
    osslive_config_free(config);

    /*
     * 1 MB endpoint: longer than any DNS name (253 bytes), so client_new refuses it as a
     * configuration error naming the start of the endpoint.
     */
    config = nowhere_config(env);
    EXPECT_OK("set_endpoint(huge)", osslive_config_set_endpoint(config, huge, E));
    refuse_client("huge endpoint", config, OSSLIVE_ERR_CONFIG);
    osslive_config_free(config);

    /* 1 MB region: region names are short words; client_new refuses over 64 bytes. */
    config = nowhere_config(env);
    EXPECT_OK("set_region(huge)", osslive_config_set_region(config, huge, E));
    refuse_client("huge region", config, OSSLIVE_ERR_CONFIG);
    osslive_config_free(config);

    /* 1 MB user agent: header values are capped at 16 KiB; client_new refuses it. */
    config = nowhere_config(env);
    EXPECT_OK("set_user_agent(huge)", osslive_config_set_user_agent(config, huge, E));
    refuse_client("huge user agent", config, OSSLIVE_ERR_CONFIG);
    osslive_config_free(config);

    /*
     * 1 MB credentials: the id and an STS token travel in headers, capped at 16 KiB, so
     * every call refuses them as a credentials error before sending anything. The secret
     * is only an HMAC key: accepted, signing works and the request goes NOWHERE.
     */
    config = nowhere_config(env);
    EXPECT_OK("set_credentials(huge id)",
              osslive_config_set_credentials(config, huge, "secret", NULL, E));
    exercise_client("huge access key id", config, env->bucket, OSSLIVE_ERR_CREDENTIALS);
    EXPECT_OK("set_credentials(huge secret)",
              osslive_config_set_credentials(config, "id", huge, NULL, E));
    exercise_client("huge access key secret", config, env->bucket, OSSLIVE_ERR_TRANSPORT);
    EXPECT_OK("set_credentials(huge token)",
              osslive_config_set_credentials(config, "id", "secret", huge, E));
    exercise_client("huge security token", config, env->bucket, OSSLIVE_ERR_CREDENTIALS);
    osslive_config_free(config);

    /*
     * 1 MB resolve host: a name no request will use; accepted. The address is checked
     * (IP:PORT), so a 1 MB address is refused.
     */
    config = nowhere_config(env);
    EXPECT_OK("add_resolve(huge host)", osslive_config_add_resolve(config, huge, "127.0.0.1:9", E));
    EXPECT_INVALID("add_resolve(huge address)", "address", NULL, SENTINEL,
                   osslive_config_add_resolve(config, "example.com", huge, E));
    exercise_client("huge resolve host", config, env->bucket, OSSLIVE_ERR_TRANSPORT);
    osslive_config_free(config);
}

/* ------------------------------------------------------------------------------------ */
/* Channel configuration                                                                */
/* ------------------------------------------------------------------------------------ */

static void check_channel_config(const char *huge, const char *huge_m3u8)
{
    static const int statuses[] = {2, -1, INT_MAX, INT_MIN};
    static const uint32_t out_of_range[] = {0, 101, UINT32_MAX};
    osslive_channel_config *config = osslive_channel_config_new();
    char what[256];
    size_t i;

    if (config == NULL) {
        fail("osslive_channel_config_new", "returned NULL");
    }
    EXPECT_INVALID("channel_config_set_description: NULL config", "config", NULL, SENTINEL,
                   osslive_channel_config_set_description(NULL, "d", E));
    EXPECT_INVALID("channel_config_set_description: NULL description", "description", NULL,
                   SENTINEL, osslive_channel_config_set_description(config, NULL, E));
    EXPECT_INVALID("channel_config_set_status: NULL config", "config", NULL, SENTINEL,
                   osslive_channel_config_set_status(NULL, OSSLIVE_CHANNEL_ENABLED, E));
    EXPECT_INVALID("channel_config_set_target: NULL config", "config", NULL, SENTINEL,
                   osslive_channel_config_set_target(NULL, 5, 3, "playlist.m3u8", E));
    EXPECT_INVALID("channel_config_set_target: NULL playlist_name", "playlist_name", NULL,
                   SENTINEL, osslive_channel_config_set_target(config, 5, 3, NULL, E));
    EXPECT_INVALID("channel_config_set_snapshot: NULL config", "config", NULL, SENTINEL,
                   osslive_channel_config_set_snapshot(NULL, "role", "dest-bucket", "topic", 5, E));
    EXPECT_INVALID("channel_config_set_snapshot: NULL role_name", "role_name", NULL, SENTINEL,
                   osslive_channel_config_set_snapshot(config, NULL, "dest-bucket", "topic", 5, E));
    EXPECT_INVALID("channel_config_set_snapshot: NULL dest_bucket", "dest_bucket", NULL, SENTINEL,
                   osslive_channel_config_set_snapshot(config, "role", NULL, "topic", 5, E));
    EXPECT_INVALID("channel_config_set_snapshot: NULL notify_topic", "notify_topic", NULL,
                   SENTINEL,
                   osslive_channel_config_set_snapshot(config, "role", "dest-bucket", NULL, 5, E));

    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        const char *bad = BAD_UTF8[i];
        const char *label = BAD_UTF8_LABEL[i];

        snprintf(what, sizeof what, "channel_config_set_description: %s", label);
        EXPECT_INVALID(what, "description", NULL, SENTINEL,
                       osslive_channel_config_set_description(config, bad, E));
        snprintf(what, sizeof what, "channel_config_set_target: playlist_name %s", label);
        EXPECT_INVALID(what, "playlist_name", NULL, SENTINEL,
                       osslive_channel_config_set_target(config, 5, 3, bad, E));
        snprintf(what, sizeof what, "channel_config_set_snapshot: role_name %s", label);
        EXPECT_INVALID(what, "role_name", NULL, SENTINEL,
                       osslive_channel_config_set_snapshot(config, bad, "dest-bucket", "t", 5, E));
        snprintf(what, sizeof what, "channel_config_set_snapshot: dest_bucket %s", label);
        EXPECT_INVALID(what, "dest_bucket", NULL, SENTINEL,
                       osslive_channel_config_set_snapshot(config, "role", bad, "t", 5, E));
        snprintf(what, sizeof what, "channel_config_set_snapshot: notify_topic %s", label);
        EXPECT_INVALID(what, "notify_topic", NULL, SENTINEL,
                       osslive_channel_config_set_snapshot(config, "role", "dest-bucket", bad, 5,
                                                           E));
    }

    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        snprintf(what, sizeof what, "channel_config_set_status(%d)", statuses[i]);
        EXPECT_INVALID(what, "status", NULL, SENTINEL,
                       osslive_channel_config_set_status(config, statuses[i], E));
    }
    for (i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
        snprintf(what, sizeof what, "channel_config_set_target: frag_duration %lu",
                 (unsigned long)out_of_range[i]);
        EXPECT_INVALID(what, "Target.FragDuration", "Target.FragDuration", SENTINEL,
                       osslive_channel_config_set_target(config, out_of_range[i], 3,
                                                         "playlist.m3u8", E));
        snprintf(what, sizeof what, "channel_config_set_target: frag_count %lu",
                 (unsigned long)out_of_range[i]);
        EXPECT_INVALID(what, "Target.FragCount", "Target.FragCount", SENTINEL,
                       osslive_channel_config_set_target(config, 5, out_of_range[i],
                                                         "playlist.m3u8", E));
        snprintf(what, sizeof what, "channel_config_set_snapshot: interval %lu",
                 (unsigned long)out_of_range[i]);
        EXPECT_INVALID(what, "Snapshot.Interval", "Snapshot.Interval", SENTINEL,
                       osslive_channel_config_set_snapshot(config, "role", "dest-bucket", "t",
                                                           out_of_range[i], E));
    }

    /* Empty strings: "" description clears it; the others break an OSS rule. */
    EXPECT_OK("channel_config_set_description(\"\") clears it",
              osslive_channel_config_set_description(config, "", E));
    EXPECT_INVALID("channel_config_set_target: \"\" playlist_name", "Target.PlaylistName",
                   "Target.PlaylistName", SENTINEL,
                   osslive_channel_config_set_target(config, 5, 3, "", E));
    EXPECT_INVALID("channel_config_set_snapshot: \"\" role_name", "Snapshot.RoleName",
                   "Snapshot.RoleName", SENTINEL,
                   osslive_channel_config_set_snapshot(config, "", "dest-bucket", "t", 5, E));
    EXPECT_INVALID("channel_config_set_snapshot: \"\" dest_bucket", "Snapshot.DestBucket",
                   "Snapshot.DestBucket", SENTINEL,
                   osslive_channel_config_set_snapshot(config, "role", "", "t", 5, E));
    EXPECT_INVALID("channel_config_set_snapshot: \"\" notify_topic", "Snapshot.NotifyTopic",
                   "Snapshot.NotifyTopic", SENTINEL,
                   osslive_channel_config_set_snapshot(config, "role", "dest-bucket", "", 5, E));

    /* 1 MB strings: past every length rule. */
    EXPECT_INVALID("channel_config_set_description(huge)", "Description", "Description", SENTINEL,
                   osslive_channel_config_set_description(config, huge, E));
    EXPECT_INVALID("channel_config_set_target: huge playlist_name", "Target.PlaylistName",
                   "Target.PlaylistName", SENTINEL,
                   osslive_channel_config_set_target(config, 5, 3, huge, E));
    EXPECT_INVALID("channel_config_set_target: huge playlist_name ending in .m3u8",
                   "Target.PlaylistName", "Target.PlaylistName", SENTINEL,
                   osslive_channel_config_set_target(config, 5, 3, huge_m3u8, E));
    EXPECT_INVALID("channel_config_set_snapshot: huge dest_bucket", "Snapshot.DestBucket",
                   "Snapshot.DestBucket", SENTINEL,
                   osslive_channel_config_set_snapshot(config, "role", huge, "t", 5, E));
    /*
     * A 1 MB role name or notify topic: OSS documents no length for them, so the setter
     * accepts them; the configuration is only sent when a channel is created.
     */
    EXPECT_OK("channel_config_set_snapshot: huge role_name and notify_topic are stored",
              osslive_channel_config_set_snapshot(config, huge, "dest-bucket", huge, 5, E));
    osslive_channel_config_free(config);
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                           */
/* ------------------------------------------------------------------------------------ */

/* What a call must say when one string argument holds the value under test. */
typedef struct arg_expect {
    const char *name;  /* in the message; NULL: do not try this argument */
    const char *field; /* osslive_error_field, or NULL when it is not an OSS rule */
} arg_expect;

typedef struct op_expect {
    arg_expect bucket, channel, playlist, prefix, marker;
} op_expect;

typedef struct op_context {
    const osslive_client *client;
    const char *bucket;
    int64_t vod_start, vod_end, expires;
} op_context;

/*
 * Every operation with `value` in each of its string arguments in turn (the others
 * valid, so that a call that wrongly accepted the value would send a request).
 */
static void check_operations_with(const op_context *ctx, const char *value, const char *label,
                                  const op_expect *x)
{
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    osslive_create_result *result = SENTINEL;
    osslive_channel_list *list = SENTINEL;
    osslive_channel_pager *pager = SENTINEL;
    osslive_channel_info *info = SENTINEL;
    osslive_channel_stat *stat = SENTINEL;
    osslive_channel_history *history = SENTINEL;
    osslive_vod_playlist *playlist = SENTINEL;
    osslive_rtmp_url *url = SENTINEL;
    char what[256];

#define ARG(WHICH, OP, OUT, CALL)                                                            \
    do {                                                                                     \
        if (x->WHICH.name != NULL) {                                                         \
            snprintf(what, sizeof what, "%s: %s %s", OP, #WHICH, label);                     \
            EXPECT_INVALID(what, x->WHICH.name, x->WHICH.field, OUT, CALL);                  \
        }                                                                                    \
    } while (0)

    ARG(bucket, "create_live_channel", result,
        osslive_create_live_channel(c, value, CHANNEL, NULL, &result, E));
    ARG(channel, "create_live_channel", result,
        osslive_create_live_channel(c, b, value, NULL, &result, E));
    ARG(bucket, "list_live_channel", list,
        osslive_list_live_channel(c, value, NULL, NULL, 0, &list, E));
    ARG(prefix, "list_live_channel", list,
        osslive_list_live_channel(c, b, value, NULL, 0, &list, E));
    ARG(marker, "list_live_channel", list,
        osslive_list_live_channel(c, b, NULL, value, 0, &list, E));
    ARG(bucket, "channel_pager_new", pager,
        osslive_channel_pager_new(c, value, NULL, 0, &pager, E));
    ARG(prefix, "channel_pager_new", pager, osslive_channel_pager_new(c, b, value, 0, &pager, E));
    ARG(bucket, "put_live_channel_status", SENTINEL,
        osslive_put_live_channel_status(c, value, CHANNEL, OSSLIVE_CHANNEL_DISABLED, E));
    ARG(channel, "put_live_channel_status", SENTINEL,
        osslive_put_live_channel_status(c, b, value, OSSLIVE_CHANNEL_DISABLED, E));
    ARG(bucket, "get_live_channel_info", info,
        osslive_get_live_channel_info(c, value, CHANNEL, &info, E));
    ARG(channel, "get_live_channel_info", info,
        osslive_get_live_channel_info(c, b, value, &info, E));
    ARG(bucket, "get_live_channel_stat", stat,
        osslive_get_live_channel_stat(c, value, CHANNEL, &stat, E));
    ARG(channel, "get_live_channel_stat", stat,
        osslive_get_live_channel_stat(c, b, value, &stat, E));
    ARG(bucket, "get_live_channel_history", history,
        osslive_get_live_channel_history(c, value, CHANNEL, &history, E));
    ARG(channel, "get_live_channel_history", history,
        osslive_get_live_channel_history(c, b, value, &history, E));
    ARG(bucket, "post_vod_playlist", SENTINEL,
        osslive_post_vod_playlist(c, value, CHANNEL, "vod.m3u8", ctx->vod_start, ctx->vod_end, E));
    ARG(channel, "post_vod_playlist", SENTINEL,
        osslive_post_vod_playlist(c, b, value, "vod.m3u8", ctx->vod_start, ctx->vod_end, E));
    ARG(playlist, "post_vod_playlist", SENTINEL,
        osslive_post_vod_playlist(c, b, CHANNEL, value, ctx->vod_start, ctx->vod_end, E));
    ARG(bucket, "get_vod_playlist", playlist,
        osslive_get_vod_playlist(c, value, CHANNEL, ctx->vod_start, ctx->vod_end, &playlist, E));
    ARG(channel, "get_vod_playlist", playlist,
        osslive_get_vod_playlist(c, b, value, ctx->vod_start, ctx->vod_end, &playlist, E));
    ARG(bucket, "delete_live_channel", SENTINEL,
        osslive_delete_live_channel(c, value, CHANNEL, E));
    ARG(channel, "delete_live_channel", SENTINEL, osslive_delete_live_channel(c, b, value, E));
    ARG(bucket, "sign_rtmp_url", url,
        osslive_sign_rtmp_url(c, value, CHANNEL, NULL, ctx->expires, &url, E));
    ARG(channel, "sign_rtmp_url", url,
        osslive_sign_rtmp_url(c, b, value, NULL, ctx->expires, &url, E));
    ARG(playlist, "sign_rtmp_url", url,
        osslive_sign_rtmp_url(c, b, CHANNEL, value, ctx->expires, &url, E));
    ARG(bucket, "sign_rtmp_url_valid_for", url,
        osslive_sign_rtmp_url_valid_for(c, value, CHANNEL, NULL, 600, &url, E));
    ARG(channel, "sign_rtmp_url_valid_for", url,
        osslive_sign_rtmp_url_valid_for(c, b, value, NULL, 600, &url, E));
    ARG(playlist, "sign_rtmp_url_valid_for", url,
        osslive_sign_rtmp_url_valid_for(c, b, CHANNEL, value, 600, &url, E));
#undef ARG
}

/* NULL for each pointer argument of each operation that does not take NULL. */
static void check_operation_nulls(const op_context *ctx)
{
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    osslive_create_result *result = SENTINEL;
    osslive_channel_list *list = SENTINEL;
    osslive_channel_pager *pager = SENTINEL;
    osslive_channel_info *info = SENTINEL;
    osslive_channel_stat *stat = SENTINEL;
    osslive_channel_history *history = SENTINEL;
    osslive_vod_playlist *playlist = SENTINEL;
    osslive_rtmp_url *url = SENTINEL;
    osslive_channel_config *config = osslive_channel_config_new();
    int64_t t0 = ctx->vod_start, t1 = ctx->vod_end, exp = ctx->expires;
    /* NULL and every string argument that must not be NULL, in the generic matrix. */
    const op_expect x = {{"bucket", NULL},
                         {"channel", NULL},
                         {NULL, NULL}, /* playlist: NULL is "none" for signing; below */
                         {NULL, NULL}, /* prefix: NULL is "all" */
                         {NULL, NULL}};
    /* `value` is NULL here; the matrix tries it in bucket and channel. */
    check_operations_with(ctx, NULL, "NULL", &x);

    EXPECT_INVALID("create_live_channel: NULL client", "client", NULL, result,
                   osslive_create_live_channel(NULL, b, CHANNEL, config, &result, E));
    EXPECT_INVALID("create_live_channel: NULL result_out", "result_out", NULL, SENTINEL,
                   osslive_create_live_channel(c, b, CHANNEL, config, NULL, E));
    /* NULL config is the defaults; with a NULL result_out it still sends nothing. */
    EXPECT_INVALID("create_live_channel: NULL config and NULL result_out", "result_out", NULL,
                   SENTINEL, osslive_create_live_channel(c, b, CHANNEL, NULL, NULL, E));
    EXPECT_INVALID("list_live_channel: NULL client", "client", NULL, list,
                   osslive_list_live_channel(NULL, b, NULL, NULL, 0, &list, E));
    EXPECT_INVALID("list_live_channel: NULL list_out", "list_out", NULL, SENTINEL,
                   osslive_list_live_channel(c, b, NULL, NULL, 0, NULL, E));
    EXPECT_INVALID("channel_pager_new: NULL client", "client", NULL, pager,
                   osslive_channel_pager_new(NULL, b, NULL, 0, &pager, E));
    EXPECT_INVALID("channel_pager_new: NULL pager_out", "pager_out", NULL, SENTINEL,
                   osslive_channel_pager_new(c, b, NULL, 0, NULL, E));
    EXPECT_INVALID("channel_pager_next: NULL pager", "pager", NULL, list,
                   osslive_channel_pager_next(NULL, &list, E));
    EXPECT_INVALID("put_live_channel_status: NULL client", "client", NULL, SENTINEL,
                   osslive_put_live_channel_status(NULL, b, CHANNEL, OSSLIVE_CHANNEL_ENABLED, E));
    EXPECT_INVALID("get_live_channel_info: NULL client", "client", NULL, info,
                   osslive_get_live_channel_info(NULL, b, CHANNEL, &info, E));
    EXPECT_INVALID("get_live_channel_info: NULL info_out", "info_out", NULL, SENTINEL,
                   osslive_get_live_channel_info(c, b, CHANNEL, NULL, E));
    EXPECT_INVALID("get_live_channel_stat: NULL client", "client", NULL, stat,
                   osslive_get_live_channel_stat(NULL, b, CHANNEL, &stat, E));
    EXPECT_INVALID("get_live_channel_stat: NULL stat_out", "stat_out", NULL, SENTINEL,
                   osslive_get_live_channel_stat(c, b, CHANNEL, NULL, E));
    EXPECT_INVALID("get_live_channel_history: NULL client", "client", NULL, history,
                   osslive_get_live_channel_history(NULL, b, CHANNEL, &history, E));
    EXPECT_INVALID("get_live_channel_history: NULL history_out", "history_out", NULL, SENTINEL,
                   osslive_get_live_channel_history(c, b, CHANNEL, NULL, E));
    EXPECT_INVALID("post_vod_playlist: NULL client", "client", NULL, SENTINEL,
                   osslive_post_vod_playlist(NULL, b, CHANNEL, "vod.m3u8", t0, t1, E));
    EXPECT_INVALID("post_vod_playlist: NULL playlist_name", "playlist_name", NULL, SENTINEL,
                   osslive_post_vod_playlist(c, b, CHANNEL, NULL, t0, t1, E));
    EXPECT_INVALID("get_vod_playlist: NULL client", "client", NULL, playlist,
                   osslive_get_vod_playlist(NULL, b, CHANNEL, t0, t1, &playlist, E));
    EXPECT_INVALID("get_vod_playlist: NULL playlist_out", "playlist_out", NULL, SENTINEL,
                   osslive_get_vod_playlist(c, b, CHANNEL, t0, t1, NULL, E));
    EXPECT_INVALID("delete_live_channel: NULL client", "client", NULL, SENTINEL,
                   osslive_delete_live_channel(NULL, b, CHANNEL, E));
    EXPECT_INVALID("sign_rtmp_url: NULL client", "client", NULL, url,
                   osslive_sign_rtmp_url(NULL, b, CHANNEL, NULL, exp, &url, E));
    EXPECT_INVALID("sign_rtmp_url: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_sign_rtmp_url(c, b, CHANNEL, NULL, exp, NULL, E));
    EXPECT_INVALID("sign_rtmp_url_valid_for: NULL client", "client", NULL, url,
                   osslive_sign_rtmp_url_valid_for(NULL, b, CHANNEL, NULL, 600, &url, E));
    EXPECT_INVALID("sign_rtmp_url_valid_for: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_sign_rtmp_url_valid_for(c, b, CHANNEL, NULL, 600, NULL, E));
    /* Every argument NULL at once: still one clean error. */
    EXPECT_INVALID("create_live_channel: everything NULL", "client", NULL, SENTINEL,
                   osslive_create_live_channel(NULL, NULL, NULL, NULL, NULL, E));
    EXPECT_INVALID("post_vod_playlist: everything NULL", "client", NULL, SENTINEL,
                   osslive_post_vod_playlist(NULL, NULL, NULL, NULL, 0, 0, E));
    osslive_channel_config_free(config);
}

/* The documented NULLs that send nothing: signing without a playlist, a pager. */
static void check_operation_allowed_nulls(const op_context *ctx)
{
    osslive_rtmp_url *url = NULL;
    osslive_channel_pager *pager = NULL;
    const char *text;

    EXPECT_OK("sign_rtmp_url: NULL playlist_name",
              osslive_sign_rtmp_url(ctx->client, ctx->bucket, CHANNEL, NULL, ctx->expires, &url,
                                    E));
    text = osslive_rtmp_url_stream_key(url);
    if (text == NULL || strstr(text, "playlistName") != NULL) {
        fail("sign_rtmp_url: NULL playlist_name", "stream key %s", text == NULL ? "NULL" : text);
    }
    check_int("sign_rtmp_url: expires as given", osslive_rtmp_url_expires(url), ctx->expires);
    osslive_rtmp_url_free(url);
    url = NULL;
    EXPECT_OK("sign_rtmp_url: \"\" playlist_name is none",
              osslive_sign_rtmp_url(ctx->client, ctx->bucket, CHANNEL, "", ctx->expires, &url, E));
    text = osslive_rtmp_url_url(url);
    if (text == NULL || strstr(text, "playlistName") != NULL) {
        fail("sign_rtmp_url: \"\" playlist_name", "URL %s", text == NULL ? "NULL" : text);
    }
    osslive_rtmp_url_free(url);
    url = NULL;
    /* The longest validity: UINT32_MAX seconds is about 136 years, before 2286. */
    EXPECT_OK("sign_rtmp_url_valid_for(UINT32_MAX s)",
              osslive_sign_rtmp_url_valid_for(ctx->client, ctx->bucket, CHANNEL, NULL, UINT32_MAX,
                                              &url, E));
    if (osslive_rtmp_url_expires(url) < (int64_t)time(NULL) + (int64_t)UINT32_MAX - 60) {
        fail("sign_rtmp_url_valid_for(UINT32_MAX s)", "expires %lld",
             (long long)osslive_rtmp_url_expires(url));
    }
    osslive_rtmp_url_free(url);

    /* A pager sends nothing until the first next; NULL and "" prefixes are "all". */
    EXPECT_OK("channel_pager_new: NULL prefix",
              osslive_channel_pager_new(ctx->client, ctx->bucket, NULL, 0, &pager, E));
    EXPECT_INVALID("channel_pager_next: NULL list_out", "list_out", NULL, SENTINEL,
                   osslive_channel_pager_next(pager, NULL, E));
    osslive_channel_pager_free(pager);
    pager = NULL;
    EXPECT_OK("channel_pager_new: \"\" prefix, page size 1000",
              osslive_channel_pager_new(ctx->client, ctx->bucket, "", 1000, &pager, E));
    osslive_channel_pager_free(pager);
}

/* Integer arguments of the operations out of range. */
static void check_operation_integers(const op_context *ctx)
{
    static const int statuses[] = {2, -1, INT_MAX, INT_MIN};
    static const int32_t page_sizes[] = {-1, 1001, INT32_MAX, INT32_MIN};
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    osslive_channel_list *list = SENTINEL;
    osslive_channel_pager *pager = SENTINEL;
    osslive_rtmp_url *url = SENTINEL;
    char what[256];
    size_t i;

    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        snprintf(what, sizeof what, "put_live_channel_status(%d)", statuses[i]);
        EXPECT_INVALID(what, "status", NULL, SENTINEL,
                       osslive_put_live_channel_status(c, b, CHANNEL, statuses[i], E));
    }
    for (i = 0; i < sizeof page_sizes / sizeof page_sizes[0]; i++) {
        snprintf(what, sizeof what, "list_live_channel: max_keys %ld", (long)page_sizes[i]);
        EXPECT_INVALID(what, "max-keys", "max-keys", list,
                       osslive_list_live_channel(c, b, NULL, NULL, page_sizes[i], &list, E));
        snprintf(what, sizeof what, "channel_pager_new: page_size %ld", (long)page_sizes[i]);
        EXPECT_INVALID(what, "max-keys", "max-keys", pager,
                       osslive_channel_pager_new(c, b, NULL, page_sizes[i], &pager, E));
    }
    EXPECT_INVALID("sign_rtmp_url_valid_for(0 s)", "Expires", "Expires", url,
                   osslive_sign_rtmp_url_valid_for(c, b, CHANNEL, NULL, 0, &url, E));
}

/* Negative, reversed and absurd times. */
static void check_operation_times(const op_context *ctx)
{
    /* start, end: each pair breaks a rule. */
    static const int64_t vod[][2] = {
        {-1, 100},
        {100, -1},
        {-100, -1},
        {INT64_MIN, 100},
        {100, INT64_MIN},
        {INT64_MIN, INT64_MAX},
        {INT64_MAX, INT64_MAX},
        {INT64_MAX - 10, INT64_MAX},
        {0, INT64_MAX},
        {INT64_MAX, 0},
        {10000000000LL, 10000000060LL}, /* after the year 2286: milliseconds by mistake */
        {1000, 1000},                   /* end not after start */
        {1000, 1000 + 86401},           /* more than a day */
    };
    static const int64_t expiries[] = {-1, INT64_MIN, INT64_MAX, 0, 1, 10000000000LL};
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    osslive_vod_playlist *playlist = SENTINEL;
    osslive_rtmp_url *url = SENTINEL;
    char what[256];
    size_t i;

    for (i = 0; i < sizeof vod / sizeof vod[0]; i++) {
        long long start = (long long)vod[i][0], end = (long long)vod[i][1];

        /* Which of startTime and endTime is named depends on the pair: check the status
           and that one of the two is the field. */
        snprintf(what, sizeof what, "post_vod_playlist(%lld, %lld)", start, end);
        EXPECT_INVALID(what, "Time", NULL, SENTINEL,
                       osslive_post_vod_playlist(c, b, CHANNEL, "vod.m3u8", vod[i][0], vod[i][1],
                                                 E));
        snprintf(what, sizeof what, "get_vod_playlist(%lld, %lld)", start, end);
        EXPECT_INVALID(what, "Time", NULL, playlist,
                       osslive_get_vod_playlist(c, b, CHANNEL, vod[i][0], vod[i][1], &playlist,
                                                E));
    }
    for (i = 0; i < sizeof expiries / sizeof expiries[0]; i++) {
        snprintf(what, sizeof what, "sign_rtmp_url(expires %lld)", (long long)expiries[i]);
        EXPECT_INVALID(what, "Expires", "Expires", url,
                       osslive_sign_rtmp_url(c, b, CHANNEL, NULL, expiries[i], &url, E));
        snprintf(what, sizeof what, "sign_rtmp_url(expires %lld) with a playlist",
                 (long long)expiries[i]);
        EXPECT_INVALID(what, "Expires", "Expires", url,
                       osslive_sign_rtmp_url(c, b, CHANNEL, "vod.m3u8", expiries[i], &url, E));
    }
}

static void check_operations(const example_env *env, const char *huge, const char *huge_m3u8)
{
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    op_context ctx;
    size_t i;
    int status;

    status = example_client_new(env, &client, &err);
    if (status != OSSLIVE_OK) {
        fail("client from the environment", "%s: %s", osslive_status_str(status),
             message_of(err));
    }
    ctx.client = client;
    ctx.bucket = env->bucket;
    ctx.vod_end = (int64_t)time(NULL) - 60;
    ctx.vod_start = ctx.vod_end - 600;
    ctx.expires = (int64_t)time(NULL) + 3600;

    check_operation_nulls(&ctx);
    check_operation_allowed_nulls(&ctx);

    {
        /* Not UTF-8: refused at the boundary, naming the C parameter. */
        const op_expect x = {{"bucket", NULL},
                             {"channel", NULL},
                             {"playlist_name", NULL},
                             {"prefix", NULL},
                             {"marker", NULL}};
        for (i = 0; i < BAD_UTF8_COUNT; i++) {
            check_operations_with(&ctx, BAD_UTF8[i], BAD_UTF8_LABEL[i], &x);
        }
    }
    {
        /*
         * "": the bucket and channel break OSS's naming rules, a VOD playlist its suffix
         * rule. An empty prefix or marker is the same as none (a real request), and ""
         * is "no playlist" for signing (checked above): not tried here.
         */
        const op_expect x = {{"Bucket", "Bucket"},
                             {"LiveChannel", "LiveChannel"},
                             {NULL, NULL},
                             {NULL, NULL},
                             {NULL, NULL}};
        check_operations_with(&ctx, "", "\"\"", &x);
        EXPECT_INVALID("post_vod_playlist: playlist \"\"", "playlistName", "playlistName",
                       SENTINEL,
                       osslive_post_vod_playlist(client, env->bucket, CHANNEL, "", ctx.vod_start,
                                                 ctx.vod_end, E));
    }
    {
        /* 1 MB: past every length rule (bucket 63, channel 1023, playlist 128 characters,
           prefix and marker 1024 bytes). */
        const op_expect x = {{"Bucket", "Bucket"},
                             {"LiveChannel", "LiveChannel"},
                             {"playlistName", "playlistName"},
                             {"prefix", "prefix"},
                             {"marker", "marker"}};
        const op_expect m3u8 = {{NULL, NULL},
                                {"LiveChannel", "LiveChannel"},
                                {"playlistName", "playlistName"},
                                {NULL, NULL},
                                {NULL, NULL}};
        check_operations_with(&ctx, huge, "huge", &x);
        check_operations_with(&ctx, huge_m3u8, "huge ending in .m3u8", &m3u8);
    }
    check_operation_integers(&ctx);
    check_operation_times(&ctx);
    osslive_client_free(client);
}

static int run_calls(const example_env *env, size_t huge_bytes)
{
    char *huge = huge_string(huge_bytes, "");
    char *huge_m3u8 = huge_string(huge_bytes, ".m3u8");

    check_status_strings();
    check_null_handles();
    check_config_nulls();
    check_config_utf8();
    check_config_integers();
    check_config_strings(env, huge);
    check_channel_config(huge, huge_m3u8);
    check_operations(env, huge, huge_m3u8);
    free(huge);
    free(huge_m3u8);
    return EXAMPLE_EXIT_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Out-of-range indexes on real results                                                 */
/* ------------------------------------------------------------------------------------ */

/* Prints the client's log lines, so the test sees them (and scans them for secrets). */
static void print_log(void *user_data, int level, const char *message)
{
    (void)user_data;
    printf("log %d: %s\n", level, message);
}

/* The indexes just past the end: len, len + 1 (when it does not wrap) and SIZE_MAX. */
static size_t past_end(size_t len, size_t which)
{
    switch (which) {
    case 0:
        return len;
    case 1:
        return len + 1 == 0 ? len : len + 1;
    default:
        return SIZE_MAX;
    }
}

static void check_create_result_indexes(const osslive_create_result *result)
{
    size_t publish = osslive_create_result_publish_url_count(result);
    size_t play = osslive_create_result_play_url_count(result);
    char what[256];
    size_t k;

    if (publish == 0 || play == 0) {
        fail("create result", "%zu publish and %zu play URLs", publish, play);
    }
    check_not_null("create_result_publish_url(len - 1)",
                   osslive_create_result_publish_url(result, publish - 1));
    check_not_null("create_result_play_url(len - 1)",
                   osslive_create_result_play_url(result, play - 1));
    for (k = 0; k < 3; k++) {
        snprintf(what, sizeof what, "create_result_publish_url(%zu) of %zu",
                 past_end(publish, k), publish);
        check_null(what, osslive_create_result_publish_url(result, past_end(publish, k)));
        snprintf(what, sizeof what, "create_result_play_url(%zu) of %zu", past_end(play, k), play);
        check_null(what, osslive_create_result_play_url(result, past_end(play, k)));
    }
}

static void check_list_indexes(const char *label, const osslive_channel_list *list)
{
    size_t len = osslive_channel_list_len(list);
    char what[256];
    size_t k;

    if (len > 0) {
        snprintf(what, sizeof what, "%s: channel_list_name(len - 1)", label);
        check_not_null(what, osslive_channel_list_name(list, len - 1));
    }
    for (k = 0; k < 3; k++) {
        size_t i = past_end(len, k);

        snprintf(what, sizeof what, "%s: channel_list_name(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_name(list, i));
        snprintf(what, sizeof what, "%s: channel_list_description(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_description(list, i));
        snprintf(what, sizeof what, "%s: channel_list_status(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_list_status(list, i), -1);
        snprintf(what, sizeof what, "%s: channel_list_last_modified(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_list_last_modified(list, i), 0);
        snprintf(what, sizeof what, "%s: channel_list_publish_url(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_publish_url(list, i));
        snprintf(what, sizeof what, "%s: channel_list_play_url(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_play_url(list, i));
    }
    snprintf(what, sizeof what, "%s: channel_list_prefix is not NULL", label);
    check_not_null(what, osslive_channel_list_prefix(list));
    snprintf(what, sizeof what, "%s: channel_list_marker is not NULL", label);
    check_not_null(what, osslive_channel_list_marker(list));
}

static void check_history_indexes(const char *label, const osslive_channel_history *history)
{
    size_t len = osslive_channel_history_len(history);
    char what[256];
    size_t k;

    if (len > 0) {
        snprintf(what, sizeof what, "%s: channel_history_remote_addr(len - 1)", label);
        check_not_null(what, osslive_channel_history_remote_addr(history, len - 1));
    }
    for (k = 0; k < 3; k++) {
        size_t i = past_end(len, k);

        snprintf(what, sizeof what, "%s: channel_history_start_time(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_history_start_time(history, i), 0);
        snprintf(what, sizeof what, "%s: channel_history_end_time(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_history_end_time(history, i), 0);
        snprintf(what, sizeof what, "%s: channel_history_remote_addr(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_history_remote_addr(history, i));
    }
}

/*
 * Header values too large for the HTTP layer's request head (a user agent, an access key
 * id, an STS token), sent to a live server: the call fails without sending anything and
 * does not claim a retry could help, since the same call can never be written. A huge
 * secret is only an HMAC key: the request goes out and the server refuses the
 * signature.
 */
static void check_oversized_headers(const example_env *env, const char *huge)
{
    static const char *const labels[] = {"user agent", "access key id", "security token"};
    char what[256];
    size_t i;

    for (i = 0; i < 3; i++) {
        osslive_config *config = osslive_config_new();
        osslive_client *client = NULL;
        osslive_channel_info *info = SENTINEL;
        osslive_error *err = NULL;
        int status;

        EXPECT_OK("oversized: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
        EXPECT_OK("oversized: region", osslive_config_set_region(config, "cn-hangzhou", E));
        EXPECT_OK("oversized: credentials",
                  osslive_config_set_credentials(config, i == 1 ? huge : env->access_key_id,
                                                 env->access_key_secret,
                                                 i == 2 ? huge : env->session_token, E));
        if (i == 0) {
            EXPECT_OK("oversized: user agent", osslive_config_set_user_agent(config, huge, E));
        }
        if (i == 0) {
            /* A user agent over 16 KiB is refused when the client is made. */
            refuse_client("huge user agent for a live server", config, OSSLIVE_ERR_CONFIG);
            osslive_config_free(config);
            continue;
        }
        EXPECT_OK("oversized: client_new", osslive_client_new(config, &client, E));
        osslive_config_free(config);

        snprintf(what, sizeof what, "huge %s to a live server: an error, not retryable",
                 labels[i]);
        status = osslive_get_live_channel_info(client, env->bucket, CHANNEL, &info, &err);
        check_untouched(what, info);
        if (status == OSSLIVE_OK || err == NULL) {
            fail(what, "returned %d (%s)", status, osslive_status_str(status));
        }
        printf("  message: %.160s\n", osslive_error_message(err));
        if (osslive_error_is_retryable(err)) {
            fail(what, "status %d (%s) is said to be retryable, but the same request can never "
                       "be written: %.300s",
                 status, osslive_status_str(status), osslive_error_message(err));
        }
        osslive_error_free(err);
        pass(what);
        osslive_client_free(client);
    }

    {
        osslive_config *config = osslive_config_new();
        osslive_client *client = NULL;
        osslive_channel_info *info = SENTINEL;

        EXPECT_OK("huge secret: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
        EXPECT_OK("huge secret: region", osslive_config_set_region(config, "cn-hangzhou", E));
        EXPECT_OK("huge secret: credentials",
                  osslive_config_set_credentials(config, env->access_key_id, huge,
                                                 env->session_token, E));
        EXPECT_OK("huge secret: client_new", osslive_client_new(config, &client, E));
        osslive_config_free(config);
        {
            osslive_error *err = NULL;
            int status = osslive_get_live_channel_info(client, env->bucket, CHANNEL, &info, &err);
            const char *what_secret = "huge secret to a live server: 403 SignatureDoesNotMatch";

            check_untouched(what_secret, info);
            if (status != OSSLIVE_ERR_SERVICE || osslive_error_http_status(err) != 403
                || osslive_error_code(err) == NULL
                || strcmp(osslive_error_code(err), "SignatureDoesNotMatch") != 0) {
                fail(what_secret, "returned %d (%s): %s", status, osslive_status_str(status),
                     message_of(err));
            }
            osslive_error_free(err);
            pass(what_secret);
        }
        osslive_client_free(client);
    }
}

static int run_results(const example_env *env, const char *seeded, size_t huge_bytes)
{
    static const char *const created = "hostile-results";
    osslive_config *config = osslive_config_new();
    osslive_client *client = NULL;
    osslive_create_result *result = NULL;
    osslive_channel_list *list = NULL;
    osslive_channel_pager *pager = NULL;
    osslive_channel_history *history = NULL;
    char what[256];
    int pages = 0;

    /* The client of the examples, plus every log line on stdout. */
    EXPECT_OK("results: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
    if (env->region != NULL) {
        EXPECT_OK("results: region", osslive_config_set_region(config, env->region, E));
    }
    EXPECT_OK("results: credentials",
              osslive_config_set_credentials(config, env->access_key_id, env->access_key_secret,
                                             env->session_token, E));
    EXPECT_OK("results: log callback",
              osslive_config_set_log_callback(config, print_log, NULL, OSSLIVE_LOG_TRACE, E));
    EXPECT_OK("results: client_new", osslive_client_new(config, &client, E));
    osslive_config_free(config);

    EXPECT_OK("results: create_live_channel",
              osslive_create_live_channel(client, env->bucket, created, NULL, &result, E));
    check_create_result_indexes(result);
    osslive_create_result_free(result);

    EXPECT_OK("results: list_live_channel",
              osslive_list_live_channel(client, env->bucket, "hostile-", NULL, 0, &list, E));
    if (osslive_channel_list_len(list) < 2) {
        fail("results: list_live_channel", "expected both hostile- channels, got %zu",
             osslive_channel_list_len(list));
    }
    check_list_indexes("list", list);
    osslive_channel_list_free(list);
    list = NULL;

    EXPECT_OK("results: list_live_channel matching nothing",
              osslive_list_live_channel(client, env->bucket, "no-such-prefix-", NULL, 0, &list, E));
    check_int("results: empty list has no channels", (long long)osslive_channel_list_len(list), 0);
    check_list_indexes("empty list", list);
    osslive_channel_list_free(list);

    /* A pager past its end keeps answering "no more pages", and sends nothing more. */
    EXPECT_OK("results: channel_pager_new",
              osslive_channel_pager_new(client, env->bucket, "hostile-", 1, &pager, E));
    for (;;) {
        list = SENTINEL;
        snprintf(what, sizeof what, "results: channel_pager_next page %d", pages + 1);
        EXPECT_OK(what, osslive_channel_pager_next(pager, &list, E));
        if (list == NULL) {
            break;
        }
        if (list == SENTINEL) {
            fail(what, "succeeded without writing *list_out");
        }
        check_list_indexes("page", list);
        osslive_channel_list_free(list);
        if (++pages > 10) {
            fail("results: channel_pager_next", "more than 10 pages of one channel each");
        }
    }
    list = SENTINEL;
    EXPECT_OK("results: channel_pager_next after the end",
              osslive_channel_pager_next(pager, &list, E));
    check_null("results: channel_pager_next after the end gives NULL", list);
    osslive_channel_pager_free(pager);

    EXPECT_OK("results: get_live_channel_history of the seeded channel",
              osslive_get_live_channel_history(client, env->bucket, seeded, &history, E));
    if (osslive_channel_history_len(history) == 0) {
        fail("results: history of the seeded channel", "no records");
    }
    check_history_indexes("seeded history", history);
    osslive_channel_history_free(history);
    history = NULL;
    EXPECT_OK("results: get_live_channel_history of a new channel",
              osslive_get_live_channel_history(client, env->bucket, created, &history, E));
    check_int("results: a new channel has no history",
              (long long)osslive_channel_history_len(history), 0);
    check_history_indexes("empty history", history);
    osslive_channel_history_free(history);

    EXPECT_OK("results: delete_live_channel",
              osslive_delete_live_channel(client, env->bucket, created, E));
    osslive_client_free(client);

    {
        char *huge = huge_string(huge_bytes, "");
        check_oversized_headers(env, huge);
        free(huge);
    }
    return EXAMPLE_EXIT_OK;
}

/* Reads HUGE_BYTES; returns 0 when it is not a number of bytes in range. */
static size_t parse_huge_bytes(const char *text)
{
    char *end = NULL;
    unsigned long value;

    if (text[0] < '0' || text[0] > '9') {
        return 0;
    }
    value = strtoul(text, &end, 10);
    if (*end != '\0' || value < 2048 || value > 64UL * ONE_MB) {
        return 0;
    }
    return (size_t)value;
}

int main(int argc, char **argv)
{
    example_env env;
    size_t huge_bytes = ONE_MB;
    int code;
    int calls = argc >= 2 && strcmp(argv[1], "calls") == 0;
    int results = argc >= 3 && strcmp(argv[1], "results") == 0;
    int huge_arg = calls ? 2 : 3;

    if (!(calls && argc <= 3) && !(results && argc <= 4)) {
        fprintf(stderr, "usage: %s calls [HUGE_BYTES] | results SEEDED_CHANNEL [HUGE_BYTES]\n",
                argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (argc > huge_arg) {
        huge_bytes = parse_huge_bytes(argv[huge_arg]);
        if (huge_bytes == 0) {
            fprintf(stderr, "error: HUGE_BYTES must be a number of bytes, 2048 to 64 MiB\n");
            return EXAMPLE_EXIT_USAGE;
        }
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    printf("huge strings: %lu bytes\n", (unsigned long)huge_bytes);
    if (calls) {
        code = run_calls(&env, huge_bytes);
    } else {
        code = run_results(&env, argv[2], huge_bytes);
    }
    printf("checks passed: %lu\n", g_checks);
    return code;
}
