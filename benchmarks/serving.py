"""Serving the portal with gunicorn and visiting it as a signed-in user, through HTTP
(benchmarks/http_bench.py)."""

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

from environment import BASE_DIR, VAR_DIR

PASSWORD = "bench-only-password-2026"  # the recruiter's and the admin's, set when seeding


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers, as a process of its own; stopped by `stop`."""

    def __init__(self, env: dict, name: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.log = VAR_DIR / f"gunicorn-{name}.log"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "feedback_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{self.port}"]
        # A slow page at 100,000 requests is measured, not killed half-way.
        command += ["--timeout", "120", "--error-logfile", str(self.log)]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped at start; see {self.log}")
            try:
                if fetch(plain_opener(), self.base + "/accounts/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not answer within a minute; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


def plain_opener(jar: CookieJar | None = None):
    return urllib.request.build_opener(
        NoRedirect, urllib.request.HTTPCookieProcessor(CookieJar() if jar is None else jar)
    )


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, dict, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=120) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


class Visitor:
    """A signed-in browser: signs in through the form, then carries its session cookie."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = plain_opener(self.jar)
        status, _, html = fetch(self.opener, base + "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            sys.exit(f"The sign-in page did not offer a form ({status}).")
        status, headers, _ = fetch(
            self.opener,
            base + "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        )
        if status != 302 or "sessionid" not in self.cookie:
            sys.exit(f"Signing in as {email} failed ({status}, {headers.get('Location')}).")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, path: str) -> tuple[int, dict, str]:
        return fetch(self.opener, urllib.parse.urljoin(self.base, path))


class NextLink(HTMLParser):
    """The href of the first <a rel="next">."""

    def __init__(self):
        super().__init__()
        self.href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and self.href is None and "next" in (attrs.get("rel") or "").split():
            self.href = attrs.get("href")


def next_link(html: str) -> str | None:
    parser = NextLink()
    parser.feed(html)
    return parser.href


def has_field(html: str, name: str) -> bool:
    return re.search(rf'<(input|select)\b[^>]*\bname="{re.escape(name)}"', html) is not None
