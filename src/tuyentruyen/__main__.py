"""``python -m tuyentruyen``: the command line."""

from tuyentruyen.cli import main

raise SystemExit(main())
