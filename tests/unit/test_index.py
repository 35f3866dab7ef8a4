"""The index's JSON answer, as the toolkit reads it: release facts and files."""

from __future__ import annotations

from flask_lts_tools.index import parse_project

ANSWER = {
    "info": {"name": "Flask-Login"},
    "releases": {
        "0.6.3": [
            {
                "filename": "Flask-Login-0.6.3.tar.gz", "url": "../../packages/ab/cd/Flask-Login-0.6.3.tar.gz",
                "digests": {"sha256": "5e23d14a"}, "packagetype": "sdist",
                "upload_time_iso_8601": "2023-10-30T14:53:21.151Z", "yanked": False, "requires_python": ">=3.7",
            },
            {
                "filename": "Flask_Login-0.6.3-py3-none-any.whl", "url": "https://files.example/Flask_Login-0.6.3-py3-none-any.whl",
                "digests": {"sha256": "849b25b8"}, "packagetype": "bdist_wheel",
                "upload_time_iso_8601": "2023-10-30T14:53:19.636Z", "yanked": False, "requires_python": ">=3.7",
            },
        ],
        "0.6.2": [
            {
                "filename": "Flask-Login-0.6.2.tar.gz", "url": "https://files.example/old.tar.gz",
                "digests": {"sha256": "c0a7baa9"}, "packagetype": "sdist",
                "upload_time_iso_8601": "2022-07-26T00:00:00Z", "yanked": True, "requires_python": None,
            },
        ],
        "0.7.0.dev0": [],
        "not a version": [{"filename": "x.tar.gz", "url": "x", "packagetype": "sdist"}],
    },
}  # fmt: skip


def test_release_files_are_absolute_and_the_sdist_is_found():
    project = parse_project("flask-login", ANSWER, "https://index.example/pypi/flask-login/json")
    assert project.name == "Flask-Login"
    assert sorted(project.releases) == ["0.6.2", "0.6.3"]  # empty and invalid versions are dropped
    release = project.releases["0.6.3"]
    assert release.uploaded.isoformat().startswith("2023-10-30T14:53:19")  # the earliest file
    sdist = release.sdist
    assert sdist.filename == "Flask-Login-0.6.3.tar.gz"
    assert sdist.url == "https://index.example/packages/ab/cd/Flask-Login-0.6.3.tar.gz"
    assert sdist.sha256 == "5e23d14a"
    assert not sdist.yanked


def test_a_yanked_only_release_still_names_its_sdist():
    release = parse_project("flask-login", ANSWER, "https://index.example/pypi/flask-login/json").releases["0.6.2"]
    assert release.yanked and release.sdist.yanked
    assert release.sdist.url == "https://files.example/old.tar.gz"


def test_the_pure_python_wheel_is_found_and_compiled_ones_are_not():
    project = parse_project("flask-login", ANSWER, "https://index.example/pypi/flask-login/json")
    assert project.releases["0.6.3"].pure_wheel.filename == "Flask_Login-0.6.3-py3-none-any.whl"
    assert project.releases["0.6.2"].pure_wheel is None  # an sdist only
    compiled = {"info": {"name": "MarkupSafe"}, "releases": {"2.1.5": [
        {"filename": "MarkupSafe-2.1.5-cp311-cp311-manylinux_2_17_x86_64.whl", "url": "a", "packagetype": "bdist_wheel"},
        {"filename": "MarkupSafe-2.1.5-py2.py3-none-any.whl", "url": "b", "packagetype": "bdist_wheel"},
    ]}}  # fmt: skip
    assert parse_project("markupsafe", compiled).releases["2.1.5"].pure_wheel.url == "b"
