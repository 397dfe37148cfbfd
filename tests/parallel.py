"""Real parallel POSTs of one rendered form: each in its own thread of the live server.

For the tests that prove a form acts once however often it is sent at the same moment
(feedback_portal/once.py). Run them on PostgreSQL, where requests really overlap.
"""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.test import Client as Browser


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_at_once(
    live_server_url: str,
    user,
    *,
    page: str,
    to: str,
    data: Callable[[str], dict],
    times: int = 10,
) -> list[int]:
    """Sign `user` in, open `page` once, then POST `data(page's HTML)` to `to` `times` times at
    the same moment, with the page's CSRF token; the HTTP status of each answer."""
    browser = Browser()
    browser.force_login(user)
    session = browser.cookies["sessionid"].value
    request = urllib.request.Request(live_server_url + page, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request) as response:
        html = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data(html), "csrfmiddlewaretoken": token}, doseq=True).encode()
    ready = threading.Barrier(times)
    statuses: list[int] = []
    opener = urllib.request.build_opener(_NoRedirects)

    def send() -> None:
        post = urllib.request.Request(
            live_server_url + to,
            data=body,
            headers={"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}"},
        )
        ready.wait(timeout=10)
        try:
            with opener.open(post, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses
