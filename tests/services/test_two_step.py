"""Two-step sign-in's rules (services/two_step.py): who must use it, set-up saves nothing
until the code is right, recovery codes replace each other, and it cannot be turned off
while required."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from dpsupport.errors import UserError
from dpsupport.models import RecoveryCode
from dpsupport.services import two_step
from tests.support.factories import create_org, create_user


@pytest.mark.parametrize(("role", "org_asks", "required"), [
    ("finance_officer", False, True), ("org_admin", False, True),
    ("support_worker", False, False), ("support_worker", True, True),
    ("holder", True, False), ("representative", True, False),
])
def test_who_must_use_it(session, role: str, org_asks: bool, required: bool) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    org.two_step_required = org_asks
    user = create_user(session, org, role, two_step=False)
    assert two_step.required_for(session, user) is required
    assert (two_step.why_required(session, user) is not None) is required


def test_set_up_saves_nothing_until_the_code_is_right(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    user = create_user(session, org, "support_worker")
    session.commit()
    setting_up = two_step.start_set_up(user)
    assert setting_up.uri.startswith("otpauth://totp/dpsupport:")
    assert "issuer=dpsupport" in setting_up.uri and "support_worker" in setting_up.uri
    assert setting_up.qr_svg.startswith("<svg") and len(setting_up.key_groups) == 8
    with pytest.raises(UserError):
        two_step.confirm_set_up(session, user, setting_up.secret, "000000"
                                if pyotp.TOTP(setting_up.secret).now() != "000000" else "111111")
    assert user.totp_enabled_at is None and user.totp_secret is None
    codes = two_step.confirm_set_up(session, user, setting_up.secret,
                                    pyotp.TOTP(setting_up.secret).now())
    assert len(set(codes)) == two_step.RECOVERY_CODE_COUNT
    assert user.totp_secret == setting_up.secret and user.totp_enabled_at is not None
    # new codes replace the old ones
    newer = two_step.regenerate_recovery_codes(session, user)
    assert not set(newer) & set(codes)
    assert session.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user.id)) == 10
    # a support worker may turn it off; nothing of it is left
    two_step.turn_off(session, user)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert session.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user.id)) == 0


def test_it_cannot_be_turned_off_while_required(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    officer = create_user(session, org, "finance_officer")
    session.commit()
    assert officer.totp_enabled_at is not None
    with pytest.raises(UserError, match="cannot turn off"):
        two_step.turn_off(session, officer)
    assert officer.totp_enabled_at is not None


def test_only_an_admin_changes_the_organisations_setting(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    worker = create_user(session, org, "support_worker")
    admin = create_user(session, org, "org_admin")
    session.commit()
    with pytest.raises(UserError):
        two_step.set_required_for_all_staff(session, worker, True)
    assert not org.two_step_required
    two_step.set_required_for_all_staff(session, admin, True)
    assert org.two_step_required and two_step.required_for(session, worker)
