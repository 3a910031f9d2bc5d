"""Fails unless a WebAssembly module imports nothing, and lists its exports.

Reads the binary directly (no wasm-tools needed): the import section (id 2) must be absent or
empty; the export section (id 7) names the ABI.
"""
import sys

from wasm_sections import leb, sections


def names(body, kinds):
    count, i = leb(body, 0)
    out = []
    for _ in range(count):
        if kinds == "import":
            mod_len, i = leb(body, i)
            module = body[i : i + mod_len].decode()
            i += mod_len
        n, i = leb(body, i)
        name = body[i : i + n].decode()
        i += n
        kind = body[i]
        i += 1
        if kinds == "import":
            out.append(f"{module}.{name}")
            # The import's description: a type index, table, memory or global type.
            if kind == 0:
                _, i = leb(body, i)
            elif kind == 1:
                i += 1
                flags, i = leb(body, i + 0)
                _, i = leb(body, i)
                if flags & 1:
                    _, i = leb(body, i)
            elif kind == 2:
                flags, i = leb(body, i)
                _, i = leb(body, i)
                if flags & 1:
                    _, i = leb(body, i)
            else:
                i += 2
        else:
            _, i = leb(body, i)
            out.append(name)
    return out


data = open(sys.argv[1], "rb").read()
imports, exports = [], []
for sid, body in sections(data):
    if sid == 2:
        imports = names(body, "import")
    elif sid == 7:
        exports = names(body, "export")
if imports:
    sys.exit(f"the module imports {len(imports)} things it must not: {', '.join(imports)}")
print(f"module imports: none; exports: {', '.join(sorted(exports))}")
