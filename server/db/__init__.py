"""Persistence: the models, the engine factory and the Alembic migrations."""
