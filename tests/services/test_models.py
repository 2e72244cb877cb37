"""The models' coded columns accept only their documented values."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dpsupport.models import Account, Holder, HolderAccess, Membership, Organisation
from dpsupport.models.banking import ACCOUNT_KINDS
from dpsupport.models.people import NATIONS, ORGANISATION_KINDS, REPRESENTATIVE_TYPES, ROLES

from ..support.factories import create_holder, create_org

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("model", "column", "choices", "bad"), [
    (Account, "kind", ACCOUNT_KINDS, "savings"),
    (Organisation, "kind", ORGANISATION_KINDS, "charity"),
    (Holder, "nation", NATIONS, "England"),  # codes, not labels
    (Membership, "role", ROLES, "admin"),
    (HolderAccess, "role", ROLES, "org-admin"),
    (HolderAccess, "representative_type", REPRESENTATIVE_TYPES, "friend"),
], ids=["account-kind", "organisation-kind", "nation", "membership-role", "grant-role",
        "representative-type"])
def test_a_coded_column_takes_only_its_documented_values(model, column, choices, bad) -> None:  # type: ignore[no-untyped-def]
    for code in choices:
        assert getattr(model(**{column: code}), column) == code
    with pytest.raises(ValueError, match=rf"must be one of .*not '{bad}'"):
        model(**{column: bad})
    record = model(**{column: next(iter(choices))})
    with pytest.raises(ValueError):
        setattr(record, column, bad)  # changing it later is checked too
    default = model.__table__.c[column].default
    assert default is None or default.arg in choices


def test_no_representative_type_is_allowed() -> None:
    assert HolderAccess(role="holder", representative_type=None).representative_type is None


def test_the_access_policy_knows_every_role_and_no_other() -> None:
    policy = tomllib.loads((ROOT / "dpsupport/access_policy.toml").read_text())
    assert set(policy["roles"]["all"]) == set(ROLES)
    for group in policy["roles"].values():
        assert set(group) <= set(ROLES), group


def test_nothing_bad_is_stored(session: Session) -> None:
    """The check runs before anything is written: the database never sees the value."""
    org = create_org(session)
    holder = create_holder(session, org)
    with pytest.raises(ValueError):
        holder.nation = "Cornwall"
    session.commit()
    session.expire_all()
    assert holder.nation == "england"
