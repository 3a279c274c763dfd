"""Errors of traffic violations, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class VehicleNotFound(GovError):
    code = Code.TRAFFIC_VEHICLE_NOT_FOUND


class ViolationNotFound(GovError):
    code = Code.TRAFFIC_VIOLATION_NOT_FOUND


class FineNotPayable(GovError):
    code = Code.TRAFFIC_FINE_NOT_PAYABLE


class FinePaying(GovError):
    code = Code.TRAFFIC_FINE_PAYING


class FinePaid(GovError):
    code = Code.TRAFFIC_FINE_PAID


class TrafficUnavailable(GovError):
    code = Code.TRAFFIC_UNAVAILABLE


class ReportNotFound(GovError):
    code = Code.FINE_REPORT_NOT_FOUND
