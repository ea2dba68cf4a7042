"""Field codecs, one module per Table Schema type, looked up in an explicit dict."""

from __future__ import annotations

from synthetic.fields.base import FieldCodec
from synthetic.fields.boolean import BooleanCodec
from synthetic.fields.date import DateCodec
from synthetic.fields.datetime import DatetimeCodec
from synthetic.fields.integer import IntegerCodec
from synthetic.fields.number import NumberCodec
from synthetic.fields.string import StringCodec
from synthetic.fields.year import YearCodec
from synthetic.schema import FieldSpec

CODECS: dict[str, type[FieldCodec]] = {
    "string": StringCodec,
    "number": NumberCodec,
    "integer": IntegerCodec,
    "year": YearCodec,
    "boolean": BooleanCodec,
    "date": DateCodec,
    "datetime": DatetimeCodec,
}


def codec_for(spec: FieldSpec) -> FieldCodec:
    return CODECS[spec.type](spec)


__all__ = ["CODECS", "FieldCodec", "codec_for"]
