/* SPDX-License-Identifier: MIT */
/* Per-object result cache: an expensive result is computed once per object
 * and cached in a weak map keyed by the object. When the object dies, its
 * cached result is released too. Each result carries a counting finalizer
 * only so that this program can show the release. */
#include <gc.h>
#include <gcweak.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct document { int id; char text[60]; } document;
typedef struct summary { int doc_id; int length; } summary;

static gcweak_map *cache;           /* document * -> summary * */
static long computed, released;

static void count_release(void *obj, void *data)
{
    (void)obj; (void)data;
    released++;
}

static summary *summarize(const document *d)   /* the expensive part */
{
    summary *s = GC_MALLOC_ATOMIC(sizeof *s);
    CHECK(s != NULL);
    s->doc_id = d->id;
    s->length = 0;
    while (d->text[s->length])
        s->length++;
    GC_REGISTER_FINALIZER(s, count_release, NULL, NULL, NULL);
    computed++;
    return s;
}

static summary *cached_summary(const document *d)
{
    summary *s = gcweak_map_get(cache, d);
    if (s == NULL) {
        s = summarize(d);
        CHECK(gcweak_map_set(cache, d, s) == GCWEAK_OK);
    }
    return s;
}

#define KEPT 100
#define DOCS 10000
static document *docs[DOCS];

__attribute__((noinline)) static void open_documents(void)
{
    for (int i = 0; i < DOCS; i++) {
        document *d = GC_MALLOC(sizeof *d);
        CHECK(d != NULL);
        d->id = i;
        snprintf(d->text, sizeof d->text, "document number %d", i);
        docs[i] = d;
        CHECK(cached_summary(d) == cached_summary(d));  /* computed once */
    }
}

__attribute__((noinline)) static void close_documents(void)
{
    for (int i = KEPT; i < DOCS; i++)
        docs[i] = NULL;
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
    cache = gcweak_map_new();
    CHECK(cache != NULL);

    open_documents();
    CHECK(computed == DOCS);
    CHECK(released == 0);           /* every result is still in use */

    close_documents();
    /* In main itself, not in a collect() function: clear_stack() then zeroes
     * the stack right below main, where open_documents() left stale
     * document pointers. A function's own frame would sit on them,
     * uncleared. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
        gcweak_map_size(cache);     /* any call lets the cache drop dead entries */
        GC_invoke_finalizers();
    }

    /* Results of closed documents were released (5% tolerance for objects
     * a conservative collector keeps through stale stack words). */
    long closed = DOCS - KEPT;
    printf("result_cache: %ld of %ld results of closed documents released\n",
           released, closed);
    CHECK(released <= closed);
    CHECK(released >= closed - closed / 20);

    /* Open documents still hit the cache: nothing is recomputed. */
    for (int i = 0; i < KEPT; i++) {
        summary *s = cached_summary(docs[i]);
        CHECK(s->doc_id == i);
        CHECK(s->length == snprintf(NULL, 0, "document number %d", i));
    }
    CHECK(computed == DOCS);
    puts("result_cache: ok");
    return 0;
}
