"""The menu gathers a feature's entries under a drop-down when a user sees several."""

from __future__ import annotations

from fieldwork.navigation import group_items


def _item(endpoint: str) -> dict:
    return {"label": endpoint, "url": "/" + endpoint, "endpoint": endpoint}


def test_groups_gather_two_or_more_entries_and_keep_lone_ones_plain():
    items = [_item("plans.notifications"), _item("omr.index"), _item("entry.index"),
             _item("quality.recheck"), _item("reports_public.index")]
    out = group_items(items)
    assert [o.get("endpoint") for o in out] == ["plans.notifications", None, "quality.recheck",
                                                "reports_public.index"]
    data = out[1]
    assert str(data["label"]) and [c["endpoint"] for c in data["children"]] == [
        "omr.index", "entry.index"]


def test_manager_menu_is_grouped(client, factory):
    from ..conftest import login
    from ..factories import PASSWORD

    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    html = client.get("/").get_data(as_text=True)
    assert html.count('class="nav-item dropdown"') >= 2 and "dropdown-item" in html


def test_home_affairs_sees_its_exports_under_a_plain_word(client, factory):
    """Home Affairs starts exports and follows them on the jobs page; the menu names it in
    the reviewer's words ("Theo dõi xử lý"), not the technical "Công việc nền"."""
    from ..conftest import login
    from ..factories import PASSWORD

    user = factory.user("home_affairs")
    login(client, user.email, PASSWORD)
    html = client.get("/jobs/").get_data(as_text=True)
    assert "Theo dõi xử lý" in html and "Công việc nền" not in html
