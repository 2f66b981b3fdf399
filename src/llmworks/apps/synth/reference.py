"""How close synthetic rows are to real ones: SDMetrics' two Quality Report scores, computed as SDMetrics defines them.

SDMetrics itself would downgrade pandas (3.x → 2.3, measured with pip --dry-run), so the same formulas are written here
on pandas and scipy:
- column shape: KSComplement (1 − Kolmogorov–Smirnov statistic) for numeric and date columns, TVComplement
  (1 − total variation distance of the category frequencies) for categorical ones; the mean over columns.
- column-pair trend: CorrelationSimilarity (1 − |Pearson_real − Pearson_synth| / 2) for two numeric columns,
  ContingencySimilarity (1 − total variation distance of the joint frequencies, numbers cut into 10 bins on the
  real data's range) otherwise; the mean over pairs.
Columns are matched by name; free-text columns (more than 50 distinct real values and not numbers) are left out,
as SDMetrics leaves out columns it cannot type.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from ...errors import DataError

CATEGORY_LIMIT = 50
PAIR_BINS = 10


def read_table(path: str | Path):
    """Real rows from .csv, .jsonl/.json or .parquet, as a DataFrame."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True)
        if suffix == ".json":
            return pd.read_json(path)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except FileNotFoundError:
        raise
    except (ValueError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read this table ({e}).", "Give a CSV, JSON lines or Parquet file.", path=path) from e
    raise DataError("unknown table format.", "Give a .csv, .jsonl, .json or .parquet file.", path=path)


def compare(real, synthetic) -> dict[str, Any]:
    """{'column_shapes', 'pair_trends', 'columns': {name: score}, 'pairs': {...}, 'skipped': [...], 'method'}."""
    import pandas as pd

    synthetic = pd.DataFrame(synthetic)
    kinds, skipped = {}, []
    for name in real.columns:
        if name not in synthetic.columns:
            continue
        kind = _kind(real[name])
        if kind is None:
            skipped.append(name)
        else:
            kinds[name] = kind
    if not kinds:
        raise DataError(
            "the real data shares no comparable column with the synthetic rows.",
            f"Name its columns like the schema's fields ({', '.join(map(str, synthetic.columns))}).",
        )
    columns = {name: _shape(real[name], synthetic[name], kind) for name, kind in kinds.items()}
    pairs = {
        f"{a} ~ {b}": _trend(real, synthetic, a, b, kinds[a], kinds[b]) for a, b in itertools.combinations(kinds, 2)
    }
    pairs = {k: v for k, v in pairs.items() if v is not None}
    return {
        "column_shapes": sum(columns.values()) / len(columns),
        "pair_trends": sum(pairs.values()) / len(pairs) if pairs else None,
        "columns": columns,
        "pairs": pairs,
        "skipped": skipped,
        "method": "SDMetrics' KSComplement/TVComplement and CorrelationSimilarity/ContingencySimilarity, on scipy",
    }


def _kind(column) -> str | None:
    import pandas as pd

    values = column.dropna()
    if values.empty:
        return None
    if pd.api.types.is_bool_dtype(values):
        return "categorical"
    if pd.api.types.is_numeric_dtype(values):
        return "numeric"
    if values.nunique() <= CATEGORY_LIMIT:
        return "categorical"
    if pd.to_datetime(values.astype(str), errors="coerce", format="ISO8601").notna().mean() > 0.95:
        return "date"
    return None  # free text


def _numbers(column, kind: str):
    import pandas as pd

    if kind == "date":
        return pd.to_datetime(column.astype(str), errors="coerce", format="ISO8601").dropna().astype("int64")
    return pd.to_numeric(column, errors="coerce").dropna()


def _shape(real, synthetic, kind: str) -> float:
    if kind == "categorical":
        return 1 - _tv(real.astype(str), synthetic.dropna().astype(str))
    from scipy.stats import ks_2samp

    a, b = _numbers(real, kind), _numbers(synthetic, kind)
    if a.empty or b.empty:
        return 0.0
    return float(1 - ks_2samp(a, b).statistic)


def _tv(a, b) -> float:
    p, q = a.value_counts(normalize=True), b.value_counts(normalize=True)
    keys = p.index.union(q.index)
    return float(0.5 * (p.reindex(keys, fill_value=0) - q.reindex(keys, fill_value=0)).abs().sum())


def _trend(real, synthetic, a: str, b: str, kind_a: str, kind_b: str) -> float | None:
    import pandas as pd

    if kind_a != "categorical" and kind_b != "categorical":
        r = pd.concat([_numbers(real[a], kind_a), _numbers(real[b], kind_b)], axis=1).dropna()
        s = pd.concat([_numbers(synthetic[a], kind_a), _numbers(synthetic[b], kind_b)], axis=1).dropna()
        if len(r) < 2 or len(s) < 2:
            return None
        cr, cs = r.corr().iloc[0, 1], s.corr().iloc[0, 1]
        if pd.isna(cr) or pd.isna(cs):  # a constant column has no correlation
            return None
        return float(1 - abs(cr - cs) / 2)
    joint_real = _discrete(real[a], real[a], kind_a) + " | " + _discrete(real[b], real[b], kind_b)
    joint_synth = _discrete(synthetic[a], real[a], kind_a) + " | " + _discrete(synthetic[b], real[b], kind_b)
    return 1 - _tv(joint_real.dropna(), joint_synth.dropna())


def _discrete(column, real_column, kind: str):
    """Categories as text; numbers and dates as one of 10 bins over the real column's range (SDMetrics' way)."""
    import numpy as np
    import pandas as pd

    if kind == "categorical":
        return column.astype(str).where(column.notna())
    values, edges_from = _numbers(column, kind), _numbers(real_column, kind)
    edges = np.linspace(edges_from.min(), edges_from.max(), PAIR_BINS + 1)
    bins = np.clip(np.digitize(values, edges[1:-1]), 0, PAIR_BINS - 1)
    return pd.Series(bins, index=values.index).astype(str).reindex(column.index)
