"""Forms of two-factor login: a code (from the app, or a recovery code), and the password that
confirms switching it off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, strip=True, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false",
        "autocapitalize": "off"}),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."))

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if "\x00" in code:
            raise forms.ValidationError(_("Please type the code without special characters."))
        return code


class LoginCodeForm(CodeForm):
    remember = forms.BooleanField(label=_("Remember this device for 30 days"), required=False)


class SetupCodeForm(CodeForm):
    code = forms.CharField(label=_("Code from the app"), max_length=32, strip=True, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        help_text=_("Type the 6 digits the app shows for Kontor, to show that it is set up right."))


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class RequirementForm(forms.Form):
    required = forms.BooleanField(required=False)
