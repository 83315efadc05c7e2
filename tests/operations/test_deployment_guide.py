"""docs/deployment.md promises that every `kontor` command in it is one the tests run: each is
parsed by the real command's parser, the backup, restore, account and migrate commands run for
real against throwaway installs, and every setting the guide names exists."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from kontor import cli
from tests.operations.conftest import ROOT, kontor, kontor_env

GUIDE = ROOT / "docs" / "deployment.md"
RUN_FOR_REAL = {"backup", "restore", "createaccount", "migrate"}
DOC_BACKUPS = "/var/backups/kontor/"


def shell_commands() -> list[list[str]]:
    """The `kontor …` lines of the guide's sh blocks, split as the shell would."""
    commands, in_shell = [], False
    for line in GUIDE.read_text().splitlines():
        if line.strip().startswith("```"):
            in_shell = line.strip() == "```sh" and not in_shell
            continue
        words = shlex.split(line, comments=True) if in_shell else []
        if words[:2] == ["sudo", "kontor"]:
            words = words[1:]
        if words[:1] == ["kontor"]:
            commands.append(words[1:])
    return commands


def test_the_guide_shows_the_commands_an_operator_needs() -> None:
    subcommands = {words[0] for words in shell_commands()}

    assert {"backup", "restore", "createaccount", "migrate", "web"} <= subcommands


@pytest.mark.parametrize("words", shell_commands(), ids=lambda words: " ".join(words))
def test_each_kontor_command_in_the_guide_is_accepted_by_its_parser(words: list[str]) -> None:
    name, arguments = words[0], words[1:]
    if name in {"web", "run"}:
        cli._parse_web_args(arguments)
        return
    commands = get_commands()
    assert name in commands, f"kontor {name} is no command"
    parser = load_command_class(commands[name], name).create_parser("kontor", name)
    parser.parse_args(arguments)  # a wrong flag ends the test with the parser's message


def test_every_inline_kontor_command_of_the_guide_exists() -> None:
    named = set(re.findall(r"`kontor ([a-z]+)", GUIDE.read_text()))

    assert named and named <= set(get_commands()) | {"web", "worker", "run"}


def _real_paths(words: list[str], backups: Path) -> list[str]:
    return [str(backups / word.removeprefix(DOC_BACKUPS)) + ("/" if word.endswith("/") else "")
            if word.startswith(DOC_BACKUPS) else word for word in words]


def test_the_guides_backup_and_restore_commands_work_as_written(
        new_data_dir: Callable[[str], Path], tmp_path: Path) -> None:
    """The guide's commands in its order: an account, the backups (by default and with --output),
    the restore into a new install (the guide's nightly archive is the default backup), and the
    restore with --force over it. The guide's /var/backups/kontor/ is a folder of the test."""
    backups = tmp_path / "backups"
    backups.mkdir()
    origin_env, target_env = kontor_env(new_data_dir("origin")), kontor_env(new_data_dir("target"))
    written: list[Path] = []
    for words in shell_commands():
        if words[0] not in RUN_FOR_REAL:
            continue
        args = _real_paths(words, backups)
        if words[0] == "restore":
            archive = Path(args[-1])
            if not archive.exists():
                shutil.copy(written[0], archive)
            result = kontor(args, target_env)
            assert "accounts_account: 1" in result.stdout
        else:
            result = kontor(args, origin_env)
            if words[0] == "backup":
                written.append(Path(result.stdout.strip()))
                assert written[-1].is_file()
                if args[-1].endswith("/"):  # a folder: the archive gets its usual name there
                    assert written[-1].parent == backups and written[-1].name.startswith("kontor-")
    assert len(written) >= 3
    assert kontor(["createaccount", "--name", "Zweite AG", "--email", "zoe@example.com", "--password",
                   "another passphrase"], target_env).stdout.strip() == "2"


SETTING = re.compile(r"\b(KONTOR_[A-Z0-9_]+|DATABASE_URL|REDIS_URL|SECRET_KEY|EMAIL_URL|IMAP_URL|S3_[A-Z_]+|PORT)\b")


def test_every_setting_the_guide_names_is_one_kontor_reads() -> None:
    named = set(SETTING.findall(GUIDE.read_text()))
    source = (ROOT / "kontor" / "settings.py").read_text() + (ROOT / "kontor" / "cli.py").read_text()

    assert {"KONTOR_TRUSTED_PROXIES", "KONTOR_BACKUP_KEEP", "DATABASE_URL", "REDIS_URL", "S3_BUCKET"} <= named
    missing = sorted(name for name in named if f'"{name}"' not in source)
    assert missing == []


def test_the_proxy_configurations_send_what_kontor_trusts() -> None:
    guide = GUIDE.read_text()
    nginx = guide[guide.index("```nginx"):]
    nginx = nginx[: nginx.index("```\n", 3)]
    caddy = guide[guide.index("```caddyfile"):]
    caddy = caddy[: caddy.index("```\n", 3)]

    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "client_max_body_size 100m;" in nginx and "max_size 100MB" in caddy
    assert "reverse_proxy 127.0.0.1:8000" in caddy and "proxy_pass http://127.0.0.1:8000;" in nginx
    # 100 MB is what Kontor itself takes by default (four files of 25 MB), so Kontor answers first.
    from django.conf import settings

    assert settings.KONTOR_MAX_REQUEST_BYTES == 100 * 1024 * 1024


def test_the_guides_systemd_units_are_valid(tmp_path: Path) -> None:
    """systemd-analyze checks every unit of the guide (the programs they start are replaced by
    /bin/true: the test machine has no /opt/kontor). Without systemd, the sections are checked."""
    units = re.findall(r"```ini\n# /etc/systemd/system/(\S+)\n(.*?)```", GUIDE.read_text(), re.S)
    assert {name for name, _ in units} >= {"kontor-web.service", "kontor-worker.service", "kontor-mail.service"}
    for name, text in units:
        (tmp_path / name).write_text(re.sub(r"(?m)^ExecStart=\S+", "ExecStart=/bin/true", text))
        assert "[Unit]" in text and ("[Service]" in text or "[Timer]" in text)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    result = subprocess.run([analyze, "verify", "--man=no", *(str(tmp_path / name) for name, _ in units)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
