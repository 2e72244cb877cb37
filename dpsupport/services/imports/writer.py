"""The one bulk write in the app: an import's lines, straight through the database driver."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

# The columns an imported line fills, in the order of the tuples handed to the driver.
COLUMNS = ("holder_id", "account_id", "date", "amount_pence", "payee", "description",
            "source", "import_id", "dedupe_key", "fingerprint", "bank_transaction_id",
            "running_balance_pence", "raw", "created_at", "created_by_id", "category",
            "budget_line_id", "match_key")


class Writer:
    """Inserts lines in chunks straight through the database driver.

    A statement import is the one bulk write in the app: 100,000 lines through the ORM
    would take many seconds, so the rows go to the driver's executemany as plain tuples.
    Dates and times are turned into text the way SQLAlchemy stores them on SQLite;
    PostgreSQL's driver takes them as they are. ON CONFLICT DO NOTHING on the unique
    (account, key) index makes a line that another import has just written a no-op.
    (On PostgreSQL, COPY into a temporary table and one INSERT ... SELECT per chunk was
    tried: about 10% faster, as the server's own work per row (four indexes, three
    foreign-key checks) dominates, so not worth a second way of writing.)
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.sqlite = dialect.name == "sqlite"
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        conflict = (" ON CONFLICT (account_id, dedupe_key) DO NOTHING"
                    if dialect.name in ("sqlite", "postgresql") else "")
        self.sql = (f"INSERT INTO money_transaction ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join([mark] * len(COLUMNS))}){conflict}")

    def stamp(self, value: datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.connection.exec_driver_sql(self.sql, rows)
