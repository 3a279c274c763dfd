"""Errors of open data, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class KeyInvalid(GovError):
    code = Code.OPENDATA_KEY_INVALID


class KeyRevoked(GovError):
    code = Code.OPENDATA_KEY_REVOKED


class DatasetNotFound(GovError):
    code = Code.OPENDATA_DATASET_NOT_FOUND


class KeyNotFound(GovError):
    code = Code.OPENDATA_KEY_NOT_FOUND
