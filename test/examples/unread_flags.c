/* SPDX-License-Identifier: MIT */
/* Unread flags: a weak set holds the messages not read yet. The message
 * objects belong to the mailbox; the set only marks them, and a message
 * deleted from the mailbox drops out of the set by itself. */
#include <gc.h>
#include <gcweak.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct message { int id; char subject[60]; } message;

static gcweak_set *unread;

static void mark_read(message *m)   { gcweak_set_delete(unread, m); }
static bool is_unread(message *m)   { return gcweak_set_has(unread, m); }

#define KEPT     1000
#define MESSAGES 10000
static message *mailbox[MESSAGES];

__attribute__((noinline)) static void receive_mail(void)
{
    for (int i = 0; i < MESSAGES; i++) {
        message *m = GC_MALLOC(sizeof *m);
        CHECK(m != NULL);
        m->id = i;
        snprintf(m->subject, sizeof m->subject, "message %d", i);
        mailbox[i] = m;
        CHECK(gcweak_set_add(unread, m) == GCWEAK_OK);
        CHECK(gcweak_set_add(unread, m) == GCWEAK_OK);   /* no duplicate */
    }
}

__attribute__((noinline)) static void read_even_messages(void)
{
    for (int i = 0; i < MESSAGES; i += 2)
        mark_read(mailbox[i]);
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
    unread = gcweak_set_new();
    CHECK(unread != NULL);

    receive_mail();
    CHECK(gcweak_set_size(unread) == MESSAGES);

    read_even_messages();
    CHECK(gcweak_set_size(unread) == MESSAGES / 2);
    CHECK(!is_unread(mailbox[0]) && is_unread(mailbox[1]));
    CHECK(!gcweak_set_delete(unread, mailbox[0]));      /* already read */

    delete_old_mail();
    /* In main itself, not in a collect() function: clear_stack() then zeroes
     * the stack right below main, where receive_mail() left stale message
     * pointers. A function's own frame would sit on them, uncleared. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
    }

    /* Deleted unread messages left the set (5% tolerance for the few a
     * conservative collector may keep alive). */
    size_t kept_unread = KEPT / 2, deleted_unread = (MESSAGES - KEPT) / 2;
    CHECK(gcweak_set_size(unread) >= kept_unread);
    size_t lingering = gcweak_set_size(unread) - kept_unread;
    printf("unread_flags: %zu of %zu deleted unread messages still flagged\n",
           lingering, deleted_unread);
    CHECK(lingering <= deleted_unread / 20);

    /* Messages still in the mailbox keep exactly their flags. */
    for (int i = 0; i < KEPT; i++) {
        CHECK(mailbox[i]->id == i);
        CHECK(is_unread(mailbox[i]) == (i % 2 == 1));
    }
    mark_read(mailbox[1]);
    CHECK(!is_unread(mailbox[1]));
    puts("unread_flags: ok");
    return 0;
}
