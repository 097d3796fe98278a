import sys

from rnnlab.cli.main import main

sys.exit(main())
