"""The advisor's copilot: routing, grounded retrieval, drafts, checks and next actions.

The agent never imports the terminal UI; the UI and the CLI call into this package.
"""

__version__ = "0.1.0"
