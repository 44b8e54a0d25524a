"""The dashboard on COINr's ASEM example, as several web tests serve it."""

from __future__ import annotations

import warnings

from innoscope.pipeline import PipelineSpec
from innoscope.web.app import create_app
from innoscope.web.state import Dataset

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


def asem_client(asem, *, base_url: str = "http://127.0.0.1", **dataset) -> TestClient:
    """A TestClient of the app on the ASEM data (denominate, normalise, aggregate); ``dataset``: more
    :class:`Dataset` fields (``compare=("CHN", "JPN")``)."""
    fw, cs = asem
    ds = Dataset(
        id="asem",
        label="ASEM",
        framework=fw,
        data=cs,
        spec=PipelineSpec.from_obj(["denominate", "normalise", "aggregate"]),
        **dataset,
    )
    return TestClient(create_app(ds), raise_server_exceptions=False, base_url=base_url)
