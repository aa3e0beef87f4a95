/*
 * Sign an RTMP push URL that expires at a given time, for an encoder to ingest to
 * a channel of a private bucket. Signing is local: no request is sent.
 *
 *   sign_rtmp_url CHANNEL PLAYLIST EXPIRES_UNIX
 *
 * PLAYLIST ("playlist.m3u8") overrides the channel's playlist name for this push;
 * an empty PLAYLIST ("") leaves it out. Only the URL is printed, so a script can
 * hand it straight to the encoder:
 *
 *   ffmpeg -re -i input.mp4 -c copy -f flv "$(sign_rtmp_url mychannel "" 1700003600)"
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_rtmp_url *url = NULL;
    osslive_error *err = NULL;
    const char *channel;
    const char *playlist;
    int64_t expires;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CHANNEL PLAYLIST EXPIRES_UNIX\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    /* NULL, not "", says plainly that the URL gets no playlistName parameter. */
    playlist = argv[2][0] != '\0' ? argv[2] : NULL;
    if (example_parse_unix_time(argv[3], "EXPIRES_UNIX", &expires) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_sign_rtmp_url(client, env.bucket, channel, playlist, expires, &url, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("%s\n", osslive_rtmp_url_url(url));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_rtmp_url_free(url);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
