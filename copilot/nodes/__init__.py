"""One module per step of a customer turn; `copilot.graph` wires them."""
