"""The posts of a thread as HTML, written in Python rather than a template: a motion's
thread may hold thousands of posts, and a Jinja macro call per post costs several times
what this does (bench/motion_page.py). The markup is the same a template would make;
every member-written value is escaped here, and a post's body is the HTML that was
sanitised when it was written (``Post.body_html``)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from server.repositories.motions import PostRow
from server.services.threads import ThreadEntry


def _moment(value) -> tuple[str, str]:
    return value.isoformat(), value.strftime("%d %b %Y %H:%M")


def post_html(post: PostRow, viewer_id: int, can_moderate: bool, can_reply: bool) -> str:
    author = escape(post.author_name)
    machine, shown = _moment(post.created_at)
    links = []
    if post.edited_at:
        links.append(f'<a href="/posts/{post.id}">edited</a>')
    if can_reply:
        links.append(f'<a href="/posts/{post.id}#reply">Reply<span class="visually-hidden"> to {author}</span></a>')
    if post.hidden_at is None and post.author_id == viewer_id:
        links.append(f'<a href="/posts/{post.id}">Edit<span class="visually-hidden"> your post</span></a>')
    if post.hidden_at is None and can_moderate:
        links.append(f'<a href="/posts/{post.id}#hide">Hide<span class="visually-hidden"> post by {author}</span></a>')
    meta = "".join(f" · {link}" for link in links)
    if post.hidden_at is not None:
        by = escape(post.hidden_by_name) if post.hidden_by_name else "a moderator"
        content = (f'<p class="moderation" role="note">Hidden by {by} on {post.hidden_at.strftime("%d %b %Y")}: '
                   f"{escape(post.hidden_reason)}</p>")
    else:
        quote = f'<blockquote class="quote">{escape(post.quote)}</blockquote>' if post.quote else ""
        content = f'{quote}<div class="post-body">{post.body_html}</div>'
    hidden_class = " hidden-post" if post.hidden_at is not None else ""
    return (f'<article class="post{hidden_class}" id="post-{post.id}" aria-label="Post by {author}">'
            f'<p class="post-meta"><strong>{author}</strong> <time datetime="{machine}">{shown}</time>{meta}</p>'
            f"{content}</article>")


def thread_html(entries: list[ThreadEntry], viewer_id: int, can_moderate: bool, can_reply: bool) -> Markup:
    """The ordered list of posts, each with its replies."""
    if not entries:
        return Markup('<p class="empty">No posts yet.</p>')
    items = []
    for entry in entries:
        replies = ""
        if entry.replies:
            replies = '<ol class="replies">' + "".join(
                f"<li>{post_html(reply, viewer_id, can_moderate, False)}</li>" for reply in entry.replies) + "</ol>"
        items.append(f"<li>{post_html(entry.post, viewer_id, can_moderate, can_reply)}{replies}</li>")
    return Markup('<ol class="posts">' + "\n".join(items) + "</ol>")
