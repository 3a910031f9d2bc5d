#!/usr/bin/env bash
# What a new user does with a clean clone, checked end to end in a temporary directory (nothing in
# the checkout is touched):
#   1. `npm pack` in js/ before `npm ci` refuses, naming what is missing (never an empty package);
#   2. `npm ci && npm pack` builds a tarball that holds the .wasm;
#   3. the tarball installs into an empty project, where a strict TypeScript consumer type-checks,
#      a Node script decides a case, and the CRM widget, copied next to node_modules, runs in
#      Chromium under `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`;
#   4. `pip install bindings/python` refuses before the component is built, naming the script
#      that builds it; after `bash scripts/build-component.sh` it installs into a fresh venv and
#      decides a case to the corpus's bytes.
# Run after scripts/test-wasm.sh and scripts/test-wasi.sh, which install the tools (wasm-bindgen,
# wasm-tools, Chromium). The clone builds into this checkout's CARGO_TARGET_DIR so that compiled
# dependencies are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work=$(mktemp -d "${TMPDIR:-/tmp}/arrears-new-user.XXXXXX")
trap 'rm -rf "$work" "${repo:-}"' EXIT
npm_q=(--no-audit --no-fund --loglevel=error)
fail() { echo "new-user: $*" >&2; exit 1; }

echo "== a clean clone of $(git rev-parse --short HEAD)"
# At a fixed place under the target directory: cargo keys the clone's build by its path, so a new
# path on every run would leave a new set of artefacts behind each time.
repo="$CARGO_TARGET_DIR/new-user-clone"
rm -rf "$repo"
git clone -q --no-hardlinks "$root" "$repo"

echo "== npm pack without the build's dependencies refuses, naming them"
if (cd "$repo/js" && npm pack --pack-destination "$work" >"$work/pack.out" 2>&1); then
  cat "$work/pack.out" >&2
  fail "npm pack succeeded without npm ci: it would have packed a package without its .wasm"
fi
grep -q "npm ci" "$work/pack.out" || { cat "$work/pack.out" >&2; fail "npm pack failed without saying to run npm ci"; }
ls "$work"/arrears-*.tgz >/dev/null 2>&1 && fail "a tarball was written although the pack failed"

echo "== npm ci && npm pack"
(cd "$repo/js" && npm ci "${npm_q[@]}" --silent)
tarball=$(cd "$repo/js" && npm pack --pack-destination "$work" 2>"$work/pack.err" | tail -n 1)
tarball="$work/$tarball"
[ -f "$tarball" ] || { cat "$work/pack.err" >&2; fail "npm pack wrote no tarball"; }
tar -tzf "$tarball" > "$work/files"
for f in package/dist/pkg/arrears_bg.wasm package/dist/node.js package/dist/browser.js package/dist/index.d.ts package/dist/docs/case.md; do
  grep -qx "$f" "$work/files" || fail "the tarball lacks $f"
done
wasm_bytes=$(tar -xzOf "$tarball" package/dist/pkg/arrears_bg.wasm | wc -c)
[ "$wasm_bytes" -gt 100000 ] || fail "the tarball's .wasm is $wasm_bytes bytes"
if tar -xzOf "$tarball" package/README.md | grep -Eq '!\[[^]]*\]\((\.\./|\./)?[^h)][^)]*\)'; then
  fail "the package README shows an image by a path that breaks outside the repository"
fi
echo "$(basename "$tarball"): $(wc -l < "$work/files") files, .wasm $wasm_bytes bytes"

echo "== an empty project installs the tarball"
app="$work/app"
mkdir -p "$app"
cat > "$app/package.json" <<'JSON'
{ "name": "collections-app", "private": true, "type": "module" }
JSON
typescript=$(node -p "require('$repo/js/package.json').devDependencies.typescript")
(cd "$app" && npm install "${npm_q[@]}" "$tarball" "typescript@$typescript")

echo "== a strict TypeScript consumer type-checks"
cat > "$app/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "exactOptionalPropertyTypes": true, "noUncheckedIndexedAccess": true,
    "noEmit": true, "skipLibCheck": false, "types": [] },
  "files": ["consumer.ts"] }
JSON
cat > "$app/consumer.ts" <<'TS'
import { Engine, ArrearsError, type Case, type Decision, type Plan, type PlanWindow } from 'arrears';

const kase: Case = {
  as_of: '2026-03-10T14:30:00+08:00',
  account: { id: 'L-1', currency: 'CNY', book_time_zone: 'Asia/Shanghai',
             installments: [{ due: '2026-02-15', amount: 120000 }] },
  borrower: { time_zones: ['Asia/Shanghai'], channels: [{ id: 'm1', kind: 'mobile' }] },
  history: [{ at: '2026-03-09T10:00:00+08:00', type: 'call', party: 'borrower', channel: 'm1',
              direction: 'outbound', outcome: 'no_answer' }],
};
try {
  const d: Decision = new Engine('cn-microloan').decide(kase);
  for (const a of d.actions) {
    const when: string | null = a.allowed ? a.allowed_until : a.next_allowed_at;
    console.log(a.action, a.party, a.channel ?? '-', when ?? 'never');
  }
  const next: { at: string } | null = d.next_action;
  console.log(d.delinquency.days_past_due, d.delinquency.overdue_since, next?.at);
  const plan: Plan = new Engine('cn-microloan').plan(kase, 3);
  for (const c of plan.candidates) {
    const windows: PlanWindow[] = c.windows;
    for (const w of windows) console.log(c.action, c.channel ?? '-', w.from, w.until, w.preferred, w.caps.map((cap) => `${cap.rule} ${cap.remaining}`));
  }
} catch (e) {
  if (e instanceof ArrearsError) console.log(e.code, e.path, e.detail);
}
TS
(cd "$app" && ./node_modules/.bin/tsc -p .)

echo "== a Node script decides a case, and a bad case is an ArrearsError"
cp "$repo/examples/cases/overdue-consumer-loan.json" "$app/case.json"
cat > "$app/decide.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { Engine, ArrearsError } from 'arrears';

const engine = new Engine('cn-microloan');
const d = engine.decide(JSON.parse(readFileSync('case.json', 'utf8')));
let error;
try {
  engine.decide({ as_of: '2026-03-10T14:30:00', account: {}, borrower: {} });
} catch (e) {
  error = e;
}
if (!(error instanceof ArrearsError)) throw new Error(`a bad case gave ${error}`);
console.log(d.delinquency.stage.id, d.delinquency.days_past_due, error.code, error.path);
JS
got=$(cd "$app" && node decide.mjs)
[ "$got" = "late 23 invalid_field as_of" ] || fail "the Node script printed: $got"
echo "$got"

echo "== the CRM widget, copied next to node_modules, in Chromium under a CSP"
cp -r "$repo/examples/crm-widget/index.html" "$repo/examples/crm-widget/panel.js" \
  "$repo/examples/crm-widget/panel.css" "$repo/examples/crm-widget/samples" "$app/"
cat > "$work/browser.mjs" <<'JS'
// Serves the app folder as a user's static server would, with a strict CSP, and opens the widget.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
const [app, browserModule, expectedStage] = process.argv.slice(2);
const { launch } = await import(browserModule);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const csp = "script-src 'self' 'wasm-unsafe-eval'";
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(app, path.endsWith('/') ? join(path, 'index.html') : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const context = await launch();
try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Any failed load but the favicon's, which the page does not have.
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`http://127.0.0.1:${server.address().port}/?sample=cn-spring-festival.json`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 }).catch(() => {});
  const ready = await page.getAttribute('body', 'data-ready');
  const stage = await page.getAttribute('#stage', 'data-stage');
  if (ready !== 'true' || errors.length || stage !== expectedStage) {
    throw new Error(`widget not ready under ${csp}: ready=${ready} stage=${stage} errors=${errors.join(' | ')}`);
  }
  console.log(`widget ready under ${csp}: stage ${stage}`);
} finally {
  await context.close();
  server.close();
}
JS
stage=$(node -p "JSON.parse(require('fs').readFileSync('$repo/tests/conformance/cases/cn-spring-festival-2026-02-16/expected.json','utf8')).delinquency.stage.id")
node "$work/browser.mjs" "$app" "$repo/js/test/browser.mjs" "$stage"

echo "== pip install bindings/python without the component refuses, naming the build script"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if "$py" -m pip install -q --disable-pip-version-check "$repo/bindings/python" >"$work/pip.out" 2>&1; then
  fail "pip installed the package without its component"
fi
grep -q "bash scripts/build-component.sh" "$work/pip.out" || { cat "$work/pip.out" >&2; fail "pip failed without naming scripts/build-component.sh"; }
"$py" -c "import arrears" 2>/dev/null && fail "a package without its component was installed"

echo "== build the component, install into the fresh venv, decide a case"
(cd "$repo" && bash scripts/build-component.sh)
"$py" -m pip install -q --disable-pip-version-check "$repo/bindings/python"
case_dir="$repo/tests/conformance/cases/us-cease-communication"
ARREARS_CACHE_DIR="$work/cache" "$py" - "$case_dir" <<'PY'
import json, pathlib, re, sys
import arrears
case_dir = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(case_dir.parents[1]))
from expected import read_expected
meta = json.loads((case_dir / "meta.json").read_text())
engine = arrears.Engine(meta["policy"])
got = engine.decide_json((case_dir / "case.json").read_text())
# The corpus keeps the policy's digest apart (digests.json): compare the bytes as it stores them.
masked = re.sub(r'"digest":"sha256:[0-9a-f]{64}"', '"digest":"@digest"', got)
assert (masked + "\n").encode() == read_expected(case_dir), "the decision differs from the corpus"
d = engine.decide(json.loads((case_dir / "case.json").read_text()))
try:
    engine.decide({"as_of": "2026-03-10T14:30:00", "account": {}, "borrower": {}})
    raise SystemExit("a bad case was decided")
except arrears.ArrearsError as e:
    print("python:", d["status"]["state"], d["delinquency"]["days_past_due"], e.code, e.path)
PY
echo "new-user: every step a new user takes works"
