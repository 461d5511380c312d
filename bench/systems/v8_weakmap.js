// The V8 peer of gcweak-bench: the same workloads on a JavaScript WeakMap.
//
// Run by gcweak-bench as
//   node --expose-gc v8_weakmap.js --sizes 1000,10000 --workloads insert,...
//        --reps 5 --min-ops 262144
// and prints one line per figure on standard output, in gcweak-bench's line
// protocol (see core/protocol.h):
//   result v8 WORKLOAD N METRIC MEDIAN MIN MAX REPS
//   info v8 text
// Keys are fresh `{}` objects, values small integers (or `{}` objects where
// the C side uses collector objects), so every system stores the same shape.
'use strict';

const CHURN_BATCH = 64;
const CHURN_VISITS = 4;
const RECLAIM_MAX_COLLECTIONS = 5;

function parseArgs(argv) {
  const opts = {
    sizes: [1000, 10000, 100000, 1000000],
    workloads: new Set(['insert', 'get_hit', 'get_miss', 'has', 'delete', 'pause',
      'churn', 'reclaim', 'gc_cost', 'memory', 'threads']),
    reps: 5,
    rounds: 1,
    minOps: 262144,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--sizes': opts.sizes = value.split(',').map(Number); break;
      case '--workloads': opts.workloads = new Set(value.split(',')); break;
      case '--reps': opts.reps = Number(value); break;
      case '--warmup': warmup = Number(value); break;
      case '--rounds': opts.rounds = Number(value); break;
      case '--min-ops': opts.minOps = Number(value); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return opts;
}

const now = () => process.hrtime.bigint();
const elapsedNs = (t0, t1) => Number(t1 - t0);

// Leading repetitions run but not reported (--warmup): the parent runs
// this script once per round and size, and a fresh process's first
// repetition warms the JIT and grows the heap.
let warmup = 0;

// One "sample" line per repetition: the parent folds them, with its
// rounds kept apart.
function emit(workload, n, metric, samples) {
  const fmt = (x) => Number(x.toPrecision(6)).toString();
  for (const x of samples.slice(warmup))
    process.stdout.write(`sample v8 ${workload} ${n} ${metric} ${fmt(x)}\n`);
}

function note(kind, text) {
  process.stdout.write(`${kind} v8 ${text}\n`);
}

function check(workload, n, what, got, want) {
  if (got !== want) note('warn', `${workload} at N=${n}: ${what} ${got}, expected ${want}`);
}

// splitmix64, as in timing.c, so that orders are reproducible.
function makeRng(seed) {
  let state = BigInt(seed);
  const mask = (1n << 64n) - 1n;
  return function next(bound) {
    state = (state + 0x9E3779B97F4A7C15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & mask;
    z ^= z >> 31n;
    return Number(z % BigInt(bound));
  };
}

function shuffled(array, rng) {
  const copy = array.slice();
  for (let i = copy.length; i > 1; i--) {
    const j = rng(i);
    const tmp = copy[i - 1];
    copy[i - 1] = copy[j];
    copy[j] = tmp;
  }
  return copy;
}

const newKeys = (n) => Array.from({ length: n }, () => ({}));
const passesFor = (n, minOps) => (n >= minOps ? 1 : Math.ceil(minOps / n));

function build(keys, vals) {
  const wm = new WeakMap();
  for (let i = 0; i < keys.length; i++) wm.set(keys[i], vals[i]);
  return wm;
}

// ------------------------------------------------------------ timed per op

// Lookups per repetition, as in workloads/ops.c: whole passes over the keys
// while N is below minOps, otherwise the first minOps keys of a random order.
function planLookups(n, minOps) {
  return n >= minOps ? { passes: 1, count: minOps } : { passes: passesFor(n, minOps), count: n };
}

// Fresh maps filled with the N keys (insert), then emptied in random order
// (delete).
function insertDelete(ctx, wantInsert, wantDelete) {
  const { n, keys, vals, order, opts } = ctx;
  const passes = passesFor(n, opts.minOps);
  const ins = [], del = [];
  for (let r = 0; r < opts.reps; r++) {
    const tables = new Array(passes);
    gc();
    let t0 = now();
    for (let p = 0; p < passes; p++) {
      const wm = new WeakMap();
      for (let i = 0; i < n; i++) wm.set(keys[i], vals[i]);
      tables[p] = wm;
    }
    ins.push(elapsedNs(t0, now()) / (passes * n));
    if (wantDelete) {
      gc();
      let deleted = 0;
      t0 = now();
      for (let p = 0; p < passes; p++) {
        const wm = tables[p];
        for (let i = 0; i < n; i++) if (wm.delete(order[i])) deleted++;
      }
      const t1 = now();
      check('delete', n, 'keys deleted', deleted, passes * n);
      del.push(elapsedNs(t0, t1) / (passes * n));
    }
  }
  if (wantInsert) emit('insert', n, 'ns_per_op', ins);
  if (wantDelete) emit('delete', n, 'ns_per_op', del);
}

function lookups(ctx, workload, probe, wantFound) {
  const { n, table, opts } = ctx;
  const { passes, count } = planLookups(n, opts.minOps);
  const samples = [];
  let sum = 0;
  for (let r = 0; r < opts.reps; r++) {
    let found = 0;
    const t0 = now();
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < count; i++) {
        const v = table.get(probe[i]);
        if (v !== undefined) {
          found++;
          sum += v;
        }
      }
    }
    const t1 = now();
    check(workload, n, 'keys found', found, wantFound ? passes * count : 0);
    samples.push(elapsedNs(t0, t1) / (passes * count));
  }
  if (sum === -1) note('info', 'checksum');
  emit(workload, n, 'ns_per_op', samples);
}

// Keys that were never in this map but, like the C side's keys, have been
// hashed before: V8 gives an object its identity hash only when it first
// becomes a key, and a miss on a never-hashed object costs no probe at all.
function hashedMisses(count) {
  const misses = newKeys(count);
  const elsewhere = new WeakMap();
  for (const k of misses) elsewhere.set(k, 0);
  return misses;
}

function has(ctx) {
  const { n, table, order, opts } = ctx;
  const { passes, count } = planLookups(n, opts.minOps);
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    let found = 0;
    const t0 = now();
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < count; i++) if (table.has(order[i])) found++;
    }
    const t1 = now();
    check('has', n, 'keys found', found, passes * count);
    samples.push(elapsedNs(t0, t1) / (passes * count));
  }
  emit('has', n, 'ns_per_op', samples);
}

function bump(wm, list, count) {
  for (let j = 0; j < count; j++) {
    const k = list[j];
    wm.set(k, (wm.get(k) ?? 0) + 1);
  }
}

// The visit counter, shaped as in workloads/ops.c.
function churn(ctx) {
  const { n, opts, rng } = ctx;
  const batch = Math.min(n, CHURN_BATCH);
  let arrivals = Math.floor((2 * opts.minOps) / (1 + CHURN_VISITS));
  arrivals = Math.ceil(arrivals / batch) * batch;
  const pick = new Uint32Array(arrivals * CHURN_VISITS);
  for (let i = 0; i < pick.length; i++) pick[i] = rng(n);
  const ring = newKeys(n);
  const fresh = new Array(batch);
  const visits = new Array(batch * CHURN_VISITS);
  const wm = new WeakMap();
  bump(wm, ring, n);
  let oldest = 0;
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    gc();
    let next = 0;
    const t0 = now();
    for (let a = 0; a < arrivals; a += batch) {
      for (let j = 0; j < batch; j++) {
        fresh[j] = {};
        ring[(oldest + j) % n] = fresh[j];
      }
      oldest = (oldest + batch) % n;
      bump(wm, fresh, batch);
      for (let j = 0; j < batch * CHURN_VISITS; j++) visits[j] = ring[pick[next++]];
      bump(wm, visits, batch * CHURN_VISITS);
    }
    samples.push(elapsedNs(t0, now()) / (arrivals * (1 + CHURN_VISITS)));
  }
  emit('churn', n, 'ns_per_op', samples);
}

// ------------------------------------------------------------- collector

const tick = () => new Promise((resolve) => setImmediate(resolve));

// A WeakMap of n fresh keys, referenced nowhere else, to values registered
// with the registry. Kept apart so that no local of the caller holds a key.
function fillCounted(n, registry) {
  const wm = new WeakMap();
  for (let i = 0; i < n; i++) {
    const value = {};
    registry.register(value, i);
    wm.set({}, value);
  }
  return wm;
}

// Values carry a FinalizationRegistry entry; all keys are dropped at once and
// full collections run until every value is reported released.
async function reclaim(ctx) {
  const { n, opts } = ctx;
  const collections = [], releasedPct = [], releaseMs = [];
  for (let r = 0; r < opts.reps; r++) {
    let released = 0;
    const registry = new FinalizationRegistry(() => { released++; });
    const wm = fillCounted(n, registry);
    await tick();
    let gcs = 0;
    const t0 = now();
    while (gcs < RECLAIM_MAX_COLLECTIONS && released < n) {
      gc();
      gcs++;
      await tick();
    }
    const t1 = now();
    collections.push(gcs);
    releasedPct.push((100 * released) / n);
    releaseMs.push(elapsedNs(t0, t1) / 1e6);
    if (wm.has(registry)) note('info', 'unreachable');   // keeps wm alive
  }
  emit('reclaim', n, 'collections', collections);
  emit('reclaim', n, 'released_pct', releasedPct);
  emit('reclaim', n, 'release_ms', releaseMs);
}

function timedGcMs() {
  const t0 = now();
  gc();
  return elapsedNs(t0, now()) / 1e6;
}

// Keys go in in random order, as in workloads/gc.c. With the table, the
// values are reachable only through it; the baseline holds as many values in
// an array.
function gcCost(ctx) {
  const { n, order, opts } = ctx;
  const withTable = [], base = [];
  let wm = build(order, Array.from({ length: n }, () => ({})));
  gc();
  gc();
  for (let r = 0; r < opts.reps; r++) withTable.push(timedGcMs());
  if (!wm.has(order[0])) note('warn', 'gc_cost: key lost');
  wm = null;
  const objvals = Array.from({ length: n }, () => ({}));
  gc();
  gc();
  for (let r = 0; r < opts.reps; r++) base.push(timedGcMs());
  emit('gc_cost', n, 'ns_per_entry', withTable.map((w, r) => ((w - base[r]) * 1e6) / n));
  emit('gc_cost', n, 'gc_ms_with_table', withTable);
  emit('gc_cost', n, 'gc_ms_baseline', base);
  return objvals.length;
}

// The first operation after a full collection, each with a collection of its
// own, as in workloads/pause.c: this run's share of ten samples at least,
// plus the warm-up ones that emit() drops.
function pause(ctx) {
  const { n, keys, vals, opts, rng } = ctx;
  const rounds = Math.max(Math.ceil(10 / opts.rounds) + warmup, opts.reps);
  const ops = ['get', 'has', 'set', 'insert', 'delete'];
  const samples = ops.map(() => []);
  const wm = build(keys, vals);
  let found = 0;
  for (let r = 0; r < rounds; r++) {
    for (let op = 0; op < ops.length; op++) {
      const i = rng(n);
      const key = op === 3 ? {} : keys[i];
      gc();
      const t0 = now();
      switch (op) {
        case 0: found += wm.get(key) !== undefined; break;
        case 1: found += wm.has(key); break;
        case 2: case 3: wm.set(key, vals[i]); found++; break;
        default: found += wm.delete(key); break;
      }
      const t1 = now();
      samples[op].push(elapsedNs(t0, t1));
      if (op === 3) wm.delete(key);
      else if (op === 4) wm.set(key, vals[i]);
    }
  }
  check('pause', n, 'present keys found', found, rounds * ops.length);
  ops.forEach((name, k) => emit('pause', n, `first_${name}_ns`, samples[k]));
}

function memory(ctx) {
  const { n, keys, opts } = ctx;
  const objvals = Array.from({ length: n }, () => ({}));
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    let wm = build(keys, objvals);
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    if (!wm.has(keys[0])) note('warn', 'memory: key lost');
    wm = null;
    samples.push((after - before) / n);
  }
  emit('memory', n, 'bytes_per_entry', samples);
  return objvals.length;
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv);
  if (typeof gc !== 'function') {
    note('skip', 'node was started without --expose-gc');
    return;
  }
  note('info', `node ${process.version}, V8 ${process.versions.v8}`);
  const w = opts.workloads;
  for (const n of opts.sizes) {
    const rng = makeRng(0x5eed0000 + n);
    const keys = newKeys(n);
    const vals = Array.from({ length: n }, (_, i) => i);
    const order = shuffled(keys, rng);
    const ctx = { n, keys, vals, order, opts, rng, table: null };
    if (w.has('insert') || w.has('delete')) insertDelete(ctx, w.has('insert'), w.has('delete'));
    if (w.has('get_hit') || w.has('get_miss') || w.has('has')) {
      ctx.table = build(keys, vals);
      gc();
      if (w.has('get_hit')) lookups(ctx, 'get_hit', order, true);
      if (w.has('get_miss')) {
        lookups(ctx, 'get_miss', hashedMisses(planLookups(n, opts.minOps).count), false);
      }
      if (w.has('has')) has(ctx);
      ctx.table = null;
    }
    if (w.has('churn')) churn(ctx);
    if (w.has('reclaim')) await reclaim(ctx);
    if (w.has('gc_cost')) gcCost(ctx);
    if (w.has('pause')) pause(ctx);
    if (w.has('memory')) memory(ctx);
    process.stdout.write(`progress v8 ${n} ${opts.reps * (n + opts.minOps)}\n`);
  }
  if (w.has('threads')) note('info', 'threads workload not applicable: a WeakMap belongs to one isolate');
}

main().catch((err) => {
  process.stderr.write(`v8_weakmap.js: ${err.stack}\n`);
  process.exit(1);
});
