/* SPDX-License-Identifier: MIT */
/**
 * @file gcweak.hpp
 * @brief C++17 wrappers over gcweak.h: gcweak::weak_map<Key, Value>,
 * gcweak::weak_set<Key>, gcweak::weak_value_map<V>, gcweak::weak_ref<T>
 * and gcweak::finalization_registry<Held>. Header-only; link gcweak as for C.
 *
 * - Keys are pointers to objects allocated by the collector (gc_cpp's
 *   `new (GC) T`, a class derived from `gc` or `gc_cleanup`, GC_MALLOC...),
 *   exactly as in C. Values are object pointers or integers no wider than a
 *   pointer; no casts through `void *` are needed.
 * - Errors are exceptions: std::invalid_argument for what C reports as
 *   GCWEAK_EINVAL (a bad key), std::bad_alloc for GCWEAK_ENOMEM. Queries
 *   (get, has, size) never throw for a bad key: they find nothing, as in C.
 * - Callables (removal callback, for_each, get_or_create) never let an
 *   exception unwind through the C library: it is caught at the boundary and
 *   rethrown by the wrapper call that ran the callable, once the library has
 *   returned.
 * - A weak_map or weak_set object is a handle that keeps its container alive
 *   wherever the handle lives (stack, static, malloc'd or collector memory):
 *   it holds the container through an uncollectable cell of its own. Copies
 *   share one container; a moved-from handle refers to none (queries find
 *   nothing, changes throw std::invalid_argument).
 */
#ifndef GCWEAK_HPP
#define GCWEAK_HPP

#include <gc.h>
#include "gcweak.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

namespace gcweak {

namespace detail {

[[noreturn]] inline void throw_error(int code)
{
    if (code == GCWEAK_ENOMEM)
        throw std::bad_alloc();
    throw std::invalid_argument(gcweak_strerror(code));
}

inline void check(int code)
{
    if (code != GCWEAK_OK)
        throw_error(code);
}

template <class T>
inline constexpr bool is_object_pointer_v =
    std::is_pointer_v<T> && !std::is_function_v<std::remove_pointer_t<T>>;

template <class T>
inline constexpr bool is_value_v =
    is_object_pointer_v<T> || (std::is_integral_v<T> && sizeof(T) <= sizeof(void *));

template <class K>
const void *key_ptr(K key) noexcept
{
    return const_cast<const void *>(static_cast<const volatile void *>(key));
}

template <class K>
K key_from(const void *p) noexcept
{
    return static_cast<K>(const_cast<void *>(p));
}

template <class V>
void *value_ptr(V v) noexcept
{
    if constexpr (std::is_pointer_v<V>)
        return const_cast<void *>(static_cast<const volatile void *>(v));
    else
        return reinterpret_cast<void *>(static_cast<std::uintptr_t>(v));
}

template <class V>
V value_from(void *p) noexcept
{
    if constexpr (std::is_pointer_v<V>)
        return static_cast<V>(p);
    else
        return static_cast<V>(reinterpret_cast<std::uintptr_t>(p));
}

/* An exception a removal callback threw, waiting for the wrapper call that
 * ran the callback (in this thread) to rethrow it. */
inline std::exception_ptr &pending_error() noexcept
{
    static thread_local std::exception_ptr error;
    return error;
}

inline void rethrow_pending()
{
    std::exception_ptr &error = pending_error();
    if (error) {
        std::exception_ptr e = std::exchange(error, nullptr);
        std::rethrow_exception(e);
    }
}

/* After a C call that may have run callables: what they threw comes first,
 * then the call's own error. Every wrapper of a call that can deliver
 * removals ends here (or in rethrow_pending), so that an exception never
 * waits for a later, unrelated call. */
inline void finish(int code)
{
    rethrow_pending();
    check(code);
}

template <class T>
void gc_destroy(void *obj, void *) noexcept
{
    static_cast<T *>(obj)->~T();
}

/* Constructs T in collector memory, which the collector scans, so whatever T
 * holds by value (a callable's captures) is seen; T's destructor runs as a
 * finalizer once T is unreachable. */
template <class T, class... Args>
T *gc_construct(Args &&...args)
{
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned callable");
    void *mem = GC_MALLOC(sizeof(T));
    if (mem == nullptr)
        throw std::bad_alloc();
    T *obj = new (mem) T(std::forward<Args>(args)...);
    GC_REGISTER_FINALIZER_NO_ORDER(obj, &gc_destroy<T>, nullptr, nullptr, nullptr);
    return obj;
}

struct removal_base {
    virtual void call(void *value) = 0;
    virtual ~removal_base() = default;
};

template <class F, class Value>
struct removal_impl final : removal_base {
    F fn;
    template <class G>
    explicit removal_impl(G &&g) : fn(std::forward<G>(g)) {}
    void call(void *value) override { std::invoke(fn, value_from<Value>(value)); }
};

inline void removal_trampoline(void *value, void *arg) noexcept
{
    try {
        static_cast<removal_base *>(arg)->call(value);
    } catch (...) {
        std::exception_ptr &error = pending_error();
        if (!error)
            error = std::current_exception();
    }
}

inline void *return_arg(const void *, void *arg) noexcept
{
    return arg;
}

/* What for_each hands the C library: the callable and what it threw. */
template <class F>
struct visit_context {
    F *fn;
    std::exception_ptr error;
};
inline constexpr int visit_stopped = 1;
inline constexpr int visit_threw = 2;

template <class F, class... Args>
int visit_call(visit_context<F> *ctx, Args... args) noexcept
{
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<F &, Args...>>) {
            std::invoke(*ctx->fn, args...);
            return 0;
        } else {
            return std::invoke(*ctx->fn, args...) ? 0 : visit_stopped;
        }
    } catch (...) {
        ctx->error = std::current_exception();
        return visit_threw;
    }
}

/* After a C foreach: its result as for_each's (true: every entry visited). */
template <class F>
bool visit_result(int rc, visit_context<F> &ctx)
{
    if (ctx.error)
        std::rethrow_exception(ctx.error);
    rethrow_pending();
    if (rc == visit_stopped)
        return false;
    check(rc);
    return true;
}

/* One uncollectable cell per handle, pointing at the container's shared
 * state (a collector object): the state stays alive while any handle does. */
template <class State>
class root {
public:
    explicit root(State *state) : cell_(new_cell(state)) {}
    root(const root &other) : cell_(new_cell(other.get())) {}
    root(root &&other) noexcept : cell_(std::exchange(other.cell_, nullptr)) {}
    root &operator=(const root &other)
    {
        if (this != &other) {
            if (cell_ == nullptr)
                cell_ = new_cell(other.get());
            else
                *cell_ = other.get();
        }
        return *this;
    }
    root &operator=(root &&other) noexcept
    {
        if (this != &other) {
            release();
            cell_ = std::exchange(other.cell_, nullptr);
        }
        return *this;
    }
    ~root() { release(); }
    State *get() const noexcept { return cell_ ? *cell_ : nullptr; }

private:
    static State **new_cell(State *state)
    {
        auto **cell = static_cast<State **>(GC_MALLOC_UNCOLLECTABLE(sizeof(State *)));
        if (cell == nullptr)
            throw std::bad_alloc();
        *cell = state;
        return cell;
    }
    void release() noexcept
    {
        if (cell_ != nullptr)
            GC_FREE(cell_);
        cell_ = nullptr;
    }
    State **cell_;
};

struct map_state {
    gcweak_map *map;
    removal_base *removal; /* keeps the removal callable alive */
};

struct set_state {
    gcweak_set *set;
};

template <class State>
State *new_state()
{
    auto *state = static_cast<State *>(GC_MALLOC(sizeof(State)));
    if (state == nullptr)
        throw std::bad_alloc();
    *state = State{};
    return state;
}

/* A registry's callable, behind the C clean-up function. */
struct cleanup_base {
    virtual void call(void *held) = 0;
    virtual ~cleanup_base() = default;
};

template <class F, class Held>
struct cleanup_impl final : cleanup_base {
    F fn;
    template <class G>
    explicit cleanup_impl(G &&g) : fn(std::forward<G>(g)) {}
    void call(void *held) override { std::invoke(fn, value_from<Held>(held)); }
};

/* Whether this thread is inside finalization_registry::cleanup(), whose
 * caller gets what a callable throws; callables run where the program runs
 * finalizers have no caller to throw to. */
inline bool &inside_cleanup() noexcept
{
    static thread_local bool inside = false;
    return inside;
}

inline void cleanup_trampoline(void *held, void *arg) noexcept
{
    try {
        static_cast<cleanup_base *>(arg)->call(held);
    } catch (...) {
        if (!inside_cleanup())
            std::terminate(); /* thrown from a finalizer: nobody to catch it */
        std::exception_ptr &error = pending_error();
        if (!error)
            error = std::current_exception();
    }
}

} // namespace detail

/** Map options, as in C: zero-initialise, then set flags and capacity_hint. */
using map_options = gcweak_map_options;
/** Statistics of a container, as in C. */
using stats = gcweak_stats;

/**
 * @brief A typed gcweak_map: an ephemeron map (by default) from Key, a
 * pointer into a collector object, to Value, an object pointer or an integer.
 */
template <class Key, class Value>
class weak_map {
    static_assert(detail::is_object_pointer_v<Key>, "Key must be a pointer to an object type");
    static_assert(detail::is_value_v<Value>,
                  "Value must be an object pointer or an integer no wider than a pointer");

public:
    using key_type = Key;       /**< the key type */
    using mapped_type = Value;  /**< the value type */

    /** A new ephemeron map. @throws std::bad_alloc */
    weak_map() : weak_map(map_options{}) {}

    /**
     * @brief A new map with options (GCWEAK_MAP_WEAK_KEYS,
     * GCWEAK_MAP_POINTER_FREE_VALUES, GCWEAK_MAP_WEAK_VALUES for a
     * doubly-weak map whose values are collector objects, capacity_hint).
     * @throws std::invalid_argument unknown or contradictory flags
     * @throws std::bad_alloc out of memory
     */
    explicit weak_map(const map_options &options) : root_(detail::new_state<detail::map_state>())
    {
        const unsigned known =
            GCWEAK_MAP_WEAK_KEYS | GCWEAK_MAP_POINTER_FREE_VALUES | GCWEAK_MAP_WEAK_VALUES;
        const unsigned mode = options.flags & known;
        if ((options.flags & ~known) != 0 || (mode & (mode - 1)) != 0)
            throw std::invalid_argument("gcweak::weak_map: unknown or contradictory flags");
        root_.get()->map = gcweak_map_new_with(&options);
        if (root_.get()->map == nullptr)
            throw std::bad_alloc();
    }

    /** @brief Associates value with key. @throws std::invalid_argument bad key
     * @throws std::bad_alloc out of memory (nothing changed) */
    void set(Key key, Value value)
    {
        detail::finish(gcweak_map_set(c_map(), detail::key_ptr(key), detail::value_ptr(value)));
    }

    /** @brief The value stored for key, or std::nullopt when there is none. */
    std::optional<Value> get(Key key) const
    {
        void *value = nullptr;
        bool found = gcweak_map_lookup(c_map(), detail::key_ptr(key), &value);
        detail::rethrow_pending();
        if (!found)
            return std::nullopt;
        return detail::value_from<Value>(value);
    }

    /** @brief true if key is present. */
    bool has(Key key) const
    {
        bool found = gcweak_map_has(c_map(), detail::key_ptr(key));
        detail::rethrow_pending();
        return found;
    }

    /** @brief Removes key's entry; true if there was one. */
    bool erase(Key key)
    {
        bool found = gcweak_map_delete(c_map(), detail::key_ptr(key));
        detail::rethrow_pending();
        return found;
    }

    /** @brief Entries not yet found dead by a collection (gcweak_map_size). */
    std::size_t size() const
    {
        std::size_t n = gcweak_map_size(c_map());
        detail::rethrow_pending();
        return n;
    }

    /** @brief Removes every entry. */
    void clear()
    {
        gcweak_map_clear(c_map());
        detail::rethrow_pending();
    }

    /**
     * @brief The value for key, computed by create(key) and stored when key
     * has none. create runs with no lock held; if two threads race, both may
     * compute and the first stored value wins for both. An exception from
     * create propagates and stores nothing.
     * @throws std::invalid_argument bad key (create has run)
     * @throws std::bad_alloc out of memory
     */
    template <class F>
    Value get_or_create(Key key, F &&create)
    {
        void *value = nullptr;
        bool found = gcweak_map_lookup(c_map(), detail::key_ptr(key), &value);
        detail::rethrow_pending();
        if (found)
            return detail::value_from<Value>(value);
        Value computed = std::invoke(std::forward<F>(create), key);
        int rc = gcweak_map_get_or_create(c_map(), detail::key_ptr(key), &detail::return_arg,
                                          detail::value_ptr(computed), &value);
        detail::finish(rc);
        return detail::value_from<Value>(value);
    }

    /**
     * @brief Calls fn(value) for every entry whose key the collector
     * reclaimed (not for NULL/0 values), during the next call on this map,
     * in that caller's thread (gcweak_map_on_removal). fn is stored in
     * collector memory, so what it captures by value stays alive while the
     * map does. If fn throws, the exception is rethrown by the weak_map call
     * that ran it, after that call's own work is done; if several throw, the
     * first is kept.
     * @throws std::bad_alloc out of memory (the previous callback stays)
     */
    template <class F>
    void on_removal(F &&fn)
    {
        using impl = detail::removal_impl<std::decay_t<F>, Value>;
        impl *holder = detail::gc_construct<impl>(std::forward<F>(fn));
        detail::map_state *state = root_.get();
        if (state == nullptr)
            detail::throw_error(GCWEAK_EINVAL);
        state->removal = holder;
        /* Setting the callable delivers pending removals through it. */
        detail::finish(gcweak_map_on_removal(state->map, &detail::removal_trampoline, holder));
    }

    /** @brief Removes the removal callback. */
    void on_removal(std::nullptr_t)
    {
        if (detail::map_state *state = root_.get()) {
            gcweak_map_on_removal(state->map, nullptr, nullptr);
            state->removal = nullptr;
        }
        detail::rethrow_pending();
    }

    /**
     * @brief Calls fn(key, value) for every entry live when it starts (a
     * snapshot: gcweak_map_foreach). fn may return void, or bool: false
     * stops the walk. An exception from fn stops the walk and is rethrown.
     * @return true if every entry was visited, false if fn stopped the walk
     * @throws std::bad_alloc no snapshot (no entry visited)
     */
    template <class F>
    bool for_each(F &&fn) const
    {
        using fn_type = std::remove_reference_t<F>;
        detail::visit_context<fn_type> ctx{&fn, nullptr};
        int rc = gcweak_map_foreach(
            c_map(),
            [](const void *key, void *value, void *arg) noexcept {
                return detail::visit_call(static_cast<detail::visit_context<fn_type> *>(arg),
                                          detail::key_from<Key>(key),
                                          detail::value_from<Value>(value));
            },
            &ctx);
        if (c_map() == nullptr)
            return true;
        return detail::visit_result(rc, ctx);
    }

    /** @brief The map's statistics (gcweak_map_stats). */
    stats statistics() const
    {
        stats out{};
        if (c_map() != nullptr)
            detail::finish(gcweak_map_stats(c_map(), &out));
        return out;
    }

    /** @brief The C map, valid while a handle to it exists; NULL if moved from. */
    gcweak_map *c_map() const noexcept
    {
        detail::map_state *state = root_.get();
        return state ? state->map : nullptr;
    }

private:
    detail::root<detail::map_state> root_;
};

/** @brief A typed gcweak_set of Key, a pointer into a collector object. */
template <class Key>
class weak_set {
    static_assert(detail::is_object_pointer_v<Key>, "Key must be a pointer to an object type");

public:
    using key_type = Key;  /**< the key type */

    /** A new set. @throws std::bad_alloc */
    weak_set() : root_(detail::new_state<detail::set_state>())
    {
        root_.get()->set = gcweak_set_new();
        if (root_.get()->set == nullptr)
            throw std::bad_alloc();
    }

    /** @brief Adds key. @throws std::invalid_argument bad key
     * @throws std::bad_alloc out of memory */
    void add(Key key) { detail::check(gcweak_set_add(c_set(), detail::key_ptr(key))); }

    /** @brief true if key is present. */
    bool has(Key key) const { return gcweak_set_has(c_set(), detail::key_ptr(key)); }

    /** @brief Removes key; true if it was present. */
    bool erase(Key key) { return gcweak_set_delete(c_set(), detail::key_ptr(key)); }

    /** @brief Keys not yet found dead by a collection. */
    std::size_t size() const { return gcweak_set_size(c_set()); }

    /** @brief Removes every key. */
    void clear() { gcweak_set_clear(c_set()); }

    /** @brief As weak_map::for_each, with fn(key). */
    template <class F>
    bool for_each(F &&fn) const
    {
        using fn_type = std::remove_reference_t<F>;
        detail::visit_context<fn_type> ctx{&fn, nullptr};
        int rc = gcweak_set_foreach(
            c_set(),
            [](const void *key, void *arg) noexcept {
                return detail::visit_call(static_cast<detail::visit_context<fn_type> *>(arg),
                                          detail::key_from<Key>(key));
            },
            &ctx);
        if (c_set() == nullptr)
            return true;
        return detail::visit_result(rc, ctx);
    }

    /** @brief The set's statistics (gcweak_set_stats). */
    stats statistics() const
    {
        stats out{};
        if (c_set() != nullptr)
            detail::check(gcweak_set_stats(c_set(), &out));
        return out;
    }

    /** @brief The C set, valid while a handle to it exists; NULL if moved from. */
    gcweak_set *c_set() const noexcept
    {
        detail::set_state *state = root_.get();
        return state ? state->set : nullptr;
    }

private:
    detail::root<detail::set_state> root_;
};

/**
 * @brief A typed gcweak_valmap: byte-string keys (std::string_view, copied
 * in) to V, a pointer to a collector object, held weakly.
 *
 * The handle keeps its map alive wherever it lives; copies share it.
 */
template <class V>
class weak_value_map {
    static_assert(detail::is_object_pointer_v<V>, "V must be a pointer to an object type");

public:
    using key_type = std::string_view;  /**< the key type */
    using mapped_type = V;              /**< the value type */

    /** A new weak-value map. @throws std::bad_alloc */
    weak_value_map() : root_(gcweak_valmap_new())
    {
        if (root_.get() == nullptr)
            throw std::bad_alloc();
    }

    /** @brief Associates value (a collector object) with key.
     * @throws std::invalid_argument value is no collector object
     * @throws std::bad_alloc out of memory (nothing changed) */
    void set(std::string_view key, V value)
    {
        detail::finish(gcweak_valmap_set(c_valmap(), key.data(), key.size(),
                                         detail::value_ptr(value)));
    }

    /** @brief The live value for key, or nullptr. */
    V get(std::string_view key) const
    {
        void *v = gcweak_valmap_get(c_valmap(), key.data(), key.size());
        detail::rethrow_pending();
        return static_cast<V>(v);
    }

    /** @brief Removes key's entry; true if there was a live one. */
    bool erase(std::string_view key)
    {
        bool found = gcweak_valmap_delete(c_valmap(), key.data(), key.size());
        detail::rethrow_pending();
        return found;
    }

    /** @brief Live entries. */
    std::size_t size() const
    {
        std::size_t n = gcweak_valmap_size(c_valmap());
        detail::rethrow_pending();
        return n;
    }

    /** @brief Removes every entry. */
    void clear()
    {
        gcweak_valmap_clear(c_valmap());
        detail::rethrow_pending();
    }

    /**
     * @brief The live value for key or, when there is none, create(key)
     * stored and returned (gcweak_valmap_intern: all racers get one object).
     * An exception from create propagates and stores nothing.
     * @throws std::invalid_argument create returned no collector object
     * @throws std::bad_alloc out of memory
     */
    template <class F>
    V intern(std::string_view key, F &&create)
    {
        if (V found = get(key))
            return found;
        V made = std::invoke(std::forward<F>(create), key);
        void *v = nullptr;
        detail::finish(gcweak_valmap_intern(
            c_valmap(), key.data(), key.size(), [](const void *, std::size_t, void *arg) {
                return arg;
            },
            detail::value_ptr(made), &v));
        return static_cast<V>(v);
    }

    /** @brief The C map, valid while a handle to it exists. */
    gcweak_valmap *c_valmap() const noexcept { return root_.get(); }

private:
    detail::root<gcweak_valmap> root_;
};

/**
 * @brief A typed gcweak_ref: a weak reference to a T in collector memory.
 *
 * The handle keeps its reference alive wherever it lives, as a weak_map
 * handle keeps its map; copies share the reference.
 */
template <class T>
class weak_ref {
public:
    using element_type = T;  /**< the target type */

    /**
     * @brief A weak reference to target (a pointer into a collector object).
     * @throws std::invalid_argument target is not in the collector's heap
     * @throws std::bad_alloc out of memory
     */
    explicit weak_ref(T *target) : root_(make(target)) {}

    /** @brief The target while the collector has not reclaimed it, else nullptr. */
    T *get() const noexcept { return static_cast<T *>(gcweak_ref_get(root_.get())); }

    /** @brief The C reference, valid while a handle to it exists. */
    gcweak_ref *c_ref() const noexcept { return root_.get(); }

private:
    static gcweak_ref *make(T *target)
    {
        gcweak_ref *ref = nullptr;
        detail::check(gcweak_ref_new(detail::key_ptr(target), &ref));
        return ref;
    }
    detail::root<gcweak_ref> root_;
};

/**
 * @brief A gcweak_registry calling any callable with the held value of each
 * registration whose target the collector reclaimed.
 *
 * Held is what registrations hold: an object pointer or an integer no wider
 * than a pointer. The callable is stored in collector memory, so what it
 * captures by value stays alive while the registry does. It runs where the
 * program runs bdwgc's finalizers, or in cleanup(): an exception it throws
 * from cleanup() is rethrown by cleanup() once its work is done; one thrown
 * where finalizers run has no caller, and terminates the program, as one
 * thrown from a destructor does.
 */
template <class Held = void *>
class finalization_registry {
    static_assert(detail::is_value_v<Held>,
                  "Held must be an object pointer or an integer no wider than a pointer");

public:
    /** @brief A registry calling fn(held). @throws std::bad_alloc */
    template <class F>
    explicit finalization_registry(F &&fn) : root_(make(std::forward<F>(fn))) {}

    /**
     * @brief Calls the callable with held once target is reclaimed
     * (gcweak_registry_register); token, when not null, is a collector
     * object to unregister by, held weakly.
     * @throws std::invalid_argument bad target or token, or held points
     * into the target
     * @throws std::bad_alloc out of memory (nothing registered)
     */
    template <class T>
    void register_target(T *target, Held held, const void *token = nullptr)
    {
        detail::check(gcweak_registry_register(c_registry(), detail::key_ptr(target),
                                               detail::value_ptr(held), token));
    }

    /** @brief Drops the registrations made with token; returns how many. */
    std::size_t unregister(const void *token)
    {
        return gcweak_registry_unregister(c_registry(), token);
    }

    /** @brief Runs now the callbacks due; returns how many ran. */
    std::size_t cleanup()
    {
        bool &inside = detail::inside_cleanup();
        bool was = inside;
        inside = true;
        std::size_t n = gcweak_registry_cleanup(c_registry());
        inside = was;
        detail::rethrow_pending();
        return n;
    }

    /** @brief The C registry, valid while a handle to it exists. */
    gcweak_registry *c_registry() const noexcept { return root_.get(); }

private:
    template <class F>
    static gcweak_registry *make(F &&fn)
    {
        using impl = detail::cleanup_impl<std::decay_t<F>, Held>;
        impl *holder = detail::gc_construct<impl>(std::forward<F>(fn));
        gcweak_registry *r = gcweak_registry_new(&detail::cleanup_trampoline, holder);
        if (r == nullptr)
            throw std::bad_alloc();
        return r;
    }
    detail::root<gcweak_registry> root_;
};

} // namespace gcweak

#endif /* GCWEAK_HPP */
