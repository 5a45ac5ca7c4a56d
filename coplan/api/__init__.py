"""The REST API package. Importing it bounds every list endpoint's paging parameters (before
any router is built, since ``coplan.api`` is an installed app): ``limit`` is capped by
``NINJA_PAGINATION_MAX_LIMIT`` and ``offset`` by ``MAX_OFFSET``, so values past what the database
can hold answer 422 rather than overflow."""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 2**31 - 1


class BoundedLimitOffset(Schema):
    limit: int = Field(
        ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


LimitOffsetPagination.Input = BoundedLimitOffset
