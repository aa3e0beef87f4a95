/*
 * What the files of the hostile_input test program share: the reporting and the checks
 * every group makes (support.c), the hostile values (support.c), the matrix of every
 * operation with one value in each string argument (operations.c), and the entry point
 * of each group of attacks. main.c says what the program does and how to run it.
 */

#ifndef OSSLIVE_TESTS_HOSTILE_H
#define OSSLIVE_TESTS_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define ONE_MB (1024 * 1024)

/* Nothing listens on the discard port: requests of clients with hostile settings go
   there, so they fail at connect and never reach the emulator. */
#define NOWHERE "http://127.0.0.1:9"

/* A valid channel name for the arguments that are not under test. */
#define CHANNEL "hostile-ch"

/* ------------------------------------------------------------------------------------ */
/* Reporting (support.c)                                                                */
/* ------------------------------------------------------------------------------------ */

/* How many checks passed so far; main prints it last. */
extern unsigned long g_checks;

/* Prints "FAIL what: why" and exits with status 1: the first failure ends the run. */
void fail(const char *what, const char *format, ...);

/* Counts a check and prints "ok N what". */
void pass(const char *what);

/* The one value out-parameters hold before a call that must not write them. */
extern double g_sentinel_storage;
#define SENTINEL ((void *)&g_sentinel_storage)

void check_untouched(const char *what, const void *out);
const char *message_of(const osslive_error *err);
void check_failure(const char *what, int status, osslive_error *err, int want, const char *name,
                   const char *field);
void check_status_only(const char *what, int status, int want);

/*
 * Runs CALL twice: with E = &err, expecting status WANT, an error naming NAME (and OSS
 * field FIELD, when not NULL); then with E = NULL, expecting WANT again. OUT is the
 * out-parameter CALL writes to, which must still be SENTINEL after each call; pass
 * SENTINEL when CALL has none.
 */
#define EXPECT_FAILURE(WHAT, WANT, NAME, FIELD, OUT, CALL)                                   \
    do {                                                                                     \
        osslive_error *err_ = NULL;                                                          \
        osslive_error **E = &err_;                                                           \
        int status_ = (CALL);                                                                \
        check_untouched((WHAT), (const void *)(OUT));                                        \
        check_failure((WHAT), status_, err_, (WANT), (NAME), (FIELD));                       \
        E = NULL;                                                                            \
        status_ = (CALL);                                                                    \
        check_untouched((WHAT), (const void *)(OUT));                                        \
        check_status_only((WHAT), status_, (WANT));                                          \
    } while (0)

#define EXPECT_INVALID(WHAT, NAME, FIELD, OUT, CALL)                                         \
    EXPECT_FAILURE(WHAT, OSSLIVE_ERR_INVALID_ARGUMENT, NAME, FIELD, OUT, CALL)

void check_ok(const char *what, int status, osslive_error *err);

#define EXPECT_OK(WHAT, CALL)                                                                \
    do {                                                                                     \
        osslive_error *err_ = NULL;                                                          \
        osslive_error **E = &err_;                                                           \
        int status_ = (CALL);                                                                \
        check_ok((WHAT), status_, err_);                                                     \
    } while (0)

void check_null(const char *what, const void *value);
void check_not_null(const char *what, const void *value);
void check_int(const char *what, long long value, long long want);
void check_str(const char *what, const char *value, const char *want);

/* A log callback that drops every line. */
void ignore_log(void *user_data, int level, const char *message);

/* A configuration client_new must refuse with `want_status`, clearly and not retryably. */
void refuse_client(const char *label, const osslive_config *config, int want_status);

/* ------------------------------------------------------------------------------------ */
/* Hostile values (support.c)                                                           */
/* ------------------------------------------------------------------------------------ */

/* Not UTF-8, each in its own way; the label says which. */
#define BAD_UTF8_COUNT 5
extern const char *const BAD_UTF8[BAD_UTF8_COUNT];
extern const char *const BAD_UTF8_LABEL[BAD_UTF8_COUNT];

/* `length` bytes of 'a' then `suffix`, NUL-terminated, on the heap. */
char *huge_string(size_t length, const char *suffix);

/* ------------------------------------------------------------------------------------ */
/* Operations (operations.c)                                                            */
/* ------------------------------------------------------------------------------------ */

/* What a call must say when one string argument holds the value under test. */
typedef struct arg_expect {
    const char *name;  /* in the message; NULL: do not try this argument */
    const char *field; /* osslive_error_field, or NULL when it is not an OSS rule */
} arg_expect;

typedef struct op_expect {
    arg_expect bucket, channel, playlist, prefix, marker;
} op_expect;

typedef struct op_context {
    const osslive_client *client;
    const char *bucket;
    int64_t vod_start, vod_end, expires;
} op_context;

/*
 * The examples' client from the environment (it never gets to send anything), with a
 * valid VOD range and expiry, so that only the argument under test is wrong. The caller
 * frees the client it returns once done with ctx.
 */
osslive_client *op_context_init(op_context *ctx, const example_env *env);

/*
 * Every operation with `value` in each of its string arguments in turn (the others
 * valid, so that a call that wrongly accepted the value would send a request).
 */
void check_operations_with(const op_context *ctx, const char *value, const char *label,
                           const op_expect *x);

/* ------------------------------------------------------------------------------------ */
/* The groups of attacks                                                                */
/* ------------------------------------------------------------------------------------ */

/* nulls.c: NULL for every pointer and handle, and the NULLs that are documented. */
void check_nulls(const op_context *ctx);

/* strings.c: strings that are not UTF-8, empty, 1 MB long, or hold a line break. */
void check_strings(const example_env *env, const op_context *ctx, const char *huge,
                   const char *huge_m3u8);

/* ranges.c: integers, constants and times out of range. */
void check_ranges(const op_context *ctx);

/* contract.c: the error contract: a used *err is refused and kept, a success leaves NULL. */
void check_error_contract(const op_context *ctx);

/* presign.c: every hostile argument of the presigned URL functions. */
void check_presign(const op_context *ctx, const char *huge, const char *huge_m3u8);

/* results.c: out-of-range indexes on real results, huge headers to a live server. */
int run_results(const example_env *env, const char *seeded, size_t huge_bytes);

#endif /* OSSLIVE_TESTS_HOSTILE_H */
