"""The dashboard's request bodies (pydantic): every field bounded in size, unknown fields refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Weight = Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]
Code = Annotated[str, Field(max_length=200)]


class WhatIf(BaseModel):
    """The choices a what-if makes: weights of any nodes, methods, the entities included."""

    model_config = ConfigDict(extra="forbid")

    dataset: str | None = Field(None, max_length=100, description="data set id (default: the first)")
    weights: dict[Code, Weight] = Field(
        default_factory=dict, max_length=5000, description="node code -> weight (>= 0)"
    )
    normalise: str | None = Field(None, max_length=50, description="normalise method (registry name)")
    aggregate: str | None = Field(None, max_length=50, description="aggregate method (registry name)")
    entities: list[Code] | None = Field(
        None, max_length=5000, description="entity codes to include (default: all)"
    )
    lang: Literal["zh", "en"] = "zh"


class CompareRequest(WhatIf):
    a: str = Field(..., max_length=200)
    b: str = Field(..., max_length=200)


class ProfileRequest(WhatIf):
    entity: str = Field(..., max_length=200)


class UncertaintyRequest(WhatIf):
    n: int = Field(1000, ge=100, le=20000, description="Monte Carlo replications")
    seed: int = Field(1, ge=0, le=2**31 - 1, description="random seed (same seed, same answer)")
    a: str | None = Field(
        None,
        max_length=200,
        description="first entity of P(A outranks B) (default: the data set's comparison)",
    )
    b: str | None = Field(None, max_length=200)


class SensitivityRequest(WhatIf):
    n: Literal[64, 128, 256, 512, 1024, 2048] = Field(
        256, description="Sobol base sample (runs: n x (inputs + 2))"
    )
    seed: int = Field(1, ge=0, le=2**31 - 1, description="random seed (same seed, same answer)")
    a: str | None = Field(
        None,
        max_length=200,
        description="entities whose own rank is analysed too (default: the data set's comparison)",
    )
    b: str | None = Field(None, max_length=200)
