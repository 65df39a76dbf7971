import pytest
from typer.testing import CliRunner

from isms.cli.app import app


@pytest.fixture
def cli(db):
    """cli(*args) -> click Result, run in-process against the test database."""
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, [str(arg) for arg in args], input=input, catch_exceptions=False)

    return invoke
