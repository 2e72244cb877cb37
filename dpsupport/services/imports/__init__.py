"""Importing a bank statement into a holder's account: check, import, undo.

The reading is done by `dpsupport.statements` (pure Python); this package decides what is
new, writes it, and keeps the record of every import. Its parts:

* `importing`: check a statement (`preview`) and import it (`import_statement`), both in
  the caller's transaction;
* `scan`: the one pass over the lines that both share; `writer`: the bulk insert;
* `summary`: what was found, as sentences and JSON; `errors`: `ImportRefused` and the
  `NeedsMapping` answer;
* `pending`: uploads waiting for the person to press Import; `undo`: undoing an import;
* `flows`: the use cases the web pages and the command line call, each one transaction
  (`@transactional`).

How an import stays trustworthy
-------------------------------
* **All or nothing.** A statement with lines we cannot read is refused whole, naming the
  lines, unless the person has seen them and chosen to import the rest
  (``accept_problems``). Any error rolls the whole import back.
* **One at a time per account.** An import locks its account's row first
  (`importing.lock_account`), so two imports into one account never decide at the same
  moment that the same payment is new.
* **Never twice.** Each line gets a key (the bank's id when the file's ids are reliable,
  otherwise a fingerprint of date, amount, description and occurrence number: see
  `dpsupport.statements.dedupe`). A line is "already here" when its key or its fingerprint
  matches a line already in the account. The database's unique index on (account, key) is
  the final word: rows are inserted with ON CONFLICT DO NOTHING.
* **Streaming.** Lines are read, checked and written in chunks, so a 100,000-line file is
  never held as 100,000 objects. Bank ids are trusted optimistically; if a later line turns
  out to lack an id or repeat one, the chunked work is rolled back to a savepoint and the
  file is read again using fingerprints only.
* **Recorded and undoable.** A `StatementImport` row says who, when, which file (name and
  SHA-256), and the counts; the audit trail gets a one-line summary. Undo removes every
  line the import added, as one change.
"""

from __future__ import annotations

from ...models import Account, Holder, PendingUpload, StatementImport
from ...models.funding import ALL_CATEGORIES
from ...statements import MAX_BYTES
from . import flows
from .errors import ImportRefused, NeedsMapping
from .importing import file_sha256, import_statement, lock_account, preview
from .pending import (
    PENDING_LIFETIME,
    clear_stale_pending,
    drop_pending,
    pending_for,
    pending_mapping,
    save_pending,
    set_pending_mapping,
)
from .scan import CHUNK
from .summary import (
    FORMAT_LABELS,
    MAX_ROWS,
    PREVIEW_ROWS,
    ImportSummary,
    Limits,
    PreviewRow,
    format_label,
)
from .undo import (
    ImportLines,
    balance_note,
    import_for,
    import_lines,
    imports_for,
    undo_blockers,
    undo_import,
)
from .writer import COLUMNS, Writer

# The model types this package's functions take and give back, for the pages' type hints
# (the pages do not import the models themselves).
__all__ = [
    "ALL_CATEGORIES", "Account", "Holder", "ImportLines", "PendingUpload", "StatementImport",
    "balance_note", "flows", "import_lines",
    "CHUNK", "COLUMNS", "FORMAT_LABELS", "MAX_BYTES", "MAX_ROWS", "PENDING_LIFETIME",
    "PREVIEW_ROWS", "ImportRefused", "ImportSummary", "Limits", "NeedsMapping", "PreviewRow",
    "Writer", "clear_stale_pending", "drop_pending", "file_sha256", "format_label",
    "import_for", "import_statement", "imports_for", "lock_account", "pending_for",
    "pending_mapping", "preview", "save_pending", "set_pending_mapping", "undo_blockers",
    "undo_import",
]
