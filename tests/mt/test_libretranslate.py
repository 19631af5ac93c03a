"""The libretranslate engine against a real LibreTranslate server on 127.0.0.1 (its own
virtualenv, our random-weight Argos packages), in a network namespace with only loopback;
and its failures: unreachable, silent, refused key, unsupported pair, rate limit."""

from __future__ import annotations

import socket
import threading

import polib
import pytest

from tests.argos_fixture import built_packages
from tests.helpers import STATEMENT_EN, run, write_project
from tests.helpers import snapshot as all_files
from tests.libretranslate.server import prepare_packages, run_with_server
from workflow.catalog.model import active_entries, entry_state, machine_confidence
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.mt.engines.libretranslate import ServerError, plan_legs
from workflow.update import update


def route(url: str, **extra) -> str:
    settings = ", ".join(f'{key} = {value!r}'.replace("'", '"') for key, value in
                         {"engine": "libretranslate", "url": url, **extra}.items())
    return f'[tool.pamphlet.machine_translation]\n"en-es" = {{ {settings} }}\n'


def snapshot(root):
    """The project's files, less the lock file every writing command leaves."""
    return {name: data for name, data in all_files(root).items() if name != ".pamphlet.lock"}


def make_project(root, config: str):
    write_project(root, {"caravan": STATEMENT_EN}, config)
    project = load_project(root)
    update(project)
    return root


def entries(root, language):
    return list(active_entries(polib.pofile(str(root / "locale" / language / "caravan.po"))))


@pytest.fixture(scope="module")
def server_run(tmp_path_factory, argos_dir):
    """One server start for every scenario: API keys on, 3 requests a minute without one."""
    work = tmp_path_factory.mktemp("libretranslate")
    packages = prepare_packages(list(built_packages().values()), work / "packages")
    port_placeholder = "http://127.0.0.1:{port}"
    import tests.libretranslate.server as server

    port = server.free_port()
    url = port_placeholder.format(port=port)
    env = {"ARGOS_PACKAGES_DIR": str(argos_dir)}
    projects = {
        "good": make_project(work / "good", route(url, api_key_env="LT_API_KEY")),
        "bad_key": make_project(work / "bad_key", route(url, api_key_env="LT_API_KEY")),
        "no_key": make_project(work / "no_key", route(url, api_key_env="LT_API_KEY")),
        "unsupported": make_project(work / "unsupported", route(url).replace(
            '"en-es"', '"en-fa"')),
        "rate": make_project(work / "rate", route(url, batch_size=1, retries=2,
                                                  backoff=0.01)),
    }
    before = {name: snapshot(root) for name, root in projects.items()}
    commands = [
        {"name": "list", "cwd": str(projects["good"]), "argv": ["models", "list"], "env": env},
        {"name": "good", "cwd": str(projects["good"]),
         "argv": ["translate", "--lang", "es", "--lang", "ar"],
         "env": {**env, "LT_API_KEY": "key:team"}},
        {"name": "again", "cwd": str(projects["good"]),
         "argv": ["translate", "--lang", "es", "--lang", "ar"],
         "env": {**env, "LT_API_KEY": "key:team"}},
        {"name": "bad_key", "cwd": str(projects["bad_key"]), "argv": ["translate", "--lang", "es"],
         "env": {**env, "LT_API_KEY": "not-a-key"}},
        {"name": "no_key", "cwd": str(projects["no_key"]), "argv": ["translate", "--lang", "es"],
         "env": env, "unset": ["LT_API_KEY"]},
        {"name": "unsupported", "cwd": str(projects["unsupported"]),
         "argv": ["translate", "--lang", "fa"], "env": env},
        # Last: a client over its limit is banned for a while afterwards.
        {"name": "rate", "cwd": str(projects["rate"]), "argv": ["translate", "--lang", "es"],
         "env": env},
    ]
    results = run_with_server(work / "server", packages, commands, api_keys={"team": 1000},
                              server_options=["--req-limit", "3"], port=port)
    return {"url": url, "projects": projects, "before": before,
            "results": {r["name"]: r for r in results["results"]}}


@pytest.mark.slow
def test_translates_through_the_server_mixed_with_argos(server_run):
    url, root = server_run["url"], server_run["projects"]["good"]
    result = server_run["results"]["good"]
    assert result["code"] == 0, result["err"]
    assert f"model: libretranslate en->es {url} LibreTranslate 1.9.6" in result["out"]
    assert "model: argos en->ar translate-en_ar 1.0" in result["out"]
    assert result["changed"] == ["locale/ar/caravan.po", "locale/es/caravan.po"]
    for entry in entries(root, "es"):
        assert entry.msgstr and entry_state(entry) == "machine"
        assert " ".join(entry.tcomment.split()).startswith(
            f"machine translation: libretranslate en->es {url} LibreTranslate 1.9.6, "
            "confidence n/a")
        assert machine_confidence(entry) is None
    for entry in entries(root, "ar"):
        assert entry_state(entry) == "machine" and 0 < machine_confidence(entry) <= 1
    again = server_run["results"]["again"]
    assert again["code"] == 0, again["err"]
    assert again["changed"] == [] and "0 machine-translated" in again["out"]


@pytest.mark.slow
def test_models_list_shows_the_route(server_run):
    result = server_run["results"]["list"]
    assert result["code"] == 0, result["err"]
    line = next(line for line in result["out"].splitlines() if "en->es" in line)
    assert "libretranslate" in line and server_run["url"] in line and "LT_API_KEY" in line


@pytest.mark.slow
@pytest.mark.parametrize("name, code, message", [
    ("bad_key", 1, "refused the API key in $LT_API_KEY (Invalid API key)"),
    ("no_key", 2, "the environment variable LT_API_KEY (api_key_env of this route) is not "
                  "set"),
    ("unsupported", 1, "cannot translate en->fa, not even through English (it has "
                       "en->ar/es, es->ar/en)"),
    ("rate", 1, "is rate-limiting us"),
])
def test_failures_are_one_line_and_write_nothing(server_run, name, code, message):
    result = server_run["results"][name]
    assert result["code"] == code, result
    assert message in result["err"]
    assert result["err"].startswith("Error: pyproject.toml:5: ")
    assert len(result["err"].strip().splitlines()) == 1
    assert result["changed"] == []


# --- Failures that need no LibreTranslate: nothing listening, or a silent listener ---------


def translate_project(tmp_path, monkeypatch, config):
    root = make_project(tmp_path / "project", config)
    monkeypatch.chdir(root)
    return root


def test_unreachable_server(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = translate_project(tmp_path, monkeypatch, route(f"http://127.0.0.1:{port}",
                                                         retries=1, backoff=0.01))
    before = snapshot(root)
    code, _, err = run("translate", "--lang", "es")
    assert code == 1
    assert err == (f"Error: pyproject.toml:5: cannot reach the LibreTranslate server at "
                   f"http://127.0.0.1:{port} (Connection refused) after 2 tries\n")
    assert snapshot(root) == before


def test_server_that_never_answers_times_out(tmp_path, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        root = translate_project(tmp_path, monkeypatch, route(
            f"http://127.0.0.1:{port}", timeout=0.3, retries=0))
        before = snapshot(root)
        code, _, err = run("translate", "--lang", "es")
        assert code == 1
        assert "no answer within the time-out" in err and err.count("\n") == 1
        assert snapshot(root) == before
    finally:
        listener.close()
        for connection, _ in accepted:
            connection.close()


@pytest.mark.parametrize("settings, message", [
    ({"url": "ftp://x"}, "url must be the http(s) address of a LibreTranslate server"),
    ({"url": "http://"}, "url must be the http(s) address"),
    ({"url": "http://127.0.0.1:99999"}, "url has a bad port"),
    ({"url": "http://127.0.0.1:5000", "api_key": "secret"},
     "an API key does not belong in pyproject.toml"),
    ({"url": "http://127.0.0.1:5000", "api_key_env": "LT KEY"}, "api_key_env must name"),
    ({"url": "http://127.0.0.1:5000", "timeout": 0}, "timeout must be a positive number"),
])
def test_bad_routes_name_their_line(tmp_path, monkeypatch, settings, message):
    extra = {key: value for key, value in settings.items() if key != "url"}
    root = translate_project(tmp_path, monkeypatch, route(settings["url"], **extra))
    before = snapshot(root)
    code, _, err = run("translate", "--lang", "es")
    assert code == 2 and err.startswith("Error: pyproject.toml:5: ") and message in err
    assert snapshot(root) == before
    assert run("models", "list")[0] == 2


def test_pivot_through_english_where_the_server_has_no_direct_way():
    languages = [{"code": "es", "targets": ["en", "es"]}, {"code": "en", "targets": ["fa"]}]
    assert plan_legs("es", "fa", languages, "u") == [("es", "en"), ("en", "fa")]
    assert plan_legs("en", "fa", languages, "u") == [("en", "fa")]
    with pytest.raises(ServerError, match=r"cannot translate fa->es, not even through English"
                                          r" \(it has en->fa, es->en\)"):
        plan_legs("fa", "es", languages, "u")
    assert issubclass(ServerError, PamphletError) and ServerError.exit_code == 1
