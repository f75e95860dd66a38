"""How generative steps are done: `offline` (no model, no network) or `llm` (an endpoint)."""
