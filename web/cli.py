"""The `dalil` command (the console entry point): its subcommands (web/commands.py) run
in an app made by web's own factory, so every command reads the same settings as the
site — defaults, then DALIL_* variables, then its --articles/--db options.

It lives in web/ because it stands on the app factory, the top of the house.
"""
import click

from . import create_app
from .commands import COMMANDS

__all__ = ["cli"]


@click.group()
@click.version_option(package_name="dalil")
@click.pass_context
def cli(context):
    """Dalil: an Arabic-first FAQ bot and help center."""
    # The subcommands make their app with this factory (app.test_cli_runner() passes
    # the test's own app instead).
    if context.obj is None:
        context.obj = create_app


for _command in COMMANDS:
    cli.add_command(_command)
