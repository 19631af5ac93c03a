"""Settings of the Weblate instance `make weblate-test` starts: Weblate's own test settings
(PostgreSQL, tasks run at once without Celery workers or Redis, git over file:// URLs),
with the data folder, the database socket and the port from the environment."""

import os

os.environ.setdefault("CI_DATABASE", "postgresql")

from weblate.settings_test import *  # noqa: E402, F403

DATA_DIR = os.environ["PAMPHLET_WEBLATE_DATA"]
CACHE_DIR = os.path.join(DATA_DIR, "cache")
MEDIA_ROOT = os.path.join(DATA_DIR, "media")
STATIC_ROOT = os.path.join(DATA_DIR, "static")
LOCALIZE_CDN_PATH = os.path.join(DATA_DIR, "l10n-cdn")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_DOMAIN = f"127.0.0.1:{os.environ.get('PAMPHLET_WEBLATE_PORT', '8000')}"
# The API is driven by one client in a test: no rate limits.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
