"""Pages of two-factor login: one's own settings and set-up, the recovery codes (shown once),
the code step of the login, and the team's overview for owners and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.middleware import activate_user_preferences
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.accounts.views import TEAM_ONLY, add_errors
from kontor.records.access import access_membership, require
from kontor.twofactor import actions, codes, queries, second_step
from kontor.twofactor.forms import LoginCodeForm, PasswordForm, RequirementForm, SetupCodeForm
from kontor.twofactor.models import TwoFactorEvent

EVENTS_SHOWN = 20


def _settings_page(request: MemberRequest, password_form: PasswordForm | None = None) -> HttpResponse:
    user = request.membership.user
    two_factor = actions.confirmed_two_factor(user)
    required = actions.is_required_for(user)
    if not required:  # the owner made it optional since this login: the rest of Kontor opens again
        request.session.pop(second_step.SETUP_REQUIRED_KEY, None)
    return render(request, "twofactor/settings.html", {
        "two_factor": two_factor, "password_form": password_form or PasswordForm(),
        "codes_left": actions.recovery_codes_left(user) if two_factor else 0, "required": required,
        "setup_required": request.session.get(second_step.SETUP_REQUIRED_KEY, False)})


@member_required
def settings(request: MemberRequest) -> HttpResponse:
    return _settings_page(request)


@member_required
@require_POST
def start(request: MemberRequest) -> HttpResponse:
    try:
        actions.start_setup(request.membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("twofactor:settings")
    return redirect("twofactor:setup")


def _codes_page(request: HttpRequest, recovery_codes: list[str], first_time: bool) -> HttpResponse:
    response = render(request, "twofactor/recovery_codes.html", {"codes": recovery_codes, "first_time": first_time})
    response["Cache-Control"] = "no-store"  # the codes are on this page exactly once
    return response


@member_required
@never_cache
def setup(request: MemberRequest) -> HttpResponse:
    """Shows the QR code and the key of an open set-up; a valid code from the app confirms it."""
    user = request.membership.user
    two_factor = actions.pending_setup(user)
    if two_factor is None:
        return redirect("twofactor:settings")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_codes = actions.confirm_setup(user, form.cleaned_data["code"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session.pop(second_step.SETUP_REQUIRED_KEY, None)
            return _codes_page(request, recovery_codes, first_time=True)
    secret = two_factor.secret
    uri = codes.provisioning_uri(secret, user.email)
    response = render(request, "twofactor/setup.html", {
        "form": form, "qr_svg": codes.qr_svg(uri), "secret": codes.grouped(secret), "uri": uri})
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_POST
def renew_codes(request: MemberRequest) -> HttpResponse:
    try:
        recovery_codes = actions.renew_recovery_codes(request.membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("twofactor:settings")
    return _codes_page(request, recovery_codes, first_time=False)


@member_required
@require_POST
def disable(request: MemberRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.disable_two_factor(request.membership.user, form.cleaned_data["password"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Two-factor login is off. You log in with your password alone."))
            return redirect("twofactor:settings")
    return _settings_page(request, password_form=form)


def _refusal(check: actions.CodeCheck) -> str:
    if check.locked_minutes:
        return ngettext(
            "Too many wrong codes. For your safety, the code step is paused: please wait %(minutes)d minute "
            "and try again.",
            "Too many wrong codes. For your safety, the code step is paused: please wait %(minutes)d minutes "
            "and try again.", check.locked_minutes) % {"minutes": check.locked_minutes}
    if check.malformed:
        return _("Please type the 6 digits your app shows, or one of your recovery codes (10 letters and digits).")
    return _("This code is not right, or it has been used already. Please type the code your app shows now.")


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the app, or a recovery code."""
    user = second_step.pending_user(request)
    if user is None:
        if request.method == "POST":
            messages.error(request, _("Please log in again: the login took longer than ten minutes."))
        return redirect("accounts:login")
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.check_code(user, form.cleaned_data["code"])
        if check.accepted:
            response = second_step.finish_login(request, user, remember=form.cleaned_data["remember"])
            # Logged in now: the message is read on the next page, in the user's own language.
            activate_user_preferences(request, user.language, user.time_zone)
            if check.recovery_codes_left is not None:
                messages.warning(request, ngettext(
                    "You used a recovery code; %(count)d is left. Make new ones in your settings.",
                    "You used a recovery code; %(count)d are left. Make new ones in your settings.",
                    check.recovery_codes_left) % {"count": check.recovery_codes_left})
            return response
        form.add_error("code", _refusal(check))
    return render(request, "twofactor/login_code.html", {"form": form}, status=200)


def _team_manager(request: MemberRequest) -> Membership:
    membership: Membership = request.membership
    require(membership, roles.can_manage_team, str(TEAM_ONLY))
    return membership


@member_required
def team(request: MemberRequest) -> HttpResponse:
    """Who in the team uses two-factor login, the owner's rule, resets, and the recent log."""
    membership = _team_manager(request)
    members = queries.members_with_two_factor(membership.account)
    rows = [(member, actions.may_reset(membership, member)) for member in members]
    return render(request, "twofactor/team.html", {
        "rows": rows, "required": queries.is_required(membership.account),
        "is_owner": membership.role == roles.Role.OWNER,
        "own_two_factor": any(member.has_two_factor for member, _may in rows if member.pk == membership.pk),
        "events": TwoFactorEvent.objects.about_team(membership.account)[:EVENTS_SHOWN]})


@member_required
@require_POST
def set_requirement(request: MemberRequest) -> HttpResponse:
    membership = _team_manager(request)
    form = RequirementForm(request.POST)
    required = form.is_valid() and form.cleaned_data["required"]
    try:
        signed_out = actions.set_requirement(membership, required)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if required:
            messages.success(request, ngettext(
                "Two-factor login is now required. %(count)d colleague without it was logged out and will set "
                "it up at the next login.",
                "Two-factor login is now required. %(count)d colleagues without it were logged out and will set "
                "it up at the next login.", signed_out) % {"count": signed_out})
        else:
            messages.success(request, _("Two-factor login is now optional in this team."))
    return redirect("twofactor:team")


@member_required
@require_POST
def reset(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = request.membership
    member = access_membership(membership, membership_id)
    try:
        actions.reset_two_factor(member, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The two-factor login of %(name)s is reset; they were told by e-mail.")
                         % {"name": member.user.name})
    return redirect("twofactor:team")
