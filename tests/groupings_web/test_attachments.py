"""Attachments: PDF, PNG and JPEG recognised by their bytes, within the size limit; anything
else refused with a clear reason, through the page on both databases."""

from __future__ import annotations

import pytest

from server.groupings.attachments import MAX_ATTACHMENT_BYTES, AttachmentRefused, check_attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


async def _document(as_member, org, meeting) -> tuple[object, int]:
    admin = await as_member("admin")
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 1})
    olive = await as_member("olive")
    created = await olive.api("POST", "/api/v1/groupings", {"kind": "platform", "name": "Left Unity",
                                                            "purpose": "A programme."})
    body = created.json()["body"]
    made = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "Leaflet", "text": "See the file."})
    return olive, made.json()["id"]


async def _upload(browser, document: int, name: str, data: bytes, content_type: str):
    return await browser.http.post(f"/documents/{document}/attachments", data={"csrf_token": browser.token},
                                   files={"file": (name, data, content_type)})


async def test_accepted_files_are_served_with_their_real_type(as_member, people, org):
    olive, document = await _document(as_member, org, people["meeting"])
    assert (await _upload(olive, document, "poster.png", PNG, "image/png")).status_code == 303
    assert (await _upload(olive, document, "leaflet.pdf", PDF, "application/pdf")).status_code == 303
    page = await olive.get(f"/documents/{document}")
    assert "poster.png" in page.text and "leaflet.pdf" in page.text
    links = [part.split('"')[0] for part in page.text.split('href="/attachments/')[1:]]
    served = await olive.get(f"/attachments/{links[1]}")
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment;")
    # the document is not circulated: others do not reach its files
    sam = await as_member("sam")
    assert (await sam.get(f"/attachments/{links[0]}")).status_code == 404


async def test_other_files_are_refused_with_the_reason(as_member, people, org):
    olive, document = await _document(as_member, org, people["meeting"])
    script = await _upload(olive, document, "evil.png", b"<script>alert(1)</script>", "image/png")
    assert script.status_code == 400 and "evil.png is not a PDF, PNG or JPEG file" in script.text
    renamed = await _upload(olive, document, "poster.pdf", PNG, "application/pdf")
    assert renamed.status_code == 400 and "holds a PNG file, but its name does not end in .png" in renamed.text
    big = await _upload(olive, document, "huge.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "application/pdf")
    assert big.status_code == 400 and "huge.pdf is just over 4 MB; attachments may be at most 4 MB." in big.text
    page = await olive.get(f"/documents/{document}")
    assert "No attachments." in page.text


def test_the_rule_reads_magic_bytes_not_names():
    assert check_attachment("a.JPG", b"\xff\xd8\xff\xe0rest").content_type == "image/jpeg"
    assert check_attachment("C:\\Users\\me\\a.png", PNG).filename == "a.png"
    with pytest.raises(AttachmentRefused, match="is empty"):
        check_attachment("a.pdf", b"")
    with pytest.raises(AttachmentRefused, match="not a PDF, PNG or JPEG"):
        check_attachment("a.gif", b"GIF89a....")
