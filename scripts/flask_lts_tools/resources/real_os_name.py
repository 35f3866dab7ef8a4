"""pytest plugin (loaded with `-p real_os_name`): build test reports with the real os.name.

Werkzeug's Windows safe_join tests set os.name to "nt" with monkeypatch. When one of them
fails on Linux, pytest formats the failure while os.name is still "nt" and crashes
(INTERNALERROR: cannot instantiate 'WindowsPath'), so the run loses its verdict: exactly
what the backport gate must see when it runs a fix's regression test on the unpatched
release. The real value is put back only while the report is made."""

import os

import pytest

_REAL = os.name


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    patched = os.name
    os.name = _REAL
    try:
        yield
    finally:
        os.name = patched
