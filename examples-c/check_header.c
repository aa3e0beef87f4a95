/*
 * `make check-header` compiles this file as C99, C11, C++98, C++11 and C++17, with gcc
 * and clang, under -pedantic-errors -Wall -Wextra -Werror: the header alone must be
 * valid, self-contained, and safe to include twice.
 */

#include "osslive.h"
#include "osslive.h"

/* The version macros agree with each other (a wrong shift once shipped elsewhere). */
#if OSSLIVE_VERSION_NUMBER != OSSLIVE_VERSION_MAJOR * 10000 + OSSLIVE_VERSION_MINOR * 100 + OSSLIVE_VERSION_PATCH
#error "OSSLIVE_VERSION_NUMBER does not match MAJOR.MINOR.PATCH"
#endif

/* The header brings its own integer types: no stdint.h before it was needed. */
int check_header_uses_types(const osslive_error *err);
int check_header_uses_types(const osslive_error *err)
{
    uint16_t http_status = osslive_error_http_status(err);
    bool retryable = osslive_error_is_retryable(err);
    return (int)http_status + (retryable ? 1 : 0) + (osslive_version() != NULL ? 1 : 0)
           + (osslive_version_number() == OSSLIVE_VERSION_NUMBER ? 1 : 0);
}
