"""Errors and warnings of ingestion, each naming the file, the line and the column at fault."""

from __future__ import annotations

from dataclasses import dataclass


class IngestError(ValueError):
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
    """One rejected input row: where it is, which column failed, why, and the value found."""

    file: str
    line: int | None
    column: str
    reason: str
    value: str

    def to_error(self, note: str | None = None) -> IngestError:
        return IngestError(self.file, self.line, self.column, self.reason, self.value, note=note)
