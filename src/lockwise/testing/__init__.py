"""What `lockwise test` checks: the up/down/up cycle and model drift."""
