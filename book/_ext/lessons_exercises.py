"""Sphinx extension: each chapter's graded exercises, one click from its page, on the site itself.

* A chapter's admonition of class ``lx-exercises`` becomes a box linking to the chapter's
  exercise notebook and to its bundle, a zip with the notebook, the ``lessons`` wheel, the data
  it may copy and a README whose one command sets everything up (in JupyterLab the same
  admonition links to the notebook beside the chapter). Both files are written into the
  site's ``exercises/`` folder at the end of the HTML build, by ``tools/make_exercises.py``
  (one implementation, also a command line).
* Each executed chapter stays downloadable as an ``.ipynb`` from the page's download button.
* Launch links (Binder, Colab, a JupyterHub through nbgitpuller) open the *exercise notebook*,
  never a chapter's ``.md``, and appear only when ``_config.yml`` names the course's public
  GitHub repository (``lessons_repository_url``) or a JupyterHub (``lessons_jupyterhub_url``);
  an example or placeholder address stops the build with a message saying what to set.
"""

from __future__ import annotations

import html
import importlib.util
import posixpath
import shutil
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: Hosts that stand for "fill me in", never for a real repository or hub.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost", "127.0.0.1")


def check_url(name: str, url: str) -> str:
    """``url`` stripped of a trailing slash, or "" if unset; a placeholder raises.

    >>> check_url("lessons_jupyterhub_url", "https://hub.uni.edu/")
    'https://hub.uni.edu'
    >>> check_url("lessons_jupyterhub_url", "https://hub.example.org")
    Traceback (most recent call last):
    ...
    sphinx.errors.ExtensionError: _config.yml: lessons_jupyterhub_url = 'https://hub.example.org' is a placeholder; set it to a real address, or to "" to show no launch link.
    """
    url = (url or "").strip().rstrip("/")
    if not url:
        return ""
    host = urlparse(url).hostname or ""
    if (urlparse(url).scheme != "https" or any(host == h or host.endswith("." + h)
                                               for h in PLACEHOLDER_HOSTS)
            or "<" in url or "your" in url.lower()):
        raise ExtensionError(f"_config.yml: {name} = {url!r} is a placeholder; set it to a real "
                             'address, or to "" to show no launch link.')
    return url


def launch_links(chapter: str, repository: str, branch: str, hub: str) -> list[tuple[str, str]]:
    """(label, address) of each way to open ``exercises/<chapter>.ipynb`` online.

    >>> for label, url in launch_links("flops", "https://github.com/o/r", "main", ""):
    ...     print(label, url)
    Binder https://mybinder.org/v2/gh/o/r/main?labpath=exercises%2Fflops.ipynb
    Colab https://colab.research.google.com/github/o/r/blob/main/exercises/flops.ipynb
    """
    path = f"exercises/{chapter}.ipynb"
    links = []
    parsed = urlparse(repository)
    if repository and parsed.hostname == "github.com":
        owner_repo = parsed.path.strip("/").removesuffix(".git")
        links.append(("Binder", f"https://mybinder.org/v2/gh/{owner_repo}/{quote(branch)}"
                                f"?labpath={quote(path, safe='')}"))
        links.append(("Colab", f"https://colab.research.google.com/github/{owner_repo}/blob/"
                               f"{quote(branch)}/{path}"))
    if hub and repository:
        name = parsed.path.strip("/").removesuffix(".git").rsplit("/", 1)[-1]
        query = urlencode({"repo": repository, "urlpath": f"lab/tree/{name}/{path}",
                           "branch": branch})
        links.append(("JupyterHub", f"{hub}/hub/user-redirect/git-pull?{query}"))
    return links


#: The class that marks a chapter's exercises box: ``:class: lx-exercises`` on an admonition,
#: with ``lx-compact`` for the short form at the top of a chapter.
BOX_CLASS, COMPACT_CLASS = "lx-exercises", "lx-compact"


def box_html(docname: str, config, *, compact: bool) -> str:
    """The HTML of a chapter's exercises box on the site: notebook, bundle, launch links."""
    chapter = Path(docname).name
    folder = posixpath.relpath("exercises", posixpath.dirname(docname) or ".")
    links = launch_links(chapter, check_url("lessons_repository_url",
                                            config.lessons_repository_url),
                         config.lessons_repository_branch,
                         check_url("lessons_jupyterhub_url", config.lessons_jupyterhub_url))
    launch = "".join(f' <a class="lx-launch" href="{html.escape(url)}">Open it on {label}</a>'
                     for label, url in links)
    nb_link = f'<a href="{folder}/{chapter}.ipynb" download>{chapter}.ipynb</a>'
    zip_link = f'<a href="{folder}/{chapter}-exercises.zip" download>{chapter}-exercises.zip</a>'
    if compact:
        text = (f"<p>Graded exercises for this lesson: the notebook {nb_link}, or "
                f"{zip_link} to work it on your own computer (the notebook, the course's "
                f"package and a README whose one command sets it up).{launch}</p>")
    else:
        text = (f"<p>The graded exercises of this lesson are in the notebook {nb_link}. "
                f"To work them on your own computer, download {zip_link}: it holds the "
                "notebook, the course's package <code>lessons</code> (every formula and "
                "check), the data the notebook may copy and a README whose one command "
                "installs it with JupyterLab and opens the notebook. In a copy of the "
                f"course's repository, open <code>exercises/{chapter}.ipynb</code> in "
                "<code>jupyter lab</code> instead. Fill in the marked cells and run each "
                "<code>check(\"q…\")</code>: it says what is wrong and gives a hint, never the "
                f"answer.{launch}</p>")
    return (f'<div class="admonition note {BOX_CLASS}"><p class="admonition-title">'
            f"Graded exercises</p>{text}</div>")


class ExercisesBox(SphinxTransform):
    """Give each admonition of class ``lx-exercises`` the site's links.

    In the chapter's source the box is a plain MyST admonition whose link opens
    ``exercises/<chapter>.ipynb`` beside it, so it reads well in JupyterLab (jupyterlab-myst)
    too; on the site it becomes :func:`box_html`. It runs while the page is read, before
    Sphinx would resolve that relative link as a cross-reference.
    """

    default_priority = 200

    def apply(self):
        for node in list(self.document.findall(nodes.admonition)):
            if BOX_CLASS in node["classes"]:
                compact = COMPACT_CLASS in node["classes"]
                box = nodes.raw("", box_html(self.env.docname, self.config, compact=compact),
                                format="html")
                node.replace_self(box)
                box["classes"] = []  # replace_self copies them; the box's HTML carries its own


def _load_make_exercises(srcdir: str):
    path = Path(srcdir) / "tools" / "make_exercises.py"
    spec = importlib.util.spec_from_file_location("make_exercises", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_exercises(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    made = _load_make_exercises(app.srcdir).bundles(Path(app.outdir) / "exercises",
                                                   Path(app.srcdir))
    LOGGER.info(f"exercises: {len(made)} files in {Path(app.outdir) / 'exercises'}")


def _notebook_download(app, pagename, templatename, context, doctree):
    """Offer each executed chapter as an ``.ipynb`` download, as the theme does only when it
    also shows launch buttons (which would open the chapter's ``.md``)."""
    executed = (Path(app.outdir).parent / "jupyter_execute" / pagename).with_suffix(".ipynb")
    if not context.get("sourcename", "").endswith((".md", ".md.txt")) or not executed.is_file():
        return
    target = (Path(app.outdir) / "_sources" / pagename).with_suffix(".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = pagename + ".ipynb"


def _check_config(app, config):
    check_url("lessons_repository_url", config.lessons_repository_url)
    check_url("lessons_jupyterhub_url", config.lessons_jupyterhub_url)


def setup(app):
    app.add_config_value("lessons_repository_url", "", "html")
    app.add_config_value("lessons_repository_branch", "main", "html")
    app.add_config_value("lessons_jupyterhub_url", "", "html")
    app.add_transform(ExercisesBox)
    app.connect("config-inited", _check_config)
    app.connect("build-finished", _write_exercises)
    # Before the theme's header buttons (priority 501), which read ipynb_source.
    app.connect("html-page-context", _notebook_download, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
