"""The conformance corpus through `arrears serve`: each case's output, one JSON line each, for
`arrears corpus check` (scripts/conformance.sh), which checks every surface's outputs the same way.
The service is started on a free loopback port with every policy the corpus names, each policy's
cases are decided in one `POST /v1/decide-many` (JSON Lines), and plan cases go through
`POST /v1/plan?days=N`.

Two things only the service's framing needs:
- JSON Lines carry one case a line, so each case file is sent with the whitespace between its
  tokens removed (strings, numbers and key order untouched). A case file that is not JSON at all
  cannot be framed as a line unchanged and goes through `POST /v1/decide`, as written.
- A stream's error line is `arrears batch`'s, `{"line":N,"error":{...}}`; the output is the error
  object in it. The stream's bytes are also compared with `arrears batch` on the same lines: where
  they differ, each of the stream's cases gives both answers as its output, which no expected file
  holds, so the checker fails them.
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
import corpus  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--bin")]
binary = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--bin=")), None)
binary = binary or os.environ.get("ARREARS_BIN") or str(
    next((p for p in (repo / "target/release/arrears", repo / "target/debug/arrears") if p.exists()),
         "arrears"))
if os.sep in binary:
    binary = str(pathlib.Path(binary).resolve())
root = pathlib.Path(args[0]) if args else corpus.corpus_dir(repo / "tests" / "conformance")
cases = corpus.load_corpus(root)


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
SURFACE = "HTTP service (arrears serve)"
if proc is None:
    # Every case's output is what the service said as it failed to start.
    sys.stdout.write(corpus.output_lines(SURFACE, cases, [f"the service did not start: {base}"] * len(cases)))
    sys.exit(0)
try:
    with urllib.request.urlopen(base + "/v1/policies", timeout=10) as r:
        ids = {p["source"]: p["id"] for p in json.load(r)["policies"]}
    for reference in loadable:
        query = "policy=" + urllib.parse.quote(ids[reference])
        mine = [c for c in cases if c.reference == reference and c.name not in outputs]
        streamed = [c for c in mine if c.plan_days is None and is_json(c.case_text)]
        for c in mine:
            if c.plan_days is not None:
                outputs[c.name] = post(f"{base}/v1/plan?{query}&days={c.plan_days}", c.case_text)
            elif c not in streamed:
                outputs[c.name] = post(f"{base}/v1/decide?{query}", c.case_text)
        if not streamed:
            continue
        lines = "".join(minify(c.case_text) + "\n" for c in streamed)
        answer = post(f"{base}/v1/decide-many?{query}", lines)
        batch = subprocess.run([binary, "batch", "--policy", reference_arg(reference)], cwd=root,
                               input=lines, capture_output=True, text=True).stdout
        got, by_batch = answer.splitlines(), batch.splitlines()
        for i, c in enumerate(streamed):
            line = got[i] if i < len(got) else ""
            outputs[c.name] = re.sub(r'^\{"line":\d+,"error":', '{"error":', line)
            if answer != batch:
                outputs[c.name] = json.dumps({"decide_many": line, "arrears_batch": by_batch[i] if i < len(by_batch) else None})
finally:
    stop(proc)

sys.stdout.write(corpus.output_lines(SURFACE, cases, [outputs.get(c.name) for c in cases]))
