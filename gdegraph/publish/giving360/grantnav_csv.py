"""The flattened CSV of a 360Giving package, with the column titles GrantNav reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

#: Flattened CSV: (JSON path, column title). Titles are the schema's, joined with ':' as
#: flatten-tool and GrantNav do; the schema gives ``currency`` no title, GrantNav uses "Currency".
CSV_COLUMNS: tuple[tuple[tuple[str | int, ...], str], ...] = (
    (("id",), "Identifier"), (("title",), "Title"), (("description",), "Description"),
    (("currency",), "Currency"), (("amountAwarded",), "Amount Awarded"), (("awardDate",), "Award Date"),
    (("url",), "URL"),
    (("plannedDates", 0, "startDate"), "Planned Dates:Start Date"),
    (("plannedDates", 0, "endDate"), "Planned Dates:End Date"),
    (("plannedDates", 0, "duration"), "Planned Dates:Duration (months)"),
    (("recipientOrganization", 0, "id"), "Recipient Org:Identifier"),
    (("recipientOrganization", 0, "name"), "Recipient Org:Name"),
    (("fundingOrganization", 0, "id"), "Funding Org:Identifier"),
    (("fundingOrganization", 0, "name"), "Funding Org:Name"),
    (("grantProgramme", 0, "code"), "Grant Programme:Code"),
    (("grantProgramme", 0, "title"), "Grant Programme:Title"),
    (("grantProgramme", 0, "url"), "Grant Programme:URL"),
    (("relatedActivity",), "Related Activity"), (("dataSource",), "Data Source"),
)


def _cell(grant: Mapping[str, Any], path: tuple[str | int, ...]) -> str:
    value: Any = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return ""
    return ";".join(value) if isinstance(value, list) else str(value)


def to_csv(package: Mapping[str, Any]) -> bytes:
    """One row per grant with the GrantNav column titles (:data:`CSV_COLUMNS`), UTF-8, CRLF lines."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title in CSV_COLUMNS])
    for grant in package["grants"]:
        writer.writerow([_cell(grant, path) for path, _ in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")
