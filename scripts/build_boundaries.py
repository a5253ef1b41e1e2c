"""Regenerate ``src/exportlab/data/boundaries_ru_dcw.parquet`` from the full DCW-GMT file.

Usage (after ``apt-get install gmt-dcw`` or ``conda install -c conda-forge dcw-gmt``)::

    .venv/bin/python scripts/build_boundaries.py [--dcw PATH] [--out PATH] [--tolerance METRES]

The same as ``python -m exportlab.geo --build``; the method is described in
``src/exportlab/data/boundaries_ru_dcw.md`` and implemented by ``exportlab.geo.build_shipped``.
"""

from __future__ import annotations

import sys

from exportlab import geo

if __name__ == "__main__":
    raise SystemExit(geo.main(["--build", *sys.argv[1:]]))
