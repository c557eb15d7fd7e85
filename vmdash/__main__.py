"""Entry point for `python -m vmdash`."""

import sys

from vmdash.cli import main

sys.exit(main())
