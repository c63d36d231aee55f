"""Shipping: `apply` (the production runner); the plan report and `status` come next."""
