import sys

from whys.cli import main

sys.exit(main())
