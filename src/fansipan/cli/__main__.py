"""`python -m fansipan.cli`."""

from fansipan.cli import main

main()
