"""A real Weblate for the team recipe's test: PostgreSQL and Weblate (from .venv-weblate,
`make weblate-test`) started in a temporary folder and stopped by their PIDs."""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import REPO

VENV = Path(os.environ.get("PAMPHLET_WEBLATE_VENV", REPO / ".venv-weblate")).resolve()


def load_recipe_script():
    """weblate/setup_project.py, the script the docs tell teams to run."""
    spec = importlib.util.spec_from_file_location("setup_project",
                                                  REPO / "weblate" / "setup_project.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_binary(name: str) -> str:
    """Debian keeps initdb and postgres out of PATH, in /usr/lib/postgresql/N/bin."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} not found: `make weblate-test` installs it")
    return found


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as Debian's postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Weblate:
    """The running instance: its API (setup_project.Api), its address and token."""

    def __init__(self, url: str, token: str, env: dict[str, str]):
        self.url, self.token, self.env = url, token, env
        self.api = load_recipe_script().Api(url, token)

    def versions(self) -> dict[str, str]:
        """The versions of Weblate and of the Translate Toolkit it reads and writes PO with."""
        names = ("weblate", "translate-toolkit")
        out = subprocess.run([str(VENV / "bin" / "python"), "-c",
                              "import sys; from importlib.metadata import version; "
                              "print(*(version(name) for name in sys.argv[1:]))", *names],
                             check=True, capture_output=True, text=True).stdout
        return dict(zip(names, out.split(), strict=True))


@pytest.fixture(scope="session")
def weblate():
    if not (VENV / "bin" / "weblate").exists():
        raise RuntimeError(f"no Weblate in {VENV}: run `make weblate-test`")
    top = Path(tempfile.mkdtemp(prefix="pamphlet-weblate-"))
    os.chmod(top, 0o755)
    pgdata, sockets, data = top / "pg", top / "sockets", top / "data"
    sockets.mkdir()
    data.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
        os.chown(top, owner.pw_uid, owner.pw_gid)
    db_port, web_port = free_port(), free_port()
    subprocess.run(as_postgres([postgres_binary("initdb"), "-D", str(pgdata), "-U", "weblate",
                                "--auth=trust", "-E", "UTF8"]), check=True,
                   capture_output=True)
    postgres = subprocess.Popen(as_postgres([
        postgres_binary("postgres"), "-D", str(pgdata), "-k", str(sockets), "-p",
        str(db_port), "-c", "listen_addresses=", "-c", "fsync=off"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = None
    try:
        socket_file = sockets / f".s.PGSQL.{db_port}"
        for _ in range(300):
            if socket_file.exists():
                break
            time.sleep(0.1)
        subprocess.run(["psql", "-h", str(sockets), "-p", str(db_port), "-U", "weblate", "-d",
                        "postgres", "-c", "CREATE DATABASE weblate"], check=True,
                       capture_output=True)
        env = {**os.environ, "PYTHONPATH": str(REPO / "weblate"),
               "DJANGO_SETTINGS_MODULE": "pamphlet_weblate_settings",
               "PAMPHLET_WEBLATE_DATA": str(data), "PAMPHLET_WEBLATE_PORT": str(web_port),
               "CI_DB_HOST": str(sockets), "CI_DB_PORT": str(db_port), "CI_DB_USER": "weblate"}
        bin_ = str(VENV / "bin" / "weblate")
        subprocess.run([bin_, "migrate", "--noinput"], env=env, check=True,
                       capture_output=True)
        subprocess.run([bin_, "createadmin", "--password", "admin-password", "--email",
                        "admin@example.com"], env=env, check=True, capture_output=True)
        token = subprocess.run(
            [bin_, "shell", "-c", "from weblate.auth.models import User; "
             "print(User.objects.get(username='admin').auth_token.key)"],
            env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        log = open(top / "weblate.log", "wb")  # noqa: SIM115 (closed with the server)
        server = subprocess.Popen([bin_, "runserver", f"127.0.0.1:{web_port}", "--noreload"],
                                  env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{web_port}"
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}/api/", timeout=5):
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((top / "weblate.log").read_text()[-3000:]) from None
                time.sleep(0.2)
        yield Weblate(url, token, env)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pid_file = pgdata / "postmaster.pid"  # the server itself, not runuser
        if pid_file.exists():
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
        postgres.wait(timeout=60)
        shutil.rmtree(top, ignore_errors=True)
