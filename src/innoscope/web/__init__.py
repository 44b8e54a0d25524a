"""The dashboard: a FastAPI JSON API on the engine and a static page that uses it."""
