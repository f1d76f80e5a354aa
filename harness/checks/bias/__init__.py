"""Bias checks: representation and association (HELM), counterfactual sentiment, likelihood."""
