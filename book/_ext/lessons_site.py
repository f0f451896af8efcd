"""Sphinx extension of the course site: kernels that know they build the site, and the constants
the in-page script reads.

* Jupyter Book executes each chapter in a kernel started by this build process, and a kernel
  inherits its environment. Setting ``LESSONS_SITE_BUILD=1`` here lets the explorers of
  :mod:`lessons.explore` emit their kernel-free HTML (frames, or a form the page computes) only
  when a page is built, and a light live widget in an ordinary Jupyter session.
* ``_static/lessons-constants.js`` is written from :func:`lessons.explore.inpage.constants` at
  the end of every HTML build, so the page's functions (``_static/lessons.js``) use the fits,
  peaks and prices of the package that built the site, never a copy typed into JavaScript.
"""

import os
from pathlib import Path

SITE_BUILD_ENV = "LESSONS_SITE_BUILD"
CONSTANTS_JS = "lessons-constants.js"


def write_constants(app, exception) -> None:
    """Write the in-page constants into the built site's ``_static`` folder."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    from lessons.explore.inpage import constants_script

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / CONSTANTS_JS).write_text(constants_script(), encoding="utf-8")


def setup(app):
    os.environ[SITE_BUILD_ENV] = "1"
    if hasattr(app, "connect"):
        app.connect("build-finished", write_constants)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
