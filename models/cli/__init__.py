"""The `dyadscope` command line: argument parsing, progress drawing and printed summaries.

The only place with argparse; the jobs themselves are `models.services` and `extract.batch`."""

from models.cli.main import main

__all__ = ["main"]
