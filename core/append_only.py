"""Append-only tables (the audit log, verification attestations, the consent
ledger): a PostgreSQL trigger refuses every UPDATE, DELETE and TRUNCATE, so no
code path, admin or shell session can rewrite history. Django has no such
constraint, hence these few lines of SQL, used from migrations:

    operations = [..., append_only("audit_auditentry")]
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
            f"""CREATE TRIGGER {table}_append_only_truncate
                BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();""",
        ],
        reverse_sql=[
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};",
        ],
    )
