"""``python -m explorer``: same as the ``zone-timeline`` command."""

import sys

from explorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
