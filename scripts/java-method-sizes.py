#!/usr/bin/env python3
"""The bytecode size of every JVM method Chicory generated from the plain module, with the wasm
function each one comes from: HotSpot never compiles a method of 8,000 bytes or more (it stays in
the bytecode interpreter for the life of the JVM), and C1 often gives up on methods over about
4,000 bytes ("out of virtual registers"), so these two counts say how much of the module a JVM
can run at speed.

    python3 scripts/java-method-sizes.py [CLASSES_DIR] [MODULE_WASM] [TOP]

Defaults: bindings/java/target/classes (after `mvn compile`), bindings/java/src/main/wasm/arrears.wasm,
the 25 largest. Needs `javap` (any JDK).
"""
import glob
import os
import re
import subprocess
import sys

from wasm_sections import leb, sections

HUGE = 8000  # HotSpot's HugeMethodLimit: never JIT-compiled at or above this
LARGE = 4000


def wasm_functions(path):
    """Body size and name of each defined function (the module imports none)."""
    bodies, names = [], {}
    for section, body in sections(open(path, "rb").read()):
        if section == 10:
            count, j = leb(body, 0)
            for _ in range(count):
                size, j = leb(body, j)
                bodies.append(size)
                j += size
        elif section == 0:
            length, j = leb(body, 0)
            if body[j : j + length] != b"name":
                continue
            j += length
            while j < len(body):
                kind, j = body[j], j + 1
                size, j = leb(body, j)
                if kind == 1:
                    count, k = leb(body, j)
                    for _ in range(count):
                        index, k = leb(body, k)
                        n, k = leb(body, k)
                        names[index] = body[k : k + n].decode("utf-8", "replace")
                        k += n
                j += size
    return bodies, names


def readable(symbol):
    """A legacy Rust symbol (_ZN...E) as its path, without the hash."""
    if not symbol.startswith("_ZN"):
        return symbol
    rest, parts = symbol[3:], []
    while rest and rest[0].isdigit():
        digits = re.match(r"\d+", rest).group(0)
        n = int(digits)
        parts.append(rest[len(digits) : len(digits) + n])
        rest = rest[len(digits) + n :]
    parts = [p for p in parts if not re.fullmatch(r"h[0-9a-f]{16}", p)]
    text = "::".join(parts)
    for escaped, plain in [("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$C$", ","), ("$RF$", "&"), ("..", "::")]:
        text = text.replace(escaped, plain)
    return text


def method_sizes(classes):
    """Bytecode length of each func_N method of the generated function-group classes."""
    sizes = {}
    for path in sorted(glob.glob(os.path.join(classes, "**", "*FuncGroup_*.class"), recursive=True)):
        name = os.path.relpath(path, classes)[: -len(".class")].replace(os.sep, ".")
        text = subprocess.run(["javap", "-c", "-p", "-cp", classes, name], capture_output=True, text=True, check=True).stdout
        current, last = None, 0
        for line in text.splitlines():
            header = re.match(r"\s+(?:\w+ )*\S+ func_(\d+)\(", line)
            if header:
                if current is not None:
                    sizes[current] = last
                current, last = int(header.group(1)), 0
                continue
            # Instruction lines only: "   123: opcode" (switch tables have a number after the colon).
            instruction = re.match(r"\s+(\d+): [a-z]", line)
            if instruction and current is not None:
                last = max(last, int(instruction.group(1)))
        if current is not None:
            sizes[current] = last
    return sizes


def main():
    classes = sys.argv[1] if len(sys.argv) > 1 else "bindings/java/target/classes"
    wasm = sys.argv[2] if len(sys.argv) > 2 else "bindings/java/src/main/wasm/arrears.wasm"
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    sizes = method_sizes(classes)
    if not sizes:
        sys.exit(f"no generated func_N methods under {classes}: build the Java library first")
    bodies, names = wasm_functions(wasm)
    print(
        f"{len(sizes)} methods, {sum(sizes.values()):,} bytes of bytecode; "
        f"{sum(1 for v in sizes.values() if v >= HUGE)} of at least {HUGE:,} bytes (never compiled), "
        f"{sum(1 for v in sizes.values() if v >= LARGE)} of at least {LARGE:,}"
    )
    print("| bytecode | wasm body | method | function |")
    print("|---:|---:|---|---|")
    for index, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:top]:
        body = bodies[index] if index < len(bodies) else 0
        print(f"| {size:,} | {body:,} | func_{index} | `{readable(names.get(index, '?'))[:100]}` |")


if __name__ == "__main__":
    main()
