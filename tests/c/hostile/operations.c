/*
 * The operations every group attacks: the client they are called on, and the matrix
 * that calls each of them with one value in each of its string arguments in turn.
 */

#include "hostile.h"

#include <stdio.h>
#include <time.h>

osslive_client *op_context_init(op_context *ctx, const example_env *env)
{
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    int status;

    status = example_client_new(env, &client, &err);
    if (status != OSSLIVE_OK) {
        fail("client from the environment", "%s: %s", osslive_status_str(status),
             message_of(err));
    }
    ctx->client = client;
    ctx->bucket = env->bucket;
    ctx->vod_end = (int64_t)time(NULL) - 60;
    ctx->vod_start = ctx->vod_end - 600;
    ctx->expires = (int64_t)time(NULL) + 3600;
    return client;
}

void check_operations_with(const op_context *ctx, const char *value, const char *label,
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
