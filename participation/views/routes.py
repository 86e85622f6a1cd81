"""My views: the child's topics and items under /me/views, their photos and videos under
/me/media, and two staff pages beside the child's record (choosing topics, writing down what the
child says with them).

Every page works without JavaScript. views.js adds: autosave of the words (so the idle lock
never loses them), a check of file sizes before sending, and "getting your video ready" turning
into the video without a reload by hand.

Who may see an item or a file is asked of `security.policy` (can_view_item, can_view_media,
can_change_item) and of nothing else.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from .. import clock
from ..audit.web import audit
from ..caseload.service import child_by_public_id
from ..child import service as space_service
from ..child.session import (
    child_band,
    held_for_here,
    held_here,
    hold_this_page,
    saved_here,
)
from ..db import db
from ..forms import rerender_on_timeout
from ..media.processing import DEFAULT_LIMITS, MediaLimits, MediaRejected
from ..media.storage import Storage
from ..models import (
    AgeBand,
    Child,
    ChildSpace,
    HeldFile,
    Item,
    ItemAuthor,
    MediaFile,
    MediaKind,
    MediaStatus,
    Role,
    StaffMember,
)
from ..readaloud.routes import forget_child
from ..security import policy
from ..security.access import child, holds_answers, staff
from ..security.headers import camera_allowed
from ..security.principal import ChildPrincipal, StaffPrincipal
from ..security.requests import accepts_files
from ..sharing import service as sharing_service
from ..templating import template_globals
from . import service, topics, uploads, words
from .forms import (
    AUTHOR_CHILD,
    FEELING_FACES,
    DeleteForm,
    HideForm,
    ItemForm,
    StaffItemForm,
    TopicsForm,
    feeling_words,
)
from .serving import media_response
from .tasks import VideoQueue

bp = Blueprint("views", __name__)

CHOOSING_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER)
WRITING_ROLES = (Role.KEYWORKER,)
ResponseLike = str | Response | tuple[str | Response, int]


def _storage() -> Storage:
    return current_app.extensions["media_storage"]


def _queue() -> VideoQueue:
    return current_app.extensions["views_queue"]


def _limits() -> MediaLimits:
    return current_app.config.get("MEDIA_LIMITS") or DEFAULT_LIMITS


def _not_found(reason: str) -> Any:
    g.denied = reason
    abort(404)


def _autosaving() -> bool:
    return request.method == "POST" and request.headers.get("X-Autosave") == "1"


def _not_saved(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(saved=False, message=message, **extra), status


# --- Template helpers ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordPanel:
    can_choose: bool
    can_write: bool


def _video_problem(reason: str | None) -> str:
    return words.video_refused(reason or "", _limits())


def _record_panel(the_child: Child) -> RecordPanel | None:
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal):
        return None
    return RecordPanel(
        can_choose=principal.role in CHOOSING_ROLES, can_write=principal.role in WRITING_ROLES
    )


template_globals(bp, {"views_record_panel": _record_panel, "video_problem": _video_problem})


# --- The child's pages -------------------------------------------------------------------


def _topic_page(code: str, *, must_be_visible: bool = True) -> topics.TopicPage:
    the_child, band = g.principal.child, child_band()
    if code not in topics.TOPIC_BY_CODE:
        _not_found("topic")
    if must_be_visible and code not in service.visible_topics(db.session(), the_child, band):
        _not_found("topic")
    return topics.page_for(code, band, the_child.age_on(clock.today()), the_child.placement_type)


def _own_item(item_id: str) -> Item:
    item = service.find_item(db.session(), item_id)
    if item is None or not policy.can_view_item(g.principal, item):
        _not_found("item")
    assert item is not None
    return item


def _scribe(item: Item | None = None) -> StaffMember | None:
    """Who can have written the child's words down: the item's writer, or whoever handed the
    tablet over in this session (a personal link has nobody beside the child)."""
    if item is not None and item.written_by is not None:
        return item.written_by
    staff_id = g.principal.auth_session.handed_over_by_id
    return db.session.get(StaffMember, staff_id) if staff_id else None


def _child_words(form: ItemForm, scribe: StaffMember | None) -> service.Words:
    by_keyworker = form.by_keyworker() and scribe is not None
    return service.Words(
        text=form.text.data or "",
        caption=form.caption.data or "",
        feeling=form.feeling_value(),
        author=ItemAuthor.KEYWORKER_WITH_CHILD if by_keyworker else ItemAuthor.CHILD,
        written_by=scribe if by_keyworker else None,
    )


def _items_context(band: AgeBand) -> dict[str, Any]:
    return {"feelings": feeling_words(band), "faces": FEELING_FACES}


@bp.route("/me/views")
@child
def my_views() -> str:
    the_child = g.principal.child
    session = db.session()
    band = child_band()
    age = the_child.age_on(clock.today())
    pages = [
        topics.page_for(code, band, age, the_child.placement_type)
        for code in service.visible_topics(session, the_child, band)
    ]
    return render_template(
        "views/my_views.html",
        child=the_child,
        houses=[page for page in pages if page.house],
        topics=[page for page in pages if not page.house],
        counts=service.counts_by_topic(session, the_child),
        total=service.count_items(session, the_child),
    )


@bp.route("/me/views/<topic>")
@child
def topic(topic: str) -> str:
    page = _topic_page(topic)
    band = child_band()
    return render_template(
        "views/topic.html",
        page=page,
        items=service.items_for(db.session(), g.principal.child, topic),
        **_items_context(band),
    )


@bp.route("/me/views/items/<item_id>")
@child
def item(item_id: str) -> str:
    found = _own_item(item_id)
    page = _topic_page(found.topic, must_be_visible=False)
    return render_template(
        "views/item.html",
        page=page,
        item=found,
        seen_before=sharing_service.seen_by_staff(db.session(), found),
        **_items_context(child_band()),
    )


@bp.route("/me/views/items/<item_id>/status")
@child
def item_status(item_id: str) -> Response:
    """For views.js: whether any video of the item is still being got ready."""
    found = _own_item(item_id)
    waiting = [m for m in found.media if m.status == MediaStatus.PROCESSING]
    return jsonify(processing=len(waiting))


# --- Adding and changing an item (the one upload path) ----------------------------------------


def _file_name(upload: FileStorage) -> str:
    """A chosen file's own name, short, as the child's device showed it ("IMG_2231.jpg")."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name.strip()
    if len(name) > 60:
        name = f"{name[:28]}…{name[-28:]}"
    # Isolated (FSI ... PDI): "IMG_2231.jpg" keeps its own direction in an Arabic sentence.
    return f"\u2068{name}\u2069" if name else ""


class _Refusal(Exception):
    """Something in the upload cannot be used: the page says why and keeps the words."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class _Files:
    """The photos and video one sending of an item form carries: those held from an earlier try
    (and still wanted) and those chosen now.

    When the form goes back with a problem (words too long, another file refused, no topic
    chosen, a change from another tablet), the chosen files that pass every check are held too
    (service.hold), and the page shows them all again with the rest of the answers: nothing has
    to be found and chosen twice. Saving makes the held files the item's."""

    def __init__(
        self, form: ItemForm | StaffItemForm, the_child: Child, item: Item | None = None
    ) -> None:
        self.form = form
        self.child = the_child
        # A change to an item already saved: a refusal leaves that saved item as it was.
        self.saved_before = item is not None
        # Its words as saved (by autosave, say): a file refused beside the same words leaves
        # them saved, and the page must not say "not saved yet" of them.
        self.saved_words = item.text.strip() if item is not None else None
        self.held = service.held_files(
            db.session(),
            form.held.ids(),
            auth_session_id=g.principal.auth_session.id,
            child=the_child,
        )
        # Held for another sitting (the tablet given back since) or let go by the sweeper: the
        # page must not say they are kept.
        self.lost = len(form.held.ids()) > len(self.held)
        self.settled = False  # the chosen files were saved, held, or asked for again

    @property
    def video_held(self) -> bool:
        """A held video is the item's one video: the page offers no second."""
        return any(row.kind == "video" for row in self.held)

    def choices(self, photos_before: int = 0) -> list[tuple[str, str]]:
        """ "Take away" choices for the held files, numbered after the item's own photos."""
        found = []
        number = photos_before
        for held in self.held:
            if held.kind == MediaKind.PHOTO:
                number += 1
                found.append((held.public_id, _("Take away photo %(number)d", number=number)))
            else:
                found.append((held.public_id, _("Take away the video")))
        return found

    def let_go_taken_away(self) -> None:
        """The held files ticked "take away" go now. Not on a sending that may not write: one
        whose token had run out, or an autosave (which carries words only)."""
        if not self._may_write():
            return
        ticked = set(self.form.remove.data or [])
        gone = [held for held in self.held if held.public_id in ticked]
        service.let_go(db.session(), _storage(), gone)
        self.held = [held for held in self.held if held not in gone]

    def _may_write(self) -> bool:
        timed_out = g.get("csrf_timed_out") or self.form.csrf_token.errors
        return request.method == "POST" and not timed_out and not _autosaving()

    def chosen(self) -> tuple[list[FileStorage], list[FileStorage]]:
        return uploads.chosen(self.form.photos.data), uploads.chosen(self.form.video.data)[:1]

    def counts(self, keeping: list[MediaFile] | None = None) -> tuple[int, int]:
        """Photos and videos the item would have: `keeping` (its own), held, chosen now."""
        photos, videos = self.chosen()
        kinds = [f.kind for f in keeping or []] + [f.kind for f in self.held]
        return service.file_counts(kinds, len(photos), len(videos))

    def prepare(
        self, stack: contextlib.ExitStack, work: Path, has_words: bool
    ) -> tuple[uploads.Prepared, _Refusal | None]:
        """Check and clean every chosen file; the good ones, and the first refusal if any."""
        photos, videos = self.chosen()
        limits = _limits()
        prepared = uploads.Prepared()
        refusals: list[_Refusal] = []
        for number, upload in enumerate(photos, 1):
            path = stack.enter_context(uploads.on_disk(upload, work))
            try:
                prepared.photos.append(uploads.prepare_photo(path, work, limits, number))
            except uploads.Refused as refused:
                message = words.photo_refused(
                    refused.reason, refused.number, len(photos) > 1, _file_name(upload)
                )
                refusals.append(_Refusal(f"{message} {self.kept(has_words)}", "photos"))
        if videos:
            path = stack.enter_context(uploads.on_disk(videos[0], work))
            try:
                prepared.video = uploads.prepare_video(path, limits)
            except uploads.Refused as refused:
                message = words.video_refused(refused.reason, limits)
                refusals.append(_Refusal(f"{message} {self.kept(has_words)}", "video"))
        return prepared, refusals[0] if refusals else None

    def kept(self, has_words: bool) -> str:
        typed = (self.form.text.data or "").strip()
        if has_words and self.saved_words is not None and typed == self.saved_words:
            return str(words.WORDS_SAVED_FILE_NOT)
        return words.kept(has_words, saved_before=self.saved_before)

    def hold(self, prepared: uploads.Prepared) -> None:
        """Hold what passed the checks for the next try (or, if the store fails, ask again)."""
        self.settled = True
        try:
            self.held += service.hold(
                db.session(),
                _storage(),
                prepared,
                auth_session_id=g.principal.auth_session.id,
                child=self.child,
            )
        except service.StoreFailed:
            _ask_for_files_again(self.form)

    def keep_for_next_try(self) -> None:
        """The form goes back with a problem: hold the chosen files that pass the checks, and
        say what is wrong with any that do not. A sending whose token had run out writes
        nothing (holding is writing): its files are asked for again instead."""
        if self.settled:
            return
        self.settled = True
        if not any(self.chosen()):
            return
        if not self._may_write():
            _ask_for_files_again(self.form)
            return
        has_words = bool((self.form.text.data or "").strip())
        with contextlib.ExitStack() as stack:
            work = Path(stack.enter_context(uploads.work_folder(current_app)))
            prepared, refusal = self.prepare(stack, work, has_words)
            if refusal is not None:
                _show_refusal(self.form, refusal)
            self.hold(prepared)

    def show_on(
        self, form: ItemForm | StaffItemForm, saved: list[tuple[str, str]], photos_before: int
    ) -> None:
        """Put the held files on the page: their ids, and "take away" beside each (after the
        item's own photos and video, `saved`)."""
        form.held.data = [held.public_id for held in self.held]
        offered = [*saved, *self.choices(photos_before)]
        form.remove.choices = [SelectChoice(value, label) for value, label in offered]
        values = {value for value, _label in offered}
        form.remove.data = [value for value in form.remove.data or [] if value in values]


def _prepare_and_save(files: _Files, has_words: bool, save: Any) -> Item:
    """Check and clean the chosen files, then call `save(prepared, held)` (files first, then
    rows). Anything wrong (a refused file, a rule of the service, a change from another tablet)
    is raised after the files that passed are held for the next try.

    Raises _Refusal with the child's words for anything that cannot be used or stored.
    """
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(uploads.work_folder(current_app)))
        prepared, refusal = files.prepare(stack, work, has_words)
        try:
            if refusal is not None:
                raise refusal
            saved: Item = save(prepared, files.held)
        except (_Refusal, service.ViewsError, service.ItemConflict):
            files.hold(prepared)  # while the cleaned files are still in the work folder
            raise
        except service.StoreFailed as failed:
            files.settled = True
            message = f"{words.problem('store')} {files.kept(has_words)}"
            raise _Refusal(message, "photos") from failed
        files.settled = True
        return saved


def _show_refusal(form: ItemForm | StaffItemForm, refusal: _Refusal) -> None:
    field = getattr(form, refusal.field)
    field.errors = [refusal.message]


def _service_problem(form: ItemForm | StaffItemForm, error: service.ViewsError) -> None:
    if error.code == "too-long":
        field = getattr(form, error.field or "text")
        field.errors = [form.text.validators[0].message]
        return
    target = error.field if error.field and error.field in form._fields else "text"
    getattr(form, target).errors = [words.problem(error.code)]


def _ask_for_files_again(form: ItemForm | StaffItemForm) -> None:
    """Files that could not be held (a sending whose token had run out writes nothing; a store
    that failed) cannot come back either: no browser lets a page fill in a file input. Say so,
    so that none of them is lost unnoticed (a field whose own file was refused says why)."""
    photos, videos = uploads.chosen(form.photos.data), uploads.chosen(form.video.data)
    dropped = [
        f for f, files in ((form.photos, photos), (form.video, videos)) if files and not f.errors
    ]
    if dropped:
        dropped[0].errors = [_("Your photos or video were not added yet: choose them again.")]


def _thumbnails(
    item: Item | None, held: list[HeldFile], endpoint: str, held_endpoint: str
) -> dict[str, str]:
    """The small picture beside each "take away" choice: the item's ready photos and the held
    photos (a video shows its words only)."""
    found = {}
    for media in item.media if item is not None else []:
        if media.kind == MediaKind.PHOTO and media.status == MediaStatus.READY:
            found[media.public_id] = url_for(endpoint, media_id=media.public_id, variant="thumb")
    for row in held:
        if row.kind == MediaKind.PHOTO:
            found[row.public_id] = url_for(held_endpoint, held_id=row.public_id)
    return found


def _item_form_page(
    page: topics.TopicPage,
    form: ItemForm,
    item: Item | None = None,
    files: _Files | None = None,
    **context: Any,
) -> str:
    held: list[HeldFile] = []
    if files is not None:
        files.keep_for_next_try()
        saved = _media_choices(item) if item is not None else []
        files.show_on(form, saved, len(item.photos) if item is not None else 0)
        held = files.held
        if files.lost and not form.photos.errors:
            form.photos.errors = [_("Your photos or video were not added yet: choose them again.")]
        if request.method == "POST" and not context.get("deleted_meanwhile"):
            # Sent with "Save" and refused: held with the photos now held for it, so the page
            # opened again (Back, after a break) shows both, as it says it does. It showed the
            # words only, and a photo the page said was kept was lost (QA).
            hold_this_page(form, {form.held.name: [row.public_id for row in held]})
    video_held = files is not None and files.video_held
    return render_template(
        "views/item_form.html",
        page=page,
        form=form,
        item=item,
        held=held,
        video_held=video_held,
        thumbnails=_thumbnails(item, held, "views.my_media", "views.my_held"),
        limits=_limits(),
        max_upload=current_app.config.get("MAX_CONTENT_LENGTH") or 0,
        faces=FEELING_FACES,
        **context,
    )


def _refused_autosave(
    form: ItemForm, status: int, message: str, code: str = "too-long"
) -> tuple[Response, int]:
    """Words saved as the child typed were refused. Too long: hold them for the child (a break
    before they are made shorter would otherwise lose them). Emptied: nothing to hold, and an
    older hold would bring back words the child took away."""
    if code == "too-long":
        hold_this_page(form)
    elif code == "empty":
        saved_here()
    return _not_saved(status, message)


def _saved_json(found: Item) -> Response:
    saved_here()
    return jsonify(
        saved=True,
        version=found.version,
        item=found.public_id,
        change_url=url_for("views.change", item_id=found.public_id),
        message=_("Saved"),
    )


@bp.route("/me/views/<topic>/add", methods=["GET", "POST"])
@child
@holds_answers
@camera_allowed
@accepts_files
@rerender_on_timeout
def add(topic: str) -> ResponseLike:
    # Words held for this page keep it open even if the topic was taken away since (the
    # keyworker changed the child's topics or wording band): they can still be saved.
    waiting = held_for_here()
    page = _topic_page(topic, must_be_visible=not waiting)
    the_child = g.principal.child
    scribe = _scribe()
    kept = held_here() if request.method == "GET" and waiting else None
    if kept:
        kept.setdefault("author", AUTHOR_CHILD)  # never held (see child/held.py)
    form = ItemForm(formdata=kept) if kept else ItemForm(data={"author": AUTHOR_CHILD})
    session = db.session()
    sent = form.form_key.data if request.method == "POST" else None
    made = service.made_with(session, the_child, sent)
    if made is not None:
        # This page's first save made a thing, but its answer never reached the tablet (weak
        # wifi) and it was sent again, or "Save" was pressed twice: one thing, not two. (Shared
        # into a pack since, it cannot be changed: the thing as it is.)
        if not policy.can_change_item(g.principal, made):
            return redirect(url_for("views.item", item_id=made.public_id))
        return _change_page(made)
    files = _Files(form, the_child)
    form.set_up(child_band(), scribe.name_for_children if scribe else None, files.choices())
    valid = form.validate_on_submit()
    files.let_go_taken_away()
    if _autosaving() and request.headers.get("X-Hold") == "1":
        # Leaving a new thing's page (Back, a reload) with words not saved yet (views.js): they
        # wait for this page, shown again when the child comes back to it, and are not made
        # into a thing, or a "Save" after Forward made a second (QA).
        hold_this_page(form)
        return _not_saved(202, "")
    if not valid:
        if kept:
            form.validate()  # words held from before a break: say again what to change
        if _autosaving():
            return _refused_autosave(form, 422, _("Not saved yet. Press “Save” to see why."))
        return _item_form_page(page, form, files=files, kept=bool(kept))
    child_words = _child_words(form, scribe)
    if _autosaving():
        # Words only (files are sent with the real "Save"); nothing typed yet is not an error.
        try:
            found = service.add_item(
                session,
                _storage(),
                child=the_child,
                topic=topic,
                words=child_words,
                prepared=uploads.Prepared(),
                key=form.form_key.data,
            )
        except service.MadeAlready as made_already:
            return _saved_json(made_already.item)
        except service.ViewsError as error:
            if error.code == "empty":
                saved_here()  # all taken away: nothing is left to hold
                return _not_saved(200, words.problem(error.code))
            return _refused_autosave(form, 422, words.problem(error.code), error.code)
        return _saved_json(found)
    try:
        service.check_contents(child_words, *files.counts())
        found = _prepare_and_save(
            files,
            bool(child_words.text.strip()),
            lambda prepared, held: service.add_item(
                session,
                _storage(),
                child=the_child,
                topic=topic,
                words=child_words,
                prepared=prepared,
                held=held,
                key=form.form_key.data,
            ),
        )
    except service.MadeAlready as made_already:
        # The same save, sent twice at once: the other sending made it.
        flash(_("Saved. Only you can see it."), "success")
        return redirect(url_for("views.item", item_id=made_already.item.public_id))
    except _Refusal as refusal:
        _show_refusal(form, refusal)
        return _item_form_page(page, form, files=files)
    except service.ViewsError as error:
        _service_problem(form, error)
        return _item_form_page(page, form, files=files)
    saved_here()
    _queue().queue(service.processing_videos(found))
    audit("add-view-item", subject_type="view-item", subject_id=found.public_id)
    flash(_("Saved. Only you can see it."), "success")
    return redirect(url_for("views.item", item_id=found.public_id))


def _media_choices(found: Item) -> list[tuple[str, str]]:
    choices = []
    for number, media in enumerate(found.photos, 1):
        choices.append((media.public_id, _("Take away photo %(number)d", number=number)))
    for media in found.videos:
        choices.append((media.public_id, _("Take away the video")))
    return choices


def _change_form(
    found: Item, scribe: StaffMember | None, kept: MultiDict[str, str] | None
) -> tuple[ItemForm, _Files]:
    if request.method == "POST":
        form = ItemForm()
    elif kept:
        kept.setdefault("author", found.author.value)  # never held (see child/held.py)
        form = ItemForm(formdata=kept)
    else:
        form = ItemForm(
            data={
                "text": found.text,
                "caption": found.caption,
                "feeling": str(found.feeling) if found.feeling else None,
                "author": found.author.value,
                "version": str(found.version),
            }
        )
    files = _Files(form, found.child, found)
    choices = _media_choices(found) + files.choices(len(found.photos))
    form.set_up(child_band(), scribe.name_for_children if scribe else None, choices)
    return form, files


@bp.route("/me/views/items/<item_id>/change", methods=["GET", "POST"])
@child
@holds_answers
@camera_allowed
@accepts_files
@rerender_on_timeout
def change(item_id: str) -> ResponseLike:
    session = db.session()
    found = service.find_item(session, item_id)
    posted_topic = request.form.get("topic", "") if request.method == "POST" else ""
    if found is None and posted_topic in topics.TOPIC_BY_CODE:
        # Deleted on another tablet (a never-shared item leaves no row): keep these words. This
        # shows only what this tablet posted, so an id that was never the child's reveals nothing.
        return _deleted_meanwhile(posted_topic)
    if found is None or found.child_id != g.principal.child.id:
        return _not_found("item")
    if found.deleted_at is not None:
        return _deleted_meanwhile(found.topic)
    if not policy.can_change_item(g.principal, found):
        return _not_found("item")
    return _change_page(found)


def _change_page(found: Item) -> ResponseLike:
    """The page that changes `found`, or its save. A new thing's page comes here too when its
    own first save made `found` but the answer was lost on the way (see service.made_with)."""
    session = db.session()
    page = _topic_page(found.topic, must_be_visible=False)
    scribe = _scribe(found)
    kept = held_here() if request.method == "GET" else None
    form, files = _change_form(found, scribe, kept)
    valid = form.validate_on_submit()
    files.let_go_taken_away()
    if not valid:
        if kept:
            form.validate()  # words held from before a break: say again what to change
        if _autosaving():
            return _refused_autosave(form, 422, _("Not saved yet. Press “Save” to see why."))
        return _item_form_page(page, form, found, files, kept=bool(kept))
    sent_again = service.saved_last_by(found, form.form_key.data)
    if form.version.loaded() != found.version and not sent_again:
        if _autosaving() and request.headers.get("X-Hold") == "1":
            # After a clash with another tablet (views.js): what this one typed since is held
            # for the page, not saved over the other's words, and shown with the clash to settle.
            hold_this_page(form)
            return _not_saved(202, "")
        return _conflict(page, form, found, files)
    child_words = _child_words(form, scribe)
    storage = _storage()
    if _autosaving():
        try:
            service.change_item(
                session,
                storage,
                found,
                loaded_version=form.version.loaded(),
                words=child_words,
                prepared=uploads.Prepared(),
                key=form.form_key.data,
            )
        except service.ItemConflict:
            return _not_saved(409, _autosave_clash_message(), conflict=True)
        except service.ViewsError as error:
            return _refused_autosave(form, 422, words.problem(error.code), error.code)
        return _saved_json(found)
    remove = set(form.remove.data or [])
    keeping = [m for m in found.media if m.public_id not in remove]
    try:
        if not sent_again:  # files sent again are counted once they are known (the service)
            service.check_contents(child_words, *files.counts(keeping))
        _prepare_and_save(
            files,
            bool(child_words.text.strip()),
            lambda prepared, held: service.change_item(
                session,
                storage,
                found,
                loaded_version=form.version.loaded(),
                words=child_words,
                prepared=prepared,
                remove=sorted(remove),
                held=held,
                key=form.form_key.data,
            ),
        )
    except _Refusal as refusal:
        _show_refusal(form, refusal)
        return _item_form_page(page, form, found, files)
    except service.ViewsError as error:
        _service_problem(form, error)
        return _item_form_page(page, form, found, files)
    except service.ItemConflict:
        return _conflict(page, form, found, files)
    saved_here()
    _queue().queue(service.processing_videos(found))
    audit("change-view-item", subject_type="view-item", subject_id=found.public_id)
    if sharing_service.choices_for_items(session, [found]).get(found.id):
        flash(_("Saved. The people you shared it with can see the change."), "success")
    else:
        flash(_("Saved. Only you can see it."), "success")
    return redirect(url_for("views.item", item_id=found.public_id))


def _autosave_clash_message() -> str:
    """Said beside the box when a save as the child types meets another tablet's change: the
    page's "here is what it says now" is shown only by "Save", so not promised here (QA)."""
    return _(
        "This was changed on another tablet a moment ago. Your words are still here: press "
        "“Save” to see what it says now."
    )


def _conflict_message() -> str:
    return _(
        "This was changed on another tablet a moment ago. Here is what it says now; your words "
        "are below. Check them and save again."
    )


def _conflict(page: topics.TopicPage, form: ItemForm, found: Item, files: _Files) -> ResponseLike:
    """The later of two tablets: show what is saved now, keep this tablet's words to check."""
    if _autosaving():
        return _not_saved(409, _autosave_clash_message(), conflict=True)
    session = db.session()
    session.expire_all()
    now = service.find_item(session, found.public_id)
    if now is None or now.deleted_at is not None:
        return _deleted_meanwhile(found.topic)
    form.version.data = str(now.version)
    scribe = _scribe(now)
    form.set_up(child_band(), scribe.name_for_children if scribe else None, _media_choices(now))
    return _item_form_page(page, form, now, files, conflict=_conflict_message(), saved_now=now)


def _deleted_meanwhile(topic: str) -> ResponseLike:
    """Changed here, deleted on another tablet: offer this tablet's words as a new item."""
    if _autosaving():
        return _not_saved(409, _("This was deleted on another tablet."), conflict=True)
    if request.method == "GET":
        return _not_found("item")
    page = _topic_page(topic, must_be_visible=False)
    scribe = _scribe()
    posted = ItemForm()
    files = _Files(posted, g.principal.child)
    posted.set_up(child_band(), scribe.name_for_children if scribe else None, files.choices())
    files.keep_for_next_try()  # what this tablet chose goes with its words to the new thing
    form = ItemForm(
        formdata=None,
        data={
            "text": posted.text.data,
            "caption": posted.caption.data,
            "feeling": posted.feeling.data,
        },
    )
    form.set_up(child_band(), scribe.name_for_children if scribe else None)
    form.photos.errors, form.video.errors = posted.photos.errors, posted.video.errors
    return _item_form_page(
        page,
        form,
        None,
        files,
        deleted_meanwhile=True,
        action=url_for("views.add", topic=topic),
    )


@bp.route("/me/views/items/<item_id>/delete", methods=["GET", "POST"])
@child
@rerender_on_timeout
def delete(item_id: str) -> ResponseLike:
    found = _own_item(item_id)
    if not policy.can_change_item(g.principal, found):
        return _not_found("item")
    page = _topic_page(found.topic, must_be_visible=False)
    if service.reached_a_reader(db.session(), found):
        # Part of the record now: the page says why, and offers to stop sharing it instead.
        status = 409 if request.method == "POST" else 200
        return render_template(
            "views/kept.html", page=page, item=found, **_items_context(child_band())
        ), status
    form = DeleteForm() if request.method == "POST" else DeleteForm(data={"version": found.version})
    changed = False
    if form.validate_on_submit():
        if form.version.loaded() != found.version:
            changed = True
            form.version.data = str(found.version)
        else:
            topic_code = found.topic
            service.delete_item(db.session(), _storage(), found)
            forget_child(g.principal.child.public_id)  # pages read aloud that showed it
            # Gone for good: words held for its change page too.
            saved_here(url_for("views.change", item_id=found.public_id))
            audit("delete-view-item", subject_type="view-item", subject_id=found.public_id)
            flash(_("Deleted. It is gone for good."), "success")
            band = child_band()
            if topic_code in service.visible_topics(db.session(), g.principal.child, band):
                return redirect(url_for("views.topic", topic=topic_code))
            return redirect(url_for("views.my_views"))
    return render_template(
        "views/delete.html",
        page=page,
        item=found,
        form=form,
        changed=changed,
        **_items_context(child_band()),
    )


# --- Hide part of my photo ------------------------------------------------------------------


@bp.route("/me/views/photos/<media_id>/hide", methods=["GET", "POST"])
@child
@rerender_on_timeout
def hide(media_id: str) -> ResponseLike:
    session = db.session()
    media = service.find_media(session, media_id)
    if (
        media is None
        or not policy.can_change_item(g.principal, media.item)
        or media.kind != MediaKind.PHOTO
        or media.status != MediaStatus.READY
    ):
        return _not_found("media")
    found = media.item
    rows, cols = service.grid_for(media.width or 1, media.height or 1)
    form = HideForm() if request.method == "POST" else HideForm(data={"version": found.version})
    form.set_up(rows * cols)
    problem = None
    if form.validate_on_submit():
        mode: Literal["blur", "cover"] = "cover" if form.mode.data == "cover" else "blur"
        try:
            with uploads.work_folder(current_app) as work:
                service.hide_in_photo(
                    session,
                    _storage(),
                    media,
                    loaded_version=form.version.loaded(),
                    cells=form.chosen_cells(),
                    mode=mode,
                    work=Path(work),
                )
        except service.ItemConflict:
            session.expire_all()
            form.version.data = str(found.version)
            problem = _(
                "This photo was changed on another tablet a moment ago. Have a look and "
                "choose the squares again."
            )
        except service.ViewsError as error:
            form.cells.errors = [words.problem(error.code)]
        except (service.StoreFailed, MediaRejected):
            problem = words.problem("store")
        else:
            audit("hide-in-photo", subject_type="view-item", subject_id=found.public_id)
            flash(_("Done. Those parts of your photo are hidden now."), "success")
            return redirect(url_for("views.item", item_id=found.public_id))
    page = _topic_page(found.topic, must_be_visible=False)
    return render_template(
        "views/hide.html",
        page=page,
        item=found,
        media=media,
        rows=rows,
        cols=cols,
        form=form,
        problem=problem,
    )


# --- Serving photos and videos --------------------------------------------------------------


def _stored_file(key: str, content_type: str, filename: str) -> Response:
    """A stored file, as every photo and video goes out (ranges for video, no-store, sandbox)."""
    return media_response(
        _storage(),
        key,
        content_type=content_type,
        filename=filename,
        range_header=request.headers.get("Range"),
        if_range=request.headers.get("If-Range"),
    )


def _serve_media(public_id: str, variant: str | None) -> Response:
    session = db.session()
    media = service.find_media(session, public_id)
    if media is None or not policy.can_view_media(g.principal, media):
        return _not_found("media")
    day = media.created_at.strftime("%Y-%m-%d")
    if variant is None:
        key = media.storage_key
        if media.kind == MediaKind.PHOTO:
            content_type, filename = "image/jpeg", f"photo-{day}.jpg"
        else:
            content_type, filename = "video/mp4", f"video-{day}.mp4"
    elif (variant == "thumb" and media.kind == MediaKind.PHOTO) or (
        variant == "poster" and media.kind == MediaKind.VIDEO
    ):
        key, content_type, filename = media.thumb_key, "image/jpeg", f"{variant}-{day}.jpg"
    else:
        return _not_found("media-variant")
    if media.status != MediaStatus.READY or not key:
        abort(404)
    if isinstance(g.principal, StaffPrincipal):
        audit("view-media", subject_type="media", subject_id=media.public_id)
    return _stored_file(key, content_type, filename)


@bp.route("/me/media/<media_id>", defaults={"variant": None})
@bp.route("/me/media/<media_id>/<any(thumb, poster):variant>")
@child
def my_media(media_id: str, variant: str | None) -> Response:
    """The child's own photos and videos."""
    return _serve_media(media_id, variant)


@bp.route("/media/<media_id>", defaults={"variant": None})
@bp.route("/media/<media_id>/<any(thumb, poster):variant>")
@staff()
def media(media_id: str, variant: str | None) -> Response:
    """Staff: only what a child has shared with them (today nothing: a 404, audited)."""
    return _serve_media(media_id, variant)


def _serve_held(held_id: str) -> Response:
    """A held photo's small picture, for the form that holds it (see _Files)."""
    held = db.session.scalar(select(HeldFile).where(HeldFile.public_id == held_id))
    if held is None or not policy.can_view_held(g.principal, held) or not held.thumb_key:
        return _not_found("held")  # (a held video has no picture: it is not cleaned yet)
    return _stored_file(held.thumb_key, "image/jpeg", "photo.jpg")


@bp.route("/me/held/<held_id>")
@child
def my_held(held_id: str) -> Response:
    """A photo held for the child's form between tries."""
    return _serve_held(held_id)


@bp.route("/held/<held_id>")
@staff(*WRITING_ROLES)
def staff_held(held_id: str) -> Response:
    """A photo held for the keyworker's form between tries (only the session that sent it)."""
    return _serve_held(held_id)


# --- Staff: beside the child's record --------------------------------------------------------


def _staff_child(public_id: str) -> Child:
    session = db.session()
    found = child_by_public_id(session, public_id)
    if found is None or not policy.can_view_child(session, g.principal, found):
        _not_found("child")
    assert found is not None
    return found


def _band_of(the_child: Child) -> AgeBand:
    space = db.session.scalar(select(ChildSpace).where(ChildSpace.child_id == the_child.id))
    return space_service.age_band(the_child, space, clock.today())


@bp.route("/children/<public_id>/views/topics", methods=["GET", "POST"])
@staff(*CHOOSING_ROLES)
@rerender_on_timeout
def staff_topics(public_id: str) -> ResponseLike:
    the_child = _staff_child(public_id)
    session = db.session()
    band = _band_of(the_child)
    settings = service.settings_for(session, the_child)
    if request.method == "POST":
        form = TopicsForm()
    else:
        form = TopicsForm(
            data={
                "usual": settings is None or settings.topics is None,
                "topics": service.chosen_topics(session, the_child, band),
                "version": str(settings.version) if settings else "",
            }
        )
    offered = topics.offered(band)
    form.topics.choices = [
        SelectChoice(topic.code, str(topic.wording(band).title)) for topic in offered
    ]
    conflict = False
    if form.validate_on_submit():
        codes = None if form.usual.data else form.topics.data or []
        try:
            service.set_topics(
                session, the_child, band, codes, g.principal.staff, form.version.loaded()
            )
        except service.ItemConflict:
            conflict = True
            session.expire_all()
            now = service.settings_for(session, the_child)
            form.version.data = str(now.version) if now else ""
        except ValueError:
            form.topics.errors = [words.problem("not-a-choice")]
        else:
            audit("choose-view-topics", subject_type="child", subject_id=the_child.public_id)
            flash(
                _("Saved. %(name)s will see these topics.", name=the_child.preferred_name),
                "success",
            )
            return redirect(url_for("caseload.child_record", public_id=public_id))
    return render_template(
        "views/staff_topics.html",
        child=the_child,
        form=form,
        band=band,
        usual=[str(topics.title_of(code, band)) for code in topics.usual(band)],
        conflict=conflict,
    )


def _staff_write_page(files: _Files, context: dict[str, Any]) -> str:
    """The keyworker's form, or the form again with its problem and the files held for it."""
    files.keep_for_next_try()
    files.show_on(files.form, [], 0)
    thumbnails = _thumbnails(None, files.held, "views.media", "views.staff_held")
    return render_template(
        "views/staff_write.html", video_held=files.video_held, thumbnails=thumbnails, **context
    )


@bp.route("/children/<public_id>/views/write", methods=["GET", "POST"])
@staff(*WRITING_ROLES)
@camera_allowed
@accepts_files
@rerender_on_timeout
def staff_write(public_id: str) -> ResponseLike:
    the_child = _staff_child(public_id)
    session = db.session()
    band = _band_of(the_child)
    # Only the topics the child is offered: which topics hold private items is not shown.
    codes = service.chosen_topics(session, the_child, band)
    form = StaffItemForm()
    files = _Files(form, the_child)
    form.set_up(
        band, [SelectChoice(c, str(topics.title_of(c, band))) for c in codes], files.choices()
    )
    context = {
        "child": the_child,
        "form": form,
        "limits": _limits(),
        "max_upload": current_app.config.get("MAX_CONTENT_LENGTH") or 0,
        "faces": FEELING_FACES,
    }
    valid = form.validate_on_submit()
    files.let_go_taken_away()
    if not valid:
        return _staff_write_page(files, context)
    if not form.topic.data:
        form.topic.errors = [_("Choose the topic it is about.")]
        return _staff_write_page(files, context)
    staff_member = g.principal.staff
    written = service.Words(
        text=form.text.data or "",
        caption=form.caption.data or "",
        feeling=form.feeling_value(),
        author=ItemAuthor.KEYWORKER_WITH_CHILD,
        written_by=staff_member,
    )
    topic_code = form.topic.data
    try:
        service.check_contents(written, *files.counts())
        found = _prepare_and_save(
            files,
            bool(written.text.strip()),
            lambda prepared, held: service.add_item(
                session,
                _storage(),
                child=the_child,
                topic=topic_code,
                words=written,
                prepared=prepared,
                held=held,
            ),
        )
    except _Refusal as refusal:
        _show_refusal(form, refusal)
        return _staff_write_page(files, context)
    except service.ViewsError as error:
        _service_problem(form, error)
        return _staff_write_page(files, context)
    _queue().queue(service.processing_videos(found))
    audit("write-view-item-with-child", subject_type="view-item", subject_id=found.public_id)
    flash(
        _(
            "Saved in %(name)s's views, written by you with %(name)s. Only %(name)s can see it "
            "until they choose to share it.",
            name=the_child.preferred_name,
        ),
        "success",
    )
    return redirect(url_for("caseload.child_record", public_id=public_id))


# --- A body too big to take ------------------------------------------------------------------


@bp.errorhandler(413)
def _too_big(error: Exception) -> tuple[str, int]:
    if isinstance(g.get("principal"), ChildPrincipal):
        return render_template("views/too_big.html", limits=_limits()), 413
    return render_template("errors/413.html"), 413
