"""Planning my meeting: the child's six steps under /me/plan, and the plan on a child's record
for staff (/children/<id>/plan) with their answers, the venue and time, and the day's checklist.

Child steps work without JavaScript (every answer is saved on submit); planning.js adds autosave,
which posts the same form with `X-Autosave: 1` and gets JSON back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from .. import clock
from ..audit.web import audit
from ..caseload.service import child_by_public_id
from ..child.session import child_band, held_here, hold_this_page, saved_here
from ..db import db
from ..forms import rerender_on_timeout
from ..models import AgeBand, Child, DecisionOutcome, DecisionTopic, MeetingPlan, Review, Wish
from ..models.review import LONDON
from ..security.access import child, holds_answers, staff
from ..security.policy import PLAN_READERS, can_view_child
from ..templating import day_in_words, template_globals
from ..text import kept_words
from ..timetable.labels import milestone_label
from . import service, steps
from .forms import (
    DAY_WARNINGS,
    NOT_A_CHOICE,
    PAST_DAY,
    STEP_FORMS,
    TOO_LONG,
    ArrangementForm,
    ChecklistForm,
    DecisionForm,
    StepForm,
    SummaryForm,
    WhoComesForm,
)
from .steps import MY_PLAN, SLUGS, STEP_BY_SLUG, STEPS, WHO_COMES, Step

bp = Blueprint("planning", __name__)
# The plan's summary shows each answer with the drawing of the card it was chosen on; a start
# time at night is asked about with the time twelve hours away.
template_globals(
    bp,
    {
        "choice_for": steps.choice_for,
        "answer_in_effect": steps.answer_in_effect,
        "other_half_of_the_day": service.other_half_of_the_day,
    },
)

STAFF_READERS = PLAN_READERS  # who reads the whole plan: decided in policy.py
ResponseLike = str | Response | tuple[str | Response, int]


def _autosaving() -> bool:
    return request.headers.get("X-Autosave") == "1"


def _not_found(reason: str) -> NoReturn:
    g.denied = reason
    abort(404)


def _icons(choices: tuple[steps.Choice, ...]) -> dict[str, str]:
    return {str(choice.code): choice.icon for choice in choices}


# --- The child's steps ----------------------------------------------------------------------


@bp.route("/me/plan")
@child
def start() -> Response:
    review = service.planned_review(g.principal.child)
    plan = service.find_plan(db.session(), review) if review else None
    return redirect(url_for("planning.step", step=service.where_to_carry_on(plan)))


@bp.route("/me/plan/<step>", methods=["GET", "POST"])
@child
@holds_answers
@rerender_on_timeout
def step(step: str) -> ResponseLike:
    current = STEP_BY_SLUG.get(step)
    if current is None:
        abort(404)
    the_child = g.principal.child
    review = service.planned_review(the_child)
    if review is None:
        return render_template("planning/no_meeting.html", child=the_child)
    if current.slug == WHO_COMES:
        return _who_comes(the_child, review, current)
    if current.slug == MY_PLAN:
        return _my_plan(the_child, review, current)
    return _answers_step(the_child, review, current)


# Staff answers shown at the top of each step (people's answers are on their own cards).
STEP_SUBJECTS: dict[str, tuple[str, ...]] = {
    slug: topics for slug, topics in service.STEP_TOPICS.items() if slug != steps.WHO_COMES
}


def _page(current: Step, plan: MeetingPlan, form: StepForm, **context: Any) -> str:
    before = service.step_before(current.slug)
    band = child_band()
    context.setdefault(
        "answers",
        {
            subject: service.for_child(decision)
            for subject, decision in service.decisions_by_subject(plan).items()
        },
    )
    return render_template(
        f"planning/{current.slug.replace('-', '_')}.html",
        step=current,
        steps=STEPS,
        number=SLUGS.index(current.slug) + 1,
        progress=service.progress(plan),
        back_url=url_for("planning.step", step=before) if before else url_for("child.my_page"),
        plan=plan,
        form=form.in_words_for(band),
        young=band == AgeBand.YOUNG,
        icons=_icons,
        words=steps.words_for,
        choices=steps,
        step_subjects=STEP_SUBJECTS.get(current.slug, ()),
        **context,
    )


def _saved(plan: MeetingPlan, current: Step) -> Response:
    saved_here()
    if _autosaving():
        return jsonify(saved=True, version=plan.step_version(current.slug), message=_("Saved"))
    if request.form.get("go") == "skip":
        flash(_("You can come back to this any time."), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("planning.step", step=service.step_after(current.slug) or MY_PLAN))


def _not_saved(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(saved=False, message=message, **extra), status


def _held_after_clash(form: StepForm) -> tuple[Response, int] | None:
    """After a clash with another tablet the page saves nothing by itself; what the child
    typed since is sent as the page goes or the space locks (planning.js, "X-Hold") and held
    for the page, shown again with the clash to settle (QA: it was lost at the break)."""
    if not (_autosaving() and request.headers.get("X-Hold") == "1"):
        return None
    hold_this_page(form)
    return _not_saved(202, "")


def _refused_autosave(form: StepForm) -> tuple[Response, int]:
    """Answers saved as the child went were refused: hold them for the child (a break before
    they are fixed would otherwise lose them)."""
    hold_this_page(form)
    return _not_saved(422, _("Not saved yet. Press “Save and go on” to see why."))


def _autosave_clash_message() -> str:
    """Said beside the answers when a save as the child goes meets another tablet's change: the
    page's "here is what it says now" is shown only by the button, so not promised here (QA)."""
    return _(
        "This was changed on another tablet a moment ago. Your answer is still here: press "
        "“Save and go on” to see what it says now."
    )


def _conflict_message() -> str:
    return _(
        "This was changed on another tablet a moment ago. Here is what it says now; your answer "
        "is below, check it and save again."
    )


def _answers_step(the_child: Child, review: Review, current: Step) -> ResponseLike:
    session = db.session()
    plan = service.plan_or_blank(session, the_child, review)
    form_class = STEP_FORMS[current.slug]
    if request.method == "GET":
        kept = held_here()
        if kept:
            # Answers held from before a break (a box was too long, or sent as the space
            # locked): show them again, and what to change.
            form = form_class(formdata=kept)
            form.validate()
            return _page(current, plan, form, kept=True)
        data = {
            **service.answers_of(plan, current.slug),
            "version": plan.step_version(current.slug),
        }
        return _page(current, plan, form_class(data=data))
    form = form_class()
    if held := _held_after_clash(form):
        return held
    if not form.validate_on_submit():
        if _autosaving():
            return _refused_autosave(form)
        timed_out = g.get("csrf_timed_out") or form.csrf_token.errors
        if request.form.get("go") == "skip" and not timed_out:
            # "Skip this for now" with a box too long: skip it, and keep what was on the page
            # (held, shown again with what to change when the child comes back to it).
            hold_this_page(form)
            flash(_("You can come back to this any time."), "success")
            return redirect(
                url_for("planning.step", step=service.step_after(current.slug) or MY_PLAN)
            )
        return _page(current, plan, form)
    try:
        saved = service.save_step(
            session,
            the_child,
            review,
            current.slug,
            form.answers(current.fields),
            form.loaded_version(),
            finish=not _autosaving() and request.form.get("go") != "skip",
            key=form.form_key.data,
        )
    except service.PlanConflict:
        return _conflict(the_child, review, current, form)
    except service.PlanInputError as error:
        getattr(form, error.field).errors = [TOO_LONG if error.code == "too-long" else NOT_A_CHOICE]
        return _page(current, plan, form)
    return _saved(saved, current)


def _conflict(
    the_child: Child, review: Review, current: Step, form: StepForm, **context: Any
) -> ResponseLike:
    """Tell the later tablet: show what is saved now, and their own answer to check again."""
    if _autosaving():
        return _not_saved(409, _autosave_clash_message(), conflict=True)
    session = db.session()
    session.expire_all()
    plan = service.plan_or_blank(session, the_child, review)
    form.version.data = str(plan.step_version(current.slug))
    if current.slug == WHO_COMES:
        context["cards_now"] = service.people_cards(session, the_child, plan, child_band())
    return (
        _page(
            current,
            plan,
            form,
            conflict=_conflict_message(),
            now=plan,
            **context,
        ),
        409,
    )


@dataclass
class CardRow:
    """One person's card on the page: their sub-form and who they are."""

    entry: Any
    card: service.PersonCard

    @property
    def answer(self) -> service.AnswerForChild | None:
        return service.for_child(self.card.decision)


def _label(entry: Any, card: service.PersonCard) -> None:
    entry.form.offer(card.allowed_wishes)
    name = card.called(child_band() == AgeBand.YOUNG)
    if card.always_comes:
        # Their card says they always come: the question is only how much of it.
        entry.form.wish.label.text = _("Would you like %(name)s there for all of it?", name=name)
    else:
        entry.form.wish.label.text = _("Would you like %(name)s to come?", name=name)


def _who_comes(the_child: Child, review: Review, current: Step) -> ResponseLike:
    session = db.session()
    plan = service.plan_or_blank(session, the_child, review)
    cards = service.people_cards(session, the_child, plan, child_band())
    if request.method == "GET":
        kept = _held_people(cards)
        if kept is not None:
            # Answers held from before a break (a box was too long, or sent as the space
            # locked): show them again, and what to change.
            rows = _posted_rows(kept, cards)  # each card's choices first, then the check
            kept.validate()
            return _page(current, plan, kept, rows=rows, errors=_who_errors(kept, rows), kept=True)
        form = WhoComesForm(data=_who_data(plan, cards))
        rows = _rows(form, cards)
        return _page(current, plan, form, rows=rows, errors=[])
    form = WhoComesForm()
    if held := _held_after_clash(form):
        return held
    rows = _posted_rows(form, cards)
    go = request.form.get("go")
    valid = form.validate_on_submit()
    adding = _person_to_add(form) if valid else None
    if not valid or form.new_name.errors:
        if _autosaving():
            return _refused_autosave(form)
        return _page(current, plan, form, rows=rows, errors=_who_errors(form, rows))
    try:
        saved = service.save_people(
            session,
            the_child,
            review,
            _wish_answers(rows),
            form.loaded_version(),
            finish=not _autosaving() and go == "next",
            add=adding,
            key=form.form_key.data,
            sender=g.principal.actor,
        )
    except service.UnknownPerson:
        _not_found("plan-person")
    except service.PlanConflict:
        return _conflict(the_child, review, current, form, rows=rows, errors=[])
    except service.PlanInputError as error:
        getattr(form, error.field, form.new_name).errors = [TOO_LONG]
        return _page(current, plan, form, rows=rows, errors=_who_errors(form, rows))
    if _autosaving() or go in ("next", "skip"):
        if adding:
            flash(_("%(name)s is on your list now.", name=adding.name), "success")
        return _saved(saved, current)
    # "Add them to my list" (or Enter in a box): stay on this step, and say so next to the
    # button ("here"), where the page comes back to.
    saved_here()
    if adding:
        flash(_("%(name)s is on your list now.", name=adding.name), "here")
    else:
        # "Add them to my list" with no name written (or Enter in another box): say how to add
        # someone, not just "Saved.", which leaves a child looking for who was added.
        flash(
            _("Saved. To add someone, write their name, then press “Add them to my list”."),
            "here",
        )
    return redirect(url_for("planning.step", step=WHO_COMES, _anchor="someone-else"))


def _held_people(cards: list[service.PersonCard]) -> WhoComesForm | None:
    """The people step as held from before a break, or None. Held cards that are not the cards
    now (someone added or taken off on another tablet since) are let go: shown, they would
    leave out the others' cards."""
    kept = held_here()
    if kept is None:
        return None
    form = WhoComesForm(formdata=kept)
    if [entry.form.key.data for entry in form.people.entries] != [card.key for card in cards]:
        saved_here()
        return None
    return form


def _who_data(plan: MeetingPlan, cards: list[service.PersonCard]) -> dict[str, Any]:
    return {
        "version": plan.step_version(WHO_COMES),
        "people": [
            {
                # Nothing is pre-chosen for a person the child has not chosen for.
                "key": card.key,
                "wish": card.wish if card.invitee else None,
                "part": card.part,
                "why": card.why,
            }
            for card in cards
        ],
    }


def _rows(form: WhoComesForm, cards: list[service.PersonCard]) -> list[CardRow]:
    rows = [CardRow(entry, card) for entry, card in zip(form.people.entries, cards, strict=True)]
    for row in rows:
        _label(row.entry, row.card)
    return rows


def _posted_rows(form: WhoComesForm, cards: list[service.PersonCard]) -> list[CardRow]:
    """The posted cards, each matched to one of this child's people; anything else is a 404."""
    by_key = {card.key: card for card in cards}
    rows = []
    for entry in form.people.entries:
        card = by_key.get(entry.form.key.data or "")
        if card is None:
            # Not one of this child's people: a tampered form, or someone else's plan.
            _not_found("plan-person")
        _label(entry, card)
        rows.append(CardRow(entry, card))
    return rows


def _person_to_add(form: WhoComesForm) -> service.NewPerson | None:
    """Someone to add, or None. A name in the "Add someone else" boxes is added whichever button
    was pressed: a child who typed a name then pressed "Save and go on" meant them to come too.
    Words with no name are an error on the form, so they are never dropped silently."""
    # Autosave runs while the child is still typing the name: adding then would add half a name.
    if _autosaving():
        return None
    name, who = kept_words(form.new_name.data), kept_words(form.new_who.data)
    if name:
        return service.NewPerson(name, who)
    if who:
        form.new_name.errors = [_("Write their name, then press “Add them to my list”.")]
    return None


def _wish_answers(rows: list[CardRow]) -> list[service.WishAnswer]:
    return [
        service.WishAnswer(
            key=row.card.key,
            wish=row.entry.form.wish.data or Wish.UNSET.value,
            part=row.entry.form.part.data or "",
            why=row.entry.form.why.data or "",
            # Taking someone off the list happens on a full save only, never while typing.
            remove=bool(row.entry.form.remove.data) and not _autosaving(),
        )
        for row in rows
    ]


def _who_errors(form: WhoComesForm, rows: list[CardRow]) -> list[tuple[str, str]]:
    """The error summary for the people step: each message links to its box."""
    found = []
    for row in rows:
        for name in ("wish", "part", "why"):
            sub = getattr(row.entry.form, name)
            if sub.errors:
                found.append((sub.id, f"{row.card.name_for_children}: {sub.errors[0]}"))
    for sub in (form.new_name, form.new_who):
        if sub.errors:
            found.append((sub.id, str(sub.errors[0])))
    if form.csrf_token.errors:
        found.append(
            (
                "",
                _(
                    "This page timed out, so nothing was saved yet. Your answers are still "
                    "here: check them and press the button again."
                ),
            )
        )
    return found


def _my_plan(the_child: Child, review: Review, current: Step) -> ResponseLike:
    session = db.session()
    plan = service.plan_or_blank(session, the_child, review)
    form = (
        SummaryForm()
        if request.method == "POST"
        else SummaryForm(data={"version": plan.step_version(MY_PLAN)})
    )
    if request.method == "POST" and form.validate_on_submit():
        service.save_step(
            session, the_child, review, MY_PLAN, {}, form.loaded_version(), finish=True
        )
        flash(_("Thank you. Your meeting plan is saved."), "success")
        return redirect(url_for("child.my_page"))
    cards = service.people_cards(session, the_child, plan, child_band())
    return _page(current, plan, form, cards=cards)


# --- Staff: the plan on a child's record ------------------------------------------------


def _staff_child(public_id: str) -> Child:
    db_session = db.session()
    found = child_by_public_id(db_session, public_id)
    if found is None or not can_view_child(db_session, g.principal, found):
        _not_found("child")
    return found


@dataclass
class RecordPanel:
    """What a child's record shows about their meeting plan."""

    progress: service.Progress
    started: bool
    waiting: int
    can_open: bool


def record_panel(the_child: Child) -> RecordPanel:
    """For the child's record page (caseload): how far the plan has got, what waits for staff."""
    review = service.planned_review(the_child)
    plan = service.find_plan(db.session(), review) if review else None
    return RecordPanel(
        progress=service.progress(plan),
        started=plan is not None,
        waiting=service.waiting_for_answer(plan) if plan else 0,
        can_open=g.principal.role in STAFF_READERS,
    )


def _local(value: datetime | None) -> tuple[date | None, Any]:
    if value is None:
        return None, None
    local = value.astimezone(LONDON)
    return local.date(), local.time().replace(second=0, microsecond=0)


Failing = tuple[str, Any] | None  # the form that was posted and needs showing again, by key


def _decision_forms(
    plan: MeetingPlan, cards: list[service.PersonCard], failing: Failing
) -> dict[str, DecisionForm]:
    """One answer form per wish that can be answered: each person chosen for, each topic."""
    decisions = service.decisions_by_subject(plan)
    subjects = [
        service.subject_for(DecisionTopic.WHO, card.invitee)
        for card in cards
        if card.invitee is not None and service.needs_answer(card.invitee)
    ]
    subjects += [topic.value for topic in service.TOPICS if service.has_answers(plan, topic)]
    forms = {}
    for subject in subjects:
        decision = decisions.get(subject)
        forms[subject] = DecisionForm(
            formdata=None,
            prefix=subject,
            data={
                "version": decision.version if decision else 0,
                "outcome": decision.outcome.value if decision else None,
                "reason": decision.reason_for_child if decision else "",
            },
        )
    if failing and isinstance(failing[1], DecisionForm):
        forms[failing[0]] = failing[1]
    return forms


def _arrangement_form(review: Review, failing: Failing) -> ArrangementForm:
    if failing and isinstance(failing[1], ArrangementForm):
        return failing[1]
    day, start_time = _local(review.scheduled_at)
    return ArrangementForm(
        formdata=None,
        prefix="arrangement",
        data={"version": review.version, "venue": review.venue, "day": day, "time": start_time},
    )


def _checklist_form(lines: list[service.ChecklistLine]) -> ChecklistForm:
    done = [line.code.value for line in lines if line.done]
    form = ChecklistForm(
        formdata=None, prefix="checklist", data={"done": done, "loaded": ",".join(done)}
    )
    form.done.choices = _checklist_choices(lines)
    return form


def _render_staff(
    the_child: Child,
    *,
    failing: Failing = None,
    conflict: str | None = None,
    status: int = 200,
    day_warnings: list[service.DayWarning] | None = None,
    late_tasks: str = "",
) -> ResponseLike:
    """The staff plan page; `failing` is a posted form to show again with its errors, and
    `day_warnings` why the meeting day posted with it needs confirming (`late_tasks`: the
    tasks it would make overdue at once, named)."""
    session = db.session()
    review = service.planned_review(the_child)
    context: dict[str, Any] = {}
    if review is not None:
        plan = service.plan_or_blank(session, the_child, review)
        cards = service.people_cards(session, the_child, plan)
        lines = service.checklist(plan)
        names = {f"who-{c.invitee.public_id}": c.name for c in cards if c.invitee is not None}
        if failing and isinstance(failing[1], DecisionForm):
            # The page has a form per wish: its problem says whose wish it is about (QA).
            about = names.get(failing[0]) or _topic_label(failing[0])
            for each in failing[1]:
                each.errors = [f"{about}: {error}" for error in each.errors]
        context.update(
            plan=plan,
            cards=cards,
            # Named and in the page's order, each a link to its answer: "8 waiting" alone meant
            # scrolling a long page to count the tags (QA).
            waiting=service.waiting_named(plan, cards),
            decisions=service.decisions_by_subject(plan),
            decision_forms=_decision_forms(plan, cards, failing),
            arrangement=_arrangement_form(review, failing),
            checklist=lines,
            checklist_form=_checklist_form(lines),
            progress=service.progress(plan),
        )
    page = render_template(
        "planning/staff_plan.html",
        child=the_child,
        review=review,
        can_answer=service.may_answer(g.principal.role),
        words=steps.words_for,
        labels=steps,
        conflict=conflict,
        failing_key=failing[0] if failing else "",
        form=failing[1] if failing else None,
        wish_changed=service.wish_changed_since,
        day_warnings=[DAY_WARNINGS[warning] for warning in day_warnings or []],
        late_tasks=late_tasks,
        **context,
    )
    return page, status


def _topic_label(subject: str) -> str:
    try:
        return str(steps.TOPIC_LABELS[DecisionTopic(subject)])
    except ValueError:
        return subject


def _checklist_choices(lines: list[service.ChecklistLine]) -> list[SelectChoice]:
    """Each line of the day's checklist, with what the child asked for beside it."""
    return [
        SelectChoice(
            line.code.value,
            f"{line.label}: {'; '.join(str(d) for d in line.details)}"
            if line.details
            else str(line.label),
        )
        for line in lines
    ]


@bp.route("/children/<public_id>/plan")
@staff(*STAFF_READERS)
def staff_plan(public_id: str) -> ResponseLike:
    the_child = _staff_child(public_id)
    audit("view-meeting-plan", subject_type="child", subject_id=the_child.public_id)
    return _render_staff(the_child)


def _plan_for_staff(the_child: Child) -> tuple[Review, MeetingPlan | None]:
    review = service.planned_review(the_child)
    if review is None:
        _not_found("review")
    return review, service.find_plan(db.session(), review)


def _back_to_plan(the_child: Child, anchor: str) -> Response:
    return redirect(url_for("planning.staff_plan", public_id=the_child.public_id, _anchor=anchor))


@bp.route("/children/<public_id>/plan/answers/<subject>", methods=["GET", "POST"])
@staff(*service.ANSWERING_ROLES)
@rerender_on_timeout
def decide(public_id: str, subject: str) -> ResponseLike:
    the_child = _staff_child(public_id)
    if request.method == "GET":
        # The address a refused answer leaves in the address bar, reloaded or kept: the plan.
        return _back_to_plan(the_child, f"decision-{subject}")
    _review, plan = _plan_for_staff(the_child)
    if plan is None:
        _not_found("plan")
    try:
        topic, invitee = service.resolve_subject(plan, subject)
    except service.UnknownPerson:
        _not_found("plan-subject")
    form = DecisionForm(prefix=subject)
    if form.validate_on_submit():
        try:
            service.decide(
                db.session(),
                plan,
                topic,
                invitee,
                DecisionOutcome(form.outcome.data or ""),
                form.reason.data or "",
                g.principal.staff,
                form.loaded_version(),
            )
        except service.PlanConflict:
            current = service.decisions_by_subject(plan).get(subject)
            form.version.data = str(current.version if current else 0)
            return _render_staff(
                the_child,
                failing=(subject, form),
                conflict=_(
                    "Someone else answered this a moment ago. Their answer is shown above: "
                    "check it, then save yours again if you still want to."
                ),
                status=409,
            )
        audit(
            "answer-plan-wish",
            subject_type="child",
            subject_id=the_child.public_id,
            detail=topic.value,
        )
        flash(_("Your answer is saved. %(name)s will see it.", name=the_child.preferred_name))
        return _back_to_plan(the_child, f"decision-{subject}")
    return _render_staff(the_child, failing=(subject, form))


@bp.route("/children/<public_id>/plan/arrangement", methods=["POST"])
@staff(*service.ANSWERING_ROLES)
@rerender_on_timeout
def arrangement(public_id: str) -> ResponseLike:
    the_child = _staff_child(public_id)
    review, _plan = _plan_for_staff(the_child)
    form = ArrangementForm(prefix="arrangement")
    if form.validate_on_submit():
        today = clock.today()
        try:
            check = (
                service.meeting_day_warnings(
                    db.session(), review, form.day.data, today, form.time.data
                )
                if form.day.data
                else service.DayCheck([])
            )
        except service.PlanInputError:
            form.day.errors = [PAST_DAY]
            return _render_staff(the_child, failing=("arrangement", form))
        if check.warnings and not form.date_kept():
            # Staff see why the date may be wrong and tick "Keep this date" to save it.
            form.ask_to_keep_date()
            return _render_staff(
                the_child,
                failing=("arrangement", form),
                day_warnings=check.warnings,
                late_tasks=", ".join(milestone_label(name) for name in check.late_tasks),
            )
        scheduled = None
        if form.day.data and form.time.data:
            scheduled = datetime.combine(form.day.data, form.time.data, LONDON).astimezone(UTC)
        taken_off = review.scheduled_at is not None and scheduled is None
        # An emptied box is easy to save by mistake, and the invitations then say "a place to be
        # confirmed": say so, with what it was, so it can be typed back.
        venue_before = (review.venue or "").strip()
        venue_taken_off = bool(venue_before) and not (form.venue.data or "").strip()
        if venue_before == (form.venue.data or "").strip() and review.scheduled_at == scheduled:
            # "Saved" for a form that changed nothing (empty, say) read as if something was
            # arranged (QA).
            if not venue_before and scheduled is None:
                flash(_("Nothing was saved: give the venue, or the day and the time."), "warning")
            else:
                flash(_("Nothing changed: the venue and time are as they were."), "success")
            return _back_to_plan(the_child, "where-and-when")
        try:
            service.set_arrangement(
                db.session(),
                review,
                form.venue.data or "",
                scheduled,
                form.loaded_version(),
                today,
            )
        except service.PlanConflict:
            db.session.expire_all()
            form.version.data = str(review.version)
            return _render_staff(
                the_child,
                failing=("arrangement", form),
                conflict=_(
                    "Someone else changed the venue or time a moment ago (it is shown above as "
                    "it is now). Your changes are below: check them and save again."
                ),
                status=409,
            )
        audit("set-meeting-arrangement", subject_type="child", subject_id=the_child.public_id)
        if taken_off:
            # Emptying both boxes un-arranges the meeting: say so, it moves every due date.
            flash(
                _(
                    "The date and time are taken off: the meeting is not arranged, and its tasks "
                    "are due by dates counted back from %(date)s, the latest the review can be.",
                    date=day_in_words(review.due_on),
                ),
                "success",
            )
        else:
            flash(_("The venue and time are saved."), "success")
        sent_on = service.invitations_sent_on(db.session(), review)
        if sent_on is not None:
            # Everyone invited has the old day, time or place (QA: nothing said so, and the
            # letters page quietly printed the new one).
            flash(
                _(
                    "The invitations were marked sent on %(date)s, with what was arranged then: "
                    "tell everyone invited about this change.",
                    date=day_in_words(sent_on),
                ),
                "warning",
            )
        if venue_taken_off:
            flash(
                _(
                    "The venue is taken off (it was “%(venue)s”): the invitation letters now say "
                    "the place is to be confirmed. To put it back, type it in again.",
                    venue=venue_before,
                ),
                "warning",
            )
        return _back_to_plan(the_child, "where-and-when")
    return _render_staff(the_child, failing=("arrangement", form))


@bp.route("/children/<public_id>/plan/checklist", methods=["POST"])
@staff(*service.ANSWERING_ROLES)
def tick_checklist(public_id: str) -> Response:
    the_child = _staff_child(public_id)
    _review, plan = _plan_for_staff(the_child)
    if plan is None:
        _not_found("plan")
    form = ChecklistForm(prefix="checklist")
    form.done.choices = _checklist_choices(service.checklist(plan))
    if form.validate_on_submit():
        loaded = {code for code in (form.loaded.data or "").split(",") if code}
        service.tick_checklist(
            db.session(), plan, set(form.done.data or []), loaded, g.principal.staff
        )
        audit("tick-day-checklist", subject_type="child", subject_id=the_child.public_id)
        flash(_("The checklist is saved."), "success")
    return _back_to_plan(the_child, "on-the-day")
