"""flask-lts scan rule sqlalchemy-iterate-properties: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-iterate-properties"

# WTForms-SQLAlchemy 0.3's model_fields and Flask-Admin 1.6's form scaffolding.
BEFORE = '''def model_fields(model, db_session=None, converter=None):
    mapper = model._sa_class_manager.mapper
    properties = []
    for prop in mapper.iterate_properties:
        if getattr(prop, "columns", None):
            properties.append((prop.key, prop))
    return properties

def list_columns(model):
    return model._sa_class_manager.mapper.iterate_properties
'''

CLEAN = '''from sqlalchemy import inspect

def model_fields(model):
    return [(prop.key, prop) for prop in inspect(model).attrs]
'''

# A file that configures the mappers itself before it walks them is left alone.
CONFIGURED = '''import sqlalchemy as sa

def list_columns(model):
    sa.orm.configure_mappers()
    return model._sa_class_manager.mapper.iterate_properties
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 10]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
    assert lines(CONFIGURED, RULE) == []
