"""The one error type the command line turns into a one-line message and exit code 2."""


class CompendiumError(ValueError):
    """Bad input to the compendium: a parameter, a data file, a registry row, a chapter name."""
