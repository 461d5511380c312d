/* SPDX-License-Identifier: MIT */
/* A symbol table: intern() maps a name to the one symbol object with that
 * name. The table holds symbols weakly: a symbol no code uses any more is
 * reclaimed, its entry goes with it, and the next intern of its name makes
 * a new one. Names are byte strings copied into the table. */
#include <gc.h>
#include <gcweak.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct symbol { size_t len; char name[]; } symbol;

static gcweak_valmap *symbols;
static long made, forgotten;

static void count_forgotten(const void *name, size_t len, void *arg)
{
    (void)name; (void)len; (void)arg;
    forgotten++;
}

static void *make_symbol(const void *name, size_t len, void *arg)
{
    (void)arg;
    symbol *s = GC_MALLOC_ATOMIC(sizeof *s + len + 1);
    CHECK(s != NULL);
    s->len = len;
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    made++;
    return s;
}

static symbol *intern(const char *name)
{
    void *s = NULL;
    CHECK(gcweak_valmap_intern(symbols, name, strlen(name), make_symbol, NULL, &s) == GCWEAK_OK);
    return s;
}

#define KEPT 100
#define PARSED 10000
static symbol *in_use[KEPT];

/* Parses a "file" of PARSED identifiers; only the first KEPT stay in use. */
__attribute__((noinline)) static void parse(void)
{
    char name[32];
    for (int i = 0; i < PARSED; i++) {
        snprintf(name, sizeof name, "identifier_%d", i);
        symbol *s = intern(name);
        CHECK(s == intern(name));                   /* one object per name */
        CHECK(strcmp(s->name, name) == 0);
        if (i < KEPT)
            in_use[i] = s;
    }
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
    symbols = gcweak_valmap_new();
    CHECK(symbols != NULL);
    CHECK(gcweak_valmap_on_removal(symbols, count_forgotten, NULL) == GCWEAK_OK);
    parse();
    CHECK(made == PARSED);
    /* In main itself: clear_stack() then zeroes the stack right below main,
     * where parse() left stale symbol pointers. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
        gcweak_valmap_size(symbols);    /* any call delivers removals */
    }
    long released = forgotten, unused = PARSED - KEPT;
    long lingering = (long)gcweak_valmap_size(symbols) - KEPT;
    printf("symbols: %ld of %ld unused symbols released, %ld lingering\n", released, unused,
           lingering);
    CHECK(released <= unused);
    CHECK(released >= unused - unused / 20);
    CHECK(lingering <= unused / 20);
    /* Symbols in use are still the ones intern gives; a released name is
     * made anew. */
    for (int i = 0; i < KEPT; i++) {
        char name[32];
        snprintf(name, sizeof name, "identifier_%d", i);
        CHECK(intern(name) == in_use[i]);
    }
    long before = made;
    intern("identifier_9999");
    CHECK(made <= before + 1);
    puts("symbols: ok");
    return 0;
}
