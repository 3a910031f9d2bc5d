"""Writes a Go module in the module proxy's layout, as `go` itself would serve it from a tag:

    python3 scripts/go-module-zip.py MODULE VERSION DIR OUT

OUT/MODULE/@v/list, VERSION.info, VERSION.mod and VERSION.zip. The zip holds the files of DIR that
git tracks, under `MODULE@VERSION/`, minus nested modules (directories with their own go.mod), plus
the repository's LICENSE when DIR has none (as `go` adds it for a module in a subdirectory). Entries
are sorted and dated 1980-01-01, so the zip, and its go.sum hash, are the same on every run.
A user points GOPROXY at OUT (file://) or unzips the module and uses a replace (docs/install.md).
"""

import json
import pathlib
import subprocess
import sys
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)


def main() -> None:
    module, version, directory, out = sys.argv[1:5]
    root = pathlib.Path(subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip())
    base = (root / directory).resolve().relative_to(root)
    tracked = subprocess.check_output(["git", "ls-files", "-z", "--", str(base)], cwd=root, text=True).split("\0")
    files = sorted(pathlib.PurePosixPath(f).relative_to(base.as_posix()) for f in tracked if f)
    nested = {f.parent for f in files if f.name == "go.mod" and f.parent != pathlib.PurePosixPath(".")}
    files = [f for f in files if not any(n == p for n in nested for p in f.parents)]
    entries = {str(f): (root / base / f).read_bytes() for f in files}
    if "LICENSE" not in entries:
        entries["LICENSE"] = (root / "LICENSE").read_bytes()
    target = pathlib.Path(out) / module / "@v"
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target / f"{version}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{module}@{version}/{name}", EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, entries[name])
    (target / f"{version}.mod").write_bytes(entries["go.mod"])
    (target / f"{version}.info").write_text(json.dumps({"Version": version, "Time": "1980-01-01T00:00:00Z"}) + "\n")
    (target / "list").write_text(version + "\n")
    print(f"{module}@{version}: {len(entries)} files")


if __name__ == "__main__":
    main()
