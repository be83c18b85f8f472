"""``python -m bot``: the ``sokhan`` command line."""

import sys

from bot.cli import main

sys.exit(main())
