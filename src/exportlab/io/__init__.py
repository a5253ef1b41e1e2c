"""Reading raw inputs into the canonical tables, and writing stage outputs atomically."""

from exportlab.io.writers import (
    load_provenance,
    write_json,
    write_parquet,
    write_provenance,
)

__all__ = ["load_provenance", "write_json", "write_parquet", "write_provenance"]
