"""PyInstaller's entry script: the `chatlog-tray` console script, as a frozen executable."""

import sys

from desktop.main import main

if __name__ == "__main__":
    sys.exit(main())
