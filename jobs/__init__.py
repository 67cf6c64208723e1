"""RQ jobs: thin wrappers that load, call domain code, and store."""
