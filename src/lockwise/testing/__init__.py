"""What `lockwise test` checks: the up/down/up cycle, model drift, data survival."""
