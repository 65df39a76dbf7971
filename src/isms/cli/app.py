"""The Typer application: one sub-command group per area, each in its own module."""

import typer

from isms import __version__
from isms.cli import (
    assess,
    audit,
    awareness,
    backup,
    benchmark,
    catalog,
    certification,
    connect,
    demo,
    exchange,
    nonconformities,
    organisations,
    review,
    verify,
)
from isms.cli.output import console

app = typer.Typer(
    name="isms",
    help="ISO/IEC 27001:2022 ISMS that audits itself.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(catalog.app, name="catalog")
app.add_typer(organisations.org_app, name="org")
app.add_typer(organisations.user_app, name="user")
app.add_typer(organisations.member_app, name="member")
app.add_typer(organisations.token_app, name="token")
app.add_typer(nonconformities.app, name="nc")
app.add_typer(review.app, name="review")
app.add_typer(audit.app, name="audit")
app.add_typer(certification.app, name="certification")
app.add_typer(awareness.app, name="awareness")
app.command("demo")(demo.demo)
app.command("import")(exchange.import_command)
app.command("connect")(connect.connect_command)
app.command("export")(exchange.export_command)
app.command("template")(exchange.template_command)
app.command("assess")(assess.assess_command)
app.command("rules")(assess.rules_command)
app.command("benchmark")(benchmark.benchmark_command)
app.command("verify")(verify.verify_command)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)


@app.command("migrate")
def migrate() -> None:
    """Create or upgrade the database schema and load the catalogue if it is empty."""
    from isms.cli.database import ensure_database

    ensure_database(verbose=True, create=True)


@app.command("docs")
def docs(
    write: bool = typer.Option(False, "--write", help="Rewrite the files instead of checking."),
) -> None:
    """Check (or with --write, regenerate) the generated reference pages in docs/."""
    from pathlib import Path

    from isms.cli.output import fail
    from isms.exchange.docs import render_import_format
    from isms.readiness.docs import render_rules

    pages = {
        Path("docs/import-format.md"): render_import_format(),
        Path("docs/rules.md"): render_rules(),
    }
    stale = [path for path, text in pages.items() if not path.exists() or path.read_text() != text]
    if write:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(pages[path])
            console.print(f"wrote {path}")
        return
    if stale:
        fail("generated docs are stale; run: isms docs --write", [str(p) for p in stale])
    console.print("generated docs are current")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Also run a background worker (mock audits started in the browser), stopped with "
        "the server.",
    ),
) -> None:
    """Serve the web application and the REST API with Django's built-in server, for local use.

    With the demo organisation (``isms demo``) in the database, prints a sign-in for each demo
    user, each with a new password. Other users: ``isms user create`` and ``isms member add``.
    For production run a WSGI server instead, e.g. ``gunicorn isms.wsgi``, behind TLS, and
    ``isms worker`` as its own service."""
    from django.core.management import call_command

    from isms.cli.database import ensure_database
    from isms.cli.serve import (
        background_work_needs_a_worker,
        demo_logins,
        start_worker,
        stop_worker,
        stopped_by_sigterm,
    )

    ensure_database()
    logins = demo_logins()
    if logins:
        console.print("Demo sign-ins (new passwords each time isms serve starts):")
        for username, role, password in logins:
            console.print(f"  {username:17} {password}   {role}", highlight=False)
    background = start_worker() if worker and background_work_needs_a_worker() else None
    if background is not None:
        console.print(f"Background worker started (pid {background.pid}), stopped with the server.")
    elif worker:
        console.print("Background work runs in the request (ISMS_TASKS=immediate).")
    else:
        console.print(
            "No background worker (--no-worker): run isms worker to complete mock audits."
        )
    console.print(
        f"isms on http://{host}:{port}/ (sign in), the API on http://{host}:{port}/api/docs "
        "(Ctrl+C to stop)",
        highlight=False,
    )
    try:
        with stopped_by_sigterm():
            call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if background is not None:
            stop_worker(background)


@app.command("worker")
def worker(
    queue: str = typer.Option(
        "default", "--queue", help="Queues to take work from, comma-separated ('*': all)."
    ),
    batch: bool = typer.Option(
        False, "--batch", help="Run what is queued now, then stop (instead of waiting for more)."
    ),
    interval: float = typer.Option(
        1.0, "--interval", min=0.0, help="Seconds to wait between looks at an empty queue."
    ),
) -> None:
    """Run background work: mock audits asked for in the browser or through the API.

    A wrapper of django-tasks' ``db_worker`` on this database. ``isms serve`` starts one for
    you; in production run it as its own service next to the web server."""
    from django.core.management import call_command

    from isms.cli.database import ensure_database

    ensure_database()
    if not batch:
        console.print(f"isms worker: taking mock audits from the {queue!r} queue (Ctrl+C to stop)")
    call_command(
        "db_worker",
        queue_name=queue,
        batch=batch,
        interval=interval,
        reload=False,
        startup_delay=not batch,
        verbosity=0 if batch else 1,
    )


@app.command("version")
def version() -> None:
    """Print the isms version."""
    console.print(__version__)
