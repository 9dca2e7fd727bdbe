"""The funding awards to trusts as a 360Giving data package and the flattened CSV GrantNav reads.

360Giving is the UK standard for grants data; publishing the awards in it puts
them in GrantNav beside other funders' grants. Where the graph and the
standard differ, the mapping says so rather than guessing (docs/publishing.md
explains each choice):

* one grant per award per identifiable trust: ``per recipient`` awards to a
  tier or wave expand to its member trusts (partners excluded); an ``in
  total`` award to a partnership goes to its one lead trust; other totals,
  corrected awards and trusts without an ODS code are listed in the
  package's ``excludedAwards``/``skippedRecipients`` with the reason;
* recipients are ``GB-NHS-{ODS code}``; funders, lacking an org-id.guide id
  in the sources, get gdegraph's own ``XI-GDEGRAPH-{slug}``; grant ids start
  ``GDEGRAPH-`` (gdegraph has no 360Giving publisher prefix);
* "up to" amounts put the maximum in the required ``amountAwarded`` and say
  so in the description and a classification; a month or year in place of
  the required full ``awardDate`` becomes its first day, and its precision
  is stated the same way;
* conflicting accounts of the same money are separate grants linked by
  ``relatedActivity``: they must not be added up.

Modules: :mod:`~gdegraph.publish.giving360.package` (the package and its files),
:mod:`~gdegraph.publish.giving360.award` (an award's trusts and date),
:mod:`~gdegraph.publish.giving360.grants` (one grant), :mod:`~gdegraph.publish.giving360.grantnav_csv`
(the flattened CSV), :mod:`~gdegraph.publish.giving360.schema` (offline schema check) and
:mod:`~gdegraph.publish.giving360.graph_values` (deterministic reads from the graph).
"""

from __future__ import annotations

from gdegraph.publish.giving360.grantnav_csv import CSV_COLUMNS, to_csv
from gdegraph.publish.giving360.grants import GRANT_ID_PREFIX, ORG_ID_PREFIX
from gdegraph.publish.giving360.package import CSV_FILE, PACKAGE_FILE, STANDARD_VERSION, TITLES, grants_package, package_files
from gdegraph.publish.giving360.schema import GRANT_SCHEMA, PACKAGE_SCHEMA, SCHEMA_IDS, schema_dir, validate_package

__all__ = ["CSV_COLUMNS", "CSV_FILE", "GRANT_ID_PREFIX", "GRANT_SCHEMA", "ORG_ID_PREFIX", "PACKAGE_FILE",
           "PACKAGE_SCHEMA", "SCHEMA_IDS", "STANDARD_VERSION", "TITLES", "grants_package", "package_files",
           "schema_dir", "to_csv", "validate_package"]
