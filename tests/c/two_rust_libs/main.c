/*
 * One C program, two Rust static libraries: libosslive.a and other.rs's libother.a,
 * built by tests/c_examples/linking.rs. Each carries its own Rust std; the link succeeds
 * only because libosslive.a exports nothing but osslive_* (make install and
 * scripts/build-capi localize the rest). Prints the version and the other library's sum.
 */

#include <stdio.h>
#include <string.h>

#include "osslive.h"

int other_rust_sum(int n);

int main(void)
{
    osslive_config *config = osslive_config_new();
    osslive_error *err = NULL;
    int status = osslive_config_set_endpoint(config, "http://127.0.0.1:9", &err);
    int sum = other_rust_sum(10);

    osslive_error_free(err);
    osslive_config_free(config);
    if (status != OSSLIVE_OK || sum != 55 || strcmp(osslive_version(), OSSLIVE_VERSION) != 0) {
        fprintf(stderr, "two_rust_libs: status %d, sum %d\n", status, sum);
        return 1;
    }
    printf("two rust libs: osslive %s, other 55\n", osslive_version());
    return 0;
}
