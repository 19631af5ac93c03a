"""The `libretranslate` engine: a LibreTranslate server's /translate, many segments a request.

The API key comes from the environment variable the route names (`api_key_env`), never
from pyproject.toml, which is committed. Every request has a time-out; a refused
connection, a time-out, a rate limit (429) or a server error (5xx) is retried with
exponential back-off, then reported in one line. A batch is used only whole: a failed
request raises, so nothing from it reaches a catalog. Where the server has no way from the
source to the target but has both legs through English, we pivot ourselves. LibreTranslate
gives no score: the entries say `confidence n/a`.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import PamphletError, SystemRefusal
from workflow.mt.engines import Output
from workflow.patterns import HIDDEN_CONTROL

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PIVOT = "en"
SETTINGS = ("engine", "url", "api_key_env", "timeout", "retries", "backoff", "batch_size")
DEFAULTS = {"timeout": 60.0, "retries": 3, "backoff": 1.0, "batch_size": 32}
# A server's Retry-After beyond this is not waited for: the run stops and says when to retry.
MAX_WAIT = 60.0
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The most a server's answer may hold: a batch of 32 sentences of at most 10,000
# characters each, 4 bytes a character, escaped, is well below it. A larger answer is
# refused unread rather than held in memory (a 300 MB body took 960 MB).
MAX_RESPONSE = 16 * 1024 * 1024
# What a server says of its version: digits and dots, maybe a suffix (1.9.6, 1.6.0-rc1).
VERSION = re.compile(r"^v?(\d{1,4}(?:\.\d{1,4}){0,3}(?:[-+.]?[A-Za-z0-9]{1,12})?)$")
REDIRECTS = (301, 302, 303, 307, 308)


class ServerError(SystemRefusal):
    """The server failed or refused (not bad input in the project): exit 1."""


def check_settings(settings: dict, where: tuple[Path, int | None]) -> dict:
    """A libretranslate route's settings with defaults, checked without contacting it."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if "api_key" in unknown:
        raise PamphletError("an API key does not belong in pyproject.toml (it is committed): "
                            "put it in an environment variable and name that with "
                            "api_key_env = \"LT_API_KEY\"", *where)
    if unknown:
        raise PamphletError(f"unknown setting(s) for the libretranslate engine: "
                            f"{', '.join(unknown)} (it takes {', '.join(SETTINGS[1:])})",
                            *where)
    url = settings.get("url")
    try:
        parsed = urllib.parse.urlsplit(url) if isinstance(url, str) else None
        if parsed is not None:
            parsed.port  # noqa: B018 (raises on a bad port)
    except ValueError:  # `http://[::1:5000`, a port that is not a number
        raise PamphletError(f"url has a bad port or host: {url!r}", *where) from None
    if (parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname
            or parsed.query or parsed.fragment or parsed.username or parsed.password
            or any(ord(c) < 33 or ord(c) == 127 for c in str(url))):
        raise PamphletError(f"url must be the http(s) address of a LibreTranslate server, "
                            f"e.g. \"http://127.0.0.1:5000\", not {url!r}", *where)
    env = settings.get("api_key_env", "")
    if not isinstance(env, str) or (env and not ENV_NAME.match(env)):
        raise PamphletError(f"api_key_env must name an environment variable, not {env!r}",
                            *where)
    merged = {**DEFAULTS, **settings}
    for key, kind in (("timeout", float), ("backoff", float), ("retries", int),
                      ("batch_size", int)):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or (
                kind is int and not isinstance(value, int)) or (
                key in ("timeout", "batch_size") and value <= 0):
            raise PamphletError(f"{key} must be a positive number, not {value!r}", *where)
    return merged


class LibreTranslateEngine:
    """One pair on one LibreTranslate server."""

    name = "libretranslate"

    def __init__(self, source: str, target: str, settings: dict,
                 where: tuple[Path, int | None]):
        self.settings = check_settings(settings, where)
        self.url = self.settings["url"].rstrip("/")
        self.where = where
        self.api_key = None
        env = self.settings.get("api_key_env")
        if env:
            self.api_key = os.environ.get(env)
            if not self.api_key:
                raise PamphletError(f"the environment variable {env} (api_key_env of this "
                                    f"route) is not set: export it with the key of {self.url}",
                                    *where)
        self.legs = plan_legs(source, target, self.request("GET", "/languages"), self.url,
                              where)
        codes = "->".join([self.legs[0][0]] + [leg[1] for leg in self.legs])
        self.description = f"{codes} {self.url} {self.server_version()}".rstrip()

    def server_version(self) -> str:
        try:
            spec = self.request("GET", "/spec", retries=0)
        except ServerError:
            return ""
        info = spec.get("info") if isinstance(spec, dict) else None
        version = info.get("version") if isinstance(info, dict) else None
        match = VERSION.match(version) if isinstance(version, str) else None
        return f"LibreTranslate {match.group(1)}" if match else ""

    def translate(self, texts: list[str]) -> list[Output]:
        for source, target in self.legs:
            texts = self._translate_leg(texts, source, target)
        return [Output(text, None) for text in texts]

    def _translate_leg(self, texts: list[str], source: str, target: str) -> list[str]:
        size = self.settings["batch_size"]
        results: list[str] = []
        for start in range(0, len(texts), size):
            batch = texts[start:start + size]
            body = {"q": batch, "source": source, "target": target, "format": "text"}
            if self.api_key:
                body["api_key"] = self.api_key
            answer = self.request("POST", "/translate", body)
            translated = answer.get("translatedText") if isinstance(answer, dict) else None
            if (not isinstance(translated, list) or len(translated) != len(batch)
                    or not all(isinstance(t, str) for t in translated)):
                raise ServerError(f"{self.url} answered {len(batch)} segments with "
                                  f"{self.shown(json.dumps(answer, ensure_ascii=False))}",
                                  *self.where)
            results += translated
        return results

    def request(self, method: str, path: str, body: dict | None = None,
                retries: int | None = None) -> object:
        """One API call with time-out and retries; a one-line ServerError when it fails."""
        retries = self.settings["retries"] if retries is None else retries
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        attempt = 0
        while True:
            wait = self.settings["backoff"] * 2 ** attempt
            try:
                answer = exchange(self.url + path, method, data, headers,
                                  self.settings["timeout"])
                if answer.status in REDIRECTS:
                    problem, retry = (f"{self.url}{path} redirected to "
                                      f"{self.shown(answer.headers.get('Location', ''))}: "
                                      "redirects are not followed (set url to the address "
                                      "that answers)", False)
                elif answer.status >= 400:
                    problem, retry = self._http_problem(answer, path)
                    wait = max(wait, _retry_after(answer))
                else:
                    return json.loads(answer.body.decode("utf-8"))
            except TransportError as error:
                problem, retry = (f"cannot reach the LibreTranslate server at {self.url} "
                                  f"({error})", error.retry)
            except (ValueError, RecursionError) as error:  # UnicodeDecodeError included
                problem, retry = (f"{self.url}{path} did not answer JSON "
                                  f"({self.shown(str(error))})", False)
            if not retry or attempt >= retries or wait > MAX_WAIT:
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise ServerError(f"{problem}{tries}", *self.where) from None
            log.info("%s; retrying in %.1f s", problem, wait)
            time.sleep(wait)
            attempt += 1

    def shown(self, text: str, limit: int = 200) -> str:
        """What a server said, as one short printable line without our API key."""
        if self.api_key:
            text = text.replace(self.api_key, "[API key]")
        text = " ".join(HIDDEN_CONTROL.sub("?", text).split())
        text = "".join(c for c in text if c.isprintable())
        return text if len(text) <= limit else text[:limit] + "..."

    def _http_problem(self, answer: Answer, path: str) -> tuple[str, bool]:
        message = self.shown(_error_message(answer))
        code = answer.status
        if code == 429:
            return (f"the LibreTranslate server at {self.url} is rate-limiting us ({message}):"
                    " try again later, or ask its operator for an API key with a higher limit",
                    True)
        if code in (401, 403) or (code == 400 and "api key" in message.lower()):
            env = self.settings.get("api_key_env")
            key = f"the API key in ${env}" if env and self.api_key else "a request without key"
            return (f"the LibreTranslate server at {self.url} refused {key} ({message})",
                    False)
        if code == 400 and ("not supported" in message or "not available" in message):
            return f"the LibreTranslate server at {self.url} {message}", False
        if code >= 500:
            return f"the LibreTranslate server at {self.url} failed ({code}: {message})", True
        return f"{self.url}{path} answered {code}: {message}", False


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes


class TransportError(Exception):
    """No whole answer: unreachable, too slow, too large, cut short. `retry`: whether
    trying again may help."""

    def __init__(self, message: str, retry: bool = True):
        super().__init__(message)
        self.retry = retry


def exchange(url: str, method: str, data: bytes | None, headers: dict[str, str],
             timeout: float, limit: int | None = None) -> Answer:
    """One HTTP request, its whole answer within `timeout` seconds (a server that sends
    one byte a second is cut off: a watchdog shuts the socket at the deadline), at most
    `limit` bytes of it, no redirect followed (http.client follows none).

    The watchdog keeps its own reference to the connected socket: for an answer without
    Content-Length, or with `Connection: close`, http.client drops `connection.sock` and
    reads the body through the response alone, so `connection.sock` is None by then."""
    limit = MAX_RESPONSE if limit is None else limit
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    expired = threading.Event()
    held: list[socket.socket] = []
    response: http.client.HTTPResponse | None = None

    def cut_off() -> None:
        expired.set()  # before looking for the socket: see the check after connect()
        for sock in (connection.sock, *held):
            if sock is not None:
                try:  # the plain socket's shutdown, also for TLS: it wakes a blocked read
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:  # not connected yet, or already closed
                    pass

    watchdog = threading.Timer(timeout, cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()  # itself bounded: the socket's own time-out is `timeout`
        if connection.sock is not None:
            held.append(connection.sock)
        if expired.is_set():  # the watchdog fired before there was a socket to shut
            raise TransportError("no answer within the time-out")
        connection.request(method, target, body=data, headers=headers)
        response = connection.getresponse()
        length = response.getheader("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            raise TransportError(f"an answer of {int(length):,} bytes, more than the "
                                 f"{limit:,} accepted", retry=False)
        body = response.read(limit + 1)
        if expired.is_set():  # a shut socket reads as the end of a close-delimited body
            raise TransportError("no answer within the time-out")
        if len(body) > limit:
            raise TransportError(f"an answer of more than {limit:,} bytes", retry=False)
        if response.length:  # fewer bytes than its Content-Length said, and no error
            raise http.client.IncompleteRead(body, response.length)
        return Answer(response.status, response.reason or "",
                      {k.title(): v for k, v in response.getheaders()}, body)
    except TransportError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set():
            raise TransportError("no answer within the time-out") from None
        raise TransportError(_reason(error)) from None
    finally:
        watchdog.cancel()
        if response is not None:  # holds the socket once http.client has let go of it
            response.close()
        connection.close()


def plan_legs(source: str, target: str, languages: object, url: str,
              where: tuple[Path | None, int | None] = (None, None)
              ) -> list[tuple[str, str]]:
    """The requests one segment takes: direct where the server has the pair, else through
    English, else an error listing what the server has."""
    targets: dict[str, set[str]] = {}
    if isinstance(languages, list):
        for language in languages:
            if isinstance(language, dict) and isinstance(language.get("code"), str):
                targets[language["code"]] = set(language.get("targets") or ())
    if target in targets.get(source, ()):
        return [(source, target)]
    if PIVOT in targets.get(source, ()) and target in targets.get(PIVOT, ()):
        return [(source, PIVOT), (PIVOT, target)]
    have = ", ".join(f"{code}->{'/'.join(sorted(t - {code}))}"
                     for code, t in sorted(targets.items()) if t - {code}) or "nothing"
    raise ServerError(f"the LibreTranslate server at {url} cannot translate {source}->{target}, "
                      f"not even through English (it has {have})", *where)


def _error_message(answer: Answer) -> str:
    try:
        body = json.loads(answer.body.decode("utf-8"))
        message = body.get("error") if isinstance(body, dict) else None
    except (ValueError, RecursionError):
        message = None
    return str(message or answer.reason or answer.status).strip().rstrip(".")


def _retry_after(answer: Answer) -> float:
    try:
        return float(answer.headers.get("Retry-After", 0))
    except (TypeError, ValueError):
        return 0.0


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "no answer within the time-out"
    if isinstance(reason, http.client.IncompleteRead):
        return "the answer was cut short"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the connection closed without an answer"
    if isinstance(reason, http.client.HTTPException | ValueError):
        return f"a malformed answer ({type(reason).__name__})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return type(reason).__name__
