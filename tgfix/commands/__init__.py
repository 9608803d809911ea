"""The commands: each a short configuration of the one loop (tgfix.loop) inside a session."""
