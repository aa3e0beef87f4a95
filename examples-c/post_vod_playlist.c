/*
 * Build a VOD playlist (PostVodPlaylist): OSS collects the .ts fragments a push
 * wrote between START and END and saves an .m3u8 listing them as
 * CHANNEL/PLAYLIST in the bucket.
 *
 *   post_vod_playlist CHANNEL PLAYLIST START END
 *
 * START and END are Unix times in seconds, END after START and at most one day
 * later. To cover the last hour, as the OSS guide does:
 *
 *   post_vod_playlist mychannel playlist.m3u8 $(( $(date +%s) - 3540 )) $(( $(date +%s) + 60 ))
 */

#include <stdio.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    const char *channel;
    const char *playlist;
    int64_t start_time;
    int64_t end_time;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc != 5) {
        fprintf(stderr, "usage: %s CHANNEL PLAYLIST START END\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    playlist = argv[2];
    if (example_parse_unix_time(argv[3], "START", &start_time) != 0
        || example_parse_unix_time(argv[4], "END", &end_time) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_post_vod_playlist(client, env.bucket, channel, playlist, start_time, end_time,
                                       &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("channel: %s\n", channel);
    printf("playlist: %s/%s\n", channel, playlist);
    example_print_time("start time", start_time);
    example_print_time("end time", end_time);
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
