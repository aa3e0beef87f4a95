/*
 * The C side of the osslive benchmark harness (benches/harness.rs runs it).
 *
 *   c_bench osslive stat|create ENDPOINT REGION AK SK BUCKET CHANNEL CALLS
 *       CALLS calls of osslive_get_live_channel_stat or osslive_create_live_channel
 *       through the C ABI over one client (libosslive.a, linked statically).
 *   c_bench floor REQUEST_FILE HOST PORT CALLS
 *       The floor in C: writes the bytes of REQUEST_FILE (one complete HTTP request)
 *       CALLS times over one keep-alive TCP connection, reading each response by its
 *       Content-Length without looking at the body.
 *
 * Both do a few untimed warm-up calls first (the first one connects), then time every
 * call with CLOCK_MONOTONIC and print one line:
 *
 *   calls=N elapsed_ns=T calls_per_s=R p50_ns=A p99_ns=B
 *
 * Exit status 0, or 1 with a reason on stderr when any call fails: a benchmark of
 * failing calls would measure the wrong thing.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "osslive.h"

#define WARMUP_CALLS 50

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void report(size_t calls, uint64_t elapsed, uint64_t *lat)
{
    size_t p99 = (calls * 99) / 100;
    if (p99 >= calls) {
        p99 = calls - 1;
    }
    qsort(lat, calls, sizeof lat[0], cmp_u64);
    printf("calls=%zu elapsed_ns=%llu calls_per_s=%.1f p50_ns=%llu p99_ns=%llu\n", calls,
           (unsigned long long)elapsed, (double)calls * 1e9 / (double)elapsed,
           (unsigned long long)lat[calls / 2], (unsigned long long)lat[p99]);
}

static size_t parse_calls(const char *text)
{
    char *end = NULL;
    unsigned long long n = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || n == 0 || n > 10000000ull) {
        fprintf(stderr, "c_bench: CALLS must be 1..10000000, not %s\n", text);
        exit(2);
    }
    return (size_t)n;
}

/* ---- through the C ABI ------------------------------------------------------------ */

static int one_call(const osslive_client *client, int create, const char *bucket,
                    const char *channel)
{
    osslive_error *err = NULL;
    int status;
    if (create) {
        osslive_create_result *result = NULL;
        status = osslive_create_live_channel(client, bucket, channel, NULL, &result, &err);
        osslive_create_result_free(result);
    } else {
        osslive_channel_stat *stat = NULL;
        status = osslive_get_live_channel_stat(client, bucket, channel, &stat, &err);
        osslive_channel_stat_free(stat);
    }
    if (status != OSSLIVE_OK) {
        fprintf(stderr, "c_bench: call failed: %s: %s\n", osslive_status_str(status),
                err != NULL ? osslive_error_message(err) : "(no details)");
    }
    osslive_error_free(err);
    return status;
}

static int bench_osslive(char **argv)
{
    const char *op = argv[2], *endpoint = argv[3], *region = argv[4], *ak = argv[5];
    const char *sk = argv[6], *bucket = argv[7], *channel = argv[8];
    size_t calls = parse_calls(argv[9]);
    int create;
    osslive_config *config = NULL;
    osslive_client *client = NULL;
    osslive_error *err = NULL;
    uint64_t *lat = NULL;
    uint64_t start;
    size_t i;
    int rc = 1;

    if (strcmp(op, "stat") == 0) {
        create = 0;
    } else if (strcmp(op, "create") == 0) {
        create = 1;
    } else {
        fprintf(stderr, "c_bench: unknown operation %s\n", op);
        return 2;
    }
    lat = malloc(calls * sizeof *lat);
    config = osslive_config_new();
    if (lat == NULL || config == NULL) {
        fprintf(stderr, "c_bench: out of memory\n");
        goto done;
    }
    if (osslive_config_set_endpoint(config, endpoint, &err) != OSSLIVE_OK
        || osslive_config_set_region(config, region, &err) != OSSLIVE_OK
        || osslive_config_set_credentials(config, ak, sk, NULL, &err) != OSSLIVE_OK
        || osslive_client_new(config, &client, &err) != OSSLIVE_OK) {
        fprintf(stderr, "c_bench: cannot build the client: %s\n",
                err != NULL ? osslive_error_message(err) : "(no details)");
        goto done;
    }
    for (i = 0; i < WARMUP_CALLS; i++) {
        if (one_call(client, create, bucket, channel) != OSSLIVE_OK) {
            goto done;
        }
    }
    start = now_ns();
    for (i = 0; i < calls; i++) {
        uint64_t t = now_ns();
        if (one_call(client, create, bucket, channel) != OSSLIVE_OK) {
            goto done;
        }
        lat[i] = now_ns() - t;
    }
    report(calls, now_ns() - start, lat);
    rc = 0;

done:
    osslive_client_free(client);
    osslive_config_free(config);
    osslive_error_free(err);
    free(lat);
    return rc;
}

/* ---- the floor: fixed bytes over one socket ------------------------------------------ */

typedef struct raw_conn {
    int fd;
    char *buf;
    size_t cap;
} raw_conn;

/* Writes the request, reads one response by Content-Length; returns the status or -1. */
static int raw_roundtrip(raw_conn *c, const char *req, size_t req_len)
{
    size_t sent = 0, filled = 0, head = 0, want = 0;
    long content_length = -1;

    while (sent < req_len) {
        ssize_t n = write(c->fd, req + sent, req_len - sent);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        sent += (size_t)n;
    }
    for (;;) {
        ssize_t n;
        if (filled == c->cap) {
            char *bigger = realloc(c->buf, c->cap * 2);
            if (bigger == NULL) {
                return -1;
            }
            c->buf = bigger;
            c->cap *= 2;
        }
        n = read(c->fd, c->buf + filled, c->cap - filled);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        filled += (size_t)n;
        if (head == 0) {
            char *end = memmem(c->buf, filled, "\r\n\r\n", 4);
            char *line;
            if (end == NULL) {
                continue;
            }
            head = (size_t)(end - c->buf) + 4;
            /* The one header a reader needs to find the end of the body. */
            for (line = c->buf; line < end; ) {
                char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
                if (eol - line > 15 && strncasecmp(line, "content-length:", 15) == 0) {
                    content_length = strtol(line + 15, NULL, 10);
                }
                line = eol + 2;
            }
            if (content_length < 0) {
                return -1;
            }
            want = head + (size_t)content_length;
        }
        if (filled >= want) {
            return atoi(c->buf + 9);
        }
    }
}

static int bench_floor(char **argv)
{
    const char *path = argv[2], *host = argv[3];
    int port = atoi(argv[4]);
    size_t calls = parse_calls(argv[5]);
    raw_conn conn = {-1, NULL, 65536};
    struct sockaddr_in addr;
    uint64_t *lat = NULL;
    uint64_t start;
    char *req = NULL;
    long req_len;
    size_t i;
    int one = 1, rc = 1;
    FILE *f = fopen(path, "rb");

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (req_len = ftell(f)) <= 0
        || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "c_bench: cannot read %s\n", path);
        goto done;
    }
    req = malloc((size_t)req_len);
    lat = malloc(calls * sizeof *lat);
    conn.buf = malloc(conn.cap);
    if (req == NULL || lat == NULL || conn.buf == NULL
        || fread(req, 1, (size_t)req_len, f) != (size_t)req_len) {
        fprintf(stderr, "c_bench: cannot read %s\n", path);
        goto done;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    conn.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (conn.fd < 0 || inet_pton(AF_INET, host, &addr.sin_addr) != 1
        || connect(conn.fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        fprintf(stderr, "c_bench: cannot connect to %s:%d\n", host, port);
        goto done;
    }
    /* As ureq does: a request goes out at once. */
    setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (i = 0; i < WARMUP_CALLS; i++) {
        int status = raw_roundtrip(&conn, req, (size_t)req_len);
        if (status != 200) {
            fprintf(stderr, "c_bench: floor request answered %d\n", status);
            goto done;
        }
    }
    start = now_ns();
    for (i = 0; i < calls; i++) {
        uint64_t t = now_ns();
        if (raw_roundtrip(&conn, req, (size_t)req_len) != 200) {
            fprintf(stderr, "c_bench: floor request failed\n");
            goto done;
        }
        lat[i] = now_ns() - t;
    }
    report(calls, now_ns() - start, lat);
    rc = 0;

done:
    if (f != NULL) {
        fclose(f);
    }
    if (conn.fd >= 0) {
        close(conn.fd);
    }
    free(conn.buf);
    free(req);
    free(lat);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 10 && strcmp(argv[1], "osslive") == 0) {
        return bench_osslive(argv);
    }
    if (argc == 6 && strcmp(argv[1], "floor") == 0) {
        return bench_floor(argv);
    }
    fprintf(stderr,
            "usage: %s osslive stat|create ENDPOINT REGION AK SK BUCKET CHANNEL CALLS\n"
            "       %s floor REQUEST_FILE HOST PORT CALLS\n",
            argv[0], argv[0]);
    return 2;
}
