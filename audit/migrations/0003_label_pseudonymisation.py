"""The audit log stays append-only, with one narrow exception: while the
transaction-local setting ``audit.pseudonymise`` is on, an UPDATE may change
the two label columns and nothing else. Erasure uses it (through
``audit.services.audit_labels_pseudonymise``, the only caller) so that kept
entries name a closed account instead of a person (docs/privacy.md, "Erasure").
DELETE stays refused, whatever the setting."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('audit.pseudonymise', true) = 'on'
       AND (NEW.id, NEW.actor_id, NEW.action, NEW.target_type, NEW.target_id,
            NEW.reason, NEW.data, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.actor_id, OLD.action, OLD.target_type, OLD.target_id,
            OLD.reason, OLD.data, OLD.created_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_moderator_permissions")]

    operations = [
        migrations.RunSQL(
            sql=[
                FUNCTION,
                "DROP TRIGGER audit_auditentry_append_only ON audit_auditentry;",
                """CREATE TRIGGER audit_auditentry_append_only
                    BEFORE UPDATE OR DELETE ON audit_auditentry
                    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();""",
            ],
            reverse_sql=[
                "DROP TRIGGER audit_auditentry_append_only ON audit_auditentry;",
                """CREATE TRIGGER audit_auditentry_append_only
                    BEFORE UPDATE OR DELETE ON audit_auditentry
                    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();""",
                "DROP FUNCTION audit_entry_refuse_change();",
            ],
        ),
    ]
