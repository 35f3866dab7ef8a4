"""flask-lts scan rule flask-babel-selectors: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-babel-selectors"

BEFORE = '''from flask_babel import Babel
babel = Babel(app)

@babel.localeselector
def get_locale():
    return request.accept_languages.best_match(["en", "de"])
'''

CLEAN = '''from flask_babel import Babel
babel = Babel(app, locale_selector=get_locale)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
