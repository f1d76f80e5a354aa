"""Images the harness draws itself (seeded procedural art), for metric suites and tests."""
