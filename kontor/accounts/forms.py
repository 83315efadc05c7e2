"""Forms around accounts and users. They check input and shape it; the writes are in actions."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kontor.accounts import actions, counters, throttle
from kontor.accounts.models import LANGUAGES, TIME_ZONES, Membership, User
from kontor.accounts.roles import Role
from kontor.lib import widgets
from kontor.lib.clients import client_address

logger = logging.getLogger(__name__)

TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in TIME_ZONES]
INVITABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.OWNER]


class PasswordPairMixin(forms.Form):
    """A new password typed twice and checked against the password rules."""

    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 8 characters; a few words make a good password."))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def password_user(self) -> User | None:
        """The user the rules compare the password with (e-mail and name must not be the password)."""
        return None

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2", "")
        if first and first != second:
            raise forms.ValidationError(_("The two passwords differ. Please type the same password twice."))
        if first:
            password_validation.validate_password(first, self.password_user())
        return second


class SetupForm(PasswordPairMixin):
    company = forms.CharField(label=_("Company name"), max_length=200,
                              help_text=_("The team's name, shown to everyone who uses this Kontor."))
    name = forms.CharField(label=_("Your name"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("You log in with it."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, widget=widgets.Select)

    field_order = ["company", "name", "email", "password1", "password2", "language", "time_zone"]

    def password_user(self) -> User | None:
        return User(email=self.cleaned_data.get("email", ""), name=self.cleaned_data.get("name", ""))


class LoginForm(auth_forms.AuthenticationForm):
    """E-mail and password, throttled per (e-mail address, client) pair with a higher ceiling per
    client address (see throttle.py). Each attempt is counted before the password is checked, so
    parallel attempts cannot check more passwords than the limit; while a pair is locked even the
    right password is refused, so that guessing gains nothing."""

    username = forms.EmailField(label=_("E-mail address"), max_length=254,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("This e-mail address and password do not match. Please check both and try again."),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data  # the field errors say what is missing
        attempt = throttle.begin_attempt(self.request, email)
        if attempt.locked_minutes:
            raise self.locked_error(attempt.locked_minutes)
        cleaned = super().clean()  # a wrong password raises here and stays counted
        throttle.attempt_succeeded(attempt)
        return cleaned

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not Membership.objects.active().filter(user=user).exists():
            message = _("Your access to Kontor has been deactivated. Please ask your team's owner or an "
                        "administrator.")
            raise forms.ValidationError(message, code="deactivated")

    @staticmethod
    def locked_error(minutes: int) -> forms.ValidationError:
        return forms.ValidationError(ngettext(
            "Too many failed logins. For your safety, logging in is paused: please wait "
            "%(minutes)d minute and try again, or reset your password.",
            "Too many failed logins. For your safety, logging in is paused: please wait "
            "%(minutes)d minutes and try again, or reset your password.", minutes) % {"minutes": minutes},
            code="locked")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for a reset link. At most settings.PASSWORD_RESET_MAILS_PER_ADDRESS mails an hour go to
    one address, and one client may ask PASSWORD_RESET_MAILS_PER_CLIENT times an hour; past that
    nothing is sent, and the page after it looks the same, so it tells nobody whether an address
    has a login or was limited."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = throttle.normalize_email(self.cleaned_data["email"])
        hour = 60 * 60
        address = client_address(kwargs.get("request"))
        hits = counters.hit(
            counters.Limit(counters.counter_key("reset-mail", email), settings.PASSWORD_RESET_MAILS_PER_ADDRESS, hour),
            counters.Limit(counters.counter_key("reset-client", address), settings.PASSWORD_RESET_MAILS_PER_CLIENT,
                           hour))
        if not all(h.allowed for h in hits):
            logger.warning("Password-reset mail not sent: too many asked within an hour (from %s)", address)
            return
        super().save(*args, **kwargs)

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        # The mail speaks the language the recipient chose, not the one of the browser that asked.
        context = {**context, "base_url": settings.BASE_URL,
                   "api_key_names": [key.name for key in actions.active_api_keys(context["user"])]}
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Password reset: the new password twice, and whether to revoke the user's API keys (on by
    default: whoever reset the password because it leaked may have seen the keys too)."""

    revoke_api_keys = forms.BooleanField(
        label=_("Also revoke my API keys"), required=False, initial=True,
        help_text=_("Programs using them are locked out until you give them new keys."))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.revoked_key_names: list[str] = []
        if user is None or not actions.active_api_keys(user):
            del self.fields["revoke_api_keys"]

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        if self.cleaned_data.get("revoke_api_keys"):
            self.revoked_key_names = actions.revoke_all_api_keys(user)
        return user


class SettingsForm(forms.Form):
    """A user's own settings. Changing the login e-mail address asks for the current password,
    so that someone at an unattended, logged-in browser cannot take over the login."""

    name = forms.CharField(label=_("Name"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), help_text=_("You log in with it."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    current_password = forms.CharField(
        label=_("Current password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only when you change your e-mail address."))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, widget=widgets.Select,
                                  help_text=_("Dates and times are shown in this time zone."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        changed = isinstance(email, str) and email.strip().lower() != self.user.email.lower()
        if changed and not self.user.check_password(cleaned.get("current_password") or ""):
            self.add_error("current_password", _(
                "To change the e-mail address you log in with, please enter your current password."))
        cleaned.pop("current_password", None)
        return cleaned


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name of the new key"), max_length=100,
                           help_text=_("For example the script or service that uses it."))


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES)


class DeactivateForm(forms.Form):
    """Whom the deactivated colleague's records go to; empty keeps them where they are."""

    hand_records_to = forms.TypedChoiceField(label=_("Hand their records to"), coerce=int, required=False,
                                             empty_value=None)

    def __init__(self, *args: Any, colleagues: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hand_records_to"]
        assert isinstance(field, forms.TypedChoiceField)  # declared above
        field.choices = [("", _("nobody (records keep their responsible person)"))] + [
            (colleague.user_id, colleague.user.name) for colleague in colleagues]


class AcceptInvitationForm(PasswordPairMixin):
    name = forms.CharField(label=_("Your name"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)

    field_order = ["name", "password1", "password2", "language"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def password_user(self) -> User | None:
        return User(email=self.email, name=self.cleaned_data.get("name", ""))
