"""Bar charts drawn with reportlab's own graphics (no other library, nothing fetched),
in the report's embedded font."""
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

PALETTE = (colors.HexColor("#1f5fa8"), colors.HexColor("#9bb7d6"), colors.HexColor("#e0a030"))


def grouped_bars(categories, series, names, *, font, width=170 * mm, height=62 * mm,
                 value_max=100, unit="%") -> Drawing:
    """Vertical bars: one group per category, one bar per series (values 0..value_max)."""
    d = Drawing(width, height, initialFontName=font)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = width - 16 * mm, height - 24 * mm
    chart.data = [[float(v) if v is not None else 0 for v in s] for s in series]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, value_max
    chart.valueAxis.valueStep = value_max / 5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labelTextFormat = "%d" + unit.replace("%", "%%")
    chart.categoryAxis.categoryNames = [c[:10] for c in categories]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.barSpacing, chart.groupSpacing = 1, 6
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.fontName, legend.fontSize = font, 8
    legend.x, legend.y = 14 * mm, height - 3 * mm
    legend.alignment, legend.columnMaximum, legend.deltax = "right", 1, 60
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    d.add(legend)
    return d


def signed_bars(labels, values, *, font, title="", width=170 * mm, bar_height=6 * mm) -> Drawing:
    """Horizontal bars around zero (e.g. a judge's deviation from the panel mean)."""
    height = max(30 * mm, len(labels) * bar_height + 20 * mm)
    d = Drawing(width, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x, chart.y = 40 * mm, 10 * mm
    chart.width, chart.height = width - 50 * mm, height - 20 * mm
    data = [float(v) if v is not None else 0 for v in values]
    bound = max([abs(v) for v in data] + [1])
    chart.data = [data]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = -bound * 1.1, bound * 1.1
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = [str(label)[:16] for label in labels]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labelAxisMode = "low"  # names left of the chart, not on the bars
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    d.add(chart)
    if title:
        d.add(String(40 * mm, height - 6 * mm, title, fontName=font, fontSize=9))
    return d
