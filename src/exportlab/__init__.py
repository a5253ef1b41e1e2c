"""exportlab — research workbench for the export activity of regions.

Stages: ingestion → OECD high-tech classification → trajectory tables → DAED index and region types →
maps → Regional Export Standard scorecard → smart specialisation → Atlas-style analyses. All logic lives
in this package; the notebooks in ``notebooks/`` call it. The layers (see ``docs/DEVELOPING.md``):
concept modules compute, :mod:`exportlab.plot` draws, :mod:`exportlab.tables` formats, :mod:`exportlab.io`
reads, :mod:`exportlab.pipeline` and :mod:`exportlab.cli` run; imports point down.

Submodules load on first use, so ``import exportlab`` is cheap and ``exportlab.daed`` works after it:

>>> import exportlab
>>> exportlab.daed.__name__
'exportlab.daed'
"""

from __future__ import annotations

import importlib
from typing import Any

from exportlab.config import profile  # a notebook's one line: exportlab.profile("seminar")

__version__ = "0.1.0"
__all__ = ["__version__", "profile"]


def __getattr__(name: str) -> Any:
    """Import the submodule ``exportlab.<name>`` on first access (PEP 562)."""
    if name.startswith("_"):
        raise AttributeError(f"module 'exportlab' has no attribute {name!r}")
    try:
        module = importlib.import_module(f"exportlab.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"exportlab.{name}":
            raise
        raise AttributeError(f"module 'exportlab' has no attribute {name!r}") from None
    globals()[name] = module
    return module


def __dir__() -> list[str]:
    from pkgutil import iter_modules

    return sorted(
        {*globals(), *(m.name for m in iter_modules(__path__) if not m.name.startswith("_"))}
    )
