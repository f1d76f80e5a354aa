"""Example plugins for genai-harness, one per entry-point group (see docs/plugins.md).

Each module imports only harness's public base classes, so installing this package changes
nothing until a bank, suite or command names one of its plugins.
"""
