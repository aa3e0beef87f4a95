/*
 * Helpers shared by the osslive C examples: reading the environment, building a
 * client, parsing Unix times, and printing results and errors the same way in
 * every program. Each example keeps the osslive calls themselves in its own main()
 * so it reads like the matching section of the OSS "Manage LiveChannels" guide.
 */

#ifndef OSSLIVE_EXAMPLES_COMMON_H
#define OSSLIVE_EXAMPLES_COMMON_H

#include <stdint.h>

#include "osslive.h"

/* Exit codes: scripts can tell "you called me wrong" (2) from "the call failed" (1). */
#define EXAMPLE_EXIT_OK 0
#define EXAMPLE_EXIT_FAILED 1
#define EXAMPLE_EXIT_USAGE 2

/*
 * The library's defaults (see osslive.h), used for the half of a pair of settings
 * that is not given: osslive_config_set_timeouts_ms sets both timeouts at once, and
 * osslive_config_set_retry the attempts and the first backoff together.
 */
#define EXAMPLE_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define EXAMPLE_DEFAULT_REQUEST_TIMEOUT_MS 30000u
#define EXAMPLE_DEFAULT_RETRY_BASE_DELAY_MS 200u

/*
 * Where and as whom to connect, read from the environment. The strings belong to
 * the environment (getenv), so they need no freeing.
 *
 * The tuning fields are optional and 0 when their variable is unset or empty, which
 * keeps the library's default. When set, each must be a whole number from 1 to
 * 4294967295 written with digits only (no sign, no spaces, no unit), except
 * OSSLIVE_SIGNATURE_VERSION, which is exactly 1 (V1, HMAC-SHA1, for old buckets) or 4
 * (V4, the default): how requests and presigned URLs are signed.
 */
typedef struct example_env {
    const char *endpoint;          /* OSS_ENDPOINT, required */
    const char *bucket;            /* OSS_BUCKET, required */
    const char *access_key_id;     /* OSS_ACCESS_KEY_ID, required */
    const char *access_key_secret; /* OSS_ACCESS_KEY_SECRET, required */
    const char *session_token;     /* OSS_SESSION_TOKEN, NULL unless STS credentials */
    const char *region;            /* OSS_REGION, NULL to let osslive derive it */
    uint32_t request_timeout_ms;   /* OSSLIVE_TIMEOUT_MS: one request (default 30000) */
    uint32_t connect_timeout_ms;   /* OSSLIVE_CONNECT_TIMEOUT_MS: connecting (default 10000) */
    uint32_t max_attempts;         /* OSSLIVE_MAX_ATTEMPTS: per call, first included (default 3) */
    uint32_t deadline_ms;          /* OSSLIVE_DEADLINE_MS: one call, all attempts (default 60000) */
    int signature_version;         /* OSSLIVE_SIGNATURE_VERSION: 1 or 4 (default 4) */
} example_env;

/*
 * Fills env from the environment. Returns 0, or prints every missing or malformed
 * variable to stderr, naming it, and returns -1 (the caller then exits with
 * EXAMPLE_EXIT_USAGE).
 */
int example_read_env(example_env *env);

/*
 * Builds a client from env, applying the tuning variables that are set. Returns an
 * OSSLIVE_* status; on failure *err may hold the details (print them with
 * example_print_error).
 */
int example_client_new(const example_env *env, osslive_client **client_out, osslive_error **err);

/*
 * Prints a failed call to stderr: "error: <status text>", then the message, HTTP
 * status, OSS code, EC and request id lines that the error carries.
 */
void example_print_error(int status, const osslive_error *err);

/*
 * Parses a Unix time in seconds (digits only, no sign, no spaces). Returns 0, or
 * prints why `what` is not one and returns -1.
 */
int example_parse_unix_time(const char *text, const char *what, int64_t *out);

/* Prints "label: 2024-05-01T12:00:00Z (1714564800)". */
void example_print_time(const char *label, int64_t unix_seconds);

/* Prints "label: value", or nothing when value is NULL (the field is absent). */
void example_print_str(const char *label, const char *value);

/* "enabled" or "disabled" for OSSLIVE_CHANNEL_*, "unknown" otherwise. */
const char *example_channel_status_name(int status);

#endif /* OSSLIVE_EXAMPLES_COMMON_H */
