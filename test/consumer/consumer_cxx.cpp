/* SPDX-License-Identifier: MIT */
/* An out-of-tree C++17 program using the installed gcweak.hpp, built by
 * run.sh next to consumer.c: typed map and set, an exception for a bad key,
 * keys dying. */
#include <gc.h>
#include <gcweak.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>

#define CHECK(cond) do { if (!(cond)) { \
    std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    std::exit(1); } } while (0)

struct user {
    int id;
};

static user *new_user(int id)
{
    void *mem = GC_MALLOC(sizeof(user));
    CHECK(mem != nullptr);
    return new (mem) user{id};
}

__attribute__((noinline)) static void visit_many(gcweak::weak_map<user *, int> &visits)
{
    for (int i = 0; i < 10000; i++)
        visits.set(new_user(i), 1);
}

__attribute__((noinline)) static void clear_stack()
{
    volatile char junk[64 * 1024];
    for (std::size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0;
}

int main()
{
    GC_INIT();
    CHECK(gcweak_version() / 10000 == GCWEAK_VERSION / 10000 && gcweak_version() >= GCWEAK_VERSION);
    gcweak::weak_map<user *, int> visits;
    gcweak::weak_set<user *> seen;
    user *alice = new_user(1);
    visits.set(alice, visits.get(alice).value_or(0) + 1);
    visits.set(alice, visits.get(alice).value_or(0) + 1);
    seen.add(alice);
    CHECK(visits.get(alice).value() == 2 && seen.has(alice));

    int local = 0;
    bool thrown = false;
    try {
        visits.set(reinterpret_cast<user *>(&local), 1);
    } catch (const std::invalid_argument &) {
        thrown = true;
    }
    CHECK(thrown);

    visit_many(visits);
    for (int i = 0; i < 4; i++) {
        clear_stack();
        GC_gcollect();
    }
    std::printf("consumer_cxx: %zu entries left of 10001\n", visits.size());
    CHECK(visits.size() >= 1 && visits.size() <= 1 + 500);
    CHECK(visits.get(alice).value() == 2);
    std::puts("consumer_cxx: all ok");
    return 0;
}
