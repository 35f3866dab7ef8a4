"""`python -m flask_lts_tools.site archive|site`: the same commands (and parser) as flask-lts-tools."""

import sys

from .._cli import main

if __name__ == "__main__":
    sys.exit(main())
