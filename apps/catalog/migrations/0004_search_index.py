"""PostgreSQL only: tsvector columns derived from search_terms, with GIN indexes.

search_terms holds " <name terms> | <other terms> " built by apps.catalog.search. The
columns are generated, so every write of search_terms keeps them current; Django never
reads them as fields. SQLite keeps only the text column and matches it with LIKE.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION catalog_terms_tsvector(terms text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array_remove(string_to_array(terms, ' '), ''))
$$;
ALTER TABLE catalog_dataresource
  ADD COLUMN search_name_vector tsvector GENERATED ALWAYS AS
    (catalog_terms_tsvector(split_part(search_terms, '|', 1))) STORED,
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
    (catalog_terms_tsvector(replace(search_terms, '|', ' '))) STORED;
CREATE INDEX catalog_resource_search_name_gin
  ON catalog_dataresource USING gin (search_name_vector);
CREATE INDEX catalog_resource_search_gin ON catalog_dataresource USING gin (search_vector);
-- Move long texts and vectors out of line so scans for facets read narrow heap rows.
ALTER TABLE catalog_dataresource SET (toast_tuple_target = 256);
-- Track many lexemes: with the default (100) an unseen term is estimated as common, and
-- the planner walks the primary key looking for it instead of asking the GIN index.
ALTER TABLE catalog_dataresource
  ALTER COLUMN search_vector SET STATISTICS 10000,
  ALTER COLUMN search_name_vector SET STATISTICS 10000;
"""

BACKWARD = """
ALTER TABLE catalog_dataresource DROP COLUMN search_vector, DROP COLUMN search_name_vector;
DROP FUNCTION catalog_terms_tsvector(text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_metadata_pending")]

    operations = [migrations.RunPython(forward, backward)]
