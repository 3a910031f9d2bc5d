"""The arrears collections-rules engine, through its WebAssembly component.

The component exports the WIT interface ``arrears:rules/decisions``: an ``engine`` resource built
from a policy, whose ``decide`` and ``plan`` take and return canonical JSON text. This module is a
thin layer over it: the decision and plan bytes are the engine's own, identical on every host.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import tempfile
import threading
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

import wasmtime
from wasmtime import component as _c

__all__ = [
    "ArrearsError",
    "InvalidInput",
    "PolicyError",
    "LimitExceeded",
    "ComponentMissing",
    "Engine",
    "builtin_policies",
    "import_fineract",
    "report_finish",
    "report_merge",
    "report_tally",
    "version",
]

_INTERFACE = "arrears:rules/decisions@0.1.0"


class ArrearsError(Exception):
    """A structured error from the engine: a stable ``code``, the JSON ``path`` at fault and a
    ``message`` for people."""

    def __init__(self, code: str, path: str, message: str) -> None:
        super().__init__(f"{code} at {path or '(document)'}: {message}")
        self.code = code
        self.path = path
        self.message = message

    def to_dict(self) -> Dict[str, Any]:
        return {"error": {"code": self.code, "path": self.path, "message": self.message}}

    def to_json(self) -> str:
        """The error object as canonical JSON text: the bytes every other surface writes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


class InvalidInput(ArrearsError):
    """The case is not valid: invalid_json, invalid_field, unknown_field, out_of_range or
    inconsistent."""


class PolicyError(ArrearsError):
    """The policy is unknown or invalid: unknown_policy or policy_invalid."""


class LimitExceeded(ArrearsError):
    """The input is larger than the engine's bounds."""


class ComponentMissing(ArrearsError):
    """The package was installed without its WebAssembly component (``arrears/arrears.wasm``)."""

    def __init__(self) -> None:
        super().__init__(
            "component_missing",
            "",
            "the arrears package has no arrears.wasm: build the component with "
            "`bash scripts/build-component.sh` in the arrears repository, then reinstall the "
            "package (`pip install bindings/python`)",
        )


def _error(record: Any) -> ArrearsError:
    code, path, message = record.code, record.path, record.message
    if code in ("unknown_policy", "policy_invalid"):
        return PolicyError(code, path, message)
    if code == "limit_exceeded":
        return LimitExceeded(code, path, message)
    return InvalidInput(code, path, message)


def _error_object(text: str) -> ArrearsError:
    """The :class:`ArrearsError` an error object's text stands for."""
    e = json.loads(text)["error"]
    return _error(_Record(e["code"], e["path"], e["message"]))


class _Record:
    """An error's three fields, as the component's error record carries them."""

    def __init__(self, code: str, path: str, message: str) -> None:
        self.code, self.path, self.message = code, path, message


def _cache_dir() -> Optional[Path]:
    """Where compiled components are kept: ``$ARREARS_CACHE_DIR``, else the user's cache
    directory; ``ARREARS_CACHE_DIR=""`` turns the cache off."""
    configured = os.environ.get("ARREARS_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "arrears" / "cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "arrears"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "arrears"


def _load_component(engine: wasmtime.Engine) -> _c.Component:
    """The component, compiled: from the cache when a compiled copy of these very bytes, by this
    very wasmtime on this machine, is there (milliseconds), otherwise compiled (about a second)
    and cached for the next process.

    A compiled artefact is native code that wasmtime maps without checking it, so the cache key
    holds everything it depends on (the component's sha256, wasmtime's version, the machine and
    system), the file ends with the sha256 of its own bytes, checked before use, and a write
    is atomic. Anything wrong with the cache (unreadable, corrupt, stale, not writable) falls back
    to compiling; the cache never makes a decision differ.
    """
    try:
        wasm = resources.files(__package__).joinpath("arrears.wasm").read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise ComponentMissing() from None
    key = _compiled_key(wasm)
    # The wheel may carry the component compiled ahead of time, at build time, for one platform
    # and this very wasmtime: then even the first use after install is a load, not a compile.
    shipped = _read_compiled(resources.files(__package__).joinpath(f"arrears-{key[:40]}.cwasm"), engine)
    if shipped is not None:
        return shipped
    directory = _cache_dir()
    if directory is None:
        return _c.Component(engine, wasm)
    path = directory / f"arrears-{key[:40]}.cwasm"
    cached = _read_compiled(path, engine)
    if cached is not None:
        return cached
    component = _c.Component(engine, wasm)
    try:
        write_compiled(component, path)
    except Exception:
        pass
    return component


def _compiled_key(wasm: bytes) -> str:
    """What a compiled component depends on: the component's bytes, wasmtime's version, the
    machine and the system."""
    try:
        runtime = metadata.version("wasmtime")
    except metadata.PackageNotFoundError:
        runtime = "unknown"
    return hashlib.sha256(
        "\0".join(
            [hashlib.sha256(wasm).hexdigest(), runtime, platform.machine(), platform.system()]
        ).encode()
    ).hexdigest()


def _read_compiled(path: Any, engine: wasmtime.Engine) -> Optional[_c.Component]:
    """A compiled component written by :func:`write_compiled`, or None when the file is absent,
    corrupt, or refused by this wasmtime (another version, or CPU features this machine lacks)."""
    try:
        data = path.read_bytes()
        body, digest = data[:-32], data[-32:]
        if len(data) > 32 and hashlib.sha256(body).digest() == digest:
            return _c.Component.deserialize(engine, body)
    except Exception:  # a compiled copy is only ever a shortcut: compile instead
        pass
    return None


def write_compiled(component: _c.Component, path: Path) -> None:
    """Writes a compiled component atomically, ending with the sha256 of its own bytes (checked
    before it is ever loaded)."""
    body = component.serialize()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".arrears-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.write(hashlib.sha256(body).digest())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def precompile(directory: Path) -> Path:
    """Compiles the package's component for this machine and this wasmtime into ``directory``,
    under the name the loader looks for next to ``arrears.wasm``; returns the file. The wheel's
    build calls it, so that the first ``Engine()`` after install loads native code instead of
    compiling the component (about a second)."""
    wasm = resources.files(__package__).joinpath("arrears.wasm").read_bytes()
    engine = wasmtime.Engine()
    path = Path(directory) / f"arrears-{_compiled_key(wasm)[:40]}.cwasm"
    write_compiled(_c.Component(engine, wasm), path)
    return path


class _Runtime:
    """One wasmtime store and component instance per thread: a store is not thread-safe."""

    _component: Optional[_c.Component] = None
    _engine: Optional[wasmtime.Engine] = None
    _lock = threading.Lock()
    _local = threading.local()

    @classmethod
    def get(cls) -> "_Runtime":
        rt = getattr(cls._local, "runtime", None)
        if rt is None:
            rt = cls()
            cls._local.runtime = rt
        return rt

    def __init__(self) -> None:
        with _Runtime._lock:
            if _Runtime._component is None:
                _Runtime._engine = wasmtime.Engine()
                _Runtime._component = _load_component(_Runtime._engine)
        self.store = wasmtime.Store(_Runtime._engine)
        linker = _c.Linker(_Runtime._engine)
        self.instance = linker.instantiate(self.store, _Runtime._component)
        iface = self.instance.get_export_index(self.store, _INTERFACE)
        # The function types are read once here, not on every call: that is where a Python
        # host spends its time otherwise.
        self.funcs = {
            name: self.instance.get_func(self.store, self.instance.get_export_index(self.store, name, iface))
            for name in (
                "version",
                "builtin-policies",
                "import-fineract",
                "report-tally",
                "report-merge",
                "report-finish",
                "[static]engine.create",
                "[method]engine.decide",
                "[method]engine.decide-batch",
                "[method]engine.plan",
                "[method]engine.policy",
            )
        }

    def call(self, name: str, *args: Any) -> Any:
        f = self.funcs[name]
        try:
            result = f(self.store, *args)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as trap:
            # The component API reports a trap as a WasmtimeError; the core API as a Trap.
            raise self._trapped(trap) from None
        except BaseException:
            f.post_return(self.store)
            raise
        f.post_return(self.store)
        return result

    def _trapped(self, trap: Exception) -> ArrearsError:
        """A call the component did not finish (a trap: a bug, or memory exhausted). The
        instance's state is unknown after a trap, so it is thrown away: the thread's next call
        starts a fresh one, and each engine is built again there from the policy it was given."""
        if getattr(_Runtime._local, "runtime", None) is self:
            _Runtime._local.runtime = None
        # wasmtime's text is a backtrace; its last line says what happened ("wasm trap: ...").
        cause = [line.strip() for line in str(trap).splitlines() if line.strip()][-1]
        return ArrearsError(
            "internal",
            "",
            f"the engine stopped in the middle of the call ({cause}); "
            "the next call starts it again with the same policy",
        )


# A batch goes to the component in chunks of at most this many cases or characters of case text
# (whichever comes first, and always at least one case): the per-call cost is already amortised
# at a few hundred cases, and a whole portfolio in one call would have to fit in the component's
# memory at once.
_CHUNK_CASES = 256
_CHUNK_CHARS = 16 * 1024 * 1024


def _chunks(texts: Iterable[str]) -> Iterator[List[str]]:
    chunk: List[str] = []
    chars = 0
    for text in texts:
        if chunk and (len(chunk) >= _CHUNK_CASES or chars + len(text) > _CHUNK_CHARS):
            yield chunk
            chunk, chars = [], 0
        chunk.append(text)
        chars += len(text)
    if chunk:
        yield chunk


def _days(days: Any) -> int:
    """``days`` as the component's ``u32``. The engine itself refuses 0 and 32 up to the largest
    ``u32`` (``out_of_range`` at ``days``); a count the component cannot even carry (negative, or
    2**32 and up) is refused here in the same terms, and anything but an ``int`` is a
    ``TypeError``, as Python's own functions do."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, not {type(days).__name__}")
    if not 0 <= days <= 0xFFFFFFFF:
        raise _days_out_of_range(days)
    return days


def _days_out_of_range(days: int) -> InvalidInput:
    """The engine's own error for a plan horizon outside 1 to 31 days, word for word."""
    return InvalidInput("out_of_range", "days", f"a plan covers 1 to 31 local days; {days} were asked for")


def _text(case_json: Union[str, bytes, bytearray, memoryview]) -> str:
    """JSON text as the component takes it: a ``str``, or bytes in UTF-8 (what a file, a socket
    or a message queue gives). Bytes that are not UTF-8 are the engine's ``invalid_json``."""
    if isinstance(case_json, str):
        return case_json
    if isinstance(case_json, (bytes, bytearray, memoryview)):
        try:
            return bytes(case_json).decode("utf-8")
        except UnicodeDecodeError as e:
            raise InvalidInput("invalid_json", "", f"the text is not UTF-8: {e.reason} at byte {e.start}") from None
    raise TypeError(f"JSON text is str or bytes, not {type(case_json).__name__}")


def _case_text(case: Any) -> str:
    """A case given as a dict, or already as JSON text (``str`` or ``bytes``), as JSON text.

    A dict nested deeper than Python's JSON encoder can walk is the error the engine gives for
    such text (``invalid_json`` at the document: its reader stops at 128 levels), not a
    ``RecursionError``."""
    if isinstance(case, (str, bytes, bytearray, memoryview)):
        return _text(case)
    try:
        return json.dumps(case, ensure_ascii=False)
    except RecursionError:
        raise InvalidInput("invalid_json", "", "recursion limit exceeded (the case is nested too deeply)") from None


def version() -> str:
    """The engine's version."""
    return _Runtime.get().call("version")


def builtin_policies() -> List[str]:
    """Ids of the built-in policy packs."""
    return list(_Runtime.get().call("builtin-policies"))


def import_fineract(loan: Union[str, Dict[str, Any]], business_date: str, time_zone: str) -> Dict[str, Any]:
    """The arrears case of an Apache Fineract loan, as ``GET /loans/{id}?associations=
    repaymentSchedule,transactions`` returns it (JSON text or a dict), on the tenant's business
    date (``YYYY-MM-DD``) in its time zone (an IANA name). Raises :class:`InvalidInput` whose
    ``path`` points into the loan."""
    text = loan if isinstance(loan, str) else json.dumps(loan, ensure_ascii=False)
    result = _Runtime.get().call("import-fineract", text, business_date, time_zone)
    if isinstance(result, str):
        return json.loads(result)
    raise _error(result)


def report_tally(decisions: Iterable[Optional[str]]) -> str:
    """The report tally of decision texts, as its JSON form (``{"format":"arrears.tally/1",...}``,
    docs/report.md): each text one account's decision, as ``decide_json`` or ``arrears batch``
    (with or without ``--with-case-summary``) writes it; anything else (an error object, ``None``,
    text that is not JSON) counts as an error line. Tallies of a portfolio's parts merge with
    :func:`report_merge`, and :func:`report_finish` gives the report."""
    rt = _Runtime.get()
    texts = ("null" if t is None else t for t in decisions)
    tallies = []
    for chunk in _chunks(texts):
        result = rt.call("report-tally", chunk)
        if not isinstance(result, str):
            raise _error(result)
        tallies.append(result)
    return tallies[0] if len(tallies) == 1 else report_merge(tallies)


def report_merge(tallies: Iterable[str]) -> str:
    """Merges tallies (their JSON form) into one: neither their order nor their grouping changes
    the result, and no tallies give the empty tally. A tally that cannot be read raises
    :class:`InvalidInput` whose ``path`` starts with its position (``[2].by_stage``)."""
    result = _Runtime.get().call("report-merge", list(tallies))
    if isinstance(result, str):
        return result
    raise _error(result)


def report_finish(tally: str) -> str:
    """The portfolio report a tally finishes into, as JSON text: the bytes ``arrears report
    --json`` writes for the same decision lines."""
    result = _Runtime.get().call("report-finish", tally)
    if isinstance(result, str):
        return result
    raise _error(result)


class Engine:
    """A validated policy, ready to decide cases.

    ``policy`` is a built-in pack id (``"cn-microloan"``, ``"us-reg-f"``, ``"id-ojk"``,
    ``"ph-sec"``, ``"in-rbi"``), a policy document's
    JSON text, or a policy document as a dict. An engine belongs to the thread that made it.
    """

    def __init__(self, policy: Any) -> None:
        # Kept to build the engine again in a fresh instance after a trap.
        self._policy = policy if isinstance(policy, str) else json.dumps(policy)
        self._start(_Runtime.get())

    def _start(self, rt: _Runtime) -> None:
        result = rt.call("[static]engine.create", self._policy)
        if isinstance(result, _c.ResourceAny):
            self._rt, self._handle = rt, result
        else:
            raise _error(result)

    def _call(self, method: str, *args: Any) -> Any:
        """Calls one of the engine's methods, in the thread's current instance: after a trap
        threw the old one away, the engine is first built again there."""
        rt = _Runtime.get()
        if rt is not self._rt:
            self._start(rt)
        return rt.call(method, self._handle, *args)

    @property
    def policy(self) -> Dict[str, str]:
        """The id, version and digest of the policy (its newest version)."""
        return json.loads(self._call("[method]engine.policy"))

    def decide_json(self, case_json: Union[str, bytes]) -> str:
        """Decides a case given as JSON text (``str``, or UTF-8 ``bytes``); returns the
        decision's canonical JSON text."""
        result = self._call("[method]engine.decide", _text(case_json))
        if isinstance(result, str):
            return result
        raise _error(result)

    def decide(self, case: Union[Dict[str, Any], str, bytes]) -> Dict[str, Any]:
        """Decides a case given as a dict, or as its JSON text (as the npm package's ``decide``
        takes a string); returns the decision as a dict."""
        return json.loads(self.decide_json(_case_text(case)))

    def plan_json(self, case_json: Union[str, bytes], days: int = 7) -> str:
        """Plans a case given as JSON text over the next ``days`` local days (1 to 31, default 7);
        returns the plan's canonical JSON text.

        The plan lists, for each action, party and channel the decision weighs, every window from
        the case's ``as_of`` in which it will be allowed if nothing else happens (the rules that
        open and close each window, the room left under each cap). ``days`` outside 1 to 31
        raises :class:`InvalidInput` with code ``out_of_range`` at path ``days``; a ``days`` that
        is not an ``int`` raises ``TypeError``.
        """
        result = self._call("[method]engine.plan", _text(case_json), _days(days))
        if isinstance(result, str):
            return result
        raise _error(result)

    def plan(self, case: Union[Dict[str, Any], str, bytes], days: int = 7) -> Dict[str, Any]:
        """Plans a case given as a dict over the next ``days`` local days (1 to 31, default 7);
        returns the plan as a dict (see :meth:`plan_json`). Errors are raised as by
        :meth:`decide`."""
        return json.loads(self.plan_json(_case_text(case), days))

    def _decide_batches(self, texts: Iterable[str]) -> Iterator[Tuple[bool, str]]:
        """Per case, in order: whether its answer is an error object, and the answer's text (the
        engine's own bytes either way). The cases cross a chunk at a time in ``decide-batch``,
        whose answer lists the positions of the error objects, so no text is read to tell."""
        for chunk in _chunks(texts):
            answer = self._call("[method]engine.decide-batch", chunk)
            if answer.tag == "ok":
                errors = set(answer.payload.errors)
                for i, text in enumerate(answer.payload.texts):
                    yield i in errors, text
                continue
            # Refused as a whole: only a case too large for any batch does that (chunks stay
            # within the limits otherwise). Alone, each gets the engine's own answer.
            for text in chunk:
                result = self._call("[method]engine.decide", text)
                if isinstance(result, str):
                    yield False, result
                else:
                    yield True, _error(result).to_json()

    def decide_many_json(self, cases_json: Iterable[Union[str, bytes]]) -> List[str]:
        """Decides many cases given as JSON text; returns one JSON text per case, in order.

        Each item is the decision's canonical JSON text, or for a case the engine rejects, the
        error object ``{"error":{"code":...,"path":...,"message":...}}``: the same bytes the
        native engine and every other surface write. A bad case never fails the batch.
        """
        return [
            r if isinstance(r, str) else r.to_json() for r in self._decide_each(cases_json, _text, False)
        ]

    def decide_many(self, cases: Iterable[Dict[str, Any]]) -> List[Union[Dict[str, Any], ArrearsError]]:
        """Decides many cases given as dicts; returns one item per case, in order.

        Each item is the decision as a dict, or for a case the engine rejects, the
        :class:`ArrearsError` that :meth:`decide` would have raised for it, returned and not
        raised, so a bad case never fails the batch::

            for case, out in zip(cases, engine.decide_many(cases)):
                if isinstance(out, arrears.ArrearsError):
                    ...

        The result is the same as calling :meth:`decide` on each case, but the cases cross into
        the component a few hundred at a time: far fewer calls, each of which costs a Python
        host tens of microseconds whatever the case.
        """
        return [
            r if isinstance(r, ArrearsError) else json.loads(r) for r in self._decide_each(cases, _case_text, True)
        ]

    def _decide_each(
        self, cases: Iterable[Any], as_text: Any, as_errors: bool
    ) -> List[Union[str, ArrearsError]]:
        """One result per case, in order: a case that cannot even be made into text (bytes that
        are not UTF-8, a dict nested too deeply) is its error, and the rest are decided in
        batches. An error object comes back as its text, or with ``as_errors`` as the
        :class:`ArrearsError` it stands for (returned, not raised)."""
        texts: List[Union[str, ArrearsError]] = []
        for case in cases:
            try:
                texts.append(as_text(case))
            except ArrearsError as e:
                texts.append(e)
        decided = self._decide_batches(t for t in texts if isinstance(t, str))
        out: List[Union[str, ArrearsError]] = []
        for t in texts:
            if isinstance(t, ArrearsError):
                out.append(t)
                continue
            is_error, text = next(decided)
            out.append(_error_object(text) if is_error and as_errors else text)
        return out
