/*
 * Create a LiveChannel (PutLiveChannel) and print its RTMP ingest and HLS play URLs.
 *
 *   create_channel CHANNEL [DESCRIPTION]
 *
 * Channel names cannot contain '/'. The channel writes HLS with 5-second fragments,
 * 3 of them in playlist.m3u8, as in the OSS guide's Go example.
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_config *config = NULL;
    osslive_create_result *result = NULL;
    osslive_error *err = NULL;
    const char *channel;
    const char *description;
    size_t i;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s CHANNEL [DESCRIPTION]\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    description = argc == 3 ? argv[2] : NULL;
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    config = osslive_channel_config_new();
    if (config == NULL) {
        fprintf(stderr, "error: out of memory creating the channel configuration\n");
        goto cleanup;
    }
    /* Description: up to 128 bytes. */
    if (description != NULL) {
        status = osslive_channel_config_set_description(config, description, &err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    /* OSSLIVE_CHANNEL_DISABLED would create the channel paused. */
    status = osslive_channel_config_set_status(config, OSSLIVE_CHANNEL_ENABLED, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    /*
     * The HLS output: each .ts fragment lasts 5 s and playlist.m3u8 lists the last 3.
     * The playlist name must end in .m3u8 and be 6 to 128 bytes long.
     */
    status = osslive_channel_config_set_target(config, 5, 3, "playlist.m3u8", &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    /*
     * High-frequency snapshots are optional and left out here: they need a RAM role
     * allowed to write to the destination bucket and publish to the MNS topic, e.g.
     * osslive_channel_config_set_snapshot(config, "examplerole", "destexamplebucket",
     *                                     "exampletopic", 10, &err);
     */

    status = osslive_create_live_channel(client, env.bucket, channel, config, &result, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    printf("channel: %s\n", channel);
    /* Push to the RTMP URL (sign it with sign_rtmp_url unless the bucket is public). */
    for (i = 0; i < osslive_create_result_publish_url_count(result); i++) {
        printf("publish url: %s\n", osslive_create_result_publish_url(result, i));
    }
    /* Players fetch the HLS playlist from the play URL. */
    for (i = 0; i < osslive_create_result_play_url_count(result); i++) {
        printf("play url: %s\n", osslive_create_result_play_url(result, i));
    }
    example_print_str("request id", osslive_create_result_request_id(result));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_create_result_free(result);
    osslive_channel_config_free(config);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
