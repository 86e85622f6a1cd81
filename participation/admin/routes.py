"""The administration pages: homes, children, staff accounts, who works with which child, the
people in each child's life, CSV imports with a dry run, and the SSDA903 participation codes.

Who may do what: administrators keep these records, so every page here is theirs. Managers
oversee the council, so they may read the lists of homes, children and staff (without the homes'
addresses, which only administrators see) and download the participation codes; they change
nothing here. Anyone else gets a 404, as for every page that is not theirs. Every change is
audited (who, what, which record; never what was typed).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date
from pathlib import Path
from typing import IO, Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.wrappers import Response as BaseResponse

from .. import catalogs, clock, sent_once
from ..accounts import second_factor
from ..audit.web import audit
from ..csvsafe import csv_text
from ..db import db
from ..forms import ActionForm, rerender_on_timeout
from ..labels import HOME_KINDS
from ..models import Child, Home, NetworkPerson, Role, StaffMember, utcnow
from ..security.access import staff
from ..security.requests import accepts_files
from ..worry import service as worry_service
from . import exports, imports, service
from .forms import (
    NETWORK_ROLES,
    AssignForm,
    ChildFiltersForm,
    ChildForm,
    EndAssignmentForm,
    ExportForm,
    HomeForm,
    ImportForm,
    NewStaffForm,
    PasswordForm,
    PersonForm,
    StaffFiltersForm,
    StaffForm,
    apply_issues,
    issue_text,
    role_words,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = Role.ADMIN
READERS = (Role.ADMIN, Role.MANAGER)
# Room for the multipart envelope around the largest CSV file an import takes.
_UPLOAD_ENVELOPE = 64 * 1024
_CHUNK = 64 * 1024
# The export page shows the first rows; the CSV has them all.
EXPORT_PREVIEW = 100

Resp = str | BaseResponse


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "network_role_label": NETWORK_ROLES.__getitem__,
        "issue_text": issue_text,
        "is_admin": _is_admin,
    }


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # URL value preprocessors run before every before_request function, so this limit is in
    # place before CSRF protection reads the body: a bigger upload is a 413 before it is spooled.
    if endpoint == "admin.import_csv" and request.method == "POST":
        request.max_content_length = imports.MAX_BYTES + _UPLOAD_ENVELOPE


def _is_admin() -> bool:
    return bool(g.principal.role == Role.ADMIN)


def _acting() -> StaffMember:
    member: StaffMember = g.principal.staff
    return member


def _not_found(reason: str) -> Any:
    g.denied = reason
    abort(404)


def _submitted(form: FlaskForm) -> bool:
    """Posted with a good CSRF token. Field errors found here stay on the form, and the service
    then adds its own, so every field at fault is named at once. A timed-out page is not
    submitted: it comes back with what was typed and nothing is written."""
    if not form.is_submitted():
        return False
    form.validate()
    token = getattr(form, "csrf_token", None)
    return token is None or not token.errors


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _paged_args(**args: Any) -> dict[str, Any]:
    return {key: value for key, value in args.items() if value not in (None, "")}


# --- overview ----------------------------------------------------------------------------------


@bp.route("/")
@staff(*READERS)
def overview() -> str:
    session = db.session()
    return render_template(
        "admin/overview.html",
        overview=service.overview(session),
        worry_emails=worry_service.email_state(session, current_app.extensions["worry_alerting"]),
    )


@bp.route("/languages")
@staff(*READERS)
def languages() -> str:
    """How complete each translation is, and whether a fluent speaker has checked it."""
    folder = Path(current_app.root_path, current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    return render_template(
        "admin/languages.html",
        rows=catalogs.status(folder.resolve(), current_app.config["ALL_LANGUAGES"]),
    )


# --- homes -------------------------------------------------------------------------------------


def _home(home_id: str) -> Home:
    home = service.home_by_public_id(db.session(), home_id)
    if home is None:
        _not_found("home")
    assert home is not None
    return home


def _home_values(form: HomeForm) -> service.HomeValues:
    return service.HomeValues(
        form.name.data or "",
        form.kind.data,
        form.address.data or "",
        form.alert_email.data or "",
        form.phone.data or "",
    )


@bp.route("/homes")
@staff(*READERS)
def homes() -> str:
    return render_template("admin/homes.html", rows=service.homes(db.session()))


@bp.route("/homes/new", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def new_home() -> Resp:
    session = db.session()
    form = HomeForm()
    if _submitted(form):
        try:
            home = service.create_home(session, _home_values(form))
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            audit("admin-home-created", subject_type="home", subject_id=home.public_id)
            flash(_("Home added: %(name)s.", name=home.name), "success")
            return redirect(url_for("admin.homes"))
    return render_template("admin/home_form.html", form=form, home=None)


@bp.route("/homes/<home_id>", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def edit_home(home_id: str) -> Resp:
    session = db.session()
    home = _home(home_id)
    if request.method == "POST":
        form = HomeForm()
    else:
        form = HomeForm(
            data={
                "name": home.name,
                "kind": home.kind.value,
                "address": home.address,
                "alert_email": home.alert_email,
                "phone": home.phone,
            }
        )
    if _submitted(form):
        try:
            changed = service.update_home(session, home, _home_values(form))
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            if changed:
                audit(
                    "admin-home-changed",
                    subject_type="home",
                    subject_id=home.public_id,
                    detail="fields=" + ",".join(changed),
                )
            flash(_("Saved: %(name)s.", name=home.name), "success")
            return redirect(url_for("admin.homes"))
    return render_template("admin/home_form.html", form=form, home=home)


@bp.route("/homes/<home_id>/deactivate", methods=["POST"])
@staff(ADMIN)
def deactivate_home(home_id: str) -> Resp:
    return _set_home_active(home_id, active=False)


@bp.route("/homes/<home_id>/reactivate", methods=["POST"])
@staff(ADMIN)
def reactivate_home(home_id: str) -> Resp:
    return _set_home_active(home_id, active=True)


def _set_home_active(home_id: str, *, active: bool) -> Resp:
    session = db.session()
    home = _home(home_id)
    if ActionForm().validate_on_submit():
        try:
            service.set_home_active(session, home, active)
            session.commit()
        except service.Refused as refused:
            session.rollback()
            flash(
                ngettext(
                    "%(num)d child still lives at %(name)s: record where they live now first.",
                    "%(num)d children still live at %(name)s: record where they live now first.",
                    int(refused.params["count"]),
                    name=home.name,
                ),
                "error",
            )
            return redirect(url_for("admin.edit_home", home_id=home.public_id))
        audit(
            "admin-home-reactivated" if active else "admin-home-deactivated",
            subject_type="home",
            subject_id=home.public_id,
        )
        if active:
            flash(_("%(name)s is open again.", name=home.name), "success")
        else:
            flash(_("%(name)s is closed: it is kept for the record.", name=home.name), "success")
    return redirect(url_for("admin.homes"))


# --- children: the list, adding and changing a record ------------------------------------------


def _child(child_id: str) -> Child:
    child = service.child_by_public_id(db.session(), child_id)
    if child is None:
        _not_found("child")
    assert child is not None
    return child


def _home_choices(form: ChildForm, child: Child | None) -> None:
    offered = service.active_homes(db.session())
    if child is not None and child.home is not None and child.home not in offered:
        offered.append(child.home)
    form.set_homes([(h.public_id, h.name, str(HOME_KINDS[h.kind])) for h in offered])


def _chosen_home(form: ChildForm, child: Child | None) -> tuple[Home | None, bool]:
    """The home chosen on the form, and whether the choice named no home that may be chosen
    (one that does not exist, or has closed and is not already the child's)."""
    chosen = (form.home.data or "").strip()
    if not chosen:
        return None, False
    home = service.home_by_public_id(db.session(), chosen)
    if home is None or not (home.active or (child is not None and home.id == child.home_id)):
        return None, True
    return home, False


def _child_values(form: ChildForm, home: Home | None) -> service.ChildValues:
    return service.ChildValues(
        legal_name=form.legal_name.data or "",
        preferred_name=form.preferred_name.data or "",
        date_of_birth=form.date_of_birth.data,
        first_language=form.first_language.data or "",
        communication_needs=form.communication_needs.data or "",
        became_looked_after=form.became_looked_after.data,
        placement_type=form.placement_type.data,
        home=home,
        placement_start=form.placement_start.data,
        left_care_on=form.left_care_on.data,
    )


def _child_form_data(child: Child) -> dict[str, Any]:
    return {
        "legal_name": child.legal_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": child.date_of_birth,
        "first_language": child.first_language,
        "communication_needs": child.communication_needs,
        "became_looked_after": child.became_looked_after,
        "placement_type": child.placement_type.value,
        "home": child.home.public_id if child.home is not None else "",
        "placement_start": child.placement_start,
        "left_care_on": child.left_care_on,
        "version": str(child.version),
    }


def _filters_asked() -> MultiDict[str, str]:
    """A list's filters: posted (a name typed to search for is posted, never put in the
    address, where it would stay in the browser's history and the server's logs), or from the
    address (the rest, and the page)."""
    if request.method == "POST":
        return request.form
    return MultiDict([(key, value) for key, value in request.args.items(multi=True) if key != "q"])


def _pages_posted(search: str, **args: Any) -> dict[str, Any]:
    """With a name searched for, the next and previous pages post the filters again."""
    return _paged_args(q=search, **args) if search else {}


@bp.route("/children", methods=["GET", "POST"])
@staff(*READERS)
def children() -> str:
    session = db.session()
    form = ChildFiltersForm(formdata=_filters_asked())
    form.validate()
    page = form.page.data if not form.page.errors and form.page.data else 1
    status = form.status.data if form.status.data in service.CHILD_STATUSES else "looked-after"
    filters = service.ChildFilters(
        search=(form.q.data or "")[:100],
        home=(form.home.data or "")[:32],
        status=status,
        page=page,
    )
    found = service.children_page(session, filters)
    form.set_homes([(home.public_id, home.name) for home in service.all_homes(session)])
    form.status.data = status
    return render_template(
        "admin/children.html",
        found=found,
        filters_form=form,
        args=_paged_args(home=filters.home, status=status),
        posted=_pages_posted(filters.search, home=filters.home, status=status),
    )


def _made_before(key: str | None) -> str | None:
    """What this page's save made already (sent_once), if this sending is that save again."""
    sent = sent_once.sent_before(db.session(), g.principal.actor, key)
    return sent.made_id if sent is not None else None


@bp.route("/children/new", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def new_child() -> Resp:
    session = db.session()
    form = ChildForm()
    _home_choices(form, None)
    if request.method == "POST" and (made := _made_before(form.form_key.data)):
        # Sent twice (a double click on a slow line): one child, and the first one's page, not
        # "There is already a child called ..." about the record just made (QA).
        return redirect(url_for("admin.child", child_id=made))
    if _submitted(form):
        home, unknown = _chosen_home(form, None)
        try:
            child = service.create_child(
                session,
                _child_values(form, home),
                clock.today(),
                already_wrong=set(form.errors),
                home_unknown=unknown,
            )
            sent_once.remember(session, g.principal.actor, form.form_key.data, child.public_id)
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            audit("admin-child-created", subject_type="child", subject_id=child.public_id)
            flash(_("Added %(name)s.", name=child.preferred_name), "success")
            return redirect(url_for("admin.child", child_id=child.public_id))
    return render_template("admin/child_form.html", form=form, child=None, conflict=False)


@bp.route("/children/<child_id>/edit", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def edit_child(child_id: str) -> Resp:
    session = db.session()
    child = _child(child_id)
    form = ChildForm() if request.method == "POST" else ChildForm(data=_child_form_data(child))
    _home_choices(form, child)
    conflict = False
    if _submitted(form):
        home, unknown = _chosen_home(form, child)
        try:
            changed = service.update_child(
                session,
                child,
                _child_values(form, home),
                clock.today(),
                loaded_version=_int(form.version.data),
                already_wrong=set(form.errors),
                home_unknown=unknown,
                acting=_acting(),
            )
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
            form.version.data = str(child.version)
        except (service.Conflict, StaleDataError):
            # Someone else saved first: show the record as it is now; nothing was overwritten.
            session.rollback()
            child = _child(child_id)
            conflict = True
            form = ChildForm(formdata=None, data=_child_form_data(child))
            _home_choices(form, child)
        else:
            if changed:
                audit(
                    "admin-child-changed",
                    subject_type="child",
                    subject_id=child.public_id,
                    detail="fields=" + ",".join(changed),
                )
            flash(_("Saved %(name)s's record.", name=child.preferred_name), "success")
            if "home" in changed:
                _check_keyworkers_after_move(child)
            return redirect(url_for("admin.child", child_id=child.public_id))
    return render_template("admin/child_form.html", form=form, child=child, conflict=conflict)


def _check_keyworkers_after_move(child: Child) -> None:
    """A child who moved home keeps their keyworkers until someone ends them, and those still
    read what the child shares with "my keyworker" (QA: nothing said so). Staff belong to no
    home here, so the administrator is asked, not told who to end."""
    keyworkers = [
        a.staff.name
        for a in child.assignments
        if a.active and a.role == Role.KEYWORKER and a.staff.active
    ]
    if keyworkers:
        flash(
            _(
                "%(name)s has moved home. %(keyworkers)s still read what %(name)s shares with "
                "their keyworker: if they do not work at the new home, end that below and "
                "assign a keyworker from there.",
                name=child.preferred_name,
                keyworkers=", ".join(keyworkers),
            ),
            "info",
        )


# --- one child: who works with them, the people in their life ----------------------------------


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm(formdata=None)
    form.set_staff([(m.public_id, m.name, m.role) for m in service.casework_staff(db.session())])
    return form


def _child_page(child: Child, assign_form: AssignForm | None = None) -> str:
    return render_template(
        "admin/child.html",
        child=child,
        age=child.age_on(clock.today()),
        assign_form=_assign_form(assign_form),
        current=[a for a in child.assignments if a.active],
        ended=[a for a in child.assignments if not a.active],
    )


@bp.route("/children/<child_id>")
@staff(ADMIN)
def child(child_id: str) -> str:
    found = _child(child_id)
    audit("admin-view-child", subject_type="child", subject_id=found.public_id)
    return _child_page(found)


@bp.route("/children/<child_id>/assignments", methods=["POST"])
@staff(ADMIN)
@rerender_on_timeout
def assign(child_id: str) -> Resp:
    session = db.session()
    found = _child(child_id)
    form = _assign_form(AssignForm())
    if _submitted(form):
        try:
            assignment = service.assign(session, found, form.staff.data or "", form.role.data)
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        except IntegrityError:  # the same assignment saved a moment ago by someone else
            session.rollback()
            found = _child(child_id)
            form.staff.errors = [_("That assignment was made a moment ago: see the list.")]
        else:
            audit(
                "admin-assignment-added",
                subject_type="child",
                subject_id=found.public_id,
                detail=f"role={assignment.role.value} staff={assignment.staff.public_id}",
            )
            flash(
                _(
                    "%(name)s now works with %(child)s as their %(role)s.",
                    name=assignment.staff.name,
                    child=found.preferred_name,
                    role=role_words(assignment.role),
                ),
                "success",
            )
            return redirect(url_for("admin.child", child_id=found.public_id) + "#assignments")
    return _child_page(found, form)


@bp.route("/children/<child_id>/assignments/end", methods=["POST"])
@staff(ADMIN)
def end_assignment(child_id: str) -> Resp:
    session = db.session()
    found = _child(child_id)
    form = EndAssignmentForm()
    if form.validate_on_submit():
        ended = service.end_assignment(session, found, (form.staff.data or "")[:32], form.role.data)
        if ended is None:
            _not_found("assignment")
        assert ended is not None
        session.commit()
        audit(
            "admin-assignment-ended",
            subject_type="child",
            subject_id=found.public_id,
            detail=f"role={ended.role.value} staff={ended.staff.public_id}",
        )
        flash(
            _(
                "%(name)s no longer works with %(child)s as their %(role)s.",
                name=ended.staff.name,
                child=found.preferred_name,
                role=role_words(ended.role),
            ),
            "success",
        )
    return redirect(url_for("admin.child", child_id=found.public_id) + "#assignments")


def _person(found: Child, person_id: str) -> NetworkPerson:
    person = service.person_by_public_id(found, person_id)
    if person is None:
        _not_found("network-person")
    assert person is not None
    return person


def _person_values(form: PersonForm) -> service.PersonValues:
    return service.PersonValues(
        form.name.data or "",
        form.relationship_to_child.data or "",
        form.role.data,
        bool(form.parental_responsibility.data),
    )


@bp.route("/children/<child_id>/people/new", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def new_person(child_id: str) -> Resp:
    session = db.session()
    found = _child(child_id)
    form = PersonForm()
    if _submitted(form):
        try:
            person = service.add_person(session, found, _person_values(form))
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            audit(
                "admin-network-person-added",
                subject_type="child",
                subject_id=found.public_id,
                detail=f"person={person.public_id}",
            )
            flash(_("Added %(name)s.", name=person.name), "success")
            return redirect(url_for("admin.child", child_id=found.public_id) + "#people")
    return render_template("admin/person_form.html", form=form, child=found, person=None)


@bp.route("/children/<child_id>/people/<person_id>", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def edit_person(child_id: str, person_id: str) -> Resp:
    session = db.session()
    found = _child(child_id)
    person = _person(found, person_id)
    if request.method == "POST":
        form = PersonForm()
    else:
        form = PersonForm(
            data={
                "name": person.name,
                "relationship_to_child": person.relationship_to_child,
                "role": person.role.value,
                "parental_responsibility": person.parental_responsibility,
            }
        )
    if _submitted(form):
        try:
            changed = service.update_person(session, person, _person_values(form))
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            if changed:
                audit(
                    "admin-network-person-changed",
                    subject_type="child",
                    subject_id=found.public_id,
                    detail=f"person={person.public_id} fields=" + ",".join(changed),
                )
            flash(_("Saved %(name)s.", name=person.name), "success")
            return redirect(url_for("admin.child", child_id=found.public_id) + "#people")
    return render_template("admin/person_form.html", form=form, child=found, person=person)


@bp.route("/children/<child_id>/people/<person_id>/deactivate", methods=["POST"])
@staff(ADMIN)
def deactivate_person(child_id: str, person_id: str) -> Resp:
    return _set_person_active(child_id, person_id, active=False)


@bp.route("/children/<child_id>/people/<person_id>/reactivate", methods=["POST"])
@staff(ADMIN)
def reactivate_person(child_id: str, person_id: str) -> Resp:
    return _set_person_active(child_id, person_id, active=True)


def _set_person_active(child_id: str, person_id: str, *, active: bool) -> Resp:
    session = db.session()
    found = _child(child_id)
    person = _person(found, person_id)
    if ActionForm().validate_on_submit():
        person.active = active
        session.commit()
        audit(
            "admin-network-person-reactivated" if active else "admin-network-person-deactivated",
            subject_type="child",
            subject_id=found.public_id,
            detail=f"person={person.public_id}",
        )
        if active:
            flash(_("%(name)s is back on the list.", name=person.name), "success")
        else:
            flash(
                _(
                    "%(name)s is no longer on the list of people in %(child)s's life. They are "
                    "kept for the record.",
                    name=person.name,
                    child=found.preferred_name,
                ),
                "success",
            )
    return redirect(url_for("admin.child", child_id=found.public_id) + "#people")


# --- staff accounts ----------------------------------------------------------------------------


def _member(staff_id: str) -> StaffMember:
    member = service.staff_by_public_id(db.session(), staff_id)
    if member is None:
        _not_found("staff")
    assert member is not None
    return member


def _staff_values(form: StaffForm) -> service.StaffValues:
    return service.StaffValues(form.name.data or "", form.email.data or "", form.role.data)


@bp.route("/staff", methods=["GET", "POST"])
@staff(*READERS)
def staff_list() -> str:
    form = StaffFiltersForm(formdata=_filters_asked())
    form.validate()
    page = form.page.data if not form.page.errors and form.page.data else 1
    filters = service.StaffFilters(
        search=(form.q.data or "")[:100], role=(form.role.data or "")[:32], page=page
    )
    found = service.staff_page(db.session(), filters)
    return render_template(
        "admin/staff.html",
        found=found,
        filters_form=form,
        args=_paged_args(role=filters.role),
        posted=_pages_posted(filters.search, role=filters.role),
        has_password=service.has_password,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def new_staff() -> Resp:
    session = db.session()
    form = NewStaffForm()
    if request.method == "POST" and _made_before(form.form_key.data):
        return redirect(url_for("admin.staff_list"))  # sent twice: one account (QA)
    if _submitted(form):
        try:
            member = service.create_staff(session, _staff_values(form), form.password.data or "")
            sent_once.remember(session, g.principal.actor, form.form_key.data, member.public_id)
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            audit(
                "admin-staff-created",
                subject_type="staff",
                subject_id=member.public_id,
                detail=f"role={member.role.value}",
            )
            flash(
                _(
                    "Account made for %(name)s. Give them the temporary password yourself, "
                    "not by email; it is not shown again.",
                    name=member.name,
                ),
                "success",
            )
            return redirect(url_for("admin.staff_list"))
    return render_template("admin/staff_form.html", form=form, member=None)


@bp.route("/staff/<staff_id>", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def edit_staff(staff_id: str) -> Resp:
    session = db.session()
    member = _member(staff_id)
    if request.method == "POST":
        form = StaffForm()
    else:
        form = StaffForm(
            data={"name": member.name, "email": member.email, "role": member.role.value}
        )
    if _submitted(form):
        try:
            changed = service.update_staff(session, member, _staff_values(form), acting=_acting())
            session.commit()
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            if changed:
                audit(
                    "admin-staff-changed",
                    subject_type="staff",
                    subject_id=member.public_id,
                    detail="fields="
                    + ",".join(changed)
                    + (f" role={member.role.value}" if "role" in changed else ""),
                )
            flash(_("Saved %(name)s's account.", name=member.name), "success")
            return redirect(url_for("admin.staff_list"))
    return render_template(
        "admin/staff_form.html",
        form=form,
        member=member,
        has_password=service.has_password(member),
        has_second_factor=second_factor.factor_for(session, member) is not None,
        is_self=member.id == _acting().id,
        locked_until=service.locked_until(member, utcnow()),
        only_one=service.only_one_in_role(session, member),
        colleagues=service.colleagues_to_take_over(session, member),
        children_now=len(service.caseload_to_hand_over(member)),
    )


@bp.route("/staff/<staff_id>/hand-over", methods=["POST"])
@staff(ADMIN)
def hand_over_children(staff_id: str) -> Resp:
    """All of one worker's children to a colleague in the same role, in one go."""
    session = db.session()
    member = _member(staff_id)
    back = redirect(url_for("admin.edit_staff", staff_id=member.public_id, _anchor="hand-over"))
    if not ActionForm().validate_on_submit():
        return back
    try:
        to, moved = service.hand_over_children(session, member, request.form.get("to", ""))
        session.commit()
    except service.Invalid:
        session.rollback()
        flash(_("Choose who takes over."), "error")
        return back
    detail = f"role={member.role.value} from={member.public_id} to={to.public_id}"
    for child in moved:
        audit("admin-children-handed-over", subject_type="child", subject_id=child.public_id,
              detail=detail)  # fmt: skip
    flash(
        ngettext(
            "%(num)d child now has %(to)s in place of %(name)s.",
            "%(num)d children now have %(to)s in place of %(name)s.",
            len(moved),
            to=to.name,
            name=member.name,
        ),
        "success",
    )
    return back


@bp.route("/staff/<staff_id>/disable", methods=["POST"])
@staff(ADMIN)
def disable_staff(staff_id: str) -> Resp:
    return _set_staff_active(staff_id, active=False)


@bp.route("/staff/<staff_id>/enable", methods=["POST"])
@staff(ADMIN)
def enable_staff(staff_id: str) -> Resp:
    return _set_staff_active(staff_id, active=True)


def _set_staff_active(staff_id: str, *, active: bool) -> Resp:
    session = db.session()
    member = _member(staff_id)
    if ActionForm().validate_on_submit():
        try:
            service.set_staff_active(session, member, active, acting=_acting())
        except service.Refused:
            flash(_("You cannot disable your own account: ask another administrator."), "error")
            return redirect(url_for("admin.edit_staff", staff_id=member.public_id))
        audit(
            "admin-staff-enabled" if active else "admin-staff-disabled",
            subject_type="staff",
            subject_id=member.public_id,
        )
        if active:
            flash(_("%(name)s can sign in again.", name=member.name), "success")
        else:
            flash(
                _(
                    "%(name)s's account is disabled and every session they had has ended.",
                    name=member.name,
                ),
                "success",
            )
    return redirect(url_for("admin.edit_staff", staff_id=member.public_id))


@bp.route("/staff/<staff_id>/password", methods=["GET", "POST"])
@staff(ADMIN)
@rerender_on_timeout
def reset_password(staff_id: str) -> Resp:
    session = db.session()
    member = _member(staff_id)
    if member.id == _acting().id:
        # One's own password is changed on "Your account", with the current one.
        return redirect(url_for("accounts.change_password"))
    form = PasswordForm()
    if _submitted(form):
        try:
            service.reset_password(session, member, form.password.data or "")
        except service.Invalid as error:
            session.rollback()
            apply_issues(form, error.issues)
        else:
            audit("admin-staff-password-reset", subject_type="staff", subject_id=member.public_id)
            flash(
                _(
                    "%(name)s has a new temporary password and every session they had has "
                    "ended. Give it to them yourself; it is not shown again.",
                    name=member.name,
                ),
                "success",
            )
            return redirect(url_for("admin.edit_staff", staff_id=member.public_id))
    return render_template("admin/password.html", form=form, member=member)


@bp.route("/staff/<staff_id>/second-factor/reset", methods=["POST"])
@staff(ADMIN)
def reset_second_factor(staff_id: str) -> Resp:
    session = db.session()
    member = _member(staff_id)
    if member.id == _acting().id:
        _not_found("own-second-factor")
    if ActionForm().validate_on_submit():
        second_factor.remove_second_factor(session, member)
        audit("admin-staff-second-factor-reset", subject_type="staff", subject_id=member.public_id)
        flash(
            _(
                "%(name)s's authenticator app is forgotten and their sessions have ended. They "
                "set a new one up when they next sign in.",
                name=member.name,
            ),
            "success",
        )
    return redirect(url_for("admin.edit_staff", staff_id=member.public_id))


# --- CSV imports -------------------------------------------------------------------------------


def _import_kind(kind: str) -> imports.ImportKind:
    try:
        return imports.ImportKind(kind)
    except ValueError:
        return _not_found("import-kind")


class _TooBig(Exception):
    pass


def _digest(stream: IO[bytes]) -> str:
    """The SHA-256 of the uploaded file, read in chunks; raises _TooBig past the limit."""
    stream.seek(0, os.SEEK_END)
    if stream.tell() > imports.MAX_BYTES:
        raise _TooBig
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


@bp.route("/imports/<kind>", methods=["GET", "POST"])
@staff(ADMIN)
@accepts_files
@rerender_on_timeout
def import_csv(kind: str) -> Resp:
    """Upload, dry run (every row checked, nothing imported), then import that same file."""
    chosen = _import_kind(kind)
    session = db.session()
    form = ImportForm()
    checked: imports.Checked | None = None
    digest = ""
    if _submitted(form):
        upload = form.file.data
        importing = request.form.get("action") == "import"
        if not isinstance(upload, FileStorage) or not upload.filename:
            form.file.errors = [issue_text("file", service.Issue("required"))]
        else:
            try:
                digest = _digest(upload.stream)
            except _TooBig:
                form.file.errors = [issue_text("file", service.Issue("too-big", {"max": "2 MB"}))]
        checked_digest = (form.checked.data or "").encode("utf-8", "replace")
        if digest and importing and not hmac.compare_digest(checked_digest, digest.encode()):
            form.file.errors = [issue_text("file", service.Issue("not-checked"))]
        elif digest and isinstance(upload, FileStorage):
            checked = imports.check(session, chosen, upload.stream, clock.today())
            if importing and checked.ok:
                return _import(chosen, checked)
            session.rollback()  # a dry run changes nothing
            audit(
                "admin-import-checked",
                subject_type="import",
                subject_id=chosen.value,
                outcome="ok" if checked.ok else "problems",
                detail=f"rows={checked.rows} problems={checked.problem_count}",
            )
    return render_template(
        "admin/import.html",
        form=form,
        kind=chosen,
        columns=imports.COLUMNS[chosen],
        checked=checked,
        digest=digest if checked is not None and checked.ok else "",
        max_rows=imports.MAX_ROWS,
    )


def _import(chosen: imports.ImportKind, checked: imports.Checked) -> Resp:
    session = db.session()
    try:
        count = imports.import_checked(session, checked, clock.today())
        session.commit()
    except (service.Invalid, IntegrityError):
        # Something changed between the check and now (a child or email added meanwhile):
        # nothing was imported; the dry run says what.
        session.rollback()
        flash(
            _("Nothing was imported: the records changed meanwhile. Check the file again."), "error"
        )
        return redirect(url_for("admin.import_csv", kind=chosen.value))
    audit(
        "admin-import",
        subject_type="import",
        subject_id=chosen.value,
        detail=f"rows={count}",
    )
    if chosen == imports.ImportKind.CHILDREN:
        flash(ngettext("Imported %(num)d child.", "Imported %(num)d children.", count), "success")
        return redirect(url_for("admin.children"))
    flash(
        ngettext(
            "Imported %(num)d staff account. It cannot sign in until you give it a temporary "
            "password.",
            "Imported %(num)d staff accounts. They cannot sign in until you give each a "
            "temporary password.",
            count,
        ),
        "success",
    )
    return redirect(url_for("admin.staff_list"))


@bp.route("/imports/<kind>/template.csv")
@staff(ADMIN)
def import_template(kind: str) -> Response:
    chosen = _import_kind(kind)
    response = make_response("\ufeff" + csv_text(imports.template(chosen)))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f"attachment; filename={chosen.value}-template.csv"
    return response


# --- the SSDA903 export ------------------------------------------------------------------------


def _export_range(form: ExportForm) -> tuple[date, date] | None:
    """The range asked for in the address, or None (with the form's errors) if it is not one."""
    if not form.validate():
        return None
    start, end = form.start.data, form.end.data
    assert start is not None and end is not None
    if end < start:
        form.end.errors = [_("The 'up to' date must be on or after the 'from' date")]
        return None
    return start, end


@bp.route("/exports/participation-codes")
@staff(*READERS)
def export_codes() -> str:
    if request.args:
        form = ExportForm(formdata=request.args)
        chosen = _export_range(form)
    else:
        start, end = exports.financial_year(clock.today())
        form = ExportForm(formdata=None, data={"start": start, "end": end})
        chosen = (start, end)
    rows = exports.participation_codes(db.session(), *chosen) if chosen else []
    return render_template(
        "admin/export.html",
        form=form,
        chosen=chosen,
        rows=rows,
        preview=rows[:EXPORT_PREVIEW],
        without_code=sum(1 for row in rows if not row.code),
    )


@bp.route("/exports/participation-codes.csv")
@staff(*READERS)
def export_codes_csv() -> Resp:
    form = ExportForm(formdata=request.args)
    chosen = _export_range(form)
    if chosen is None:
        return redirect(
            url_for(
                "admin.export_codes",
                start=request.args.get("start", "")[:32],
                end=request.args.get("end", "")[:32],
            )
        )
    start, end = chosen
    rows = exports.participation_codes(db.session(), start, end)
    audit(
        "admin-export-participation-codes",
        subject_type="export",
        subject_id="participation-codes",
        detail=f"from={start.isoformat()} to={end.isoformat()} rows={len(rows)}",
    )
    response = make_response(exports.csv_for(rows))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=participation-codes-{start.isoformat()}-to-{end.isoformat()}.csv"
    )
    return response
