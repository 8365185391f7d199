"""marshmallow fields with Chinese messages, for every payload the services accept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

_COMMON: dict[str, Any] = {"required": "必填", "null": "不能为空值", "validator_failed": "取值无效"}


class ChineseSchema(Schema):
    """Refuses unknown fields (a misspelt field must not silently drop a fact), in Chinese."""

    error_messages = {"type": "应为 JSON 对象", "unknown": "未知字段"}  # noqa: RUF012


def _optional(required: bool, default: Any) -> dict[str, Any]:
    # marshmallow refuses a load_default on a required field.
    return {} if required else {"load_default": default}


def text(*, required: bool = False, max_length: int = 2000, **kwargs: Any) -> fields.String:
    validators = [validate.Length(max=max_length, error=f"不能超过{max_length}字")]
    if required:
        validators.append(validate.Length(min=1, error="不能为空"))
    options: dict[str, Any] = {
        "validate": validators,
        "error_messages": {**_COMMON, "invalid": "应为文字"},
        **_optional(required, ""),
        **kwargs,
    }
    return fields.String(required=required, **options)


def choice(choices: Mapping[str, str] | list[str], *, required: bool = True, **kwargs: Any) -> fields.String:
    pairs = list(choices.items()) if isinstance(choices, Mapping) else [(c, c) for c in choices]
    names = "、".join(k if k == label else f"{k}（{label}）" for k, label in pairs)
    options: dict[str, Any] = {
        "validate": validate.OneOf([k for k, _ in pairs], error=f"应为以下之一：{names}"),
        "error_messages": {**_COMMON, "invalid": "应为文字"},
        "metadata": {"enum_labels": dict(pairs)},
        **_optional(required, None),
        **kwargs,
    }
    return fields.String(required=required, **options)


class _Day(fields.Date):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str):
            raise ValidationError("应为日期，格式 YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError("应为存在的日期，格式 YYYY-MM-DD") from exc


def day(*, required: bool = False, **kwargs: Any) -> fields.Date:
    options: dict[str, Any] = {"error_messages": dict(_COMMON), **_optional(required, None), **kwargs}
    return _Day(required=required, **options)


def flag(*, required: bool = False, **kwargs: Any) -> fields.Boolean:
    options: dict[str, Any] = {
        "error_messages": {**_COMMON, "invalid": "应为 true 或 false"},
        **_optional(required, False),
        **kwargs,
    }
    return fields.Boolean(required=required, **options)


LARGEST_ID = 2**31 - 1  # ids are INTEGER columns


def record_id(value: Any) -> int | None:
    """``value`` if it could be the id of a stored record, else None: a number the database could
    not even compare (2**63) must be "not found", not a failure."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LARGEST_ID:
        return value
    return None


def whole(*, required: bool = False, low: int = 1, high: int = LARGEST_ID, **kwargs: Any) -> fields.Integer:
    options: dict[str, Any] = {
        "validate": validate.Range(min=low, max=high, error=f"应为{low}至{high}之间的整数"),
        "error_messages": {**_COMMON, "invalid": "应为整数"},
        **_optional(required, None),
        **kwargs,
    }
    return fields.Integer(required=required, strict=True, **options)


def listing(
    inner: fields.Field[Any], *, required: bool = False, low: int = 0, **kwargs: Any
) -> fields.List[Any]:
    options: dict[str, Any] = {
        "validate": [validate.Length(min=low, error=f"至少{low}项")] if low else [],
        "error_messages": {**_COMMON, "invalid": "应为列表"},
        **_optional(required, list),
        **kwargs,
    }
    return fields.List(inner, required=required, **options)


def load(schema: Schema, payload: Any) -> dict[str, Any]:
    """Validate a payload, or raise ``InvalidInput`` naming every field in Chinese."""
    from assistance.errors import FieldProblem, InvalidInput

    try:
        data: dict[str, Any] = schema.load(payload if payload is not None else {})
    except ValidationError as exc:
        problems = [FieldProblem(f, m) for f, m in problems_of(exc.messages)]
        raise InvalidInput("提交的数据有误", problems) from exc
    return data


def problems_of(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten marshmallow's nested messages into (field path, message) pairs."""
    if isinstance(messages, Mapping):
        out: list[tuple[str, str]] = []
        for key, inner in messages.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            path = f"{prefix}[{key}]" if isinstance(key, int) else dotted
            out.extend(problems_of(inner, path))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix or "(根)", m) for m in messages]
    if isinstance(messages, list):
        return [pair for inner in messages for pair in problems_of(inner, prefix)]
    return [(prefix or "(根)", str(messages))]
