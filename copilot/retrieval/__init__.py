"""Retrieval: the hybrid search over the knowledge base (`search`), its scoring, the notes for
passages in another language (`translations`) and when to say no policy was found (`abstention`)."""
