/*
 * cancel_calls: stopping blocked calls from another thread, as an encoder's Stop button
 * must.
 *
 *   cancel_calls CHANNEL
 *       Phase 1: 8 threads share one client and each calls osslive_get_live_channel_stat
 *       on CHANNEL, which the server stalls (the emulator's stall-body fault: headers and
 *       half the body, then silence for seconds). Once all are in their calls, the main
 *       thread calls osslive_client_interrupt: every call must end with
 *       OSSLIVE_ERR_CANCELLED, each error's status saying so.
 *       Phase 2: the same with osslive_client_shutdown instead; then one more call must
 *       fail with OSSLIVE_ERR_CANCELLED at once, and the client is freed.
 *       Prints, per phase, how many calls were cancelled and how long after the
 *       interrupt (or shutdown) the slowest one returned, in milliseconds:
 *           interrupted: 8
 *           slowest after interrupt ms: N
 *           shut down: 8
 *           slowest after shutdown ms: N
 *           later call: cancelled
 *       Exits 0 when every call was cancelled; the time limit is for the caller to judge
 *       (it depends on whether the program runs under valgrind).
 *
 * A test program: tests/c_examples/ builds it with examples-c/Makefile (static, shared and
 * ASan + UBSan), queues the stalls on the emulator and runs it, also under valgrind.
 *
 * Environment: as every example (OSS_ENDPOINT, OSS_BUCKET, OSS_ACCESS_KEY_ID,
 * OSS_ACCESS_KEY_SECRET, OSS_REGION).
 */

/* clock_gettime and nanosleep are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"

#define THREAD_COUNT 8
/*
 * How long the main thread waits, once every worker has announced its call, before
 * cancelling: the workers are then blocked in the stalled body (or at worst still
 * sending, which cancels the same way). Generous for valgrind, which runs one thread at
 * a time.
 */
#define SETTLE_MS 1500

typedef struct shared {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int started; /* workers about to make their call */
} shared;

typedef struct worker {
    pthread_t thread;
    shared *shared;
    const osslive_client *client;
    const char *bucket;
    const char *channel;
    int status;       /* of the call, read by main after pthread_join */
    int error_status; /* osslive_error_status of its error, or 0 without one */
    struct timespec returned;
} worker;

static struct timespec now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static long long ms_between(struct timespec from, struct timespec to)
{
    return (long long)(to.tv_sec - from.tv_sec) * 1000 + (to.tv_nsec - from.tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static void *work(void *arg)
{
    worker *w = (worker *)arg;
    osslive_channel_stat *stat = NULL;
    osslive_error *err = NULL;

    pthread_mutex_lock(&w->shared->lock);
    w->shared->started++;
    pthread_cond_broadcast(&w->shared->changed);
    pthread_mutex_unlock(&w->shared->lock);
    w->status = osslive_get_live_channel_stat(w->client, w->bucket, w->channel, &stat, &err);
    w->returned = now();
    w->error_status = err == NULL ? 0 : osslive_error_status(err);
    osslive_channel_stat_free(stat);
    osslive_error_free(err);
    return NULL;
}

/*
 * Starts the workers, waits until they are in their calls, cancels them with `cancel`
 * and joins them. Returns how many ended cancelled (printing each that did not), and the
 * slowest one's time after the cancellation in *slowest_ms.
 */
static int run_phase(const osslive_client *client, const char *bucket, const char *channel,
                     int (*cancel)(const osslive_client *, osslive_error **),
                     long long *slowest_ms)
{
    shared s;
    worker workers[THREAD_COUNT];
    struct timespec cancelled_at;
    osslive_error *err = NULL;
    int cancelled = 0;
    int status;
    int i;

    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    s.started = 0;
    for (i = 0; i < THREAD_COUNT; i++) {
        workers[i].shared = &s;
        workers[i].client = client;
        workers[i].bucket = bucket;
        workers[i].channel = channel;
        workers[i].status = OSSLIVE_OK;
        workers[i].error_status = 0;
        if (pthread_create(&workers[i].thread, NULL, work, &workers[i]) != 0) {
            fprintf(stderr, "error: cannot start thread %d\n", i);
            exit(EXAMPLE_EXIT_FAILED);
        }
    }
    pthread_mutex_lock(&s.lock);
    while (s.started < THREAD_COUNT) {
        pthread_cond_wait(&s.changed, &s.lock);
    }
    pthread_mutex_unlock(&s.lock);
    sleep_ms(SETTLE_MS);

    cancelled_at = now();
    status = cancel(client, &err);
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
        osslive_error_free(err);
        exit(EXAMPLE_EXIT_FAILED);
    }
    *slowest_ms = 0;
    for (i = 0; i < THREAD_COUNT; i++) {
        long long after;
        pthread_join(workers[i].thread, NULL);
        after = ms_between(cancelled_at, workers[i].returned);
        if (after > *slowest_ms) {
            *slowest_ms = after;
        }
        if (workers[i].status == OSSLIVE_ERR_CANCELLED
            && workers[i].error_status == OSSLIVE_ERR_CANCELLED) {
            cancelled++;
        } else {
            fprintf(stderr, "thread %d: status %d (%s), error status %d\n", i, workers[i].status,
                    osslive_status_str(workers[i].status), workers[i].error_status);
        }
    }
    pthread_cond_destroy(&s.changed);
    pthread_mutex_destroy(&s.lock);
    return cancelled;
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_channel_stat *stat = NULL;
    osslive_error *err = NULL;
    long long slowest_ms;
    int interrupted;
    int shut_down;
    int status;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CHANNEL\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
        osslive_error_free(err);
        return EXAMPLE_EXIT_FAILED;
    }

    interrupted = run_phase(client, env.bucket, argv[1], osslive_client_interrupt, &slowest_ms);
    printf("interrupted: %d\n", interrupted);
    printf("slowest after interrupt ms: %lld\n", slowest_ms);

    shut_down = run_phase(client, env.bucket, argv[1], osslive_client_shutdown, &slowest_ms);
    printf("shut down: %d\n", shut_down);
    printf("slowest after shutdown ms: %lld\n", slowest_ms);

    /* Shut down for good: a later call sends nothing and says why. */
    status = osslive_get_live_channel_stat(client, env.bucket, argv[1], &stat, &err);
    if (status == OSSLIVE_ERR_CANCELLED && stat == NULL && err != NULL) {
        printf("later call: cancelled\n");
    } else {
        example_print_error(status, err);
    }
    osslive_error_free(err);
    osslive_channel_stat_free(stat);
    osslive_client_free(client);
    fflush(stdout);
    return interrupted == THREAD_COUNT && shut_down == THREAD_COUNT
                   && status == OSSLIVE_ERR_CANCELLED
               ? EXAMPLE_EXIT_OK
               : EXAMPLE_EXIT_FAILED;
}
