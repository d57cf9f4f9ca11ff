"""Stub: replaced below."""

from __future__ import annotations


def problem_in(language: str, error: str, hint: str) -> tuple[str, str]:
    return error, hint
