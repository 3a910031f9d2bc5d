"""The arrears collections-rules engine, through its WebAssembly component.

The component exports the WIT interface ``arrears:rules/decisions``: an ``engine`` resource built
from a policy, whose ``decide`` takes and returns canonical JSON text. This module is a thin layer
over it: the decision bytes are the engine's own, identical on every host.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any, Dict, List, Optional

import wasmtime
from wasmtime import component as _c

__all__ = [
    "ArrearsError",
    "InvalidInput",
    "PolicyError",
    "LimitExceeded",
    "Engine",
    "builtin_policies",
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


class InvalidInput(ArrearsError):
    """The case is not valid: invalid_json, invalid_field, unknown_field, out_of_range or
    inconsistent."""


class PolicyError(ArrearsError):
    """The policy is unknown or invalid: unknown_policy or policy_invalid."""


class LimitExceeded(ArrearsError):
    """The input is larger than the engine's bounds."""


def _error(record: Any) -> ArrearsError:
    code, path, message = record.code, record.path, record.message
    if code in ("unknown_policy", "policy_invalid"):
        return PolicyError(code, path, message)
    if code == "limit_exceeded":
        return LimitExceeded(code, path, message)
    return InvalidInput(code, path, message)


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
                wasm = resources.files(__package__).joinpath("arrears.wasm").read_bytes()
                _Runtime._component = _c.Component(_Runtime._engine, wasm)
        self.store = wasmtime.Store(_Runtime._engine)
        linker = _c.Linker(_Runtime._engine)
        self.instance = linker.instantiate(self.store, _Runtime._component)
        iface = self.instance.get_export_index(self.store, _INTERFACE)
        # The function types are read once here, not on every call: that is where a Python
        # host spends its time otherwise.
        self.funcs = {
            name: self.instance.get_func(self.store, self.instance.get_export_index(self.store, name, iface))
            for name in ("version", "builtin-policies", "[static]engine.create", "[method]engine.decide", "[method]engine.policy")
        }

    def call(self, name: str, *args: Any) -> Any:
        f = self.funcs[name]
        try:
            return f(self.store, *args)
        finally:
            f.post_return(self.store)


def version() -> str:
    """The engine's version."""
    return _Runtime.get().call("version")


def builtin_policies() -> List[str]:
    """Ids of the built-in policy packs."""
    return list(_Runtime.get().call("builtin-policies"))


class Engine:
    """A validated policy, ready to decide cases.

    ``policy`` is a built-in pack id (``"cn-microloan"``, ``"us-reg-f"``), a policy document's
    JSON text, or a policy document as a dict. An engine belongs to the thread that made it.
    """

    def __init__(self, policy: Any) -> None:
        text = policy if isinstance(policy, str) else json.dumps(policy)
        self._rt = _Runtime.get()
        result = self._rt.call("[static]engine.create", text)
        if isinstance(result, _c.ResourceAny):
            self._handle = result
        else:
            raise _error(result)

    @property
    def policy(self) -> Dict[str, str]:
        """The id, version and digest of the policy (its newest version)."""
        return json.loads(self._rt.call("[method]engine.policy", self._handle))

    def decide_json(self, case_json: str) -> str:
        """Decides a case given as JSON text; returns the decision's canonical JSON text."""
        result = self._rt.call("[method]engine.decide", self._handle, case_json)
        if isinstance(result, str):
            return result
        raise _error(result)

    def decide(self, case: Dict[str, Any]) -> Dict[str, Any]:
        """Decides a case given as a dict; returns the decision as a dict."""
        return json.loads(self.decide_json(json.dumps(case, ensure_ascii=False)))
