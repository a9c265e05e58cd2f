"""Append-only tables (the audit log, verification attestations, the consent
ledger): a PostgreSQL trigger refuses every UPDATE and DELETE of a row, so no
code path, admin or shell session can rewrite history. Django has no such
constraint, hence these few lines of SQL, used from migrations:

    operations = [..., append_only("audit_auditentry")]

TRUNCATE is left alone on purpose: it is table-level DDL that only the schema
owner may run (production's application role should not own the schema), and
the test runner empties tables with it between transactional tests.
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=[
            FUNCTION,
            f"""CREATE TRIGGER {table}_append_only
                BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();""",
        ],
        reverse_sql=[
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        ],
    )
