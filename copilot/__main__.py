"""`python -m copilot` runs the command line."""

from copilot.cli.main import main

main()
