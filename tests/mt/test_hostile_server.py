"""The libretranslate engine against a hostile server (issue 25): a tiny http.server on
127.0.0.1, started by each test and shut down after it, answering what a real server never
should. One line, exit 1, and nothing written that a later command cannot read."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polib
import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from tests.helpers import snapshot as all_files
from workflow.catalog.model import active_entries, machine_confidence
from workflow.config import load_project
from workflow.patterns import HIDDEN_CONTROL
from workflow.update import update

KEY = "sekret-key-123"
LANGUAGES = [{"code": "en", "targets": ["es"]}, {"code": "es", "targets": ["en"]}]


class Hostile(BaseHTTPRequestHandler):
    """Answers as the server's `scenario` says; counts what it is asked."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def send_json(self, value: object, status: int = 200, raw: bytes | None = None) -> None:
        body = raw if raw is not None else json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self.server.asked.append(("GET", self.path))
        if self.path == "/languages":
            self.send_json(LANGUAGES)
        elif self.path == "/spec":
            self.send_json({"info": {"version": self.server.version}})
        else:
            self.send_json({"error": "no"}, 404)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length))
        self.server.asked.append(("POST", self.path))
        self.server.scenario(self, request)


def serve(scenario, version="1.9.6", host="127.0.0.1"):
    server = ThreadingHTTPServer((host, 0), Hostile)
    server.daemon_threads = True
    server.block_on_close = False
    server.scenario = scenario
    server.version = version
    server.asked = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """(start(scenario, version) -> project root, servers): every server is shut down."""
    servers = []

    def start(scenario, version="1.9.6", **settings):
        server = serve(scenario, version)
        servers.append(server)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        extra = {"retries": 0, "timeout": 5, **settings}
        items = ", ".join(f"{k} = {json.dumps(v)}" for k, v in extra.items())
        config = ('[tool.pamphlet.machine_translation]\n"en-es" = { engine = "libretranslate",'
                  f' url = "{url}", api_key_env = "LT_KEY", {items} }}\n')
        root = write_project(tmp_path / f"project{len(servers)}", {"caravan": STATEMENT_EN},
                             config)
        update(load_project(root))
        monkeypatch.chdir(root)
        monkeypatch.setenv("LT_KEY", KEY)
        return root

    yield start, servers
    for server in servers:
        server.shutdown()
        server.server_close()


def snapshot(root):
    """The project's files, less the lock file every writing command leaves."""
    return {name: data for name, data in all_files(root).items() if name != ".pamphlet.lock"}


def failed_in_one_line(code: int, err: str) -> str:
    assert code == 1, err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "\x1b" not in err and KEY not in err
    return err


def answer_each(text_of):
    def scenario(handler, request):
        handler.send_json({"translatedText": [text_of(q) for q in request["q"]]})
    return scenario


def test_an_answer_longer_than_a_catalog_holds_is_refused_and_nothing_written(hostile):
    start, _ = hostile
    root = start(answer_each(lambda q: "x" * 112_000))
    before = snapshot(root)
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert "112,000 characters" in err and "at most 10,000" in err
    assert snapshot(root) == before
    assert run("update")[0] == 0 and run("check")[0] == 0


@pytest.mark.parametrize("junk", ["\x00", "\x07", "\x1b", "\u202e", "\ue000", "\ud800",
                                  "\x9b", "\U0010fffd"])
def test_hidden_and_control_characters_from_a_server_never_reach_a_catalog(hostile, junk):
    start, _ = hostile
    root = start(answer_each(lambda q: f"Tra{junk}ducido"))
    code, _, err = run("translate", "--lang", "es")
    assert code == 0, err
    catalog = root / "locale" / "es" / "caravan.po"
    text = catalog.read_text(encoding="utf-8")
    assert not HIDDEN_CONTROL.search(text) and "\x1b" not in text
    entries = [e for e in active_entries(polib.pofile(str(catalog)))
               if "libretranslate" in (e.tcomment or "")]
    assert entries and all(e.msgstr.startswith("Traducido") for e in entries)
    assert all("review: the engine's output held U+" in e.tcomment for e in entries)
    if shutil.which("msgfmt"):
        assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog)]).returncode == 0


@pytest.mark.parametrize("version", ["1.0, confidence 0.99", "1.0\nError: forged line",
                                     "\x1b[2J\x1b[31m1.0", "1" * 5000, ["1.0"]])
def test_a_forged_server_version_is_not_written_or_printed(hostile, version):
    start, _ = hostile
    root = start(answer_each(lambda q: "Traducido"), version=version)
    code, out, err = run("translate", "--lang", "es")
    assert code == 0, err
    assert "\x1b" not in out + err and "forged" not in out + err
    catalog = root / "locale" / "es" / "caravan.po"
    text = catalog.read_text(encoding="utf-8")
    assert "0.99" not in text and "forged" not in text and "\x1b" not in text
    for entry in active_entries(polib.pofile(str(catalog))):
        if entry.msgstr:
            assert machine_confidence(entry) is None
    code, out, _ = run("status", "--json")
    assert "0.99" not in out


def test_a_strict_version_is_kept(hostile):
    start, _ = hostile
    root = start(answer_each(lambda q: "Traducido"), version="1.6.0-rc1")
    assert run("translate", "--lang", "es")[0] == 0
    assert "LibreTranslate 1.6.0-rc1, confidence n/a" in " ".join(
        (root / "locale" / "es" / "caravan.po").read_text(encoding="utf-8").split())


def test_server_error_text_is_one_clean_line_without_the_key(hostile):
    def echo(handler, request):
        handler.send_json({"error": f"Invalid API key {request['api_key']}\nError: forged"
                                    "\x1b[2J line"}, 400)

    start, _ = hostile
    root = start(echo)
    before = snapshot(root)
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert "[API key]" in err and "forged" in err  # shown, on the same line
    assert snapshot(root) == before


@pytest.mark.parametrize("location", ["http://127.0.0.2:{port}/translate",
                                      "ftp://127.0.0.1:{port}/x", "/elsewhere"])
def test_redirects_are_not_followed(hostile, location):
    start, servers = hostile
    other = serve(answer_each(lambda q: "Traducido"), host="127.0.0.2")
    servers.append(other)

    def redirect(handler, request):
        handler.send_response(302)
        handler.send_header("Location", location.format(port=other.server_address[1]))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    root = start(redirect)
    before = snapshot(root)
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert "redirects are not followed" in err
    assert other.asked == [] and servers[-1].asked.count(("POST", "/translate")) == 1
    assert snapshot(root) == before


@pytest.mark.parametrize("headers, chunked", [
    ({"Content-Length": "100000"}, False),
    ({}, False),  # no Content-Length: the body ends when the connection closes
    ({"Content-Length": "100000", "Connection": "close"}, False),
    ({"Connection": "close"}, False),
    ({"Transfer-Encoding": "chunked"}, True),
    ({"Transfer-Encoding": "chunked", "Connection": "close"}, True),
], ids=["length", "no-length", "length-close", "no-length-close", "chunked", "chunked-close"])
def test_a_server_that_drips_is_cut_off_at_the_time_out(hostile, headers, chunked):
    # Without Content-Length, or with Connection: close, http.client hands the socket to
    # the response: the time-out must bound the request all the same.
    def drip(handler, request):
        handler.send_response(200)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        for _ in range(60):  # one byte every 0.25 s: every read is quick, the whole is not
            try:
                handler.wfile.write(b"1\r\n \r\n" if chunked else b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.25)
        handler.close_connection = True

    start, _ = hostile
    timeout = 1
    root = start(drip, timeout=timeout)
    before = snapshot(root)
    began = time.monotonic()
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert time.monotonic() - began < timeout + 5  # the drip would take 15 s
    assert "no answer within the time-out" in err
    assert snapshot(root) == before


def raw_answer(data: bytes):
    def scenario(handler, request):
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True
    return scenario


@pytest.mark.parametrize("data, message", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"translatedText\": [", "cut short"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
     ""),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"transl", ""),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 400000000\r\n\r\n", "more than the"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[[[[[", "did not answer JSON"),
    (b"garbage\r\n\r\n", ""),
])
def test_truncated_malformed_and_oversize_answers_are_one_line(hostile, data, message):
    start, _ = hostile
    root = start(raw_answer(data))
    before = snapshot(root)
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert message in err
    assert snapshot(root) == before


def test_an_endless_body_is_cut_at_the_cap(hostile, monkeypatch):
    from workflow.mt.engines import libretranslate

    monkeypatch.setattr(libretranslate, "MAX_RESPONSE", 1_000_000)

    def endless(handler, request):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"[" * 65536
        try:
            for _ in range(1000):  # 65 MB if it were all read
                handler.wfile.write(chunk)
        except OSError:
            pass
        handler.close_connection = True

    start, _ = hostile
    root = start(endless)
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert "more than 1,000,000 bytes" in err
    assert root.is_dir()


def test_a_deeply_nested_json_answer_is_one_line(hostile):
    start, _ = hostile
    root = start(raw_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n"
                            + b"[" * 100_000 + b"]" * 100_000))
    err = failed_in_one_line(*run("translate", "--lang", "es")[::2])
    assert "did not answer JSON" in err and root.is_dir()


@pytest.mark.parametrize("url", ["http://[::1:5000", "http://127.0.0.1:5000\x00x",
                                 "http://user:pw@127.0.0.1:5000", "http://127.0.0.1:99999"])
def test_malformed_urls_are_one_line_naming_the_setting(tmp_path, monkeypatch, url):
    config = ('[tool.pamphlet.machine_translation]\n"en-es" = { engine = "libretranslate",'
              f' url = {json.dumps(url)} }}\n')
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN}, config)
    update(load_project(root))
    monkeypatch.chdir(root)
    code, _, err = run("translate", "--lang", "es")
    assert code == 2 and err.startswith("Error: pyproject.toml:5: url ") and err.count("\n") == 1
