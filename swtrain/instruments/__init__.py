"""Screening instruments: the registry of shared/DOMAIN.md section 2 and their scoring.

    from swtrain.instruments import load_instrument, score
    result = score("phq-9", [1, 2, 0, 1, 3, 0, 1, 2, 0])
    result.total, result.band.label.en        # 10.0, 'moderate'

Names are imported from their module when first used, so importing this
package reads no instrument file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .registry import (
        Band,
        BandSet,
        Cutoff,
        Instrument,
        InstrumentInvalid,
        InstrumentNotFound,
        Item,
        all_instruments,
        instrument_ids,
        load_bands,
        load_instrument,
    )
    from .scoring import (
        InvalidResponse,
        Score,
        ScoringError,
        SubscaleScore,
        TooManyMissing,
        WrongResponses,
        band_of,
        parse_values,
        score,
    )

_EXPORTS = {
    "registry": [
        "Band",
        "BandSet",
        "Cutoff",
        "Instrument",
        "InstrumentInvalid",
        "InstrumentNotFound",
        "Item",
        "all_instruments",
        "instrument_ids",
        "load_bands",
        "load_instrument",
    ],
    "scoring": [
        "InvalidResponse",
        "Score",
        "ScoringError",
        "SubscaleScore",
        "TooManyMissing",
        "WrongResponses",
        "band_of",
        "parse_values",
        "score",
    ],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "Band",
    "BandSet",
    "Cutoff",
    "Instrument",
    "InstrumentInvalid",
    "InstrumentNotFound",
    "InvalidResponse",
    "Item",
    "Score",
    "ScoringError",
    "SubscaleScore",
    "TooManyMissing",
    "WrongResponses",
    "all_instruments",
    "band_of",
    "instrument_ids",
    "load_bands",
    "load_instrument",
    "parse_values",
    "score",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'swtrain.instruments' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
