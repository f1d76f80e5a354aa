"""Files for the ``code`` kind's own example (the common kind contract runs it)."""
