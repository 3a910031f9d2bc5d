"""Reading a WebAssembly binary's sections directly (no wasm-tools needed), for the scripts that
check or measure the plain module."""
import sys


def leb(data, i):
    """The unsigned LEB128 number at data[i], and the index after it."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    """Each section of a core module as (id, body)."""
    if data[:8] != b"\0asm\x01\0\0\0":
        sys.exit("not a WebAssembly core module (version 1)")
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, data[i : i + size]
        i += size
