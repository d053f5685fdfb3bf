"""The officers' queue over 100,000 cases: a covering index by deadline, and on PostgreSQL a trigram index
for the text search (docs/benchmarks.md, "The officers' queue")."""

from django.db import migrations, models, transaction

# The expression Django's icontains compiles to on PostgreSQL: UPPER("description"::text) LIKE UPPER(%s).
TRIGRAM_INDEX = "report_description_trgm"


def add_trigram_index(apps, schema_editor):
    """PostgreSQL only. pg_trgm is a trusted extension (PostgreSQL 13+), so a database owner may create it;
    where the role may not, the search still works (a scan of the queue's rows) and the migration says so
    instead of failing the deploy."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # any refusal (permission, package missing) means no index
        print(f"\n  pg_trgm is not available ({exc}); the queue's text search runs without its index.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON aduan_report "
        "USING gin (UPPER(description) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('aduan', '0006_citizens'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='report',
            name='aduan_repor_holder__d32d3e_idx',
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['holder', 'status', 'completion_due_at', 'created_at', 'id', 'overdue', 'red_flag'], name='report_queue_idx'),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False),
    ]
