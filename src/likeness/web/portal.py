"""The portal's routers for each party, in the order the app includes them."""

from __future__ import annotations

from likeness.web import (
    finding_pages,
    performer_pages,
    producer_pages,
    producer_requests,
    residual_pages,
    union_pages,
)

PORTAL_ROUTERS = (
    performer_pages.router,
    producer_pages.router,
    producer_requests.router,
    residual_pages.router,
    union_pages.router,
    finding_pages.router,
)
