"""The database keeps the ledger honest (docs/payments.md): an unbalanced
transaction is refused at commit (a deferred constraint trigger checks that
each transaction's entries sum to zero per currency), and entries and
transactions are append-only (core/append_only.py)."""

from django.db import migrations

from core.append_only import append_only

BALANCED = """
CREATE OR REPLACE FUNCTION payments_ledger_check_balanced() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM payments_ledgerentry
        WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING SUM(amount_minor) <> 0
    ) THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER payments_ledgerentry_balanced
    AFTER INSERT ON payments_ledgerentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_check_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=BALANCED,
            reverse_sql=[
                "DROP TRIGGER IF EXISTS payments_ledgerentry_balanced "
                "ON payments_ledgerentry;",
                "DROP FUNCTION IF EXISTS payments_ledger_check_balanced();",
            ],
        ),
        append_only("payments_ledgerentry"),
        append_only("payments_ledgertransaction"),
    ]
