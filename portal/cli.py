"""``portal``: the operator's command line (set up the database, add users and organizations, serve)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from portal.actions import registry
from portal.config import Settings
from portal.errors import ActionError
from portal.services import Services


def default_site_url(host: str, port: int) -> None:
    """Without PORTAL_SITE_URL, links (download URLs, API help) point at where this process serves."""
    if not os.environ.get("PORTAL_SITE_URL"):
        os.environ["PORTAL_SITE_URL"] = f"http://{host}:{port}"


def services(migrate: bool = True) -> Services:
    s = Services.from_settings(Settings.from_env())
    if migrate:
        s.migrate()
    return s


def run_as_sysadmin(name: str, data: dict[str, Any]) -> Any:
    """Operators act with full rights: the CLI runs actions as a built-in site user."""
    svc = services()
    with svc.system_context("site-user", "Site operator (command line)") as ctx:
        try:
            return registry.call(name, ctx, data)
        except ActionError as exc:
            raise click.ClickException(f"{name} failed: {exc.message}") from None


@click.group()
def main() -> None:
    """Run and administer the open data portal (configuration: PORTAL_* environment variables)."""


@main.command()
def init() -> None:
    """Create the database and bring it to the latest schema."""
    svc = services()
    click.echo(f"Database ready: {svc.db.engine.url.render_as_string(hide_password=True)}")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION; run once per deployment, before starting new processes."""
    from portal.db import upgrade

    svc = services(migrate=False)
    upgrade(svc.db.engine, revision)
    click.echo(f"Database at {revision}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the portal (for production use gunicorn: see docs/deploy.md)."""
    default_site_url(host, port)
    from portal.app import create_app

    create_app().run(host=host, port=port, debug=debug, threaded=True)


@main.group()
def user() -> None:
    """Users."""


@user.command("add")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--fullname", default=None)
@click.option("--sysadmin", is_flag=True)
def user_add(name: str, email: str, password: str, fullname: str | None, sysadmin: bool) -> None:
    """Create user NAME."""
    data = {"name": name, "email": email, "password": password, "fullname": fullname, "sysadmin": sysadmin}
    created = run_as_sysadmin("user_create", data)
    click.echo(f"Created user {created['name']}{' (sysadmin)' if sysadmin else ''}")


@main.group()
def org() -> None:
    """Organizations (publishing partners)."""


@org.command("add")
@click.argument("name")
@click.option("--title", required=True)
@click.option("--description", default="")
def org_add(name: str, title: str, description: str) -> None:
    """Create organization NAME."""
    created = run_as_sysadmin("organization_create", {"name": name, "title": title, "description": description})
    click.echo(f"Created organization {created['name']}")


@main.group()
def member() -> None:
    """Organization memberships."""


@member.command("add")
@click.argument("org_name")
@click.argument("user_name")
@click.option("--role", type=click.Choice(["member", "editor", "admin"]), default="member", show_default=True)
def member_add(org_name: str, user_name: str, role: str) -> None:
    """Give USER_NAME a ROLE in ORG_NAME."""
    run_as_sysadmin("organization_member_create", {"id": org_name, "username": user_name, "role": role})
    click.echo(f"{user_name} is now {role} of {org_name}")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("new")
@click.argument("user_name")
@click.option("--name", "label", default="cli", show_default=True)
def token_new(user_name: str, label: str) -> None:
    """Create an API token for USER_NAME; the token is printed alone on the last line."""
    result = run_as_sysadmin("api_token_create", {"user": user_name, "name": label})
    click.echo(f"API token for {user_name} (shown once; store it safely):", err=True)
    click.echo(result["token"])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo content and exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Load the demo catalogue (partners, themes, datasets made up here), then serve it."""
    from portal.demo import load_demo

    default_site_url(host, port)
    svc = services()
    summary = load_demo(svc)
    click.echo(summary)
    if not no_serve:
        from portal.app import create_app

        click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
        create_app().run(host=host, port=port, threaded=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
