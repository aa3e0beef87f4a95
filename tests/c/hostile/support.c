/*
 * The support of hostile_input: reporting ("ok N what", or "FAIL what: why" and exit 1),
 * the checks every group makes on a call's status, error and out-parameter, and the
 * hostile values themselves.
 */

#include "hostile.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------ */
/* Reporting                                                                            */
/* ------------------------------------------------------------------------------------ */

unsigned long g_checks;

void fail(const char *what, const char *format, ...)
{
    va_list args;

    printf("FAIL %s: ", what);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    exit(EXAMPLE_EXIT_FAILED);
}

void pass(const char *what)
{
    g_checks++;
    printf("ok %lu %s\n", g_checks, what);
}

/* Its address is SENTINEL (hostile.h). */
double g_sentinel_storage;

void check_untouched(const char *what, const void *out)
{
    if (out != SENTINEL) {
        fail(what, "the out-parameter was written on failure (%p)", (void *)(uintptr_t)out);
    }
}

const char *message_of(const osslive_error *err)
{
    return err == NULL ? "(no osslive_error)" : osslive_error_message(err);
}

/*
 * A call that failed before anything was sent: `want` as status, an osslive_error with
 * the same status, a message naming `name` (when not NULL), the OSS field `field` (when
 * not NULL), and none of what only an answer has. Frees err.
 */
void check_failure(const char *what, int status, osslive_error *err, int want, const char *name,
                   const char *field)
{
    const char *message;
    const char *got_field;

    if (status != want) {
        fail(what, "returned %d (%s), expected %d (%s); message: %s", status,
             osslive_status_str(status), want, osslive_status_str(want), message_of(err));
    }
    if (err == NULL) {
        fail(what, "returned %d but left *err NULL", status);
    }
    if (osslive_error_status(err) != status) {
        fail(what, "osslive_error_status is %d, the call returned %d", osslive_error_status(err),
             status);
    }
    message = osslive_error_message(err);
    if (message == NULL || message[0] == '\0') {
        fail(what, "the error has no message");
    }
    if (name != NULL && strstr(message, name) == NULL) {
        fail(what, "the message does not name %s: %s", name, message);
    }
    got_field = osslive_error_field(err);
    if (field != NULL && (got_field == NULL || strcmp(got_field, field) != 0)) {
        fail(what, "osslive_error_field is %s, expected %s (message: %s)",
             got_field == NULL ? "NULL" : got_field, field, message);
    }
    if (osslive_error_http_status(err) != 0 || osslive_error_request_id(err) != NULL
        || osslive_error_code(err) != NULL || osslive_error_ec(err) != NULL
        || osslive_error_host_id(err) != NULL) {
        fail(what, "the error carries answer details although nothing was sent: %s", message);
    }
    if (osslive_error_is_retryable(err)) {
        fail(what, "a refused argument is said to be retryable: %s", message);
    }
    osslive_error_free(err);
    pass(what);
}

void check_status_only(const char *what, int status, int want)
{
    char label[512];

    if (status != want) {
        fail(what, "with err NULL: returned %d (%s), expected %d (%s)", status,
             osslive_status_str(status), want, osslive_status_str(want));
    }
    snprintf(label, sizeof label, "%s (err NULL)", what);
    pass(label);
}

/* A call that must succeed, made with *err NULL: on success *err must still be NULL. */
void check_ok(const char *what, int status, osslive_error *err)
{
    if (status != OSSLIVE_OK) {
        fail(what, "returned %d (%s): %s", status, osslive_status_str(status),
             err == NULL ? "(*err not written)" : message_of(err));
    }
    if (err != NULL) {
        fail(what, "succeeded but wrote *err");
    }
    pass(what);
}

void check_null(const char *what, const void *value)
{
    if (value != NULL) {
        fail(what, "expected NULL, got %p", (void *)(uintptr_t)value);
    }
    pass(what);
}

void check_not_null(const char *what, const void *value)
{
    if (value == NULL) {
        fail(what, "expected a value, got NULL");
    }
    pass(what);
}

void check_int(const char *what, long long value, long long want)
{
    if (value != want) {
        fail(what, "got %lld, expected %lld", value, want);
    }
    pass(what);
}

void check_str(const char *what, const char *value, const char *want)
{
    if (value == NULL || strcmp(value, want) != 0) {
        fail(what, "got %s%s%s, expected \"%s\"", value == NULL ? "" : "\"",
             value == NULL ? "NULL" : value, value == NULL ? "" : "\"", want);
    }
    pass(what);
}

void ignore_log(void *user_data, int level, const char *message)
{
    (void)user_data;
    (void)level;
    (void)message;
}

/* A configuration client_new must refuse with `want_status`, clearly and not retryably. */
void refuse_client(const char *label, const osslive_config *config, int want_status)
{
    osslive_client *client = SENTINEL;
    osslive_error *err = NULL;
    char what[256];
    int status = osslive_client_new(config, &client, &err);

    snprintf(what, sizeof what, "%s: client_new refuses it with %s", label,
             osslive_status_str(want_status));
    check_untouched(what, client);
    if (status != want_status || err == NULL || osslive_error_status(err) != status) {
        fail(what, "returned %d (%s): %s", status, osslive_status_str(status), message_of(err));
    }
    if (osslive_error_is_retryable(err)) {
        fail(what, "said to be retryable: %s", message_of(err));
    }
    printf("  message: %.160s\n", osslive_error_message(err));
    osslive_error_free(err);
    pass(what);
}

/* ------------------------------------------------------------------------------------ */
/* Hostile values                                                                       */
/* ------------------------------------------------------------------------------------ */

/* Not UTF-8, each in its own way; the label says which. */
const char *const BAD_UTF8[] = {
    "\xff\xfe",         /* bytes that never occur in UTF-8 */
    "a\x80z",           /* a lone continuation byte */
    "\xc0\xaf",         /* an overlong encoding of '/' */
    "ab\xe2\x82",       /* a sequence cut short by the end */
    "\xed\xa0\x80.m3u8" /* a UTF-16 surrogate, with a valid playlist suffix */
};
const char *const BAD_UTF8_LABEL[] = {
    "invalid UTF-8 ff fe", "invalid UTF-8 lone continuation 80", "invalid UTF-8 overlong c0 af",
    "invalid UTF-8 truncated e2 82", "invalid UTF-8 surrogate ed a0 80"};

/* `length` bytes of 'a' then `suffix`, NUL-terminated, on the heap. */
char *huge_string(size_t length, const char *suffix)
{
    size_t suffix_length = strlen(suffix);
    char *s = malloc(length + 1);

    if (s == NULL) {
        fail("allocating a huge string", "out of memory");
    }
    memset(s, 'a', length - suffix_length);
    memcpy(s + length - suffix_length, suffix, suffix_length + 1);
    return s;
}
