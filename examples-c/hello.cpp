// A C++ program using osslive.h: the header must compile as C++ (extern "C", no
// C-only constructs) and link from C++. It builds a client and frees it; no
// request is sent, so it runs without an OSS endpoint.

#include <cstdio>

#include "osslive.h"

int main()
{
    // Declared before any goto: C++ forbids jumping over initialisations.
    osslive_config *config = nullptr;
    osslive_client *client = nullptr;
    osslive_error *err = nullptr;
    int status = OSSLIVE_OK;
    int exit_code = 1;

    config = osslive_config_new();
    if (config == nullptr) {
        std::fprintf(stderr, "error: out of memory\n");
        goto cleanup;
    }
    // Placeholder settings: a client is only checked, not connected, when made.
    status = osslive_config_set_endpoint(config, "http://127.0.0.1:9", &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_config_set_region(config, "cn-hangzhou", &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_config_set_credentials(config, "hello-access-key-id", "hello-secret", nullptr,
                                            &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    status = osslive_client_new(config, &client, &err);
    if (status != OSSLIVE_OK) {
        goto cleanup;
    }
    std::printf("hello from C++: %s (header %s)\n", osslive_version(), OSSLIVE_VERSION);
    exit_code = 0;

cleanup:
    if (status != OSSLIVE_OK) {
        std::fprintf(stderr, "error: %s\n%s\n", osslive_status_str(status),
                     osslive_error_message(err));
    }
    osslive_client_free(client);
    osslive_config_free(config);
    osslive_error_free(err);
    return exit_code;
}
