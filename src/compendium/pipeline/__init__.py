"""Parameterised execution (papermill), caching and the book build."""
