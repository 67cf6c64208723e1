"""Top-k per row of a sparse score matrix, vectorised (one sort instead of a loop per row)."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def top_per_row(
    scores: sparse.csr_matrix, limit: int, column_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values) of the `limit` best entries of each row, best first.

    `column_ids` must increase with the column index (they are sorted unique ids everywhere
    here), so ties go to the smaller id and a rebuild on the same data gives the same lists.
    """
    assert column_ids.size < 2 or bool(np.all(column_ids[1:] > column_ids[:-1]))
    scores = scores.tocsr()
    scores.sum_duplicates()  # canonical: columns ascending within each row
    rows = np.repeat(np.arange(scores.shape[0], dtype=np.int64), np.diff(scores.indptr))
    values = scores.data
    if values.size == 0:
        return rows, scores.indices.astype(np.int64), values
    # One float key per entry: the row, then the score descending within it (scaled into [0, 0.5]).
    # A stable sort keeps equal scores in column order. Scores closer than ~1e-10 of the largest
    # count as equal, far below any difference that matters for a ranking.
    scale = 0.5 / max(float(values.max()), 1e-300)
    order = np.argsort(rows + (0.5 - values * scale), kind="stable")
    rows = rows[order]
    rank = np.arange(rows.size) - scores.indptr[rows]  # sorted rows keep the CSR row blocks
    best = rank < limit
    pick = order[best]
    return rows[best], scores.indices[pick].astype(np.int64), values[pick]
