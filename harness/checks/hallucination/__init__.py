"""Hallucination checks: output against its source, against other samples, against known facts."""
