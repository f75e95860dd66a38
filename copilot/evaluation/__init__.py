"""Measuring the copilot: retrieval metrics and the evaluation harness."""
