/* SPDX-License-Identifier: MIT */
/* gcweak.hpp with gc_cpp objects as keys: typed maps and sets, exceptions
 * for bad keys and from callables, removal callbacks kept alive by the map,
 * handles that keep their container alive wherever they live. Exits non-zero
 * on the first failed CHECK. */
#include <gc_cpp.h>
#include <gcweak.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../harness/collect.h"

#define CHECK(cond) do { if (!(cond)) { \
    std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    std::exit(1); } } while (0)

#define CHECK_THROWS(type, expr) do { bool thrown_ = false; \
    try { (void)(expr); } catch (const type &) { thrown_ = true; } \
    CHECK(thrown_ && #type); } while (0)

namespace {

struct node : public gc {
    explicit node(std::uintptr_t i) : id(i) {}
    std::uintptr_t id;
    char pad[24] = {};
};

/* A collector object whose destruction is observable (gc_cleanup runs the
 * destructor when the collector reclaims it). */
struct witness : public gc_cleanup {
    explicit witness(int *flag) : destroyed(flag) {}
    ~witness() override { *destroyed = 1; }
    int *destroyed;
    int answer = 42;
};

constexpr int N = 10000;

/* Collections whose finalizers wait: with finalizers on demand, nothing
 * runs them until the program asks. */
inline __attribute__((always_inline)) void collect_without_finalizers()
{
    for (int i = 0; i < 4; i++) {
        clear_stack();
        GC_gcollect();
    }
}
constexpr std::size_t tolerance = N / 20;   /* conservative survivors */

void basics()
{
    gcweak::weak_map<node *, node *> m;
    node *a = new node(1), *b = new node(2);
    CHECK(m.size() == 0 && !m.has(a) && !m.get(a).has_value());
    m.set(a, b);
    m.set(b, nullptr);                       /* a stored null is not "absent" */
    CHECK(m.size() == 2 && m.has(a) && m.has(b));
    CHECK(m.get(a).value() == b);
    CHECK(m.get(b).has_value() && *m.get(b) == nullptr);
    CHECK(m.erase(b) && !m.erase(b) && !m.get(b).has_value());

    const node *ca = a;                      /* const keys and values */
    gcweak::weak_map<const node *, const node *> cm;
    cm.set(ca, ca);
    CHECK(cm.get(ca).value() == ca);

    gcweak::map_options opt{};
    opt.flags = GCWEAK_MAP_POINTER_FREE_VALUES;
    gcweak::weak_map<node *, long> ints(opt);   /* integer values */
    ints.set(a, -7);
    ints.set(b, 123456789L);
    CHECK(ints.get(a).value() == -7 && ints.get(b).value() == 123456789L);
    CHECK(ints.statistics().entries == 2);
    m.clear();
    CHECK(m.size() == 0 && !m.has(a));
    std::puts("weak_cxx: basics ok");
}

void errors()
{
    int on_stack = 0;
    gcweak::weak_map<int *, int> m;
    CHECK_THROWS(std::invalid_argument, m.set(&on_stack, 1));
    CHECK_THROWS(std::invalid_argument, m.set(nullptr, 1));
    CHECK(!m.get(&on_stack).has_value() && !m.has(&on_stack) && m.size() == 0);
    gcweak::weak_set<int *> s;
    CHECK_THROWS(std::invalid_argument, s.add(&on_stack));
    gcweak::map_options both{};
    both.flags = GCWEAK_MAP_WEAK_KEYS | GCWEAK_MAP_POINTER_FREE_VALUES;
    CHECK_THROWS(std::invalid_argument, (gcweak::weak_map<int *, int>(both)));
    gcweak::map_options dw{};
    dw.flags = GCWEAK_MAP_WEAK_VALUES | GCWEAK_MAP_WEAK_KEYS;
    CHECK_THROWS(std::invalid_argument, (gcweak::weak_map<int *, int *>(dw)));
    dw.flags = GCWEAK_MAP_WEAK_VALUES;
    gcweak::weak_map<node *, node *> doubly(dw);    /* values must be collector objects */
    node *dk = new node(1), *dv = new node(2);
    doubly.set(dk, dv);
    CHECK(doubly.get(dk).value() == dv);
    CHECK_THROWS(std::invalid_argument, doubly.set(dk, reinterpret_cast<node *>(&on_stack)));
    CHECK_THROWS(std::invalid_argument, doubly.on_removal([](node *) {}));
    gcweak::map_options unknown{};
    unknown.flags = 0x80;
    CHECK_THROWS(std::invalid_argument, (gcweak::weak_map<int *, int>(unknown)));
    std::puts("weak_cxx: errors ok");
}

/* Keys made here die when it returns: no pointer to them is left anywhere. */
__attribute__((noinline)) void fill(gcweak::weak_map<node *, std::uintptr_t> &m,
                                    gcweak::weak_set<node *> &s, node **keep)
{
    for (int i = 0; i < N; i++) {
        node *k = new node(i);
        m.set(k, static_cast<std::uintptr_t>(i) + 1);
        s.add(k);
        if (i % 2 == 0)
            keep[i / 2] = k;
    }
}

void keys_die_and_removal()
{
    static int witness_destroyed = 0;
    static long removed = 0;
    static std::uintptr_t removed_sum = 0;
    gcweak::map_options opt{};
    opt.flags = GCWEAK_MAP_POINTER_FREE_VALUES;
    gcweak::weak_map<node *, std::uintptr_t> m(opt);
    gcweak::weak_set<node *> s;
    {
        /* Only the callback holds the witness: the map keeps it alive. */
        witness *w = new witness(&witness_destroyed);
        m.on_removal([w](std::uintptr_t value) {
            CHECK(w->answer == 42);
            removed++;
            removed_sum += value;
        });
    }
    auto **keep = static_cast<node **>(GC_MALLOC_UNCOLLECTABLE(sizeof(node *) * N / 2));
    CHECK(keep != nullptr);
    fill(m, s, keep);
    CHECK(m.size() >= N / 2 && s.size() >= N / 2);   /* odd keys may die already */
    collect(4);
    std::size_t map_left = m.size() - N / 2, set_left = s.size() - N / 2;
    std::printf("weak_cxx: %zu of %d dead keys left in the map, %zu in the set, %ld removals\n",
                map_left, N / 2, set_left, removed);
    CHECK(m.size() >= N / 2 && map_left <= tolerance && set_left <= tolerance);
    CHECK(removed >= static_cast<long>(N / 2 - tolerance) && removed <= N / 2);
    CHECK(witness_destroyed == 0);
    for (int i = 0; i < N / 2; i++) {        /* survivors intact */
        CHECK(m.get(keep[i]).value() == static_cast<std::uintptr_t>(2 * i) + 1);
        CHECK(s.has(keep[i]));
    }

    /* A callback that throws: the call that ran it rethrows, after its work. */
    m.on_removal([](std::uintptr_t) { throw std::runtime_error("removal failed"); });
    for (int i = 0; i < N / 2; i += 2)
        keep[i] = nullptr;
    collect(4);
    bool thrown = false;
    try {
        (void)m.size();
    } catch (const std::runtime_error &e) {
        thrown = std::strcmp(e.what(), "removal failed") == 0;
    }
    CHECK(thrown);
    CHECK(m.size() >= N / 4 && m.size() <= N / 4 + tolerance);   /* and no more throws */
    m.on_removal(nullptr);

    /* Setting a callable delivers the removals already pending through it:
     * what it throws comes out of on_removal() itself, not out of a later
     * call on another map. */
    m.on_removal([](std::uintptr_t) {});
    for (int i = 1; i < N / 2; i += 4)
        keep[i] = nullptr;
    collect(4);                              /* removals pending, undelivered */
    bool from_on_removal = false;
    try {
        m.on_removal([](std::uintptr_t) { throw std::runtime_error("pending removal"); });
    } catch (const std::runtime_error &e) {
        from_on_removal = std::strcmp(e.what(), "pending removal") == 0;
    }
    CHECK(from_on_removal);
    gcweak::weak_map<node *, std::uintptr_t> unrelated(opt);
    node *probe = new node(1);
    CHECK(!unrelated.get(probe).has_value());    /* nothing left to rethrow */
    m.on_removal(nullptr);

    /* Replacing the callback lets the witness go (in 100 of 100 runs of
     * each collector mode; up to 10 rounds for conservative leftovers). */
    for (int i = 0; i < 10 && !witness_destroyed; i++)
        collect(4);
    CHECK(witness_destroyed == 1);
    GC_FREE(keep);
    std::puts("weak_cxx: keys die, removal callback ok");
}

void callables()
{
    gcweak::weak_map<node *, node *> m;
    node *keys[10];
    for (int i = 0; i < 10; i++) {
        keys[i] = new node(i);
        m.set(keys[i], new node(100 + i));
    }
    std::uintptr_t sum = 0;
    CHECK(m.for_each([&](node *k, node *v) { sum += v->id - k->id; }));
    CHECK(sum == 1000);
    int visited = 0;
    CHECK(!m.for_each([&](node *, node *) { return ++visited < 3; }));
    CHECK(visited == 3);
    visited = 0;
    CHECK_THROWS(std::logic_error, m.for_each([&](node *, node *) {
        if (++visited == 5)
            throw std::logic_error("stop");
    }));
    CHECK(visited == 5 && m.size() == 10);

    node *fresh = new node(7);
    int calls = 0;
    node *v1 = m.get_or_create(fresh, [&](node *k) { calls++; return new node(k->id * 2); });
    node *v2 = m.get_or_create(fresh, [&](node *) { calls++; return static_cast<node *>(nullptr); });
    CHECK(calls == 1 && v1 == v2 && v1->id == 14);
    node *other = new node(8);
    CHECK_THROWS(std::domain_error,
                 m.get_or_create(other, [](node *) -> node * { throw std::domain_error("no"); }));
    CHECK(!m.has(other));

    gcweak::weak_set<node *> s;
    for (node *k : keys)
        s.add(k);
    std::uintptr_t ids = 0;
    CHECK(s.for_each([&](node *k) { ids += k->id; }));
    CHECK(ids == 45 && s.erase(keys[0]) && !s.has(keys[0]) && s.size() == 9);
    CHECK(s.statistics().entries == 9);
    std::puts("weak_cxx: callables ok");
}

/* The map behind a handle, watched through a hidden disappearing link:
 * the link is cleared when the collector reclaims the map. */
GC_hidden_pointer watched;

void watch(gcweak_map *m)
{
    watched = GC_HIDE_POINTER(m);
    CHECK(GC_general_register_disappearing_link(reinterpret_cast<void **>(&watched),
                                                GC_base(m)) == GC_SUCCESS);
}

bool watched_alive()
{
    return watched != 0;
}

__attribute__((noinline)) void *handle_in_malloc_memory()
{
    void *mem = std::malloc(sizeof(gcweak::weak_map<node *, int>));
    CHECK(mem != nullptr);
    auto *h = new (mem) gcweak::weak_map<node *, int>();
    watch(h->c_map());
    return mem;
}

__attribute__((noinline)) void dropped_handle()
{
    gcweak::weak_map<node *, int> h;
    watch(h.c_map());
}

void handles()
{
    /* A handle the collector cannot see (malloc'd) still keeps its map. */
    auto *h = static_cast<gcweak::weak_map<node *, int> *>(handle_in_malloc_memory());
    collect(4);
    CHECK(watched_alive());
    node *k = new node(1);
    h->set(k, 5);
    CHECK(h->get(k).value() == 5);

    /* Copies share the map; a moved-from handle has none. */
    gcweak::weak_map<node *, int> copy = *h;
    copy.set(k, 6);
    CHECK(h->get(k).value() == 6);
    gcweak::weak_map<node *, int> moved = std::move(copy);
    CHECK(copy.c_map() == nullptr && !copy.get(k).has_value() && copy.size() == 0);
    CHECK_THROWS(std::invalid_argument, copy.set(k, 1));
    CHECK(moved.get(k).value() == 6);
    h->~weak_map();
    std::free(h);
    collect(4);
    CHECK(watched_alive());                  /* `moved` still holds it */
    CHECK(moved.get(k).value() == 6);

    /* And the watch can fail: a map whose last handle is gone is reclaimed
     * (so a handle that did not root its map would fail above). */
    GC_unregister_disappearing_link(reinterpret_cast<void **>(&watched));
    dropped_handle();
    for (int i = 0; i < 10 && watched_alive(); i++)
        collect(4);
    CHECK(!watched_alive());
    std::puts("weak_cxx: handles ok");
}

/* Refs to nodes made here, which nothing else keeps. */
__attribute__((noinline)) void make_dying_refs(std::vector<gcweak::weak_ref<node>> &refs)
{
    for (int i = 0; i < N; i++)
        refs.emplace_back(new node(static_cast<std::uintptr_t>(i)));
}

/* Targets made here die: each registered once, held = its number + 1. */
template <class Registry>
__attribute__((noinline)) void register_dying(Registry &reg)
{
    for (int i = 0; i < N; i++) {
        if constexpr (std::is_same_v<Registry, gcweak::finalization_registry<>>)
            reg.register_target(new node(0), nullptr);
        else
            reg.register_target(new node(0), static_cast<std::uintptr_t>(i) + 1);
    }
}

void refs_and_registries()
{
    node *kept = new node(7);
    gcweak::weak_ref<node> r(kept);
    gcweak::weak_ref<const node> cr(kept);
    CHECK(r.get() == kept && cr.get() == kept);
    int on_stack = 0;
    CHECK_THROWS(std::invalid_argument, gcweak::weak_ref<int>(&on_stack));
    std::vector<gcweak::weak_ref<node>> dying;
    make_dying_refs(dying);
    collect(4);
    std::size_t left = 0;
    for (const auto &d : dying)
        left += d.get() != nullptr;
    CHECK(left <= tolerance);
    CHECK(r.get() == kept && r.get()->id == 7);

    static long cleaned = 0;
    static std::uintptr_t cleaned_sum = 0;
    gcweak::finalization_registry<std::uintptr_t> reg([](std::uintptr_t held) {
        cleaned++;
        cleaned_sum += held;
    });
    CHECK_THROWS(std::invalid_argument, reg.register_target(&on_stack, 1));
    register_dying(reg);
    collect(4);
    (void)reg.cleanup();
    CHECK(cleaned >= static_cast<long>(N - tolerance) && cleaned <= N);
    CHECK(reg.cleanup() == 0);
    reg.register_target(kept, 5, kept);
    CHECK(reg.unregister(kept) == 1);

    /* What a callable throws inside cleanup() comes out of cleanup(). */
    gcweak::finalization_registry<> thrower([](void *) { throw std::runtime_error("cleanup"); });
    register_dying(thrower);
    collect_without_finalizers();
    bool thrown = false;
    try {
        (void)thrower.cleanup();
    } catch (const std::runtime_error &e) {
        thrown = std::strcmp(e.what(), "cleanup") == 0;
    }
    CHECK(thrown);
    std::puts("weak_cxx: weak_ref and finalization_registry ok");
}

/* Values made here are held only by the map. */
__attribute__((noinline)) void intern_dying(gcweak::weak_value_map<node *> &symbols)
{
    for (int i = 0; i < N; i++) {
        std::string name = "sym" + std::to_string(i);
        symbols.set(name, new node(static_cast<std::uintptr_t>(i)));
    }
}

void weak_values()
{
    gcweak::weak_value_map<node *> symbols;
    node *kept = new node(1);
    int calls = 0;
    node *a = symbols.intern("kept", [&](std::string_view) { calls++; return kept; });
    node *b = symbols.intern("kept", [&](std::string_view) { calls++; return new node(2); });
    CHECK(a == kept && b == kept && calls == 1);
    CHECK(symbols.get(std::string_view("kept", 4)) == kept);
    CHECK(symbols.get("missing") == nullptr);
    int on_stack = 0;
    CHECK_THROWS(std::invalid_argument, symbols.set("bad", reinterpret_cast<node *>(&on_stack)));
    intern_dying(symbols);
    collect(4);
    CHECK(symbols.size() >= 1 && symbols.size() <= 1 + tolerance);
    CHECK(symbols.get("kept") == kept && symbols.erase("kept") && symbols.size() <= tolerance);
    std::puts("weak_cxx: weak_value_map ok");
}

void version()
{
    CHECK(gcweak_version() == GCWEAK_VERSION);
    std::string expected = std::to_string(GCWEAK_VERSION_MAJOR) + "." +
                           std::to_string(GCWEAK_VERSION_MINOR) + "." +
                           std::to_string(GCWEAK_VERSION_PATCH);
    CHECK(expected == gcweak_version_string());
    std::printf("weak_cxx: gcweak %s\n", gcweak_version_string());
}

} // namespace

int main()
{
    GC_INIT();
    basics();
    errors();
    keys_die_and_removal();
    callables();
    handles();
    GC_set_finalize_on_demand(1);
    refs_and_registries();
    weak_values();
    version();
    std::puts("weak_cxx: all ok");
    return 0;
}
