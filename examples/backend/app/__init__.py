"""The example SaaS backend whose schema the migrations in `migrations/` build."""
