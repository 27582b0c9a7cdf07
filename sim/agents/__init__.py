"""The agents: firms, customs (with its risk engine) and the terminal; each owns its behaviour."""
