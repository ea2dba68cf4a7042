"""Years: integers with their own type name in Table Schema."""

from __future__ import annotations

from synthetic.fields.integer import IntegerCodec


class YearCodec(IntegerCodec):
    pass
