"""Refuse a replayed create form: the second of two identical submissions makes nothing and
is sent to what the first one made.

A double click or a browser's "resend" posts the very same body, CSRF token included; a new
visit to the form renders a new masked CSRF token, so a deliberate second record still works.
The claim is written in the same transaction as the view's work, so a form that fails (errors,
an exception) leaves no claim, and two identical requests racing each other wait on the claim's
unique key: one makes the record, the other is redirected to it."""

import hashlib
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from .models import SubmittedForm

ALREADY_SAVED = "This was already saved. You do not need to send it again."


def submission_key(request) -> str:
    """A digest of the user, the path and everything posted (uploaded files by content)."""
    digest = hashlib.sha256()
    digest.update(f"{request.user.pk}\0{request.path}\0".encode())
    for name, values in sorted(request.POST.lists()):
        for value in values:
            digest.update(f"{name}={value}\0".encode())
    for name, upload in sorted(request.FILES.items()):
        digest.update(f"{name}:{upload.name}\0".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _is_success(response) -> bool:
    return response.status_code in (301, 302, 303) and response.has_header("Location")


def once_per_submission(view):
    """Decorate a view whose successful POST creates something and redirects (POST, redirect,
    GET). A replay of a submission that succeeded redirects to the same place with a notice."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = submission_key(request)
        done = SubmittedForm.objects.filter(key=key).first()
        if done is not None:
            return _already_saved(request, done)
        try:
            with transaction.atomic():
                claim = SubmittedForm.objects.create(key=key, user=request.user)
                response = view(request, *args, **kwargs)
                if not _is_success(response):
                    claim.delete()
                    return response
                claim.result_url = response["Location"][:500]
                claim.save(update_fields=["result_url"])
                return response
        except IntegrityError:
            # The same submission raced this one and committed first.
            done = SubmittedForm.objects.filter(key=key).first()
            if done is None:
                raise
                return _already_saved(request, done)

    wrapped.refuses_replays = True
    return wrapped


def _already_saved(request, done: SubmittedForm):
    messages.info(request, ALREADY_SAVED)
    return redirect(done.result_url or request.path)
