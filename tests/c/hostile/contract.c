/*
 * The error contract (the top of osslive.h): *err must be NULL on entry. A call given an
 * error it has not freed yet, the mistake of chaining calls with one `&err`, must refuse
 * with OSSLIVE_ERR_INVALID_ARGUMENT, do nothing, and leave that error as it was, so that
 * the caller can still read and free it (valgrind sees a leak otherwise). A call that
 * succeeds leaves *err NULL, so `if (err)` never reports a failure that did not happen.
 */

#include "hostile.h"

#include <stdio.h>
#include <string.h>

/* A real error to pass back in: a refused endpoint. */
static osslive_error *used_error(osslive_config *config)
{
    osslive_error *err = NULL;
    int status = osslive_config_set_endpoint(config, NULL, &err);

    if (status != OSSLIVE_ERR_INVALID_ARGUMENT || err == NULL) {
        fail("contract: a used error", "set_endpoint(NULL) returned %d", status);
    }
    return err;
}

/* CALL with E = &err holding `used`: refused, *err still `used` and still readable. */
#define EXPECT_REFUSED_USED(WHAT, OUT, CALL)                                                 \
    do {                                                                                     \
        osslive_error *err_ = used;                                                          \
        osslive_error **E = &err_;                                                           \
        int status_ = (CALL);                                                                \
        check_untouched((WHAT), (const void *)(OUT));                                        \
        if (status_ != OSSLIVE_ERR_INVALID_ARGUMENT) {                                       \
            fail((WHAT), "with a used *err: returned %d (%s)", status_,                      \
                 osslive_status_str(status_));                                               \
        }                                                                                    \
        if (err_ != used) {                                                                  \
            fail((WHAT), "with a used *err: *err was replaced");                             \
        }                                                                                    \
        check_str((WHAT), osslive_error_message(err_), used_message);                        \
    } while (0)

void check_error_contract(const op_context *ctx)
{
    osslive_config *config = osslive_config_new();
    osslive_error *used;
    const char *used_message;
    osslive_client *client = SENTINEL;
    osslive_rtmp_url *url = SENTINEL;
    osslive_channel_stat *stat = SENTINEL;
    osslive_error *err = NULL;
    int status;

    check_not_null("contract: config_new", config);
    used = used_error(config);
    /* Compared as text below while `used` lives: a refused call must not change it. */
    used_message = osslive_error_message(used);

    /* A setter that would succeed, one that would fail, a constructor, an operation that
       would send a request, and a signer: each refuses before doing anything. */
    EXPECT_REFUSED_USED("contract: set_region with a used err", SENTINEL,
                        osslive_config_set_region(config, "cn-hangzhou", E));
    EXPECT_REFUSED_USED("contract: set_endpoint(NULL) with a used err", SENTINEL,
                        osslive_config_set_endpoint(config, NULL, E));
    EXPECT_REFUSED_USED("contract: client_new with a used err", client,
                        osslive_client_new(config, &client, E));
    EXPECT_REFUSED_USED("contract: sign_rtmp_url_valid_for with a used err", url,
                        osslive_sign_rtmp_url_valid_for(ctx->client, ctx->bucket, CHANNEL, NULL,
                                                        600, &url, E));
    EXPECT_REFUSED_USED("contract: get_live_channel_stat with a used err", stat,
                        osslive_get_live_channel_stat(ctx->client, ctx->bucket, CHANNEL, &stat,
                                                      E));
    pass("contract: a used err is refused and kept");

    /* The caller frees what it was given; then the same variable works again. */
    osslive_error_free(used);
    status = osslive_config_set_region(config, "cn-hangzhou", &err);
    check_ok("contract: set_region after freeing the error", status, err);

    /* A failure then a success through one variable, reset in between as documented: the
       success leaves it NULL. */
    status = osslive_config_set_endpoint(config, NULL, &err);
    check_int("contract: a failure fills err", status, OSSLIVE_ERR_INVALID_ARGUMENT);
    check_not_null("contract: a failure fills err", err);
    osslive_error_free(err);
    err = NULL;
    status = osslive_config_set_endpoint(config, NOWHERE, &err);
    check_ok("contract: a success after a reset leaves err NULL", status, err);
    osslive_config_free(config);
}
