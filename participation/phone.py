"""Phone numbers that staff ring when a child's worry cannot wait: a home's, the duty team's.

Checked and written the one way (phonenumbers, Google's libphonenumber rules): "01234 567890"
as a UK number is said, and a tel: link that dials it from a work phone anywhere.
"""

from __future__ import annotations

import phonenumbers

# The app is for UK councils: a number written without a country code is a UK one.
REGION = "GB"
# Longer than any real number written with spaces and an extension; longer is a mistake.
PHONE_MAX = 40


def parsed(text: str) -> phonenumbers.PhoneNumber | None:
    """The number in `text`, or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def written(text: str) -> str | None:
    """`text` as it is kept and shown: a UK number as the UK writes it ("0161 496 0000"), any
    other with its country code; None when it is not a phone number."""
    number = parsed(text)
    if number is None:
        return None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def dial(text: str) -> str:
    """The tel: address of a kept number ("tel:+44-161-496-0000"), "" when there is none."""
    number = parsed(text) if text else None
    if number is None:
        return ""
    # RFC 3966 keeps an extension (";ext=12"), which E.164 drops.
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)
