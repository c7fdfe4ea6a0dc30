"""Threads: posting, one level of replies, edit history, moderation with a visible reason,
htmx fragments, notifications, and XSS payloads rendered inert everywhere."""

from __future__ import annotations

from html.parser import HTMLParser

class ActiveContent(HTMLParser):
    """Collects what a browser would run: inline scripts, event handlers, script URLs, images."""

    ALLOWED_SCRIPTS = {"/static/vendor/htmx.min.js", "/static/js/motion-select.js"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and values.get("src") not in self.ALLOWED_SCRIPTS:
            self.found.append(f"script {values}")
        if tag in ("img", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>[click](javascript:alert(3))'


async def test_replies_nest_one_level_and_edits_keep_history(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    top = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "First *thoughts*"})).json()
    reply = (await nora.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Reply", "parent_id": top["id"]})).json()
    deeper = await olive.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Deeper", "parent_id": reply["id"]})
    assert deeper.status_code == 201 and deeper.json()["parent_id"] == top["id"]
    thread = (await sam.get(f"/api/v1/motions/{motion}/posts")).json()["posts"]
    assert len(thread) == 1 and [r["body"] for r in thread[0]["replies"]] == ["Reply", "Deeper"]
    assert thread[0]["body_html"] == "<p>First <em>thoughts</em></p>\n"

    assert (await nora.api("PATCH", f"/api/v1/posts/{top['id']}", {"body": "Hijack"})).status_code == 403
    edited = await sam.api("PATCH", f"/api/v1/posts/{top['id']}", {"body": "Second thoughts"})
    assert edited.status_code == 200 and edited.json()["revisions"] == 1 and edited.json()["edited_at"]
    history = await nora.get(f"/posts/{top['id']}")
    assert "First *thoughts*" in history.text and "Second thoughts" in history.text


async def test_moderation_hides_with_a_visible_reason_and_keeps_the_text(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    post = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Something abusive"})).json()
    assert (await wanda.api("POST", f"/api/v1/posts/{post['id']}/hide", {"reason": "no"})).status_code == 403
    assert (await olive.api("POST", f"/api/v1/posts/{post['id']}/hide", {"reason": ""})).status_code == 400
    hidden = await olive.api("POST", f"/api/v1/posts/{post['id']}/hide", {"reason": "Personal abuse (rule 4)"})
    assert hidden.status_code == 200
    seen_by_wanda = (await wanda.get(f"/api/v1/motions/{motion}/posts")).json()["posts"][0]
    assert seen_by_wanda["hidden"] and seen_by_wanda["hidden_reason"] == "Personal abuse (rule 4)"
    assert "body" not in seen_by_wanda
    page = await wanda.get(f"/motions/{motion}")
    assert "Hidden by Olive" in page.text and "Personal abuse (rule 4)" in page.text
    assert "Something abusive" not in page.text
    own = (await sam.get(f"/api/v1/motions/{motion}/posts")).json()["posts"][0]
    assert own["body"] == "Something abusive"  # nothing is deleted; the author still reads it
    assert (await sam.api("PATCH", f"/api/v1/posts/{post['id']}", {"body": "sorry"})).status_code == 409


async def test_xss_in_titles_texts_posts_and_amendments_is_inert(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam, title=XSS, text=f"Resolves {XSS}", argument=XSS)
    amendment = await steps.amend(sam, motion, operation="insert_after", passage="Resolves", replacement=XSS)
    await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": XSS, "quote": XSS})
    await sam.api("POST", f"/api/v1/amendments/{amendment['id']}/posts", {"body": XSS})
    for url in (f"/motions/{motion}", f"/amendments/{amendment['id']}", f"/meetings/{agenda.meeting}",
                f"/motions/{motion}/versions", f"/motions/{motion}/thread", "/notifications"):
        html = (await nora.get(url)).text
        assert active_content(html) == [], url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or url.endswith("/notifications"), url


async def test_posting_with_htmx_returns_the_thread_fragment(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    response = await sam.http.post(f"/motions/{motion}/posts", data={"body": "Via htmx", "quote": "500 pounds"},
                                   headers={"HX-Request": "true", "X-CSRF-Token": sam.token})
    assert response.status_code == 200 and response.text.lstrip().startswith('<div id="thread-posts"')
    assert "<html" not in response.text and "Via htmx" in response.text and "500 pounds</blockquote>" in response.text
    empty = await sam.http.post(f"/motions/{motion}/posts", data={"body": " "},
                                headers={"HX-Request": "true", "X-CSRF-Token": sam.token})
    assert empty.status_code == 400 and "The post is empty." in empty.text and "<html" not in empty.text
    polled = await nora.get(f"/motions/{motion}/thread", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "Via htmx" in polled.text and 'hx-trigger="every 15s"' in polled.text
    page = await nora.get(f"/motions/{motion}")
    assert f'hx-post="/motions/{motion}/posts"' in page.text and f'action="/motions/{motion}/posts"' in page.text


async def test_plain_form_post_redirects_to_the_post(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    response = await sam.post(f"/motions/{motion}/posts", body="No JavaScript here")
    assert response.status_code == 303 and "#post-" in response.headers["location"]


async def test_followers_are_notified_of_replies(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    await steps.act(wanda, motion, "follow")
    await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Hello"})
    for who in (nora, wanda):
        items = (await who.get("/api/v1/notifications")).json()["notifications"]
        assert any("Sam posted in the discussion" in n["text"] and not n["read"] for n in items)
    own = (await sam.get("/api/v1/notifications")).json()["notifications"]
    assert not any("Sam posted" in n["text"] for n in own)
    assert (await wanda.api("POST", "/api/v1/notifications/read")).status_code == 204
    assert all(n["read"] for n in (await wanda.get("/api/v1/notifications")).json()["notifications"])
    await steps.act(wanda, motion, "unfollow")
    await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Again"})
    assert all(n["read"] for n in (await wanda.get("/api/v1/notifications")).json()["notifications"])


async def test_threads_follow_the_motion_access_rules(as_member, agenda, steps):
    nora, sam = await as_member("nora"), await as_member("sam")
    draft = await steps.draft(nora)
    assert (await sam.api("POST", f"/api/v1/motions/{draft}/posts", {"body": "peek"})).status_code == 404
    assert (await sam.get(f"/motions/{draft}/thread")).status_code == 404
    own = await nora.api("POST", f"/api/v1/motions/{draft}/posts", {"body": "Note to co-authors"})
    assert own.status_code == 201


async def test_posts_need_the_csrf_token(as_member, agenda, steps):
    nora = await as_member("nora")
    draft = await steps.draft(nora)
    bare = await nora.http.post(f"/motions/{draft}/posts", data={"body": "x"})
    assert bare.status_code == 403
    api = await nora.http.post(f"/api/v1/motions/{draft}/posts", json={"body": "x"})
    assert api.status_code == 403


async def test_reply_with_a_plain_form_from_the_post_page(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    top = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Top"})).json()
    page = await nora.get(f"/posts/{top['id']}")
    assert 'id="reply"' in page.text and f'name="parent_id" value="{top["id"]}"' in page.text
    replied = await nora.post(f"/motions/{motion}/posts", body="A plain reply", parent_id=str(top["id"]))
    assert replied.status_code == 303
    thread = (await sam.get(f"/api/v1/motions/{motion}/posts")).json()["posts"]
    assert [r["body"] for r in thread[0]["replies"]] == ["A plain reply"]
    wrong = await nora.post(f"/motions/{motion}/posts", body="x", parent_id="999999")
    assert wrong.status_code == 400 and "not in this thread" in wrong.text
