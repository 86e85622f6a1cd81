"""Benchmarks: each module has run() -> rows of measured figures. `make bench` prints them all."""
