"""Region boundaries: the DCW-GMT reader, the tile-grid cartogram and user boundary files.

Three sources give a GeoDataFrame with one row per region and an ``iso`` column (ISO 3166-2):

* **DCW-GMT** (Digital Chart of the World for GMT, LGPL), the netCDF-4 file ``dcw-gmt.nc`` installed by
  Debian's ``gmt-dcw`` or conda-forge's ``dcw-gmt``. Each item is stored as ``<TAG>_lon`` and
  ``<TAG>_lat`` (uint16, degrees = value / ``scale`` + ``min``), with 65535 in the longitude marking the
  start of a new ring; ``TAG`` is the country code followed by the ISO 3166-2 suffix (``RUTA`` is
  RU-TA, Tatarstan). A ring that lies inside another ring of the same region is a hole (Moscow inside
  Moscow Oblast, Adygea inside Krasnodar Krai). The decoded, projected and simplified layer is cached
  as GeoParquet in ``data/processed/boundaries_dcw.parquet``.
* a **simplified copy of DCW-GMT** for Russia shipped with the package
  (``data/boundaries_ru_dcw.parquet``, LGPL, see ``data/boundaries_ru_dcw.md``): the polygons used
  when DCW-GMT is not installed, so polygon maps are drawn on a fresh machine. It is regenerated from
  the full file by ``python -m exportlab.geo --build`` (:func:`build_shipped`);
* the **tile grid** shipped with the package (``data/tile_grid.csv``): one equal square per region,
  always available, and the fallback when no polygons are available for the country;
* any **user file** (GeoJSON, GeoPackage, Shapefile, GeoParquet) keyed by ISO code or region name.

A layer's ``attrs["source"]`` says which it is (``"dcw"``, ``"shipped"``, ``"tiles"``, ``"file"``);
:func:`boundary_label` and :func:`boundary_credit` name it in reports and under figures.

DCW-GMT holds no polygons for Crimea, Sevastopol or the regions added in 2022, and its Moscow is the
pre-2012 city (New Moscow belongs to Moscow Oblast there). :func:`missing_regions` lists the regions of
the reference that a layer lacks, so maps can name them instead of dropping them silently.

Polygon layers come in an equal-area conic projection (:data:`CONIC_CRS` for the country, or one fitted
to the layer's extent), with longitudes east of the antimeridian unwrapped (Chukotka stays one piece,
east of Magadan).

>>> from exportlab import geo
>>> tiles = geo.load_regions("tiles")
>>> geo.layout_kind(tiles)
'tiles'
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

#: Environment variable naming the DCW-GMT file (or the folder holding it); it replaces the search.
DCW_ENV = "EXPORTLAB_DCW"
DCW_FILE = "dcw-gmt.nc"
#: Folders searched for ``dcw-gmt.nc`` when neither a path nor ``$EXPORTLAB_DCW`` is given.
DCW_SEARCH: tuple[str, ...] = (
    "$CONDA_PREFIX/share/dcw-gmt",
    "$CONDA_PREFIX/Library/share/dcw-gmt",
    "$CONDA_PREFIX/share/gmt/dcw",
    "/usr/share/gmt-dcw",
    "/usr/local/share/dcw-gmt",
    "/usr/share/dcw-gmt",
    "/usr/local/share/gmt-dcw",
    "/opt/homebrew/share/dcw-gmt",
    "/opt/local/share/dcw-gmt",
    "~/.gmt/dcw",
)
#: Equal-area conic projections suited to a country (proj strings); other countries get a fitted one.
CONIC_CRS: dict[str, str] = {
    "RU": "+proj=aea +lat_1=52 +lat_2=64 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
}
#: Default simplification tolerance of the cached DCW layer, in metres of the projected layer.
SIMPLIFY_TOLERANCE = 500.0
#: Name of the cache file in ``data/processed/``.
CACHE_FILE = "boundaries_dcw.parquet"
#: The simplified DCW-GMT layer of Russia's regions shipped with the package (GeoParquet, LGPL).
SHIPPED_FILE = "boundaries_ru_dcw.parquet"
#: Where :func:`shipped_boundaries` looks for it (tests point it elsewhere).
SHIPPED_BOUNDARIES: Path = Path(__file__).resolve().parent / "data" / SHIPPED_FILE
#: Country of the shipped layer.
SHIPPED_COUNTRY = "RU"
#: How the shipped layer is made from DCW-GMT (metres of :data:`CONIC_CRS`): vertices of
#: neighbouring regions closer than ``snap`` are merged and gaps narrower than ``gap`` closed
#: (``shapely.coverage_clean``), then the shared borders are simplified once for both sides
#: (``shapely.coverage_simplify``, Visvalingam–Whyatt, ``tolerance`` ≈ the square root of the
#: largest triangle removed) and coordinates rounded to ``grid``.
SHIPPED_METHOD: dict[str, float] = {"snap": 50.0, "gap": 200.0, "tolerance": 1000.0, "grid": 1.0}
_SHIPPED_META = b"exportlab_boundaries"
_CACHE_VERSION = "1"
_CACHE_META = b"exportlab_cache_key"
_SEPARATOR = 65535

#: Column names tried, in order, as the ISO key of a user boundary file.
ISO_COLUMNS: tuple[str, ...] = (
    "iso",
    "iso_3166_2",
    "iso3166_2",
    "iso_code",
    "iso3166",
    "code",
    "id",
)
#: Column names tried, in order, as the region name of a user boundary file.
NAME_COLUMNS: tuple[str, ...] = ("name_ru", "name_en", "name", "region", "name_local", "subject")

_ISO_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


class BoundariesFallbackWarning(UserWarning):
    """Polygon boundaries were asked for but are unavailable; the tile grid is used instead."""


# --------------------------------------------------------------------------------------------------
# DCW-GMT location


def find_dcw(dcw_path: str | os.PathLike[str] | None = None) -> Path | None:
    """The DCW-GMT file, or ``None`` when it cannot be found.

    ``dcw_path`` (a file, or a folder holding ``dcw-gmt.nc``) comes first, then ``$EXPORTLAB_DCW``;
    when either is given, only it is tried. Otherwise the folders of :data:`DCW_SEARCH` are searched
    (conda environment, Debian/Ubuntu ``gmt-dcw``, ``/usr/local``, Homebrew, MacPorts, ``~/.gmt``).
    """
    explicit = dcw_path if dcw_path is not None else os.environ.get(DCW_ENV) or None
    if explicit is not None:
        return _as_dcw_file(Path(explicit).expanduser())
    for folder in DCW_SEARCH:
        if "$CONDA_PREFIX" in folder and not os.environ.get("CONDA_PREFIX"):
            continue
        found = _as_dcw_file(Path(os.path.expandvars(folder)).expanduser())
        if found is not None:
            return found
    return None


def _as_dcw_file(path: Path) -> Path | None:
    if path.is_dir():
        path = path / DCW_FILE
    return path.resolve() if path.is_file() else None


# --------------------------------------------------------------------------------------------------
# DCW-GMT decoding


def _dcw_names(path: Path, country: str) -> dict[str, str]:
    """State names from ``dcw-states.txt`` beside the netCDF file, when it is there."""
    names: dict[str, str] = {}
    listing = path.with_name("dcw-states.txt")
    if not listing.is_file():
        return names
    for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == country:
            names[parts[1]] = parts[2].strip()
    return names


def _decode(variable) -> np.ndarray:
    """Raw uint16 values of a DCW coordinate variable (no netCDF masking or scaling)."""
    variable.set_auto_maskandscale(False)
    return np.asarray(variable[:], dtype=np.int64)


def _degrees(raw: np.ndarray, variable) -> np.ndarray:
    return raw / float(variable.getncattr("scale")) + float(variable.getncattr("min"))


def _rings(lon_var, lat_var) -> list[np.ndarray]:
    """The rings of one DCW item as ``(n, 2)`` lon/lat arrays; 65535 in lon starts a new ring."""
    raw_lon = _decode(lon_var)
    raw_lat = _decode(lat_var)
    breaks = np.flatnonzero(raw_lon == _SEPARATOR)
    lon = _degrees(raw_lon, lon_var)
    lat = _degrees(raw_lat, lat_var)
    rings = []
    for start, stop in zip(
        np.concatenate([[0], breaks + 1]), np.concatenate([breaks, [len(raw_lon)]]), strict=True
    ):
        if stop - start < 3:
            continue
        ring = np.column_stack([lon[start:stop], lat[start:stop]])
        if not np.array_equal(ring[0], ring[-1]):
            ring = np.vstack([ring, ring[:1]])
        if len(ring) >= 4:
            rings.append(ring)
    return rings


def rings_to_polygon(rings: list[np.ndarray]) -> Polygon | MultiPolygon:
    """One valid (multi)polygon from rings: a ring inside an odd number of other rings is a hole.

    Each ring is made valid first; nesting depth is counted on representative points, so islands in
    a lake of an island are shells again.
    """
    raw = np.array([Polygon(ring) for ring in rings], dtype=object)
    valid = shapely.is_valid(raw)
    polys: list[Polygon] = []
    for poly, ok in zip(raw, valid, strict=True):
        polys.extend(_polygons_of(poly if ok else _make_valid(poly)))
    polys = [p for p in polys if p.area > 0]
    if not polys:
        return MultiPolygon()
    order = np.argsort([-p.area for p in polys], kind="stable")
    polys = [polys[i] for i in order]
    tree = shapely.STRtree(polys)
    points = [p.representative_point() for p in polys]
    depth = np.zeros(len(polys), dtype=int)
    parent = np.full(len(polys), -1)
    for i, point in enumerate(points):
        candidates = sorted(int(j) for j in tree.query(point, predicate="within") if j != i)
        # Only larger rings can contain this one; the smallest container is the direct parent.
        containers = [j for j in candidates if j < i]
        depth[i] = len(containers)
        if containers:
            parent[i] = min(containers, key=lambda j: polys[j].area)
    pieces = []
    for i, poly in enumerate(polys):
        if depth[i] % 2:
            continue
        holes = [polys[j] for j in range(len(polys)) if parent[j] == i and depth[j] % 2]
        if holes:
            poly = poly.difference(shapely.union_all(holes))
        pieces.extend(_polygons_of(poly))
    merged = MultiPolygon(pieces)
    if not merged.is_valid:  # touching or overlapping parts
        merged = _make_valid(shapely.union_all(pieces))
    return _as_multipolygon(merged)


def _make_valid(geom):
    """A valid version of a polygonal geometry (GEOS "structure" method: rings as areas)."""
    return shapely.make_valid(geom, method="structure", keep_collapsed=False)


def _polygons_of(geom) -> list[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons_of(g)]
    return []


def _as_multipolygon(geom) -> MultiPolygon:
    return MultiPolygon(_polygons_of(geom))


def read_dcw(
    dcw_path: str | os.PathLike[str] | None = None,
    country: str = "RU",
) -> gpd.GeoDataFrame:
    """Decode the regions of ``country`` from DCW-GMT, unprojected (lon/lat, EPSG:4326), unsimplified.

    Columns: ``iso`` (``RU-TA``), ``name`` (from ``dcw-states.txt`` when it is beside the file),
    ``geometry`` (valid MultiPolygons; longitudes may exceed 180 east of the antimeridian, as DCW
    stores them). Raises ``FileNotFoundError`` when the file cannot be found.
    """
    import netCDF4

    path = find_dcw(dcw_path)
    if path is None:
        raise FileNotFoundError(_dcw_missing_message(dcw_path))
    country = country.upper()
    names = _dcw_names(path, country)
    pattern = re.compile(rf"^{re.escape(country)}([A-Z0-9]{{1,3}})_lon$")
    rows = []
    with netCDF4.Dataset(path) as ds:
        tags = sorted(m.group(1) for v in ds.variables if (m := pattern.match(v)))
        for tag in tags:
            lat_name = f"{country}{tag}_lat"
            if lat_name not in ds.variables:
                continue
            rings = _rings(ds.variables[f"{country}{tag}_lon"], ds.variables[lat_name])
            rows.append(
                {
                    "iso": f"{country}-{tag}",
                    "name": names.get(tag, f"{country}-{tag}"),
                    "geometry": rings_to_polygon(rings),
                }
            )
    if not rows:
        raise ValueError(f"{path} holds no regions of country {country!r}")
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return gdf.sort_values("iso", kind="stable").reset_index(drop=True)


def _dcw_missing_message(dcw_path) -> str:
    where = dcw_path or os.environ.get(DCW_ENV)
    head = f"DCW-GMT file not found at {where}" if where else "DCW-GMT file (dcw-gmt.nc) not found"
    return (
        f"{head}. Install it (Debian/Ubuntu: apt install gmt-dcw; conda: conda install -c conda-forge "
        f"dcw-gmt) or point ${DCW_ENV} or dcw_path= at the file."
    )


# --------------------------------------------------------------------------------------------------
# Projection and the antimeridian


def unwrap_antimeridian(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Shift negative longitudes by +360 when the layer spans the antimeridian (lon/lat layers only).

    A layer spans it when it has coordinates both west of -150° and east of 150°; then every vertex
    west of 0° moves east, so Chukotka becomes one valid piece east of Magadan. Layers that do not
    span the antimeridian (or are projected) are returned unchanged.
    """
    if gdf.crs is not None and not gdf.crs.is_geographic:
        return gdf
    coords = shapely.get_coordinates(gdf.geometry.values)
    if len(coords) == 0 or not (coords[:, 0].min() < -150 and coords[:, 0].max() > 150):
        return gdf

    def shift(xy: np.ndarray) -> np.ndarray:
        xy = xy.copy()
        xy[xy[:, 0] < 0, 0] += 360.0
        return xy

    out = gdf.copy()
    geoms = shapely.transform(out.geometry.values, shift)
    out["geometry"] = [_as_multipolygon(_make_valid(g)) for g in geoms]
    return out


def conic_crs(country: str | None = None, bounds: Iterable[float] | None = None) -> str:
    """An equal-area conic CRS: :data:`CONIC_CRS` of ``country``, else one fitted to lon/lat ``bounds``.

    The fitted Albers projection has its standard parallels at 1/6 and 5/6 of the latitude range and
    its central meridian in the middle of the longitude range.
    """
    if country and country.upper() in CONIC_CRS:
        return CONIC_CRS[country.upper()]
    if bounds is None:
        raise ValueError("either a country with a known projection or lon/lat bounds is needed")
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    span = maxy - miny
    lat_1, lat_2 = miny + span / 6, maxy - span / 6
    if abs(lat_2 - lat_1) < 1e-6:
        lat_2 = lat_1 + 1.0
    lon_0 = (minx + maxx) / 2
    if lon_0 > 180:
        lon_0 -= 360
    return (
        f"+proj=aea +lat_1={lat_1:.2f} +lat_2={lat_2:.2f} +lat_0=0 +lon_0={lon_0:.2f} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def project(gdf: gpd.GeoDataFrame, crs=None, country: str | None = None) -> gpd.GeoDataFrame:
    """Unwrap the antimeridian and project to ``crs`` (default: :func:`conic_crs` of the layer)."""
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    if gdf.crs.is_geographic:
        gdf = unwrap_antimeridian(gdf.to_crs("EPSG:4326"))
    if crs is None:
        if not gdf.crs.is_geographic:
            return gdf
        crs = conic_crs(country, gdf.total_bounds)
    out = gdf.to_crs(crs)
    bad = ~out.geometry.is_valid
    if bad.any():
        out.loc[bad, "geometry"] = [_as_multipolygon(_make_valid(g)) for g in out.geometry[bad]]
    return out


# --------------------------------------------------------------------------------------------------
# Cached DCW layer


def _cache_key(path: Path, country: str, tolerance: float, crs: str) -> str:
    stat = path.stat()
    payload = {
        "file": str(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "country": country,
        "tolerance": float(tolerance),
        "crs": crs,
        "version": _CACHE_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _read_cache(path: Path, key: str) -> gpd.GeoDataFrame | None:
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    try:
        meta = pq.read_schema(path).metadata or {}
        if meta.get(_CACHE_META, b"").decode() != key:
            return None
        return gpd.read_parquet(path)
    except Exception:  # a broken cache is rebuilt, never fatal
        return None


def _write_cache(gdf: gpd.GeoDataFrame, path: Path, key: str) -> None:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    gdf.to_parquet(buffer, index=False)
    buffer.seek(0)
    table = pq.read_table(buffer)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _CACHE_META: key.encode()}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def load_dcw(
    dcw_path: str | os.PathLike[str] | None = None,
    country: str = "RU",
    *,
    simplify_tolerance: float = SIMPLIFY_TOLERANCE,
    crs: str | None = None,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """DCW-GMT regions of ``country``, projected and simplified, through the GeoParquet cache.

    The cache (``<cache_dir or data/processed>/boundaries_dcw.parquet``) is keyed by the DCW file's
    path, size and modification time, the country, the CRS and the tolerance, and is rewritten
    atomically when any of them changes.
    """
    path = find_dcw(dcw_path)
    if path is None:
        raise FileNotFoundError(_dcw_missing_message(dcw_path))
    country = country.upper()
    crs_text = crs or CONIC_CRS.get(country, "fitted")
    key = _cache_key(path, country, simplify_tolerance, str(crs_text))
    cache_path = None
    if cache:
        if cache_dir is None:
            from exportlab import paths

            cache_dir = paths.processed_dir()
        cache_path = Path(cache_dir) / CACHE_FILE
        cached = _read_cache(cache_path, key)
        if cached is not None:
            cached.attrs.update(kind="polygons", source="dcw", path=str(path))
            cached.attrs["version"] = dcw_version(path)
            return cached
    gdf = project(read_dcw(path, country), crs=crs, country=country)
    if simplify_tolerance:
        gdf["geometry"] = simplify(gdf.geometry, simplify_tolerance)
    gdf = gdf.reset_index(drop=True)
    if cache_path is not None:
        _write_cache(gdf, cache_path, key)
    gdf.attrs.update(kind="polygons", source="dcw", path=str(path), version=dcw_version(path))
    return gdf


def dcw_version(dcw_path: str | os.PathLike[str] | None = None) -> str | None:
    """The ``version`` attribute of a DCW-GMT file (``"2.1.1"``), or ``None`` when it has none."""
    path = find_dcw(dcw_path)
    if path is None:
        raise FileNotFoundError(_dcw_missing_message(dcw_path))
    return _dcw_attrs(path).get("version")


def simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Simplify each geometry (topology preserved), keep polygonal parts, drop parts that vanish."""
    simple = geoms.simplify(tolerance, preserve_topology=True)
    out = []
    for geom in simple:
        if not geom.is_valid:
            geom = _make_valid(geom)
        out.append(_as_multipolygon(geom))
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


# --------------------------------------------------------------------------------------------------
# The simplified copy shipped with the package


def shipped_boundaries() -> Path | None:
    """The shipped simplified DCW-GMT layer of Russia (:data:`SHIPPED_BOUNDARIES`), or ``None``."""
    path = Path(SHIPPED_BOUNDARIES)
    return path if path.is_file() else None


def shipped_metadata(path: str | os.PathLike[str] | None = None) -> dict:
    """What the shipped layer records about itself: DCW-GMT version and SHA-256, method, CRS.

    >>> meta = shipped_metadata()
    >>> meta["source"], meta["country"]
    ('DCW-GMT', 'RU')
    """
    import pyarrow.parquet as pq

    path = Path(path) if path is not None else shipped_boundaries()
    if path is None:
        raise FileNotFoundError(f"the shipped boundary file {SHIPPED_BOUNDARIES} is missing")
    meta = pq.read_schema(path).metadata or {}
    if _SHIPPED_META not in meta:
        raise ValueError(f"{path} is not a boundary file written by build_shipped()")
    return json.loads(meta[_SHIPPED_META].decode())


def load_shipped(crs=None) -> gpd.GeoDataFrame:
    """The shipped simplified DCW-GMT regions of Russia, in :data:`CONIC_CRS` (or ``crs``).

    Columns ``iso``, ``name`` (DCW-GMT's), ``geometry``; 83 regions (DCW-GMT has none for Crimea,
    Sevastopol and the regions added in 2022, see :func:`missing_regions`). Shared borders are
    identical on both sides. ``attrs``: ``kind="polygons"``, ``source="shipped"``, ``path``,
    ``version`` (of DCW-GMT) and ``tolerance`` (metres).

    >>> layer = load_shipped()
    >>> layer.attrs["source"], bool(layer.geometry.is_valid.all())
    ('shipped', True)
    """
    path = shipped_boundaries()
    if path is None:
        raise FileNotFoundError(f"the shipped boundary file {SHIPPED_BOUNDARIES} is missing")
    meta = shipped_metadata(path)
    gdf = gpd.read_parquet(path)
    if crs is not None:
        gdf = project(gdf, crs=crs)
    gdf = gdf.reset_index(drop=True)
    gdf.attrs.update(
        kind="polygons",
        source="shipped",
        path=str(path),
        version=meta.get("dcw_version"),
        tolerance=meta.get("method", {}).get("tolerance"),
    )
    return gdf


def simplify_coverage(
    gdf: gpd.GeoDataFrame,
    *,
    tolerance: float = SHIPPED_METHOD["tolerance"],
    snap: float = SHIPPED_METHOD["snap"],
    gap: float = SHIPPED_METHOD["gap"],
    grid: float = SHIPPED_METHOD["grid"],
) -> gpd.GeoSeries:
    """Simplify a projected layer of neighbouring regions so that shared borders stay shared.

    Makes the layer an exact coverage first (``shapely.coverage_clean``: vertices closer than
    ``snap`` merged, overlaps given to the neighbour with the longest common border, gaps narrower
    than ``gap`` closed), simplifies every border once for both of its sides
    (``shapely.coverage_simplify``, ``tolerance`` in layer units) and rounds coordinates to
    ``grid``. Needs shapely ≥ 2.2 (GEOS ≥ 3.14). Raises ``ValueError`` when a region vanishes.

    >>> squares = gpd.GeoDataFrame(geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)])
    >>> out = simplify_coverage(squares, tolerance=10, snap=1, gap=1)
    >>> [round(a) for a in out.area]
    [1000000, 1000000]
    """
    if not hasattr(shapely, "coverage_clean"):
        raise RuntimeError(
            f"simplify_coverage needs shapely >= 2.2 (GEOS >= 3.14); this is shapely "
            f"{shapely.__version__} with GEOS {shapely.geos_version_string}"
        )
    geoms = np.array([_as_multipolygon(g) for g in gdf.geometry], dtype=object)
    clean = shapely.coverage_clean(geoms, gap_width=gap, snapping_distance=snap)
    simple = shapely.coverage_simplify(clean, tolerance)
    if grid:
        simple = shapely.transform(simple, lambda xy: np.round(xy / grid) * grid)
    out = []
    for geom in simple:
        if not geom.is_valid:  # rounding can make a ring touch itself
            geom = _make_valid(geom)
        out.append(_as_multipolygon(geom))
    result = gpd.GeoSeries(out, index=gdf.index, crs=gdf.crs)
    vanished = result.is_empty | (result.area <= 0)
    if vanished.any():
        names = gdf["iso"][vanished].tolist() if "iso" in gdf else list(result.index[vanished])
        raise ValueError(f"regions vanish at tolerance {tolerance}: {names}")
    return result


def build_shipped(
    dcw_path: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    method: dict[str, float] | None = None,
) -> Path:
    """Write the shipped layer (:data:`SHIPPED_FILE`) from the full DCW-GMT file; return its path.

    Decodes Russia's regions (:func:`read_dcw`), projects them to :data:`CONIC_CRS` and simplifies
    them as a coverage (:func:`simplify_coverage` with :data:`SHIPPED_METHOD`, or ``method``). The
    GeoParquet file (zstd) records the DCW-GMT version, the SHA-256 of the file it was made from and
    the method; it is written atomically, and the same DCW-GMT file gives the same geometries.
    ``out`` is a folder or a file path (default: the package's ``data/`` folder).
    """
    import pyarrow.parquet as pq

    source = find_dcw(dcw_path)
    if source is None:
        raise FileNotFoundError(_dcw_missing_message(dcw_path))
    method = {**SHIPPED_METHOD, **(method or {})}
    layer = project(read_dcw(source, SHIPPED_COUNTRY), country=SHIPPED_COUNTRY)
    layer["geometry"] = simplify_coverage(layer, **method)
    target = Path(out) if out is not None else SHIPPED_BOUNDARIES.parent
    if target.is_dir() or target.suffix != ".parquet":
        target = target / SHIPPED_FILE
    attrs = _dcw_attrs(source)
    meta = {
        "source": "DCW-GMT",
        "country": SHIPPED_COUNTRY,
        "dcw_version": attrs.get("version"),
        "dcw_processed": attrs.get("source"),
        "dcw_sha256": _file_sha256(source),
        "licence": "LGPL-3.0-or-later",
        "crs": CONIC_CRS[SHIPPED_COUNTRY],
        "method": method,
        "regions": len(layer),
    }
    buffer = io.BytesIO()
    layer[["iso", "name", "geometry"]].to_parquet(buffer, index=False)
    buffer.seek(0)
    table = pq.read_table(buffer)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _SHIPPED_META: json.dumps(meta, sort_keys=True).encode()}
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd", compression_level=19)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def _dcw_attrs(path: Path) -> dict[str, str]:
    """The global attributes of a DCW-GMT file (``title``, ``source``, ``version``…) as text."""
    import netCDF4

    with netCDF4.Dataset(path) as ds:
        return {k: str(ds.getncattr(k)) for k in ds.ncattrs()}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------
# Tile grid


def load_tile_grid(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The tile-grid layout: ``iso, row, col`` (row 0 at the top), from ``path`` or the package data.

    Optional ``label_<lang>`` columns (``label_en``, ``label_ru``) hold the short labels written in
    the tiles.
    """
    if path is None:
        with (
            resources.files("exportlab")
            .joinpath("data", "tile_grid.csv")
            .open(encoding="utf-8") as f
        ):
            grid = pd.read_csv(f, comment="#", dtype={"iso": str})
    else:
        grid = pd.read_csv(path, comment="#", dtype={"iso": str})
    missing = {"iso", "row", "col"} - set(grid.columns)
    if missing:
        raise ValueError(f"tile grid lacks columns {sorted(missing)}")
    labels = [c for c in grid.columns if str(c).startswith("label_")]
    grid = grid[["iso", "row", "col", *labels]].astype({"row": int, "col": int})
    if grid["iso"].duplicated().any():
        raise ValueError(
            f"tile grid repeats regions: {sorted(grid.loc[grid.iso.duplicated(), 'iso'])}"
        )
    if grid.duplicated(["row", "col"]).any():
        raise ValueError("tile grid puts two regions in one cell")
    return grid.reset_index(drop=True)


def tiles(
    grid: pd.DataFrame | str | os.PathLike[str] | None = None, *, gap: float = 0.06
) -> gpd.GeoDataFrame:
    """The tile grid as a GeoDataFrame of unit squares (x = column, y = -row), no CRS.

    Columns ``iso, row, col``, the grid's label columns and ``geometry``; ``gap`` is the white margin between neighbouring squares.
    """
    if grid is None or isinstance(grid, str | os.PathLike):
        grid = load_tile_grid(grid)
    half = gap / 2
    geoms = [
        box(c + half, -r - 1 + half, c + 1 - half, -r - half)
        for r, c in zip(grid.row, grid.col, strict=True)
    ]
    gdf = gpd.GeoDataFrame(grid.copy(), geometry=geoms, crs=None)
    gdf.attrs.update(kind="tiles", source="tiles")
    return gdf


def layout_kind(gdf: gpd.GeoDataFrame) -> str:
    """``"tiles"`` for a tile grid (it has ``row`` and ``col`` columns), ``"polygons"`` otherwise."""
    if gdf.attrs.get("kind") in ("tiles", "polygons"):
        return gdf.attrs["kind"]
    return "tiles" if {"row", "col"} <= set(gdf.columns) else "polygons"


# --------------------------------------------------------------------------------------------------
# User files


def read_boundaries(
    path: str | os.PathLike[str],
    *,
    key: str | None = None,
    crs=None,
    country: str | None = None,
    reference: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """A user boundary file (GeoJSON, GPKG, Shapefile, GeoParquet) as a layer with an ``iso`` column.

    ``key`` names the column holding ISO 3166-2 codes or region names; by default the first of
    :data:`ISO_COLUMNS` whose values look like ISO codes is used, else the first of
    :data:`NAME_COLUMNS`, whose names are matched to the region reference (``reference``, default
    ``exportlab.regions.load_regions()``). Rows whose key matches no region are dropped with a
    warning; several rows of one region are merged. The layer is projected like DCW-GMT
    (:func:`project`; ``crs`` overrides the projection).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"boundary file not found: {path}")
    raw = gpd.read_parquet(path) if path.suffix.lower() == ".parquet" else gpd.read_file(path)
    raw = raw[raw.geometry.notna() & ~raw.geometry.is_empty].copy()
    column, is_iso = _key_column(raw, key)
    if is_iso:
        codes = raw[column].astype(str).str.strip().str.upper()
    else:
        codes = _match_names(raw[column].astype(str), reference)
    unknown = raw.loc[codes.isna(), column].astype(str).tolist()
    if unknown:
        warnings.warn(
            f"{path.name}: {len(unknown)} feature(s) match no region and are left out: "
            + ", ".join(unknown[:10]),
            UserWarning,
            stacklevel=2,
        )
    raw["iso"] = codes
    raw = raw[raw["iso"].notna()]
    raw["geometry"] = [_as_multipolygon(_make_valid(g)) for g in raw.geometry]
    keep = [c for c in raw.columns if c not in ("iso", "geometry")]
    first = raw.groupby("iso", sort=True)[keep].first() if keep else None
    merged = raw.dissolve(by="iso", sort=True)[["geometry"]]
    if first is not None:
        merged = merged.join(first)
    gdf = gpd.GeoDataFrame(merged.reset_index(), geometry="geometry", crs=raw.crs)
    if country is None and len(gdf):
        country = str(gdf["iso"].iloc[0]).split("-")[0]
    gdf = project(gdf, crs=crs, country=country)
    gdf["geometry"] = [_as_multipolygon(g) for g in gdf.geometry]
    gdf = gdf.reset_index(drop=True)
    gdf.attrs.update(kind="polygons", source="file", path=str(path))
    return gdf


def _key_column(raw: pd.DataFrame, key: str | None) -> tuple[str, bool]:
    if key is not None:
        if key not in raw.columns:
            raise KeyError(f"column {key!r} not in the boundary file; columns: {list(raw.columns)}")
        values = raw[key].dropna().astype(str).str.strip().str.upper()
        return key, bool(len(values)) and values.str.match(_ISO_RE).mean() > 0.8
    lower = {str(c).lower(): c for c in raw.columns}
    for name in ISO_COLUMNS:
        if name in lower:
            values = raw[lower[name]].dropna().astype(str).str.strip().str.upper()
            if len(values) and values.str.match(_ISO_RE).mean() > 0.8:
                return lower[name], True
    for name in NAME_COLUMNS:
        if name in lower:
            return lower[name], False
    raise KeyError(
        "no ISO code or region name column found; pass key=; columns: "
        + ", ".join(map(str, raw.columns))
    )


def _match_names(names: pd.Series, reference: pd.DataFrame | None) -> pd.Series:
    """ISO codes for region names, through :func:`exportlab.regions.match_region` (None if unknown)."""
    from exportlab import regions

    out = []
    for name in names:
        try:
            out.append(regions.match_region(name, reference))
        except ValueError:
            out.append(None)
    return pd.Series(out, index=names.index, dtype=object)


# --------------------------------------------------------------------------------------------------
# Entry point


def load_regions(
    source: str | os.PathLike[str] = "auto",
    *,
    dcw_path: str | os.PathLike[str] | None = None,
    country: str = "RU",
    simplify_tolerance: float = SIMPLIFY_TOLERANCE,
    crs: str | None = None,
    cache: bool = True,
    key: str | None = None,
) -> gpd.GeoDataFrame:
    """Region boundaries with an ``iso`` column, from the source asked for.

    ``source``: ``"auto"`` (the full DCW-GMT file when found, else for Russia the simplified copy
    shipped with the package, else the tile grid with a :class:`BoundariesFallbackWarning`),
    ``"dcw"`` (the full file; raise ``FileNotFoundError`` when absent), ``"shipped"`` (the shipped
    copy, :func:`load_shipped`), ``"tiles"`` (the package's tile grid), or the path of a user
    boundary file (see :func:`read_boundaries`; ``key`` names its ISO-code or name column).
    ``dcw_path`` (or ``$EXPORTLAB_DCW``) locates DCW-GMT; ``country`` picks its regions; ``crs``
    overrides the conic projection; ``cache`` keeps the simplified DCW layer in ``data/processed/``.

    The result's ``attrs["kind"]`` is ``"polygons"`` or ``"tiles"`` (see :func:`layout_kind`) and
    ``attrs["source"]`` one of ``"dcw"``, ``"shipped"``, ``"tiles"``, ``"file"``.
    """
    if isinstance(source, str) and source in ("auto", "dcw", "shipped", "tiles"):
        if source == "tiles":
            return tiles()
        if source == "shipped":
            return load_shipped(crs=crs)
        path = find_dcw(dcw_path)
        if path is None:
            if source == "dcw":
                raise FileNotFoundError(_dcw_missing_message(dcw_path))
            if country.upper() == SHIPPED_COUNTRY and shipped_boundaries() is not None:
                return load_shipped(crs=crs)
            warnings.warn(
                _dcw_missing_message(dcw_path) + " Using the tile-grid cartogram instead.",
                BoundariesFallbackWarning,
                stacklevel=2,
            )
            return tiles()
        return load_dcw(path, country, simplify_tolerance=simplify_tolerance, crs=crs, cache=cache)
    return read_boundaries(source, key=key, crs=crs, country=country)


def boundary_label(gdf: gpd.GeoDataFrame, lang: str = "en", *, licence: bool = False) -> str:
    """Which boundaries a layer holds, for a report: DCW-GMT full or shipped, a file, the tile grid.

    ``licence`` adds "(LGPL)" after DCW-GMT.

    >>> boundary_label(tiles(), "en")
    'tile grid (exportlab)'
    >>> boundary_label(load_shipped(), "en")
    'DCW-GMT 2.1.1, simplified copy shipped with exportlab (1 km tolerance)'
    """
    from exportlab.labels import t

    source = gdf.attrs.get("source")
    dcw = "DCW-GMT" + (f" {gdf.attrs['version']}" if gdf.attrs.get("version") else "")
    dcw += " (LGPL)" if licence else ""
    if source == "dcw":
        return t(
            f"{dcw}, the full file installed on this machine",
            f"{dcw}, полный файл, установленный на этом компьютере",
            lang,
        )
    if source == "shipped":
        km = f"{float(gdf.attrs.get('tolerance') or 0) / 1000:g}"
        return t(
            f"{dcw}, simplified copy shipped with exportlab ({km} km tolerance)",
            f"{dcw}, упрощённая копия из поставки exportlab (допуск {km} км)",
            lang,
        )
    if layout_kind(gdf) == "tiles":
        return t("tile grid (exportlab)", "сетка плиток (exportlab)", lang)
    name = Path(str(gdf.attrs.get("path", ""))).name
    return t(f"boundary file {name}", f"файл границ {name}", lang)


def boundary_credit(gdf: gpd.GeoDataFrame, lang: str = "en") -> str:
    """The line naming a polygon layer's boundaries under a figure (empty for the tile grid).

    >>> boundary_credit(load_shipped(), "ru")
    'Границы: DCW-GMT 2.1.1 (LGPL), упрощённая копия из поставки exportlab (допуск 1 км)'
    """
    from exportlab.labels import t

    if layout_kind(gdf) == "tiles":
        return ""
    head = t("Boundaries: ", "Границы: ", lang)
    if gdf.attrs.get("source") in ("dcw", "shipped"):
        return head + boundary_label(gdf, lang, licence=True)
    return head + (
        Path(str(gdf.attrs.get("path", ""))).name or t("user file", "файл пользователя", lang)
    )


def _reference_codes(reference) -> list[str]:
    if reference is None:
        from exportlab import regions

        reference = regions.load_regions()
    if isinstance(reference, pd.DataFrame):
        return [str(c) for c in reference["iso"]]
    return [str(c) for c in reference]


def missing_regions(gdf: gpd.GeoDataFrame, reference=None) -> list[str]:
    """ISO codes of the reference's regions that ``gdf`` has no (non-empty) geometry for, in order.

    ``reference`` is a DataFrame with an ``iso`` column or an iterable of codes (default:
    ``exportlab.regions.load_regions()``).
    """
    present = set(gdf.loc[gdf.geometry.notna() & ~gdf.geometry.is_empty, "iso"].astype(str))
    return [iso for iso in _reference_codes(reference) if iso not in present]


def neighbours(gdf: gpd.GeoDataFrame, tolerance: float = 2000.0) -> list[tuple[str, str]]:
    """Pairs of regions whose polygons touch or lie within ``tolerance`` (layer units) of each other."""
    geoms = gdf.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance)
    codes = gdf["iso"].to_numpy()
    pairs = {
        tuple(sorted((codes[i], codes[j]))) for i, j in zip(left, right, strict=True) if i != j
    }
    return sorted(pairs)


# --------------------------------------------------------------------------------------------------
# Command line: python -m exportlab.geo --build


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the shipped simplified boundary file from the full DCW-GMT file."""
    parser = argparse.ArgumentParser(prog="python -m exportlab.geo", description=main.__doc__)
    parser.add_argument("--build", action="store_true", required=True, help="write the file")
    parser.add_argument("--dcw", metavar="PATH", help="dcw-gmt.nc or its folder (default: search)")
    parser.add_argument(
        "--out", metavar="PATH", help="output file or folder (default: package data)"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=SHIPPED_METHOD["tolerance"],
        help="simplification tolerance, metres (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    path = build_shipped(args.dcw, args.out, method={"tolerance": args.tolerance})
    layer = gpd.read_parquet(path)
    print(
        f"{path}: {len(layer)} regions, {int(shapely.get_num_coordinates(layer.geometry.values).sum())}"
        f" vertices, {path.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
