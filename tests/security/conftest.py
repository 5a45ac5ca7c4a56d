"""Attack tests reuse the bidding world (a published tender, two registered bidders: the
partnership's consortium and an outside firm) and the API helpers."""

from tests.api.helpers import api_as  # noqa: F401
from tests.bidding.conftest import (  # noqa: F401
    MARKER,
    bid_data,
    bid_prices,
    clearway,
    close,
    homereach,
    media,
    moderated,
    opened,
    outside_bidder,
    panel,
    requirement,
    score_all,
    tender,
    verified,
)
