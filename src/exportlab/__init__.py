"""exportlab — research workbench for the export activity of regions.

Stages: ingestion → OECD high-tech classification → trajectory tables → DAED index and region types →
maps → Regional Export Standard scorecard → smart specialisation. All logic lives in this package; the
notebooks in ``notebooks/`` call it.
"""

from exportlab.config import profile  # a notebook's one line: exportlab.profile("seminar")

__version__ = "0.1.0"
__all__ = ["__version__", "profile"]
