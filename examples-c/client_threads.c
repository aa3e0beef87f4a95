/*
 * A test of the header's promise that one osslive_client may be used by many
 * threads at once: 8 threads share ONE client, and each creates, inspects and
 * deletes 20 channels of its own. Exits 0 only if every call succeeded.
 *
 *   client_threads [PREFIX]
 *
 * Channels are named PREFIX-THREAD-N (PREFIX defaults to "threads").
 */

/* flockfile is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

#define THREAD_COUNT 8
#define CHANNELS_PER_THREAD 20

typedef struct worker {
    pthread_t thread;
    int index;
    osslive_client *client; /* shared by every worker, never freed by one */
    const char *bucket;
    const char *prefix;
    int failures; /* written by the worker, read by main after pthread_join */
} worker;

/* Prints a failure as one block: without the lock, lines of threads interleave. */
static void report_failure(const worker *w, const char *what, const char *channel, int status,
                           const osslive_error *err)
{
    flockfile(stderr);
    fprintf(stderr, "thread %d: %s %s failed\n", w->index, what, channel);
    example_print_error(status, err);
    funlockfile(stderr);
}

/* One channel's life: create, check it is idle, delete. Returns 0 if all went well. */
static int exercise_channel(const worker *w, const char *channel)
{
    osslive_create_result *created = NULL;
    osslive_channel_stat *stat = NULL;
    osslive_error *err = NULL;
    int status;
    int failed = 1;

    /* No configuration: the channel gets OSS's defaults. */
    status = osslive_create_live_channel(w->client, w->bucket, channel, NULL, &created, &err);
    if (status != OSSLIVE_OK) {
        report_failure(w, "create", channel, status, err);
        goto cleanup;
    }
    if (osslive_create_result_publish_url_count(created) == 0) {
        flockfile(stderr);
        fprintf(stderr, "thread %d: create %s returned no publish URL\n", w->index, channel);
        funlockfile(stderr);
        goto cleanup;
    }

    status = osslive_get_live_channel_stat(w->client, w->bucket, channel, &stat, &err);
    if (status != OSSLIVE_OK) {
        report_failure(w, "stat", channel, status, err);
        goto cleanup;
    }
    /* Nobody pushes to these channels, so anything but Idle is a wrong answer. */
    if (osslive_channel_stat_status(stat) != OSSLIVE_LIVE_IDLE) {
        flockfile(stderr);
        fprintf(stderr, "thread %d: %s is not idle (status %d)\n", w->index, channel,
                osslive_channel_stat_status(stat));
        funlockfile(stderr);
        goto cleanup;
    }

    status = osslive_delete_live_channel(w->client, w->bucket, channel, &err);
    if (status != OSSLIVE_OK) {
        report_failure(w, "delete", channel, status, err);
        goto cleanup;
    }
    failed = 0;

cleanup:
    osslive_channel_stat_free(stat);
    osslive_create_result_free(created);
    osslive_error_free(err);
    return failed;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    char channel[128];
    int i;

    for (i = 0; i < CHANNELS_PER_THREAD; i++) {
        snprintf(channel, sizeof channel, "%s-%d-%d", w->prefix, w->index, i);
        w->failures += exercise_channel(w, channel);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    worker workers[THREAD_COUNT];
    int started = 0;
    int failures = 0;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;
    int i;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [PREFIX]\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }

    memset(workers, 0, sizeof workers);
    for (i = 0; i < THREAD_COUNT; i++) {
        int rc;
        workers[i].index = i;
        workers[i].client = client;
        workers[i].bucket = env.bucket;
        workers[i].prefix = argc == 2 ? argv[1] : "threads";
        rc = pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
        if (rc != 0) {
            fprintf(stderr, "error: cannot start thread %d: %s\n", i, strerror(rc));
            failures++;
            break;
        }
        started++;
    }
    /* Join every started thread before the client is freed: they all use it. */
    for (i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        failures += workers[i].failures;
    }

    printf("threads: %d\n", started);
    printf("channels: %d\n", started * CHANNELS_PER_THREAD);
    printf("failures: %d\n", failures);
    if (failures == 0 && started == THREAD_COUNT) {
        exit_code = EXAMPLE_EXIT_OK;
    }

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
