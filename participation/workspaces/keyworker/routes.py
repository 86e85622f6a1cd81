"""The keyworker's pages: their caseload (/keyworker), a child's monthly summaries, the report for
the review (build, share with the child, send), a sent version, the team's action notes; and the
child's own view of the shared report at /me/report.

Every staff view of the report or of the child's comments is audited, and so is every send.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ... import clock, sent_once
from ...audit.web import audit
from ...caseload.service import caseload, page_of
from ...db import db
from ...forms import CHILD_TOO_LONG, apply_errors, rerender_on_timeout
from ...models import (
    Child,
    Item,
    KeyworkerReport,
    MonthlySummary,
    ReportReaction,
    ReportSection,
    Review,
    Role,
)
from ...security.access import child, staff
from ...security.policy import (
    CASEWORK,
    audience_of,
    can_view_action_notes,
    may_keep_keyworker_records,
    may_read_sent_keyworker_report,
)
from ...templating import template_globals, when_in_words
from ...timetable import service as timetable
from ..common import InputProblem, VersionConflict, milestones_by_review
from ..web import loaded_version, not_found, page_asked, visible_child
from . import service
from .forms import (
    ActionNoteForm,
    MonthlySummaryForm,
    ReportActionForm,
    ReportForm,
    ResponseForm,
)
from .words import (
    CHILD_REACTION_ICONS,
    CHILD_REACTIONS,
    CHILD_TITLES,
    STAFF_HINTS,
    STAFF_REACTIONS,
    STAFF_TITLES,
    problem,
)

bp = Blueprint("keyworker", __name__)

ResponseLike = str | Response | tuple[str, int]
SENT_READERS = CASEWORK  # who may read a sent report: decided in policy.py
CASE_STAFF = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
MILESTONES = (service.SHARED_MILESTONE, service.SENT_MILESTONE)


def _month_label(month: date) -> str:
    return format_date(month, "MMMM y")


template_globals(
    bp,
    {
        "report_sections": service.SECTIONS,
        "section_title": STAFF_TITLES.__getitem__,
        "section_hint": STAFF_HINTS.__getitem__,
        "section_child_title": CHILD_TITLES.__getitem__,
        "staff_reaction": lambda code: STAFF_REACTIONS.get(ReportReaction(code)) if code else "",
        "month_label": _month_label,
    },
)


def _keyworker_child(public_id: str) -> Child:
    """A child on this keyworker's caseload (the decorator checked the role; policy has the
    last word), or a 404."""
    found = visible_child(public_id)
    if not may_keep_keyworker_records(g.principal):
        not_found("keyworker-records")
    return found


def _problem(form: Any, error: InputProblem) -> None:
    apply_errors(form, {error.field: problem(error.code, **error.params)})


def _conflict() -> str:
    return _(
        "Someone else saved this a moment ago. What is saved now is shown; your words are still "
        "in the form below: check them and save again."
    )


def _report_conflict() -> str:
    return _(
        "Someone else saved this report a moment ago: what is saved now is shown here. The boxes "
        "you had not changed now hold their words; the ones you changed still hold yours. Check "
        "them and save again."
    )


# --- the keyworker's caseload -------------------------------------------------------------------


@bp.route("/keyworker")
@staff(Role.KEYWORKER)
def workspace() -> str:
    session = db.session()
    day = clock.today()
    found = page_of(caseload(session, g.principal, day), page_asked())
    review_ids = [row.next_review.id for row in found.rows if row.next_review]
    calendar = timetable.calendar_for(session)
    tasks = milestones_by_review(session, review_ids, MILESTONES)
    return render_template(
        "workspaces/keyworker/workspace.html",
        found=found,
        tasks=tasks,
        reports=service.reports_by_review(session, review_ids),
        latest_months=service.latest_summary_months(session, [row.child.id for row in found.rows]),
        status=lambda task: timetable.status_of(calendar, task.due_on, task.done_on, day),
        milestone_names=MILESTONES,
    )


# --- monthly summaries -------------------------------------------------------------------------


@bp.route("/children/<public_id>/monthly-summaries")
@staff(Role.KEYWORKER)
def summaries(public_id: str) -> str:
    the_child = _keyworker_child(public_id)
    audit("view-monthly-summaries", subject_type="child", subject_id=the_child.public_id)
    return render_template(
        "workspaces/keyworker/summaries.html",
        child=the_child,
        summaries=service.summaries_for(db.session(), the_child),
    )


def _month_choices(the_child: Child) -> list[SelectChoice]:
    return [
        SelectChoice(month.isoformat(), _month_label(month))
        for month in service.months_to_write(db.session(), the_child, clock.today())
    ]


@bp.route("/children/<public_id>/monthly-summaries/new", methods=["GET", "POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def new_summary(public_id: str) -> ResponseLike:
    the_child = _keyworker_child(public_id)
    session = db.session()
    form = MonthlySummaryForm()
    form.month.choices = _month_choices(the_child)
    if request.method == "POST" and (sent := _summary_sent_before(the_child, form)):
        # Save pressed twice: the second said "already a summary for that month", took the
        # month off the list, and a third press saved the words again under another (QA).
        flash(_("Summary for %(month)s saved.", month=_month_label(sent.month)), "success")
        return redirect(url_for("keyworker.summaries", public_id=public_id))
    if form.validate_on_submit():
        try:
            summary = service.add_summary(
                session,
                the_child,
                g.principal.staff,
                _chosen_month(form.month.data),
                form.texts(),
                today=clock.today(),
            )
            sent_once.remember(session, g.principal.actor, form.form_key.data, summary.public_id)
            session.commit()
        except InputProblem as error:
            session.rollback()
            _problem(form, error)
        else:
            audit("write-monthly-summary", subject_type="child", subject_id=the_child.public_id)
            flash(_("Summary for %(month)s saved.", month=_month_label(summary.month)), "success")
            return redirect(url_for("keyworker.summaries", public_id=public_id))
    return render_template(
        "workspaces/keyworker/summary_form.html", child=the_child, form=form, summary=None
    )


def _summary_sent_before(the_child: Child, form: MonthlySummaryForm) -> MonthlySummary | None:
    """The summary this page's save made already (sent_once), if this is it sent again."""
    sent = sent_once.sent_before(db.session(), g.principal.actor, form.form_key.data)
    if sent is None or sent.made_id is None:
        return None
    return service.find_summary(db.session(), the_child, sent.made_id)


def _chosen_month(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise InputProblem("month", "month-unknown") from None


@bp.route("/children/<public_id>/monthly-summaries/<summary_id>", methods=["GET", "POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def summary(public_id: str, summary_id: str) -> ResponseLike:
    the_child = _keyworker_child(public_id)
    session = db.session()
    found = service.find_summary(session, the_child, summary_id)
    if found is None:
        not_found("monthly-summary")
    if request.method == "GET":
        data = _summary_texts(found)
        form = MonthlySummaryForm(data={**data, "version": str(found.version)})
        form.remember_loaded(data)
        audit("view-monthly-summary", subject_type="child", subject_id=the_child.public_id)
    else:
        form = MonthlySummaryForm()
    form.month.choices = []
    conflict = False
    if form.validate_on_submit():
        try:
            changed = service.change_summary(
                session,
                found,
                g.principal.staff,
                form.texts(),
                loaded_version(form.version.data),
            )
            session.commit()
        except InputProblem as error:
            session.rollback()
            _problem(form, error)
        except (VersionConflict, StaleDataError):
            session.rollback()
            session.refresh(found)
            # As for the report: boxes this page left alone take the words saved now, or
            # saving again put back what a colleague had just changed (QA).
            saved = _summary_texts(found)
            for name in form.unchanged_since_loaded():
                form[name].data = saved[name]
            form.remember_loaded(saved)
            form.version.data = str(found.version)
            conflict = True
        else:
            if changed:
                audit(
                    "change-monthly-summary",
                    subject_type="child",
                    subject_id=the_child.public_id,
                )
            flash(
                _("Summary for %(month)s saved.", month=_month_label(found.month))
                if changed
                else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("keyworker.summaries", public_id=public_id))
    page = render_template(
        "workspaces/keyworker/summary_form.html",
        child=the_child,
        form=form,
        summary=found,
        conflict=_conflict() if conflict else None,
    )
    return (page, 409) if conflict else page


# --- the report ---------------------------------------------------------------------------------


def _wanted_review() -> int | None:
    """The number of the review the page was showing (``?review=3``), if given."""
    text = (request.args.get("review") or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else None


def _report_context(the_child: Child) -> tuple[Review | None, KeyworkerReport | None]:
    return service.report_to_show(db.session(), the_child, _wanted_review())


def _report_url(public_id: str, review: Review | None) -> str:
    # Every form and redirect names the review, so the keyworker's words go to the report they
    # were looking at even if its review is recorded held meanwhile (see report.html).
    return url_for(
        "keyworker.report", public_id=public_id, review=review.number if review else None
    )


def _summary_texts(found: MonthlySummary) -> dict[str, str]:
    """The words saved in each of a summary's boxes, by the form's field names."""
    return {section.column: found.text_for(section) for section in service.SECTIONS}


def _saved_texts(report: KeyworkerReport) -> dict[str, str]:
    """The words saved in each of the report's boxes, by the form's field names."""
    rows = service.sections_of(report)
    texts: dict[str, str] = {}
    for section in service.SECTIONS:
        row = rows.get(section)
        texts[f"{section.column}_keyworker"] = row.keyworker_text if row else ""
        texts[f"{section.column}_child"] = row.child_text if row else ""
    return texts


def _report_form(report: KeyworkerReport, the_child: Child) -> ReportForm:
    saved = _saved_texts(report)
    form = ReportForm(data={"version": str(report.revision), **saved})
    form.remember_loaded(saved)
    form.name_the_child(_("%(name)s says", name=the_child.preferred_name))
    return form


def _take_theirs(form: ReportForm, report: KeyworkerReport) -> None:
    """Someone saved the report since this page was loaded: the boxes this page left as they
    were take the words saved now, so that saving again does not put back what was there
    before (QA: a second tab's empty box wiped the first tab's words). A box changed here
    keeps what was typed; the words saved now are shown above the form. From here on the page
    is as loaded now."""
    saved = _saved_texts(report)
    for name in form.unchanged_since_loaded():
        form[name].data = saved[name]
    form.remember_loaded(saved)
    form.version.data = str(report.revision)


def _read_by_keyworker(items: Sequence[Item]) -> None:
    """The child's words the report copies in or offers are read by the keyworker, as in a
    pack: "who has seen my things" says so, and the child can no longer delete them, only stop
    sharing them, which the report then follows (QA: a deleted thing stayed in the report and
    was sent, since nothing could find words that were gone)."""
    for item in items:
        audit("read-shared-item", subject_type="view-item", subject_id=item.public_id,
              detail="keyworker-report")  # fmt: skip


def _render_report(
    the_child: Child,
    review: Review | None,
    report: KeyworkerReport | None,
    form: ReportForm | None = None,
    *,
    conflict: str | None = None,
    status: int = 200,
) -> ResponseLike:
    session = db.session()
    context: dict[str, Any] = {}
    if report is None and review is not None:
        context["sources"] = service.report_sources(session, g.principal, the_child)
    if report is not None:
        if form is None:
            form = _report_form(report, the_child)
        since = service.new_since_started(session, g.principal, the_child, report)
        _read_by_keyworker(since.offered)
        fresh: dict[ReportSection, list[Item]] = {}
        for item in since.offered:
            fresh.setdefault(service.section_of(item), []).append(item)
        context.update(
            new_words=fresh,
            new_summaries=since.summaries,
            taken_back=service.taken_back(
                session,
                g.principal,
                the_child,
                {row.section: row.child_text for row in report.sections},
            ),
            kept_back=since.kept_back,
            sections=service.sections_of(report),
            responses=service.responses_by_section(report),
            recipients=service.recipients(the_child),
            milestones=milestones_by_review(session, [report.review_id], MILESTONES),
        )
    page = render_template(
        "workspaces/keyworker/report.html",
        child=the_child,
        review=review,
        report=report,
        form=form,
        start_form=ReportActionForm(formdata=None),
        conflict=conflict,
        upcoming=service.report_review(the_child),
        held_not_sent=[
            other
            for other in service.held_reports_not_sent(session, the_child)
            if report is None or other.id != report.id
        ],
        **context,
    )
    return (page, status) if status != 200 else page


def _save_posted(the_child: Child, review: Review, found: KeyworkerReport) -> bool | ResponseLike:
    """Save the words posted with the report (Save, Share and Send all post them): True when
    something changed. When they cannot be saved (too long, the page timed out, or someone
    saved the report since the page was loaded), the page to answer with instead, every word
    as typed."""
    session = db.session()
    form = ReportForm()
    form.name_the_child(_("%(name)s says", name=the_child.preferred_name))
    if not form.validate_on_submit():
        return _render_report(the_child, review, found, form)
    try:
        changed = service.save_report(
            session, found, g.principal.staff, form.texts(), loaded_version(form.version.data)
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        _problem(form, error)
        return _render_report(the_child, review, found, form)
    except (VersionConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        review_now, now = _report_context(the_child)
        assert now is not None
        _take_theirs(form, now)
        return _render_report(
            the_child, review_now, now, form, conflict=_report_conflict(), status=409
        )
    if changed:
        audit("change-keyworker-report", subject_type="child", subject_id=the_child.public_id)
    return changed


@bp.route("/children/<public_id>/keyworker-report", methods=["GET", "POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def report(public_id: str) -> ResponseLike:
    the_child = _keyworker_child(public_id)
    review, found = _report_context(the_child)
    if request.method == "GET" or review is None or found is None:
        if found is not None:
            audit("view-keyworker-report", subject_type="child", subject_id=the_child.public_id)
        return _render_report(the_child, review, found)
    saved = _save_posted(the_child, review, found)
    if not isinstance(saved, bool):
        return saved
    flash(_("The report is saved.") if saved else _("Nothing was changed."), "success")
    return redirect(_report_url(public_id, review))


@bp.route("/children/<public_id>/keyworker-report/start", methods=["POST"])
@staff(Role.KEYWORKER)
def start_report(public_id: str) -> Response:
    the_child = _keyworker_child(public_id)
    review, found = _report_context(the_child)
    form = ReportActionForm()
    if review is None or not form.validate_on_submit():
        return redirect(_report_url(public_id, review))
    if found is None:
        session = db.session()
        copied = service.report_sources(session, g.principal, the_child).items
        service.start_report(session, g.principal, the_child, review, _month_label)
        session.commit()
        audit("start-keyworker-report", subject_type="child", subject_id=the_child.public_id)
        _read_by_keyworker(copied)
        flash(
            _(
                "The report is started from the monthly summaries and what %(name)s shared.",
                name=the_child.preferred_name,
            ),
            "success",
        )
    return redirect(_report_url(public_id, review))


@dataclass(frozen=True)
class _Acting:
    """What a share or send acts on: the report as the page showed it, now saved."""

    child: Child
    review: Review
    report: KeyworkerReport
    saved: bool  # the words on the page changed the report


def _acting_on(public_id: str) -> _Acting | ResponseLike:
    """The report a share or send acts on, with the words on the page saved first: what is
    shared or sent is what the keyworker sees, and nothing they typed is lost. Or the answer
    to give instead (the page again, with the words, when they cannot be saved)."""
    the_child = _keyworker_child(public_id)
    review, found = _report_context(the_child)
    if review is None or found is None:
        not_found("keyworker-report")
    if not all(name in request.form for name in ReportForm.text_fields()):
        # Not the report's form (a page from before the buttons posted the words): saving what
        # it posts would empty every box.
        flash(_("This page timed out. Check the report and press the button again."), "error")
        return redirect(_report_url(public_id, review))
    saved = _save_posted(the_child, review, found)
    if not isinstance(saved, bool):
        return saved
    if saved:
        flash(_("The report is saved."), "success")
    return _Acting(the_child, review, found, saved)


@bp.route("/children/<public_id>/keyworker-report/share", methods=["POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def share_report(public_id: str) -> ResponseLike:
    acting = _acting_on(public_id)
    if not isinstance(acting, _Acting):
        return acting
    the_child, found = acting.child, acting.report
    session = db.session()
    try:
        service.share_with_child(session, found, g.principal.staff, today=clock.today())
        session.commit()
    except InputProblem as error:
        session.rollback()
        flash(problem(error.code), "error")
    except StaleDataError:
        session.rollback()
        flash(_conflict(), "error")
    else:
        audit("share-keyworker-report", subject_type="child", subject_id=the_child.public_id)
        flash(
            _(
                "Shared with %(name)s. They can read it on their own page and say what they "
                "think of each part.",
                name=the_child.preferred_name,
            ),
            "success",
        )
    return redirect(_report_url(public_id, acting.review))


def _add_summary_words(
    acting: _Acting, offered: Mapping[ReportSection, list[MonthlySummary]], wanted: str
) -> ResponseLike:
    """Add one part of a monthly summary written or changed since the report was started
    (`wanted`: "<summary>:<part>", as the page offered it) to the same part of the report."""
    session = db.session()
    summary_id, _colon, part = wanted.partition(":")
    section = next((each for each in offered if each.value == part), None)
    summaries = offered.get(section, []) if section is not None else []
    summary = next((each for each in summaries if each.public_id == summary_id), None)
    url = _report_url(acting.child.public_id, acting.review)
    if section is None or summary is None:
        flash(_("That is not added: it is in the report already."), "error")
        return redirect(url)
    try:
        service.add_summary_words(
            session, acting.report, g.principal.staff, summary, section, _month_label
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        flash(
            _(
                "That is not added: “Keyworker says” in %(part)s would be longer than %(max)d "
                "characters. Shorten it first, then add it.",
                part=STAFF_TITLES[section],
                max=error.params["max"],
            ),
            "error",
        )
        return redirect(url)
    except StaleDataError:
        session.rollback()
        flash(_conflict(), "error")
        return redirect(url)
    audit("add-to-keyworker-report", subject_type="monthly-summary",
          subject_id=summary.public_id, detail=section.value)  # fmt: skip
    flash(
        _(
            "Added the summary for %(month)s to “Keyworker says” in %(part)s. Check it reads well.",
            month=_month_label(summary.month),
            part=STAFF_TITLES[section],
        ),
        "success",
    )
    return redirect(f"{url}#section-{section.value}")


@bp.route("/children/<public_id>/keyworker-report/add-words", methods=["POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def add_words(public_id: str) -> ResponseLike:
    """Add something the child said since the report was started to its part of the report,
    the words on the page saved first (as Share and Send do)."""
    acting = _acting_on(public_id)
    if not isinstance(acting, _Acting):
        return acting
    the_child, found = acting.child, acting.report
    session = db.session()
    wanted = request.form.get("add_item", "")
    # Only what the page offered and the report may still quote: a posted id is never trusted.
    since = service.new_since_started(session, g.principal, the_child, found)
    if "add_summary" in request.form:
        return _add_summary_words(acting, since.summaries, request.form["add_summary"])
    item = next((each for each in since.offered if each.public_id == wanted), None)
    anchor = None
    if item is None:
        flash(
            _(
                "That is not added: it is in the report already, or %(name)s no longer shares "
                "it with the social worker and IRO.",
                name=the_child.preferred_name,
            ),
            "error",
        )
    else:
        try:
            section = service.add_words(session, found, g.principal.staff, item)
            session.commit()
        except InputProblem as error:
            session.rollback()
            flash(
                _(
                    "That is not added: “%(name)s says” in %(part)s would be longer than "
                    "%(max)d characters. Shorten it first, then add it.",
                    name=the_child.preferred_name,
                    part=STAFF_TITLES[service.section_of(item)],
                    max=error.params["max"],
                ),
                "error",
            )
        except StaleDataError:
            session.rollback()
            flash(_conflict(), "error")
        else:
            audit(
                "add-to-keyworker-report",
                subject_type="view-item",
                subject_id=item.public_id,
                detail=section.value,
            )
            flash(
                _(
                    "Added to “%(name)s says” in %(part)s. Check it reads well.",
                    name=the_child.preferred_name,
                    part=STAFF_TITLES[section],
                ),
                "success",
            )
            anchor = f"section-{section.value}"
    url = _report_url(public_id, acting.review)
    return redirect(f"{url}#{anchor}" if anchor else url)


@bp.route("/children/<public_id>/keyworker-report/send", methods=["POST"])
@staff(Role.KEYWORKER)
@rerender_on_timeout
def send_report(public_id: str) -> ResponseLike:
    acting = _acting_on(public_id)
    if not isinstance(acting, _Acting):
        return acting
    the_child, found = acting.child, acting.report
    session = db.session()
    try:
        sent = service.send_report(
            session,
            found,
            g.principal.staff,
            service.recipients(the_child),
            today=clock.today(),
            principal=g.principal,
        )
        session.commit()
    except InputProblem as error:
        # Nothing is sent; words changed just now stay saved ("not-shared": share them first).
        session.rollback()
        if error.code == "already-sent" and found.sent_versions:
            # "Send" pressed twice, or again later: where the first press went, and when (QA:
            # the second press said only "sent already", so it was unclear the first worked).
            last = found.sent_versions[-1]
            flash(
                _(
                    "This version was sent already, as version %(number)d, %(when)s.",
                    number=last.number,
                    when=when_in_words(last.sent_at),
                ),
                "success",
            )
            return redirect(
                url_for("keyworker.sent_report", public_id=public_id, version_id=last.public_id)
            )
        flash(problem(error.code), "error")
        return redirect(_report_url(public_id, acting.review))
    except (VersionConflict, StaleDataError):
        session.rollback()
        flash(_conflict(), "error")
        return redirect(_report_url(public_id, acting.review))
    audit(
        "send-keyworker-report",
        subject_type="child",
        subject_id=the_child.public_id,
        detail=f"version {sent.number}",
    )
    flash(
        _(
            "Sent as version %(number)d. It is locked: changes you make now are a new draft.",
            number=sent.number,
        ),
        "success",
    )
    return redirect(
        url_for("keyworker.sent_report", public_id=public_id, version_id=sent.public_id)
    )


@bp.route("/children/<public_id>/keyworker-report/sent/<version_id>")
@staff(*SENT_READERS)
def sent_report(public_id: str, version_id: str) -> str:
    the_child = visible_child(public_id)
    if not may_read_sent_keyworker_report(g.principal):
        not_found("sent-keyworker-report")
    sent = service.find_sent(db.session(), the_child, version_id)
    if sent is None:
        not_found("sent-keyworker-report")
    audit(
        "view-sent-keyworker-report",
        subject_type="child",
        subject_id=the_child.public_id,
        detail=f"version {sent.number}",
    )
    shown = service.report_for_reader(db.session(), the_child, sent, audience_of(g.principal))
    return render_template(
        "workspaces/keyworker/sent.html",
        child=the_child,
        sent=sent,
        review=db.session.get(Review, sent.review_id),
        sections={ReportSection(row["section"]): row for row in shown.sections},
    )


# --- action notes after the review -------------------------------------------------------------


@bp.route("/children/<public_id>/action-notes", methods=["GET", "POST"])
@staff(*CASE_STAFF)
@rerender_on_timeout
def action_notes(public_id: str) -> ResponseLike:
    the_child = visible_child(public_id)
    session = db.session()
    if not can_view_action_notes(session, g.principal, the_child):
        not_found("action-notes")
    may_write = may_keep_keyworker_records(g.principal)
    form = ActionNoteForm()
    if request.method == "POST":
        if not may_write:
            not_found("action-notes-write")
        if form.validate_on_submit():
            try:
                service.add_action_note(session, the_child, g.principal.staff, form.text.data)
                session.commit()
            except InputProblem as error:
                session.rollback()
                _problem(form, error)
            else:
                audit("add-action-note", subject_type="child", subject_id=the_child.public_id)
                flash(_("Note saved for the team."), "success")
                return redirect(url_for("keyworker.action_notes", public_id=public_id))
    else:
        audit("view-action-notes", subject_type="child", subject_id=the_child.public_id)
    return render_template(
        "workspaces/keyworker/action_notes.html",
        child=the_child,
        notes=service.action_notes(session, the_child),
        form=form,
        may_write=may_write,
    )


# --- the child's view of the shared report ------------------------------------------------------


def _response_forms(
    report: KeyworkerReport,
    stale: set[ReportSection],
    failing: tuple[ReportSection, ResponseForm] | None = None,
) -> dict[ReportSection, ResponseForm]:
    responses = service.responses_by_section(report)
    forms = {}
    for section in service.SECTIONS:
        response = responses.get(section)
        # An "I agree" to words changed since is not shown ticked for the new ones.
        reaction = response.reaction if response and section not in stale else None
        forms[section] = ResponseForm(
            formdata=None,
            prefix=section.value,
            data={
                "version": str(response.version if response else 0),
                "reaction": reaction.value if reaction else None,
                "comment": response.comment if response else "",
            },
        )
    if failing is not None:
        forms[failing[0]] = failing[1]
    return forms


def _render_child_report(
    report: KeyworkerReport | None,
    failing: tuple[ReportSection, ResponseForm] | None = None,
    *,
    conflict: str | None = None,
    status: int = 200,
) -> ResponseLike:
    stale = service.changed_since_answered(report) if report else set()
    page = render_template(
        "workspaces/child/report.html",
        child=g.principal.child,
        report=report,
        sections=service.sections_of(report) if report else {},
        forms=_response_forms(report, stale, failing) if report else {},
        failing_section=failing[0] if failing else None,
        form=failing[1] if failing else None,
        changed_since_answered=stale,
        reactions=CHILD_REACTIONS,
        icons=CHILD_REACTION_ICONS,
        conflict=conflict,
    )
    return (page, status) if status != 200 else page


@bp.route("/me/report")
@child
def my_report() -> ResponseLike:
    return _render_child_report(service.report_for_child(db.session(), g.principal.child))


@bp.route("/me/report/<section>", methods=["POST"])
@child
@rerender_on_timeout
def respond(section: str) -> ResponseLike:
    session = db.session()
    found = service.report_for_child(session, g.principal.child)
    try:
        part = ReportSection(section)
    except ValueError:
        part = None
    if found is None or part is None:
        not_found("child-report")
    form = ResponseForm(prefix=part.value)
    if not form.validate_on_submit():
        return _render_child_report(found, (part, form))
    try:
        service.respond(
            session,
            found,
            part,
            ReportReaction(form.reaction.data) if form.reaction.data else None,
            form.comment.data,
            loaded_version(form.version.data),
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        apply_errors(form, {error.field: _child_problem(error)})
        return _render_child_report(found, (part, form))
    except (VersionConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        found = service.report_for_child(session, g.principal.child)
        now = service.responses_by_section(found).get(part) if found else None
        form.version.data = str(now.version if now else 0)
        message = _(
            "This was changed on another tablet a moment ago. Your answer is still here: check "
            "it and save again."
        )
        return _render_child_report(found, (part, form), conflict=message, status=409)
    flash(
        _("Saved. %(name)s will see what you think.", name=_writer(found)),
        "success",
    )
    return redirect(url_for("keyworker.my_report", _anchor=f"section-{part.value}"))


def _child_problem(error: InputProblem) -> str:
    if error.code == "too-long":
        return str(CHILD_TOO_LONG)
    return problem(error.code)


def _writer(report: KeyworkerReport) -> str:
    return report.shared_by.name_for_children if report.shared_by else _("your keyworker")
