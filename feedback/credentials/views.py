"""The credential pages: the worker's download, the public check, and the documents a
verifier fetches (the status list, our JWKS and our did:web document)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import policies
from ..models import STATUS_LIST_SIZE, Certificate, Credential, CredentialStatusList
from ..throttle import public_check_allowed
from . import documents, keys, status_list
from .forms import CredentialCheckForm
from .verification import credential_check

JWT_CONTENT_TYPE = "application/vc+jwt"
# Verifiers may fetch these from a browser on another site, and may keep them a minute.
PUBLISHED = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}


@login_required
@require_GET
def download_credential(request, certificate_id: int):
    """The signed credential of the worker's accreditation (the certificate's), as a file."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("accreditation__worker"), pk=certificate_id
    )
    accreditation = certificate.accreditation
    if not policies.can_download_credential(request.user, accreditation):
        raise Http404
    credential = Credential.objects.filter(accreditation=accreditation).first()
    if credential is None:
        raise Http404
    response = HttpResponse(credential.jws, content_type=JWT_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="accreditation-credential-{accreditation.reference}.jwt"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def check_credential(request):
    """Anyone may check a credential: valid, revoked, expired or not valid."""
    if request.method == "POST" and not public_check_allowed(request, scope="credential-check"):
        return render(request, "feedback/check_accreditation_limited.html", status=429)
    posted = request.method == "POST"
    form = CredentialCheckForm(request.POST if posted else None, request.FILES if posted else None)
    answer = None
    if posted and form.is_valid():
        answer = credential_check(form.cleaned_data["token"])
    response = render(
        request,
        "feedback/check_credential.html",
        {"form": form, "answer": answer},
        status=400 if form.errors else 200,
    )
    # What was pasted is someone's credential: keep the answer out of every cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def status_list_credential(request, number: int):
    """The signed BitstringStatusListCredential: the bits of revoked credentials set."""
    found = CredentialStatusList.objects.filter(number=number).first()
    size = found.size if found else STATUS_LIST_SIZE
    changed = None
    if found is not None:
        changed = found.credentials.aggregate(at=Max("revoked_at"))["at"] or found.created_at
    payload = documents.status_list_payload(
        number=number,
        encoded_list=status_list.encode(status_list.bits_of(found, size)),
        valid_from=changed or documents.EPOCH,
    )
    return HttpResponse(keys.sign(payload), content_type=JWT_CONTENT_TYPE, headers=PUBLISHED)


@require_GET
def jwks(request):
    return JsonResponse({"keys": [keys.public_jwk()]}, headers=PUBLISHED)


@require_GET
def did_document(request):
    return JsonResponse(
        documents.did_document(), content_type="application/did+json", headers=PUBLISHED
    )
