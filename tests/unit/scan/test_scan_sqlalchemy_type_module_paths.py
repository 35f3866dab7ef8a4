"""flask-lts scan rule sqlalchemy-type-module-paths: what it finds in real code, and what it leaves alone."""

from scan_helpers import findings, lines

RULE = "sqlalchemy-type-module-paths"

# The converter tables of WTForms-SQLAlchemy 0.3 and Flask-Admin 1.6.
BEFORE = '''class ModelConverter(ModelConverterBase):
    @converts("Boolean", "dialects.mssql.base.BIT")
    def conv_Boolean(self, field_args, **extra):
        return wtforms_fields.BooleanField(**field_args)

    @converts("dialects.postgresql.base.INET")
    def conv_PGInet(self, field_args, **extra):
        return wtforms_fields.StringField(**field_args)

    @converts('sqlalchemy.dialects.postgresql.base.UUID', 'sqlalchemy_utils.types.uuid.UUIDType')
    def conv_PGUuid(self, field_args, **extra):
        return wtforms_fields.StringField(**field_args)
'''

CLEAN = '''from sqlalchemy.dialects.postgresql.base import PGDialect
class ModelConverter(ModelConverterBase):
    @converts("dialects.postgresql.types.INET", "sqlalchemy.dialects.postgresql.base.ARRAY_NOT_A_TYPE")
    def conv_PGInet(self, field_args, **extra):
        return wtforms_fields.StringField(**field_args)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6, 10]
    assert "sqlalchemy.dialects.postgresql.types.INET" in findings(BEFORE, RULE)[0].replacement


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
