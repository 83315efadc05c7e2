"""Builds the POST data the person and company forms send, rows included."""

from __future__ import annotations

from typing import Any

PERSON_ROW_SETS = ("details", "addresses", "positions", "assistants", "dates")
COMPANY_ROW_SETS = ("details", "addresses")


def form_data(row_sets: tuple[str, ...], fields: dict[str, Any], rows: dict[str, list[dict]] | None = None,
              version: int | None = None, initial: dict[str, int] | None = None) -> dict[str, str]:
    data: dict[str, str] = {name: "" if value is None else str(value) for name, value in fields.items()}
    if version is not None:
        data["version"] = str(version)
    for prefix in row_sets:
        prefix_rows = (rows or {}).get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(prefix_rows))
        data[f"{prefix}-INITIAL_FORMS"] = str((initial or {}).get(prefix, 0))
        for index, row in enumerate(prefix_rows):
            for name, value in row.items():
                if value is True:
                    data[f"{prefix}-{index}-{name}"] = "on"
                elif value not in (False, None):
                    data[f"{prefix}-{index}-{name}"] = str(value)
    return data


Rows = dict[str, list[dict]]


def person_data(fields: dict[str, Any], rows: Rows | None = None, **kwargs: Any) -> dict[str, str]:
    fields = {"salutation": "", "title": "", "first_name": "", "gender": "", "language": "", "birthday": "",
              "background": "", **fields}
    return form_data(PERSON_ROW_SETS, fields, rows, **kwargs)


def company_data(fields: dict[str, Any], rows: Rows | None = None, **kwargs: Any) -> dict[str, str]:
    return form_data(COMPANY_ROW_SETS, {"background": "", **fields}, rows, **kwargs)
