"""Top-k per row of a sparse score matrix, vectorised (one lexsort instead of a loop per row)."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def top_per_row(
    scores: sparse.csr_matrix, limit: int, column_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values) of the `limit` best entries of each row, best first.

    Ties go to the smaller column id, so a rebuild on the same data gives the same lists.
    """
    scores = scores.tocsr()
    rows = np.repeat(np.arange(scores.shape[0], dtype=np.int64), np.diff(scores.indptr))
    cols = scores.indices.astype(np.int64)
    values = scores.data
    order = np.lexsort((column_ids[cols], -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows, side="left")
    best = rank < limit
    return rows[best], cols[best], values[best]
