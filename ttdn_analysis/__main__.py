"""``python -m ttdn_analysis`` runs the command line."""
import sys

from ttdn_analysis.cli import main

sys.exit(main())
