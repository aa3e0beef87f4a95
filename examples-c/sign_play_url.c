/*
 * Sign the one URL a player needs to play a channel of a private bucket: a presigned
 * GET of the channel's playlist with x-oss-process=hls/sign, which makes OSS sign every
 * segment URI of the playlist it serves the same way. Signing is local: no request is
 * sent.
 *
 *   sign_play_url CHANNEL [PLAYLIST] [SECONDS]
 *
 * PLAYLIST is the live playlist ("playlist.m3u8", what create_channel configures, when
 * left out or "") or a VOD playlist written by post_vod_playlist. SECONDS is how long the
 * URL works, 3600 when left out, at most OSSLIVE_PRESIGN_MAX_SECONDS (7 days). The expiry
 * is printed first and the URL last, so a script takes the last line:
 *
 *   ffplay "$(sign_play_url mychannel | tail -n 1)"
 *
 * The URL is signed like the requests: V4 unless OSSLIVE_SIGNATURE_VERSION=1.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#define DEFAULT_SECONDS 3600

/*
 * Parses SECONDS: digits only, as strtoll alone would take spaces, a sign and trailing
 * junk. The range is the library's to check, so that its message names the rule.
 */
static int parse_seconds(const char *text, int64_t *out)
{
    char *end = NULL;
    long long value;

    if (text[0] < '0' || text[0] > '9') {
        goto refuse;
    }
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0') {
        goto refuse;
    }
    *out = (int64_t)value;
    return 0;

refuse:
    fprintf(stderr, "error: SECONDS %s is not a number of seconds\n", text);
    return -1;
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_presigned_url *url = NULL;
    osslive_error *err = NULL;
    const char *channel;
    const char *playlist = NULL;
    int64_t seconds = DEFAULT_SECONDS;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s CHANNEL [PLAYLIST] [SECONDS]\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    /* NULL, not "", says plainly that the channel's default playlist is meant. */
    if (argc >= 3 && argv[2][0] != '\0') {
        playlist = argv[2];
    }
    if (argc == 4 && parse_seconds(argv[3], &seconds) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_sign_play_url(client, env.bucket, channel, playlist, seconds, &url, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    example_print_time("expires", osslive_presigned_url_expires(url));
    printf("%s\n", osslive_presigned_url_url(url));
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_presigned_url_free(url);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
