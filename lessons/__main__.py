"""``python -m lessons``: the course's command line (:mod:`lessons.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
