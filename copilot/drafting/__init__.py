"""Drafting what the advisor may send: grounding checks, the action catalogue and the cleaning of
customer-facing prose."""
