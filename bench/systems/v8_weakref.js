// SPDX-License-Identifier: MIT
// The V8 peers of gcweak-bench's weak reference and registry workloads:
// WeakRef (system v8-ref) and FinalizationRegistry (system v8-reg).
//
// Run by gcweak-bench as
//   node --expose-gc v8_weakref.js --sizes 1000,10000 --workloads ref_new,...
//        --reps 5 --min-ops 262144
// and prints one line per figure on standard output, in gcweak-bench's line
// protocol (see core/protocol.h):
//   result SYSTEM WORKLOAD N METRIC MEDIAN MIN MAX REPS
//   info SYSTEM text
// The workloads are shaped as in workloads/refs.c and workloads/registry.c;
// targets are fresh `{}` objects, held values small integers.
//
// V8 keeps the target of a WeakRef made or read in a job alive until the job
// ends (the spec's KeepDuringJob set): the script yields to the event loop
// (await tick()) before it lets targets die or times a collection, as a
// program's next event would.
'use strict';

const DELIVERY_MAX_COLLECTIONS = 4;
const DELIVERY_MAX_TICKS = 64;
const RELEASED_PCT_OK = 95;

const REF_WORKLOADS = ['ref_new', 'ref_get', 'ref_get_dead', 'ref_gc_cost', 'ref_threads'];
const REG_WORKLOADS = ['reg_register', 'reg_unregister', 'reg_delivery', 'reg_gc_cost'];

function parseArgs(argv) {
  const opts = {
    sizes: [1000, 10000, 100000, 1000000],
    workloads: new Set([...REF_WORKLOADS, ...REG_WORKLOADS]),
    reps: 5,
    minOps: 262144,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--sizes': opts.sizes = value.split(',').map(Number); break;
      case '--workloads': opts.workloads = new Set(value.split(',').filter((w) => w)); break;
      case '--reps': opts.reps = Number(value); break;
      case '--warmup': warmup = Number(value); break;
      case '--rounds': break;   // the table script's pause uses it; nothing here
      case '--min-ops': opts.minOps = Number(value); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return opts;
}

const now = () => process.hrtime.bigint();
const elapsedNs = (t0, t1) => Number(t1 - t0);
const tick = () => new Promise((resolve) => setImmediate(resolve));
const systemOf = (workload) => (workload.startsWith('ref_') ? 'v8-ref' : 'v8-reg');

// Leading repetitions run but not reported (--warmup): the parent runs
// this script once per round and size, and a fresh process's first
// repetition warms the JIT and grows the heap.
let warmup = 0;

// One "sample" line per repetition: the parent folds them, with its
// rounds kept apart.
function emit(workload, n, metric, samples) {
  const fmt = (x) => Number(x.toPrecision(6)).toString();
  for (const x of samples.slice(warmup))
    process.stdout.write(`sample ${systemOf(workload)} ${workload} ${n} ${metric} ${fmt(x)}\n`);
}

function note(kind, system, text) {
  process.stdout.write(`${kind} ${system} ${text}\n`);
}

function warn(workload, n, text) {
  note('warn', systemOf(workload), `${workload} at N=${n}: ${text}`);
}

function check(workload, n, what, got, want) {
  if (got !== want) warn(workload, n, `${what} ${got}, expected ${want}`);
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

function permutation(n, rng) {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n; i > 1; i--) {
    const j = rng(i);
    const tmp = perm[i - 1];
    perm[i - 1] = perm[j];
    perm[j] = tmp;
  }
  return perm;
}

const newKeys = (n) => Array.from({ length: n }, () => ({}));
const passesFor = (n, minOps) => (n >= minOps ? 1 : Math.ceil(minOps / n));
function planLookups(n, minOps) {
  return n >= minOps ? { passes: 1, count: minOps } : { passes: passesFor(n, minOps), count: n };
}

function timedGcMs() {
  const t0 = now();
  gc();
  return elapsedNs(t0, now()) / 1e6;
}

async function settle() {
  await tick();
  gc();
  gc();
  await tick();
}

// Every reference against its target: the number of wrong reads.
function wrongReads(refs, targets) {
  let wrong = 0;
  for (let i = 0; i < refs.length; i++) if (refs[i].deref() !== targets[i]) wrong++;
  return wrong;
}

// ------------------------------------------------------------------ WeakRef

async function refNew(ctx) {
  const { n, keys, opts } = ctx;
  const passes = passesFor(n, opts.minOps);
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    await settle();
    const refs = new Array(passes * n);
    const t0 = now();
    for (let p = 0; p < passes; p++) {
      const base = p * n;
      for (let i = 0; i < n; i++) refs[base + i] = new WeakRef(keys[i]);
    }
    const t1 = now();
    samples.push(elapsedNs(t0, t1) / (passes * n));
    if (r === 0) check('ref_new', n, 'wrong reads', wrongReads(refs.slice(0, n), keys), 0);
  }
  emit('ref_new', n, 'ns_per_op', samples);
}

async function refGet(ctx) {
  const { n, keys, opts, rng } = ctx;
  const refs = keys.map((k) => new WeakRef(k));
  check('ref_get', n, 'wrong reads', wrongReads(refs, keys), 0);
  const perm = permutation(n, rng);
  const order = perm.map((i) => refs[i]);
  const { passes, count } = planLookups(n, opts.minOps);
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    await settle();
    let found = 0;
    const t0 = now();
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < count; i++) if (order[i].deref() !== undefined) found++;
    }
    const t1 = now();
    check('ref_get', n, 'live targets found', found, passes * count);
    samples.push(elapsedNs(t0, t1) / (passes * count));
  }
  emit('ref_get', n, 'ns_per_op', samples);
}

// References to n fresh targets that nothing else holds.
function refsToFresh(n) {
  const refs = new Array(n);
  for (let i = 0; i < n; i++) refs[i] = new WeakRef({});
  return refs;
}

async function refGetDead(ctx) {
  const { n, opts, rng } = ctx;
  const refs = refsToFresh(n);
  await settle();
  const order = permutation(n, rng).map((i) => refs[i]);
  let survivors = 0;
  for (const ref of order) if (ref.deref() !== undefined) survivors++;
  await tick();   // what those reads kept alive goes back
  const survivedPct = (100 * survivors) / n;
  if (survivedPct > 100 - RELEASED_PCT_OK) {
    warn('ref_get_dead', n, `${survivors} of ${n} references still read their dropped target`);
  }
  const { passes, count } = planLookups(n, opts.minOps);
  const samples = [];
  for (let r = 0; r < opts.reps; r++) {
    let found = 0;
    const t0 = now();
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < count; i++) if (order[i].deref() !== undefined) found++;
    }
    const t1 = now();
    if (found > passes * survivors) warn('ref_get_dead', n, 'a dead target came back');
    samples.push(elapsedNs(t0, t1) / (passes * count));
  }
  emit('ref_get_dead', n, 'ns_per_op', samples);
  emit('ref_get_dead', n, 'survived_pct', samples.map(() => survivedPct));
}

// The baseline first, as gcweak-bench times it.
async function refGcCost(ctx) {
  const { n, order, opts } = ctx;
  const withRefs = [], base = [];
  await settle();
  for (let r = 0; r < opts.reps; r++) base.push(timedGcMs());
  let refs = order.map((k) => new WeakRef(k));
  await settle();
  for (let r = 0; r < opts.reps; r++) withRefs.push(timedGcMs());
  check('ref_gc_cost', n, 'wrong reads', wrongReads(refs, order), 0);
  refs = null;
  emit('ref_gc_cost', n, 'ns_per_entry', withRefs.map((w, r) => ((w - base[r]) * 1e6) / n));
  emit('ref_gc_cost', n, 'gc_ms_with_refs', withRefs);
  emit('ref_gc_cost', n, 'gc_ms_baseline', base);
}

// ---------------------------------------------------- FinalizationRegistry

// A callback that notes each held value (indices below n are this run's).
function makeDelivery(n) {
  const d = { calls: 0, bad: 0, seen: new Uint8Array(n) };
  d.callback = (held) => {
    d.calls++;
    if (!(held >= 0 && held < n)) d.bad++;
    else if (d.seen[held] < 255) d.seen[held]++;
  };
  return d;
}

async function regRegisterUnregister(ctx, wantReg, wantUnreg) {
  const { n, opts, rng } = ctx;
  const passes = passesFor(n, opts.minOps);
  const targets = newKeys(passes * n);
  const perm = permutation(n, rng);
  const tokens = new Array(passes * n);
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < n; i++) tokens[p * n + i] = targets[p * n + perm[i]];
  }
  const d = makeDelivery(0);
  const reg = [], unreg = [];
  for (let r = 0; r < opts.reps; r++) {
    if (wantReg) {
      await settle();
      const registries = new Array(passes);
      const t0 = now();
      for (let p = 0; p < passes; p++) {
        const fr = new FinalizationRegistry(d.callback);
        const base = p * n;
        for (let i = 0; i < n; i++) fr.register(targets[base + i], base + i);
        registries[p] = fr;
      }
      reg.push(elapsedNs(t0, now()) / (passes * n));
    }
    if (wantUnreg) {
      const registries = new Array(passes);
      for (let p = 0; p < passes; p++) {
        const fr = new FinalizationRegistry(d.callback);
        const base = p * n;
        for (let i = 0; i < n; i++) {
          fr.register(targets[base + i], base + i, targets[base + i]);
        }
        registries[p] = fr;
      }
      await settle();
      let dropped = 0;
      const t0 = now();
      for (let p = 0; p < passes; p++) {
        const fr = registries[p];
        const base = p * n;
        for (let i = 0; i < n; i++) if (fr.unregister(tokens[base + i])) dropped++;
      }
      const t1 = now();
      check('reg_unregister', n, 'registrations dropped', dropped, passes * n);
      unreg.push(elapsedNs(t0, t1) / (passes * n));
    }
  }
  await settle();
  const workload = wantReg ? 'reg_register' : 'reg_unregister';
  if (d.calls !== 0) warn(workload, n, `${d.calls} callbacks ran while every target was alive`);
  if (wantReg) emit('reg_register', n, 'ns_per_op', reg);
  if (wantUnreg) emit('reg_unregister', n, 'ns_per_op', unreg);
  return targets.length;
}

// n fresh targets into hold, registered with held value = index.
function registerFresh(n, d) {
  const hold = new Array(n);
  const fr = new FinalizationRegistry(d.callback);
  for (let i = 0; i < n; i++) {
    hold[i] = {};
    fr.register(hold[i], i);
  }
  return { fr, hold };
}

// As workloads/registry.c: every other target dropped, then a full
// collection, and the event loop turned until the callbacks ran (V8 runs
// them in a task of its own after the collection), timed from the start of
// the collection to the last callback.
async function regDelivery(ctx) {
  const { n, opts } = ctx;
  const dead = Math.floor(n / 2);
  const want = Math.floor((dead * RELEASED_PCT_OK) / 100);
  const perCallback = [], callbackNs = [], gcMs = [], collections = [], deliveredPct = [];
  let short = false;
  for (let r = 0; r < opts.reps; r++) {
    const d = makeDelivery(n);
    let { fr, hold } = registerFresh(n, d);
    for (let i = 1; i < n; i += 2) hold[i] = undefined;
    await tick();
    let gcNs = 0, cbNs = 0, gcs = 0;
    while (d.calls < want && gcs < DELIVERY_MAX_COLLECTIONS) {
      const t0 = now();
      gc();
      const t1 = now();
      for (let t = 0; t < DELIVERY_MAX_TICKS && d.calls < want; t++) await tick();
      const t2 = now();
      gcNs += elapsedNs(t0, t1);
      cbNs += elapsedNs(t1, t2);
      gcs++;
    }
    let liveCalled = 0, twice = 0;
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0 && d.seen[i] !== 0) liveCalled++;
      if (d.seen[i] > 1) twice++;
    }
    if (d.bad || liveCalled || twice) {
      warn('reg_delivery', n, `${d.bad} callbacks with a held value never registered, ` +
        `${liveCalled} for live targets, ${twice} registrations called more than once`);
    }
    const ran = d.calls;
    perCallback.push(ran ? (gcNs + cbNs) / ran : 0);
    callbackNs.push(ran ? cbNs / ran : 0);
    gcMs.push(gcNs / 1e6);
    collections.push(gcs);
    deliveredPct.push(dead ? (100 * ran) / dead : 100);
    short = short || (dead && (100 * ran) / dead < RELEASED_PCT_OK);
    if (hold.length !== n || fr === null) warn('reg_delivery', n, 'lost its targets');
    fr = null;
    hold = null;
    await settle();
  }
  if (short) {
    warn('reg_delivery', n, `fewer than ${RELEASED_PCT_OK}% of the dead targets' ` +
      `callbacks ran after ${DELIVERY_MAX_COLLECTIONS} collections`);
  }
  emit('reg_delivery', n, 'ns_per_callback', perCallback);
  emit('reg_delivery', n, 'callback_ns', callbackNs);
  emit('reg_delivery', n, 'gc_ms', gcMs);
  emit('reg_delivery', n, 'collections', collections);
  emit('reg_delivery', n, 'delivered_pct', deliveredPct);
}

async function regGcCost(ctx) {
  const { n, order, opts } = ctx;
  const withRegs = [], base = [];
  const d = makeDelivery(0);
  await settle();
  for (let r = 0; r < opts.reps; r++) base.push(timedGcMs());
  let fr = new FinalizationRegistry(d.callback);
  for (let i = 0; i < n; i++) fr.register(order[i], i);
  await settle();
  for (let r = 0; r < opts.reps; r++) withRegs.push(timedGcMs());
  fr = null;
  await settle();
  if (d.calls !== 0) warn('reg_gc_cost', n, `${d.calls} callbacks ran while every target was alive`);
  emit('reg_gc_cost', n, 'ns_per_entry', withRegs.map((w, r) => ((w - base[r]) * 1e6) / n));
  emit('reg_gc_cost', n, 'gc_ms_with_regs', withRegs);
  emit('reg_gc_cost', n, 'gc_ms_baseline', base);
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv);
  const w = opts.workloads;
  const refs = REF_WORKLOADS.some((x) => w.has(x));
  const regs = REG_WORKLOADS.some((x) => w.has(x));
  const systems = [...(refs ? ['v8-ref'] : []), ...(regs ? ['v8-reg'] : [])];
  if (typeof gc !== 'function') {
    for (const s of systems) note('skip', s, 'node was started without --expose-gc');
    return;
  }
  for (const s of systems) note('info', s, `node ${process.version}, V8 ${process.versions.v8}`);
  for (const n of opts.sizes) {
    const rng = makeRng(0x5eed0000 + n);
    const keys = newKeys(n);
    const order = permutation(n, rng).map((i) => keys[i]);
    const ctx = { n, keys, order, opts, rng };
    if (w.has('ref_new')) await refNew(ctx);
    if (w.has('ref_get')) await refGet(ctx);
    if (w.has('ref_get_dead')) await refGetDead(ctx);
    if (w.has('ref_gc_cost')) await refGcCost(ctx);
    // Collection cost and delivery before the registrations, as gcweak-bench
    // runs them (a collection's time grows with the heap those leave).
    if (w.has('reg_gc_cost')) await regGcCost(ctx);
    if (w.has('reg_delivery')) await regDelivery(ctx);
    if (w.has('reg_register') || w.has('reg_unregister')) {
      await regRegisterUnregister(ctx, w.has('reg_register'), w.has('reg_unregister'));
    }
    for (const s of systems) process.stdout.write(`progress ${s} ${n} ${opts.reps * (n + opts.minOps)}\n`);
    await settle();
  }
  if (w.has('ref_threads')) {
    note('info', 'v8-ref', 'ref_threads not applicable: a WeakRef belongs to one isolate');
  }
}

main().catch((err) => {
  process.stderr.write(`v8_weakref.js: ${err.stack}\n`);
  process.exit(1);
});
