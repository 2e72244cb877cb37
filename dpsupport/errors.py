"""One kind of error for things a person asked for that cannot be done.

A service raises `UserError` (or a subclass) with a message the person can read and, where
it helps, what they can do next. Views show it one way: in the form's error summary, linked
to the field named by ``field`` when there is one (`web.forms.show_error`). The command line
shows it one way: one line on stderr and exit status 2 (`cli_fail.fail`). Nothing else about an
error is shown to people: anything that is not a `UserError` is a fault in the app, logged
and answered with the "something went wrong on our side" page.
"""

from __future__ import annotations


class UserError(Exception):
    """A change or request that cannot be made as it is.

    ``message`` says what is wrong, in plain words, addressed to the person ("The date must
    be within the agreement"). ``next_step`` says what they can do about it, when that is not
    obvious from the message. ``field`` names the form field the message belongs to.
    """

    def __init__(self, message: str, *, next_step: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.next_step = next_step
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} {self.next_step}" if self.next_step else self.message
