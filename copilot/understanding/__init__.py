"""Understanding a customer turn: the routing categories and flags (`routing`), the intent and
sentiment pipeline (`pipeline`), its precise cue rules (`rules`) and injection screening."""
