"""flask-lts scan rule flask-babel-list-translations: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-babel-list-translations"

# calibre-web's admin (the default locale added by hand), and an app that lists the
# translations to pick from.
BEFORE = '''from flask_babel import Babel
babel = Babel()

def new_user():
    translations = [LC('en')] + babel.list_translations()

def get_locale():
    translations = [str(translation) for translation in babel.list_translations()]
    return request.accept_languages.best_match(translations)
'''

# Other libraries' methods of the same name (a FastAPI client, a Bible module).
CLEAN = '''async def list_translations(concord):
    translations = await concord.list_translations()

def list_bible_translations():
    return bibles.list_translations()
'''


def test_finds_each_call():
    assert lines(BEFORE, RULE) == [5, 8]


def test_leaves_other_objects_alone():
    assert lines(CLEAN, RULE) == []
