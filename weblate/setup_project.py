"""Create (or bring in line) a Weblate project for a pamphlet repository through Weblate's
REST API: the project settings and one component per statement, as weblate/recipe.json
says. Standard library only: run it with any Python 3.11.

    python weblate/setup_project.py --url https://weblate.example.org --token wlu_... \\
        --repo https://git.example.org/team/statements.git [--branch main] [--project pamphlet]

Each statement's component takes its source language from its template's
X-Source-Language (statements may be written in any language, so one component template
for all, as Weblate's component discovery makes, would be wrong for some).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

RECIPE = Path(__file__).with_name("recipe.json")
SOURCE_LANGUAGE = re.compile(r'^"X-Source-Language: ([^\\"]+)\\n"', re.MULTILINE)


class Api:
    """Weblate's REST API with a token: JSON in, JSON out, errors as one line."""

    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/") + "/api/"
        self.token = token

    def call(self, method: str, path: str, data: dict | None = None) -> dict | None:
        body = None if data is None else json.dumps(data).encode("utf-8")
        request = urllib.request.Request(
            self.url + path, data=body, method=method,
            headers={"Authorization": f"Token {self.token}", "Accept": "application/json",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            if error.code == 404 and method == "GET":
                return None
            detail = error.read().decode("utf-8", "replace")[:2000]
            raise SystemExit(f"{method} {path}: HTTP {error.code}: {detail}") from None
        return json.loads(text) if text else {}


def statements(root: Path) -> dict[str, str]:
    """slug -> source language, from locale/SLUG.pot (written by `pamphlet update`)."""
    found = {}
    for pot in sorted((root / "locale").glob("*.pot")):
        match = SOURCE_LANGUAGE.search(pot.read_text(encoding="utf-8"))
        if match is None:
            raise SystemExit(f"{pot}: no X-Source-Language header: run `pamphlet update`")
        found[pot.stem] = match.group(1)
    if not found:
        raise SystemExit(f"{root / 'locale'}: no templates: run `pamphlet update` first")
    return found


def setup(api: Api, root: Path, project: str, repo: str, branch: str, push: str) -> list[str]:
    """The project and its components as the recipe says; returns the component slugs."""
    recipe = json.loads(RECIPE.read_text(encoding="utf-8"))
    if api.call("GET", f"projects/{project}/") is None:
        api.call("POST", "projects/", {"name": project, "slug": project,
                                       "web": "https://example.org/"})
    api.call("PATCH", f"projects/{project}/", recipe["project"])
    made, first = [], None
    for slug, language in statements(root).items():
        settings = {key: value.format(slug=slug) if isinstance(value, str) else value
                    for key, value in recipe["component"].items()}
        settings.update(name=slug, slug=slug, source_language={"code": language})
        if first is None:
            settings.update(repo=repo, push=push, branch=branch)
        else:  # one clone for the whole project: the others share the first's
            settings.update(repo=f"weblate://{project}/{first}")
            for key in ("vcs", "push_on_commit", "commit_pending_age"):
                settings.pop(key, None)
        if api.call("GET", f"components/{project}/{slug}/") is None:
            api.call("POST", f"projects/{project}/components/", settings)
        else:
            settings.pop("source_language")  # fixed once the component exists
            api.call("PATCH", f"components/{project}/{slug}/", settings)
        first = first or slug
        made.append(slug)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="Weblate's address")
    parser.add_argument("--token", required=True, help="an API token of a project admin")
    parser.add_argument("--repo", required=True, help="the repository Weblate clones")
    parser.add_argument("--push", default="", help="where Weblate pushes (default: none)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--project", default="pamphlet", help="the Weblate project slug")
    parser.add_argument("root", nargs="?", default=".", help="the pamphlet project (locale/)")
    args = parser.parse_args(argv)
    made = setup(Api(args.url, args.token), Path(args.root), args.project, args.repo,
                 args.branch, args.push)
    print(f"{args.project}: {len(made)} component(s): {', '.join(made)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
