"""Parsing the XML WeChat sends, safely: no DTD, no entities, no external references.

A body with a document type (the billion-laughs and external-entity attacks both need one) is
refused before expansion, so a hostile body costs us nothing.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from channels.wechat.errors import MessageMalformed

MAX_BODY_BYTES = 64 * 1024


def parse_flat_xml(body: bytes | str) -> dict[str, str]:
    """`<xml><A>1</A><B><![CDATA[x]]></B></xml>` → `{"A": "1", "B": "x"}` (first level only)."""
    if len(body) > MAX_BODY_BYTES:
        raise MessageMalformed(reason="body too large")
    if not body.strip():
        raise MessageMalformed(reason="empty body")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MessageMalformed(reason=type(exc).__name__) from None
    if root.tag != "xml":
        raise MessageMalformed(reason="root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}
