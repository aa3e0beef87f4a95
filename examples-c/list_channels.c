/*
 * List the LiveChannels of the bucket (ListLiveChannel), all pages of them.
 *
 *   list_channels [PREFIX [PAGE_SIZE]]
 *
 * PREFIX keeps only channels whose names start with it ("test" in the OSS guide).
 * PAGE_SIZE (1 to 1000, default 100) is how many channels each request asks for;
 * the pager follows the markers until OSS says the list is complete.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

/* OSS's own default page size, and its maximum. */
#define DEFAULT_PAGE_SIZE 100
#define MAX_PAGE_SIZE 1000

static void print_channel(const osslive_channel_list *page, size_t i)
{
    int64_t last_modified;
    size_t url;

    printf("channel: %s\n", osslive_channel_list_name(page, i));
    printf("  description: %s\n", osslive_channel_list_description(page, i));
    printf("  status: %s\n", example_channel_status_name(osslive_channel_list_status(page, i)));
    last_modified = osslive_channel_list_last_modified(page, i);
    /* 0 means OSS did not say. */
    if (last_modified != 0) {
        example_print_time("  last modified", last_modified);
    }
    /* Every URL OSS gave, usually one of each. */
    for (url = 0; url < osslive_channel_list_publish_url_count(page, i); url++) {
        example_print_str("  publish url", osslive_channel_list_publish_url_at(page, i, url));
    }
    for (url = 0; url < osslive_channel_list_play_url_count(page, i); url++) {
        example_print_str("  play url", osslive_channel_list_play_url_at(page, i, url));
    }
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_pager *pager = NULL;
    osslive_channel_list *page = NULL;
    osslive_error *err = NULL;
    const char *prefix = NULL;
    long page_size = DEFAULT_PAGE_SIZE;
    size_t total = 0;
    size_t pages = 0;
    size_t i;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc > 3) {
        fprintf(stderr, "usage: %s [PREFIX [PAGE_SIZE]]\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    /* An empty PREFIX is the same as none: every channel matches it. */
    if (argc >= 2 && argv[1][0] != '\0') {
        prefix = argv[1];
    }
    if (argc == 3) {
        char *end = NULL;
        errno = 0;
        page_size = strtol(argv[2], &end, 10);
        if (argv[2][0] < '0' || argv[2][0] > '9' || *end != '\0' || errno == ERANGE
            || page_size < 1 || page_size > MAX_PAGE_SIZE) {
            fprintf(stderr, "error: PAGE_SIZE %s is not a number from 1 to %d\n", argv[2],
                    MAX_PAGE_SIZE);
            return EXAMPLE_EXIT_USAGE;
        }
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_channel_pager_new(client, env.bucket, prefix, (int32_t)page_size, &pager, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    for (;;) {
        /* Each call sends one ListLiveChannel request; NULL means there is no more. */
        status = osslive_channel_pager_next(pager, &page, &err);
        if (status != OSSLIVE_OK || page == NULL) {
            break;
        }
        pages++;
        for (i = 0; i < osslive_channel_list_len(page); i++) {
            print_channel(page, i);
            total++;
        }
        /* Free each page as soon as it is printed: a big bucket need not fit in memory. */
        osslive_channel_list_free(page);
        page = NULL;
    }
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("channels: %lu\n", (unsigned long)total);
    printf("pages: %lu\n", (unsigned long)pages);
    exit_code = EXAMPLE_EXIT_OK;

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_channel_list_free(page);
    osslive_channel_pager_free(pager);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
