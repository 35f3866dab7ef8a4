"""flask-lts scan rule sqlalchemy-orm-mapper: what it finds in real code, and what it leaves alone."""

from scan_helpers import findings, lines

RULE = "sqlalchemy-orm-mapper"

# WTForms-SQLAlchemy 0.3's tests: the mapper is imported in one method and called in another.
BEFORE = '''from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event
from sqlalchemy.orm import Mapper

class TestBase:
    def _do_tables(self, mapper, engine):
        metadata = MetaData()
        test_table = Table("test", metadata, Column("id", Integer, primary_key=True), Column("name", String))
        mapper(Test, test_table)

    def setUp(self):
        from sqlalchemy.orm import mapper
        self._do_tables(mapper, create_engine("sqlite:///:memory:"))

import sqlalchemy.orm
sqlalchemy.orm.mapper(PKTest, pk_test_table)

@event.listens_for(sqlalchemy.orm.mapper, "after_configured")
def configured():
    pass
'''

CLEAN = '''from sqlalchemy import event
from sqlalchemy.orm import Mapper, registry
from sqlalchemy.orm.mapper import Mapper as M

mapper_registry = registry()
mapper_registry.map_imperatively(Test, test_table)
event.listen(Mapper, "after_configured", configured)
inspect(Test).mapper
'''


def test_finds_each_call_and_the_deprecated_event_target():
    assert lines(BEFORE, RULE) == [8, 15, 17]
    assert [f.kind for f in findings(BEFORE, RULE)] == ["removed", "removed", "deprecated"]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
