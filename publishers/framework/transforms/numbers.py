"""Money, counts and identifiers that are numbers (UPRN, USRN), including what Excel did to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from publishers.framework.transforms.base import Transform, _mask, _per_unique


class Number(Transform):
    """Money and counts as plain decimals: '1,534.24', 'GBP 2,332', '£-45.00', '(120.50)' and Excel's
    '1.2E+03' all read; anything else is a problem."""

    expected = "a number such as 1534.24 (currency signs and thousands separators are fine)"

    def apply(self, values, ctx):
        text = values.str.strip()
        todo = _mask(text.ne("")) & ~_mask(text.str.fullmatch(r"-?\d+(\.\d+)?"))
        return _per_unique(text, todo, _number)


def _number(text: str) -> str | None:
    cleaned = re.sub(r"(?i)^(gbp|£)\s*|\s*gbp$", "", text.strip()).replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()").lstrip("£")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if re.fullmatch(r"[-+]?(\d+(\.\d+)?|\.\d+)", cleaned):
        plain = cleaned.lstrip("+")
    elif re.fullmatch(r"[-+]?\d+(\.\d+)?[Ee][-+]?\d+", cleaned):
        plain = _plain_decimal(cleaned)
    else:
        return None
    return "-" + plain.lstrip("-") if negative else plain


def _plain_decimal(text: str) -> str:
    from decimal import Decimal

    return format(Decimal(text).normalize(), "f")


def number() -> Number:
    return Number()


@dataclass(frozen=True, repr=False)
class Integer(Transform):
    """Whole numbers ('12', '12.0', '1,200'). An identifier that Excel turned into '1.00023E+11' has lost
    digits for good: it is a problem to re-export, never a value to guess."""

    max_digits: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        digits = f" of at most {self.max_digits} digits" if self.max_digits else ""
        return f"a whole number{digits} (if Excel shows 1.2E+11, re-export the column as text)"

    def apply(self, values, ctx):
        text = values.str.strip()
        digits = rf"-?\d{{1,{self.max_digits}}}" if self.max_digits else r"-?\d+"
        todo = _mask(text.ne("")) & ~_mask(text.str.fullmatch(digits))
        return _per_unique(text, todo, lambda t: self._integer(t, digits))

    @staticmethod
    def _integer(text: str, digits: str) -> str | None:
        cleaned = text.lstrip("+")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned):
            cleaned = cleaned.replace(",", "")
        cleaned = re.sub(r"^(-?\d+)\.0+$", r"\1", cleaned)
        return cleaned if re.fullmatch(digits, cleaned) else None


def integer(max_digits: int | None = None) -> Integer:
    return Integer(max_digits)


def uprn() -> Integer:
    """Unique Property Reference Number: a whole number of at most 12 digits."""
    return Integer(12)


def usrn() -> Integer:
    """Unique Street Reference Number: a whole number of at most 8 digits."""
    return Integer(8)
