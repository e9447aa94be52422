"""One module per capability; each registers its benchmarks with @harness.benchmark."""
