"""Measured tables of the course's own training runs: a CSV whose header says how it was made.

The chapters never train models while the site is built; they read tables that a script under
``tools/`` wrote. Each table starts with comment lines: a title, the units of its columns, the
configuration that produced it (JSON) and the language's exact entropy rate. A test compares
the configuration with the one in the package, so a table and its script cannot drift apart.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> _ = write_table(path, "A test.", "x [1]", {"a": [1, 2]}, 2.5, ("x", "y"), [(1, 0.5)])
>>> config, entropy, rows = read_table(path, ("x", "y"))
>>> config, entropy, rows
({'a': [1, 2]}, 2.5, [{'x': '1', 'y': '0.5'}])
>>> column(rows, "y")
array([0.5])
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from .synthetic import LanguageSpec

__all__ = ["column", "config_from_dict", "config_to_dict", "read_table", "write_table"]


def write_table(path, title: str, units: str, config: dict, entropy: float,
                columns: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """Write rows as CSV under a header of title, units, configuration and entropy rate."""
    path = Path(path)
    with path.open("w", newline="") as fh:
        fh.write(f"# {title}\n# Units: {units}\n")
        fh.write(f"# config: {json.dumps(config, sort_keys=True)}\n")
        fh.write(f"# entropy_rate: {float(entropy)!r}\n")
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return path


def read_table(path, columns: Sequence[str]) -> tuple[dict, float, list[dict[str, str]]]:
    """The configuration, the entropy rate and the rows (as strings) of a table."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no results table at {path}; run the script under tools/ that "
                         "writes it (its docstring names it).")
    meta, body = {}, []
    for line in path.read_text().splitlines():
        if line.startswith("# config: "):
            meta["config"] = json.loads(line[len("# config: "):])
        elif line.startswith("# entropy_rate: "):
            meta["entropy"] = float(line[len("# entropy_rate: "):])
        elif line.strip() and not line.startswith("#"):
            body.append(line)
    if set(meta) != {"config", "entropy"}:
        raise ValueError(f"{path} lacks its '# config:' or '# entropy_rate:' header line.")
    rows = list(csv.DictReader(body))
    if not rows or tuple(rows[0]) != tuple(columns):
        raise ValueError(f"{path} must have the columns {tuple(columns)} and at least one row.")
    return meta["config"], meta["entropy"], rows


def column(rows: list[dict[str, str]], name: str, kind=float) -> np.ndarray:
    """One column of :func:`read_table`'s rows as an array of ``kind``."""
    return np.array([kind(row[name]) for row in rows])


def config_to_dict(config) -> dict:
    """A frozen configuration dataclass as JSON-ready data (tuples become lists)."""
    return asdict(config)


def config_from_dict(cls, data: dict):
    """Inverse of :func:`config_to_dict` for a dataclass whose fields are numbers, strings,
    tuples of them and a ``language`` :class:`~lessons.synthetic.LanguageSpec`."""
    values = {}
    for f in fields(cls):
        value = data[f.name]
        if f.name == "language":
            lang = dict(value)
            lang["level_weights"] = tuple(lang["level_weights"])
            value = LanguageSpec(**lang)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)
