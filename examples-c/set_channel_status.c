/*
 * Enable or disable a LiveChannel (PutLiveChannelStatus).
 *
 *   set_channel_status CHANNEL enabled|disabled
 *
 * A disabled channel refuses new pushes, and OSS cuts off a push in progress within
 * about ten seconds. Disable a channel before deleting it: deleting a channel that
 * is being pushed to fails.
 */

#include <stdio.h>
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    const char *channel;
    int channel_status;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc != 3) {
        fprintf(stderr, "usage: %s CHANNEL enabled|disabled\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    /* The OSS spellings, and only those: "Disabled" is not a status OSS knows. */
    if (strcmp(argv[2], "enabled") == 0) {
        channel_status = OSSLIVE_CHANNEL_ENABLED;
    } else if (strcmp(argv[2], "disabled") == 0) {
        channel_status = OSSLIVE_CHANNEL_DISABLED;
    } else {
        fprintf(stderr, "error: status %s is neither enabled nor disabled\n", argv[2]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_put_live_channel_status(client, env.bucket, channel, channel_status, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("channel: %s\n", channel);
    printf("status: %s\n", example_channel_status_name(channel_status));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
