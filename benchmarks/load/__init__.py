"""Load and soak tests: `python -m benchmarks.load_run` (make load, make soak) drives the real
app under gunicorn and PostgreSQL with locust; see benchmarks/load_run.py."""
