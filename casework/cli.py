"""Flask commands: `flask seed-demo`, `flask create-user`, `flask demo-banner`."""

from __future__ import annotations

import click
from flask import Flask, current_app

from casework.api.open311.demo import demo_banner_lines
from casework.auth import services as accounts
from casework.auth.roles import Role
from casework.demo import DemoRefused, demo_sign_ins, seed_demo


def register_cli(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_banner_command)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add the demo data that is missing (never under Production)."""
    try:
        added = seed_demo()
    except DemoRefused as error:
        raise click.ClickException(str(error)) from None
    summary = ", ".join(f"{count} {kind}" for kind, count in added.items() if count)
    click.echo(f"Demo data: added {summary}." if summary else "Demo data: already present, nothing added.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--borough-id", type=int, default=None)
@click.option("--agency-id", type=int, default=None)
def create_user_command(
    email: str, name: str, role: str, borough_id: int | None, agency_id: int | None
) -> None:
    """Create an account and print a one-time link to set its password."""
    details = accounts.AccountDetails(email, name, Role(role), borough_id, agency_id)
    try:
        user = accounts.create_user(details)
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    token = accounts.issue_password_token(user, None)
    base = current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/")
    click.echo(f"Created {user.email}. Set-password link (works once): {base}/set-password/{token}")


@click.command("demo-banner")
def demo_banner_command() -> None:
    """Print the address and the demo sign-ins."""
    password = current_app.config["DEMO_PASSWORD"]
    click.echo("")
    click.echo("  casework: open http://127.0.0.1:5000 in your browser")
    click.echo(f"  Demo sign-ins (password: {password}):")
    for email, label in demo_sign_ins():
        click.echo(f"    {email:<30} {label}")
    for line in demo_banner_lines("http://127.0.0.1:5000"):
        click.echo(line)
    click.echo("  Press Ctrl-C to stop the web server, the worker and the scheduler.")
    click.echo("")
