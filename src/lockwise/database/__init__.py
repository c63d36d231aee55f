"""PostgreSQL servers, scratch databases and catalog snapshots."""
