"""The conformance corpus through `arrears serve`, as a one-line JSON summary for
scripts/conformance.sh: the service is started on a free loopback port with every policy the
corpus names, each policy's cases are decided in one `POST /v1/decide-many` (JSON Lines), plan
cases go through `POST /v1/plan?days=N`, and each output is checked like every other surface's
(bytes with the digest masked, the digest, the claims: tests/conformance/claims.py).

Two things only the service's framing needs:
- JSON Lines carry one case a line, so each case file is sent with the whitespace between its
  tokens removed (strings, numbers and key order untouched). A case file that is not JSON at all
  cannot be framed as a line unchanged and goes through `POST /v1/decide`, as written.
- A stream's error line is `arrears batch`'s, `{"line":N,"error":{...}}`; the check reads the
  error object in it. The stream's bytes are also compared with `arrears batch` on the same lines:
  any difference fails the case.
A policy the service cannot load is a service that does not start: its cases' output is the error
object `arrears serve` prints as it exits.

    python3 bindings/cli/serve_corpus_report.py [CORPUS_DIR] [--bin PATH]   (or ARREARS_CORPUS=DIR)
"""

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

repo = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(repo / "tests" / "conformance"))
import claims  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--bin")]
binary = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--bin=")), None)
binary = binary or os.environ.get("ARREARS_BIN") or str(
    next((p for p in (repo / "target/release/arrears", repo / "target/debug/arrears") if p.exists()),
         "arrears"))
if os.sep in binary:
    binary = str(pathlib.Path(binary).resolve())
root = pathlib.Path(args[0]) if args else claims.corpus_dir(repo / "tests" / "conformance")
cases = claims.load_corpus(root)


def minify(text):
    """The JSON text without whitespace between tokens; everything else byte for byte."""
    out, in_string, escaped = [], False, False
    for ch in text:
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch not in " \t\r\n":
            out.append(ch)
    return "".join(out)


def is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def start(references):
    """(process, base URL) of a service on a free port, or (None, the error object it exited with)."""
    cmd = [binary, "serve", "--listen", "127.0.0.1:0", "--watch-ms", "0", "--threads", "1"]
    for r in references:
        cmd += ["--policy", r]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            return proc, m.group(1)
    proc.wait(timeout=10)
    return None, proc.stdout.read().strip()


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def post(url, body):
    req = urllib.request.Request(url, data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        return e.read().decode()


def reference_arg(reference):
    return reference  # a pack id, or a path relative to the corpus directory (the service's cwd)


outputs = {}
stream_differs = set()
references = sorted({c.reference for c in cases})
loadable = []
for reference in references:
    proc, answer = start([reference_arg(reference)])
    if proc is None:
        for c in cases:
            if c.reference == reference:
                outputs[c.name] = answer
    else:
        stop(proc)
        loadable.append(reference)

proc, base = start([reference_arg(r) for r in loadable])
if proc is None:
    print(json.dumps({"surface": "HTTP service (arrears serve)", "cases": len(cases), "identical": 0,
                      "differ": [c.name for c in cases], "claims": 0,
                      "failed_claims": [f"the service did not start: {base}"]}))
    sys.exit(1)
try:
    with urllib.request.urlopen(base + "/v1/policies", timeout=10) as r:
        ids = {p["source"]: p["id"] for p in json.load(r)["policies"]}
    for reference in loadable:
        query = "policy=" + urllib.parse.quote(ids[reference])
        mine = [c for c in cases if c.reference == reference and c.name not in outputs]
        streamed = [c for c in mine if c.meta.get("plan_days") is None and is_json(c.case_text)]
        for c in mine:
            if c.meta.get("plan_days") is not None:
                outputs[c.name] = post(f"{base}/v1/plan?{query}&days={c.meta['plan_days']}", c.case_text)
            elif c not in streamed:
                outputs[c.name] = post(f"{base}/v1/decide?{query}", c.case_text)
        if not streamed:
            continue
        lines = "".join(minify(c.case_text) + "\n" for c in streamed)
        answer = post(f"{base}/v1/decide-many?{query}", lines)
        batch = subprocess.run([binary, "batch", "--policy", reference_arg(reference)], cwd=root,
                               input=lines, capture_output=True, text=True).stdout
        got = answer.splitlines()
        for i, c in enumerate(streamed):
            line = got[i] if i < len(got) else ""
            outputs[c.name] = re.sub(r'^\{"line":\d+,"error":', '{"error":', line)
            if answer != batch:
                stream_differs.add(c.name)
finally:
    stop(proc)

line = claims.summary("HTTP service (arrears serve)", cases, [outputs.get(c.name, "") for c in cases])
if stream_differs:
    line["differ"] = sorted(set(line["differ"]) | stream_differs)
    line["identical"] = len(cases) - len(line["differ"])
print(json.dumps(line, ensure_ascii=False))
sys.exit(1 if line["differ"] or line["failed_claims"] else 0)
