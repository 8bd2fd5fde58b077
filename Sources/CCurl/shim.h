/*
 * libcurl's curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
 * these wrappers give each the one argument type an option takes. Nothing else belongs here.
 */
#ifndef CORDIAL_CURL_SHIM_H
#define CORDIAL_CURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode cordial_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cordial_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cordial_curl_set_list(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cordial_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef size_t (*cordial_curl_io)(char *buffer, size_t size, size_t count, void *context);
static inline CURLcode cordial_curl_set_function(CURL *curl, CURLoption option, cordial_curl_io function) {
    return curl_easy_setopt(curl, option, function);
}
static inline CURLcode cordial_curl_get_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
#endif
