"""Shared request schemas."""

from typing import Any, ClassVar

from ninja import Schema
from pydantic import ValidationInfo, field_validator


class PatchSchema(Schema):
    """A partial update. Every field is optional, but an explicit ``null`` only clears a field
    the stored model lets be empty (``null=True`` on the field of ``django_model``, or a field
    listed in ``nullable``); for any other field ``null`` answers 422 naming the field."""

    django_model: ClassVar[Any] = None
    nullable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def may_be_null(cls, name: str) -> bool:
        if name in cls.nullable:
            return True
        if cls.django_model is None:
            return False
        try:
            return cls.django_model._meta.get_field(name).null
        except Exception:
            return False

    @field_validator("*", mode="after")
    @classmethod
    def _null_only_where_clearable(cls, value, info: ValidationInfo):
        if value is None and not cls.may_be_null(info.field_name):
            raise ValueError("This field cannot be null; leave it out to keep its value.")
        return value
