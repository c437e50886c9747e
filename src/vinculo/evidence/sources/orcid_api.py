"""ORCID Public API: researchers' public records by ORCID iD.

What the documentation says (read 2026-12-05)
---------------------------------------------
* A ``/read-public`` access token comes from the client-credentials grant ("two step"
  OAuth): POST to the token endpoint the form fields ``client_id``, ``client_secret``,
  ``grant_type=client_credentials``, ``scope=/read-public``, with ``Accept:
  application/json``; the answer is ``{"access_token": ..., "token_type": "bearer",
  "expires_in": 631138518, "scope": "/read-public", ...}``: "long-lived (not expiring for
  approximately 20 years)"; "a single /read-public token can be used multiple times and on
  multiple records, you should store a single token for reuse rather than generating a
  new token each time you read a record". Anyone may register free Public API credentials
  (orcid.org, Developer Tools). ORCID, "How do I get a /read-public access token?",
  https://info.orcid.org/?p=20943 ; ORCID, "Read Public information from an ORCID Record",
  https://github.com/ORCID/ORCID-Source/blob/master/orcid-api-web/tutorial/read_public.md
  (both give the sandbox's endpoint, ``https://sandbox.orcid.org/oauth/token``). The
  production "Token exchange" is ``https://orcid.org/oauth/token`` and the Public API
  ``https://pub.orcid.org/[version]``; the Public API allows 24 requests a second with a
  burst of 40, 503 beyond: ORCID, "ORCID APIs" (Endpoints, API Limits),
  https://github.com/ORCID/ORCID-Source/blob/master/orcid-api-web/README.md (commit
  00cb2137).
* The whole record: ``GET https://[HOST]/v3.0/[ORCID]/record`` with ``/read-public``;
  ``[HOST]`` is ``pub.orcid.org`` for the Public API on the production registry, and the
  token goes in ``Authorization: Bearer [token]``. ORCID, orcid-model "ORCID API v3.0
  Guide" (Calls, Scopes),
  https://github.com/ORCID/orcid-model/blob/master/src/main/resources/record_3.0/README.md .
* Errors (ORCID, "API Errors and their meanings",
  https://github.com/ORCID/ORCID-Source/blob/master/orcid-api-web/tutorial/api_errors.md):
  the ``Accept`` header "should be either 'Accept: application/xml' or 'Accept:
  application/json'" (else 406); 401 "Bad client credentials" or "Invalid access token";
  301 for an iD deprecated into another (the location names it; followed here, so the
  primary record is read); 409 for a record locked for violating ORCID's terms and hidden.

Assumptions where the docs are silent
-------------------------------------
* An iD with no record answers 404 (the usual meaning; no page above lists it).
* 429 and 5xx are retried as everywhere in Vínculo (:func:`vinculo.evidence.http.get_json`).

Records are not cached on disk: a public record may carry e-mail addresses, a biography
and addresses that Vínculo neither reads nor keeps (docs/privacy.md), and a cache would
keep them beyond erasure and retention. The token is kept in memory for one client only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import httpx

from vinculo.evidence.http import HttpError, get_json, new_client
from vinculo.evidence.store import EvidenceError
from vinculo.settings import secret
from vinculo.strategy.people import normalise_orcid

__all__ = [
    "API_URL",
    "ID_VARIABLE",
    "SECRET_VARIABLE",
    "TOKEN_URL",
    "OrcidClient",
    "OrcidCredentialsError",
    "OrcidRecordError",
]

TOKEN_URL = "https://orcid.org/oauth/token"
API_URL = "https://pub.orcid.org/v3.0"
ID_VARIABLE = "VINCULO_ORCID_CLIENT_ID"
SECRET_VARIABLE = "VINCULO_ORCID_CLIENT_SECRET"
SCOPE = "/read-public"


class OrcidCredentialsError(EvidenceError):
    """No Public API credentials, or ORCID refused them."""


class OrcidRecordError(HttpError):
    """One iD's record could not be read (no such record, locked, not a record); the
    message names the iD."""

    def __init__(self, message: str, *, orcid: str, status: int | None, url: str) -> None:
        super().__init__(message, status=status, url=url)
        self.orcid = orcid


class OrcidClient:
    """Public records from ORCID's Public API (v3.0), one ``/read-public`` token a client.

    Parameters
    ----------
    client_id, client_secret
        The Public API client's credentials; by default ``VINCULO_ORCID_CLIENT_ID`` and
        ``VINCULO_ORCID_CLIENT_SECRET`` (or ``…_FILE`` naming a file that holds one) through
        :func:`vinculo.settings.secret`. Never in the repository, never logged or shown.
        Missing: :class:`OrcidCredentialsError` naming the variables, before any request.
    token_url, api_url
        ORCID's production registry by default (the sandbox: ``https://sandbox.orcid.org/
        oauth/token`` and ``https://pub.sandbox.orcid.org/v3.0``).
    transport, sleep
        For tests: an ``httpx.MockTransport`` and the wait between retries.
    """

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str = TOKEN_URL,
        api_url: str = API_URL,
        retries: int = 6,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._id = client_id if client_id is not None else secret(ID_VARIABLE)
        self._secret = client_secret if client_secret is not None else secret(SECRET_VARIABLE)
        missing = [
            name
            for name, value in ((ID_VARIABLE, self._id), (SECRET_VARIABLE, self._secret))
            if not value
        ]
        if missing:
            raise OrcidCredentialsError(
                f"ORCID Public API credentials missing: set {' and '.join(missing)} (or "
                f"{' / '.join(f'{m}_FILE' for m in missing)}, a file holding the value) to "
                "the client id and secret of a free Public API client registered at "
                "https://orcid.org/developer-tools"
            )
        self.token_url = token_url
        self.api_url = api_url.rstrip("/")
        self.retries, self.backoff, self._sleep = retries, backoff, sleep
        self._http = new_client(transport=transport)
        self._http.headers["Accept"] = "application/json"
        self._token: str | None = None
        self.requests_sent = 0

    def __enter__(self) -> OrcidClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _scrub(self, text: str) -> str:
        for value in (self._secret, self._token):
            if value:
                text = text.replace(value, "***")
        return text

    # ------------------------------------------------------------------ token
    def token(self) -> str:
        """The ``/read-public`` token: requested once (client-credentials grant), then
        reused for every record this client reads."""
        if self._token is None:
            self._token = self._request_token()
            self._http.headers["Authorization"] = f"Bearer {self._token}"
        return self._token

    def _request_token(self) -> str:
        form = {  # both are set: the constructor refuses empty credentials
            "client_id": self._id or "",
            "client_secret": self._secret or "",
            "grant_type": "client_credentials",
            "scope": SCOPE,
        }
        try:
            body = get_json(
                self._http,
                self.token_url,
                form=form,
                retries=self.retries,
                backoff=self.backoff,
                sleep=self._sleep,
                on_response=self._count,
            )
        except HttpError as error:
            if error.status in (400, 401, 403):
                raise OrcidCredentialsError(
                    self._scrub(
                        f"{error}: ORCID refused the client credentials: check "
                        f"{ID_VARIABLE} and {SECRET_VARIABLE} (a Public API client's id "
                        "and secret)"
                    )
                ) from None
            raise HttpError(self._scrub(str(error)), status=error.status, url=error.url) from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise HttpError(
                f"{self.token_url}: no access_token in ORCID's answer",
                status=200,
                url=self.token_url,
            )
        return token

    # ----------------------------------------------------------------- records
    def record(self, orcid: str) -> dict[str, Any]:
        """The public record (v3.0 JSON) of one iD, given bare or as its URL; the checksum
        is verified first (:class:`vinculo.strategy.people.PeopleError`, nothing sent)."""
        iD = normalise_orcid(orcid)
        if iD is None:
            raise OrcidRecordError("ORCID iD: empty", orcid="", status=None, url="")
        self.token()
        url = f"{self.api_url}/{iD}/record"
        try:
            payload = get_json(
                self._http,
                url,
                retries=self.retries,
                backoff=self.backoff,
                sleep=self._sleep,
                on_response=self._count,
            )
        except HttpError as error:
            raise self._record_error(iD, url, error) from None
        if not isinstance(payload, dict) or "orcid-identifier" not in payload:
            raise OrcidRecordError(
                f"ORCID iD {iD}: {url} did not answer with an ORCID record "
                f"(no 'orcid-identifier'): {str(payload)[:200]}",
                orcid=iD,
                status=200,
                url=url,
            )
        return payload

    def records(self, orcids: Iterable[str]) -> list[dict[str, Any]]:
        """The public records of the iDs, in order. Every iD is checked (checksum) before
        anything is sent; the first that fails is an error naming it."""
        ids = [normalise_orcid(o) for o in orcids]
        return [self.record(iD) for iD in ids if iD is not None]

    def _count(self, response: httpx.Response) -> None:
        self.requests_sent += 1

    def _record_error(self, iD: str, url: str, error: HttpError) -> HttpError:
        status = error.status
        if status == 404:
            said = f"ORCID iD {iD}: no such record (HTTP 404 at {url})"
        elif status == 409:
            said = (
                f"ORCID iD {iD}: the record is locked (HTTP 409 at {url}; ORCID hides records "
                "flagged as violating its terms of use)"
            )
        elif status == 401:
            said = (
                f"ORCID iD {iD}: HTTP 401 at {url}, the access token was refused; check "
                f"{ID_VARIABLE} and {SECRET_VARIABLE} ({error})"
            )
        else:
            said = f"ORCID iD {iD}: {error}"
        return OrcidRecordError(self._scrub(said), orcid=iD, status=status, url=url)
