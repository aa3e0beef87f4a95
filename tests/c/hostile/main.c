/*
 * hostile_input: the osslive C API fed everything a careless or hostile caller can
 * pass: NULL for every pointer, strings that are not UTF-8, empty strings, 1 MB
 * strings, indexes past the end of every result, integer constants out of range and
 * absurd times. Every such call must come back with the documented status (or the
 * documented NULL/0/-1/false), leave its out-parameter alone, and send nothing.
 *
 * A test program: tests/c_examples/ builds it with examples-c/Makefile (static, shared
 * and ASan + UBSan) and runs it, also under valgrind. It prints one "ok N what" line per
 * check and stops at the first failure with "FAIL what: why" and exit status 1.
 *
 *   hostile_input calls [HUGE_BYTES]
 *       Every hostile call (nulls.c, strings.c, ranges.c, presign.c, contract.c). Nothing may
 *       reach the server: the test queues a fault on the emulator before and checks that
 *       it is still there afterwards. The "1 MB" strings are HUGE_BYTES long (default 1 MiB, at least
 *       2048): under valgrind, hashing megabytes through an unoptimised library takes
 *       minutes, and 160 KiB goes through the same code past the same limits (a URL's
 *       64 KiB, the HTTP layer's 128 KiB request head).
 *   hostile_input results SEEDED_CHANNEL [HUGE_BYTES]
 *       What takes requests (results.c): out-of-range indexes on real result handles
 *       (creates, lists, pages, reads the history of SEEDED_CHANNEL, a channel with at
 *       least one push record, and deletes what it created), and huge header values
 *       (user agent, credentials) sent to a live server.
 *
 * Environment: OSS_ENDPOINT, OSS_BUCKET, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET,
 * OSS_SESSION_TOKEN and OSS_REGION, as for the examples (examples-c/common.c reads them).
 */

#include "hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_calls(const example_env *env, size_t huge_bytes)
{
    char *huge = huge_string(huge_bytes, "");
    char *huge_m3u8 = huge_string(huge_bytes, ".m3u8");
    op_context ctx;
    osslive_client *client = op_context_init(&ctx, env);

    check_nulls(&ctx);
    check_strings(env, &ctx, huge, huge_m3u8);
    check_ranges(&ctx);
    check_presign(&ctx, huge, huge_m3u8);
    check_error_contract(&ctx);
    osslive_client_free(client);
    free(huge);
    free(huge_m3u8);
    return EXAMPLE_EXIT_OK;
}

/* Reads HUGE_BYTES; returns 0 when it is not a number of bytes in range. */
static size_t parse_huge_bytes(const char *text)
{
    char *end = NULL;
    unsigned long value;

    if (text[0] < '0' || text[0] > '9') {
        return 0;
    }
    value = strtoul(text, &end, 10);
    if (*end != '\0' || value < 2048 || value > 64UL * ONE_MB) {
        return 0;
    }
    return (size_t)value;
}

int main(int argc, char **argv)
{
    example_env env;
    size_t huge_bytes = ONE_MB;
    int code;
    int calls = argc >= 2 && strcmp(argv[1], "calls") == 0;
    int results = argc >= 3 && strcmp(argv[1], "results") == 0;
    int huge_arg = calls ? 2 : 3;

    if (!(calls && argc <= 3) && !(results && argc <= 4)) {
        fprintf(stderr, "usage: %s calls [HUGE_BYTES] | results SEEDED_CHANNEL [HUGE_BYTES]\n",
                argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (argc > huge_arg) {
        huge_bytes = parse_huge_bytes(argv[huge_arg]);
        if (huge_bytes == 0) {
            fprintf(stderr, "error: HUGE_BYTES must be a number of bytes, 2048 to 64 MiB\n");
            return EXAMPLE_EXIT_USAGE;
        }
    }
    if (example_read_env(&env) != 0) {
        return EXAMPLE_EXIT_USAGE;
    }
    printf("huge strings: %lu bytes\n", (unsigned long)huge_bytes);
    if (calls) {
        code = run_calls(&env, huge_bytes);
    } else {
        code = run_results(&env, argv[2], huge_bytes);
    }
    printf("checks passed: %lu\n", g_checks);
    return code;
}
