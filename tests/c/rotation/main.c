/*
 * credentials_rotation: credentials from C without fixed keys.
 *
 *   credentials_rotation rotate [SECONDS]
 *       One client shared by 8 threads that make requests for SECONDS (default 10),
 *       while its credentials callback rotates STS credentials: every generation is
 *       valid 5 seconds (4 to 5, in whole seconds), so the library asks for the next one
 *       about every 3 to 4 seconds. A first request from the main thread, before the
 *       others start, gets the first generation (and, under valgrind, pays for the first
 *       run of the library's code).
 *       The callback registers each new generation on the emulator (its admin endpoint
 *       POST /_emulator/credentials) before handing it out, and revokes the generation
 *       before the previous one (DELETE): one the library stopped using a rotation ago,
 *       so a client that kept old credentials would fail. The first attempt at the
 *       second generation fails on purpose: the library must report it to the log
 *       callback, go on with the first generation while it is valid, and ask again.
 *       Exits 0 only if no request failed, at least three generations were handed out
 *       and one revoked, the failure was reported, and the callback never ran in two
 *       threads at once.
 *   credentials_rotation chain
 *       One request from a client using the default credentials chain
 *       (osslive_config_use_default_credentials), wherever the environment points it.
 *
 * A test program: tests/c_examples/ builds it with examples-c/Makefile (static, shared
 * and ASan + UBSan) and runs it against the emulator, also under valgrind.
 *
 * Environment: OSS_ENDPOINT (http://127.0.0.1:PORT: the emulator, whose admin endpoint
 * the callback calls), OSS_BUCKET and OSS_REGION.
 */

/* flockfile, and the socket functions, are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define THREAD_COUNT 8
#define LIFETIME_SECONDS 5
/* The first attempt at this generation fails on purpose. */
#define FAILING_GENERATION 2

/* The callback's state, shared by every thread that makes a request. */
typedef struct rotation {
    pthread_mutex_t lock;
    struct sockaddr_in admin; /* the emulator */
    int pid;
    int generation;     /* generations handed out */
    int revoked;        /* generations revoked on the emulator */
    int failures_given; /* calls that failed on purpose */
    int in_callback;    /* a call is running */
    int overlapping;    /* calls that started while another was running */
    int reported;       /* log lines reporting a failed refresh */
} rotation;

typedef struct worker {
    pthread_t thread;
    int index;
    const osslive_client *client;
    const char *bucket;
    time_t until;
    int requests; /* written by the worker, read by main after pthread_join */
    int failures;
} worker;

/*
 * Sends "METHOD /_emulator/credentials?QUERY" to the emulator; returns the HTTP status,
 * or -1 when the exchange fails.
 */
static int admin_request(const struct sockaddr_in *addr, const char *method, const char *query)
{
    char request[1024];
    char answer[512];
    size_t got = 0;
    size_t sent = 0;
    int length;
    int status = -1;
    int fd;

    length = snprintf(request, sizeof request,
                      "%s /_emulator/credentials?%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Length: 0\r\nConnection: close\r\n\r\n",
                      method, query);
    if (length < 0 || (size_t)length >= sizeof request) {
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0) {
        close(fd);
        return -1;
    }
    while (sent < (size_t)length) {
        ssize_t n = write(fd, request + sent, (size_t)length - sent);
        if (n <= 0) {
            goto done;
        }
        sent += (size_t)n;
    }
    while (got < sizeof answer - 1) {
        ssize_t n = read(fd, answer + got, sizeof answer - 1 - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    answer[got] = '\0';
    if (sscanf(answer, "HTTP/1.1 %d", &status) != 1) {
        status = -1;
    }
done:
    /* The request carried a secret: leave none behind. */
    memset(request, 0, sizeof request);
    close(fd);
    return status;
}

/* Marks the end of a callback call. */
static int leave(rotation *r, int result)
{
    pthread_mutex_lock(&r->lock);
    r->in_callback = 0;
    pthread_mutex_unlock(&r->lock);
    return result;
}

/* The credentials callback: see the usage above. */
static int give_credentials(void *user_data, char *access_key_id, size_t access_key_id_size,
                            char *access_key_secret, size_t access_key_secret_size,
                            char *security_token, size_t security_token_size,
                            int64_t *expiration)
{
    rotation *r = user_data;
    char query[512];
    int next;
    int fail;
    int status;

    pthread_mutex_lock(&r->lock);
    if (r->in_callback) {
        r->overlapping++;
    }
    r->in_callback = 1;
    next = r->generation + 1;
    fail = next == FAILING_GENERATION && r->failures_given == 0;
    if (fail) {
        r->failures_given++;
    }
    pthread_mutex_unlock(&r->lock);
    if (fail) {
        return leave(r, -1);
    }

    /* Only characters a URL query carries as they are. */
    snprintf(access_key_id, access_key_id_size, "STS.rotation-%d-%d", r->pid, next);
    snprintf(access_key_secret, access_key_secret_size, "RotationSecret-%d-%d-0123456789",
             r->pid, next);
    snprintf(security_token, security_token_size, "STS.RotationToken-%d-%d", r->pid, next);

    /* The emulator accepts the new generation before the library uses it. */
    snprintf(query, sizeof query, "access-key-id=%s&access-key-secret=%s&security-token=%s",
             access_key_id, access_key_secret, security_token);
    status = admin_request(&r->admin, "POST", query);
    memset(query, 0, sizeof query);
    if (status != 200) {
        fprintf(stderr, "callback: adding generation %d answered %d\n", next, status);
        return leave(r, -2);
    }
    /* The one before the current generation has not been used for a rotation. */
    if (next >= 3) {
        snprintf(query, sizeof query, "access-key-id=STS.rotation-%d-%d", r->pid, next - 2);
        status = admin_request(&r->admin, "DELETE", query);
        if (status != 200) {
            fprintf(stderr, "callback: revoking generation %d answered %d\n", next - 2, status);
            return leave(r, -3);
        }
    }
    *expiration = (int64_t)time(NULL) + LIFETIME_SECONDS;

    pthread_mutex_lock(&r->lock);
    r->generation = next;
    if (next >= 3) {
        r->revoked++;
    }
    pthread_mutex_unlock(&r->lock);
    return leave(r, 0);
}

/* Counts the reports of failed refreshes, and shows every warning. */
static void on_log(void *user_data, int level, const char *message)
{
    rotation *r = user_data;

    if (level > OSSLIVE_LOG_WARN) {
        return;
    }
    flockfile(stderr);
    fprintf(stderr, "log: %s\n", message);
    funlockfile(stderr);
    if (strstr(message, "refreshing credentials failed") != NULL) {
        pthread_mutex_lock(&r->lock);
        r->reported++;
        pthread_mutex_unlock(&r->lock);
    }
}

static void *run_worker(void *arg)
{
    worker *w = arg;

    while (time(NULL) < w->until) {
        osslive_channel_list *list = NULL;
        osslive_error *err = NULL;
        int status = osslive_list_live_channel(w->client, w->bucket, NULL, NULL, 1, &list, &err);
        w->requests++;
        if (status != OSSLIVE_OK) {
            w->failures++;
            flockfile(stderr);
            fprintf(stderr, "thread %d: request %d failed\n", w->index, w->requests);
            example_print_error(status, err);
            funlockfile(stderr);
        }
        osslive_channel_list_free(list);
        osslive_error_free(err);
    }
    return NULL;
}

/* Fills the client settings every mode shares; returns an OSSLIVE_* status. */
static int configure(osslive_config *config, const char *endpoint, const char *region,
                     osslive_error **err)
{
    int status = osslive_config_set_endpoint(config, endpoint, err);
    if (status == OSSLIVE_OK) {
        status = osslive_config_set_region(config, region, err);
    }
    /* One attempt per call: a refused credential must show as a failure. */
    if (status == OSSLIVE_OK) {
        status = osslive_config_set_retry(config, 1, EXAMPLE_DEFAULT_RETRY_BASE_DELAY_MS, err);
    }
    return status;
}

static int rotate(const char *endpoint, const char *bucket, const char *region, int seconds)
{
    rotation r;
    char host[64];
    int port = 0;
    osslive_config *config = NULL;
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    worker workers[THREAD_COUNT];
    int started = 0;
    int requests = 0;
    int failures = 0;
    int status;
    int exit_code = EXAMPLE_EXIT_FAILED;
    int i;

    memset(&r, 0, sizeof r);
    pthread_mutex_init(&r.lock, NULL);
    r.pid = (int)getpid();
    if (sscanf(endpoint, "http://%63[0-9.]:%d", host, &port) != 2 ||
        inet_pton(AF_INET, host, &r.admin.sin_addr) != 1 || port <= 0 || port > 65535) {
        fprintf(stderr, "error: OSS_ENDPOINT must be http://IP:PORT, the emulator\n");
        pthread_mutex_destroy(&r.lock);
        return EXAMPLE_EXIT_USAGE;
    }
    r.admin.sin_family = AF_INET;
    r.admin.sin_port = htons((uint16_t)port);

    config = osslive_config_new();
    status = config == NULL ? OSSLIVE_ERR_PANIC : configure(config, endpoint, region, &err);
    if (status == OSSLIVE_OK) {
        status = osslive_config_set_credentials_callback(config, give_credentials, &r, &err);
    }
    if (status == OSSLIVE_OK) {
        status = osslive_config_set_log_callback(config, on_log, &r, OSSLIVE_LOG_WARN, &err);
    }
    if (status == OSSLIVE_OK) {
        status = osslive_client_new(config, &client, &err);
    }
    if (status != OSSLIVE_OK) {
        example_print_error(status, err);
        goto cleanup;
    }

    {
        osslive_channel_list *list = NULL;
        requests++;
        status = osslive_list_live_channel(client, bucket, NULL, NULL, 1, &list, &err);
        osslive_channel_list_free(list);
        if (status != OSSLIVE_OK) {
            example_print_error(status, err);
            goto cleanup;
        }
    }

    memset(workers, 0, sizeof workers);
    for (i = 0; i < THREAD_COUNT; i++) {
        int rc;
        workers[i].index = i;
        workers[i].client = client;
        workers[i].bucket = bucket;
        workers[i].until = time(NULL) + seconds;
        rc = pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
        if (rc != 0) {
            fprintf(stderr, "error: cannot start thread %d: %s\n", i, strerror(rc));
            failures++;
            break;
        }
        started++;
    }
    /* Every thread is joined before the client, the configuration and r go away. */
    for (i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        requests += workers[i].requests;
        failures += workers[i].failures;
    }

    printf("threads: %d\n", started);
    printf("requests: %d\n", requests);
    printf("failures: %d\n", failures);
    printf("generations: %d\n", r.generation);
    printf("revoked: %d\n", r.revoked);
    printf("failed on purpose: %d\n", r.failures_given);
    printf("failed refreshes reported: %d\n", r.reported);
    printf("overlapping calls: %d\n", r.overlapping);
    if (started == THREAD_COUNT && failures == 0 && requests > 0 && r.generation >= 3 &&
        r.revoked >= 1 && r.failures_given == 1 && r.reported >= 1 && r.overlapping == 0) {
        exit_code = EXAMPLE_EXIT_OK;
    }

cleanup:
    osslive_client_free(client);
    osslive_config_free(config);
    osslive_error_free(err);
    pthread_mutex_destroy(&r.lock);
    return exit_code;
}

static int chain(const char *endpoint, const char *bucket, const char *region)
{
    osslive_config *config = osslive_config_new();
    osslive_client *client = NULL;
    osslive_channel_list *list = NULL;
    osslive_error *err = NULL;
    int status;

    status = config == NULL ? OSSLIVE_ERR_PANIC : configure(config, endpoint, region, &err);
    if (status == OSSLIVE_OK) {
        status = osslive_config_use_default_credentials(config, &err);
    }
    if (status == OSSLIVE_OK) {
        status = osslive_client_new(config, &client, &err);
    }
    if (status == OSSLIVE_OK) {
        status = osslive_list_live_channel(client, bucket, NULL, NULL, 1, &list, &err);
    }
    if (status == OSSLIVE_OK) {
        printf("chain: ok\n");
    } else {
        example_print_error(status, err);
    }
    osslive_channel_list_free(list);
    osslive_client_free(client);
    osslive_config_free(config);
    osslive_error_free(err);
    return status == OSSLIVE_OK ? EXAMPLE_EXIT_OK : EXAMPLE_EXIT_FAILED;
}

int main(int argc, char **argv)
{
    const char *endpoint = getenv("OSS_ENDPOINT");
    const char *bucket = getenv("OSS_BUCKET");
    const char *region = getenv("OSS_REGION");
    int seconds = 10;

    if (argc < 2 || argc > 3 || endpoint == NULL || bucket == NULL || region == NULL) {
        fprintf(stderr, "usage: %s rotate [SECONDS] | chain (with OSS_ENDPOINT, OSS_BUCKET and "
                        "OSS_REGION set)\n", argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (strcmp(argv[1], "rotate") == 0) {
        if (argc == 3) {
            seconds = atoi(argv[2]);
        }
        if (seconds <= 0) {
            fprintf(stderr, "error: SECONDS must be a positive number\n");
            return EXAMPLE_EXIT_USAGE;
        }
        return rotate(endpoint, bucket, region, seconds);
    }
    if (strcmp(argv[1], "chain") == 0 && argc == 2) {
        return chain(endpoint, bucket, region);
    }
    fprintf(stderr, "error: unknown mode %s\n", argv[1]);
    return EXAMPLE_EXIT_USAGE;
}
