"""Errors the knowledge-base layer raises where it understands them.

`CopilotError` is the base of every user-facing error of the product. Each carries a one-line
message meant for the person at the terminal; the CLI prints it as is.
"""


class CopilotError(Exception):
    """The one base of every error a user can act on, in any layer (knowledge base, record store,
    engine, feed, a draft a check refuses). Its message is one line; the CLI and the TUI each
    catch this type alone and show the message. It lives in the lowest layer so that every layer
    can raise a subclass; `copilot.errors` re-exports it with the copilot's own subclasses."""


class KnowledgeBaseError(CopilotError):
    """A knowledge-base operation failed for a reason the user can act on."""


class NotIndexedError(KnowledgeBaseError):
    """The knowledge base has no live generation yet: nothing was ever indexed into it."""


class DocumentError(KnowledgeBaseError):
    """One input file or record could not be turned into documents."""
