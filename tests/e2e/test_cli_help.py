"""Every command and every option of the CLI has help text (sqlite-utils' test_docs)."""

import typer

from likeness.cli.main import app


def walk(command, path=()):
    yield path, command
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def test_every_command_and_option_has_help_text():
    root = typer.main.get_command(app)
    missing = []
    for path, command in walk(root):
        if not (command.help or command.short_help):
            missing.append(" ".join(path) or "likeness")
        for param in command.params:
            if param.param_type_name == "option" and not param.help:
                missing.append(f"{' '.join(path)} {param.opts[0]}")
            if param.param_type_name == "argument" and not getattr(param, "help", None):
                missing.append(f"{' '.join(path)} {param.name}")
    assert missing == []


def test_the_registry_commands_exist():
    root = typer.main.get_command(app)
    names = {" ".join(p) for p, _ in walk(root)}
    for resource in ("performer", "producer", "production", "replica"):
        for verb in ("add", "list", "show"):
            assert f"{resource} {verb}" in names
    assert {"init", "serve", "demo", "import", "export"} <= names
