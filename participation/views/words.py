"""The words a child reads when something cannot be used or saved. Kind, short, and always
saying what to do next. The pipeline's reasons are stable codes; only this module words them."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..media.processing import MediaLimits


def photo_refused(reason: str, number: int, several: bool, name: str = "") -> str:
    """Why a photo could not be used (`number` counts from 1 among the photos chosen; `name` is
    the file's name on the child's device)."""
    if reason == "empty":
        text = _("That photo was empty. Try a different one.")
    elif reason == "damaged":
        text = _("That photo seems to be broken. Try a different one.")
    elif reason in ("too-many-pixels", "too-large"):
        text = _("That photo is too big for us. Try a different one.")
    elif reason == "gif":
        text = _("We can't use GIF pictures. Try a photo instead.")
    else:
        text = _("We couldn't use that photo. Try a different one.")
    if several:
        # The good ones beside it are held for the next try (views/routes.py, _Files), numbered
        # "Take away photo 1, 2..." on the page: the refused one goes by its own name, so that
        # "photo 1" never means two different photos.
        if name:
            return _("The photo called %(name)s: %(problem)s", name=name, problem=text)
        return _("Photo %(number)d: %(problem)s", number=number, problem=text)
    return text


def video_refused(reason: str, limits: MediaLimits) -> str:
    """Why a video could not be used, in the upload or later in the worker."""
    if reason == "empty":
        return _("That video was empty. Try a different one.")
    if reason == "damaged":
        return _("That video seems to be broken. Try a different one.")
    if reason == "too-long":
        return _(
            "That video is too long. Videos can be up to %(minutes)d minutes. Try a shorter one.",
            minutes=max(1, round(limits.max_video_seconds / 60)),
        )
    if reason == "too-large":
        return _("That video is too big. Try a shorter one.")
    if reason == "too-high-resolution":
        return _("That video is too big for us. Try one made with a phone or tablet camera.")
    if reason == "no-video":
        return _("That file has sound but no pictures. Try a video instead.")
    if reason == "error":
        return _("Something went wrong getting your video ready. Try adding it again.")
    return _("We couldn't use that video. Try a different one.")


# After a refused photo or video when the words on the page are the ones already saved.
WORDS_SAVED_FILE_NOT = _l("Your words are saved. The photo or video is not added yet.")


def kept(has_words: bool, *, saved_before: bool = False) -> str:
    """What the child needs to know after a refusal: nothing was lost, nothing new was saved
    (a thing saved before, by autosave or by hand, is still saved as it was)."""
    if saved_before:
        if has_words:
            return _("This change is not saved yet. Your words are still here.")
        return _("This change is not saved yet.")
    if has_words:
        return _("Nothing is saved yet. Your words are still here.")
    return _("Nothing is saved yet.")


def problem(code: str) -> str:
    """Words for a service's ViewsError codes."""
    messages = {
        "empty": _("Write something, choose a face, or add a photo or video first."),
        "too-many-photos": _("That's a lot of photos! You can add up to 10 to each thing."),
        "one-video": _(
            "You can add one video to each thing. Take the old one away first, "
            "or add the new one as a new thing."
        ),
        "no-squares": _("Tap at least one square to hide."),
        "store": _("Something went wrong saving that. Please try again."),
    }
    return messages.get(
        code,
        _(
            "Something went wrong with that choice. Please choose again. "
            "Everything else you wrote is still here."
        ),
    )
