"""Empty pages lead on: an empty competition list offers creating one or importing a
contest file; an empty stages page has no "weights sum to 0" alarm; a stage that cannot
open for want of teams or a draw links to the page that fixes it."""
from scoring.extensions import db
from scoring.models import Competition, Criterion, Stage


def test_an_empty_competition_list_offers_what_to_do(app, client, login):
    login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "还没有竞赛" in html or "No competition yet" in html
    assert 'href="/admin/competitions/new">新建竞赛</a>' in html
    assert 'href="/admin/competitions/new#import">导入竞赛数据文件</a>' in html
    assert "scoring demo" in html


def test_empty_stages_page_has_no_weight_alarm_and_problems_link_to_their_page(app, client,
                                                                               login):
    login("admin")
    with app.app_context():
        comp = Competition(key="empty-day", name="空竞赛")
        db.session.add(comp)
        db.session.commit()
    html = client.get("/admin/c/empty-day/stages").get_data(as_text=True)
    assert "权重之和为" not in html and "badge-bad" not in html
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key="empty-day")).one()
        stage = Stage(competition=comp, key="s1", name="现场展示", position=0, weight=1)
        stage.criteria.append(Criterion(key="c1", name="内容", position=0, max=100, step=1))
        db.session.add(stage)
        db.session.commit()
    html = client.get("/admin/c/empty-day/stages").get_data(as_text=True)
    assert "还没有队伍。 <a href=\"/admin/c/empty-day/teams\">添加队伍</a>" in html
    assert "权重之和为 1" in html
