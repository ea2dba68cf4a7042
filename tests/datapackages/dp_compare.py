"""Compare our report with frictionless's on what the issue requires to be identical."""

from __future__ import annotations

from typing import Any

# Documented divergences, each tested in test_differential.py:
# 1. A truly empty line is a blank-row for both, but frictionless lists its cells as [] while we list one
#    empty string per column (pyarrow hands us the empty line as a row of empty cells). Only `cells` differs.
# 2. When the error limit stops validation early, frictionless reports the bytes (and, for files its buffer
#    read whole, the hashes) of what it had read so far; we report the file's size and no hashes, since a
#    partial read has no meaningful checksum.
# 3. Unique number fields are keyed by float value, so decimals that differ only beyond 17 significant digits
#    count as duplicates for us and not for frictionless (exact Decimals). Strings are keyed by a 64-bit hash
#    (a multiply-xorshift mix over 8-byte words, datapackages/validate/keys.py):
#    two distinct strings collide with probability about n^2 / 2^65 (untestable by design, 3e-8 at 1M rows).
#    Unique integers beyond int64 (which only frictionless's reader reads) are keyed by the same hash of their
#    digits, so one could collide with another key with the same tiny probability.


def error_keys(report: dict[str, Any]) -> list[tuple]:
    return [(e["type"], e.get("rowNumber"), e.get("fieldNumber")) for e in report["tasks"][0]["errors"]]


def error_details(report: dict[str, Any]) -> list[tuple]:
    return [
        (e["type"], e.get("rowNumber"), e.get("fieldNumber"), e.get("note"), e.get("cell"), e.get("message"))
        for e in report["tasks"][0]["errors"]
    ]


def facts(report: dict[str, Any]) -> dict[str, Any]:
    task = report["tasks"][0]
    stats = dict(task["stats"])
    stats.pop("seconds", None)
    partial = bool(task["warnings"])
    if partial:
        for key in ("bytes", "md5", "sha256"):
            stats.pop(key, None)
    return {
        "valid": report["valid"],
        "stats": stats,
        "warnings": task["warnings"],
        "labels": task["labels"],
        "name": task["name"],
        "errors": error_details(report),
    }
