# Facet rollups: counts per (common word or none, city or all) kept by a trigger
# on the index table in the same transaction as each document write (old row's
# values -1, new row's +1, upserted in key order with n = n + excluded.n), so a
# cascade delete or a bulk load keeps them too. search.rollups reads and rebuilds.

from django.db import migrations, models

# The facts one document adds to the rollups: (term, city_id, kind, value) for
# every scope it belongs to (all cities, its city, each chosen word it contains)
# times every facet value it has. The price buckets are search.selectors'.
FACTS_SQL = """
CREATE FUNCTION search_rollup_facts(
    d_city_id integer, d_verified boolean, d_min_price integer,
    d_services integer[], d_languages varchar[], d_document tsvector,
    d_latitude float8, d_longitude float8)
RETURNS TABLE (term varchar, city_id integer, kind varchar, value varchar)
LANGUAGE sql STABLE AS $$
    SELECT s.term, s.city_id, f.kind, f.value
    FROM (
        SELECT ''::varchar AS term, 0 AS city_id
        UNION ALL SELECT '', d_city_id
        UNION ALL SELECT t.lexeme, 0 FROM search_rollupterm t
            WHERE d_document IS NOT NULL
              AND t.lexeme = ANY (tsvector_to_array(d_document))
    ) s,
    (
        SELECT 'total'::varchar AS kind, ''::varchar AS value
        UNION ALL SELECT 'verified', '' WHERE d_verified
        UNION ALL SELECT 'unpriced', '' WHERE d_min_price IS NULL
        UNION ALL SELECT 'city', d_city_id::text
        UNION ALL SELECT 'point', d_latitude::text || ' ' || d_longitude::text
        UNION ALL SELECT 'service', x::text FROM unnest(d_services) x
        UNION ALL SELECT 'language', x FROM unnest(d_languages) x
        UNION ALL SELECT 'price', CASE
            WHEN d_min_price < 15000 THEN '0'
            WHEN d_min_price < 30000 THEN '15000'
            WHEN d_min_price < 50000 THEN '30000'
            WHEN d_min_price < 2147483647 THEN '50000' END
            WHERE d_min_price IS NOT NULL
    ) f
    -- Where a city's documents are (radius searches): its own scope only.
    WHERE f.kind <> 'point' OR (s.term = '' AND s.city_id <> 0)
$$;
"""

# One upsert per statement, in key order (concurrent writers lock rollup rows in
# the same order). An UPDATE counts only rows whose facet columns changed, so the
# daily re-keying (search.ranking) writes nothing here.
_UPSERT = """
    INSERT INTO search_facetrollup AS r (term, city_id, kind, value, n)
    SELECT term, city_id, kind, value, sum(delta) FROM ({deltas}) d
    GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (term, city_id, kind, value) DO UPDATE SET n = r.n + excluded.n;
"""
_FACTS = (
    "SELECT f.*, {sign} AS delta FROM {rows} x, LATERAL search_rollup_facts("
    "x.city_id, x.is_verified, x.min_hourly_eur, x.service_ids, x.language_codes,"
    " x.document, x.latitude, x.longitude) f"
)
_UNCHANGED = (
    " WHERE NOT EXISTS (SELECT 1 FROM {other} y WHERE y.profile_id = x.profile_id"
    " AND (y.city_id, y.is_verified, y.min_hourly_eur, y.service_ids,"
    " y.language_codes, y.document, y.latitude, y.longitude)"
    " IS NOT DISTINCT FROM (x.city_id, x.is_verified, x.min_hourly_eur,"
    " x.service_ids, x.language_codes, x.document, x.latitude, x.longitude))"
)
_CHANGED = (
    _FACTS.format(sign=-1, rows="old_rows") + _UNCHANGED.format(other="new_rows")
    + " UNION ALL "
    + _FACTS.format(sign=1, rows="new_rows") + _UNCHANGED.format(other="old_rows")
)
TRIGGER_SQL = f"""
CREATE FUNCTION search_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_UPSERT.format(deltas=_FACTS.format(sign=1, rows="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(deltas=_FACTS.format(sign=-1, rows="old_rows"))}
    ELSE
        {_UPSERT.format(deltas=_CHANGED)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_rollup_insert AFTER INSERT ON search_profilesearchdocument
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_rollup_apply();
CREATE TRIGGER search_rollup_update AFTER UPDATE ON search_profilesearchdocument
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_rollup_apply();
CREATE TRIGGER search_rollup_delete AFTER DELETE ON search_profilesearchdocument
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_rollup_apply();
"""
DROP_SQL = """
DROP TRIGGER search_rollup_insert ON search_profilesearchdocument;
DROP TRIGGER search_rollup_update ON search_profilesearchdocument;
DROP TRIGGER search_rollup_delete ON search_profilesearchdocument;
DROP FUNCTION search_rollup_apply();
DROP FUNCTION search_rollup_facts(integer, boolean, integer, integer[], varchar[],
    tsvector, float8, float8);
"""
# The rows that exist already (no words are chosen yet).
FILL_SQL = _UPSERT.format(
    deltas=_FACTS.format(sign=1, rows="search_profilesearchdocument")
)



class Migration(migrations.Migration):

    dependencies = [
        ('search', '0008_city_pages_moved_to_directory'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchRollupTerm',
            fields=[
                ('lexeme', models.CharField(max_length=100, primary_key=True, serialize=False)),
                ('documents', models.PositiveIntegerField(default=0)),
                ('chosen_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'db_table': 'search_rollupterm',
            },
        ),
        migrations.CreateModel(
            name='SearchFacetRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(blank=True, max_length=100)),
                ('city_id', models.IntegerField()),
                ('kind', models.CharField(max_length=16)),
                ('value', models.CharField(blank=True, max_length=32)),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'db_table': 'search_facetrollup',
                'constraints': [models.UniqueConstraint(fields=('term', 'city_id', 'kind', 'value'), name='search_rollup_once')],
            },
        ),
        migrations.RunSQL(FACTS_SQL + TRIGGER_SQL + FILL_SQL, DROP_SQL),
        migrations.AddIndex(
            model_name='profilesearchdocument',
            index=models.Index(fields=['city'], include=['is_verified', 'is_vip', 'min_hourly_eur', 'max_hourly_eur', 'rating_avg', 'service_ids', 'language_codes', 'touring_city_ids'], name='search_doc_city_facets'),
        ),
    ]
