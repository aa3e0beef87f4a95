/*
 * The presigned URLs (osslive_sign_play_url, osslive_presign_get and their _until forms):
 * NULL for every pointer, strings that are not UTF-8, empty or 1 MB long in every string
 * argument, and absurd durations and times. The client signs with V4 (the examples'
 * default), so the library's expiry rules name x-oss-expires. Signing sends nothing.
 */

#include "hostile.h"

#include <stdio.h>
#include <time.h>

/* What the checks below name when the expiry breaks the library's rules. */
#define EXPIRES_FIELD "x-oss-expires"

#define KEY CHANNEL "/vod.m3u8"

static void check_presign_nulls(const op_context *ctx)
{
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    int64_t until = ctx->expires;
    osslive_presigned_url *url = SENTINEL;

    check_null("osslive_presigned_url_url(NULL)", osslive_presigned_url_url(NULL));
    check_int("osslive_presigned_url_expires(NULL)", osslive_presigned_url_expires(NULL), 0);
    osslive_presigned_url_free(NULL);
    pass("osslive_presigned_url_free(NULL)");

    EXPECT_INVALID("sign_play_url: NULL client", "client", NULL, url,
                   osslive_sign_play_url(NULL, b, CHANNEL, NULL, 60, &url, E));
    EXPECT_INVALID("sign_play_url: NULL bucket", "bucket", NULL, url,
                   osslive_sign_play_url(c, NULL, CHANNEL, NULL, 60, &url, E));
    EXPECT_INVALID("sign_play_url: NULL channel", "channel", NULL, url,
                   osslive_sign_play_url(c, b, NULL, NULL, 60, &url, E));
    EXPECT_INVALID("sign_play_url: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_sign_play_url(c, b, CHANNEL, NULL, 60, NULL, E));
    EXPECT_INVALID("sign_play_url_until: NULL client", "client", NULL, url,
                   osslive_sign_play_url_until(NULL, b, CHANNEL, NULL, until, &url, E));
    EXPECT_INVALID("sign_play_url_until: NULL channel", "channel", NULL, url,
                   osslive_sign_play_url_until(c, b, NULL, NULL, until, &url, E));
    EXPECT_INVALID("sign_play_url_until: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_sign_play_url_until(c, b, CHANNEL, NULL, until, NULL, E));
    EXPECT_INVALID("presign_get: NULL client", "client", NULL, url,
                   osslive_presign_get(NULL, b, KEY, 60, NULL, &url, E));
    EXPECT_INVALID("presign_get: NULL bucket", "bucket", NULL, url,
                   osslive_presign_get(c, NULL, KEY, 60, NULL, &url, E));
    EXPECT_INVALID("presign_get: NULL key", "key", NULL, url,
                   osslive_presign_get(c, b, NULL, 60, NULL, &url, E));
    EXPECT_INVALID("presign_get: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_presign_get(c, b, KEY, 60, NULL, NULL, E));
    EXPECT_INVALID("presign_get_until: NULL client", "client", NULL, url,
                   osslive_presign_get_until(NULL, b, KEY, until, NULL, &url, E));
    EXPECT_INVALID("presign_get_until: NULL key", "key", NULL, url,
                   osslive_presign_get_until(c, b, NULL, until, NULL, &url, E));
    EXPECT_INVALID("presign_get_until: NULL url_out", "url_out", NULL, SENTINEL,
                   osslive_presign_get_until(c, b, KEY, until, NULL, NULL, E));
}

/* One string value in each string argument of the four functions. A NULL name skips the
   argument (the value is valid there). */
static void check_presign_strings_with(const op_context *ctx, const char *value,
                                       const char *label, const arg_expect *bucket,
                                       const arg_expect *channel, const arg_expect *playlist,
                                       const arg_expect *key, const arg_expect *process)
{
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    int64_t until = ctx->expires;
    osslive_presigned_url *url = SENTINEL;
    char what[256];

#define TRY(X, OP, CALL)                                                                     \
    do {                                                                                     \
        if ((X)->name != NULL) {                                                             \
            snprintf(what, sizeof what, "%s: %s %s", OP, #X, label);                         \
            EXPECT_INVALID(what, (X)->name, (X)->field, url, CALL);                          \
        }                                                                                    \
    } while (0)

    TRY(bucket, "sign_play_url", osslive_sign_play_url(c, value, CHANNEL, NULL, 60, &url, E));
    TRY(channel, "sign_play_url", osslive_sign_play_url(c, b, value, NULL, 60, &url, E));
    TRY(playlist, "sign_play_url", osslive_sign_play_url(c, b, CHANNEL, value, 60, &url, E));
    TRY(channel, "sign_play_url_until",
        osslive_sign_play_url_until(c, b, value, NULL, until, &url, E));
    TRY(playlist, "sign_play_url_until",
        osslive_sign_play_url_until(c, b, CHANNEL, value, until, &url, E));
    TRY(bucket, "presign_get", osslive_presign_get(c, value, KEY, 60, NULL, &url, E));
    TRY(key, "presign_get", osslive_presign_get(c, b, value, 60, NULL, &url, E));
    TRY(process, "presign_get", osslive_presign_get(c, b, KEY, 60, value, &url, E));
    TRY(key, "presign_get_until", osslive_presign_get_until(c, b, value, until, NULL, &url, E));
    TRY(process, "presign_get_until",
        osslive_presign_get_until(c, b, KEY, until, value, &url, E));
#undef TRY
}

static void check_presign_strings(const op_context *ctx, const char *huge,
                                  const char *huge_m3u8)
{
    /* Not UTF-8: caught at the boundary, named by the C parameter. */
    const arg_expect bucket_utf8 = {"bucket", NULL};
    const arg_expect channel_utf8 = {"channel", NULL};
    const arg_expect playlist_utf8 = {"playlist_name", NULL};
    const arg_expect key_utf8 = {"key", NULL};
    const arg_expect process_utf8 = {"process", NULL};
    /* The OSS rules: the library's, named by the OSS field. */
    const arg_expect bucket_rule = {"Bucket", "Bucket"};
    const arg_expect channel_rule = {"LiveChannel", "LiveChannel"};
    const arg_expect playlist_rule = {"playlistName", "playlistName"};
    const arg_expect key_rule = {"Key", "Key"};
    const arg_expect process_rule = {"x-oss-process", "x-oss-process"};
    const arg_expect skip = {NULL, NULL};
    char label[64];
    int i;

    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        snprintf(label, sizeof label, "not UTF-8 (%s)", BAD_UTF8_LABEL[i]);
        check_presign_strings_with(ctx, BAD_UTF8[i], label, &bucket_utf8, &channel_utf8,
                                   &playlist_utf8, &key_utf8, &process_utf8);
    }
    /* "" is the documented "none" of the playlist and the process. */
    check_presign_strings_with(ctx, "", "empty", &bucket_rule, &channel_rule, &skip, &key_rule,
                               &skip);
    check_presign_strings_with(ctx, huge, "of 1 MB", &bucket_rule, &channel_rule, &playlist_rule,
                               &key_rule, &process_rule);
    check_presign_strings_with(ctx, huge_m3u8, "of 1 MB ending .m3u8", &skip, &skip,
                               &playlist_rule, &skip, &skip);
    check_presign_strings_with(ctx, "/rooted.ts", "starting with /", &skip, &channel_rule,
                               &playlist_rule, &key_rule, &process_rule);
}

static void check_presign_ranges(const op_context *ctx)
{
    static const int64_t negative[] = {-1, INT64_MIN};
    static const int64_t too_long[] = {0, OSSLIVE_PRESIGN_MAX_SECONDS + 1, INT64_MAX};
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    int64_t now = (int64_t)time(NULL);
    const int64_t bad_until[] = {0, 1, now - 1, now + OSSLIVE_PRESIGN_MAX_SECONDS + 60,
                                 10000000000LL};
    osslive_presigned_url *url = SENTINEL;
    char what[256];
    size_t i;

    for (i = 0; i < sizeof negative / sizeof negative[0]; i++) {
        snprintf(what, sizeof what, "sign_play_url(%lld s)", (long long)negative[i]);
        EXPECT_INVALID(what, "seconds", NULL, url,
                       osslive_sign_play_url(c, b, CHANNEL, NULL, negative[i], &url, E));
        snprintf(what, sizeof what, "presign_get(%lld s)", (long long)negative[i]);
        EXPECT_INVALID(what, "seconds", NULL, url,
                       osslive_presign_get(c, b, KEY, negative[i], NULL, &url, E));
        snprintf(what, sizeof what, "sign_play_url_until(%lld)", (long long)negative[i]);
        EXPECT_INVALID(what, "expires_unix", NULL, url,
                       osslive_sign_play_url_until(c, b, CHANNEL, NULL, negative[i], &url, E));
        snprintf(what, sizeof what, "presign_get_until(%lld)", (long long)negative[i]);
        EXPECT_INVALID(what, "expires_unix", NULL, url,
                       osslive_presign_get_until(c, b, KEY, negative[i], NULL, &url, E));
    }
    for (i = 0; i < sizeof too_long / sizeof too_long[0]; i++) {
        snprintf(what, sizeof what, "sign_play_url(%lld s)", (long long)too_long[i]);
        EXPECT_INVALID(what, EXPIRES_FIELD, EXPIRES_FIELD, url,
                       osslive_sign_play_url(c, b, CHANNEL, NULL, too_long[i], &url, E));
        snprintf(what, sizeof what, "presign_get(%lld s)", (long long)too_long[i]);
        EXPECT_INVALID(what, EXPIRES_FIELD, EXPIRES_FIELD, url,
                       osslive_presign_get(c, b, KEY, too_long[i], "hls/sign", &url, E));
    }
    for (i = 0; i < sizeof bad_until / sizeof bad_until[0]; i++) {
        snprintf(what, sizeof what, "sign_play_url_until(%lld)", (long long)bad_until[i]);
        EXPECT_INVALID(what, EXPIRES_FIELD, EXPIRES_FIELD, url,
                       osslive_sign_play_url_until(c, b, CHANNEL, NULL, bad_until[i], &url, E));
        snprintf(what, sizeof what, "presign_get_until(%lld)", (long long)bad_until[i]);
        EXPECT_INVALID(what, EXPIRES_FIELD, EXPIRES_FIELD, url,
                       osslive_presign_get_until(c, b, KEY, bad_until[i], NULL, &url, E));
    }
    /* INT64_MAX is past what some platforms' time can hold: refused one way or the other. */
    EXPECT_INVALID("sign_play_url_until(INT64_MAX)", NULL, NULL, url,
                   osslive_sign_play_url_until(c, b, CHANNEL, NULL, INT64_MAX, &url, E));
}

/* The documented "none" values and the longest validity work, and hand out a URL. */
static void check_presign_accepted(const op_context *ctx)
{
    const osslive_client *c = ctx->client;
    const char *b = ctx->bucket;
    osslive_presigned_url *url = NULL;

    EXPECT_OK("sign_play_url: NULL playlist, the longest validity",
              osslive_sign_play_url(c, b, CHANNEL, NULL, OSSLIVE_PRESIGN_MAX_SECONDS, &url, E));
    check_not_null("sign_play_url: a URL", osslive_presigned_url_url(url));
    if (osslive_presigned_url_expires(url) - (int64_t)time(NULL)
        < OSSLIVE_PRESIGN_MAX_SECONDS - 5) {
        fail("sign_play_url: expires in 7 days", "expires %lld",
             (long long)osslive_presigned_url_expires(url));
    }
    pass("sign_play_url: expires in 7 days");
    osslive_presigned_url_free(url);
    url = NULL;
    EXPECT_OK("sign_play_url_until: \"\" playlist is the default",
              osslive_sign_play_url_until(c, b, CHANNEL, "", ctx->expires, &url, E));
    check_int("sign_play_url_until: expires as given", osslive_presigned_url_expires(url),
              ctx->expires);
    osslive_presigned_url_free(url);
    url = NULL;
    EXPECT_OK("presign_get: \"\" process is none",
              osslive_presign_get(c, b, KEY, 1, "", &url, E));
    osslive_presigned_url_free(url);
}

void check_presign(const op_context *ctx, const char *huge, const char *huge_m3u8)
{
    check_presign_nulls(ctx);
    check_presign_strings(ctx, huge, huge_m3u8);
    check_presign_ranges(ctx);
    check_presign_accepted(ctx);
}
