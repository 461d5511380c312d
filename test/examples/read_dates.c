/* SPDX-License-Identifier: MIT */
/* Read dates: a weak map from each message to the time it was read. The
 * date lives as long as its message; messages never read have no entry. */
#include <gc.h>
#include <gcweak.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct message { int id; char subject[60]; } message;

static gcweak_map *read_dates;      /* message * -> time_t * (GC-allocated) */

static void mark_read(message *m, time_t when)
{
    time_t *date = GC_MALLOC_ATOMIC(sizeof *date);
    CHECK(date != NULL);
    *date = when;
    CHECK(gcweak_map_set(read_dates, m, date) == GCWEAK_OK);  /* replaces */
}

/* true and *when set if the message was read */
static bool read_date(message *m, time_t *when)
{
    void *date;
    if (!gcweak_map_lookup(read_dates, m, &date))
        return false;
    *when = *(time_t *)date;
    return true;
}

#define KEPT     1000
#define MESSAGES 10000
#define T0       ((time_t)1700000000)
static message *mailbox[MESSAGES];

__attribute__((noinline)) static void receive_and_read_mail(void)
{
    for (int i = 0; i < MESSAGES; i++) {
        message *m = GC_MALLOC(sizeof *m);
        CHECK(m != NULL);
        m->id = i;
        snprintf(m->subject, sizeof m->subject, "message %d", i);
        mailbox[i] = m;
        if (i % 4 != 0)             /* every fourth message stays unread */
            mark_read(m, T0 + i);
    }
}

__attribute__((noinline)) static void delete_old_mail(void)
{
    for (int i = KEPT; i < MESSAGES; i++)
        mailbox[i] = NULL;
}

__attribute__((noinline)) static void clear_stack(void)
{
    volatile char junk[64 * 1024];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0;
}

int main(void)
{
    GC_INIT();
    read_dates = gcweak_map_new();
    CHECK(read_dates != NULL);

    receive_and_read_mail();
    CHECK(gcweak_map_size(read_dates) == MESSAGES / 4 * 3);
    mark_read(mailbox[1], T0 - 1);  /* reading again updates the date */
    CHECK(gcweak_map_size(read_dates) == MESSAGES / 4 * 3);

    delete_old_mail();
    /* In main itself, not in a collect() function: clear_stack() then zeroes
     * the stack right below main, where receive_and_read_mail() left stale
     * message pointers. A function's own frame would sit on them,
     * uncleared. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
    }

    /* Dates of deleted messages are gone (5% tolerance for the few a
     * conservative collector may keep alive). */
    size_t kept_read = KEPT / 4 * 3, deleted_read = (MESSAGES - KEPT) / 4 * 3;
    CHECK(gcweak_map_size(read_dates) >= kept_read);
    size_t lingering = gcweak_map_size(read_dates) - kept_read;
    printf("read_dates: %zu of %zu dates of deleted messages remain\n",
           lingering, deleted_read);
    CHECK(lingering <= deleted_read / 20);

    /* Messages still in the mailbox keep exactly their own dates. */
    for (int i = 0; i < KEPT; i++) {
        time_t when = 0;
        CHECK(mailbox[i]->id == i);
        CHECK(read_date(mailbox[i], &when) == (i % 4 != 0));
        if (i % 4 != 0)
            CHECK(when == (i == 1 ? T0 - 1 : T0 + i));
    }
    puts("read_dates: ok");
    return 0;
}
