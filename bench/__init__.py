"""Benchmarks at scale. Each reports the median of a subject and of a floor measured in the same run."""
