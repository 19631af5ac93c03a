"""The checks, one module per family; importing the package registers them all, in the
order they run and are reported (so the imports keep this order)."""

# isort: off
from workflow.qa.checks import markup  # noqa: F401
from workflow.qa.checks import numbers  # noqa: F401
from workflow.qa.checks import punctuation  # noqa: F401
from workflow.qa.checks import script  # noqa: F401
from workflow.qa.checks import spelling  # noqa: F401
from workflow.qa.checks import fluency  # noqa: F401
from workflow.qa.checks import glossary  # noqa: F401
from workflow.qa.checks import whitespace  # noqa: F401
from workflow.qa.checks import machine  # noqa: F401
# isort: on
