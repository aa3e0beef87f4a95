/*
 * Show a VOD playlist (GetVodPlaylist): the .m3u8 text listing the .ts fragments
 * a push wrote between START and END. Unlike post_vod_playlist nothing is saved.
 *
 *   get_vod_playlist CHANNEL START END
 *
 * START and END are Unix times in seconds, END after START and at most one day
 * later. The playlist is printed as OSS sent it.
 */

#include <stdio.h>
#include <string.h>

#include "common.h"

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_vod_playlist *playlist = NULL;
    osslive_error *err = NULL;
    const char *channel;
    const char *text;
    size_t length;
    int64_t start_time;
    int64_t end_time;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CHANNEL START END\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    if (example_parse_unix_time(argv[2], "START", &start_time) != 0
        || example_parse_unix_time(argv[3], "END", &end_time) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_get_vod_playlist(client, env.bucket, channel, start_time, end_time, &playlist,
                                      &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    text = osslive_vod_playlist_text(playlist);
    fputs(text, stdout);
    /* Keep the shell prompt off the last line if the text lacks a final newline. */
    length = strlen(text);
    if (length == 0 || text[length - 1] != '\n') {
        putchar('\n');
    }
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_vod_playlist_free(playlist);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
