"""Quality checks on translated entries: small named checks, each with a severity.

Every check is a function `(source, target, context)` registered with `@check(name,
severity)` (registry.py), one module per family in `checks/`; it returns quietly when the
translation is fine and raises `CheckFailure` with a message the translator can act on
when it is not. What differs between languages comes from the language profiles
(`workflow/languages/`) through the context, so a check never asks which language it is
looking at. runner.py applies them to the translated entries of PO catalogs and returns
`Finding`s at the entry's msgid line; cache.py keys them for build/'s store; patterns.py holds
the URL, e-mail and markup patterns that segmentation, masking and import use too.
"""

from workflow.qa.context import Context, make_context
from workflow.qa.registry import CHECKS, ERROR, WARNING, Check, CheckFailure, check, selected
from workflow.qa.runner import Finding, check_catalog, check_entry, run_checks, summary

__all__ = ["CHECKS", "ERROR", "WARNING", "Check", "CheckFailure", "Context",
           "Finding", "check", "check_catalog", "check_entry", "make_context", "run_checks",
           "selected", "summary"]
