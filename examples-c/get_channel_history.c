/*
 * Show the ingest history of a LiveChannel (GetLiveChannelHistory): OSS keeps the
 * last 10 pushes, with when each started and ended and where it came from.
 *
 *   get_channel_history CHANNEL
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_history *history = NULL;
    osslive_error *err = NULL;
    const char *channel;
    size_t count;
    size_t i;
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
    status = osslive_get_live_channel_history(client, env.bucket, channel, &history, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    count = osslive_channel_history_len(history);
    printf("channel: %s\n", channel);
    printf("records: %lu\n", (unsigned long)count);
    for (i = 0; i < count; i++) {
        printf("record %lu:\n", (unsigned long)(i + 1));
        example_print_time("  start time", (int64_t)osslive_channel_history_start_time(history, i));
        example_print_time("  end time", (int64_t)osslive_channel_history_end_time(history, i));
        example_print_str("  remote addr", osslive_channel_history_remote_addr(history, i));
    }
    example_print_str("request id", osslive_channel_history_request_id(history));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_channel_history_free(history);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
