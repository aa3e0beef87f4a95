/*
 * What takes requests (`hostile_input results`): out-of-range indexes on real result
 * handles, a pager read past its end, and header values too large to send, against a
 * live server.
 */

#include "hostile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the client's log lines, so the test sees them (and scans them for secrets). */
static void print_log(void *user_data, int level, const char *message)
{
    (void)user_data;
    printf("log %d: %s\n", level, message);
}

/* The indexes just past the end: len, len + 1 (when it does not wrap) and SIZE_MAX. */
static size_t past_end(size_t len, size_t which)
{
    switch (which) {
    case 0:
        return len;
    case 1:
        return len + 1 == 0 ? len : len + 1;
    default:
        return SIZE_MAX;
    }
}

static void check_create_result_indexes(const osslive_create_result *result)
{
    size_t publish = osslive_create_result_publish_url_count(result);
    size_t play = osslive_create_result_play_url_count(result);
    char what[256];
    size_t k;

    if (publish == 0 || play == 0) {
        fail("create result", "%zu publish and %zu play URLs", publish, play);
    }
    check_not_null("create_result_publish_url(len - 1)",
                   osslive_create_result_publish_url(result, publish - 1));
    check_not_null("create_result_play_url(len - 1)",
                   osslive_create_result_play_url(result, play - 1));
    for (k = 0; k < 3; k++) {
        snprintf(what, sizeof what, "create_result_publish_url(%zu) of %zu",
                 past_end(publish, k), publish);
        check_null(what, osslive_create_result_publish_url(result, past_end(publish, k)));
        snprintf(what, sizeof what, "create_result_play_url(%zu) of %zu", past_end(play, k), play);
        check_null(what, osslive_create_result_play_url(result, past_end(play, k)));
    }
}

static void check_list_indexes(const char *label, const osslive_channel_list *list)
{
    size_t len = osslive_channel_list_len(list);
    char what[256];
    size_t k;

    if (len > 0) {
        snprintf(what, sizeof what, "%s: channel_list_name(len - 1)", label);
        check_not_null(what, osslive_channel_list_name(list, len - 1));
    }
    for (k = 0; k < 3; k++) {
        size_t i = past_end(len, k);

        snprintf(what, sizeof what, "%s: channel_list_name(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_name(list, i));
        snprintf(what, sizeof what, "%s: channel_list_description(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_description(list, i));
        snprintf(what, sizeof what, "%s: channel_list_status(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_list_status(list, i), -1);
        snprintf(what, sizeof what, "%s: channel_list_last_modified(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_list_last_modified(list, i), 0);
        snprintf(what, sizeof what, "%s: channel_list_publish_url(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_publish_url(list, i));
        snprintf(what, sizeof what, "%s: channel_list_play_url(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_list_play_url(list, i));
    }
    snprintf(what, sizeof what, "%s: channel_list_prefix is not NULL", label);
    check_not_null(what, osslive_channel_list_prefix(list));
    snprintf(what, sizeof what, "%s: channel_list_marker is not NULL", label);
    check_not_null(what, osslive_channel_list_marker(list));
}

static void check_history_indexes(const char *label, const osslive_channel_history *history)
{
    size_t len = osslive_channel_history_len(history);
    char what[256];
    size_t k;

    if (len > 0) {
        snprintf(what, sizeof what, "%s: channel_history_remote_addr(len - 1)", label);
        check_not_null(what, osslive_channel_history_remote_addr(history, len - 1));
    }
    for (k = 0; k < 3; k++) {
        size_t i = past_end(len, k);

        snprintf(what, sizeof what, "%s: channel_history_start_time(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_history_start_time(history, i), 0);
        snprintf(what, sizeof what, "%s: channel_history_end_time(%zu) of %zu", label, i, len);
        check_int(what, osslive_channel_history_end_time(history, i), 0);
        snprintf(what, sizeof what, "%s: channel_history_remote_addr(%zu) of %zu", label, i, len);
        check_null(what, osslive_channel_history_remote_addr(history, i));
    }
}

/*
 * Header values too large for the HTTP layer's request head (a user agent, an access key
 * id, an STS token), sent to a live server: the call fails without sending anything and
 * does not claim a retry could help, since the same call can never be written. A huge
 * secret is only an HMAC key: the request goes out and the server refuses the
 * signature.
 */
static void check_oversized_headers(const example_env *env, const char *huge)
{
    static const char *const labels[] = {"user agent", "access key id", "security token"};
    char what[256];
    size_t i;

    for (i = 0; i < 3; i++) {
        osslive_config *config = osslive_config_new();
        osslive_client *client = NULL;
        osslive_channel_info *info = SENTINEL;
        osslive_error *err = NULL;
        int status;

        EXPECT_OK("oversized: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
        EXPECT_OK("oversized: region", osslive_config_set_region(config, "cn-hangzhou", E));
        EXPECT_OK("oversized: credentials",
                  osslive_config_set_credentials(config, i == 1 ? huge : env->access_key_id,
                                                 env->access_key_secret,
                                                 i == 2 ? huge : env->session_token, E));
        if (i == 0) {
            /* A user agent over 16 KiB is refused by the setter, naming it. */
            EXPECT_INVALID("oversized: user agent", "user_agent", "user_agent", SENTINEL,
                           osslive_config_set_user_agent(config, huge, E));
            osslive_config_free(config);
            continue;
        }
        EXPECT_OK("oversized: client_new", osslive_client_new(config, &client, E));
        osslive_config_free(config);

        snprintf(what, sizeof what, "huge %s to a live server: an error, not retryable",
                 labels[i]);
        status = osslive_get_live_channel_info(client, env->bucket, CHANNEL, &info, &err);
        check_untouched(what, info);
        if (status == OSSLIVE_OK || err == NULL) {
            fail(what, "returned %d (%s)", status, osslive_status_str(status));
        }
        printf("  message: %.160s\n", osslive_error_message(err));
        if (osslive_error_is_retryable(err)) {
            fail(what, "status %d (%s) is said to be retryable, but the same request can never "
                       "be written: %.300s",
                 status, osslive_status_str(status), osslive_error_message(err));
        }
        osslive_error_free(err);
        pass(what);
        osslive_client_free(client);
    }

    {
        osslive_config *config = osslive_config_new();
        osslive_client *client = NULL;
        osslive_channel_info *info = SENTINEL;

        EXPECT_OK("huge secret: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
        EXPECT_OK("huge secret: region", osslive_config_set_region(config, "cn-hangzhou", E));
        EXPECT_OK("huge secret: credentials",
                  osslive_config_set_credentials(config, env->access_key_id, huge,
                                                 env->session_token, E));
        EXPECT_OK("huge secret: client_new", osslive_client_new(config, &client, E));
        osslive_config_free(config);
        {
            osslive_error *err = NULL;
            int status = osslive_get_live_channel_info(client, env->bucket, CHANNEL, &info, &err);
            const char *what_secret = "huge secret to a live server: 403 SignatureDoesNotMatch";

            check_untouched(what_secret, info);
            if (status != OSSLIVE_ERR_SERVICE || osslive_error_http_status(err) != 403
                || osslive_error_code(err) == NULL
                || strcmp(osslive_error_code(err), "SignatureDoesNotMatch") != 0) {
                fail(what_secret, "returned %d (%s): %s", status, osslive_status_str(status),
                     message_of(err));
            }
            osslive_error_free(err);
            pass(what_secret);
        }
        osslive_client_free(client);
    }
}

int run_results(const example_env *env, const char *seeded, size_t huge_bytes)
{
    static const char *const created = "hostile-results";
    osslive_config *config = osslive_config_new();
    osslive_client *client = NULL;
    osslive_create_result *result = NULL;
    osslive_channel_list *list = NULL;
    osslive_channel_pager *pager = NULL;
    osslive_channel_history *history = NULL;
    char what[256];
    int pages = 0;

    /* The client of the examples, plus every log line on stdout. */
    EXPECT_OK("results: endpoint", osslive_config_set_endpoint(config, env->endpoint, E));
    if (env->region != NULL) {
        EXPECT_OK("results: region", osslive_config_set_region(config, env->region, E));
    }
    EXPECT_OK("results: credentials",
              osslive_config_set_credentials(config, env->access_key_id, env->access_key_secret,
                                             env->session_token, E));
    EXPECT_OK("results: log callback",
              osslive_config_set_log_callback(config, print_log, NULL, OSSLIVE_LOG_TRACE, E));
    EXPECT_OK("results: client_new", osslive_client_new(config, &client, E));
    osslive_config_free(config);

    EXPECT_OK("results: create_live_channel",
              osslive_create_live_channel(client, env->bucket, created, NULL, &result, E));
    check_create_result_indexes(result);
    osslive_create_result_free(result);

    EXPECT_OK("results: list_live_channel",
              osslive_list_live_channel(client, env->bucket, "hostile-", NULL, 0, &list, E));
    if (osslive_channel_list_len(list) < 2) {
        fail("results: list_live_channel", "expected both hostile- channels, got %zu",
             osslive_channel_list_len(list));
    }
    check_list_indexes("list", list);
    osslive_channel_list_free(list);
    list = NULL;

    EXPECT_OK("results: list_live_channel matching nothing",
              osslive_list_live_channel(client, env->bucket, "no-such-prefix-", NULL, 0, &list, E));
    check_int("results: empty list has no channels", (long long)osslive_channel_list_len(list), 0);
    check_list_indexes("empty list", list);
    osslive_channel_list_free(list);

    /* A pager past its end keeps answering "no more pages", and sends nothing more. */
    EXPECT_OK("results: channel_pager_new",
              osslive_channel_pager_new(client, env->bucket, "hostile-", 1, &pager, E));
    for (;;) {
        list = SENTINEL;
        snprintf(what, sizeof what, "results: channel_pager_next page %d", pages + 1);
        EXPECT_OK(what, osslive_channel_pager_next(pager, &list, E));
        if (list == NULL) {
            break;
        }
        if (list == SENTINEL) {
            fail(what, "succeeded without writing *list_out");
        }
        check_list_indexes("page", list);
        osslive_channel_list_free(list);
        if (++pages > 10) {
            fail("results: channel_pager_next", "more than 10 pages of one channel each");
        }
    }
    list = SENTINEL;
    EXPECT_OK("results: channel_pager_next after the end",
              osslive_channel_pager_next(pager, &list, E));
    check_null("results: channel_pager_next after the end gives NULL", list);
    osslive_channel_pager_free(pager);

    EXPECT_OK("results: get_live_channel_history of the seeded channel",
              osslive_get_live_channel_history(client, env->bucket, seeded, &history, E));
    if (osslive_channel_history_len(history) == 0) {
        fail("results: history of the seeded channel", "no records");
    }
    check_history_indexes("seeded history", history);
    osslive_channel_history_free(history);
    history = NULL;
    EXPECT_OK("results: get_live_channel_history of a new channel",
              osslive_get_live_channel_history(client, env->bucket, created, &history, E));
    check_int("results: a new channel has no history",
              (long long)osslive_channel_history_len(history), 0);
    check_history_indexes("empty history", history);
    osslive_channel_history_free(history);

    EXPECT_OK("results: delete_live_channel",
              osslive_delete_live_channel(client, env->bucket, created, E));
    osslive_client_free(client);

    {
        char *huge = huge_string(huge_bytes, "");
        check_oversized_headers(env, huge);
        free(huge);
    }
    return EXAMPLE_EXIT_OK;
}
