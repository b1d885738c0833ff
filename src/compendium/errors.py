"""The error types the command line turns into a one-line message (exit code 2, or 1 for a failing notebook)."""


class CompendiumError(ValueError):
    """Bad input to the compendium: a parameter, a data file, a registry row, a chapter name."""


class NotebookFailed(CompendiumError):
    """A notebook cell raised, or its kernel died: the input was accepted, the computation failed."""
