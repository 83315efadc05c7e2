"""Kontor's benchmark: a data generator (generate.py) and a runner that times pages against their
bare SQL (run.py). Started with `kontor bench`; see docs/performance.md."""
