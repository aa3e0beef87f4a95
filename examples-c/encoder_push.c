/*
 * osslive inside an encoder: the example to start from when you write one on FFmpeg's
 * libraries. It encodes and pushes a stream itself (libavcodec, libavformat's RTMP
 * output) and uses osslive for everything around the push:
 *
 *   encoder_push CHANNEL [SECONDS]
 *
 * 1. The channel: GetLiveChannelInfo, and PutLiveChannel only if OSS answers
 *    NoSuchLiveChannel, so an existing channel keeps its configuration and status.
 * 2. A push URL signed for URL_VALID_S seconds: OSS checks the signature once, when the
 *    publish starts, so a short validity is enough and limits what a leaked URL allows.
 * 3. SECONDS (default 10) of test picture and tone, encoded (H.264 and AAC) and pushed
 *    in real time (encoder/test_source.c, encoder/rtmp_output.c).
 * 4. Meanwhile a second thread polls GetLiveChannelStat through the same client (an
 *    osslive_client may be shared by threads) until OSS shows the stream Live, and
 *    prints what OSS sees of it.
 * 5. After the push: GetLiveChannelHistory, once OSS has ended the push, and
 *    PostVodPlaylist of this push as CHANNEL/vod.m3u8.
 *
 * What an encoder must handle, and what this one does:
 * - A refused publish (URL expired or tampered with, channel disabled): the reason the
 *   server gave is printed, exit status 1. Nothing was pushed.
 * - The channel disabled during the push: OSS cuts the connection. The push stops, the
 *   history and VOD playlist are still made, exit status 3: an operator stopped the
 *   channel, so an encoder should not reconnect by itself.
 * - The connection lost otherwise: exit status 1.
 * - Ctrl-C (SIGINT or SIGTERM) ends the push early but properly, then goes on as after
 *   a complete push.
 * Exit status 2 is a usage error, as in the other examples.
 *
 * The signed URL is never printed: its query is a credential (and holds the STS token
 * when there is one). Only its server part is.
 */

/* clock_nanosleep, sigaction, flockfile and pthread_condattr_setclock are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "encoder/rtmp_output.h"
#include "encoder/test_source.h"

/* The push was cut off because the channel was disabled. */
#define EXIT_CHANNEL_DISABLED 3

#define DEFAULT_SECONDS 10
#define MAX_SECONDS 3600
#define URL_VALID_S 60
#define VOD_PLAYLIST "vod.m3u8"
/* How often the stat thread asks, and how long to wait for OSS to end the push. */
#define STAT_POLL_MS 500
#define PUSH_END_WAIT_MS 10000

/* A small stream: an example should not need a big machine to run in real time. */
static const rtmp_output_params STREAM = {
    .width = 320,
    .height = 180,
    .fps = 25,
    .video_bit_rate = 300000,
    .sample_rate = 44100,
    .audio_bit_rate = 64000,
};

/* Set by SIGINT and SIGTERM: the push loop ends the stream properly and goes on. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

/*
 * SIGINT and SIGTERM end the push properly. SIGPIPE is ignored: a server that closes
 * the connection must make a write fail, not kill the encoder.
 */
static int install_signal_handlers(void)
{
    struct sigaction stop;
    struct sigaction ignore;

    memset(&stop, 0, sizeof stop);
    stop.sa_handler = request_stop;
    sigemptyset(&stop.sa_mask);
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGINT, &stop, NULL) != 0 || sigaction(SIGTERM, &stop, NULL) != 0
        || sigaction(SIGPIPE, &ignore, NULL) != 0) {
        perror("error: sigaction");
        return -1;
    }
    return 0;
}

static int is_no_such_channel(int status, const osslive_error *err)
{
    const char *code = osslive_error_code(err);
    return status == OSSLIVE_ERR_SERVICE && code != NULL && strcmp(code, "NoSuchLiveChannel") == 0;
}

/*
 * Step 1: the channel exists afterwards. An existing one is left as it is, even when
 * disabled: then OSS refuses the publish and the encoder reports OSS's reason.
 */
static int ensure_channel(const osslive_client *client, const char *bucket, const char *channel,
                          osslive_error **err)
{
    osslive_channel_info *info = NULL;
    osslive_create_result *created = NULL;
    int status = osslive_get_live_channel_info(client, bucket, channel, &info, err);

    printf("channel: %s\n", channel);
    if (status == OSSLIVE_OK) {
        printf("created: no\n");
        printf("channel status: %s\n",
               example_channel_status_name(osslive_channel_info_status(info)));
        osslive_channel_info_free(info);
        return OSSLIVE_OK;
    }
    if (!is_no_such_channel(status, *err)) {
        return status;
    }
    osslive_error_free(*err);
    *err = NULL;
    /* NULL: OSS's defaults, HLS in 5 s fragments, 3 of them in playlist.m3u8. */
    status = osslive_create_live_channel(client, bucket, channel, NULL, &created, err);
    if (status == OSSLIVE_OK) {
        printf("created: yes\n");
        if (osslive_create_result_play_url_count(created) > 0) {
            printf("play url: %s\n", osslive_create_result_play_url(created, 0));
        }
    }
    osslive_create_result_free(created);
    return status;
}

/* The channel's live status now, or -1 (with the error printed) when OSS cannot say. */
static int current_live_status(const osslive_client *client, const char *bucket,
                               const char *channel)
{
    osslive_channel_stat *stat = NULL;
    osslive_error *err = NULL;
    int status = osslive_get_live_channel_stat(client, bucket, channel, &stat, &err);
    int live_status = -1;

    if (status == OSSLIVE_OK) {
        live_status = osslive_channel_stat_status(stat);
    } else {
        example_print_error(status, err);
    }
    osslive_channel_stat_free(stat);
    osslive_error_free(err);
    return live_status;
}

/* ---- Step 4: the stat thread ---------------------------------------------------------- */

typedef struct stat_monitor {
    pthread_t thread;
    const osslive_client *client; /* shared with the main thread */
    const char *bucket;
    const char *channel;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC: a clock change cannot stretch a wait */
    int stop;            /* set by the main thread, under lock */
    int saw_live;        /* read by the main thread after pthread_join */
    int saw_media;
} stat_monitor;

/*
 * Prints what one stat shows; returns 1 once it showed everything there is to see
 * (Live, with video and audio). One flockfile per block: the main thread prints too.
 */
static int report_stat(stat_monitor *m, const osslive_channel_stat *stat)
{
    if (osslive_channel_stat_status(stat) != OSSLIVE_LIVE_LIVE) {
        return 0;
    }
    flockfile(stdout);
    if (!m->saw_live) {
        m->saw_live = 1;
        printf("stat: Live\n");
        example_print_time("connected time", osslive_channel_stat_connected_time(stat));
        example_print_str("remote addr", osslive_channel_stat_remote_addr(stat));
    }
    /* OSS knows the stream's properties once its metadata and first frames arrived. */
    if (osslive_channel_stat_has_video(stat) && osslive_channel_stat_has_audio(stat)) {
        m->saw_media = 1;
        printf("video: %lux%lu, %lu fps, %s\n",
               (unsigned long)osslive_channel_stat_video_width(stat),
               (unsigned long)osslive_channel_stat_video_height(stat),
               (unsigned long)osslive_channel_stat_video_frame_rate(stat),
               osslive_channel_stat_video_codec(stat) != NULL
                   ? osslive_channel_stat_video_codec(stat)
                   : "unknown codec");
        printf("audio: %lu Hz, %s\n", (unsigned long)osslive_channel_stat_audio_sample_rate(stat),
               osslive_channel_stat_audio_codec(stat) != NULL
                   ? osslive_channel_stat_audio_codec(stat)
                   : "unknown codec");
    }
    funlockfile(stdout);
    return m->saw_media;
}

/* Waits ms milliseconds or until told to stop; returns whether to stop. */
static int wait_or_stop(stat_monitor *m, long ms)
{
    struct timespec until;
    int stop;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        if (pthread_cond_timedwait(&m->wake, &m->lock, &until) == ETIMEDOUT) {
            break;
        }
    }
    stop = m->stop;
    pthread_mutex_unlock(&m->lock);
    return stop;
}

static void *monitor_stat(void *arg)
{
    stat_monitor *m = arg;
    int failures = 0;

    for (;;) {
        osslive_channel_stat *stat = NULL;
        osslive_error *err = NULL;
        int done = 0;
        int status = osslive_get_live_channel_stat(m->client, m->bucket, m->channel, &stat, &err);

        if (status == OSSLIVE_OK) {
            done = report_stat(m, stat);
        } else if (status == OSSLIVE_ERR_CANCELLED) {
            /* monitor_stop interrupted the call: the push is over. */
            done = 1;
        } else if (failures++ == 0) {
            /* A failed poll does not stop the push; the first one is worth telling. */
            flockfile(stderr);
            fprintf(stderr, "warning: GetLiveChannelStat failed during the push\n");
            example_print_error(status, err);
            funlockfile(stderr);
        }
        osslive_channel_stat_free(stat);
        osslive_error_free(err);
        if (done || wait_or_stop(m, STAT_POLL_MS)) {
            return NULL;
        }
    }
}

static int monitor_start(stat_monitor *m, const osslive_client *client, const char *bucket,
                         const char *channel)
{
    pthread_condattr_t attr;
    int rc;

    memset(m, 0, sizeof *m);
    m->client = client;
    m->bucket = bucket;
    m->channel = channel;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &attr);
    pthread_condattr_destroy(&attr);
    rc = pthread_create(&m->thread, NULL, monitor_stat, m);
    if (rc != 0) {
        fprintf(stderr, "error: cannot start the stat thread: %s\n", strerror(rc));
        pthread_cond_destroy(&m->wake);
        pthread_mutex_destroy(&m->lock);
        return -1;
    }
    return 0;
}

/*
 * Stops the thread at once and joins it: it may be waiting between polls (the condition
 * variable wakes it) or inside a call that a slow network holds up (the interrupt ends
 * that call with OSSLIVE_ERR_CANCELLED). The main thread is in no call meanwhile, so
 * the interrupt ends only the monitor's; the client stays usable for what follows.
 */
static void monitor_stop(stat_monitor *m)
{
    pthread_mutex_lock(&m->lock);
    m->stop = 1;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    osslive_client_interrupt(m->client, NULL);
    pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->lock);
}

/* ---- Step 3: the push ----------------------------------------------------------------- */

typedef enum push_outcome {
    PUSH_COMPLETE,    /* every second was pushed */
    PUSH_INTERRUPTED, /* SIGINT or SIGTERM ended it early, properly */
    PUSH_REFUSED,     /* the server refused the publish */
    PUSH_CUT,         /* the connection failed or was cut during the push */
    PUSH_FAILED,      /* no connection, or a local failure */
} push_outcome;

/* Sleeps until `seconds` after `start` (CLOCK_MONOTONIC), or until a signal. */
static void sleep_until(const struct timespec *start, double seconds)
{
    struct timespec until = *start;
    long whole = (long)seconds;

    until.tv_sec += whole;
    until.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    /* EINTR: a signal came; the loop looks at stop_requested. */
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
}

/*
 * Publishes to `url` and pushes `seconds` of test media in real time: audio is sent
 * ahead up to the next picture, each picture at its time. *pushed_out is how much was
 * pushed, in seconds.
 */
static push_outcome push_test_stream(const char *url, int seconds, double *pushed_out, char *why,
                                     size_t why_size)
{
    rtmp_output *output = NULL;
    test_source *source = NULL;
    struct timespec start;
    push_outcome outcome = PUSH_FAILED;
    int rc;

    *pushed_out = 0;
    rc = rtmp_output_open(url, &STREAM, &output, why, why_size);
    if (rc != RTMP_OUTPUT_OK) {
        return rc == RTMP_OUTPUT_REFUSED ? PUSH_REFUSED : PUSH_FAILED;
    }
    if (test_source_new(STREAM.width, STREAM.height, STREAM.fps, STREAM.sample_rate,
                        rtmp_output_audio_frame_size(output), &source)
        != 0) {
        snprintf(why, why_size, "cannot create the test source (out of memory)");
        goto done;
    }

    clock_gettime(CLOCK_MONOTONIC, &start);
    rc = RTMP_OUTPUT_OK;
    while (rc == RTMP_OUTPUT_OK && !stop_requested
           && test_source_video_time(source) < (double)seconds) {
        const AVFrame *frame;
        while (rc == RTMP_OUTPUT_OK
               && test_source_audio_time(source) <= test_source_video_time(source)) {
            frame = test_source_next_audio(source);
            rc = frame != NULL ? rtmp_output_write_audio(output, frame, why, why_size)
                               : RTMP_OUTPUT_LOCAL;
        }
        if (rc != RTMP_OUTPUT_OK) {
            break;
        }
        sleep_until(&start, test_source_video_time(source));
        if (stop_requested) {
            break;
        }
        frame = test_source_next_video(source);
        rc = frame != NULL ? rtmp_output_write_video(output, frame, why, why_size)
                           : RTMP_OUTPUT_LOCAL;
        *pushed_out = test_source_video_time(source);
    }
    if (rc == RTMP_OUTPUT_LOCAL && why[0] == '\0') {
        snprintf(why, why_size, "out of memory");
    }
    if (rc == RTMP_OUTPUT_OK) {
        /* The end of the stream, sent properly: the encoders' last frames, unpublish. */
        rc = rtmp_output_finish(output, why, why_size);
    }
    if (rc == RTMP_OUTPUT_OK) {
        outcome = stop_requested ? PUSH_INTERRUPTED : PUSH_COMPLETE;
    } else {
        outcome = rc == RTMP_OUTPUT_NETWORK ? PUSH_CUT : PUSH_FAILED;
    }

done:
    test_source_free(source);
    rtmp_output_free(output);
    return outcome;
}

/* ---- Step 5: after the push ----------------------------------------------------------- */

/*
 * OSS ends a push when it notices the publisher left, a moment after the connection
 * closed; the history has the push only then. Waits until the channel is no longer
 * Live, at most PUSH_END_WAIT_MS.
 */
static void wait_for_push_end(const osslive_client *client, const char *bucket,
                              const char *channel)
{
    struct timespec pause = {0, 200 * 1000000L};
    int waited_ms;

    for (waited_ms = 0; waited_ms < PUSH_END_WAIT_MS; waited_ms += 200) {
        int live_status = current_live_status(client, bucket, channel);
        if (live_status != OSSLIVE_LIVE_LIVE) {
            return;
        }
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "warning: the channel is still Live %d s after the push\n",
            PUSH_END_WAIT_MS / 1000);
}

/*
 * GetLiveChannelHistory, then PostVodPlaylist over the latest push in it (this one):
 * its start and end come from OSS's clock, which the fragments' times follow too.
 */
static int history_and_vod(const osslive_client *client, const char *bucket, const char *channel,
                           osslive_error **err)
{
    osslive_channel_history *history = NULL;
    size_t count;
    size_t latest = 0;
    size_t i;
    int64_t start;
    int64_t end;
    int status = osslive_get_live_channel_history(client, bucket, channel, &history, err);

    if (status != OSSLIVE_OK) {
        return status;
    }
    count = osslive_channel_history_len(history);
    printf("history: %lu record(s)\n", (unsigned long)count);
    if (count == 0) {
        fprintf(stderr, "error: the history has no record of the push\n");
        osslive_channel_history_free(history);
        return OSSLIVE_ERR_INVALID_RESPONSE;
    }
    for (i = 1; i < count; i++) {
        if (osslive_channel_history_start_time(history, i)
            > osslive_channel_history_start_time(history, latest)) {
            latest = i;
        }
    }
    start = osslive_channel_history_start_time(history, latest);
    end = osslive_channel_history_end_time(history, latest);
    example_print_time("push start", start);
    example_print_time("push end", end);
    example_print_str("push remote addr", osslive_channel_history_remote_addr(history, latest));
    osslive_channel_history_free(history);

    /* The end second itself included: the last fragment may start in it. */
    status = osslive_post_vod_playlist(client, bucket, channel, VOD_PLAYLIST, start, end + 1, err);
    if (status == OSSLIVE_OK) {
        printf("vod playlist: %s/%s\n", channel, VOD_PLAYLIST);
    }
    return status;
}

/* ---- main ----------------------------------------------------------------------------- */

/* SECONDS: a whole number from 1 to MAX_SECONDS. */
static int parse_seconds(const char *text, int *out)
{
    char *end = NULL;
    long value;

    if (text[0] < '0' || text[0] > '9') {
        return -1;
    }
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 1 || value > MAX_SECONDS) {
        return -1;
    }
    *out = (int)value;
    return 0;
}

int main(int argc, char **argv)
{
    example_env env;
    osslive_client *client = NULL;
    osslive_rtmp_url *url = NULL;
    osslive_error *err = NULL;
    stat_monitor monitor;
    const char *channel;
    int seconds = DEFAULT_SECONDS;
    double pushed = 0;
    char why[512] = "";
    push_outcome outcome;
    int status = OSSLIVE_OK;
    int exit_code = EXAMPLE_EXIT_FAILED;

    if (argc < 2 || argc > 3 || (argc == 3 && parse_seconds(argv[2], &seconds) != 0)) {
        fprintf(stderr, "usage: %s CHANNEL [SECONDS]   (SECONDS from 1 to %d, default %d)\n",
                argv[0], MAX_SECONDS, DEFAULT_SECONDS);
        return EXAMPLE_EXIT_USAGE;
    }
    channel = argv[1];
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    if (install_signal_handlers() != 0) {
        return EXAMPLE_EXIT_FAILED;
    }

    status = example_client_new(&env, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = ensure_channel(client, env.bucket, channel, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    /* Step 2, just before connecting: the URL only has to be valid when the push starts. */
    status = osslive_sign_rtmp_url_valid_for(client, env.bucket, channel, NULL, URL_VALID_S,
                                             &url, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    printf("push server: %s\n", osslive_rtmp_url_server(url));
    example_print_time("url expires", osslive_rtmp_url_expires(url));
    printf("pushing: %d s of %dx%d H.264 at %d fps and %d Hz AAC\n", seconds, STREAM.width,
           STREAM.height, STREAM.fps, STREAM.sample_rate);
    fflush(stdout);

    if (monitor_start(&monitor, client, env.bucket, channel) != 0) {
        goto cleanup;
    }
    outcome = push_test_stream(osslive_rtmp_url_url(url), seconds, &pushed, why, sizeof why);
    monitor_stop(&monitor);
    printf("pushed: %.1f s\n", pushed);

    switch (outcome) {
    case PUSH_REFUSED:
        fprintf(stderr, "error: OSS refused the push: %s\n", why);
        goto cleanup;
    case PUSH_FAILED:
        fprintf(stderr, "error: the push failed: %s\n", why);
        goto cleanup;
    case PUSH_CUT:
        /* Cut off: by OSS because the channel was disabled, or by the network. */
        if (current_live_status(client, env.bucket, channel) != OSSLIVE_LIVE_DISABLED) {
            fprintf(stderr, "error: the push was cut off: %s\n", why);
            goto cleanup;
        }
        printf("stopped: the channel was disabled during the push\n");
        break;
    case PUSH_INTERRUPTED:
        printf("stopped: interrupted\n");
        break;
    case PUSH_COMPLETE:
        if (!monitor.saw_live) {
            fprintf(stderr, "warning: GetLiveChannelStat never showed the channel Live\n");
        }
        break;
    }

    wait_for_push_end(client, env.bucket, channel);
    status = history_and_vod(client, env.bucket, channel, &err);
    if (status == OSSLIVE_OK) {
        exit_code = outcome == PUSH_CUT ? EXIT_CHANNEL_DISABLED : EXAMPLE_EXIT_OK;
    }

cleanup:
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
    }
    osslive_rtmp_url_free(url);
    osslive_client_free(client);
    osslive_error_free(err);
    return exit_code;
}
