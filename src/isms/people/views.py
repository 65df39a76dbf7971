"""The awareness check page: a personal link, no login, answered once.

``GET /awareness/<token>/`` shows the person's questions; ``POST`` scores the answers, writes
the Awareness checks and closes the link. An unknown token answers 404; a used or expired link
answers 410 with a page that says so, and changes nothing. CSRF protection stays on: the form
carries Django's token like every other form.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from isms.people.awareness import (
    AnswersRejected,
    LinkClosed,
    Topic,
    find_invitation,
    link_state,
    submit,
)

CLOSED_MESSAGES = {
    "used": (
        "This check has already been answered",
        "Each link can be used once, and this one was used on {date}. Thank you for taking "
        "part. If you think this is a mistake, contact your information security team.",
    ),
    "expired": (
        "This link has expired",
        "The check could be answered until {date}. If you still want to take part, ask your "
        "information security team for a new link.",
    ),
}


def _private(response):
    """The link is a secret: keep it out of other sites' referrers and out of search engines.

    ``same-origin``, not ``no-referrer``: with no referrer at all Chromium posts the form with
    ``Origin: null``, which Django's CSRF check refuses, so staff could not answer. Within our
    own origin the token is no secret (the server issued it)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _closed(request, invitation, reason: str):
    title, text = CLOSED_MESSAGES[reason]
    date = invitation.submitted_on if reason == "used" else invitation.campaign.expires_on
    return _private(
        render(
            request,
            "people/awareness_closed.html",
            {"title": title, "text": text.format(date=date), "reason": reason},
            status=410,
        )
    )


def _form(request, invitation, *, problems=(), chosen=None, status=200):
    campaign = invitation.campaign
    questions = [
        {
            "number": number,
            "field": f"q-{question['id']}",
            "text": question["text"],
            "topic": Topic(question["topic"]).label,
            "options": [
                {
                    "value": str(index),
                    "text": text,
                    "checked": (chosen or {}).get(f"q-{question['id']}") == str(index),
                }
                for index, text in enumerate(question["options"])
            ],
        }
        for number, question in enumerate(campaign.questions, start=1)
    ]
    context = {
        "person": invitation.person,
        "campaign": campaign,
        "organisation": invitation.organisation,
        "questions": questions,
        "problems": list(problems),
    }
    return _private(render(request, "people/awareness_check.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def awareness_check(request, token: str):
    invitation = find_invitation(token)
    if invitation is None:
        raise Http404("no such awareness check")
    state = link_state(invitation)
    if state != "open":
        return _closed(request, invitation, state)
    if request.method == "GET":
        return _form(request, invitation)
    try:
        result = submit(invitation, request.POST)
    except LinkClosed as closed:
        invitation.refresh_from_db()
        return _closed(request, invitation, closed.reason)
    except AnswersRejected as rejected:
        return _form(
            request, invitation, problems=rejected.messages, chosen=request.POST, status=400
        )
    context = {
        "person": invitation.person,
        "campaign": invitation.campaign,
        "organisation": invitation.organisation,
        "result": result,
    }
    return _private(render(request, "people/awareness_thanks.html", context))
