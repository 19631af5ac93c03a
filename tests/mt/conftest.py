"""Fixtures of the machine translation tests: the test Argos packages, installed once."""

from __future__ import annotations

import pytest

from tests.argos_fixture import built_packages
from workflow.models import install


@pytest.fixture(scope="module")
def argos_dir(tmp_path_factory):
    """An Argos package directory holding the test packages (en->es, es->en, en->ar)."""
    directory = tmp_path_factory.mktemp("argos")
    for archive in built_packages().values():
        install(archive, directory)
    return directory
