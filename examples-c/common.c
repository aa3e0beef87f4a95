/*
 * Helpers shared by the osslive C examples; see common.h.
 */

/* gmtime_r is POSIX, not C99: ask for it before any system header. */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An unset and an empty variable are both "missing": an empty key cannot sign anything. */
static const char *env_value(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        return NULL;
    }
    return value;
}

/* Reads a required variable, naming it on stderr when it is missing. */
static const char *required_env(const char *name, int *missing)
{
    const char *value = env_value(name);
    if (value == NULL) {
        fprintf(stderr, "error: environment variable %s is not set\n", name);
        *missing = 1;
    }
    return value;
}

/*
 * Reads an optional tuning variable: unset or empty leaves *out at 0 (the library's
 * default); otherwise it must be digits only, from 1 to UINT32_MAX. strtoul would
 * take spaces, a sign (even "-1", wrapped around) and trailing junk, so the digits
 * are checked here one by one. A bad value is named on stderr and sets *bad.
 */
static void tuning_env(const char *name, const char *what, uint32_t *out, int *bad)
{
    const char *value = env_value(name);
    const char *p;
    uint32_t n = 0;

    *out = 0;
    if (value == NULL) {
        return;
    }
    for (p = value; *p != '\0'; p++) {
        unsigned digit;
        if (*p < '0' || *p > '9') {
            goto refuse;
        }
        digit = (unsigned)(*p - '0');
        if (n > (UINT32_MAX - digit) / 10u) {
            goto refuse;
        }
        n = n * 10u + digit;
    }
    if (n == 0) {
        goto refuse;
    }
    *out = n;
    return;

refuse:
    fprintf(stderr, "error: environment variable %s is \"%s\", not %s from 1 to %lu\n", name,
            value, what, (unsigned long)UINT32_MAX);
    *bad = 1;
}

/*
 * Reads OSSLIVE_SIGNATURE_VERSION: unset or empty leaves *out at 0 (the library's
 * default, V4); otherwise exactly "1" or "4". A bad value is named on stderr and sets *bad.
 */
static void signature_version_env(int *out, int *bad)
{
    const char *value = env_value("OSSLIVE_SIGNATURE_VERSION");

    *out = 0;
    if (value == NULL) {
        return;
    }
    if (strcmp(value, "1") == 0) {
        *out = OSSLIVE_SIGNATURE_V1;
    } else if (strcmp(value, "4") == 0) {
        *out = OSSLIVE_SIGNATURE_V4;
    } else {
        fprintf(stderr,
                "error: environment variable OSSLIVE_SIGNATURE_VERSION is \"%s\", not 1 or 4\n",
                value);
        *bad = 1;
    }
}

int example_read_env(example_env *env)
{
    int missing = 0;
    int bad = 0;

    /* Check every variable before giving up, so one run lists everything to fix. */
    env->endpoint = required_env("OSS_ENDPOINT", &missing);
    env->bucket = required_env("OSS_BUCKET", &missing);
    env->access_key_id = required_env("OSS_ACCESS_KEY_ID", &missing);
    env->access_key_secret = required_env("OSS_ACCESS_KEY_SECRET", &missing);
    env->session_token = env_value("OSS_SESSION_TOKEN");
    env->region = env_value("OSS_REGION");
    if (missing) {
        fprintf(stderr,
                "set OSS_ENDPOINT, OSS_BUCKET, OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"
                " (and OSS_SESSION_TOKEN, OSS_REGION when needed)\n");
    }

    /* Optional tuning, checked even when something above is missing, for the same reason. */
    tuning_env("OSSLIVE_TIMEOUT_MS", "a number of milliseconds", &env->request_timeout_ms, &bad);
    tuning_env("OSSLIVE_CONNECT_TIMEOUT_MS", "a number of milliseconds", &env->connect_timeout_ms,
               &bad);
    tuning_env("OSSLIVE_MAX_ATTEMPTS", "a number of attempts", &env->max_attempts, &bad);
    tuning_env("OSSLIVE_DEADLINE_MS", "a number of milliseconds", &env->deadline_ms, &bad);
    signature_version_env(&env->signature_version, &bad);
    return (missing || bad) ? -1 : 0;
}

int example_client_new(const example_env *env, osslive_client **client_out, osslive_error **err)
{
    osslive_config *config = NULL;
    int status;

    config = osslive_config_new();
    if (config == NULL) {
        /* Only out of memory; there is no osslive_error to describe it. */
        fprintf(stderr, "error: out of memory creating the osslive configuration\n");
        status = OSSLIVE_ERR_INVALID_ARGUMENT;
        goto cleanup;
    }
    status = osslive_config_set_endpoint(config, env->endpoint, err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    /* Without OSS_REGION, osslive derives the region from an oss-REGION endpoint. */
    if (env->region != NULL) {
        status = osslive_config_set_region(config, env->region, err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    /*
     * Fixed credentials read once here, rather than osslive re-reading the
     * environment before each request: the example already checked the variables
     * and told the user which one was missing.
     */
    status = osslive_config_set_credentials(config, env->access_key_id, env->access_key_secret,
                                            env->session_token, err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    /* The tuning variables: each left at the library's default unless set. */
    if (env->signature_version != 0) {
        status = osslive_config_set_signature_version(config, env->signature_version, err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    if (env->request_timeout_ms != 0 || env->connect_timeout_ms != 0) {
        status = osslive_config_set_timeouts_ms(
            config,
            env->connect_timeout_ms != 0 ? env->connect_timeout_ms
                                         : EXAMPLE_DEFAULT_CONNECT_TIMEOUT_MS,
            env->request_timeout_ms != 0 ? env->request_timeout_ms
                                         : EXAMPLE_DEFAULT_REQUEST_TIMEOUT_MS,
            err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    if (env->max_attempts != 0) {
        status = osslive_config_set_retry(config, env->max_attempts,
                                          EXAMPLE_DEFAULT_RETRY_BASE_DELAY_MS, err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    if (env->deadline_ms != 0) {
        status = osslive_config_set_deadline_ms(config, env->deadline_ms, err);
        if (status != OSSLIVE_OK) {
            goto cleanup;
        }
    }
    status = osslive_client_new(config, client_out, err);

cleanup:
    /* The client keeps its own copy of the settings; the configuration can go. */
    osslive_config_free(config);
    return status;
}

void example_print_error(int status, const osslive_error *err)
{
    const char *text;
    uint16_t http_status;

    fprintf(stderr, "error: %s\n", osslive_status_str(status));
    if (err == NULL) {
        return;
    }
    fprintf(stderr, "message: %s\n", osslive_error_message(err));
    http_status = osslive_error_http_status(err);
    if (http_status != 0) {
        fprintf(stderr, "http status: %u\n", (unsigned)http_status);
    }
    text = osslive_error_code(err);
    if (text != NULL) {
        fprintf(stderr, "code: %s\n", text);
    }
    text = osslive_error_ec(err);
    if (text != NULL) {
        fprintf(stderr, "ec: %s\n", text);
    }
    /* The request id is what OSS support asks for; print it whenever there is one. */
    text = osslive_error_request_id(err);
    if (text != NULL) {
        fprintf(stderr, "request id: %s\n", text);
    }
}

int example_parse_unix_time(const char *text, const char *what, int64_t *out)
{
    char *end = NULL;
    long long value;

    /*
     * strtoll alone accepts leading spaces, a sign and trailing junk ("12abc" is
     * 12); a time typed wrongly must be refused, not silently truncated.
     */
    if (text[0] < '0' || text[0] > '9') {
        fprintf(stderr, "error: %s %s is not a Unix time in seconds\n", what, text);
        return -1;
    }
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0') {
        fprintf(stderr, "error: %s %s is not a Unix time in seconds\n", what, text);
        return -1;
    }
    *out = (int64_t)value;
    return 0;
}

void example_print_time(const char *label, int64_t unix_seconds)
{
    time_t t = (time_t)unix_seconds;
    struct tm tm;
    char text[64];

    /* Print the number too: it is what the other examples take as arguments. */
    if ((int64_t)t == unix_seconds && gmtime_r(&t, &tm) != NULL
        && strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
        printf("%s: %s (%lld)\n", label, text, (long long)unix_seconds);
    } else {
        printf("%s: %lld\n", label, (long long)unix_seconds);
    }
}

void example_print_str(const char *label, const char *value)
{
    if (value != NULL) {
        printf("%s: %s\n", label, value);
    }
}

const char *example_channel_status_name(int status)
{
    switch (status) {
    case OSSLIVE_CHANNEL_ENABLED:
        return "enabled";
    case OSSLIVE_CHANNEL_DISABLED:
        return "disabled";
    default:
        return "unknown";
    }
}
