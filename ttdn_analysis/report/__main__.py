from ttdn_analysis.report.build import main
import sys

sys.exit(main())
