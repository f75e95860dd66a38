"""`python -m copilot` runs the command line."""

from copilot.cli import main

main()
