"""flask-lts scan rule flask-send-file-arguments: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-send-file-arguments"

BEFORE = '''from flask import send_file, send_from_directory

def download(path):
    send_from_directory("files", filename=path)
    return send_file(path, as_attachment=True, attachment_filename="report.pdf", cache_timeout=0)
'''

CLEAN = '''from flask import send_file
send_file(path, download_name="report.pdf", max_age=0)
'''

AFTER = '''from flask import send_file, send_from_directory

def download(path):
    send_from_directory("files", path=path)
    return send_file(path, as_attachment=True, download_name="report.pdf", max_age=0)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 5, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
