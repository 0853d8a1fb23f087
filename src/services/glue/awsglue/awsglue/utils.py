"""getResolvedOptions: the job's arguments (Glue passes them as "--NAME value") by name."""

import argparse


class GlueArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def getResolvedOptions(args, options):
    """Answers {name: value} for each of `options` ("JOB_NAME", "my_arg"); arguments not asked
    for are ignored; a missing one raises GlueArgumentError."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    for option in options:
        parser.add_argument("--" + option, required=True, dest=option)
    parsed, _ = parser.parse_known_args(list(args[1:]))
    return vars(parsed)
