"""Rows to a file, whole or not at all: JSON lines, CSV or Parquet, chosen by the file's suffix."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ...errors import LlmworksError
from ...files import atomic_path

FORMATS = (".jsonl", ".csv", ".parquet")


def check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise LlmworksError(
            f"Cannot tell the format of {path.name}.", "End the output's name in .jsonl, .csv or .parquet."
        )


def write(rows: list[dict], path: str | Path, fields: list[str]) -> Path:
    """Write `rows` with the columns `fields` (in that order) to `path`, atomically."""
    path = Path(path)
    check_format(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".jsonl":
            tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        elif suffix == ".csv":
            with open(tmp, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
                writer.writeheader()
                writer.writerows({k: _cell(r.get(k)) for k in fields} for r in rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in fields} for r in rows]), tmp)
    return path


def _cell(value):
    """A CSV cell: lists and objects as JSON, booleans as true/false, None as empty."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def read(path: str | Path, spec=None) -> list[dict]:
    """Rows of a .jsonl, .csv or .parquet file; CSV cells are turned into the types `spec`'s schema gives them."""
    path = Path(path)
    check_format(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return [_typed(row, spec.schema.get("properties", {})) for row in rows] if spec else rows
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _typed(row: dict, properties: dict) -> dict:
    """A CSV row with its cells as the schema's types where they parse (an empty cell is None)."""
    out: dict = {}
    for name, cell in row.items():
        kind = properties.get(name, {}).get("type")
        if cell == "":
            out[name] = None
            continue
        try:
            if kind == "integer":
                out[name] = int(cell)
            elif kind == "number":
                out[name] = float(cell)
            elif kind == "boolean" and cell.lower() in ("true", "false"):
                out[name] = cell.lower() == "true"
            elif kind in ("array", "object"):
                out[name] = json.loads(cell)
            else:
                out[name] = cell
        except ValueError:  # left as text: the report counts it invalid
            out[name] = cell
    return out
