"""The text forms a typed value may take where the platform binds it into DuckDB: a
merchant's record filter (apps.delivery.query) and a product's row filter
(apps.products.validation) accept these and nothing else.

Date and datetime values as the ingest writes them (apps.catalog.ingest.validate): ISO,
to the second, no offset. DuckDB's cast (PostgreSQL's too) also reads `infinity`,
`-infinity` and `epoch` as dates, years past 9999 or BC, unpadded or spaced forms, and
drops an offset: nothing but these shapes reaches it. Numbers in plain decimal digits (no
1e3, 0x10, 1_000, spaces; no fraction for an integer, which the cast would round).
"""

import re

INTEGER = re.compile(r"-?[0-9]{1,19}")
DECIMAL = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?"
)
