"""The public pages of web forms: /f/<token>/ in Kontor's look, /f/<token>/embed/ plain for an
iframe, and /f/<token>/started.js, which fills the time token into the plain form on a website.

No login and no cookies: the two form views are exempt from CSRF (a website's plain form posts
straight to them, and nothing here acts for a logged-in user) and set nothing in a session. Only
the embed page may be framed. Every page speaks the form's language, not the visitor's."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kontor.webforms import actions
from kontor.webforms.forms import EnquiryForm
from kontor.webforms.models import WebForm

# The fields' limits add up to under 6,000 characters; percent-encoded UTF-8 takes at most nine
# bytes for one, so an honest post stays well below this. Larger ones are refused unread.
MAX_BODY_BYTES = 64 * 1024


def _lookup(form_token: str) -> WebForm | None:
    # Tokens are url-safe base64 of a fixed length; anything else (a NUL byte, a megabyte) is not
    # looked up at all: PostgreSQL refuses NUL bytes in a query with an error, not an empty result.
    if len(form_token) > 32 or not form_token.isascii() or "\x00" in form_token:
        return None
    return WebForm.objects.filter(token=form_token).first()


def _missing(request: HttpRequest, embed: bool) -> HttpResponse:
    """A form that does not exist (any more): a page of its own, in the visitor's language and
    without cookies, where Kontor's 404 page would set a CSRF cookie for its menus."""
    return _no_store(render(request, "webforms/public_missing.html", {"embed": embed}, status=404))


def _origin(request: HttpRequest) -> str:
    """The website the browser says the post came from: Origin, else the Referer's origin."""
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        return origin
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else ""


def _no_store(response: HttpResponse) -> HttpResponse:
    # Each page carries a fresh time token; a cached copy would carry a stale one.
    add_never_cache_headers(response)
    return response


def _form_page(request: HttpRequest, webform: WebForm, embed: bool, enquiry: EnquiryForm,
               notice: str = "", status: int = 200, again: bool = False) -> HttpResponse:
    # A form shown `again` (to correct a field, or to confirm it) was filled in already: its token
    # counts that time, so sending it straight back is not taken for a bot's haste.
    started = actions.resend_token(webform) if again else actions.started_token(webform)
    return _no_store(render(request, "webforms/public_form.html", {
        "webform": webform, "embed": embed, "enquiry": enquiry, "notice": notice,
        "started": started, "action": request.path}, status=status))


def _message_page(request: HttpRequest, webform: WebForm, embed: bool, title: str, text: str,
                  status: int = 200) -> HttpResponse:
    return _no_store(render(request, "webforms/public_message.html", {
        "webform": webform, "embed": embed, "title": title, "text": text}, status=status))


def _thanks(request: HttpRequest, webform: WebForm, embed: bool) -> HttpResponse:
    if webform.redirect_url and not embed:
        return HttpResponseRedirect(webform.redirect_url, status=303)
    if webform.redirect_url:  # inside an iframe: the page should open in the whole window
        return _no_store(render(request, "webforms/public_redirect.html", {"webform": webform, "embed": True}))
    return _message_page(request, webform, embed, _("Thank you!"),
                         webform.thank_you_text or _("Your message has arrived. We will be in touch soon."))


def _read_post(request: HttpRequest) -> QueryDict | None:
    """The posted fields, or None when the body is too large or cannot be read."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return None
        return request.POST
    except (ValueError, RequestDataTooBig, MultiPartParserError, SuspiciousOperation, UnreadablePostError):
        return None


def _serve(request: HttpRequest, form_token: str, embed: bool) -> HttpResponse:
    webform = _lookup(form_token)
    if webform is None:
        return _relax_policy(_missing(request, embed), None, embed)
    return _relax_policy(_answer(request, webform, embed), webform, embed)


def _relax_policy(response: HttpResponse, webform: WebForm | None, embed: bool) -> HttpResponse:
    """Two changes to Kontor's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) here.
    A sent form may be answered with a redirect to the company's website, which browsers check
    against form-action: no form-action. And the embed page is meant for a website's frame: its
    frame-ancestors are the form's allowed origins, or anyone without a list."""
    replace: dict[str, list[str] | None] = {"form-action": None}
    if embed:
        # The allow-list holds for frames too: another website cannot show the form as its own
        # (posts from the frame come from Kontor's origin, which the list always lets through).
        replace["frame-ancestors"] = list(webform.allowed_origins) if webform and webform.allowed_origins else None
    response._csp_replace = replace  # type: ignore[attr-defined]  # read by csp.middleware.CSPMiddleware
    return response


def _answer(request: HttpRequest, webform: WebForm, embed: bool) -> HttpResponse:
    with translation.override(webform.language):
        if request.method != "POST":
            return _form_page(request, webform, embed, EnquiryForm(webform))
        data = _read_post(request)
        if data is None:
            return _message_page(request, webform, embed, _("The message is too long"),
                                 _("Please shorten your message and send it again."), status=413)
        client = actions.Client(address=request.META.get("REMOTE_ADDR", ""), origin=_origin(request),
                                own_origin=f"{request.scheme}://{request.get_host()}")
        try:
            actions.submit(webform, data, client)
        except actions.InvalidEnquiry as invalid:
            return _form_page(request, webform, embed, invalid.form, status=400, again=True)
        except actions.SendAgain:
            kept = EnquiryForm(webform, initial={key: data.get(key, "") for key in data})
            return _form_page(request, webform, embed, kept, notice=_("Please send the form again."), again=True)
        except actions.RateLimited:
            return _message_page(request, webform, embed, _("Too many messages"), _(
                "You have sent this form several times in a short while. Please wait a few minutes and "
                "try again."), status=429)
        except actions.FormGone:
            return _missing(request, embed)
        except actions.OriginRefused:
            return _message_page(request, webform, embed, _("This form cannot be sent from here"), _(
                "Please use the form on the website it belongs to."), status=403)
        return _thanks(request, webform, embed)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest, form_token: str) -> HttpResponse:
    """The hosted form in Kontor's look: the link to share, and where the plain form posts."""
    return _serve(request, form_token, embed=False)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def embed(request: HttpRequest, form_token: str) -> HttpResponse:
    """The form without Kontor's frame, for an iframe on the company's website."""
    return _serve(request, form_token, embed=True)


@require_GET
def started_script(request: HttpRequest, form_token: str) -> HttpResponse:
    """A line of JavaScript that puts a fresh time token into the plain form on a website."""
    webform = _lookup(form_token)
    if webform is None:
        return _no_store(HttpResponse("", content_type="text/javascript; charset=utf-8", status=404))
    element, token = json.dumps(f"kontor-form-{webform.token}"), json.dumps(actions.started_token(webform))
    script = (f"(function () {{\n  var form = document.getElementById({element});\n"
              f"  if (form && form.elements.started) form.elements.started.value = {token};\n}})();\n")
    return _no_store(HttpResponse(script, content_type="text/javascript; charset=utf-8"))
