"""A throwaway Dovecot IMAP server for the poller's tests: its own configuration, mail and sockets in
a temporary folder, listening on a free loopback port, plain IMAP with a plain password.

Debian's dovecot-imapd provides the binary (`.ci/run` installs it); without it the tests that use
the `dovecot` fixture are skipped with a reason naming the package."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "kontor"
PASSWORD = "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    user: str
    password: str

    def url(self, folder: str = "INBOX") -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/{folder}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped at once:\n{log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {port}:\n{log.read_text() if log.exists() else ''}")


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of its own, stopped and removed at the end (test_imap.py keeps one per session)."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        pytest.skip("Dovecot is not installed (Debian package dovecot-imapd)")
    # Outside pytest's private (0700) temporary folders: Dovecot's unprivileged processes must reach it.
    root = Path(tempfile.mkdtemp(prefix="kontor-dovecot-"))
    root.chmod(0o755)
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    internal, login, mail = _users()
    for folder in ("mail", "home"):
        os.chown(root / folder, mail.pw_uid, mail.pw_gid)
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, internal=internal.pw_name, login=login.pw_name,
                                    group=grp.getgrgid(internal.pw_gid).gr_name,
                                    uid=mail.pw_uid, gid=mail.pw_gid))
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield Dovecot("127.0.0.1", port, USER, PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _users() -> tuple[pwd.struct_passwd, pwd.struct_passwd, pwd.struct_passwd]:
    """Who Dovecot's processes run as: internal, login, and the owner of the mail. As root (a CI
    container) Dovecot refuses to run its login process as root, so the package's own users
    serve; as anyone else, everything runs as that user."""
    if os.geteuid() == 0:
        try:
            internal = pwd.getpwnam("dovecot")
            return internal, pwd.getpwnam("dovenull"), internal
        except KeyError:
            pytest.skip("Dovecot's users dovecot and dovenull are missing (Debian package dovecot-core)")
    me = pwd.getpwuid(os.geteuid())
    return me, me, me
