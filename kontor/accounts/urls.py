from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kontor.accounts import forms, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        form_class=forms.PasswordResetForm,
        email_template_name="emails/accounts/password_reset.txt",
        subject_template_name="emails/accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.ResetPasswordConfirmView.as_view(
        form_class=forms.SetPasswordForm, success_url=reverse_lazy("start")), name="password_reset_confirm"),
    path("settings/", views.user_settings, name="settings"),
    path("settings/account/", views.switch_account, name="switch_account"),
    path("settings/sessions/<int:session_id>/end/", views.end_session, name="end_session"),
    path("settings/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<int:key_id>/revoke/", views.revoke_api_key, name="revoke_api_key"),
    path("team/", views.team, name="team"),
    path("team/invitations/<int:invitation_id>/resend/", views.resend_invitation, name="resend_invitation"),
    path("team/invitations/<int:invitation_id>/withdraw/", views.withdraw_invitation,
         name="withdraw_invitation"),
    path("team/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("team/members/<int:membership_id>/deactivate/", views.deactivate_member, name="deactivate_member"),
    path("team/members/<int:membership_id>/reactivate/", views.reactivate_member, name="reactivate_member"),
    path("team/members/<int:membership_id>/ownership/", views.hand_over_ownership,
         name="hand_over_ownership"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
