"""schemathesis against the real server with the document the server gives: for every
operation, a bounded number of generated requests (more when CI is set), with a
coordinator's token and with a volunteer's. No answer may be a 500, and every answer must be
one the document names (status, content type, and the schema of its body).

Failures are what the document is for: fix the app (a 500) or the declaration next to the
route (an answer it does not name), never the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import member
from tests.live import LiveServer, start_server

pytestmark = pytest.mark.server

EXAMPLES = 30 if os.environ.get("CI") else 5
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)


@pytest.fixture
def server(database_url: str) -> Iterator[LiveServer]:
    started = start_server(database_url, threads=4)
    yield started
    started.stop()


def _schemathesis(
    server: LiveServer, token: str, workdir: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--url",
        f"{server.url}/api/v1",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261206"),
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-color",
        "--suppress-health-check",
        "all",
    ]
    # Its cache goes to the test's folder, not the work tree.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=540, check=False, cwd=workdir
    )


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_every_operation_answers_as_its_document_says_and_never_with_a_500(
    server: LiveServer, token_for: Any, tmp_path: Path, role: str
) -> None:
    desk, stock = token_for("volunteer"), token_for("stock_manager")
    # Records for the generated ids to find: household 1 with a card, donation 1 on the shelves.
    assert server.request("POST", "/api/v1/households", desk, {"members": [member()]}).status == 201
    donation = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 50}]}
    assert server.request("POST", "/api/v1/donations", stock, donation).status == 201
    run = _schemathesis(server, token_for(role), tmp_path)
    # The failures come first, the summary last.
    said = run.stdout[:15000] + "\n...\n" + run.stdout[-3000:] + run.stderr[-3000:]
    assert run.returncode == 0, said + server.log_tail()
