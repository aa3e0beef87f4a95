/*
 * Strings a careless or hostile caller can pass: bytes that are not UTF-8, empty
 * strings, 1 MB strings and a line break in a header value, in every string argument of
 * the configuration, the channel configuration and the operations. Each is refused
 * naming the argument (or, where the header documents it, accepted), and nothing is sent
 * to the emulator: clients made from accepted hostile settings talk to NOWHERE.
 */

#include "hostile.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                        */
/* ------------------------------------------------------------------------------------ */

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

/* Empty and 1 MB strings in the configuration. */
static void check_config_strings(const example_env *env, const char *huge)
{
    osslive_config *config;
    osslive_client *client = SENTINEL;

    /*
     * The largest durations and attempts make a client (nothing overflows); no request is
     * made with it, since a refused connection would then be retried for 49 days.
     */
    {
        osslive_client *largest = NULL;
        osslive_rtmp_url *url = NULL;

        config = nowhere_config(env);
        EXPECT_OK("largest: set_timeouts_ms",
                  osslive_config_set_timeouts_ms(config, OSSLIVE_MAX_DURATION_MS,
                                                 OSSLIVE_MAX_DURATION_MS, E));
        EXPECT_OK("largest: set_retry",
                  osslive_config_set_retry(config, OSSLIVE_RETRY_MAX_ATTEMPTS,
                                           OSSLIVE_MAX_DURATION_MS, E));
        EXPECT_OK("largest: set_deadline_ms",
                  osslive_config_set_deadline_ms(config, OSSLIVE_MAX_DURATION_MS, E));
        EXPECT_OK("largest: client_new", osslive_client_new(config, &largest, E));
        EXPECT_OK("largest: sign_rtmp_url_valid_for",
                  osslive_sign_rtmp_url_valid_for(largest, env->bucket, CHANNEL, NULL, 60, &url,
                                                  E));
        osslive_rtmp_url_free(url);
        osslive_client_free(largest);
        osslive_config_free(config);
    }

    /*
     * Endpoints that cannot work: refused by the setter at once (a settings dialog checks
     * field by field), naming the endpoint; the configuration keeps its endpoint.
     */
    {
        static const char *const bad_endpoints[] = {
            "", "   ", "ftp://x", "http://", "https://a b", "h/path", "h:0", "h:65536",
            "http://127.0.0.1:", "http://127.0.0.1:x", "[::1", "[::1]x"};
        size_t i;
        char what[128];

        config = nowhere_config(env);
        for (i = 0; i < sizeof bad_endpoints / sizeof bad_endpoints[0]; i++) {
            snprintf(what, sizeof what, "set_endpoint(\"%s\")", bad_endpoints[i]);
            EXPECT_INVALID(what, "endpoint", "endpoint", SENTINEL,
                           osslive_config_set_endpoint(config, bad_endpoints[i], E));
        }
        EXPECT_OK("set_endpoint(\"oss-cn-hangzhou.aliyuncs.com:443\")",
                  osslive_config_set_endpoint(config, "oss-cn-hangzhou.aliyuncs.com:443", E));
        EXPECT_OK("set_endpoint(\"http://[::1]:9\")",
                  osslive_config_set_endpoint(config, "http://[::1]:9", E));
        EXPECT_OK("set_endpoint(NOWHERE) again", osslive_config_set_endpoint(config, NOWHERE, E));
        EXPECT_OK("client_new after refused endpoints", osslive_client_new(config, &client, E));
        osslive_client_free(client);
        client = SENTINEL;
        osslive_config_free(config);

        /* Regions: letters, digits and '-' only. */
        config = nowhere_config(env);
        EXPECT_INVALID("set_region(\"cn hangzhou\")", "region", "region", SENTINEL,
                       osslive_config_set_region(config, "cn hangzhou", E));
        EXPECT_INVALID("set_region(\"cn-hangzhou\\n\")", "region", "region", SENTINEL,
                       osslive_config_set_region(config, "cn-hangzhou\n", E));
        EXPECT_INVALID("set_region(\"cn_hangzhou\")", "region", "region", SENTINEL,
                       osslive_config_set_region(config, "cn_hangzhou", E));
        osslive_config_free(config);
    }

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

    /* A user agent with a line break would end the header: refused by the setter. */
    config = nowhere_config(env);
    EXPECT_INVALID("set_user_agent with CR LF", "user_agent", "user_agent", SENTINEL,
                   osslive_config_set_user_agent(config, "ua\r\nX-Injected: 1", E));
    EXPECT_INVALID("set_user_agent with LF", "user_agent", "user_agent", SENTINEL,
                   osslive_config_set_user_agent(config, "ua\nb", E));

    /* 1 MB endpoint: longer than any DNS name (253 bytes); refused naming the endpoint. */
    EXPECT_INVALID("set_endpoint(huge)", "endpoint", "endpoint", SENTINEL,
                   osslive_config_set_endpoint(config, huge, E));
    /* 1 MB region: region names are short words, at most 64 bytes. */
    EXPECT_INVALID("set_region(huge)", "region", "region", SENTINEL,
                   osslive_config_set_region(config, huge, E));
    /* 1 MB user agent: header values are capped at 16 KiB. */
    EXPECT_INVALID("set_user_agent(huge)", "user_agent", "user_agent", SENTINEL,
                   osslive_config_set_user_agent(config, huge, E));
    /* None of them changed the configuration: it still makes a client. */
    EXPECT_OK("client_new after refused settings", osslive_client_new(config, &client, E));
    osslive_client_free(client);
    client = SENTINEL;
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

/* Not UTF-8, empty and 1 MB strings in the channel configuration. */
static void check_channel_config_strings(const char *huge, const char *huge_m3u8)
{
    osslive_channel_config *config = osslive_channel_config_new();
    char what[256];
    size_t i;

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

/* Not UTF-8, empty and 1 MB strings in every string argument of every operation. */
static void check_operation_strings(const op_context *ctx, const char *huge,
                                    const char *huge_m3u8)
{
    size_t i;

    {
        /* Not UTF-8: refused at the boundary, naming the C parameter. */
        const op_expect x = {{"bucket", NULL},
                             {"channel", NULL},
                             {"playlist_name", NULL},
                             {"prefix", NULL},
                             {"marker", NULL}};
        for (i = 0; i < BAD_UTF8_COUNT; i++) {
            check_operations_with(ctx, BAD_UTF8[i], BAD_UTF8_LABEL[i], &x);
        }
    }
    {
        /*
         * "": the bucket and channel break OSS's naming rules, a VOD playlist its suffix
         * rule. An empty prefix or marker is the same as none (a real request), and ""
         * is "no playlist" for signing (checked in nulls.c): not tried here.
         */
        const op_expect x = {{"Bucket", "Bucket"},
                             {"LiveChannel", "LiveChannel"},
                             {NULL, NULL},
                             {NULL, NULL},
                             {NULL, NULL}};
        check_operations_with(ctx, "", "\"\"", &x);
        EXPECT_INVALID("post_vod_playlist: playlist \"\"", "playlistName", "playlistName",
                       SENTINEL,
                       osslive_post_vod_playlist(ctx->client, ctx->bucket, CHANNEL, "",
                                                 ctx->vod_start, ctx->vod_end, E));
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
        check_operations_with(ctx, huge, "huge", &x);
        check_operations_with(ctx, huge_m3u8, "huge ending in .m3u8", &m3u8);
    }
}

void check_strings(const example_env *env, const op_context *ctx, const char *huge,
                   const char *huge_m3u8)
{
    check_config_utf8();
    check_config_strings(env, huge);
    check_channel_config_strings(huge, huge_m3u8);
    check_operation_strings(ctx, huge, huge_m3u8);
}
