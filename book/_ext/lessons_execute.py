"""Execute the book's notebooks side by side before Sphinx reads them.

jupyter-book 1 builds with one Sphinx process, so myst-nb executes the chapters one after the
other while reading them, and a cold build waits for the sum of every chapter's kernel. Here,
just before Sphinx reads the pages (``env-before-read-docs``), each page that myst-nb would
execute and that the execution cache does not hold yet is read into a notebook by myst-nb's
own reader and executed by jupyter-cache's own ``single_nb_execution``, one notebook per CPU at
a time, in worker processes; the main process then stores each result in myst-nb's cache, so
that myst-nb, reading the page a moment later, takes its outputs from there as it does on any
cached build.

Nothing else changes: a notebook that fails here is left out of the cache, and myst-nb
executes it again and reports the error exactly as without this extension; a page with
notebook-level execution settings, or any mode other than ``cache``, is left to myst-nb.
``LESSONS_BUILD_JOBS`` sets the number of worker processes (default: the CPUs available,
at most one per notebook; 1 turns this off).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
JOBS_ENV = "LESSONS_BUILD_JOBS"


def _jobs() -> int:
    value = os.environ.get(JOBS_ENV, "")
    if value:
        try:
            jobs = int(value)
        except ValueError:
            raise ValueError(f"{JOBS_ENV}={value!r}: give a whole number of worker processes "
                             "(1 executes the notebooks one at a time).") from None
        if jobs < 1:
            raise ValueError(f"{JOBS_ENV}={value!r}: give at least 1.")
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _execute(notebook, cwd: str, timeout, allow_errors: bool):
    """In a worker: run one notebook; return it with its outputs, its time and any error."""
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(notebook, cwd=cwd, allow_errors=allow_errors, timeout=timeout,
                                 meta_override=True)
    return notebook, result.time, None if result.err is None else result.exc_string


def _pending(env, docnames, cache):
    """The pages myst-nb would execute on reading them: (path, notebook, read format)."""
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    out = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None:
            continue  # a plain Markdown page
        notebook = reader.read(text)
        if nb_config.metadata_key in notebook.metadata:
            continue  # its own execution settings: myst-nb applies them
        if not any(c["cell_type"] == "code" for c in notebook.cells):
            continue
        if any(path.match(p) for p in nb_config.execution_excludepatterns or ()):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # cached already
        except KeyError:
            pass
        out.append((path, notebook, reader.read_fmt))
    return out


def execute_ahead(app, env, docnames) -> None:
    nb_config = getattr(env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    # longest first (source size as the guess), so that no long chapter starts last
    pending = sorted(_pending(env, docnames, cache), key=lambda p: -p[0].stat().st_size)
    jobs = min(_jobs(), len(pending))
    if jobs < 2:
        return  # nothing to overlap: myst-nb executes as usual
    LOGGER.info(f"executing {len(pending)} notebooks, {jobs} at a time")
    start = time.perf_counter()
    # spawn: a fresh interpreter per worker, not a fork of Sphinx's process and its threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(_execute, notebook, str(path.parent), nb_config.execution_timeout,
                               nb_config.execution_allow_errors): (path, read_fmt)
                   for path, notebook, read_fmt in pending}
        for done, future in enumerate(as_completed(futures), 1):
            path, read_fmt = futures[future]
            name = path.relative_to(app.srcdir).as_posix()
            try:
                notebook, seconds, error = future.result()
            except Exception as exc:  # a worker that died: myst-nb runs the notebook itself
                LOGGER.info(f"[{done}/{len(futures)}] {name}: not executed ahead ({exc!r})")
                continue
            if error is not None:
                LOGGER.info(f"[{done}/{len(futures)}] {name}: failed; executed again on reading "
                            "to report the error")
                continue
            if read_fmt is not None:
                stage = cache.add_nb_to_project(str(path), read_data=read_fmt)
            else:
                stage = cache.add_nb_to_project(str(path))
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, stage.uri, data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            LOGGER.info(f"[{done}/{len(futures)}] {name}: {seconds:.1f} s")
    LOGGER.info(f"executed {len(pending)} notebooks in {time.perf_counter() - start:.1f} s")


def setup(app):
    app.connect("env-before-read-docs", execute_ahead)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
