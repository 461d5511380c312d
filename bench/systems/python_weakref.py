# SPDX-License-Identifier: MIT
"""The Python peers of gcweak-bench's weak reference and registry workloads:
weakref.ref (system python-ref) and weakref.finalize (system python-reg).

Run by gcweak-bench as
  python3 python_weakref.py --sizes 1000,10000 --workloads ref_new,...
          --threads 1,2 --reps 5 --min-ops 262144
and prints one line per figure on standard output, in gcweak-bench's line
protocol (see core/protocol.h):
  result SYSTEM WORKLOAD N METRIC MEDIAN MIN MAX REPS
  info SYSTEM text
The workloads are shaped as in workloads/refs.c and workloads/registry.c,
with orders from a seeded random.Random (reproducible; shuffling a million
items with a splitmix64 written in Python would take seconds).
Targets are instances of a class with nothing but a weak reference slot
(plain object() instances cannot be referred to weakly); held values are
small integers.

CPython frees an object as its last reference goes (reference counting), so
a target dies, and its weakref.finalize callback runs, right there, with no
collection: delivery is timed from dropping the list that holds the dead
targets to the end of the last callback.
"""
import gc
import platform
import random
import sys
import threading
import time
import weakref

DELIVERY_RELEASED_PCT_OK = 95
REF_WORKLOADS = ('ref_new', 'ref_get', 'ref_get_dead', 'ref_gc_cost', 'ref_threads')
REG_WORKLOADS = ('reg_register', 'reg_unregister', 'reg_delivery', 'reg_gc_cost')


class Key:
    """A target: the smallest object a weak reference may point to."""
    __slots__ = ('__weakref__',)


# Leading repetitions run but not reported (--warmup): the parent runs this
# script once per round and size, and a fresh process's first repetition
# warms up and grows the heap.
WARMUP = 0


def parse_args(argv):
    global WARMUP
    opts = {
        'sizes': [1000, 10000, 100000, 1000000],
        'workloads': set(REF_WORKLOADS + REG_WORKLOADS),
        'threads': [1, 2],
        'reps': 5,
        'min_ops': 262144,
    }
    for i in range(1, len(argv), 2):
        name, value = argv[i], argv[i + 1]
        if name == '--sizes':
            opts['sizes'] = [int(float(x)) for x in value.split(',')]
        elif name == '--workloads':
            opts['workloads'] = set(x for x in value.split(',') if x)
        elif name == '--threads':
            opts['threads'] = [int(x) for x in value.split(',')]
        elif name == '--reps':
            opts['reps'] = int(value)
        elif name == '--warmup':
            WARMUP = int(value)
        elif name == '--min-ops':
            opts['min_ops'] = int(value)
        else:
            raise SystemExit(f'python_weakref.py: unknown option {name}')
    return opts


now = time.perf_counter_ns


def system_of(workload):
    return 'python-ref' if workload.startswith('ref_') else 'python-reg'


def fmt(x):
    return f'{x:.6g}'


def median(samples):
    s = sorted(samples)
    k = len(s)
    return s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2


def emit(workload, n, metric, samples):
    """One 'sample' line per repetition but the warm-up ones: the parent
    folds them, with its rounds kept apart."""
    for x in samples[WARMUP:]:
        print(f'sample {system_of(workload)} {workload} {n} {metric} {fmt(x)}', flush=True)


def note(kind, system, text):
    print(f'{kind} {system} {text}', flush=True)


def warn(workload, n, text):
    note('warn', system_of(workload), f'{workload} at N={n}: {text}')


def check(workload, n, what, got, want):
    if got != want:
        warn(workload, n, f'{what} {got}, expected {want}')


def permutation(n, rng):
    perm = list(range(n))
    rng.shuffle(perm)
    return perm


def passes_for(n, min_ops):
    return 1 if n >= min_ops else -(-min_ops // n)


def plan_lookups(n, min_ops):
    return (1, min_ops) if n >= min_ops else (passes_for(n, min_ops), n)


def timed_gc_ms():
    t0 = now()
    gc.collect()
    return (now() - t0) / 1e6


def wrong_reads(refs, targets):
    return sum(1 for r, t in zip(refs, targets) if r() is not t)


# ------------------------------------------------------------ weakref.ref

def ref_new(ctx):
    n, keys, opts = ctx['n'], ctx['keys'], ctx['opts']
    passes = passes_for(n, opts['min_ops'])
    ref = weakref.ref
    samples = []
    for r in range(opts['reps']):
        gc.collect()
        batches = []
        t0 = now()
        for _ in range(passes):
            batches.append([ref(k) for k in keys])
        t1 = now()
        samples.append((t1 - t0) / (passes * n))
        if r == 0:
            check('ref_new', n, 'wrong reads', wrong_reads(batches[0], keys), 0)
        del batches
    emit('ref_new', n, 'ns_per_op', samples)


def read_all(order, passes):
    found = 0
    for _ in range(passes):
        for r in order:
            if r() is not None:
                found += 1
    return found


def ref_get(ctx):
    n, keys, opts, rng = ctx['n'], ctx['keys'], ctx['opts'], ctx['rng']
    refs = [weakref.ref(k) for k in keys]
    check('ref_get', n, 'wrong reads', wrong_reads(refs, keys), 0)
    passes, count = plan_lookups(n, opts['min_ops'])
    order = [refs[i] for i in permutation(n, rng)][:count]
    gc.collect()
    samples = []
    for _ in range(opts['reps']):
        t0 = now()
        found = read_all(order, passes)
        t1 = now()
        check('ref_get', n, 'live targets found', found, passes * count)
        samples.append((t1 - t0) / (passes * count))
    emit('ref_get', n, 'ns_per_op', samples)


def ref_get_dead(ctx):
    n, opts, rng = ctx['n'], ctx['opts'], ctx['rng']
    # Each target goes with the expression that made it: nothing holds it.
    refs = [weakref.ref(Key()) for _ in range(n)]
    gc.collect()
    order = [refs[i] for i in permutation(n, rng)]
    survivors = sum(1 for r in order if r() is not None)
    if 100 * survivors / n > 100 - DELIVERY_RELEASED_PCT_OK:
        warn('ref_get_dead', n, f'{survivors} of {n} references still read their dropped target')
    passes, count = plan_lookups(n, opts['min_ops'])
    order = order[:count]
    samples = []
    for _ in range(opts['reps']):
        t0 = now()
        found = read_all(order, passes)
        t1 = now()
        if found > passes * survivors:
            warn('ref_get_dead', n, 'a dead target came back')
        samples.append((t1 - t0) / (passes * count))
    emit('ref_get_dead', n, 'ns_per_op', samples)
    emit('ref_get_dead', n, 'survived_pct', [100 * survivors / n] * len(samples))


def ref_gc_cost(ctx):
    n, order, opts = ctx['n'], ctx['order'], ctx['opts']
    gc.collect()
    base = [timed_gc_ms() for _ in range(opts['reps'])]   # first, as gcweak-bench
    refs = [weakref.ref(k) for k in order]
    gc.collect()
    with_refs = [timed_gc_ms() for _ in range(opts['reps'])]
    check('ref_gc_cost', n, 'wrong reads', wrong_reads(refs, order), 0)
    del refs
    emit('ref_gc_cost', n, 'ns_per_entry', [(w - b) * 1e6 / n for w, b in zip(with_refs, base)])
    emit('ref_gc_cost', n, 'gc_ms_with_refs', with_refs)
    emit('ref_gc_cost', n, 'gc_ms_baseline', base)


def ref_threads(ctx):
    """Reads from 1, 2, ... threads sharing the references (they take turns
    holding the interpreter lock, as any Python threads do)."""
    n, keys, opts, rng = ctx['n'], ctx['keys'], ctx['opts'], ctx['rng']
    refs = [weakref.ref(k) for k in keys]
    passes, count = plan_lookups(n, opts['min_ops'])
    orders = [[refs[i] for i in permutation(n, rng)][:count]
              for _ in range(max(opts['threads']))]
    single = None
    for threads in opts['threads']:
        mops, scaling = [], []
        for _ in range(opts['reps']):
            go = threading.Event()
            ends, found = [0] * threads, [0] * threads

            def reader(i):
                go.wait()
                found[i] = read_all(orders[i], passes)
                ends[i] = now()

            workers = [threading.Thread(target=reader, args=(i,)) for i in range(threads)]
            for t in workers:
                t.start()
            t0 = now()
            go.set()
            for t in workers:
                t.join()
            for i in range(threads):
                check('ref_threads', n, 'targets found by a reader', found[i], passes * count)
            mops.append(passes * count * threads / ((max(ends) - t0) / 1e3))
        emit('ref_threads', n, f'mops_t{threads}', mops)
        if threads == 1:
            single = median(mops)
        elif single:
            scaling = [m / single for m in mops]
            emit('ref_threads', n, f'scaling_t{threads}', scaling)


# -------------------------------------------------------- weakref.finalize

class Delivery:
    """Notes the held value of every callback (indices below n are this
    run's)."""

    def __init__(self, n):
        self.calls = 0
        self.bad = 0
        self.n = n
        self.seen = bytearray(n)

    def callback(self, held):
        self.calls += 1
        if not 0 <= held < self.n:
            self.bad += 1
        elif self.seen[held] < 255:
            self.seen[held] += 1


def reg_register_unregister(ctx, want_reg, want_unreg):
    n, opts, rng = ctx['n'], ctx['opts'], ctx['rng']
    passes = passes_for(n, opts['min_ops'])
    targets = [Key() for _ in range(passes * n)]
    perm = permutation(n, rng)
    d = Delivery(0)
    finalize, cb = weakref.finalize, d.callback
    reg, unreg = [], []
    for _ in range(opts['reps']):
        if want_reg:
            gc.collect()
            batches = []
            t0 = now()
            for p in range(passes):
                base = p * n
                batches.append([finalize(targets[base + i], cb, base + i) for i in range(n)])
            t1 = now()
            reg.append((t1 - t0) / (passes * n))
            # finalize objects outlive the list that holds them: drop them
            for batch in batches:
                for f in batch:
                    f.detach()
            del batches
        if want_unreg:
            # Python finds a registration by its finalize object: the token.
            tokens = []
            for p in range(passes):
                base = p * n
                batch = [finalize(targets[base + i], cb, base + i) for i in range(n)]
                tokens.extend(batch[i] for i in perm)
            gc.collect()
            dropped = 0
            t0 = now()
            for f in tokens:
                if f.detach() is not None:
                    dropped += 1
            t1 = now()
            check('reg_unregister', n, 'registrations dropped', dropped, passes * n)
            unreg.append((t1 - t0) / (passes * n))
            del tokens
    gc.collect()
    workload = 'reg_register' if want_reg else 'reg_unregister'
    if d.calls:
        warn(workload, n, f'{d.calls} callbacks ran while every target was alive')
    if want_reg:
        emit('reg_register', n, 'ns_per_op', reg)
    if want_unreg:
        emit('reg_unregister', n, 'ns_per_op', unreg)


def reg_delivery(ctx):
    n, opts = ctx['n'], ctx['opts']
    dead = n // 2
    per_callback, collections, delivered_pct = [], [], []
    short = False
    for _ in range(opts['reps']):
        d = Delivery(n)
        hold = [Key() for _ in range(n)]
        finalizers = [weakref.finalize(hold[i], d.callback, i) for i in range(n)]
        dying = hold[1::2]
        live = hold[0::2]
        del hold
        gc.collect()
        t0 = now()
        dying = None
        t1 = now()
        live_called = sum(1 for i in range(0, n, 2) if d.seen[i])
        twice = sum(1 for s in d.seen if s > 1)
        if d.bad or live_called or twice:
            warn('reg_delivery', n, f'{d.bad} callbacks with a held value never registered, '
                 f'{live_called} for live targets, {twice} registrations called more than once')
        ran = d.calls
        per_callback.append((t1 - t0) / ran if ran else 0)
        collections.append(0)
        delivered_pct.append(100 * ran / dead if dead else 100)
        short = short or (dead and 100 * ran / dead < DELIVERY_RELEASED_PCT_OK)
        for f in finalizers:
            f.detach()
        del finalizers, live, dying
        gc.collect()
    if short:
        warn('reg_delivery', n, f'fewer than {DELIVERY_RELEASED_PCT_OK}% of the dead '
             "targets' callbacks ran")
    emit('reg_delivery', n, 'ns_per_callback', per_callback)
    emit('reg_delivery', n, 'callback_ns', per_callback)
    emit('reg_delivery', n, 'collections', collections)
    emit('reg_delivery', n, 'delivered_pct', delivered_pct)


def reg_gc_cost(ctx):
    n, order, opts = ctx['n'], ctx['order'], ctx['opts']
    d = Delivery(0)
    gc.collect()
    base = [timed_gc_ms() for _ in range(opts['reps'])]   # first, as gcweak-bench
    finalizers = [weakref.finalize(t, d.callback, i) for i, t in enumerate(order)]
    gc.collect()
    with_regs = [timed_gc_ms() for _ in range(opts['reps'])]
    for f in finalizers:
        f.detach()
    del finalizers
    gc.collect()
    if d.calls:
        warn('reg_gc_cost', n, f'{d.calls} callbacks ran while every target was alive')
    emit('reg_gc_cost', n, 'ns_per_entry', [(w - b) * 1e6 / n for w, b in zip(with_regs, base)])
    emit('reg_gc_cost', n, 'gc_ms_with_regs', with_regs)
    emit('reg_gc_cost', n, 'gc_ms_baseline', base)


# ------------------------------------------------------------------ main

def main():
    opts = parse_args(sys.argv)
    w = opts['workloads']
    systems = ([s for s, names in (('python-ref', REF_WORKLOADS), ('python-reg', REG_WORKLOADS))
                if any(x in w for x in names)])
    version = f'{platform.python_implementation()} {platform.python_version()}'
    for s in systems:
        note('info', s, version)
    if 'reg_delivery' in w:
        note('info', 'python-reg', 'reg_delivery: CPython runs a weakref.finalize callback '
             'as the last reference to its target goes (reference counting), so the '
             'time is that of dropping the list of the dead targets; no collection')
    for n in opts['sizes']:
        rng = random.Random(0x5eed0000 + n)
        keys = [Key() for _ in range(n)]
        order = [keys[i] for i in permutation(n, rng)]
        ctx = {'n': n, 'keys': keys, 'order': order, 'opts': opts, 'rng': rng}
        steps = (('ref_new', ref_new), ('ref_get', ref_get), ('ref_get_dead', ref_get_dead),
                 ('ref_gc_cost', ref_gc_cost))
        for name, run in steps:
            if name in w:
                run(ctx)
        # Collection cost and delivery before the registrations, as
        # gcweak-bench runs them.
        for name, run in (('reg_gc_cost', reg_gc_cost), ('reg_delivery', reg_delivery)):
            if name in w:
                run(ctx)
        if 'reg_register' in w or 'reg_unregister' in w:
            reg_register_unregister(ctx, 'reg_register' in w, 'reg_unregister' in w)
        for s in systems:
            print(f'progress {s} {n} {opts["reps"] * (n + opts["min_ops"])}', flush=True)
        del ctx, keys, order
        gc.collect()
    # Reader threads last, as in gcweak-bench's own pass of threads.
    if 'ref_threads' in w:
        for n in opts['sizes']:
            rng = random.Random(0x5eed0000 + n)
            keys = [Key() for _ in range(n)]
            ref_threads({'n': n, 'keys': keys, 'opts': opts, 'rng': rng})


if __name__ == '__main__':
    main()
