"""Published tables of real training runs, read at run time and never stored in the repository.

Used in the chapters *Chinchilla and compute-optimal scaling*, *Fitting scaling laws to real
data* and *Overtraining and inference-aware sizing*.

Two tables are read:

* the final losses of the Chinchilla training runs, digitised from Hoffmann et al. (2022)
  Figure 4 by Besiroglu et al. (2024) (245 rows; no licence declared: cite it, don't
  redistribute it);
* the 47 runs of Sardana et al. (2024) at 10 to 10,000 tokens per parameter (Apache-2.0).

Where the files come from, in this order:

1. if the environment variable ``LESSONS_DATA_DIR`` is set, from that folder (it must hold the
   files under the names in :data:`FILES`); nothing is downloaded;
2. otherwise from the local cache (:func:`cache_dir`), downloading each file once from its
   public raw address on GitHub at a pinned commit.

Either way a file is checked (header, row count, SHA-256) before any number is read from it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pooch

from .flops import TRAINING_FLOPS_PER_PARAM_TOKEN
from .sources import Cite

__all__ = [
    "DATA_ENV_VAR",
    "FILES",
    "N_OUTLIERS",
    "ChinchillaPoints",
    "DataFile",
    "SardanaRuns",
    "cache_dir",
    "files",
    "load_chinchilla_points",
    "load_sardana_runs",
    "local_copy",
]

#: Environment variable naming a folder that already holds the tables (checked, never written).
DATA_ENV_VAR = "LESSONS_DATA_DIR"

#: Besiroglu et al. (2024) drop the 5 highest-loss rows before fitting (245 -> 240 points).
N_OUTLIERS = 5


@dataclass(frozen=True)
class DataFile:
    """One published table: where it lives upstream, what it must contain, and its licence.

    Attributes
    ----------
    key : str
        Short name, the key in :data:`FILES`.
    filename : str
        File name in ``LESSONS_DATA_DIR`` and in the cache.
    repo, path, commit : str
        GitHub repository, path inside it and the pinned 40-hex commit.
    sha256 : str
        Checksum of the file at that commit.
    n_rows : int
        Number of data rows (header excluded).
    columns : tuple of str
        The header, in order.
    licence : str
        What the source allows.
    redistributable : bool
        Whether the licence lets the course hand out copies (the student bundles include
        those; the others download from their source on first use).
    loader : str
        The function of this module that reads the table.
    cite : Cite
        The work the table belongs to.
    """

    key: str
    filename: str
    repo: str
    path: str
    commit: str
    sha256: str
    n_rows: int
    columns: tuple[str, ...]
    licence: str
    redistributable: bool
    loader: str
    cite: Cite

    @property
    def url(self) -> str:
        """Public raw address of the file at the pinned commit."""
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{self.path}"

    @property
    def source(self) -> str:
        """Human-readable origin: repository, path and short commit."""
        return f"github.com/{self.repo}, {self.path} at commit {self.commit[:7]}"


FILES: dict[str, DataFile] = {
    f.key: f
    for f in (
        DataFile(
            key="besiroglu2024",
            filename="besiroglu2024_chinchilla_svg_extracted.csv",
            repo="epoch-research/analyzing-chinchilla",
            path="data/svg_extracted_data.csv",
            commit="92258837425e1b5f2851d624287f0120583a3d0e",
            sha256="193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30",
            n_rows=245,
            columns=("x", "y", "color", "Model Size", "Training FLOP", "hex_color", "loss"),
            licence="none declared in the repository: cite it, don't redistribute it",
            redistributable=False,
            loader="load_chinchilla_points",
            cite=Cite("besiroglu2024", "data/svg_extracted_data.csv (digitised from Hoffmann "
                      "et al. 2022, Fig. 4)"),
        ),
        DataFile(
            key="sardana2024",
            filename="sardana2024_trainingresults.csv",
            repo="nikhilsardana/beyond-chinchilla",
            path="trainingresults.csv",
            commit="190f70e365dc75037a2b3178609d00243f24b4b9",
            sha256="76177d2804ec448cbdd183b52d058b3362ea52965bb7bc0289ba387da969a3de",
            n_rows=47,
            columns=(
                "Model Name", "Parameters", "Tokens/Params", "Tokens", "Batch Size",
                "Smoothed Loss", "eval_gauntlet/world_knowledge",
                "eval_gauntlet/reading_comprehension", "eval_gauntlet/language_understanding",
                "eval_gauntlet/commonsense_reasoning", "eval_gauntlet/symbolic_problem_solving",
                "eval_gauntlet/core_average", "mmlu_5_shot_avg",
            ),
            licence="Apache-2.0",
            redistributable=True,
            loader="load_sardana_runs",
            cite=Cite("sardana2024", "trainingresults.csv (the 47 training runs)"),
        ),
    )
}


def files() -> tuple[DataFile, ...]:
    """List the published tables this module reads, with source, pinned commit and licence.

    Returns
    -------
    tuple of DataFile
        One entry per table [metadata, no units].

    Notes
    -----
    Each table is fetched from ``https://raw.githubusercontent.com/<repo>/<commit>/<path>`` and
    accepted only if its SHA-256 equals :attr:`DataFile.sha256`.

    References
    ----------
    Besiroglu et al. (2024), github.com/epoch-research/analyzing-chinchilla;
    Sardana et al. (2024), github.com/nikhilsardana/beyond-chinchilla.

    Examples
    --------
    >>> for f in files():
    ...     print(f.key, f.n_rows, f.commit[:7], f.licence.split(":")[0])
    besiroglu2024 245 9225883 none declared in the repository
    sardana2024 47 190f70e Apache-2.0
    """
    return tuple(FILES.values())


def cache_dir() -> Path:
    """Folder where downloaded tables are kept (the operating system's cache for this course).

    Returns
    -------
    pathlib.Path
        The cache folder [path]; created on first download.

    Notes
    -----
    ``pooch.os_cache("llm-planning-lessons")``: ``~/.cache/llm-planning-lessons`` on Linux.
    Delete the folder to force a fresh download.

    References
    ----------
    pooch documentation, ``pooch.os_cache``.

    Examples
    --------
    >>> cache_dir().name
    'llm-planning-lessons'
    """
    return Path(pooch.os_cache("llm-planning-lessons"))


@contextlib.contextmanager
def _quiet_pooch():
    # pooch logs every download at INFO; the course prints nothing unless something is wrong.
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fixes(spec: DataFile) -> str:
    return (
        f"Either (1) set the environment variable {DATA_ENV_VAR} to a folder holding "
        f"{spec.filename!r} (a copy of {spec.url}), or (2) connect to the network so that the "
        f"file downloads once into the cache {str(cache_dir() / spec.filename)!r}."
    )


def _locate(spec: DataFile) -> tuple[Path, str]:
    """Path of a checked-out copy of ``spec`` and a phrase saying where it came from."""
    folder = os.environ.get(DATA_ENV_VAR)
    if folder:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise ValueError(
                f"{DATA_ENV_VAR}={folder!r} is not a folder. Point it at the folder that holds "
                f"{', '.join(repr(f.filename) for f in FILES.values())}, or unset it to "
                f"download the files into the cache {str(cache_dir())!r}."
            )
        file = path / spec.filename
        if not file.is_file():
            raise ValueError(
                f"{DATA_ENV_VAR}={folder!r} does not hold {spec.filename!r}. Put a copy of "
                f"{spec.url} there under that name, or unset {DATA_ENV_VAR} to download it "
                f"into the cache {str(cache_dir())!r}."
            )
        return file, f"{file} (from {DATA_ENV_VAR})"
    try:
        with _quiet_pooch():
            fetched = pooch.retrieve(
                spec.url, known_hash=f"sha256:{spec.sha256}", fname=spec.filename,
                path=cache_dir(), progressbar=False,
            )
    except ValueError as err:  # pooch: the downloaded bytes have another checksum
        raise ValueError(
            f"the download of {spec.url} does not have the published SHA-256 {spec.sha256}: "
            f"the file changed upstream or was altered in transit ({err})."
        ) from err
    except Exception as err:  # no network, DNS failure, HTTP error, unwritable cache
        raise RuntimeError(
            f"cannot read the table {spec.key!r}: {DATA_ENV_VAR} is not set and the download "
            f"failed ({type(err).__name__}: {err}). {_fixes(spec)}"
        ) from err
    return Path(fetched), f"{fetched} (cache)"


def _read_checked(spec: DataFile) -> list[dict[str, str]]:
    """Rows of the table, after checking header, row count and checksum."""
    file, where = _locate(spec)
    data = file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{where} is not UTF-8 text; expected the CSV {spec.url}.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    if header != spec.columns:
        raise ValueError(
            f"{where} has columns {list(header)}; expected {list(spec.columns)} "
            f"(the published {spec.source}). Replace it with a copy of {spec.url}."
        )
    rows = list(reader)
    if len(rows) != spec.n_rows:
        raise ValueError(
            f"{where} has {len(rows)} data rows; expected {spec.n_rows} (the published "
            f"{spec.source}). The copy is truncated or edited: replace it with {spec.url}."
        )
    digest = _sha256(data)
    if digest != spec.sha256:
        raise ValueError(
            f"{where} has SHA-256 {digest}; expected {spec.sha256} (the published "
            f"{spec.source}). The copy was edited: replace it with {spec.url}."
        )
    return rows


def local_copy(key: str) -> Path:
    """A checked local copy of a table: from ``LESSONS_DATA_DIR``, else the cache (downloaded).

    Parameters
    ----------
    key : str
        The table's key in :data:`FILES`, e.g. ``"sardana2024"``.

    Returns
    -------
    pathlib.Path
        The file [path], after its header, row count and SHA-256 were checked.

    Notes
    -----
    Used to put redistributable tables into the student bundles of the site.

    References
    ----------
    See :func:`files` for each table's source and licence.

    Examples
    --------
    >>> local_copy("sardana2024").name
    'sardana2024_trainingresults.csv'
    """
    if key not in FILES:
        raise ValueError(f"unknown table {key!r}; tables: {', '.join(FILES)}.")
    _read_checked(FILES[key])
    return _locate(FILES[key])[0]


def _column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    arr = np.array([float(r[name]) for r in rows])
    arr.flags.writeable = False  # shared by a frozen record: refuse in-place edits
    return arr


@dataclass(frozen=True)
class ChinchillaPoints:
    """Final losses of Chinchilla training runs (Besiroglu et al. 2024 digitisation).

    Attributes
    ----------
    n_params : numpy.ndarray
        Model parameters N [parameters, raw count].
    n_tokens : numpy.ndarray
        Training tokens D = C / (6N) [tokens].
    flops : numpy.ndarray
        Training compute C [FLOP].
    loss : numpy.ndarray
        Final training loss [nats/token].
    """

    n_params: np.ndarray
    n_tokens: np.ndarray
    flops: np.ndarray
    loss: np.ndarray

    def __len__(self) -> int:
        return len(self.loss)


@dataclass(frozen=True)
class SardanaRuns:
    """The 47 training runs of Sardana et al. (2024).

    Attributes
    ----------
    n_params : numpy.ndarray
        Model parameters N [parameters, raw count].
    n_tokens : numpy.ndarray
        Training tokens D [tokens].
    tokens_per_param : numpy.ndarray
        D / N [tokens/parameter].
    loss : numpy.ndarray
        Smoothed final training loss [nats/token].
    """

    n_params: np.ndarray
    n_tokens: np.ndarray
    tokens_per_param: np.ndarray
    loss: np.ndarray

    def __len__(self) -> int:
        return len(self.loss)


def load_chinchilla_points(drop_outliers: bool = True) -> ChinchillaPoints:
    """Load the Chinchilla runs digitised by Besiroglu et al. (2024).

    Parameters
    ----------
    drop_outliers : bool
        Drop the 5 highest-loss rows, as the replication does before fitting [flag].
        ``True`` gives 240 points, ``False`` all 245.

    Returns
    -------
    ChinchillaPoints
        Arrays ``n_params`` [parameters], ``n_tokens`` [tokens], ``flops`` [FLOP] and
        ``loss`` [nats/token], in file order.

    Notes
    -----
    The file stores N (``Model Size``) and C (``Training FLOP``); tokens follow from
    C = 6ND as D = C / (6N), the same step as the replication's notebook.
    Raises ``ValueError`` for a copy with the wrong header, row count or checksum, and
    ``RuntimeError`` when the file is neither in ``LESSONS_DATA_DIR`` nor downloadable.

    References
    ----------
    Besiroglu et al. (2024), data/svg_extracted_data.csv; Hoffmann et al. (2022), Fig. 4.

    Examples
    --------
    >>> pts = load_chinchilla_points()
    >>> len(pts), len(load_chinchilla_points(drop_outliers=False))
    (240, 245)
    >>> f"{pts.n_params.min():.2g} {pts.flops.max():.2g} {pts.loss.min():.3f}"
    '5.7e+07 1.3e+22 2.077'
    """
    spec = FILES["besiroglu2024"]
    rows = _read_checked(spec)
    n_params = _column(rows, "Model Size")
    flops = _column(rows, "Training FLOP")
    loss = _column(rows, "loss")
    keep = np.ones(len(rows), dtype=bool)
    if drop_outliers:
        keep[np.argsort(loss)[-N_OUTLIERS:]] = False
    n_tokens = flops / (TRAINING_FLOPS_PER_PARAM_TOKEN * n_params)  # D = C/(6N), as the replication does
    out = {k: v[keep] for k, v in
           {"n_params": n_params, "n_tokens": n_tokens, "flops": flops, "loss": loss}.items()}
    for v in out.values():
        v.flags.writeable = False
    return ChinchillaPoints(**out)


def load_sardana_runs() -> SardanaRuns:
    """Load the 47 training runs of Sardana et al. (2024), 10 to 10,000 tokens per parameter.

    Returns
    -------
    SardanaRuns
        Arrays ``n_params`` [parameters], ``n_tokens`` [tokens], ``tokens_per_param``
        [tokens/parameter] and ``loss`` [nats/token] (the ``Smoothed Loss`` column).

    Notes
    -----
    ``tokens_per_param`` is the file's ``Tokens/Params`` column, which equals D / N.
    Raises like :func:`load_chinchilla_points` on a bad or missing copy.

    References
    ----------
    Sardana et al. (2024), trainingresults.csv (Apache-2.0).

    Examples
    --------
    >>> runs = load_sardana_runs()
    >>> len(runs), int(runs.tokens_per_param.max())
    (47, 10000)
    """
    rows = _read_checked(FILES["sardana2024"])
    return SardanaRuns(
        n_params=_column(rows, "Parameters"),
        n_tokens=_column(rows, "Tokens"),
        tokens_per_param=_column(rows, "Tokens/Params"),
        loss=_column(rows, "Smoothed Loss"),
    )
