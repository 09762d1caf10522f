"""Converting between plain Python values and wasmtime-py's component values.

wasmtime-py hands records over as objects whose attributes carry the WIT
names (``getattr(event, "prev-hash")``) and expects the same shape back,
with every field present. This host speaks plain dictionaries with
snake_case keys instead (``event["prev_hash"]``), the names of the
component's JSON. Going in, :func:`lower` follows the function's WIT types,
so that an optional field may be left out and a wrong value is refused with
one line naming the field; coming out, :func:`lift` turns records into
dictionaries. Enums are strings, variants are ``wasmtime.component.Variant``
(``Variant("failure", "wrong_password")``), ``list<u8>`` is ``bytes``.
"""

from typing import Any

from wasmtime import component as wc


class InputError(ValueError):
    """A value a host passed does not fit the function's WIT type."""


def snake(name: str) -> str:
    """The dictionary key of a WIT name: ``prev-hash`` → ``prev_hash``."""
    return name.replace("-", "_")


def lower(ty: wc.ValType, value: Any, path: str) -> Any:
    """``value`` (plain Python) as wasmtime-py expects it for ``ty``."""
    if isinstance(ty, wc.RecordType):
        if not isinstance(value, dict):
            raise InputError(f"{path}: expected a dict, got {type(value).__name__}")
        fields = ty.fields
        known = {snake(name) for name, _ in fields}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InputError(f"{path}.{unknown[0]}: unknown field")
        record = wc.Record()
        for name, field_ty in fields:
            key = snake(name)
            item = value.get(key)
            if item is None and not isinstance(field_ty, wc.OptionType):
                raise InputError(f"{path}.{key}: required")
            setattr(record, name, lower(field_ty, item, f"{path}.{key}"))
        return record
    if isinstance(ty, wc.OptionType):
        return None if value is None else lower(ty.payload, value, path)
    if isinstance(ty, wc.ListType):
        if isinstance(ty.element, wc.U8):
            if not isinstance(value, (bytes, bytearray)):
                raise InputError(f"{path}: expected bytes")
            return bytes(value)
        if not isinstance(value, (list, tuple)):
            raise InputError(f"{path}: expected a list")
        return [lower(ty.element, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(ty, wc.EnumType):
        names = ty.names
        if value not in names:
            raise InputError(f"{path}: expected one of {', '.join(names)}")
        return value
    if isinstance(ty, wc.VariantType):
        if not isinstance(value, wc.Variant):
            raise InputError(f"{path}: expected a Variant")
        for name, payload_ty in ty.cases:
            if name == value.tag:
                if payload_ty is None:
                    return wc.Variant(name)
                return wc.Variant(name, lower(payload_ty, value.payload, path))
        cases = ", ".join(name for name, _ in ty.cases)
        raise InputError(f"{path}: expected one of {cases}")
    if isinstance(ty, wc.String):
        if not isinstance(value, str):
            raise InputError(f"{path}: expected a string")
        return value
    if isinstance(ty, wc.Bool):
        if not isinstance(value, bool):
            raise InputError(f"{path}: expected true or false")
        return value
    for int_ty, low, high in _INTEGERS:
        if isinstance(ty, int_ty):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InputError(f"{path}: expected an integer")
            if not low <= value <= high:
                raise InputError(f"{path}: {value} is outside {low} to {high}")
            return value
    # Resources and tuples pass as they are.
    return value


_INTEGERS = [
    (wc.U8, 0, 2**8 - 1),
    (wc.U16, 0, 2**16 - 1),
    (wc.U32, 0, 2**32 - 1),
    (wc.U64, 0, 2**64 - 1),
    (wc.S8, -(2**7), 2**7 - 1),
    (wc.S16, -(2**15), 2**15 - 1),
    (wc.S32, -(2**31), 2**31 - 1),
    (wc.S64, -(2**63), 2**63 - 1),
]


def lift(value: Any) -> Any:
    """A wasmtime-py value as plain Python: records become dictionaries."""
    if isinstance(value, wc.Record):
        return {snake(name): lift(item) for name, item in vars(value).items()}
    if isinstance(value, wc.Variant):
        return wc.Variant(value.tag, lift(value.payload))
    if isinstance(value, list):
        return [lift(item) for item in value]
    if isinstance(value, tuple):
        return tuple(lift(item) for item in value)
    return value
