"""Verifiable credentials: each accreditation as an Open Badges 3.0 credential (W3C VC data
model 2.0), signed as a VC-JOSE compact JWS with the service's Ed25519 key, revocable through a
W3C Bitstring Status List. Who does what:

- keys.py: the signing key, the issuer's did:web and signing/verifying a JWS;
- documents.py: what a credential and the status list credential say;
- status_list.py: the revocation bitstring, built from the credentials table;
- services.py: issuing and revoking (called by feedback.services on publication);
- verification.py: what the public check page answers for a pasted or uploaded credential;
- forms.py, views.py, urls.py, checks.py: the pages, the published documents and the
  production system check.
"""
