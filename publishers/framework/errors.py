"""What can go wrong in a publish, split by who must act: the data officer (data) or the operator (setup).

``DataError`` ends a run with exit code 1 and a table of problems (file, row, column, value, expected);
``SetupError`` (configuration, credentials, an unreachable catalogue) ends it with exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, precise enough to find and fix in the partner's own file."""

    file: str
    row: int | None  # line in the source file (1 = first line), None when the whole column or file is at fault
    column: str  # the source column's header, or the standard field when there is no source column
    value: str
    expected: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


class PublishError(Exception):
    exit_code = 1


class DataError(PublishError):
    """The partner's extract cannot be published as it is; nothing was pushed."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None, total: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.total = total if total is not None else len(self.problems)


class SetupError(PublishError):
    """Configuration, credentials or connection: the data may be fine, the run could not happen."""

    exit_code = 2
