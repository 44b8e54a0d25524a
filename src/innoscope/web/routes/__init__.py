"""The dashboard's routers, one module per concern; :func:`datasets` is their shared dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from innoscope.web.state import Datasets


def datasets(request: Request) -> Datasets:
    """The app's data sets (set by :func:`innoscope.web.app.create_app`)."""
    return request.app.state.datasets


Store = Annotated[Datasets, Depends(datasets)]
