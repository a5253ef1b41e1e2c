"""The product space of a data set and a region's place in it (Hidalgo, Klinger, Barabási & Hausmann 2007).

The product space is the network of products linked by their proximity ``phi_pq`` (the minimum of the
two conditional probabilities of co-specialisation, :func:`exportlab.complexity.proximity`). As in
Hidalgo et al. (2007) and the Atlas of Economic Complexity, the drawn network is the **maximum spanning
tree** of the proximity graph (every product is reached through its strongest chain of links) plus the
**strongest remaining links**: all links with ``phi >= min_proximity`` or, by default, the strongest ones
until the mean degree is ``mean_degree`` (Hidalgo et al.: 775 products, 1,525 links, mean degree ≈ 4).

* :func:`dataset_proximity` — the proximity of products from all years of a trade table pooled;
* :func:`network` — the MST plus strongest links as a ``networkx`` graph;
* :func:`layout` — a deterministic force-directed layout (Fruchterman–Reingold with a fixed seed);
* :func:`cached_space` — nodes and edges with positions, computed once per data set and cached in
  ``data/processed/`` (the cache key is a hash of the proximity matrix and the parameters);
* :func:`region_overlay` — one region's products on the space: RCA ≥ 1, size (trade value), density and
  the region's high-density opportunities.

This module computes; :mod:`exportlab.plot.productspace` draws.

Example
-------
>>> import numpy as np, pandas as pd
>>> phi = pd.DataFrame([[1, .8, .1], [.8, 1, .5], [.1, .5, 1]], index=list("abc"), columns=list("abc"))
>>> sorted(network(phi, mean_degree=0).edges(data="weight"))
[('a', 'b', 0.8), ('b', 'c', 0.5)]
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from exportlab import complexity as cx
from exportlab.hs_sections import section_of

__all__ = [
    "cached_space",
    "dataset_proximity",
    "layout",
    "network",
    "region_overlay",
    "space_key",
]

#: Version of the layout algorithm, part of the cache key (bump when :func:`layout` changes).
LAYOUT_VERSION = 1


def dataset_proximity(
    trade: pd.DataFrame, level: str = "hs4", threshold: float = 1.0
) -> pd.DataFrame:
    """Product proximity from the export of all regions and all years of ``trade`` pooled.

    ``Mcp = 1`` where the RCA of the pooled region × product matrix is at least ``threshold``; then
    ``phi = complexity.proximity(Mcp)``. Pooling the years gives one space per data set, so that the
    figures of different years and regions share a layout. Dimensionless, in [0, 1].
    """
    matrix = cx.export_matrix(trade, None, level=level, as_frame=True)[0]
    mcp = (cx.rca(matrix) >= threshold).astype(float)
    return cx.proximity(mcp)


def network(
    proximity: pd.DataFrame,
    *,
    mean_degree: float = 4.0,
    min_proximity: float | None = None,
) -> nx.Graph:
    """The maximum spanning tree of the proximity graph plus its strongest other links.

    Products without any link (zero proximity to every other product) are left out. Extra links:
    every link with ``phi >= min_proximity`` when it is given, else the strongest links (ties by
    product codes) until the mean degree ``2 E / N`` reaches ``mean_degree`` (0: the tree alone).
    Edge attribute ``weight`` = proximity, ``tree`` = True for the links of the spanning tree.

    Example
    -------
    >>> phi = pd.DataFrame(np.array([[1, .9, .2, .3], [.9, 1, .4, .1], [.2, .4, 1, .6],
    ...                    [.3, .1, .6, 1]]), index=list("abcd"), columns=list("abcd"))
    >>> g = network(phi, mean_degree=2)
    >>> sorted((u, v) for u, v, tree in g.edges(data="tree") if not tree)
    [('a', 'd')]
    """
    phi = proximity.to_numpy(dtype=float)
    codes = np.asarray(proximity.index.astype(str))
    if phi.shape != (len(codes), len(codes)) or list(proximity.columns.astype(str)) != list(codes):
        raise ValueError("proximity must be a square DataFrame with the same codes on both axes")
    iu, ju = np.triu_indices(len(codes), k=1)
    w = phi[iu, ju]
    keep = np.isfinite(w) & (w > 0)
    iu, ju, w = iu[keep], ju[keep], w[keep]
    # strongest first, ties by codes: the order of insertion fixes Kruskal's choice among equal weights
    order = np.lexsort((codes[ju], codes[iu], -w))
    edges = [
        (codes[i], codes[j], float(x))
        for i, j, x in zip(iu[order], ju[order], w[order], strict=True)
    ]
    full = nx.Graph()
    full.add_weighted_edges_from(edges)
    tree = nx.maximum_spanning_tree(full, algorithm="kruskal")
    g = nx.Graph()
    g.add_nodes_from(sorted(full.nodes))
    for u, v, x in edges:
        if tree.has_edge(u, v):
            g.add_edge(u, v, weight=x, tree=True)
    n = g.number_of_nodes()
    for u, v, x in edges:
        if g.has_edge(u, v):
            continue
        if min_proximity is not None:
            if x < min_proximity:
                break
        elif n == 0 or 2 * g.number_of_edges() / n >= mean_degree:
            break
        g.add_edge(u, v, weight=x, tree=False)
    return g


def layout(graph: nx.Graph, *, seed: int = 2007, iterations: int = 200) -> pd.DataFrame:
    """Deterministic positions of the nodes: Fruchterman–Reingold (``networkx.spring_layout``) with a
    fixed ``seed``, links pulling by proximity, rescaled to [0, 1] on both axes.

    Returns a DataFrame indexed by product with ``x, y``. The same graph and seed give the same
    positions.

    Example
    -------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> pos = layout(g)
    >>> bool(pos.equals(layout(g))), float(pos["x"].min()), float(pos["x"].max())
    (True, 0.0, 1.0)
    """
    nodes = sorted(graph.nodes)
    if not nodes:
        return pd.DataFrame({"x": [], "y": []}, index=pd.Index([], name="product"))
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])))
    k = 1.0 / np.sqrt(len(nodes))
    pos = nx.spring_layout(ordered, k=k, seed=seed, iterations=iterations, weight="weight")
    xy = np.array([pos[n] for n in nodes], dtype=float)
    span = np.ptp(xy, axis=0)
    xy = (xy - xy.min(axis=0)) / np.where(span > 0, span, 1.0)
    return pd.DataFrame(xy, index=pd.Index(nodes, name="product"), columns=["x", "y"])


def space_key(proximity: pd.DataFrame, **params: Any) -> str:
    """Cache key of a product space: SHA-256 of the proximity matrix (rounded to 12 decimals), its
    product codes, the parameters and :data:`LAYOUT_VERSION`."""
    h = hashlib.sha256()
    h.update(repr(sorted(params.items())).encode())
    h.update(f"v{LAYOUT_VERSION}".encode())
    h.update("\x1f".join(proximity.index.astype(str)).encode())
    h.update(np.ascontiguousarray(np.round(proximity.to_numpy(dtype=float), 12)).tobytes())
    return h.hexdigest()


def cached_space(
    proximity: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    mean_degree: float = 4.0,
    min_proximity: float | None = None,
    seed: int = 2007,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of the product space with layout positions, cached in ``path`` (Parquet).

    When ``path`` exists and holds the space of the same proximity matrix and parameters (the
    :func:`space_key`), it is read back; otherwise the space is computed (:func:`network`,
    :func:`layout`) and written atomically. ``path=None``: no cache.

    Returns ``(nodes, edges)``: ``nodes`` indexed by product with ``x, y, section, degree``;
    ``edges`` with ``source, target, proximity, tree``.
    """
    from exportlab.files import write_parquet

    params = {"mean_degree": float(mean_degree), "min_proximity": min_proximity, "seed": int(seed)}
    key = space_key(proximity, **params)
    if path is not None and Path(path).exists():
        cached = pd.read_parquet(path)
        if "key" in cached.columns and len(cached) and (cached["key"] == key).all():
            return _split(cached)
    g = network(proximity, mean_degree=mean_degree, min_proximity=min_proximity)
    pos = layout(g, seed=seed)
    nodes = pos.assign(
        section=section_of(pos.index).to_numpy(),
        degree=[g.degree(n) for n in pos.index],
    )
    edges = pd.DataFrame(
        sorted((u, v, d["weight"], d["tree"]) for u, v, d in g.edges(data=True)),
        columns=["source", "target", "proximity", "tree"],
    )
    if path is not None:
        write_parquet(_join(nodes, edges, key), path)
    return nodes, edges


def _join(nodes: pd.DataFrame, edges: pd.DataFrame, key: str) -> pd.DataFrame:
    n = nodes.reset_index().rename(columns={"product": "source"})
    n.insert(0, "kind", "node")
    e = edges.assign(kind="edge")
    out = pd.concat([n, e], ignore_index=True)
    out["key"] = key
    return out.astype({"source": str})


def _split(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = table[table["kind"] == "node"]
    nodes = pd.DataFrame(
        {
            "x": n["x"].to_numpy(float),
            "y": n["y"].to_numpy(float),
            "section": n["section"].astype(str).to_numpy(),
            "degree": n["degree"].astype(int).to_numpy(),
        },
        index=pd.Index(n["source"].astype(str), name="product"),
    )
    e = table[table["kind"] == "edge"]
    edges = pd.DataFrame(
        {
            "source": e["source"].astype(str).to_numpy(),
            "target": e["target"].astype(str).to_numpy(),
            "proximity": e["proximity"].to_numpy(float),
            "tree": e["tree"].astype(bool).to_numpy(),
        }
    )
    return nodes, edges


def region_overlay(
    result: cx.ComplexityResult,
    region: str,
    size: pd.Series,
    *,
    n_opportunities: int = 20,
) -> pd.DataFrame:
    """One region's products on the product space.

    For every product of ``result``: ``rca`` of the region, ``specialised`` (RCA ≥ the result's
    threshold), ``density`` (relatedness density), ``size`` (e.g. the product's export from all
    regions or the world in US dollars; 0 where missing) and ``opportunity`` — the
    ``n_opportunities`` products the region is not specialised in with the highest density
    (``complexity.opportunities`` with all weight on density; ties by PCI, then code).

    Example
    -------
    >>> x = pd.DataFrame([[10, 8, 1, 1], [4, 12, 14, 10], [16, 0, 20, 4]],
    ...                  index=["A", "B", "C"], columns=["p1", "p2", "p3", "p4"])
    >>> res = cx.complexity(x)
    >>> ov = region_overlay(res, "A", x.sum(), n_opportunities=1)
    >>> ov.loc[ov["opportunity"]].index.tolist(), ov["specialised"].tolist()
    (['p3'], [True, True, False, False])
    """
    if result.density is None:
        raise ValueError("result has no density: call complexity(..., relatedness=True)")
    if region not in result.rca.index:
        raise KeyError(f"region {region!r} is not in the matrix")
    out = pd.DataFrame(
        {
            "rca": result.rca.loc[region],
            "density": result.density.loc[region],
            "pci": result.pci,
        }
    )
    out.index = out.index.astype(str)
    out.index.name = "product"
    out["specialised"] = result.mcp.loc[region].to_numpy() > 0
    sizes = size.copy()
    sizes.index = sizes.index.astype(str)
    out["size"] = sizes.reindex(out.index).fillna(0.0).astype(float)
    best = cx.opportunities(result, region, top=n_opportunities, weight=1.0)
    out["opportunity"] = out.index.isin(best["product"].astype(str))
    return out
