/*
 * Integers out of range: status codes and constants that do not exist, zero and largest
 * durations, page sizes, and negative, reversed and absurd times. Each is refused naming
 * the argument (or, for a status code, given the text for an unknown one), and nothing
 * is sent.
 */

#include "hostile.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------------------ */
/* Status codes                                                                         */
/* ------------------------------------------------------------------------------------ */

/* The version, the text of every status code, and of codes that do not exist. */
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
                                OSSLIVE_ERR_PANIC,
                                OSSLIVE_ERR_CANCELLED};
    static const int unknown[] = {INT_MIN, INT_MIN + 1, -10, 1, 2, 12345, INT_MAX};
    char what[128];
    size_t i;
    const char *version = osslive_version();

    /* One form for the library and the header: "MAJOR.MINOR.PATCH" and the number. */
    if (version == NULL || strcmp(version, OSSLIVE_VERSION) != 0) {
        fail("osslive_version", "got %s, the header says %s", version == NULL ? "NULL" : version,
             OSSLIVE_VERSION);
    }
    pass("osslive_version");
    check_int("osslive_version_number", osslive_version_number(), OSSLIVE_VERSION_NUMBER);
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

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                        */
/* ------------------------------------------------------------------------------------ */

/*
 * Durations are int64_t: zero, negative (a C caller's -1 must not wrap into weeks) and
 * past one day are refused naming the parameter, and change nothing; the limits pass.
 */
static void check_setting_durations(osslive_config *config)
{
    static const int64_t bad_timeouts[] = {0, -1, INT64_MIN, OSSLIVE_MAX_DURATION_MS + 1,
                                           INT64_MAX};
    static const int bad_attempts[] = {0, -1, INT_MIN, OSSLIVE_RETRY_MAX_ATTEMPTS + 1, INT_MAX};
    static const int64_t bad_delays[] = {-1, INT64_MIN, OSSLIVE_MAX_DURATION_MS + 1, INT64_MAX};
    char what[128];
    size_t i;

    for (i = 0; i < sizeof bad_timeouts / sizeof bad_timeouts[0]; i++) {
        long long v = (long long)bad_timeouts[i];
        snprintf(what, sizeof what, "set_timeouts_ms(%lld, 1000)", v);
        EXPECT_INVALID(what, "connect_ms", "connect_ms", SENTINEL,
                       osslive_config_set_timeouts_ms(config, bad_timeouts[i], 1000, E));
        snprintf(what, sizeof what, "set_timeouts_ms(1000, %lld)", v);
        EXPECT_INVALID(what, "request_ms", "request_ms", SENTINEL,
                       osslive_config_set_timeouts_ms(config, 1000, bad_timeouts[i], E));
        snprintf(what, sizeof what, "set_deadline_ms(%lld)", v);
        EXPECT_INVALID(what, "deadline_ms", "deadline_ms", SENTINEL,
                       osslive_config_set_deadline_ms(config, bad_timeouts[i], E));
    }
    for (i = 0; i < sizeof bad_attempts / sizeof bad_attempts[0]; i++) {
        snprintf(what, sizeof what, "set_retry(%d attempts)", bad_attempts[i]);
        EXPECT_INVALID(what, "max_attempts", "max_attempts", SENTINEL,
                       osslive_config_set_retry(config, bad_attempts[i], 100, E));
    }
    for (i = 0; i < sizeof bad_delays / sizeof bad_delays[0]; i++) {
        snprintf(what, sizeof what, "set_retry(3, %lld ms)", (long long)bad_delays[i]);
        EXPECT_INVALID(what, "base_delay_ms", "base_delay_ms", SENTINEL,
                       osslive_config_set_retry(config, 3, bad_delays[i], E));
    }
    /* The limits themselves are durations like any other. */
    EXPECT_OK("set_timeouts_ms(1, 1)", osslive_config_set_timeouts_ms(config, 1, 1, E));
    EXPECT_OK("set_timeouts_ms(max, max)",
              osslive_config_set_timeouts_ms(config, OSSLIVE_MAX_DURATION_MS,
                                             OSSLIVE_MAX_DURATION_MS, E));
    EXPECT_OK("set_retry(1, 0)", osslive_config_set_retry(config, 1, 0, E));
    EXPECT_OK("set_retry(max, max)",
              osslive_config_set_retry(config, OSSLIVE_RETRY_MAX_ATTEMPTS,
                                       OSSLIVE_MAX_DURATION_MS, E));
    EXPECT_OK("set_deadline_ms(max)",
              osslive_config_set_deadline_ms(config, OSSLIVE_MAX_DURATION_MS, E));
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
    check_setting_durations(config);
    osslive_config_free(config);
}

/* ------------------------------------------------------------------------------------ */
/* Channel configuration                                                                */
/* ------------------------------------------------------------------------------------ */

/* Channel statuses that do not exist; fragment durations, counts and intervals outside 1..100. */
static void check_channel_config_integers(void)
{
    static const int statuses[] = {2, -1, INT_MAX, INT_MIN};
    static const uint32_t out_of_range[] = {0, 101, UINT32_MAX};
    osslive_channel_config *config = osslive_channel_config_new();
    char what[256];
    size_t i;

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
    osslive_channel_config_free(config);
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                           */
/* ------------------------------------------------------------------------------------ */

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
    {
        /* int64_t seconds: zero, negative and past OSSLIVE_RTMP_URL_MAX_SECONDS. */
        static const int64_t bad_seconds[] = {0, -1, INT64_MIN, OSSLIVE_RTMP_URL_MAX_SECONDS + 1,
                                              INT64_MAX};
        for (i = 0; i < sizeof bad_seconds / sizeof bad_seconds[0]; i++) {
            snprintf(what, sizeof what, "sign_rtmp_url_valid_for(%lld s)",
                     (long long)bad_seconds[i]);
            EXPECT_INVALID(what, "Expires", "Expires", url,
                           osslive_sign_rtmp_url_valid_for(c, b, CHANNEL, NULL, bad_seconds[i],
                                                           &url, E));
        }
        EXPECT_INVALID("sign_rtmp_url(past the maximum validity)", "Expires", "Expires", url,
                       osslive_sign_rtmp_url(c, b, CHANNEL, NULL,
                                             (int64_t)time(NULL) + OSSLIVE_RTMP_URL_MAX_SECONDS
                                                 + 3600,
                                             &url, E));
    }
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

void check_ranges(const op_context *ctx)
{
    check_status_strings();
    check_config_integers();
    check_channel_config_integers();
    check_operation_integers(ctx);
    check_operation_times(ctx);
}
