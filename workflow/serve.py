"""`pamphlet serve`: the web edition on 127.0.0.1 for preview, rebuilt as files are saved."""

from __future__ import annotations

import functools
import gzip
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from workflow.build import build
from workflow.builders.site import SITE_DIR
from workflow.config import Project, load_project
from workflow.errors import PamphletError
from workflow.watch import Event, watch

HOST = "127.0.0.1"  # a preview: never on another interface
COMPRESSED = ("text/", "application/atom+xml", "application/xml", "image/svg+xml")


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of build/site/ only (no link followed out of it), never cached, not logged."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".atom":
                      "application/atom+xml", ".woff2": "font/woff2", ".svg": "image/svg+xml",
                      ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                      ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}

    def translate_path(self, path: str) -> str:
        translated = Path(super().translate_path(path))
        root = Path(self.directory).resolve()
        resolved = translated.resolve()
        if resolved != root and root not in resolved.parents:
            return str(root / "\0refused")  # outside the site: answered 404
        return str(translated)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """Text compressed with gzip when the browser takes it, as any static host does."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or not path.is_file() or not kind.startswith(COMPRESSED):
            return super().do_GET()
        data = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def start_server(site: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for `site` on 127.0.0.1, answering in a thread of its own."""
    site.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(SiteHandler, directory=str(site))
    server = ThreadingHTTPServer((HOST, port), handler)
    threading.Thread(target=server.serve_forever, name="pamphlet-serve", daemon=True).start()
    return server


def serve(root: Path, port: int = 8000, final: bool = False, keep: int | None = None,
          tell: Callable[[Event], None] = lambda event: None,
          stop: threading.Event | None = None) -> None:
    """Serve build/site/ and make it again after every burst of saves (as `watch` does
    the PDFs), until `stop` is set or Ctrl-C. The site links the PDFs a build left; under
    `final` (and `keep`) only the editions the review gate lets through are published."""
    project = load_project(root)
    if keep is not None and not (final and 0 <= keep <= 100):
        raise PamphletError("--keep needs --final and a percentage from 0 to 100")
    server = start_server(project.build / SITE_DIR, port)

    def make(current: Project) -> None:
        report = build(current, final=final, keep=keep, to=["web"])
        for failure in report.failures:
            tell(Event("failed", f"not built {failure.slug}: {failure.reason}", failure.path))
        if report.written:
            tell(Event("rebuilt", f"web edition: {len(report.written)} file(s) written"))
        else:
            tell(Event("up to date", "web edition up to date"))

    try:
        tell(Event("watching", f"serving http://{HOST}:{server.server_address[1]}/"))
        watch(root, tell=tell, stop=stop, make=make)
    finally:
        server.shutdown()
        server.server_close()
