"""The demo's posts: the 23 hand-listed ones, then every Mexican embassy of the Wikidata
embassies file with its coordinates; a second run changes nothing, and a post already there
keeps its identity (pk, name, city)."""

from __future__ import annotations

import pytest

from vinculo.evidence.sources.embassies import STAGED, missions
from vinculo.web import demo
from vinculo.web.registry.models import Post

pytestmark = pytest.mark.django_db


def test_without_the_file_the_listed_posts_only():
    report = demo.seed(store_path=None)
    assert report.posts_total == len(demo.MEXICO_POSTS) == Post.objects.count()
    assert not Post.objects.filter(latitude__isnull=False).exists()


def test_the_demo_seeds_the_transfer_records_and_the_forums_once():
    from vinculo.strategy.forums import default_forums
    from vinculo.strategy.transfer import default_transfer_models
    from vinculo.web.forums.models import Forum
    from vinculo.web.transfer.models import TransferDimensionVersion

    report = demo.seed(store_path=None)
    countries = len(default_transfer_models())
    assert TransferDimensionVersion.objects.count() == countries * 7
    assert Forum.objects.count() == len(default_forums().forums)
    assert f"transfer models: {countries} countries ({countries * 7} dimension" in "\n".join(
        report.lines()
    )
    again = demo.seed(store_path=None)
    assert "(0 dimension versions new); forums: 0 new rows" in "\n".join(again.lines())


def test_every_embassy_of_the_file_is_a_post(test_data):
    first = demo.seed(store_path=None)  # the demo as it was: 23 posts, no coordinates
    washington = Post.objects.get(host_country_id="USA", city="Washington", kind="embassy")
    before = dict(Post.objects.values_list("pk", "name"))

    report = demo.seed(store_path=None, embassies_file=test_data / STAGED)
    embassies = missions(test_data / STAGED).found
    listed_hosts = {c for kind, c, _, _ in demo.MEXICO_POSTS if kind == "embassy"}
    new_hosts = {m.host for m in embassies} - listed_hosts
    assert len(listed_hosts) == 15
    assert len(new_hosts) == 65
    assert report.posts_created == 65
    assert Post.objects.count() == first.posts_total + 65 == 88
    # every host country of the file has its embassy, placed where the file says
    for mission in embassies:
        post = Post.objects.get(host_country_id=mission.host, kind="embassy")
        assert (post.latitude, post.longitude, post.wikidata) == (
            mission.latitude,
            mission.longitude,
            mission.qid,
        )
    # the posts already there keep pk, name and city (Washington, not "Washington, D.C.")
    assert dict(Post.objects.filter(pk__in=before).values_list("pk", "name")) == before
    washington.refresh_from_db()
    assert (washington.city, washington.latitude) == ("Washington", 38.9007)
    holy_see = Post.objects.get(host_country_id="VAT")
    assert (holy_see.city, holy_see.name) == ("Rome", "Embajada de México en Ciudad del Vaticano")
    # consulates are not in the file's embassies: still there, without coordinates
    assert Post.objects.filter(kind="consulate", latitude__isnull=True).count() == 8

    again = demo.seed(store_path=None, embassies_file=test_data / STAGED)
    assert again.posts_created == 0
    assert again.posts_total == 88


def test_an_unreadable_file_is_said_and_the_demo_goes_on(tmp_path):
    bad = tmp_path / "database_of_embassies.csv"
    bad.write_text("a,b\n1,2\n")
    report = demo.seed(store_path=None, embassies_file=bad)
    assert report.posts_total == len(demo.MEXICO_POSTS)
    assert any("embassies file was not read" in note and "no column" in note
               for note in report.notes)  # fmt: skip


def test_the_file_is_found_in_a_mirror(tmp_path):
    assert demo.embassies_file(None) is None
    assert demo.embassies_file(tmp_path) is None
    path = tmp_path / STAGED
    path.parent.mkdir()
    path.write_text("x")
    assert demo.embassies_file(tmp_path) == path
