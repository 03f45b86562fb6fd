"""A final annual report's data as JSON, and back: ``freeze(report)`` is what
``ReportWords.frozen`` stores when the report is made final, ``thaw(data)`` the
``AnnualReport`` the renderers lay out again from it, byte for byte the same.

Only the report's own values travel: the live objects it was computed from (the plan, the
dashboard, the next plan's records) are left out and come back as None; the renderers never
read them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from functools import cache

from .annual import AnnualReport

LIVE = {"plan", "board", "next_work_plan", "next_document"}
VERSION = 1


def freeze(report: AnnualReport) -> dict:
    data = _plain({f.name: getattr(report, f.name) for f in dataclasses.fields(report)
                   if f.name not in LIVE})
    return {"version": VERSION, "report": data}


def thaw(data: dict) -> AnnualReport:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("frozen: not the data of a final report of this version")
    values = dict(data["report"])
    values.update(dict.fromkeys(LIVE))
    return _build(AnnualReport, values)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # lazy translations and the like


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _build(cls, values: dict):
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{name: _as(hints[name], value) for name, value in values.items()
                  if name in names})


def _as(kind, value):
    if value is None:
        return None
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _as(options[0], value) if len(options) == 1 else value
    if origin is list:
        return [_as(args[0], v) for v in value]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_as(args[0], v) for v in value)
        return tuple(_as(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        key, item = args
        return {(int(k) if key is int else k): _as(item, v) for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        return _build(kind, value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    return value
