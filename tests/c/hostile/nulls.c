/*
 * NULL for every pointer argument and handle of the C API: each must be refused with
 * OSSLIVE_ERR_INVALID_ARGUMENT naming the parameter (or give the documented NULL, 0, -1
 * or false), leave its out-parameter alone and send nothing. The NULLs the header
 * documents as meaningful (long-term keys, logging off, no playlist, all channels) are
 * accepted.
 */

#include "hostile.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* A credentials callback for calls that must be refused before it could be used. */
static int never_called_credentials(void *user_data, char *access_key_id, size_t id_size,
                                    char *access_key_secret, size_t secret_size,
                                    char *security_token, size_t token_size,
                                    int64_t *expiration)
{
    (void)user_data, (void)access_key_id, (void)id_size, (void)access_key_secret;
    (void)secret_size, (void)security_token, (void)token_size, (void)expiration;
    return 1;
}

/* ------------------------------------------------------------------------------------ */
/* Handles                                                                              */
/* ------------------------------------------------------------------------------------ */

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
    EXPECT_INVALID("use_default_credentials: NULL config", "config", NULL, SENTINEL,
                   osslive_config_use_default_credentials(NULL, E));
    EXPECT_INVALID("set_credentials_callback: NULL config", "config", NULL, SENTINEL,
                   osslive_config_set_credentials_callback(NULL, never_called_credentials,
                                                           NULL, E));
    EXPECT_INVALID("set_credentials_callback: NULL callback", "callback", NULL, SENTINEL,
                   osslive_config_set_credentials_callback(config, NULL, NULL, E));
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
    EXPECT_INVALID("client_interrupt: NULL client", "client", NULL, SENTINEL,
                   osslive_client_interrupt(NULL, E));
    EXPECT_INVALID("client_shutdown: NULL client", "client", NULL, SENTINEL,
                   osslive_client_shutdown(NULL, E));
    EXPECT_INVALID("client_new: NULL config", "config", NULL, client,
                   osslive_client_new(NULL, &client, E));
    EXPECT_INVALID("client_new: NULL client_out", "client_out", NULL, SENTINEL,
                   osslive_client_new(config, NULL, E));
    osslive_config_free(config);
}

/* NULL for each pointer argument of each channel configuration function. */
static void check_channel_config_nulls(void)
{
    osslive_channel_config *config = osslive_channel_config_new();

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
    osslive_channel_config_free(config);
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                           */
/* ------------------------------------------------------------------------------------ */

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
    /* The longest validity, OSSLIVE_RTMP_URL_MAX_SECONDS (7 days), is accepted. */
    EXPECT_OK("sign_rtmp_url_valid_for(OSSLIVE_RTMP_URL_MAX_SECONDS)",
              osslive_sign_rtmp_url_valid_for(ctx->client, ctx->bucket, CHANNEL, NULL,
                                              OSSLIVE_RTMP_URL_MAX_SECONDS, &url, E));
    if (osslive_rtmp_url_expires(url) < (int64_t)time(NULL) + OSSLIVE_RTMP_URL_MAX_SECONDS - 60) {
        fail("sign_rtmp_url_valid_for(OSSLIVE_RTMP_URL_MAX_SECONDS)", "expires %lld",
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

void check_nulls(const op_context *ctx)
{
    check_null_handles();
    check_config_nulls();
    check_channel_config_nulls();
    check_operation_nulls(ctx);
    check_operation_allowed_nulls(ctx);
}
