"""Findings of an audit run (``python -m safearray``, ``pytest --safearray``), deduplicated.

Each distinct (file, line, kind) is kept once, with how often it happened, the first message
and the user's source line; the collection prints as a table (for the terminal) and writes as
JSON (``.json``) or SARIF 2.1.0 (``.sarif``, for CI code-scanning views).
"""

from __future__ import annotations

import json
import linecache
import os
import sys
import warnings
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TextIO

from ._errors import (
    LostWriteError,
    LostWriteWarning,
    ReadOnlyError,
    SharedWriteError,
    SharedWriteWarning,
    StaleViewError,
    StaleViewWarning,
    UncoveredWarning,
)

__all__ = ["KINDS", "Finding", "Findings", "kind_of"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: kind -> (title in the table, SARIF rule name, SARIF level, description)
KINDS: dict[str, tuple[str, str, str, str]] = {
    "shared-write": ("shared write", "SharedWrite", "warning",
                     "A write through a View changes bytes another holder sees."),
    "lost-write": ("lost write", "LostWrite", "warning",
                   "A write into a temporary Copy that is thrown away: the write is lost."),
    "read-only": ("read-only", "ReadOnlyWrite", "error",
                  "A write into a read-only array (a guarded argument, sa.readonly) was refused."),
    "stale-view": ("stale view", "StaleView", "warning",
                   "A View was used after its bytes changed through another path."),
    "uncovered": ("uncovered", "Uncovered", "note",
                  "safearray handed over NumPy's own object: its arrays are not watched."),
}

_CLASSES: tuple[tuple[type[BaseException], str], ...] = (
    (SharedWriteWarning, "shared-write"), (SharedWriteError, "shared-write"),
    (LostWriteWarning, "lost-write"), (LostWriteError, "lost-write"),
    (StaleViewWarning, "stale-view"), (StaleViewError, "stale-view"),
    (ReadOnlyError, "read-only"), (UncoveredWarning, "uncovered"),
)


def kind_of(category: type[BaseException]) -> str | None:
    """The finding kind of a warning category or an exception class, or None."""
    for cls, kind in _CLASSES:
        if issubclass(category, cls):
            return kind
    return None


@dataclass
class Finding:
    kind: str
    file: str
    line: int
    message: str
    source: str
    category: str
    count: int = 1
    tests: list[str] = field(default_factory=lambda: [])


def _display_path(path: str) -> str:
    real = os.path.abspath(path)
    cwd = os.getcwd()
    return os.path.relpath(real, cwd) if real.startswith(cwd + os.sep) else real


def user_location(tb: TracebackType | None) -> tuple[str, int] | None:
    """(file, line) of the innermost traceback frame outside safearray."""
    found: tuple[str, int] | None = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith(_PACKAGE_DIR):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


class Findings:
    """The deduplicated findings of one run."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, int, str], Finding] = {}
        self.test: str | None = None  # the test running (pytest), named with its findings
        self.note: str = ""  # said before the table (the modules imported before the hook)

    def add(self, kind: str, filename: str, lineno: int, message: str, category: str,
            test: str | None = None) -> Finding:
        path = os.path.abspath(filename) if not filename.startswith("<") else filename
        key = (path, lineno, kind)
        test = test if test is not None else self.test
        item = self._items.get(key)
        if item is None:
            source = linecache.getline(filename, lineno).strip()
            item = self._items[key] = Finding(kind, path, lineno, message, source, category, 0)
        item.count += 1
        if test is not None and test not in item.tests:
            item.tests.append(test)
        return item

    def add_warning(self, message: Warning | str, category: type[Warning], filename: str,
                    lineno: int, test: str | None = None) -> bool:
        """Record a warning; False if it is not a safearray finding."""
        kind = kind_of(category)
        if kind is None:
            return False
        self.add(kind, filename, lineno, str(message), category.__name__, test)
        return True

    def add_exception(self, exc: BaseException, test: str | None = None) -> bool:
        """Record an exception that reached the top (a MutationError, a MutationWarning made
        an error); False if it is not a safearray finding."""
        kind = kind_of(type(exc))
        if getattr(exc, "_safearray_recorded", False):
            return True  # recorded when it was raised (:meth:`add_refusal`)
        where = user_location(exc.__traceback__)
        if kind is None or where is None:
            return False
        self.add(kind, where[0], where[1], str(exc), type(exc).__name__, test)
        setattr(exc, "_safearray_recorded", True)
        return True

    def add_refusal(self, exc: BaseException, filename: str, lineno: int) -> None:
        """Record a refused write when its error is made (``_policy.refusal_hook``), so that a
        refusal the program catches is a finding too, and one that reaches the top counts once."""
        kind = kind_of(type(exc))
        if kind is not None:
            self.add(kind, filename, lineno, str(exc), type(exc).__name__)
            setattr(exc, "_safearray_recorded", True)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Finding]:
        return sorted(self._items.values(), key=lambda f: (f.file, f.line, f.kind))

    def showwarning_hook(self, previous: Any) -> Any:
        """A ``warnings.showwarning`` that records safearray's warnings (they are printed once,
        in the table at the end) and passes every other warning to ``previous``."""

        def showwarning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                        file: TextIO | None = None, line: str | None = None) -> None:
            if not self.add_warning(message, category, filename, lineno):
                previous(message, category, filename, lineno, file, line)

        return showwarning

    # ------------------------------------------------------------------------------
    # output

    def table(self, policy: str, width: int = 100) -> str:
        """The findings as a terminal table."""
        items = self.items()
        if not items:
            return f"safearray: no findings (policy {policy!r})\n"
        total = sum(f.count for f in items)
        lines = [f"safearray: {len(items)} finding{'s' if len(items) != 1 else ''} "
                 f"({total} occurrence{'s' if total != 1 else ''}, policy {policy!r})"]
        rows = [(KINDS[f.kind][0], f"{_display_path(f.file)}:{f.line}", str(f.count), f.source) for f in items]
        heads = ("kind", "location", "count", "source")
        w = [max(len(r[i]) for r in [heads, *rows]) for i in range(3)]
        lines.append(f"  {heads[0]:<{w[0]}}  {heads[1]:<{w[1]}}  {heads[2]:>{w[2]}}  {heads[3]}")
        for f, row in zip(items, rows):
            lines.append(f"  {row[0]:<{w[0]}}  {row[1]:<{w[1]}}  {row[2]:>{w[2]}}  {row[3]}")
            message = f.message if len(f.message) <= width else f.message[: width - 3] + "..."
            lines.append(f"      {message}")
            if f.tests:
                shown = ", ".join(f.tests[:3]) + (f" (+{len(f.tests) - 3} more)" if len(f.tests) > 3 else "")
                lines.append(f"      tests: {shown}")
        return "\n".join(lines) + "\n"

    def to_json(self, policy: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The findings as a JSON document (a dict)."""
        doc: dict[str, Any] = {"tool": "safearray", "format": 1, "policy": policy}
        doc.update(extra or {})
        doc["findings"] = [
            {"kind": f.kind, "file": _display_path(f.file), "line": f.line, "count": f.count,
             "category": f.category, "message": f.message, "source": f.source, "tests": f.tests}
            for f in self.items()
        ]
        return doc

    def to_sarif(self, policy: str) -> dict[str, Any]:
        """The findings as a SARIF 2.1.0 log (a dict): one rule per kind, one result per finding."""
        from importlib import metadata

        try:
            version = metadata.version("safearray")
        except metadata.PackageNotFoundError:
            version = "0"
        kinds = list(KINDS)
        rules = [{"id": k, "name": KINDS[k][1], "shortDescription": {"text": KINDS[k][3]},
                  "defaultConfiguration": {"level": KINDS[k][2]}} for k in kinds]
        results: list[dict[str, Any]] = []
        for f in self.items():
            level = "error" if f.category.endswith("Error") else KINDS[f.kind][2]
            uri = _display_path(f.file).replace(os.sep, "/")
            location: dict[str, Any] = {"artifactLocation": {"uri": uri},
                                        "region": {"startLine": f.line}}
            if not os.path.isabs(uri):
                location["artifactLocation"]["uriBaseId"] = "SRCROOT"
            if f.source:
                location["region"]["snippet"] = {"text": f.source}
            results.append({
                "ruleId": f.kind, "ruleIndex": kinds.index(f.kind), "level": level,
                "message": {"text": f.message}, "occurrenceCount": f.count,
                "locations": [{"physicalLocation": location}],
                "properties": {"category": f.category, "tests": f.tests},
            })
        root = "file://" + os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
        return {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "safearray", "version": version,
                                    "informationUri": "https://pypi.org/project/safearray/",
                                    "rules": rules}},
                "originalUriBaseIds": {"SRCROOT": {"uri": root}},
                "properties": {"policy": policy},
                "results": results,
            }],
        }

    def write(self, path: str, policy: str, extra: dict[str, Any] | None = None) -> None:
        """Write the report to ``path``: SARIF for ``.sarif``, else JSON."""
        doc = self.to_sarif(policy) if path.endswith(".sarif") else self.to_json(policy, extra)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=2)
            out.write("\n")


def record_warnings(findings: Findings) -> Any:
    """Route safearray's warnings into ``findings``: each one is shown ("always", so every
    occurrence counts) and recorded instead of printed. Returns a function that undoes it."""
    from . import _policy
    from ._errors import MutationWarning

    previous = warnings.showwarning
    warnings.showwarning = findings.showwarning_hook(previous)
    previous_hook = _policy.refusal_hook
    _policy.refusal_hook = findings.add_refusal

    warnings.filterwarnings("always", category=MutationWarning)
    warnings.filterwarnings("always", category=UncoveredWarning)

    def undo() -> None:
        warnings.showwarning = previous
        _policy.refusal_hook = previous_hook

    return undo


def stderr_write(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
