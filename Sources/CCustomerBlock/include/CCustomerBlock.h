/*
 * CCustomerBlock: a batch of customers as a segment run reads them, in one block of memory.
 *
 * The store lays a block out as it reads (CordialStore's CustomerFactsBlock: no Swift value
 * per field), the Lua host copies it into one userdata and serves a customer view's scalar
 * fields straight from it (CLuaHost/view.c). The rest of a customer (tags, attributes,
 * current labels) stays as stored text until a script reads it.
 *
 *   cordial_block header | count × cordial_block_row | texts
 */
#ifndef CORDIAL_CUSTOMER_BLOCK_H
#define CORDIAL_CUSTOMER_BLOCK_H

#include <stdint.h>

/* A day field without a day (no purchase yet). */
static const int64_t CORDIAL_NO_DAY = INT64_MIN;

enum {
    /* Read in C by a view. */
    CORDIAL_BLOCK_SOURCE, CORDIAL_BLOCK_EXTERNAL_ID, CORDIAL_BLOCK_GIVEN_NAME, CORDIAL_BLOCK_FAMILY_NAME,
    CORDIAL_BLOCK_LOCALE, CORDIAL_BLOCK_TIER, CORDIAL_BLOCK_CITY, CORDIAL_BLOCK_REGION, CORDIAL_BLOCK_BIRTHDAY,
    /* Read by Swift when a view is built whole: the stored JSON of the tags and attributes,
     * and the current labels as "segment\0label\0segment\0label\0…". */
    CORDIAL_BLOCK_TAGS, CORDIAL_BLOCK_ATTRIBUTES, CORDIAL_BLOCK_LABELS,
    CORDIAL_BLOCK_TEXTS
};

/* `length` bytes at `offset` of the block's texts; a length < 0 is none (nil). */
typedef struct {
    int32_t offset;
    int32_t length;
} cordial_block_text;

typedef struct {
    int64_t id;
    int64_t purchase_count;
    double purchase_total;
    int64_t first_day, last_day, created_day; /* days since 1970-01-01; CORDIAL_NO_DAY: none */
    cordial_block_text text[CORDIAL_BLOCK_TEXTS];
} cordial_block_row;

typedef struct {
    int32_t count;
    int32_t today;            /* set by the host: days since 1970 of the run, for days_since_last */
    int32_t strict_metatable; /* set by the host: registry reference of a purchases table's metatable */
    int32_t texts;            /* byte offset of the texts from the start of the block */
    cordial_block_row rows[];
} cordial_block;

#endif
