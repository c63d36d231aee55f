"""`lockwise review --format sarif`: SARIF 2.1.0, for GitHub code scanning and other viewers.

The format: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

File names are relative to the repository root, named by the URI base id `%SRCROOT%`
(declared in `run.originalUriBaseIds` when the root is known), so that a viewer finds
them wherever the project sits in the repository; a file outside the root is an
absolute `file:` URI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lockwise
from lockwise.migrate.steps import MigrationFailure
from lockwise.report.paths import AS_GIVEN, Paths
from lockwise.review.findings import Finding, ReviewReport
from lockwise.rules import RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Assumed: the project has no published home page yet; change when it has one.
INFORMATION_URI = "https://pypi.org/project/lockwise/"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
ROOT = "%SRCROOT%"  # the repository root, named as the SARIF spec's examples name it


def render(report: ReviewReport, paths: Paths = AS_GIVEN) -> str:
    """Return the review as a SARIF 2.1.0 log with one run."""
    return json.dumps(as_dict(report, paths), indent=2)


def as_dict(report: ReviewReport, paths: Paths = AS_GIVEN) -> dict[str, Any]:
    """Return the SARIF log as plain data; file names relative to `paths.root`."""
    run: dict[str, Any] = {
        "tool": {"driver": _driver(report)},
        "invocations": [_invocation(report, paths)],
        "results": [_result(finding, paths) for finding in report.findings],
    }
    if paths.root.is_absolute():
        run["originalUriBaseIds"] = {ROOT: {"uri": _folder_uri(paths.root)}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _folder_uri(folder: Path) -> str:
    """`file:///work/repo/`: SARIF wants a base URI to end with a slash (3.14.14)."""
    uri = folder.as_uri()
    return uri if uri.endswith("/") else f"{uri}/"


def _driver(report: ReviewReport) -> dict[str, Any]:
    """The tool, with every rule of the catalog, plus any a finding names that it lacks."""
    known = {rule.id for rule in RULES}
    rules = [_rule(rule) for rule in RULES]
    extra = {finding.rule: finding for finding in report.findings if finding.rule not in known}
    rules += [_rule_of(finding) for finding in extra.values()]
    return {
        "name": "lockwise",
        "version": lockwise.__version__,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
    }


def _rule_of(finding: Finding) -> dict[str, Any]:
    """A rule known only from a finding (one the review engine reports itself)."""
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "help": {"text": finding.fix},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
    }


def _result(finding: Finding, paths: Paths) -> dict[str, Any]:
    text = f"{finding.message}\n\nfix:\n{finding.fix}"
    return {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [_location(paths.show(finding.file), finding.line)],
    }


def _location(file: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _artifact(file: str) -> dict[str, str]:
    """A name relative to the root, or an absolute `file:` URI (a file outside the root)."""
    path = Path(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": ROOT}


def _invocation(report: ReviewReport, paths: Paths) -> dict[str, Any]:
    """Whether every migration ran: a failed one is a notification at its line, and so is
    each revision that could not be reached, with the reason."""
    notifications = [_failed(failure, paths) for failure in report.failures]
    notifications += [
        {"level": "error", "message": {"text": f"{item.revision} not reviewed: {item.reason}"}}
        for item in report.not_reviewed
    ]
    ok = not report.failures and not report.not_reviewed
    return {"executionSuccessful": ok, "toolExecutionNotifications": notifications}


def _failed(failure: MigrationFailure, paths: Paths) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{failure.direction} failed: {failure.error}"},
        "locations": [_location(paths.show(failure.file), failure.line)],
    }
