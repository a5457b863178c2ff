"""Sphinx configuration of the focaltheory documentation (no network access needed)."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# the package is used from the repository (not necessarily installed), and the local
# extension that renders the CLI help and the claims table from the code lives in _ext/
sys.path.insert(0, os.path.dirname(_HERE))
sys.path.insert(0, os.path.join(_HERE, "_ext"))

import focaltheory  # noqa: E402

project = "focaltheory"
author = "the focaltheory authors"
copyright = "2026, the focaltheory authors"
release = version = focaltheory.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "focaltheory_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "build", "_html", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]

# MyST: $...$ and $$...$$ math, amsmath environments, heading anchors for #links
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# autodoc / numpydoc: one entry per documented object, no auto-generated member tables
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# the built-in theme; MathJax is loaded by the browser when a page is read, not at build time
html_theme = "alabaster"
html_title = "focaltheory"
html_static_path = []
html_theme_options = {"description": "The theory of the focal loss, made computable"}
