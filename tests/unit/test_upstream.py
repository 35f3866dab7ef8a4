"""The upstream stage's pure logic: catalogue, known failures, test requirements, the era rule, ini options."""

from __future__ import annotations

import configparser
import datetime as _dt
import io
import tarfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from flask_lts_tools.index import Project, Release
from flask_lts_tools.verify.stages.upstream import node_id
from flask_lts_tools.verify.stages.upstream.catalogue import (
    CATALOGUE,
    Suite,
    UpstreamError,
    known_failures_for,
    load_catalogue,
    parse_catalogue,
    parse_known_failures,
)
from flask_lts_tools.verify.stages.upstream.pytest_ini import filter_addopts, filter_ini_options, pytest_ini_options, render_ini
from flask_lts_tools.verify.stages.upstream.requirements import (
    apply_era,
    declared_test_requirements,
    dependency_group,
    egg_info_requirements,
    era_cutoff,
    era_release,
    imported_modules,
    parse_requirement_lines,
    python_released,
    select_test_requirements,
    target_environment,
    tox_test_deps,
)
from flask_lts_tools.verify.stages.upstream.sdist import Sdist, locate_tests, suite_members

UTC = _dt.timezone.utc
CATALOGUE_DATA = {"defaults": {"requirement-files": ["requirements/tests.in", "requirements/tests.txt"]}}


def names(requirements) -> list[str]:
    return [str(r) for r in requirements]


# -- requirements declared by an sdist -----------------------------------------------


def test_requirement_lines_follow_includes_and_skip_what_is_not_a_tool():
    files = {
        "requirements/tests.in": "-r base.in\npytest  # the runner\n-e .\n--index-url https://x/simple\n\n"
        "https://example.org/pkg.tar.gz\nfreezegun ; python_version < '3.9'\nnot a requirement !\n",
        "requirements/base.in": "asgiref>=3.2\n-r tests.in\n",
    }
    reqs, notes = parse_requirement_lines(files["requirements/tests.in"], "requirements/tests.in", files)
    assert names(reqs) == ["asgiref>=3.2", "pytest", 'freezegun; python_version < "3.9"']
    assert any("unparsable" in n for n in notes)


def test_missing_include_is_a_note_not_an_error():
    reqs, notes = parse_requirement_lines("-r requirements/tests.txt\nflask-reuploaded\n", "tox.ini", {})
    assert names(reqs) == ["flask-reuploaded"]
    assert notes == ["tox.ini: included file requirements/tests.txt is not in the sdist"]


def test_tox_deps_keep_only_unconditional_lines():
    tox = "[tox]\nenvlist = py3\n[testenv]\ndeps =\n    pytest\n    cryptography\n    flask21: Flask>=2.1,<2.2\n    black=={[tox]BLACK}\n"
    reqs, _ = parse_requirement_lines("\n".join(tox_test_deps(tox)), "tox.ini")
    assert names(reqs) == ["pytest", "cryptography"]


def test_dependency_groups_expand_include_group():
    pyproject = {"dependency-groups": {"dev": ["ruff", {"include-group": "Tests"}], "tests": ["pytest", "asgiref"]}}
    assert dependency_group(pyproject, "dev") == ["ruff", "pytest", "asgiref"]
    assert dependency_group(pyproject, "test") is None


def test_egg_info_requires_become_extra_markers():
    reqs = egg_info_requirements("flask<4\n\n[tests]\npytest==8.0.2\n\n[tests:python_version < \"3.9\"]\nbackports.zoneinfo\n")
    env = target_environment("3.8.18")
    chosen = [str(r) for r in reqs if r.marker is None or r.marker.evaluate({**env, "extra": "tests"})]
    assert "pytest==8.0.2" in [c.split(";")[0].strip() for c in chosen]
    assert any(c.startswith("backports.zoneinfo") for c in chosen)
    assert not any(r.marker is not None and r.marker.evaluate({**target_environment("3.12.1"), "extra": "tests"}) and r.name == "backports.zoneinfo" for r in reqs)


def declared(files: dict[str, str], python: str = "3.12.1", suite: Suite | None = None, package: str = "pkg"):
    catalogue = parse_catalogue(CATALOGUE_DATA)
    return declared_test_requirements(files, package, catalogue, suite or Suite(package), target_environment(python))


def test_unpinned_in_file_wins_over_its_compiled_txt():
    result = declared({"requirements/tests.txt": "pytest==8.1.1\npluggy==1.4.0\n", "requirements/tests.in": "pytest\n"})
    assert result.source == "requirements/tests.in"
    assert names(result.requirements) == ["pytest"]


def test_dependency_group_then_metadata_extra_then_tox():
    pyproject = '[dependency-groups]\ntests = ["pytest", "pytest-timeout"]\n'
    tox = "[testenv]\ndeps = pytest\n"
    assert declared({"pyproject.toml": pyproject, "tox.ini": tox}).source == "pyproject.toml [dependency-groups] tests"
    assert declared({"tox.ini": tox}).source == "tox.ini [testenv] deps"
    assert declared({}).source == "none declared"


def test_metadata_extra_expands_self_references_and_evaluates_python_markers():
    pkg_info = (
        "Metadata-Version: 2.1\nName: pkg\n"
        'Requires-Dist: flask-sqlalchemy>=3 ; extra == "sqlalchemy"\n'
        'Requires-Dist: pkg[sqlalchemy] ; extra == "tests"\n'
        'Requires-Dist: pytest ; extra == "tests"\n'
        'Requires-Dist: backports.zoneinfo ; python_version < "3.9" and extra == "tests"\n'
    )
    on_312 = declared({"PKG-INFO": pkg_info})
    assert on_312.source == "metadata extra 'tests'"
    assert names(on_312.requirements) == ["flask-sqlalchemy>=3", "pytest"]
    assert "backports.zoneinfo" in names(declared({"PKG-INFO": pkg_info}, python="3.8.18").requirements)


def test_a_suite_can_name_its_own_source():
    files = {"requirements/tests.in": "pytest\n", "tox.ini": "[testenv]\ndeps = nose\n"}
    assert declared(files, suite=Suite("pkg", requirements=("tox",))).source == "tox.ini [testenv] deps"


# -- which requirements are installed ------------------------------------------------


def test_the_set_wins_and_markers_are_evaluated_for_the_python_under_test():
    reqs = [Requirement(r) for r in ("pytest", "greenlet ; python_version < '3.11'", "flask[async]>=2", "Jinja2==2.10",
                                     "coverage[toml]", "pytest-cov", "trio", "trio>=0.20", "exceptiongroup ; python_version < '3.11'")]  # fmt: skip
    the_set = {"flask": "3.0.3", "jinja2": "3.1.6", "greenlet": "3.0.3"}
    chosen, from_set = select_test_requirements(reqs, the_set, ["coverage", "pytest-cov"], "3.12.1")
    assert names(chosen) == ["pytest", "flask[async]==3.0.3", "trio>=0.20"]  # the set's version, its extra's tools
    assert from_set == ["jinja2"]
    chosen_38, from_set_38 = select_test_requirements(reqs, the_set, ["coverage", "pytest-cov"], "3.8.18")
    assert "exceptiongroup" in names(chosen_38) and from_set_38 == ["greenlet", "jinja2"]


def test_ignore_patterns_match_canonical_names():
    chosen, _ = select_test_requirements([Requirement("Flake8_Docstrings"), Requirement("pytest")], {}, ["flake8*"], "3.12.1")
    assert names(chosen) == ["pytest"]


# -- the era rule ------------------------------------------------------------------------


def release(version: str, day: str, requires: str | None = None, yanked: bool = False) -> Release:
    uploaded = _dt.datetime.fromisoformat(day).replace(tzinfo=UTC)
    return Release(Version(version), uploaded, SpecifierSet(requires) if requires else None, yanked, None)


PYTEST = Project("pytest", {r.version.public: r for r in [
    release("7.4.4", "2023-12-31", ">=3.7"),
    release("8.1.1", "2024-03-08", ">=3.8"),
    release("8.2.0", "2024-04-27", ">=3.8", yanked=True),
    release("8.3.0rc1", "2024-07-01", ">=3.8"),
    release("8.3.5", "2025-03-02", ">=3.8"),
    release("8.4.0", "2025-06-02", ">=3.9"),
    release("9.0.2", "2026-01-10", ">=3.10"),
]})  # fmt: skip


def test_era_release_is_the_newest_final_release_before_the_sdist():
    assert era_release(PYTEST, SpecifierSet(), _dt.datetime(2024, 5, 1, tzinfo=UTC), "3.12.1") == Version("8.1.1")
    assert era_release(PYTEST, SpecifierSet(), _dt.datetime(2026, 2, 1, tzinfo=UTC), "3.12.1") == Version("9.0.2")


def test_era_release_respects_the_python_and_the_specifier():
    later = _dt.datetime(2026, 2, 1, tzinfo=UTC)
    assert era_release(PYTEST, SpecifierSet(), later, "3.8.18") == Version("8.3.5")
    assert era_release(PYTEST, SpecifierSet("<8"), later, "3.12.1") == Version("7.4.4")
    assert era_release(PYTEST, SpecifierSet(), _dt.datetime(2020, 1, 1, tzinfo=UTC), "3.12.1") is None


def test_a_python_newer_than_the_sdist_moves_the_era_to_its_release():
    sdist = _dt.datetime(2024, 4, 7, tzinfo=UTC)
    py313 = python_released("3.13.0")
    assert py313 == _dt.datetime(2024, 10, 7, tzinfo=UTC)
    assert era_cutoff(sdist, py313) == py313  # freezegun 1.4.0 (of the sdist's time) breaks on 3.13
    assert era_cutoff(sdist, python_released("3.8.18")) == sdist
    assert era_cutoff(None, py313) is None
    assert python_released("2.7") is None


def test_apply_era_pins_only_unpinned_era_tools_and_always_brings_pytest():
    before = _dt.datetime(2024, 5, 1, tzinfo=UTC)
    lookup = {"pytest": PYTEST, "pytest-timeout": Project("pytest-timeout", {"2.3.1": release("2.3.1", "2024-03-15")})}.__getitem__
    reqs = [Requirement("pytest-timeout"), Requirement("cryptography"), Requirement("pytest-xprocess==0.23.0")]
    out, notes = apply_era(reqs, ["pytest", "pytest-*"], before, "3.12.1", lookup)
    assert out == ["pytest==8.1.1", "pytest-timeout==2.3.1", "cryptography", "pytest-xprocess==0.23.0"]
    assert notes == []
    # a set that pins pytest itself (PowerDNS-Admin's requirements.txt, pytest 7.2.1): its pytest
    # runs the suite, and an era pytest beside it could never resolve under the set's pins
    out, _ = apply_era(reqs, ["pytest", "pytest-*"], before, "3.12.1", lookup, provided={"pytest": "7.2.1", "flask": "2.2.5"})
    assert out == ["pytest-timeout==2.3.1", "cryptography", "pytest-xprocess==0.23.0"]


def test_apply_era_leaves_a_tool_to_pip_when_its_era_has_nothing_for_this_python():
    out, notes = apply_era([Requirement("pytest>=9")], ["pytest"], _dt.datetime(2024, 5, 1, tzinfo=UTC), "3.12.1", {"pytest": PYTEST}.__getitem__)
    assert out == ["pytest>=9"]
    assert "no release before 2024-05-01" in notes[0]


# -- known failures -----------------------------------------------------------------------


KNOWN = """
[[failure]]
package = "Flask_Caching"
test = "tests/test_init.py::test_x[SASL]"
reason = "needs pylibmc"

[[failure]]
package = "werkzeug"
test = "tests/test_serving.py::test_y"
reason = "flaky timing"
python = ">=3.13"
versions = "<3.1"
"""


def test_known_failures_apply_by_package_python_and_version():
    import tomllib

    known = parse_known_failures(tomllib.loads(KNOWN))
    assert [k.test for k in known_failures_for(known, "flask-caching", "2.3.1", "3.8.18")] == ["tests/test_init.py::test_x[SASL]"]
    assert known_failures_for(known, "werkzeug", "3.0.6", "3.12.1") == []
    assert len(known_failures_for(known, "werkzeug", "3.0.6", "3.13.0")) == 1
    assert known_failures_for(known, "werkzeug", "3.1.9", "3.13.0") == []


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"package": "flask", "test": "tests/a.py::b"}, "missing reason"),
        ({"package": "flask", "test": "t", "reason": "r", "python": "3.x"}, "not a version specifier"),
        ({"package": "flask", "test": "t", "reason": "r", "why": "?"}, "unknown key"),
    ],
)
def test_malformed_known_failures_name_the_entry(entry, message):
    with pytest.raises(UpstreamError, match=message) as info:
        parse_known_failures({"failure": [entry]}, "2024.toml")
    assert "2024.toml [[failure]] #1" in str(info.value)


def test_the_channels_known_failure_files_parse():
    import tomllib

    root = Path(__file__).resolve().parents[2] / "channels" / "known-failures"
    for path in sorted(root.glob("*.toml")):
        for known in parse_known_failures(tomllib.loads(path.read_text()), str(path)):
            assert "::" in known.test or known.test.endswith(".py"), known


# -- pytest ini options ------------------------------------------------------------------


def test_ini_options_come_from_the_file_pytest_would_pick():
    files = {
        "setup.cfg": "[tool:pytest]\ntestpaths = tests\n",
        "pyproject.toml": '[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n',
    }
    assert pytest_ini_options(files) == ("pyproject.toml [tool.pytest.ini_options]", {"filterwarnings": ["error"]})
    assert pytest_ini_options({"setup.cfg": files["setup.cfg"]})[0] == "setup.cfg [tool:pytest]"
    assert pytest_ini_options({"pytest.ini": "[pytest]\naddopts = -v\n", **files})[1] == {"addopts": "-v"}
    assert pytest_ini_options({}) == ("none", {})


def test_filterwarnings_error_is_dropped_other_filters_kept():
    kept, dropped = filter_ini_options({
        "filterwarnings": ["error", "error::DeprecationWarning:sqlalchemy", "ignore:distutils:DeprecationWarning"],
        "testpaths": ["tests"],
        "markers": ["slow: slow tests"],
    })  # fmt: skip
    assert kept == {"filterwarnings": ["ignore:distutils:DeprecationWarning"], "markers": ["slow: slow tests"]}
    assert "testpaths" in dropped and "filterwarnings error" in dropped


def test_filterwarnings_as_ini_text():
    kept, _ = filter_ini_options({"filterwarnings": "\nerror\nignore::UserWarning"})
    assert kept == {"filterwarnings": ["ignore::UserWarning"]}


def test_addopts_lose_coverage_warning_errors_and_warning_suppression():
    kept, dropped = filter_addopts("--tb native -v -p no:warnings -p no:logging --cov=src --cov-report term -W error --maxfail=100 -Werror")
    assert kept == ["--tb", "native", "-v", "-p", "no:logging", "--maxfail=100"]
    assert dropped == ["-p", "no:warnings", "--cov=src", "--cov-report", "term", "-W", "error", "-Werror"]


def test_rendered_ini_reads_back_with_the_same_values():
    text = render_ini({"markers": ["a: first", "b: second"], "addopts": "-v --tb=short", "xfail_strict": True}, "pyproject.toml")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert parser["pytest"]["markers"].split("\n")[1:] == ["a: first", "b: second"]
    assert parser["pytest"]["addopts"] == "-v --tb=short"
    assert parser["pytest"]["xfail_strict"] == "true"


# -- what is copied out of the sdist -------------------------------------------------------


SDIST_NAMES = [
    "conftest.py", "setup.cfg", "CHANGES.rst", "pkg_single.py", "setup.py", "src/pkg/__init__.py", "test/__init__.py", "test/conftest.py", "test/requirements.py",
    "test/orm/__init__.py", "test/orm/_fixtures.py", "test/orm/test_query.py", "test/orm/test_session.py",
    "test/sql/test_compiler.py", "test/profiles.txt",
]  # fmt: skip


def test_subset_keeps_support_files_and_only_the_chosen_test_modules():
    suite = Suite("pkg", tests=("test",), files=("setup.cfg",), exclude=("test/conftest.py",), run=("test/orm/test_query.py", "test/sql/*"), subset="why")
    chosen = suite_members(SDIST_NAMES, suite)
    assert "src/pkg/__init__.py" not in chosen  # never the package's source
    assert "pkg_single.py" not in chosen and "setup.py" not in chosen  # nor a root module
    assert "CHANGES.rst" in chosen  # root data files are read by suites (Flask 1.1's test_meta)
    assert "test/conftest.py" not in chosen and "test/orm/test_session.py" not in chosen
    assert {"conftest.py", "setup.cfg", "test/orm/_fixtures.py", "test/orm/test_query.py", "test/sql/test_compiler.py", "test/profiles.txt"} <= set(chosen)


def test_sdist_members_outside_the_top_directory_are_ignored(tmp_path: Path):
    path = tmp_path / "pkg-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in ("pkg-1.0/tests/test_a.py", "../evil.py", "pkg-1.0/../../evil2.py", "/abs.py"):
            data = b"x = 1\n"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert Sdist(path).names == ["tests/test_a.py"]


def test_node_ids_from_junit_classnames(tmp_path: Path):
    (tmp_path / "tests" / "sub").mkdir(parents=True)
    (tmp_path / "tests" / "sub" / "test_x.py").write_text("")
    assert node_id(tmp_path, "tests.sub.test_x.TestA", "test_b[1]") == "tests/sub/test_x.py::TestA::test_b[1]"
    assert node_id(tmp_path, "tests.sub.test_x", "test_c") == "tests/sub/test_x.py::test_c"
    assert node_id(tmp_path, "", "tests.test_gone") == "tests.test_gone"


# -- the catalogue --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suites, message",
    [
        ({"Flask_Login": {}}, "canonical name 'flask-login'"),
        ({"flask": {"runs": ["x"]}}, "unknown key"),
        ({"sqlalchemy": {"run": ["test/orm/test_query.py"]}}, "must say why in `subset`"),
        ({"flask": {"missing-tests-ok": "0.16"}}, "not a version specifier"),
        ({"flask": {"skip-versions": "<4"}}, "needs the reason"),
        ({"alembic": {"when": [{"versions": "<1.5", "pytest-args": ["-p", "x"]}]}}, r"\[\[when\]\] #1: missing why"),
        ({"alembic": {"when": [{"why": "w", "pytest-args": ["-p", "x"]}]}}, "missing versions"),
        ({"alembic": {"when": [{"versions": "1.5", "why": "w", "pytest-args": []}]}}, "not a version specifier"),
        ({"alembic": {"when": [{"versions": "<1.5", "why": "w"}]}}, "changes nothing"),
        ({"alembic": {"when": [{"versions": "<1.5", "why": "w", "runs": ["x"]}]}}, "unknown key"),
        ({"alembic": {"when": {"versions": "<1.5"}}}, "expected"),
    ],
)
def test_catalogue_mistakes_are_named(suites, message):
    with pytest.raises(UpstreamError, match=message):
        parse_catalogue({"suites": suites}, "upstream.toml")


def test_older_releases_run_their_suite_their_way():
    """[[suites.<name>.when]]: the first table whose versions hold the release replaces the
    keys it names; the entry's other keys stay; releases outside every table get the entry."""
    data = {"suites": {"alembic": {
        "exclude": ["tests/conftest.py"], "subset": "all on SQLite", "pytest-args": ["-p", "new"],
        "when": [
            {"versions": "<1.0", "why": "older still", "pytest-args": ["-p", "oldest"]},
            {"versions": "<1.5", "why": "vendored plugin", "pytest-args": ["-p", "old"]},
        ],
    }}}  # fmt: skip
    catalogue = parse_catalogue(data)
    assert catalogue.suite_for("alembic", "1.13.1").pytest_args == ("-p", "new")
    assert catalogue.suite_for("alembic", "1.4.3").pytest_args == ("-p", "old")
    assert catalogue.suite_for("alembic", "1.4.3").exclude == ("tests/conftest.py",)
    assert catalogue.suite_for("alembic", "0.9.10").pytest_args == ("-p", "oldest")
    assert catalogue.suite_for("alembic", "1.5.0+lts2024.1").pytest_args == ("-p", "new")
    assert catalogue.suite_for("flask", "3.0.3") is None
    assert catalogue.suites["alembic"].pytest_args == ("-p", "new")


def test_the_shipped_alembic_entry_loads_the_plugin_its_release_has():
    """Alembic up to 1.4.x runs as its sdist does (its conftest bootstraps its own plugin
    files); from 1.5.0 the installed SQLAlchemy plugin, without the conftest."""
    catalogue = load_catalogue(CATALOGUE)
    old = catalogue.suite_for("alembic", "1.4.3")
    assert old.pytest_args == () and "tests/conftest.py" not in old.exclude
    assert "alembic/testing/plugin/pytestplugin.py" in old.files
    assert catalogue.suite_for("alembic", "1.4.2").files == old.files
    assert "pytest<6" in old.extra_requirements and "pytest<6" not in catalogue.suite_for("alembic", "1.4.2").extra_requirements
    assert catalogue.suite_for("alembic", "1.5.0").pytest_args == ("-p", "sqlalchemy.testing.plugin.pytestplugin")
    assert "tests/conftest.py" in catalogue.suite_for("alembic", "1.5.0").exclude


def test_the_shipped_catalogue_covers_flask_and_the_core_extensions():
    catalogue = load_catalogue(CATALOGUE)
    required = {
        "flask", "werkzeug", "jinja2", "itsdangerous", "click", "blinker", "markupsafe", "flask-login",
        "flask-sqlalchemy", "flask-wtf", "flask-migrate", "flask-httpauth", "flask-cors", "sqlalchemy",
    }  # fmt: skip
    assert required <= set(catalogue.suites)
    for suite in catalogue.suites.values():
        assert suite.skip or suite.missing_tests_ok is not None or suite.tests
        if suite.run or suite.exclude:
            assert suite.subset
    assert "pytest" in catalogue.era


def test_a_broken_archive_is_one_clear_error(tmp_path: Path):
    path = tmp_path / "pkg-1.0.tar.gz"
    path.write_bytes(b"not a tarball")
    with pytest.raises(UpstreamError, match=r"pkg-1.0.tar.gz: not a readable sdist archive \(") as info:
        Sdist(path)
    assert "\n" not in str(info.value)


def test_tests_are_found_where_the_sdist_keeps_them():
    names = ["setup.cfg", "src/pkg/__init__.py", "tests/conftest.py", "tests/test_a.py"]
    assert locate_tests(names, Suite("pkg")) == ("tests",)
    assert locate_tests(names, Suite("pkg", tests=("test_pkg.py",))) == ("tests",)  # the layout moved
    assert locate_tests(["test/test_a.py", "pkg/__init__.py"], Suite("pkg")) == ("test",)
    # Flask-SocketIO 5.x: one test module at the root
    assert locate_tests(["flask_socketio/__init__.py", "test_socketio.py", "setup.py"], Suite("pkg")) == ("test_socketio.py",)
    # a docs/ or package folder with test-like names is not a test suite
    assert locate_tests(["pkg/__init__.py", "pkg/testing.py", "docs/index.rst", "setup.py"], Suite("pkg")) == ()


def test_the_suites_imports_are_found_without_its_own_modules(tmp_path: Path):
    (tmp_path / "tests" / "helpers").mkdir(parents=True)
    (tmp_path / "tests" / "helpers" / "__init__.py").write_text("import os\n")
    (tmp_path / "tests" / "test_a.py").write_text(
        "import nose.tools\nfrom semantic_version import Version\nfrom . import sibling\n"
        "from helpers import x\nimport conftest\n\ndef test():\n    import mock\n"
    )
    (tmp_path / "tests" / "conftest.py").write_text("import pytest\n")
    (tmp_path / "tests" / "test_py2.py").write_text("print 'python 2'\nimport never_seen\n")
    assert imported_modules(tmp_path) == {"os", "nose", "semantic_version", "mock", "pytest"}


def test_import_requirements_must_be_requirements():
    with pytest.raises(UpstreamError, match="import-requirements nose: 'nose >' is not a requirement"):
        parse_catalogue({"defaults": {"import-requirements": {"nose": "nose >"}}}, "upstream.toml")
    assert load_catalogue(CATALOGUE).import_requirements["semantic_version"] == "semantic-version"


def test_a_backport_builds_sdist_comes_from_the_channels_published_folder(tmp_path: Path):
    """The public index never has `3.0.6+lts2024.1`: verify's upstream stage runs the build's own
    suite from the patched sdist that packages/2024 publishes, checked against the build's record."""
    import shutil

    from conftest import ROOT
    from flask_lts_tools.verify.stages.upstream.sdist import backport_sdist, fetch_sdist

    found = fetch_sdist("werkzeug", "3.0.6+lts2024.1", tmp_path / "cache")
    assert found.path.read_bytes() == (ROOT / "packages" / "2024" / "werkzeug-3.0.6+lts2024.1.tar.gz").read_bytes()
    assert not (tmp_path / "cache").exists()  # nothing fetched
    assert found.uploaded == _dt.datetime(2024, 10, 25, 18, 52, 31, tzinfo=_dt.timezone.utc)  # the frozen release's era
    with pytest.raises(UpstreamError, match=r"werkzeug 3\.0\.6\+lts2024\.9 is a local build that no channel publishes"):
        backport_sdist("werkzeug", "3.0.6+lts2024.9", ROOT / "packages")
    shutil.copytree(ROOT / "packages", tmp_path / "packages")
    sdist = tmp_path / "packages" / "2024" / "werkzeug-3.0.6+lts2024.1.tar.gz"
    sdist.write_bytes(sdist.read_bytes() + b"\0")
    with pytest.raises(UpstreamError, match=r"does not match .*SHA256SUMS; published builds never change"):
        backport_sdist("werkzeug", "3.0.6+lts2024.1", tmp_path / "packages")


def test_a_known_failure_naming_a_module_is_ignored_at_collection_a_test_is_deselected():
    """A module that cannot be imported fails at collection, which --deselect does not
    prevent (Flask-JWT-Extended 4.6.0's tests/test_config.py parses a local Flask version
    with int() at import): a known failure naming a whole module is --ignore'd."""
    from flask_lts_tools.verify.stages.upstream import known_failure_args
    from flask_lts_tools.verify.stages.upstream.catalogue import KnownFailure

    applied = [
        KnownFailure("flask-jwt-extended", "tests/test_config.py", "test only"),
        KnownFailure("flask-sqlalchemy", "tests/test_model_bind.py::test_explicit_table[db2]", "x"),
    ]
    assert known_failure_args(applied) == [
        "--ignore", "tests/test_config.py", "--deselect", "tests/test_model_bind.py::test_explicit_table[db2]",
    ]  # fmt: skip


def test_ignore_really_keeps_a_module_that_cannot_import_from_collection(tmp_path):
    """The same, with pytest itself: --deselect leaves the collection error, --ignore does not."""
    import subprocess
    import sys

    from flask_lts_tools.verify.stages.upstream import known_failure_args
    from flask_lts_tools.verify.stages.upstream.catalogue import KnownFailure

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_config.py").write_text("tuple(map(int, '3.0.3+lts2024.1'.split('.')))\n")
    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    def run(args):
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--continue-on-collection-errors", *args],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip
    assert run(["--deselect", "tests/test_config.py"]).returncode != 0
    ignored = run(known_failure_args([KnownFailure("p", "tests/test_config.py", "r")]))
    assert ignored.returncode == 0, ignored.stdout
    assert "1 passed" in ignored.stdout
