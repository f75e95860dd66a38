"""Screens: the workspace, the sessions list and the dialogs opened over the workspace."""
