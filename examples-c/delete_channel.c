/*
 * Delete a LiveChannel (DeleteLiveChannel).
 *
 *   delete_channel CHANNEL
 *
 * Disable the channel first (set_channel_status CHANNEL disabled): deleting a
 * channel that is being pushed to fails. Only the channel goes; the .ts and .m3u8
 * objects its pushes wrote stay in the bucket.
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
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
    status = osslive_delete_live_channel(client, env.bucket, channel, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("deleted channel: %s\n", channel);
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
