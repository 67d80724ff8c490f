"""After publishing, the results page offers the next steps: print the reports, the award
ceremony and the projector, the public results, the contest file."""
from tests.judging.hall_util import KEY, hall_admin, publish_all, score_stage


def test_after_publishing_the_results_page_offers_the_next_steps(app, demo):
    admin = hall_admin(app)
    before = admin.get(f"/admin/c/{KEY}/results").get_data(as_text=True)
    assert 'id="next-steps"' not in before
    score_stage(app, "presentation")
    score_stage(app, "reflection")
    publish_all(app)
    html = admin.get(f"/admin/c/{KEY}/results").get_data(as_text=True)
    steps = html.split('id="next-steps"', 1)[1].split("</section>", 1)[0]
    for href, words in ((f"/admin/c/{KEY}/reports", "打印报表"),
                        (f"/admin/c/{KEY}/live#hall-ceremony", "在大屏上进行颁奖"),
                        (f"/projector/{KEY}", "打开大屏页面"),
                        (f"/results/{KEY}", "公开成绩页面"),
                        (f"/admin/c/{KEY}/contest.json", "导出竞赛数据文件")):
        assert f'href="{href}"' in steps and words in steps, (href, steps)
        assert admin.get(href.split("#")[0]).status_code == 200
