"""``python -m crmkit``: the same as the ``crmkit`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
