# SPDX-License-Identifier: MIT
"""The Python peer of gcweak-bench: the byte-string workloads on
weakref.WeakValueDictionary.

Run by gcweak-bench as
  python3 python_weakvalue.py --sizes 1000,10000 --workloads insert,... \
          --reps 5 --min-ops 262144
and prints one line per figure on standard output, in gcweak-bench's line
protocol (see core/protocol.h):
  result python WORKLOAD N METRIC MEDIAN MIN MAX REPS
  info python text
  warn python text      (a wrong answer: gcweak-bench then exits 1)
Keys are random 16-byte bytes objects, values instances of a small class
with a weak-reference slot, held in a list by the workload as the C side
holds its values in an array. Python hashes bytes with SipHash too.
"""
import gc
import random
import sys
import time
import weakref

CHURN_BATCH = 64
RELEASE_TOLERANCE = 0.05
NAME = 'python'


class Value:
    """The smallest object a WeakValueDictionary accepts as a value."""
    __slots__ = ('__weakref__',)


# Leading repetitions run but not reported (--warmup): the parent runs this
# script once per round and size, and a fresh process's first repetition
# warms up and grows the heap.
WARMUP = 0


def parse_args(argv):
    global WARMUP
    opts = {'sizes': [1000, 10000, 100000, 1000000], 'workloads': set(),
            'reps': 5, 'min_ops': 262144}
    for i in range(1, len(argv), 2):
        flag, value = argv[i], argv[i + 1]
        if flag == '--sizes':
            opts['sizes'] = [int(x) for x in value.split(',')]
        elif flag == '--workloads':
            opts['workloads'] = set(value.split(','))
        elif flag == '--reps':
            opts['reps'] = int(value)
        elif flag == '--warmup':
            WARMUP = int(value)
        elif flag == '--min-ops':
            opts['min_ops'] = int(value)
        else:
            raise SystemExit('unknown option ' + flag)
    return opts


def out(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def fmt(x):
    return '%.6g' % x


def emit(workload, n, metric, samples):
    """One 'sample' line per repetition but the warm-up ones: the parent
    folds them, with its rounds kept apart."""
    for x in samples[WARMUP:]:
        out('sample %s %s %d %s %s' % (NAME, workload, n, metric, fmt(x)))


def check(workload, n, what, got, want):
    if got != want:
        out('warn %s %s at N=%d: %s %s, expected %s' % (NAME, workload, n, what, got, want))


def passes_for(n, min_ops):
    return 1 if n >= min_ops else -(-min_ops // n)


def plan_lookups(n, min_ops):
    return (1, min_ops) if n >= min_ops else (passes_for(n, min_ops), n)


def new_keys(rng, count):
    return [rng.getrandbits(128).to_bytes(16, 'little') for _ in range(count)]


def build(keys, vals):
    d = weakref.WeakValueDictionary()
    for k, v in zip(keys, vals):
        d[k] = v
    return d


def intern(d, k):
    """The obvious get-or-create on a WeakValueDictionary."""
    v = d.get(k)
    if v is None:
        v = Value()
        d[k] = v
    return v


def insert_delete(c, want_insert, want_delete):
    n, reps, order, keys, ovals = c['n'], c['reps'], c['order'], c['keys'], c['ovals']
    passes = passes_for(n, c['min_ops'])
    ins, dele = [], []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter_ns()
        tables = []
        for _p in range(passes):
            d = weakref.WeakValueDictionary()
            for k, v in zip(order, ovals):
                d[k] = v
            tables.append(d)
        t1 = time.perf_counter_ns()
        ins.append((t1 - t0) / (passes * n))
        check('insert', n, 'size after insert', len(tables[0]), n)
        if want_delete:
            gc.collect()
            deleted = 0
            t0 = time.perf_counter_ns()
            for d in tables:
                for k in keys:
                    try:
                        del d[k]
                        deleted += 1
                    except KeyError:
                        pass
            t1 = time.perf_counter_ns()
            check('delete', n, 'keys deleted', deleted, passes * n)
            dele.append((t1 - t0) / (passes * n))
    if want_insert:
        emit('insert', n, 'ns_per_op', ins)
    if want_delete:
        emit('delete', n, 'ns_per_op', dele)


def intern_miss(c):
    n, order = c['n'], c['order']
    passes = passes_for(n, c['min_ops'])
    samples = []
    for _ in range(c['reps']):
        gc.collect()
        held = []
        t0 = time.perf_counter_ns()
        tables = []
        for _p in range(passes):
            d = weakref.WeakValueDictionary()
            held.append([intern(d, k) for k in order])
            tables.append(d)
        t1 = time.perf_counter_ns()
        samples.append((t1 - t0) / (passes * n))
        check('intern_miss', n, 'size after interning', len(tables[0]), n)
        check('intern_miss', n, 'values that are not those made',
              sum(tables[0][k] is not v for k, v in zip(order, held[0])), 0)
    emit('intern_miss', n, 'ns_per_op', samples)


def reads(c, w):
    n, order, ovals, keys, vals = c['n'], c['order'], c['ovals'], c['keys'], c['vals']
    passes, count = plan_lookups(n, c['min_ops'])
    probe = order[:count]
    want = ovals[:count]
    d = build(keys, vals)
    gc.collect()
    if 'get_hit' in w:
        samples = []
        for _ in range(c['reps']):
            t0 = time.perf_counter_ns()
            for _p in range(passes):
                got = [d.get(k) for k in probe]
            t1 = time.perf_counter_ns()
            check('get_hit', n, 'wrong values', sum(a is not b for a, b in zip(got, want)), 0)
            samples.append((t1 - t0) / (passes * count))
        emit('get_hit', n, 'ns_per_op', samples)
    if 'intern_hit' in w:
        samples = []
        for _ in range(c['reps']):
            t0 = time.perf_counter_ns()
            for _p in range(passes):
                got = [intern(d, k) for k in probe]
            t1 = time.perf_counter_ns()
            check('intern_hit', n, 'wrong values', sum(a is not b for a, b in zip(got, want)), 0)
            samples.append((t1 - t0) / (passes * count))
        emit('intern_hit', n, 'ns_per_op', samples)
    if 'get_miss' in w:
        misses = c['misses'][:count]
        samples = []
        for _ in range(c['reps']):
            t0 = time.perf_counter_ns()
            for _p in range(passes):
                got = [d.get(k) for k in misses]
            t1 = time.perf_counter_ns()
            check('get_miss', n, 'absent keys found', sum(x is not None for x in got), 0)
            samples.append((t1 - t0) / (passes * count))
        emit('get_miss', n, 'ns_per_op', samples)
    check('get_hit', n, 'size after the reads', len(d), n)


def churn(c, rng):
    n, reps = c['n'], c['reps']
    batch = min(n, CHURN_BATCH)
    per_rep = -(-(c['min_ops'] // 2) // batch) * batch
    stream = new_keys(rng, n + per_rep * reps)
    d = weakref.WeakValueDictionary()
    live = [intern(d, k) for k in stream[:n]]
    a = 0
    samples = []
    deleted = 0
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter_ns()
        for _d in range(0, per_rep, batch):
            for k in stream[a:a + batch]:
                try:
                    del d[k]
                    deleted += 1
                except KeyError:
                    pass
            for j, k in enumerate(stream[n + a:n + a + batch]):
                live[(a + j) % n] = intern(d, k)
            a += batch
        t1 = time.perf_counter_ns()
        samples.append((t1 - t0) / (2 * per_rep))
    check('churn', n, 'keys deleted', deleted, per_rep * reps)
    check('churn', n, 'size after churn', len(d), n)
    emit('churn', n, 'ns_per_op', samples)


def timed_collect_ms():
    t0 = time.perf_counter_ns()
    gc.collect()
    return (time.perf_counter_ns() - t0) / 1e6


def gc_cost(c):
    n, reps = c['n'], c['reps']
    d = build(c['order'], c['ovals'])
    gc.collect()
    with_table = [timed_collect_ms() for _ in range(reps)]
    check('gc_cost', n, 'size with the values live', len(d), n)
    d = None
    gc.collect()
    base = [timed_collect_ms() for _ in range(reps)]
    emit('gc_cost', n, 'ns_per_entry', [(w - b) * 1e6 / n for w, b in zip(with_table, base)])
    emit('gc_cost', n, 'gc_ms_table', with_table)
    emit('gc_cost', n, 'gc_ms_array', base)


def drop_half_ms(vals):
    """Drops the even-numbered values and collects. With reference counting
    the values go at the drop, which is timed with the collection."""
    t0 = time.perf_counter_ns()
    for i in range(0, len(vals), 2):
        vals[i] = None
    gc.collect()
    return (time.perf_counter_ns() - t0) / 1e6


def reclaim_half(c):
    n, keys = c['n'], c['keys']
    kept = n // 2
    with_table, base, per = [], [], []
    for _ in range(c['reps']):
        vals = [Value() for _ in range(n)]
        d = build(keys, vals)
        gc.collect()
        ms = drop_half_ms(vals)
        left = len(d)
        found = sum(d.get(keys[i]) is vals[i] for i in range(1, n, 2))
        check('reclaim_half', n, 'live values found', found, kept)
        if left < kept or left - kept > RELEASE_TOLERANCE * (n - kept):
            check('reclaim_half', n, 'entries left', left, kept)
        d = vals = None
        gc.collect()
        vals = [Value() for _ in range(n)]
        gc.collect()
        b = drop_half_ms(vals)
        vals = None
        with_table.append(ms)
        base.append(b)
        per.append((ms - b) * 1e6 / n)
    emit('reclaim_half', n, 'gc_ms_table', with_table)
    emit('reclaim_half', n, 'gc_ms_array', base)
    emit('reclaim_half', n, 'ns_per_entry', per)


def memory(c):
    import tracemalloc
    n = c['n']
    samples = []
    for _ in range(c['reps']):
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        d = build(c['keys'], c['vals'])
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        check('memory', n, 'size', len(d), n)
        d = None
        samples.append((after - before) / n)
    emit('memory', n, 'bytes_per_entry', samples)


def main():
    opts = parse_args(sys.argv)
    w = opts['workloads']
    out('info %s Python %s, weakref.WeakValueDictionary; reclaim_half times the '
        'drop of the values with the collection (reference counting frees them at '
        'the drop); memory from tracemalloc (Python allocations)'
        % (NAME, sys.version.split()[0]))
    for n in opts['sizes']:
        rng = random.Random(0x5eed0000 + n)
        keys = new_keys(rng, n + min(n, opts['min_ops']))
        if len(set(keys)) != len(keys):
            raise SystemExit('duplicate random keys')
        keys, misses = keys[:n], keys[n:]
        vals = [Value() for _ in range(n)]
        perm = list(range(n))
        rng.shuffle(perm)
        c = {'n': n, 'reps': opts['reps'], 'min_ops': opts['min_ops'], 'keys': keys,
             'vals': vals, 'order': [keys[i] for i in perm],
             'ovals': [vals[i] for i in perm], 'misses': misses}
        if 'insert' in w or 'delete' in w:
            insert_delete(c, 'insert' in w, 'delete' in w)
        if 'intern_miss' in w:
            intern_miss(c)
        if w & {'get_hit', 'intern_hit', 'get_miss'}:
            reads(c, w)
        if 'churn' in w:
            churn(c, rng)
        if 'gc_cost' in w:
            gc_cost(c)
        if 'reclaim_half' in w:
            reclaim_half(c)
        if 'memory' in w:
            memory(c)
        out('progress %s %d %d' % (NAME, n, opts['reps'] * (n + opts['min_ops'])))


if __name__ == '__main__':
    main()
