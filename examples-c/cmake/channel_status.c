/*
 * The program of the CMake consumer project (CMakeLists.txt beside it): creates a
 * LiveChannel unless it exists, signs a push URL for it and prints its status. It
 * stands alone, as in a project of yours: no helper from examples-c/.
 *
 *   channel_status CHANNEL
 *
 * Reads OSS_ENDPOINT, OSS_BUCKET, OSS_REGION (when the endpoint does not name one) and
 * the credentials OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN, which
 * osslive itself takes from the environment before each request.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osslive.h>

/* Whether a failed call failed because the channel does not exist. */
static int no_such_channel(int status, const osslive_error *err)
{
    const char *code = osslive_error_code(err);
    return status == OSSLIVE_ERR_SERVICE && code != NULL && strcmp(code, "NoSuchLiveChannel") == 0;
}

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
    const char *endpoint = getenv("OSS_ENDPOINT");
    const char *bucket = getenv("OSS_BUCKET");
    const char *region = getenv("OSS_REGION");
    osslive_config *config = NULL;
    osslive_client *client = NULL;
    osslive_channel_stat *stat = NULL;
    osslive_create_result *created = NULL;
    osslive_rtmp_url *url = NULL;
    osslive_error *err = NULL;
    int status;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CHANNEL\n", argv[0]);
        return 2;
    }
    if (endpoint == NULL || bucket == NULL) {
        fprintf(stderr, "error: set OSS_ENDPOINT and OSS_BUCKET\n");
        return 2;
    }
    printf("library: %s\n", osslive_version());

    config = osslive_config_new();
    if (config == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    status = osslive_config_set_endpoint(config, endpoint, &err);
    if (status == OSSLIVE_OK && region != NULL && region[0] != '\0') {
        status = osslive_config_set_region(config, region, &err);
    }
    if (status == OSSLIVE_OK) {
        status = osslive_client_new(config, &client, &err);
    }

    /* The stat says whether the channel exists; only a missing one is created. */
    if (status == OSSLIVE_OK) {
        status = osslive_get_live_channel_stat(client, bucket, argv[1], &stat, &err);
        if (no_such_channel(status, err)) {
            osslive_error_free(err);
            err = NULL;
            status = osslive_create_live_channel(client, bucket, argv[1], NULL, &created, &err);
            if (status == OSSLIVE_OK) {
                printf("created: %s\n", argv[1]);
                status = osslive_get_live_channel_stat(client, bucket, argv[1], &stat, &err);
            }
        }
    }
    if (status == OSSLIVE_OK) {
        printf("status: %s\n", live_status_name(osslive_channel_stat_status(stat)));
        status = osslive_sign_rtmp_url_valid_for(client, bucket, argv[1], NULL, 60, &url, &err);
    }
    /* The stream key holds the signature: only the server part is printed. */
    if (status == OSSLIVE_OK) {
        printf("push server: %s\n", osslive_rtmp_url_server(url));
    } else {
        fprintf(stderr, "error: %s: %s\n", osslive_status_str(status),
                err != NULL ? osslive_error_message(err) : "-");
    }

    osslive_rtmp_url_free(url);
    osslive_create_result_free(created);
    osslive_channel_stat_free(stat);
    osslive_error_free(err);
    osslive_client_free(client);
    osslive_config_free(config);
    return status == OSSLIVE_OK ? 0 : 1;
}
