"""The W3C Nu HTML checker (vnu.jar, from npm's vnu-jar, on the Debian JRE) over served pages.

The pages' HTML is written to a folder and checked in one run of the checker (one JVM start
for the whole audit); each error comes back with the page it was found on. `make test`
installs the checker with npm; where it or Java is missing the audit says so, and fails
under REQUIRE_SERVICES=1 (CI), like a missing browser.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def available() -> bool:
    """Whether the checker can run here; skips the test (fails it in CI) when it cannot."""
    missing = [
        what for what, ok in (("java", shutil.which("java")), (str(VNU_JAR), VNU_JAR.exists())) if not ok
    ]
    if not missing:
        return True
    reason = f"the Nu HTML checker needs {' and '.join(missing)} (make test installs it with npm)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: every service-backed test must run)")
    pytest.skip(reason)
    return False


def errors(documents: dict[str, str]) -> list[str]:
    """Every error the checker finds, as "page: message (line N): extract", over `documents`
    (what each page is → its served HTML)."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="nu-") as folder:
        names = {}
        for n, (what, html) in enumerate(documents.items()):
            path = Path(folder) / f"{n:03d}-{re.sub(r'[^a-z0-9]+', '-', what.lower()).strip('-')}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = what
        command = ["java", "-Xss2m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        files = sorted(str(p) for p in Path(folder).iterdir())
        run = subprocess.run(
            [*command, "--exit-zero-always", *files], capture_output=True, text=True, timeout=300, check=True
        )
    found = []
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        page = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        extract = " ".join(message.get("extract", "").split())[:120]
        found.append(f"{page}: {message['message']} (line {message.get('lastLine', '?')}): {extract}")
    return found
