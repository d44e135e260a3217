"""What the API's routes share in their signatures: the page parameters of every list route and
the JSON body type they answer with."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from likeness.services.pages import MAX_LIMIT

#: a JSON object as a route answers it (the route's response model documents its shape)
Json = dict[str, Any]
#: how many items one page holds
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="most items to return")]
#: how many items to skip
Offset = Annotated[int, Query(ge=0, description="items to skip")]
