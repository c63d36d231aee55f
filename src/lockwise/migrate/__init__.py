"""Running a project's migrations: one Alembic step through its env.py, and a fresh base.

`steps` runs an upgrade or downgrade of one revision (or several in one run) the way
`alembic upgrade` does, and explains a failure (`MigrationFailure`); `baseline` makes
the empty database a history starts from; `working` is the scratch database a walk
migrates step by step (review's walk and test's cycle). Review, test, `new` and drift
all build on these; nothing here knows about rules or reports.
"""
