"""Security headers on every page, templates a strict Content-Security-Policy can run, the HTTPS
settings an https base URL brings, and `kontor check --deploy` passing for such an install."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.test_every_route import PUBLIC_PAGES, _fill, all_routes
from tests.test_every_route import alices_things as alices_things  # noqa: F401  (the fixture)

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Templates that are no page of Kontor: e-mails (mail programs need inline styles), and the plain
# form an owner copies into the company's website (shown on Kontor as text, escaped).
NOT_PAGES = ("emails/", "webforms/snippet_form.html")
# Pages with a stricter policy of their own: an e-mail's HTML, sandboxed with no script at all
# (its styles are the sender's, allowed inline there: kontor/mail/display.py).
OWN_POLICY = {"mail:html"}
OWN_POLICY_TEMPLATES = {"mail/html_version.html"}
EMBED_PAGES = {"webforms_public:embed"}


def _directives(policy: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (piece.strip() for piece in policy.split(";")) if part}


def assert_security_headers(response, name: str) -> None:
    policy = _directives(response["Content-Security-Policy"])
    if name in OWN_POLICY and response.status_code == 200:
        assert policy["default-src"] == "'none'" and "script-src" not in policy, name
    else:
        assert policy["default-src"] == "'self'", name
        assert policy["script-src"] == "'self'", name
        assert policy["style-src"] == "'self'", name
        assert policy["object-src"] == "'none'", name
        if name in EMBED_PAGES:
            assert "frame-ancestors" not in policy, name  # a form without an allow-list: any website
        else:
            assert policy["frame-ancestors"] == "'none'", name
            assert response["X-Frame-Options"] == "DENY", name
    assert "unsafe-inline" not in policy.get("script-src", "") and "unsafe-eval" not in str(policy), name
    assert response["X-Content-Type-Options"] == "nosniff", name
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer"), name
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in response["Permissions-Policy"], name


# --- what a template must not contain -------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^<>]*(?:\{[{%].*?[%}]\}[^<>]*)*>", re.DOTALL)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
EVAL_NEEDING = [
    (re.compile(r"\shx-on\b|\sdata-hx-on\b", re.IGNORECASE), "hx-on runs its code with eval"),
    (re.compile(r"\shx-trigger\s*=\s*[\"'][^\"']*\[", re.IGNORECASE), "an hx-trigger filter runs with eval"),
    (re.compile(r"\shx-(?:vals|vars)\s*=\s*[\"']\s*(?:js|javascript):", re.IGNORECASE), "js: values run with eval"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
    (re.compile(r"<style\b", re.IGNORECASE), "an inline <style> block"),
    (re.compile(r"\sstyle\s*=\s*[\"']", re.IGNORECASE), "an inline style attribute"),
]


def csp_problems(html: str, styles: bool = True) -> list[str]:
    """What in this HTML a strict Content-Security-Policy would block or need eval for (with
    `styles` off: only what concerns scripts)."""
    problems = []
    for match in SCRIPT_TAG.finditer(html):
        attributes = match.group(1).lower()
        is_data = re.search(r"type\s*=\s*[\"']application/(?:ld\+)?json", attributes)
        if "src=" not in attributes and "nonce=" not in attributes and not is_data:
            problems.append(f"an inline script: {match.group(0)}")
    for tag in TAG.finditer(html):
        if HANDLER_ATTRIBUTE.search(tag.group(0)):
            problems.append(f"an event handler attribute: {tag.group(0)[:120]}")
    for pattern, why in EVAL_NEEDING if styles else EVAL_NEEDING[:4]:
        problems += [f"{why}: {found.group(0)}" for found in pattern.finditer(html)]
    return problems


def test_the_template_scan_finds_what_a_strict_policy_blocks():
    assert csp_problems('<script>alert(1)</script>')
    assert csp_problems('<form method="post" onsubmit="return confirm(this.dataset.confirm)">')
    assert csp_problems('<button class="x" {% if a %}disabled{% endif %} onclick="go()">')
    assert csp_problems('<div hx-on:click="alert(1)">')
    assert csp_problems('<div hx-trigger="input[target.value.length > 2]">')
    assert csp_problems('<p style="color: red">')
    assert not csp_problems('<style>p { color: red }</style>', styles=False)
    assert not csp_problems('<script src="/static/kontor/app.js" defer></script>')
    assert not csp_problems('<script type="application/json" id="data">{"a": 1}</script>')
    assert not csp_problems('<script nonce="{{ request.csp_nonce }}">go()</script>')
    assert not csp_problems('<div hx-trigger="input changed delay:250ms, search" data-one="1">')


def test_no_page_template_has_inline_script_handlers_or_eval():
    templates = sorted(path for path in TEMPLATES.rglob("*.html")
                       if not str(path.relative_to(TEMPLATES)).startswith(NOT_PAGES))
    assert len(templates) > 100
    problems = {name: csp_problems(path.read_text(), styles=name not in OWN_POLICY_TEMPLATES)
                for name, path in ((str(path.relative_to(TEMPLATES)), path) for path in templates)}
    assert {name: found for name, found in problems.items() if found} == {}


# --- every page, logged in and not ----------------------------------------------------------

class _KnownOrMissing(dict):
    """Alice's ids, and for a kind the walk does not know a missing id: a 404 page is a page too."""
    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> int:
        return 999_999_999


def _html_pages(client: Client, routes: list[tuple[str, str]], ids: dict) -> int:
    checked = 0
    for pattern, name in routes:
        response = client.get(_fill(pattern, _KnownOrMissing(ids)))
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # downloads, feeds, JSON: no page
        assert_security_headers(response, name)
        if not getattr(response, "streaming", False):
            assert csp_problems(response.content.decode(), styles=name not in OWN_POLICY) == [], name
        checked += 1
    return checked


def test_every_page_carries_the_security_headers_and_no_inline_script(alices_things, alice):  # noqa: F811
    pages = [(pattern, name) for pattern, name in all_routes() if not pattern.startswith("api/")]
    assert _html_pages(alice.client, pages, alices_things) >= 60


def test_the_public_pages_carry_the_security_headers_too(alices_things, client):  # noqa: F811
    pages = [(pattern, name) for pattern, name in all_routes() if name in PUBLIC_PAGES]
    assert _html_pages(client, pages, alices_things) >= 8
    assert_security_headers(client.get("/no-such-page/"), "not found")


def test_the_api_docs_page_runs_under_the_policy(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_security_headers(response, "api docs")
    assert csp_problems(response.content.decode()) == []


# --- HTTPS ----------------------------------------------------------------------------------

def _settings_for(tmp_path: Path, **environment: str) -> dict:
    """Kontor's security settings as an install with this environment computes them."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("KONTOR_")
           # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment has no such thing.
           and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(KONTOR_DATA_DIR=str(tmp_path / "data"), **environment)
    names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "SILENCED_SYSTEM_CHECKS"]
    script = ("import json, kontor.settings as s; "
              f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))")
    finished = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_an_https_base_url_turns_on_the_redirect_and_hsts(tmp_path):
    https = _settings_for(tmp_path, KONTOR_BASE_URL="https://crm.example.com")
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert https["SECURE_PROXY_SSL_HEADER"] is None  # no proxy named: X-Forwarded-Proto is not believed
    plain = _settings_for(tmp_path, KONTOR_BASE_URL="http://127.0.0.1:8000")
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0


def test_the_redirect_can_be_left_to_the_proxy_and_its_header_trusted(tmp_path):
    behind_proxy = _settings_for(tmp_path, KONTOR_BASE_URL="https://crm.example.com",
                                 KONTOR_HTTPS_REDIRECT="false", KONTOR_TRUSTED_PROXIES="10.0.0.2")
    assert behind_proxy["SECURE_SSL_REDIRECT"] is False
    assert behind_proxy["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_wrong_redirect_setting_stops_the_start_with_its_name(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("KONTOR_")}
    env.update(KONTOR_DATA_DIR=str(tmp_path / "data"), KONTOR_HTTPS_REDIRECT="maybe")
    finished = subprocess.run([sys.executable, "-c", "import kontor.settings"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "KONTOR_HTTPS_REDIRECT must be true or false" in finished.stderr


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_plain_http_is_redirected_and_https_answers_with_hsts():
    redirected = Client().get("/accounts/login/?next=/people/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/accounts/login/?next=/people/"
    secure = Client().get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, TRUSTED_PROXIES=["10.0.0.0/24"],
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_trusted_proxy_its_https_header_counts():
    through_proxy = Client(REMOTE_ADDR="10.0.0.2").get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert through_proxy.status_code == 200
    assert "Strict-Transport-Security" in through_proxy
    plain = Client(REMOTE_ADDR="10.0.0.2").get("/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    assert plain.status_code == 301


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, TRUSTED_PROXIES=["10.0.0.0/24"],
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_a_client_that_is_no_trusted_proxy_cannot_claim_https():
    direct = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR="203.0.113.9")
    assert direct.status_code == 301
    assert direct["Location"] == "https://testserver/accounts/login/"
    assert "Strict-Transport-Security" not in direct


def _check_deploy(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("KONTOR_")
           # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment has no such thing.
           and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(KONTOR_DATA_DIR=str(tmp_path / "data"), SECRET_KEY=secrets.token_urlsafe(50), **environment)
    return subprocess.run([sys.executable, "-m", "kontor.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_deployment_check_passes_for_an_https_install(tmp_path):
    finished = _check_deploy(tmp_path, KONTOR_BASE_URL="https://crm.example.com")
    assert finished.returncode == 0, finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_the_deployment_check_passes_when_the_proxy_redirects_and_flags_plain_http(tmp_path):
    behind_proxy = _check_deploy(tmp_path, KONTOR_BASE_URL="https://crm.example.com",
                                 KONTOR_HTTPS_REDIRECT="false", KONTOR_TRUSTED_PROXIES="127.0.0.1")
    assert behind_proxy.returncode == 0, behind_proxy.stderr
    plain = _check_deploy(tmp_path, KONTOR_BASE_URL="http://crm.example.com")
    assert plain.returncode != 0
    assert "security.W012" in plain.stderr  # session cookies without https: the check still says so
