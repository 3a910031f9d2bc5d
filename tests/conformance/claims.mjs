// The corpus's claims and digests, checked the same way on every JavaScript surface (the npm
// package's Node tests and corpus report, the browser report, the jco host). claims.rs and
// claims.py beside it are the same checker in Rust and Python; docs/conformance.md describes the
// language. No dependencies: Node's fs and path only, and nothing at all for the checks.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readExpected } from './expected.mjs';

const DIGEST = /"digest":"sha256:([0-9a-fA-F]{64})"/g;

/** The output with every `"digest":"sha256:<64 hex>"` written `"digest":"@digest"`, and the digests. */
export function maskDigests(output) {
  const digests = [];
  const masked = output.replace(DIGEST, (_, hex) => {
    digests.push(`sha256:${hex}`);
    return '"digest":"@digest"';
  });
  return { masked, digests };
}

/** What is wrong with an output's digest against digests.json, or null (errors have none). */
export function digestProblem(digests, reference, output) {
  const [got] = maskDigests(output).digests;
  if (!got) return null;
  let version = '';
  try {
    version = JSON.parse(output).policy?.version ?? '';
  } catch {}
  const entry = digests?.[reference];
  const want = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? entry[version] : undefined;
  if (typeof want !== 'string') return `digests.json has no digest for ${reference} ${version} (the output's is ${got})`;
  return want === got ? null : `digest of ${reference} ${version} is ${got}, digests.json says ${want}`;
}

function parse(path) {
  // Split on dots outside brackets: selector values are rule ids, which hold dots.
  const segments = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '.' && depth === 0) {
      segments.push(path.slice(start, i));
      start = i + 1;
    }
  }
  segments.push(path.slice(start));
  return segments.map((seg) => {
    const open = seg.indexOf('[');
    if (open < 0) {
      if (!seg) throw new Error(`empty segment in ${JSON.stringify(path)}`);
      return { key: seg };
    }
    const name = seg.slice(0, open);
    if (!seg.endsWith(']')) throw new Error(`unclosed [ in ${JSON.stringify(seg)}`);
    const inner = seg.slice(open + 1, -1);
    if (inner === '*') return { every: name };
    if (/^[0-9]+$/.test(inner)) return { index: name, at: Number(inner) };
    const pairs = inner.split(',').map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 0) throw new Error(`selector ${JSON.stringify(kv)} in ${JSON.stringify(seg)} is not k=v`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    });
    return { select: name, pairs };
  });
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const short = (v) => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 160 ? `${s.slice(0, 160)}...` : s;
};
const textOf = (v) => (typeof v === 'string' ? v : v === null || typeof v === 'number' || typeof v === 'boolean' ? JSON.stringify(v) : undefined);

/** JSON deep equality (object key order does not matter). */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

// A resolution is { value }, { missing: why } (an absent key or a selector matching nothing,
// which `lacks` accepts) or { bad: why }.
function array(v, name) {
  const a = isObject(v) ? v[name] : undefined;
  if (Array.isArray(a)) return { items: a };
  if (a === undefined || a === null) return { missing: `no array ${JSON.stringify(name)}` };
  return { bad: `${JSON.stringify(name)} is not an array: ${short(a)}` };
}

function resolve(v, steps) {
  if (steps.length === 0) return { value: v };
  const [step, ...rest] = steps;
  if (step.key !== undefined) {
    if (isObject(v) && Object.hasOwn(v, step.key)) return resolve(v[step.key], rest);
    return { missing: `no key ${JSON.stringify(step.key)} in ${short(v)}` };
  }
  const name = step.index ?? step.select ?? step.every;
  const arr = array(v, name);
  if (!arr.items) return arr;
  const items = arr.items;
  if (step.index !== undefined) {
    return step.at < items.length ? resolve(items[step.at], rest) : { missing: `${JSON.stringify(name)} has ${items.length} elements` };
  }
  if (step.select !== undefined) {
    const hits = items.filter((e) => isObject(e) && step.pairs.every(([k, want]) => Object.hasOwn(e, k) && textOf(e[k]) === want));
    if (hits.length === 1) return resolve(hits[0], rest);
    if (hits.length === 0) return { missing: `no element of ${JSON.stringify(name)} matches the selector (elements: ${short(items)})` };
    return { bad: `${hits.length} elements of ${JSON.stringify(name)} match the selector` };
  }
  const out = [];
  for (const e of items) {
    const r = resolve(e, rest);
    if (!('value' in r)) return r;
    out.push(r.value);
  }
  return { value: out };
}

function check(claim, output) {
  const path = claim?.at;
  if (typeof path !== 'string') return `claim without "at": ${short(claim)}`;
  let steps;
  try {
    steps = parse(path);
  } catch (e) {
    return `${path}: ${e.message}`;
  }
  const ops = ['is', 'has', 'lacks'].filter((k) => Object.hasOwn(claim, k));
  if (ops.length !== 1) return `${path}: a claim needs exactly one of is/has/lacks: ${short(claim)}`;
  const [op] = ops;
  const want = claim[op];
  const found = resolve(output, steps);
  if (found.bad) return `${path}: ${found.bad}`;
  if (found.missing) return op === 'lacks' ? null : `${path}: ${op} ${short(want)}, but ${found.missing}`;
  const got = found.value;
  if (op === 'is') return jsonEqual(got, want) ? null : `${path}: is ${short(want)}, found ${short(got)}`;
  if (!Array.isArray(got)) return `${path}: ${op} ${short(want)} needs a list, found ${short(got)}`;
  return got.some((x) => jsonEqual(x, want)) === (op === 'has') ? null : `${path}: ${op} ${short(want)}, found ${short(got)}`;
}

/** The case's `expect` claims that do not hold of `output` (a parsed decision or error). */
export function claimFailures(meta, output) {
  const claims = meta?.expect;
  if (!Array.isArray(claims)) return ['meta.json has no "expect" list'];
  if (claims.length === 0) return ['meta.json\'s "expect" list is empty'];
  return claims.map((c) => check(c, output)).filter((f) => f !== null);
}

/** The corpus directory: ARREARS_CORPUS when set, else `fallback`. */
export function corpusDir(fallback) {
  return process.env.ARREARS_CORPUS || fallback;
}

/**
 * The days a plan case plans over (its meta.json's `plan_days`, which makes every surface call
 * plan instead of decide), or null for a decision case.
 */
export function planDays(meta) {
  return meta?.plan_days === undefined ? null : meta.plan_days;
}

const wholeDays = (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** Every case of a corpus directory, in name order, with its policy text and expected bytes. */
export function loadCorpus(root) {
  const digestsPath = join(root, 'digests.json');
  const digests = existsSync(digestsPath) ? JSON.parse(readFileSync(digestsPath, 'utf8')) : {};
  return readdirSync(join(root, 'cases'))
    .filter((d) => statSync(join(root, 'cases', d)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(root, 'cases', name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      return {
        name,
        meta,
        reference: meta.policy,
        digests,
        policy: meta.policy.endsWith('.json') ? readFileSync(join(root, meta.policy), 'utf8') : meta.policy,
        caseText: readFileSync(join(dir, 'case.json'), 'utf8'),
        planDays: planDays(meta),
        expected: readExpected(dir),
      };
    });
}

/** Checks one case's output text (decision, plan or error JSON): the masked bytes, the digest, the claims. */
export function checkCase(c, output) {
  const identical = maskDigests(output).masked + '\n' === c.expected;
  const failed = [];
  const days = planDays(c.meta);
  if (days !== null && !wholeDays(days)) failed.push(`${c.name}: meta.json's "plan_days" is ${JSON.stringify(days)}, not a whole number of days`);
  const digest = digestProblem(c.digests, c.reference, output);
  if (digest) failed.push(`${c.name}: ${digest}`);
  let parsed = null;
  try {
    parsed = JSON.parse(output);
  } catch {}
  for (const f of claimFailures(c.meta, parsed)) failed.push(`${c.name}: ${f}`);
  return { identical, failed };
}

/** The summary line every surface prints for scripts/conformance.sh. */
export function summary(surface, cases, outputs) {
  const differ = [];
  const failedClaims = [];
  let claims = 0;
  cases.forEach((c, i) => {
    const r = checkCase(c, outputs[i]);
    if (!r.identical) differ.push(c.name);
    failedClaims.push(...r.failed);
    claims += Array.isArray(c.meta.expect) ? c.meta.expect.length : 0;
  });
  return { surface, cases: cases.length, identical: cases.length - differ.length, differ, claims, failed_claims: failedClaims };
}
