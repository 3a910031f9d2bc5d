"""The install checks: each artifact of dist/ (scripts/package.sh) installed into an empty project,
exactly as docs/install.md says, on a PATH without cargo or rustc, deciding the README's sample
case; each timed from install to the first decision, and the first program timed again once
its caches are warm.

    python3 scripts/install-check.py [LANGUAGE ...]     (npm, python, java, go, cli; all if none)
    ARREARS_STARTUP=1 python3 scripts/install-check.py  also: the engine's start-up, cold and warm

The snippets are read from docs/install.md (a fenced block after `<!-- check: LANG file NAME -->`
is written to NAME, one after `<!-- check: LANG run -->` is run with bash), so the page cannot
drift from what is checked. Prints one line per language and, last, 'N passed, N failed'.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "cases" / "overdue-consumer-loan.json"
DECIDED = re.compile(r'^23\b|"days_past_due":23\b', re.M)
BLOCK = re.compile(r"<!-- check: (\w+) (file|run)\s*([^ ]*?) -->\n```[a-z]*\n(.*?)```", re.S)


def snippets(language):
    page = (ROOT / "docs" / "install.md").read_text()
    found = [(kind, name, body) for lang, kind, name, body in BLOCK.findall(page) if lang == language]
    if not any(kind == "run" for kind, _, _ in found):
        raise SystemExit(f"docs/install.md has no `check: {language} run` block")
    return found


def toolchain_free_path():
    """PATH without any directory that holds cargo or rustc: the packages must need neither."""
    keep = []
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if d and not any((pathlib.Path(d) / tool).exists() for tool in ("cargo", "rustc")):
            keep.append(d)
    return os.pathsep.join(keep)


# Start-up: a program that prints the seconds its engine took to be ready (the package's import
# included where that is where the module is compiled), run in the installed project with an
# empty cache of compiled code (cold) and again (warm).
PROBES = {
    "npm": ({}, "node --input-type=module -e \"const t = performance.now(); const { Engine } = await import('arrears'); "
                "new Engine('cn-microloan'); console.log((performance.now() - t) / 1000)\""),
    "python": ({}, ".venv/bin/python -c \"import time; t = time.perf_counter(); import arrears; "
                   "arrears.Engine('cn-microloan'); print(time.perf_counter() - t)\""),
    "go": ({"probe/main.go": """package main

import (
	"context"
	"fmt"
	"time"

	arrears "github.com/arrears-engine/arrears/bindings/go"
)

func main() {
	start := time.Now()
	engine, err := arrears.New(context.Background(), "cn-microloan")
	if err != nil {
		panic(err)
	}
	fmt.Println(time.Since(start).Seconds())
	engine.Close(context.Background())
}
"""}, "go build -o probe.bin ./probe && ./probe.bin"),
    "java": ({"src/main/java/Probe.java": """public class Probe {
    public static void main(String[] args) {
        long start = System.nanoTime();
        dev.arrears.Engine.of("cn-microloan").close();
        System.out.println((System.nanoTime() - start) / 1e9);
    }
}
"""}, "mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=cp.txt && java -cp \"target/classes:$(cat cp.txt)\" Probe"),
}


def startup(language, project, env, work):
    """Seconds to a ready engine: (cold, warm), or None where no probe applies."""
    if language not in PROBES:
        return None
    files, command = PROBES[language]
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    env = dict(env, ARREARS_CACHE_DIR=str(work / f"{language}-probe-cache"))
    times = []
    for _ in range(2):
        out = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=project, env=env,
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            sys.stderr.write(out.stdout[-2000:] + out.stderr[-2000:])
            return None
        # Maven leaves colour codes in front of the program's own line.
        times.append(float(re.sub(r"\x1b\[[0-9;]*m", "", out.stdout).strip().splitlines()[-1]))
    return tuple(times)


def check(language, dist, work):
    project = work / language
    project.mkdir()
    shutil.copy(SAMPLE, project / SAMPLE.name)
    env = dict(os.environ, PATH=toolchain_free_path())
    # A cold start: the packages' caches of compiled code start empty.
    env["ARREARS_CACHE_DIR"] = str(work / f"{language}-cache")
    for var in ("CARGO_TARGET_DIR", "RUSTUP_TOOLCHAIN", "VIRTUAL_ENV"):
        env.pop(var, None)
    for tool in ("cargo", "rustc"):
        if shutil.which(tool, path=env["PATH"]):
            raise SystemExit(f"{tool} is still on the filtered PATH")
    if language == "java":
        # The suite's `mvn install` puts the same coordinates in the local repository: without
        # removing them, the project would never read the jar from dist/.
        version = re.search(r'^version = "(.*)"', (ROOT / "Cargo.toml").read_text(), re.M).group(1)
        shutil.rmtree(pathlib.Path.home() / ".m2" / "repository" / "dev" / "arrears" / "arrears" / version, ignore_errors=True)
    subst = lambda text: text.replace("/path/to/dist", str(dist)).replace("/path/to/arrears-go", str(work / "arrears-go"))
    runs = []
    for kind, name, body in snippets(language):
        if kind == "file":
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(subst(body))
        else:
            runs.append(subst(body))
    # The last line runs the first program; the lines before it install.
    lines = [line for line in "\n".join(runs).splitlines() if line.strip()]
    install, first = "\n".join(lines[:-1]), lines[-1]
    bash = lambda script: subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=project, env=env,
                                         capture_output=True, text=True, timeout=900)
    times = {}
    start = time.monotonic()
    out = bash(install) if install else None
    times["install"] = time.monotonic() - start
    if out is None or out.returncode == 0:
        for run in ("cold", "warm"):
            start = time.monotonic()
            out = bash(first)
            times[run] = time.monotonic() - start
            if out.returncode != 0:
                break
    ok = out.returncode == 0 and DECIDED.search(out.stdout)
    if ok and os.environ.get("ARREARS_STARTUP"):
        times["startup"] = startup(language, project, env, work)
    return bool(ok), times, out


def main():
    dist = ROOT / "dist"
    languages = sys.argv[1:] or ["npm", "python", "java", "go", "cli"]
    if not (dist / "SHA256SUMS").exists():
        raise SystemExit("dist/ is empty: run `bash scripts/package.sh` first")
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dist, check=True)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="arrears-install-") as tmp:
        work = pathlib.Path(tmp)
        for language in languages:
            ok, t, out = check(language, dist, work)
            said = DECIDED.search(out.stdout)
            last = out.stdout[said.start():][:40] if said else out.stdout.strip()[-60:]
            print(
                f"install-check {language}: {'ok' if ok else 'FAILED'}: {t['install'] + t.get('cold', 0):.1f} s from install"
                f" to first decision (install {t['install']:.1f} s, first program cold {t.get('cold', 0):.1f} s,"
                f" warm {t.get('warm', 0):.1f} s) -> {last}"
            )
            if t.get("startup"):
                cold, warm = t["startup"]
                print(f"startup {language}: engine ready in {cold * 1000:.0f} ms cold, {warm * 1000:.0f} ms warm")
            if ok:
                passed += 1
            else:
                failed += 1
                sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
    print(f"install-check: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
