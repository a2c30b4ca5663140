"""The roll-up as a PNG chart (matplotlib, Agg backend, a CJK font found by font_manager)."""

from __future__ import annotations

import io
import threading
from decimal import Decimal
from typing import Any

__all__ = ["rollup_png"]

_lock = threading.Lock()  # pyplot's state is global
_CJK = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "SimHei")


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in _CJK:
        if n in names:
            return n
    for f in font_manager.fontManager.ttflist:
        if "CJK" in f.name or "Hei" in f.name:
            return f.name
    return None


def rollup_png(r: dict[str, Any]) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    font = _cjk_font()
    with _lock, matplotlib.rc_context({"font.sans-serif": [font] if font else [], "font.family": "sans-serif", "axes.unicode_minus": False}):
        fig, axes = plt.subplots(1, 3, figsize=(15, 5.2), dpi=100)
        year = r.get("year") or "全部年度"
        m = r.get("money") or {}
        fig.suptitle(
            f"{year} 绩效评价汇总：覆盖单位 {r['units_covered']} 个，评价项目 {r['projects_evaluated']} 个，"
            f"全年预算 {m.get('budget_full_year_wan', '0')} 万元，执行率 {m.get('execution_rate') or '—'}%",
            fontsize=12,
        )
        grades = r.get("grade_distribution") or {}
        colors = {"优": "#2e7d32", "良": "#689f38", "中": "#f9a825", "合格": "#fbc02d", "差": "#c62828", "不合格": "#b71c1c", "未评级": "#9e9e9e"}
        ks = [k for k, v in grades.items() if v] or list(grades)
        axes[0].bar(ks, [grades[k] for k in ks], color=[colors.get(k, "#607d8b") for k in ks])
        axes[0].set_title("等级分布（项目数）")
        axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))
        money = list((r.get("money_by_unit_yuan") or {}).items())[:10]
        axes[1].barh([u[:14] for u, _ in money][::-1], [float(Decimal(v) / 10000) for _, v in money][::-1], color="#1565c0")
        axes[1].set_title("各单位全年预算（万元，前10）")
        cats = list((r.get("problems_by_category") or {}).items())[:10]
        if cats:
            axes[2].barh([c[:16] for c, _ in cats][::-1], [n for _, n in cats][::-1], color="#ef6c00")
            axes[2].xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes[2].text(0.5, 0.5, "暂无问题分类数据", ha="center", va="center", fontsize=12)
            axes[2].set_xticks([])
            axes[2].set_yticks([])
        axes[2].set_title("问题分类（条数）")
        fig.tight_layout(rect=(0, 0, 1, 0.92))
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()
