"""Errors the knowledge-base layer raises where it understands them.

Each carries a one-line message meant for the person at the terminal; the CLI prints it as is.
"""


class KnowledgeBaseError(Exception):
    """A knowledge-base operation failed for a reason the user can act on."""


class NotIndexedError(KnowledgeBaseError):
    """The knowledge base has no live generation yet: nothing was ever indexed into it."""


class DocumentError(KnowledgeBaseError):
    """One input file or record could not be turned into documents."""
