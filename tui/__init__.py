"""The advisor workspace: a Textual terminal UI over `copilot`.

`tui.app.make_app(settings, ...)` builds the app for the `copilot workspace` command and for the
tests. The arrow runs one way: `tui` imports `copilot`, never the reverse.
"""
