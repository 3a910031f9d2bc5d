// What every JavaScript runner of the conformance corpus shares (the npm package's Node tests and
// corpus report, the browser report, the jco host): reading the corpus and writing outputs. A
// runner only produces outputs; `arrears corpus check` holds them against the expected bytes, the
// digests and the claims, the one checker for every surface (docs/conformance.md). Node's fs and
// path only.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readExpected } from './expected.mjs';

const DIGEST = /"digest":"sha256:([0-9a-fA-F]{64})"/g;

/**
 * The output with every `"digest":"sha256:<64 hex>"` written `"digest":"@digest"`, and the
 * digests: how a test compares an output with its expected bytes.
 */
export function maskDigests(output) {
  const digests = [];
  const masked = output.replace(DIGEST, (_, hex) => {
    digests.push(`sha256:${hex}`);
    return '"digest":"@digest"';
  });
  return { masked, digests };
}

/** The corpus directory: ARREARS_CORPUS when set, else `fallback`. */
export function corpusDir(fallback) {
  return process.env.ARREARS_CORPUS || fallback;
}

/**
 * The days a plan case plans over (its meta.json's `plan_days`, which makes every surface call
 * plan instead of decide), or null for a decision case. A value no host could pass is the
 * checker's to report.
 */
export function planDays(meta) {
  return meta?.plan_days === undefined ? null : meta.plan_days;
}

/** Every case of a corpus directory, in name order, with its policy text and expected bytes. */
export function loadCorpus(root) {
  return readdirSync(join(root, 'cases'))
    .filter((d) => statSync(join(root, 'cases', d)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(root, 'cases', name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      return {
        name,
        meta,
        policy: meta.policy.endsWith('.json') ? readFileSync(join(root, meta.policy), 'utf8') : meta.policy,
        caseText: readFileSync(join(dir, 'case.json'), 'utf8'),
        planDays: planDays(meta),
        expected: expectedOf(dir),
      };
    });
}

/**
 * A case's expected output, its two expected files joined; empty when the case is not blessed yet
 * or its files do not join, so every output differs from it.
 */
function expectedOf(dir) {
  try {
    return readExpected(dir) ?? '';
  } catch {
    return '';
  }
}

/**
 * A runner's outputs as `arrears corpus check` reads them: one JSON line per case that has an
 * output (a case left out is reported by the checker).
 */
export function outputLines(surface, cases, outputs) {
  return cases
    .map((c, i) => (outputs[i] === undefined || outputs[i] === null ? '' : `${JSON.stringify({ surface, case: c.name, output: outputs[i] })}\n`))
    .join('');
}
