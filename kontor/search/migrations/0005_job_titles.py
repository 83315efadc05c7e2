"""People's current job titles and departments join their search documents ("Einkaufsleiter"
finds the person). New and changed people get them from kontor/search/index.py; this adds them to
the documents written before, without rebuilding the index."""

from collections import defaultdict

from django.db import migrations

from kontor.search.folding import fold

BATCH = 1000


def add_job_titles(apps, schema_editor) -> None:  # noqa: ANN001
    Position = apps.get_model("contacts", "Position")
    Document = apps.get_model("search", "Document")
    jobs: dict[int, list[str]] = defaultdict(list)
    current = (Position.objects.filter(is_former=False).exclude(job_title="", department="")
               .order_by("pk").values_list("person_id", "job_title", "department"))
    for person_id, job_title, department in current.iterator(chunk_size=BATCH):
        jobs[person_id].append(", ".join(part for part in (job_title, department) if part))
    people = sorted(jobs)
    for start in range(0, len(people), BATCH):
        documents = list(Document.objects.filter(kind="person", object_id__in=people[start:start + BATCH]))
        for document in documents:
            lines = "\n".join(jobs[document.object_id])
            document.text = f"{document.text}\n{lines}" if document.text else lines
            document.folded_text = f"{document.folded_text}\n{fold(lines)}" if document.folded_text else fold(lines)
        Document.objects.bulk_update(documents, ["text", "folded_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0002_sort_indexes_end_in_id"),
        ("search", "0004_comments"),
    ]

    operations = [migrations.RunPython(add_job_titles, migrations.RunPython.noop, elidable=True)]
