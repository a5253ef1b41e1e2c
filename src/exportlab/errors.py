"""Every error exportlab raises on purpose: :class:`ExportlabError` and its subclasses, in one module.

Each error also derives from the built-in exception it has always been (``ValueError``,
``FileNotFoundError``, ``RuntimeError``), so ``except ValueError`` keeps catching a bad input, and
``except ExportlabError`` catches any of them. This module imports nothing of the package: every layer
can raise these.

* :class:`IngestError` (and :class:`Rejection`, one rejected input row) — invalid input, naming the
  file, line and column and what was expected;
* :class:`UnknownRegionError`, :class:`NotARegionError`, :class:`AggregateRegionError` — a value no
  region of the reference matches;
* :class:`ProfileError` — a profile that cannot be used;
* :class:`DemoFolderError` — the demo generator asked to write into a folder it does not own;
* :class:`MissingInput` — a stage's input that an earlier stage writes is not there yet;
* :class:`StageFailed`, :class:`RunFailed`, :class:`ProjectBusy` — the runner's failures.

>>> issubclass(IngestError, ExportlabError) and issubclass(IngestError, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "AggregateRegionError",
    "DemoFolderError",
    "ExportlabError",
    "IngestError",
    "MissingInput",
    "NotARegionError",
    "ProfileError",
    "ProjectBusy",
    "Rejection",
    "RunFailed",
    "StageFailed",
    "UnknownRegionError",
]


class ExportlabError(Exception):
    """The base of every error exportlab raises on purpose (its message says what to fix)."""


# --------------------------------------------------------------------------------------------
# inputs


class IngestError(ExportlabError, ValueError):
    """Invalid input: the message names the file, line and column and says what was expected.

    >>> str(IngestError("data/raw/x.tsv", 17, "Stoim", "a non-negative number", "12,3,4"))
    'data/raw/x.tsv, line 17, column "Stoim": expected a non-negative number, got "12,3,4"'
    """

    def __init__(
        self,
        file: str,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        got: object = None,
        *,
        note: str | None = None,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.expected = expected
        self.got = got
        parts = [self.file]
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f'column "{column}"')
        msg = ", ".join(parts)
        if expected is not None:
            msg += f": expected {expected}"
            if got is not None:
                msg += f', got "{got}"'
        if note:
            msg += f" ({note})" if expected is not None else f": {note}"
        super().__init__(msg)


@dataclass(frozen=True)
class Rejection:
    """One rejected input row: where it is, which column failed, why, and the value found.

    >>> str(Rejection("a.csv", 2, "tnved", "a 10-digit code", "8802").to_error())
    'a.csv, line 2, column "tnved": expected a 10-digit code, got "8802"'
    """

    file: str
    line: int | None
    column: str
    reason: str
    value: str

    def to_error(self, note: str | None = None) -> IngestError:
        """The :class:`IngestError` this rejection stands for (``note`` added in brackets)."""
        return IngestError(self.file, self.line, self.column, self.reason, self.value, note=note)


# --------------------------------------------------------------------------------------------
# regions


class UnknownRegionError(ExportlabError, ValueError):
    """A value that no region of the reference matches.

    Attributes: ``value`` (the input), ``suggestions`` (up to three ``(spelling, code)`` pairs,
    closest first) and ``where`` (the location given by the caller, or ``None``).

    >>> str(UnknownRegionError("Tatarstn", [("Tatarstan", "RU-TA")]))
    "unknown region 'Tatarstn'; closest matches: 'Tatarstan' (RU-TA)"
    """

    def __init__(
        self,
        value: object,
        suggestions: Iterable[tuple[str, str]] = (),
        where: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.value = value
        self.suggestions = list(suggestions)
        self.where = where
        self.reason = reason
        msg = f"unknown region {value!r}"
        if where:
            msg += f" ({where})"
        if reason:
            msg += f": {reason}"
        if self.suggestions:
            closest = ", ".join(f"{name!r} ({code})" for name, code in self.suggestions)
            msg += f"; closest matches: {closest}"
        super().__init__(msg)


class NotARegionError(UnknownRegionError):
    """A placeholder code such as FCS ``NNNNN`` (unknown territorial unit): not a region."""


class AggregateRegionError(UnknownRegionError):
    """A label for a total that includes other regions (e.g. an oblast *including* its okrugs)."""


# --------------------------------------------------------------------------------------------
# profiles, the demo folder and stage inputs


class ProfileError(ExportlabError, ValueError):
    """A profile that cannot be used: unknown file, unknown key, or a value of the wrong type."""


class DemoFolderError(ExportlabError, ValueError):
    """The demo generator was asked to write into a folder it does not own (it holds user files)."""


class MissingInput(ExportlabError, FileNotFoundError):
    """A stage's input that an earlier stage writes is not there yet: says which stages to run."""


# --------------------------------------------------------------------------------------------
# the runner


class StageFailed(ExportlabError, RuntimeError):
    """A stage notebook raised: names the notebook, the cell and the error.

    ``stage`` is the :class:`exportlab.pipeline.Stage` that failed (its ``id`` and ``notebook`` are
    named in the message).
    """

    def __init__(
        self,
        stage: Any,
        cell: str | None,
        error: str,
        executed: Path | None,
        kept: str | None = None,
    ):
        self.stage, self.cell, self.error, self.executed, self.kept = (
            stage,
            cell,
            error,
            executed,
            kept,
        )
        # no cell: the kernel did not start, died, or a cell ran past the time limit (the error
        # then quotes the cell)
        where = f", cell {cell}" if cell is not None else ""
        shown = f"; the executed notebook with the error is {executed}" if executed else ""
        outputs = kept or "earlier outputs of this stage were kept"
        super().__init__(
            f"stage {stage.id} failed: notebooks/{stage.notebook}{where}: {error}{shown}; {outputs}"
        )

    def __reduce__(self):  # picklable across worker processes
        return (StageFailed, (self.stage, self.cell, self.error, self.executed, self.kept))


class RunFailed(StageFailed):
    """One or more stages failed: the first failure, and the summary of every stage of the run.

    ``failures`` are the :class:`StageFailed` of the run; ``blocked`` maps the id of each stage that
    did not run to the failed stages it depends on; ``ran`` lists the stages that ran.
    """

    def __init__(
        self,
        failures: Sequence[StageFailed],
        blocked: dict[str, list[str]],
        ran: Sequence[str],
    ):
        first = failures[0]
        self.stage, self.cell, self.error, self.executed, self.kept = (
            first.stage,
            first.cell,
            first.error,
            first.executed,
            first.kept,
        )
        self.failures, self.blocked, self.ran = list(failures), dict(blocked), list(ran)
        lines = [str(f) for f in failures]
        if blocked:
            lines.append(
                "not run because a stage they depend on failed: "
                + ", ".join(f"{s} (needs {', '.join(d)})" for s, d in sorted(blocked.items()))
            )
        lines.append(f"stages that ran: {', '.join(ran) if ran else 'none'}")
        RuntimeError.__init__(self, "\n".join(lines))

    def __reduce__(self):
        return (RunFailed, (self.failures, self.blocked, self.ran))


class ProjectBusy(ExportlabError, RuntimeError):
    """Another run holds the project lock (and this one was asked not to wait)."""
