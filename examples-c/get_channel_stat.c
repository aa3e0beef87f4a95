/*
 * Show the ingest state of a LiveChannel (GetLiveChannelStat): Idle, Live or
 * Disabled, and while a push is live, who pushes and what the stream carries.
 *
 *   get_channel_stat CHANNEL
 */

#include <stdio.h>

#include "common.h"

static const char *live_status_name(int status)
{
    switch (status) {
    case OSSLIVE_LIVE_IDLE:
        return "Idle";
    case OSSLIVE_LIVE_LIVE:
        return "Live";
    case OSSLIVE_LIVE_DISABLED:
        return "Disabled";
    default:
        return "unknown";
    }
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_stat *stat = NULL;
    osslive_error *err = NULL;
    const char *channel;
    int live_status;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CHANNEL\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_get_live_channel_stat(client, env.bucket, channel, &stat, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    live_status = osslive_channel_stat_status(stat);
    printf("channel: %s\n", channel);
    printf("status: %s\n", live_status_name(live_status));
    /* OSS reports the publisher and its media only while a push is live. */
    if (live_status == OSSLIVE_LIVE_LIVE) {
        example_print_time("connected time", (int64_t)osslive_channel_stat_connected_time(stat));
        example_print_str("remote addr", osslive_channel_stat_remote_addr(stat));
    }
    /* Video and audio appear once the stream has carried some. */
    if (osslive_channel_stat_has_video(stat)) {
        printf("video: %lux%lu, %lu fps, %llu B/s, %s\n",
               (unsigned long)osslive_channel_stat_video_width(stat),
               (unsigned long)osslive_channel_stat_video_height(stat),
               (unsigned long)osslive_channel_stat_video_frame_rate(stat),
               (unsigned long long)osslive_channel_stat_video_bandwidth(stat),
               osslive_channel_stat_video_codec(stat));
    }
    if (osslive_channel_stat_has_audio(stat)) {
        printf("audio: %lu Hz, %llu B/s, %s\n",
               (unsigned long)osslive_channel_stat_audio_sample_rate(stat),
               (unsigned long long)osslive_channel_stat_audio_bandwidth(stat),
               osslive_channel_stat_audio_codec(stat));
    }
    example_print_str("request id", osslive_channel_stat_request_id(stat));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_channel_stat_free(stat);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
