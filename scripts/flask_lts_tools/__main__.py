"""`flask-lts-tools` and `python -m flask_lts_tools`: the maintainer toolkit's command line (see _cli)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
