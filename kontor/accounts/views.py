"""Pages around accounts and users: first-run setup, own settings and API keys, the team, and
accepting an invitation. Login, logout and password reset are Django's views with Kontor's forms
and templates (see urls.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_from_request, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.accounts import actions, queries, roles, sessions, throttle
from kontor.accounts.decorators import member_required
from kontor.accounts.devices import describe_device
from kontor.accounts.forms import (
    AcceptInvitationForm,
    ApiKeyForm,
    DeactivateForm,
    InviteForm,
    LoginForm,
    RoleForm,
    SettingsForm,
    SetupForm,
)
from kontor.accounts.forms import SetPasswordForm as ResetPasswordForm
from kontor.accounts.mails import MailNotSent, invitation_url
from kontor.accounts.middleware import SESSION_ACCOUNT_KEY
from kontor.accounts.models import Account, Invitation, Membership
from kontor.accounts.requests import MemberRequest
from kontor.accounts.roles import Role
from kontor.lib.params import parse_id
from kontor.records.access import (
    access_api_key,
    access_colleague,
    access_invitation,
    access_membership,
    require,
)
from kontor.twofactor.actions import confirmed_two_factor
from kontor.twofactor.second_step import begin_second_step, require_setup_if_needed

TEAM_ONLY = gettext_lazy("Only the owner and administrators can manage the team. Ask one of them for help.")


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Shows an action's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def setup(request: HttpRequest) -> HttpResponse:
    """First run: creates the account and its owner. Closed as soon as any account exists."""
    if Account.objects.exists():
        return redirect("accounts:login")
    form = SetupForm(request.POST or None, initial={"language": get_language_from_request(request),
                                                    "time_zone": "Europe/Berlin"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if Account.objects.exists():  # someone else finished setup meanwhile
                    return redirect("accounts:login")
                membership = actions.create_account(data["company"], data["email"], data["password1"],
                                                    owner_name=data["name"], language=data["language"],
                                                    time_zone=data["time_zone"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            login(request, membership.user)
            return redirect("start")
    return render(request, "accounts/setup.html", {"form": form})


class LoginView(DjangoLoginView):
    """Django's login with Kontor's throttled form; a successful login marks the browser as a
    known device of that e-mail address, which gives it a throttle counter of its own."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # A user with two-factor login gives a code before being logged in (kontor/twofactor).
        second_step = begin_second_step(self.request, form.get_user(), self.get_success_url())
        if second_step is not None:
            return second_step
        response = super().form_valid(form)
        throttle.remember_device(response, form.get_user().email)
        return response


class ResetPasswordConfirmView(PasswordResetConfirmView):
    """Sets the new password, revokes the API keys if the user left that ticked, logs every other
    session out, logs the user in here and takes them to the start page."""

    post_reset_login = True

    def form_valid(self, form: ResetPasswordForm) -> HttpResponse:
        # Whoever reads the mailbox must still give the second factor (kontor/twofactor).
        self.post_reset_login = confirmed_two_factor(form.user) is None
        response = super().form_valid(form)
        user = form.user
        sessions.end_other_sessions(user, None)  # the session just logged in is not stored yet
        throttle.forgive(self.request, user.email)
        throttle.remember_device(response, user.email)
        if self.post_reset_login:
            messages.success(self.request, _("Your new password is set, and you are logged in. Every other "
                                             "device was logged out."))
        else:
            messages.success(self.request, _("Your new password is set, and every other device was logged out. "
                                             "Enter a code from your authenticator app to log in."))
        if form.revoked_key_names:
            names = ", ".join(f"“{name}”" for name in form.revoked_key_names)
            messages.warning(self.request, ngettext(
                "Your API key %(names)s is revoked; programs using it need a new key.",
                "Your API keys %(names)s are revoked; programs using them need new keys.",
                len(form.revoked_key_names)) % {"names": names})
        return begin_second_step(self.request, user, str(self.success_url)) or response


@member_required
def password_change(request: MemberRequest) -> HttpResponse:
    form = PasswordChangeForm(request.membership.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)  # stay logged in here
        sessions.end_other_sessions(form.user, request.session.session_key)
        messages.success(request, _("Your password is changed. Other devices are logged out and need the new "
                                    "password now."))
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


@member_required
def user_settings(request: MemberRequest) -> HttpResponse:
    user = request.membership.user
    initial = {"name": user.name, "email": user.email, "language": user.language, "time_zone": user.time_zone}
    form = SettingsForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            with translation.override(user.language):
                messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {
        "form": form, "memberships": queries.own_memberships(user),
        "sessions": [(session, describe_device(session.user_agent)) for session in sessions.sessions_of(user)],
        "current_session_key": request.session.session_key})


@member_required
@require_POST
def end_session(request: MemberRequest, session_id: int) -> HttpResponse:
    """Logs one of the user's other devices out; this device logs out with the logout button."""
    user = request.membership.user
    if sessions.sessions_of(user).filter(pk=session_id, session_id=request.session.session_key).exists():
        messages.error(request, _("This is the device you are using. To end this session, log out."))
    elif sessions.end_session(user, session_id):
        messages.success(request, _("That session is ended; the device is logged out."))
    else:
        raise Http404
    return redirect(reverse("accounts:settings") + "#sessions")


@member_required
@require_POST
def end_other_sessions(request: MemberRequest) -> HttpResponse:
    user = request.membership.user
    count = sessions.end_other_sessions(user, request.session.session_key)
    messages.success(request, ngettext("%(count)d other session is ended.", "%(count)d other sessions are ended.",
                                       count) % {"count": count})
    return redirect(reverse("accounts:settings") + "#sessions")


@member_required
@require_POST
def switch_account(request: MemberRequest) -> HttpResponse:
    account_id = request.POST.get("account", "")
    user = request.membership.user
    account_pk = parse_id(account_id)
    membership = queries.own_membership_in(user, account_pk) if account_pk else None
    if membership is None:
        raise Http404
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    messages.success(request, _("You are now working in %(account)s.") % {"account": membership.account.name})
    return redirect("start")


@member_required
def api_keys(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    form = ApiKeyForm(request.POST or None)
    new_key, secret = None, None
    if request.method == "POST" and form.is_valid():
        try:
            new_key, secret = actions.create_api_key(membership, form.cleaned_data["name"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            form = ApiKeyForm()
    response = render(request, "accounts/api_keys.html", {"form": form, "keys": queries.own_api_keys(membership),
                                                          "new_key": new_key, "secret": secret})
    response["Cache-Control"] = "no-store"  # the secret is on this page exactly once
    return response


@member_required
@require_POST
def revoke_api_key(request: MemberRequest, key_id: int) -> HttpResponse:
    membership = request.membership
    key = access_api_key(membership, key_id)
    actions.revoke_api_key(key, by=membership)
    if request.htmx:
        return render(request, "accounts/api_keys.html#keys", {"keys": queries.own_api_keys(membership)})
    messages.success(request, _("The key “%(name)s” is revoked; programs using it are locked out.")
                     % {"name": key.name})
    return redirect("accounts:api_keys")


def _team_manager(request: MemberRequest) -> Membership:
    membership = request.membership
    require(membership, roles.can_manage_team, str(TEAM_ONLY))
    return membership


def _team_context(membership: Membership) -> dict:
    return {"members": queries.team_members(membership.account),
            "invitations": queries.open_invitations(membership.account), "role_form": RoleForm()}


@member_required
def team(request: MemberRequest) -> HttpResponse:
    """The team: members with role and status, open invitations, and the form to invite."""
    membership = _team_manager(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = actions.invite(membership, data["email"], data["name"], data["role"])
        except ValidationError as error:
            add_errors(form, error)
        except MailNotSent as failure:
            _mail_failed(request, failure.invitation)
            return redirect("accounts:team")
        else:
            messages.success(request, _("%(name)s is invited; the link is on its way to %(email)s.")
                             % {"name": invitation.name, "email": invitation.email})
            return redirect("accounts:team")
    return render(request, "accounts/team.html", {"form": form, **_team_context(membership)})


def _mail_failed(request: HttpRequest, invitation: Invitation) -> None:
    messages.warning(request, _(
        "The invitation for %(email)s is saved, but the e-mail could not be sent. Check the mail settings "
        "and resend it, or pass on this link yourself: %(url)s")
        % {"email": invitation.email, "url": invitation_url(invitation)})


@member_required
@require_POST
def resend_invitation(request: MemberRequest, invitation_id: int) -> HttpResponse:
    membership = _team_manager(request)
    invitation = access_invitation(membership, invitation_id)
    try:
        actions.resend_invitation(invitation, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except MailNotSent:
        _mail_failed(request, invitation)
    else:
        messages.success(request, _(
            "The invitation is sent to %(email)s again and is valid for another %(days)s days.")
            % {"email": invitation.email, "days": Invitation.VALID_DAYS})
    return redirect("accounts:team")


@member_required
@require_POST
def withdraw_invitation(request: MemberRequest, invitation_id: int) -> HttpResponse:
    membership = _team_manager(request)
    invitation = access_invitation(membership, invitation_id)
    try:
        actions.withdraw_invitation(invitation, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation for %(email)s is withdrawn; its link no longer works.")
                         % {"email": invitation.email})
    return redirect("accounts:team")


@member_required
@require_POST
def change_role(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = _team_manager(request)
    member = access_membership(membership, membership_id)
    form = RoleForm(request.POST)
    error_message, saved = "", False
    try:
        if not form.is_valid():
            raise ValidationError(_("Please choose one of the roles in the list."))
        actions.change_role(member, form.cleaned_data["role"], by=membership)
        saved = True
    except ValidationError as error:
        error_message = " ".join(error.messages)
    if request.htmx:
        return render(request, "accounts/team.html#member",
                      {"member": member, "role_form": RoleForm(), "membership": membership,
                       "row_error": error_message, "row_saved": saved})
    if saved:
        messages.success(request, _("%(name)s is now %(role)s.") % {"name": member.user.name,
                                                                    "role": member.get_role_display()})
    else:
        messages.error(request, error_message)
    return redirect("accounts:team")


@member_required
def deactivate_member(request: MemberRequest, membership_id: int) -> HttpResponse:
    """Confirms, then deactivates a colleague, optionally handing their records to another one."""
    membership = _team_manager(request)
    member = access_membership(membership, membership_id)
    colleagues = [m for m in queries.active_colleagues(membership.account) if m.pk != member.pk]
    form = DeactivateForm(request.POST if request.method == "POST" else None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        target = access_colleague(membership, form.cleaned_data["hand_records_to"])
        try:
            actions.deactivate_membership(member, by=membership, hand_records_to=target)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is deactivated and can no longer log in to this account.")
                             % {"name": member.user.name})
            return redirect("accounts:team")
    records = queries.responsible_count(membership.account, member.user)
    return render(request, "accounts/deactivate.html", {"member": member, "form": form, "records": records})


@member_required
@require_POST
def reactivate_member(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = _team_manager(request)
    member = access_membership(membership, membership_id)
    actions.reactivate_membership(member, by=membership)
    messages.success(request, _("%(name)s is active again.") % {"name": member.user.name})
    return redirect("accounts:team")


@member_required
def hand_over_ownership(request: MemberRequest, membership_id: int) -> HttpResponse:
    """The owner makes a colleague the owner and becomes an administrator (after confirming)."""
    membership = request.membership
    require(membership, lambda role: role == Role.OWNER, _("Only the owner can hand over ownership."))
    member = access_membership(membership, membership_id)
    if not member.is_active or member.pk == membership.pk:
        raise Http404
    if request.method == "POST":
        actions.hand_over_ownership(member, by=membership)
        messages.success(request, _("%(name)s is now the owner of %(account)s. You are an administrator.")
                         % {"name": member.user.name, "account": membership.account.name})
        return redirect("accounts:team")
    return render(request, "accounts/hand_over_ownership.html", {"member": member})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accepting an invitation: a new colleague chooses name and password; someone who already has
    a login with that e-mail logs in and joins with one click."""
    invitation = queries.invitation_by_token(token)
    if invitation is None or not invitation.is_open or invitation.is_expired:
        return render(request, "accounts/invitation_closed.html", {"invitation": invitation},
                      status=404 if invitation is None else 410)
    existing = queries.user_by_email(invitation.email)
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_other_user.html", {"invitation": invitation})
    if existing is not None and not request.user.is_authenticated:
        return render(request, "accounts/invitation_login.html", {"invitation": invitation})
    form = None if existing else AcceptInvitationForm(request.POST or None, email=invitation.email, initial={
        "name": invitation.name, "language": get_language_from_request(request)})
    error_message = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            membership = actions.accept_invitation(invitation, data.get("password1"), data.get("name", ""),
                                                   language=data.get("language", "de"))
        except ValidationError as error:
            error_message = " ".join(error.messages)
        else:
            return _joined(request, membership)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form,
                                                        "error_message": error_message})


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not request.user.is_authenticated:
        login(request, membership.user)
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    require_setup_if_needed(request, membership.user)  # the team may require two-factor login
    with translation.override(membership.user.language):
        messages.success(request, _("Welcome to %(account)s!") % {"account": membership.account.name})
    return redirect("start")
