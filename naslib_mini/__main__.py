"""``python -m naslib_mini``: see ``naslib_mini.cli``."""
import sys

from naslib_mini.cli import main

sys.exit(main())
