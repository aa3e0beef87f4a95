/*
 * Show the configuration of a LiveChannel (GetLiveChannelInfo): description,
 * status, HLS target and, when set, the snapshot settings.
 *
 *   get_channel_info CHANNEL
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_info *info = NULL;
    osslive_error *err = NULL;
    const char *channel;
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
    status = osslive_get_live_channel_info(client, env.bucket, channel, &info, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    printf("channel: %s\n", channel);
    /* Each field is printed only when OSS sent it. */
    example_print_str("description", osslive_channel_info_description(info));
    printf("status: %s\n", example_channel_status_name(osslive_channel_info_status(info)));
    example_print_str("target type", osslive_channel_info_target_type(info));
    /* 0 means OSS did not say. */
    if (osslive_channel_info_frag_duration(info) != 0) {
        printf("frag duration: %lu\n", (unsigned long)osslive_channel_info_frag_duration(info));
    }
    if (osslive_channel_info_frag_count(info) != 0) {
        printf("frag count: %lu\n", (unsigned long)osslive_channel_info_frag_count(info));
    }
    example_print_str("playlist name", osslive_channel_info_playlist_name(info));
    if (osslive_channel_info_has_snapshot(info)) {
        example_print_str("snapshot role name", osslive_channel_info_snapshot_role_name(info));
        example_print_str("snapshot dest bucket", osslive_channel_info_snapshot_dest_bucket(info));
        example_print_str("snapshot notify topic", osslive_channel_info_snapshot_notify_topic(info));
        printf("snapshot interval: %lu\n", (unsigned long)osslive_channel_info_snapshot_interval(info));
    } else {
        printf("snapshot: none\n");
    }
    example_print_str("request id", osslive_channel_info_request_id(info));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_channel_info_free(info);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
