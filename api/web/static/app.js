/* jixiao review page: plain JavaScript, no libraries, no network beyond this service.
 *
 * Views (location.hash): "#/" the queue, "#/doc/<id>" one document (record index via "?r=<n>").
 * The token is kept in sessionStorage; every call sends "Authorization: Bearer <token>".
 * Corrections are JSON-pointer operations sent with If-Match (the record version); a 409 keeps
 * the reviewer's unsaved values ("drafts") and shows the other change.
 */
"use strict";

const TOKEN_KEY = "jixiao.token";
const STATUS = { queued: "排队中", processing: "提取中", extracted: "待审核", failed: "提取失败", in_review: "审核中", approved: "已批准" };
const DOC_TYPES = {
  self_eval_project: "项目支出绩效自评", self_eval_dept: "部门整体支出绩效自评", monitoring_project: "项目绩效监控",
  monitoring_dept: "部门绩效监控", target_declaration_project: "项目绩效目标申报", target_declaration_dept: "部门绩效目标申报",
  ex_ante_assessment: "事前绩效评估", dept_evaluation: "部门评价", key_evaluation_third_party: "第三方重点评价",
  final_accounts_performance_chapter: "决算绩效篇章", bureau_summary: "财政局工作总结", bureau_circular: "财政局通报",
  rectification_notice: "整改通知", audit_report: "审计报告", other: "其他",
};
const CHECK_STATUS = { fail: "未通过", warn: "警告", pass: "通过", na: "不适用" };
const DEFAULT_REASON = "与原件核对后更正";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function toast(msg, kind = "info") {
  const t = $("#toast");
  t.textContent = msg;
  t.className = "show " + kind;
  clearTimeout(toast._t);
  toast._t = setTimeout(() => (t.className = ""), kind === "error" ? 8000 : 3000);
}

/* ---------------------------------------------------------------- API ---------------------------- */
class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code;
    this.hint = e.hint;
  }
}

async function api(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const hdrs = Object.assign({ Authorization: `Bearer ${token}` }, headers);
  let payload = body;
  if (body && !(body instanceof FormData)) {
    hdrs["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const r = await fetch(path, { method, headers: hdrs, body: payload });
  if (r.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin("令牌无效或已停用，请重新输入。");
    throw new ApiError(401, null);
  }
  if (!r.ok) {
    let b = null;
    try { b = await r.json(); } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, b);
  }
  if (raw) return r;
  const data = await r.json();
  return { data, etag: r.headers.get("ETag") };
}

const versionOf = (etag) => (etag ? parseInt(etag.replace(/[^0-9]/g, ""), 10) : null);

/* ---------------------------------------------------------------- login -------------------------- */
const state = { me: null, doc: null };

function canEdit() {
  return state.me && (state.me.role === "reviewer" || state.me.role === "admin");
}

function showLogin(msg) {
  $("#who").textContent = "";
  $("#logout").hidden = true;
  const app = $("#app");
  app.replaceChildren(
    h("form", { id: "login", class: "card", onsubmit: async (ev) => {
        ev.preventDefault();
        const tok = $("#token").value.trim();
        if (!tok) return;
        sessionStorage.setItem(TOKEN_KEY, tok);
        try { await start(); } catch (e) { if (e.status !== 401) $("#login-msg").textContent = e.message; }
      } },
      h("h1", {}, "登录"),
      h("p", {}, "请输入 API 令牌（由 ", h("code", {}, "jixiao user add"), " 生成，或 ", h("code", {}, "make run"), " 启动时打印）。令牌只保存在本浏览器标签页中。"),
      h("label", { for: "token" }, "令牌"),
      h("input", { id: "token", type: "password", autocomplete: "off", placeholder: "jx_…", autofocus: true }),
      h("button", { type: "submit", id: "login-btn" }, "登录"),
      h("p", { id: "login-msg", class: "error" }, msg || "")),
  );
  $("#token").focus();
}

async function start() {
  if (!sessionStorage.getItem(TOKEN_KEY)) return showLogin();
  const { data } = await api("/me");
  state.me = data;
  const roles = { unit: "填报单位", reviewer: "审核人", admin: "管理员" };
  $("#who").textContent = `${data.name}（${roles[data.role] || data.role}${data.unit ? "，" + data.unit : ""}）`;
  $("#logout").hidden = false;
  route();
}

/* ---------------------------------------------------------------- queue -------------------------- */
const queueFilters = { unit: "", year: "", type: "", status: "" };
let queueTimer = null;

async function showQueue() {
  clearTimeout(queueTimer);
  state.doc = null;
  const app = $("#app");
  const field = (name, el) => h("label", { class: "filter" }, name, el);
  const statusSel = h("select", { id: "f-status" }, h("option", { value: "" }, "全部"),
    Object.entries(STATUS).map(([k, v]) => h("option", { value: k }, v)));
  const typeSel = h("select", { id: "f-type" }, h("option", { value: "" }, "全部"),
    Object.entries(DOC_TYPES).map(([k, v]) => h("option", { value: k }, v)));
  const unitIn = h("input", { id: "f-unit", type: "text", placeholder: "单位全称" });
  const yearIn = h("input", { id: "f-year", type: "number", min: "1900", max: "2200", placeholder: "如 2023" });
  statusSel.value = queueFilters.status; typeSel.value = queueFilters.type; unitIn.value = queueFilters.unit; yearIn.value = queueFilters.year;
  const apply = () => {
    Object.assign(queueFilters, { unit: unitIn.value.trim(), year: yearIn.value.trim(), type: typeSel.value, status: statusSel.value });
    loadQueue();
  };
  for (const el of [statusSel, typeSel]) el.addEventListener("change", apply);
  for (const el of [unitIn, yearIn]) el.addEventListener("keydown", (e) => { if (e.key === "Enter") apply(); });
  const upload = h("input", { type: "file", id: "upload", multiple: true, onchange: async (e) => {
      const files = Array.from(e.target.files);
      if (!files.length) return;
      const fd = new FormData();
      for (const f of files) fd.append("files", f, f.name);
      try {
        const { data } = await api("/documents", { method: "POST", body: fd });
        const bad = data.documents.filter((d) => d.error);
        toast(`已上传 ${data.documents.length - bad.length} 个文件` + (bad.length ? `，${bad.length} 个被拒绝：${bad.map((d) => d.file_name + "（" + d.error.message + "）").join("；")}` : ""), bad.length ? "error" : "info");
      } catch (err) { toast(err.message, "error"); }
      e.target.value = "";
      loadQueue();
    } });
  app.replaceChildren(
    h("section", { id: "queue" },
      h("div", { class: "toolbar" },
        h("h1", {}, "审核队列"),
        field("状态", statusSel), field("类型", typeSel), field("单位", unitIn), field("年度", yearIn),
        h("button", { type: "button", onclick: apply }, "筛选"),
        h("label", { class: "upload-btn" }, "上传报告", upload)),
      h("p", { id: "queue-summary", class: "muted" }),
      h("table", { id: "queue-table", class: "grid" },
        h("thead", {}, h("tr", {}, ["状态", "文件", "单位", "年度", "类型", "项目", "未通过校验", "低置信度", "冲突", "等级"].map((t) => h("th", {}, t)))),
        h("tbody", {}))),
  );
  await loadQueue();
}

async function loadQueue() {
  clearTimeout(queueTimer);
  const p = new URLSearchParams({ limit: "500" });
  for (const [k, v] of Object.entries(queueFilters)) if (v) p.set(k, v);
  let data;
  try { ({ data } = await api(`/review/queue?${p}`)); } catch (e) { if (e.status !== 401) toast(e.message, "error"); return; }
  const tbody = $("#queue-table tbody");
  if (!tbody) return;
  const num = (n, cls) => h("td", { class: "num " + (n ? cls : "zero") }, n ? String(n) : "–");
  tbody.replaceChildren(...data.items.map((d) => h("tr", {
      class: "doc-row status-" + d.status, tabindex: "0", dataset: { id: d.id },
      onclick: () => (location.hash = `#/doc/${d.id}`),
      onkeydown: (e) => { if (e.key === "Enter") location.hash = `#/doc/${d.id}`; },
    },
    h("td", {}, h("span", { class: "badge " + d.status }, STATUS[d.status] || d.status)),
    h("td", { class: "file" }, d.file_name),
    h("td", {}, d.unit || "–"),
    h("td", {}, d.fiscal_year ?? "–"),
    h("td", {}, DOC_TYPES[d.doc_type] || d.doc_type || "–"),
    h("td", { class: "project" }, d.project_name || "–"),
    num(d.failed_checks, "bad"), num(d.low_confidence, "low"), num(d.conflicts, "bad"),
    h("td", {}, d.grade || "–"),
  )));
  if (!data.items.length) tbody.append(h("tr", {}, h("td", { colspan: "10", class: "muted" }, "没有符合条件的文档")));
  const parts = Object.entries(data.counts_by_status).map(([k, v]) => `${STATUS[k] || k} ${v}`);
  $("#queue-summary").textContent = `共 ${data.total} 份（${parts.join("，")}）；排序：待审核在前；其中有冲突的、未通过校验多的、置信度最低的在前（低置信度：< ${data.low_confidence_below}）。`;
  if (data.items.some((d) => d.status === "queued" || d.status === "processing")) queueTimer = setTimeout(loadQueue, 2000);
}

/* ---------------------------------------------------------------- document ----------------------- */
/* The record panel is a list of "items": every value a reviewer may look at, in screen order.
 * item = {key, label, ptr, value, type, prov, conf, reviewed, node, op info…}
 * - ptr: pointer replaced when the value changes (…/value for Field<T>, the leaf otherwise)
 * - wrapPtr/wrap: when the Field is null, the pointer and the object written instead
 */
function fieldItem(rp, path, label, node, type) {
  const base = rp + path;
  if (node && typeof node === "object") {
    return { key: base, base, label, ptr: base + "/value", value: node.value, type, prov: node.prov, reviewed: !!node.review, raw: node.raw };
  }
  return { key: base, base, label, ptr: base, value: null, type, prov: null, reviewed: false, missing: true,
    wrap: (v) => ({ value: v, raw: String(v), prov: { method: "manual", confidence: 1.0 } }) };
}

function leafItem(rp, path, label, value, type, prov, reviewed, extra = {}) {
  const base = rp + path;
  return Object.assign({ key: base, base, label, ptr: base, value, type, prov, reviewed }, extra);
}

function confOf(item) {
  const c = item.prov && item.prov.confidence;
  return typeof c === "number" ? c : null;
}

function parseValue(type, text) {
  const t = text.trim();
  if (type === "text") return { ok: true, value: t };
  if (t === "") return { ok: true, value: null };
  if (type === "int") {
    if (!/^-?\d{1,9}$/.test(t)) return { ok: false, msg: "请输入整数" };
    return { ok: true, value: parseInt(t, 10) };
  }
  const s = t.replace(/[,，\s]/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { ok: false, msg: "请输入数字（如 29040400.00）" };
  if (type === "money") {  // yuan with two decimals, as a string: never a float
    let [i, f = ""] = s.split(".");
    if (f.length > 2) return { ok: false, msg: "金额最多两位小数（单位：元）" };
    return { ok: true, value: `${i}.${(f + "00").slice(0, 2)}` };
  }
  return { ok: true, value: s };  // decimal string
}

const show = (v) => (v === null || v === undefined ? "" : String(v));

function recordItems(res, r) {
  const rec = res.records[r];
  const rp = `/records/${r}`;
  const sections = [];
  const m = rec.meta || {};
  sections.push({ id: "meta", title: "基本信息", items: [
    leafItem(rp, "/meta/doc_type", "文档类型", m.doc_type, "text", null, false, { conf: m.doc_type_confidence, display: DOC_TYPES[m.doc_type] }),
    fieldItem(rp, "/meta/title", "标题", m.title, "text"),
    fieldItem(rp, "/meta/fiscal_year", "年度", m.fiscal_year, "int"),
    fieldItem(rp, "/meta/project_name", "项目名称", m.project_name, "text"),
    fieldItem(rp, "/meta/supervising_dept", "主管部门", m.supervising_dept, "text"),
    fieldItem(rp, "/meta/implementing_unit", "实施单位", m.implementing_unit, "text"),
    fieldItem(rp, "/meta/issuer", "填报单位", m.issuer, "text"),
    fieldItem(rp, "/meta/report_date", "报告日期", m.report_date, "text"),
  ] });
  const b = rec.budget || {};
  sections.push({ id: "budget", title: "预算（元）", items: [
    fieldItem(rp, "/budget/initial", "年初预算数", b.initial, "money"),
    fieldItem(rp, "/budget/full_year", "全年预算数", b.full_year, "money"),
    fieldItem(rp, "/budget/executed", "全年执行数", b.executed, "money"),
    fieldItem(rp, "/budget/execution_rate_reported", "执行率（报告，%）", b.execution_rate_reported, "decimal"),
  ], derived: [["执行率（计算，%）", b.execution_rate_computed]] });
  const sc = rec.score || {};
  sections.push({ id: "score", title: "得分与等级", items: [
    fieldItem(rp, "/score/total_reported", "自评总分", sc.total_reported, "decimal"),
    fieldItem(rp, "/score/grade_reported", "自评等级", sc.grade_reported, "text"),
  ], derived: [["计算总分", sc.total_computed], ["计算等级", sc.grade_computed]] });
  sections.push({ id: "amounts", title: "金额", list: "amounts", rows: (rec.amounts || []).map((a, i) => ({ i, node: a, items: [
    leafItem(rp, `/amounts/${i}/value_yuan`, "金额（元）", a.value_yuan, "money", a.prov, !!a.review, { raw: a.text || a.source_value }),
    leafItem(rp, `/amounts/${i}/role`, "用途", a.role, "text", a.prov, !!a.review, { aux: true }),
  ] })), cols: ["金额（元）", "用途", "原文"], quote: (a) => a.text || (a.prov && a.prov.quote) || "" });
  sections.push({ id: "indicators", title: "绩效指标", list: "indicators", rows: (rec.indicators || []).map((x, i) => {
    const sub = (k, label) => x[k] && typeof x[k] === "object"
      ? leafItem(rp, `/indicators/${i}/${k}/raw`, label, x[k].raw, "text", x.prov, !!x.review, { aux: true })
      : leafItem(rp, `/indicators/${i}/${k}`, label, null, "text", x.prov, !!x.review, { aux: true, wrap: (v) => ({ raw: v }) });
    return { i, node: x, items: [
      leafItem(rp, `/indicators/${i}/name`, "指标名称", x.name, "text", x.prov, !!x.review),
      sub("target", "指标值"), sub("actual", "实际完成值"),
      leafItem(rp, `/indicators/${i}/weight`, "分值", x.weight, "decimal", x.prov, !!x.review, { aux: true }),
      leafItem(rp, `/indicators/${i}/score`, "得分", x.score, "decimal", x.prov, !!x.review, { aux: true }),
    ] };
  }), cols: ["指标名称", "指标值", "实际完成值", "分值", "得分", "一级/二级"], quote: (x) => [x.level1_raw, x.level2_raw].filter(Boolean).join(" / ") });
  for (const [id, title] of [["problems", "存在问题"], ["measures", "整改措施"]]) {
    sections.push({ id, title, list: id, rows: (rec[id] || []).map((p, i) => ({ i, node: p, items: [
      leafItem(rp, `/${id}/${i}/text`, title, p.text, "text", p.prov, !!p.review),
    ] })), cols: [title, "分类"], quote: (p) => (p.categories || []).map((c) => c.label || c.code).join("、") });
  }
  return sections;
}

const NEW_ITEM = {
  amounts: (v) => ({ value_yuan: v.value, text: v.raw, role: v.role || null, qualifier: "exact", prov: { method: "manual", confidence: 1.0 } }),
  indicators: (v) => ({ name: v.value, target: v.target ? { raw: v.target } : null, actual: v.actual ? { raw: v.actual } : null, prov: { method: "manual", confidence: 1.0 } }),
  problems: (v) => ({ text: v.value, categories: [], prov: { method: "manual", confidence: 1.0 } }),
  measures: (v) => ({ text: v.value, categories: [], prov: { method: "manual", confidence: 1.0 } }),
};

let doc = null;  // the open document's view state

async function showDocument(id, recordIndex) {
  clearTimeout(queueTimer);
  const prev = doc && doc.id === id ? doc : null;
  doc = { id, r: recordIndex || 0, drafts: prev ? prev.drafts : {}, pages: prev ? prev.pages : {}, page: null, selected: prev ? prev.selected : null };
  state.doc = doc;
  const app = $("#app");
  app.replaceChildren(h("p", { class: "muted" }, "加载中…"));
  let info;
  try { ({ data: info } = await api(`/documents/${id}`)); } catch (e) { if (e.status !== 401) app.replaceChildren(errorCard(e)); return; }
  doc.info = info;
  if (info.status === "queued" || info.status === "processing") {
    app.replaceChildren(h("p", { class: "muted" }, `${info.file_name}：${STATUS[info.status]}，稍候自动刷新…`));
    queueTimer = setTimeout(() => { if (state.doc === doc) showDocument(id, recordIndex); }, 1000);
    return;
  }
  if (info.status === "failed" || !info.runs.length) {
    const run = info.runs[info.runs.length - 1] || {};
    app.replaceChildren(h("div", { class: "card error" }, h("h1", {}, info.file_name), h("p", {}, `提取失败：${run.error_code || ""} ${run.error_message || ""}`),
      h("a", { href: "#/" }, "返回队列")));
    return;
  }
  try {
    const [{ data: res, etag }, { data: layout }, { data: hist }] = await Promise.all([
      api(`/documents/${id}/result`), api(`/documents/${id}/layout`), api(`/documents/${id}/history`)]);
    doc.res = res; doc.version = versionOf(etag); doc.layout = layout; doc.history = hist;
    if (layout.view === "text") doc.text = (await api(`/documents/${id}/text`)).data;
  } catch (e) { if (e.status !== 401) app.replaceChildren(errorCard(e)); return; }
  if (doc.r >= doc.res.records.length) doc.r = 0;
  renderDocument();
}

function errorCard(e) {
  const why = { 403: "无权查看：", 404: "找不到：", 409: "暂不可用：" }[e.status] || "出错了：";
  return h("div", { class: "card error" }, h("p", {}, why, e.message), e.hint ? h("p", { class: "muted" }, e.hint) : null, h("a", { href: "#/" }, "返回队列"));
}

function renderDocument(focusKey) {
  const res = doc.res, info = doc.info, edit = canEdit() && info.status !== "approved";
  doc.edit = edit;
  doc.low = doc.layout.low_confidence_below;
  const app = $("#app");
  const head = h("div", { class: "doc-head" },
    h("a", { href: "#/", class: "back" }, "← 队列"),
    h("h1", { title: info.file_name }, info.file_name),
    h("span", { class: "badge " + info.status, id: "doc-status" }, STATUS[info.status] || info.status),
    h("span", { class: "muted", id: "doc-version" }, `版本 ${doc.version}`),
    res.records.length > 1 ? h("span", { class: "records" }, "记录：", res.records.map((rec, i) =>
      h("a", { href: `#/doc/${doc.id}?r=${i}`, class: i === doc.r ? "on" : "" }, String(i + 1)))) : null,
    canEdit() ? h("span", { class: "actions" },
      info.status === "approved"
        ? h("button", { type: "button", id: "reopen", "data-edit-control": "", onclick: () => transition("reopen") }, "重新打开")
        : h("button", { type: "button", id: "approve", "data-edit-control": "", onclick: () => transition("approve") }, "批准"),
      edit ? h("label", { class: "reason" }, "修改原因", h("input", { id: "reason", type: "text", value: doc.reason || DEFAULT_REASON, "data-edit-control": "",
        oninput: (e) => (doc.reason = e.target.value) })) : null) : null,
  );
  const banner = h("div", { id: "banners" });
  const conflicts = (res.review && res.review.conflicts) || [];
  if (conflicts.length) {
    banner.append(h("div", { class: "card warn", id: "review-conflicts" },
      h("h2", {}, `重新提取后有 ${conflicts.length} 处与人工更正不一致`),
      h("table", { class: "grid" }, h("thead", {}, h("tr", {}, ["位置", "原机器值", "新机器值", "人工更正"].map((t) => h("th", {}, t)))),
        h("tbody", {}, conflicts.map((c) => h("tr", { class: "conflict" },
          h("td", {}, h("code", {}, show(c.pointer))), h("td", {}, fmtJson(c.machine_old)), h("td", {}, fmtJson(c.machine_new)), h("td", {}, fmtJson(c.corrected))))))));
  }
  const unapplied = (res.review && res.review.unapplied) || [];
  if (unapplied.length) {
    banner.append(h("div", { class: "card warn", id: "review-unapplied" }, h("h2", {}, `${unapplied.length} 处人工更正无法套用到当前记录`),
      h("ul", {}, unapplied.map((u) => h("li", {}, h("code", {}, u.pointer), "：", fmtJson(u.new), "（", u.error || "", "）")))));
  }
  if (doc.conflictNote) banner.append(doc.conflictNote);
  if (res.errors && res.errors.length) banner.append(h("div", { class: "card warn" }, res.errors.map((e) => h("p", {}, `${e.code}: ${e.message}`))));

  const source = h("section", { id: "source" });
  const record = h("section", { id: "record", onkeydown: onRecordKey });
  app.replaceChildren(head, banner, h("div", { class: "split" }, source, h("div", { id: "side" }, record, h("aside", { id: "history" }))));
  renderSource(source);
  renderRecord(record);
  const target = focusKey && $(`[data-key="${CSS.escape(focusKey)}"]`);
  if (target) { target.focus(); } else if (doc.selected) { selectItem(doc.selected, false); }
}

function fmtJson(v) {
  if (v === null || v === undefined) return "（空）";
  if (typeof v === "object") return "value" in v ? show(v.value) : JSON.stringify(v);
  return String(v);
}

/* ---------------------------------------------------------------- source panel ------------------- */
function renderSource(el) {
  if (doc.layout.view === "pages") {
    const n = doc.layout.page_count || 1;
    el.append(h("div", { class: "pager" },
      h("button", { type: "button", tabindex: "-1", onclick: () => showPage(Math.max(1, (doc.page || 1) - 1)) }, "上一页"),
      h("span", { id: "page-no" }), h("button", { type: "button", tabindex: "-1", onclick: () => showPage(Math.min(n, (doc.page || 1) + 1)) }, "下一页")),
      h("div", { id: "page-wrap" }, h("img", { id: "page-img", alt: "原件页面" }), h("div", { id: "hl", hidden: true })));
    showPage(doc.page || 1);
  } else {
    const t = doc.text;
    el.append(h("p", { class: "muted" }, t.matches_record === false ? "注意：文本与提取时不一致（解析器已更新），高亮位置可能偏移。" : "原件文本（所选字段的出处以高亮显示）"),
      h("pre", { id: "doctext" }, t.text));
  }
}

async function showPage(n) {
  const d = doc;
  d.page = n;
  $("#page-no").textContent = `第 ${n} / ${d.layout.page_count || "?"} 页`;
  let url = d.pages[n];
  if (!url) {
    try {
      const r = await api(`/documents/${d.id}/pages/${n}.png`, { raw: true });
      url = d.pages[n] = URL.createObjectURL(await r.blob());
    } catch (e) { if (e.status !== 401) toast(e.message, "error"); return; }
  }
  if (d !== doc || d.page !== n) return;
  const img = $("#page-img");
  if (img.dataset.page !== String(n)) {
    img.dataset.page = String(n);
    $("#hl").hidden = true;
    await new Promise((ok) => { img.onload = ok; img.onerror = ok; img.src = url; });
  }
  img.dataset.loaded = String(n);
  placeBox();
}

function placeBox() {
  const hl = $("#hl"), img = $("#page-img");
  const prov = doc.selected && doc.selected.prov;
  if (!hl || !prov || !Array.isArray(prov.bbox) || prov.page !== doc.page || img.dataset.loaded !== String(doc.page)) { if (hl) hl.hidden = true; return; }
  const size = (doc.layout.page_sizes || [])[doc.page - 1] || [img.naturalWidth * 72 / doc.layout.dpi, img.naturalHeight * 72 / doc.layout.dpi];
  const [W, H] = size, [x0, t, x1, b] = prov.bbox;
  Object.assign(hl.style, { left: `${(x0 / W) * 100}%`, top: `${(t / H) * 100}%`, width: `${((x1 - x0) / W) * 100}%`, height: `${((b - t) / H) * 100}%` });
  hl.dataset.bbox = JSON.stringify(prov.bbox);
  hl.hidden = false;
  hl.scrollIntoView({ block: "nearest", inline: "nearest" });
}

function highlightText(prov) {
  const pre = $("#doctext");
  if (!pre) return;
  const text = doc.text.text;
  const span = prov && prov.char_span;
  if (!Array.isArray(span) || span[0] < 0 || span[1] > text.length || span[0] >= span[1]) { pre.textContent = text; return; }
  const cp = Array.from(text);  // char_span counts code points, not UTF-16 units
  const mark = h("mark", { id: "hl-text", dataset: { span: JSON.stringify(span) } }, cp.slice(span[0], span[1]).join(""));
  pre.replaceChildren(cp.slice(0, span[0]).join(""), mark, cp.slice(span[1]).join(""));
  mark.scrollIntoView({ block: "center" });
}

function selectItem(item, focusIt = true) {
  doc.selected = item;
  $$(".selected").forEach((e) => e.classList.remove("selected"));
  const el = $(`[data-key="${CSS.escape(item.key)}"]`);
  if (el) { el.closest(".item, tr")?.classList.add("selected"); if (focusIt && document.activeElement !== el) el.focus(); }
  const prov = item.prov;
  if (doc.layout.view === "pages") {
    if (prov && prov.page && prov.page !== doc.page) showPage(prov.page); else placeBox();
  } else {
    highlightText(prov);
  }
  renderHistory(item);
}

/* ---------------------------------------------------------------- record panel ------------------- */
function confBadge(item) {
  const c = item.conf ?? confOf(item);
  if (item.reviewed) return h("span", { class: "conf reviewed", title: "已人工更正" }, "已更正");
  if (c === null || c === undefined) return h("span", { class: "conf none" }, "");
  return h("span", { class: "conf" + (c < doc.low ? " low" : ""), title: "置信度" }, c.toFixed(2));
}

function isLow(item) {
  const c = item.conf ?? confOf(item);
  return !item.reviewed && typeof c === "number" && c < doc.low;
}

function valueControl(item) {
  const draft = doc.drafts[item.key];
  const common = { "data-key": item.key, class: "val" + (isLow(item) ? " low" : "") + (draft !== undefined ? " dirty" : "") + (item.missing ? " missing" : ""),
    title: item.label + (show(item.value) ? "：" + show(item.value) : "") };
  if (!doc.edit) {
    return h("span", Object.assign(common, { tabindex: "0" }), item.display || show(item.value) || "（无）");
  }
  const input = h("input", Object.assign(common, { type: "text", value: draft !== undefined ? draft : show(item.value), "aria-label": item.label,
    placeholder: item.missing ? "（未提取到，可补充）" : "" }));
  input.dataset.orig = show(item.value);
  return input;
}

function renderRecord(el) {
  const sections = recordItems(doc.res, doc.r);
  doc.items = new Map();
  const rec = doc.res.records[doc.r];
  // errors first: the checks, failed ones on top
  const order = { fail: 0, warn: 1, na: 2, pass: 3 };
  const checks = (rec.validations || []).slice().sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || String(a.check_id).localeCompare(String(b.check_id)));
  const nFail = checks.filter((c) => c.status === "fail").length;
  el.append(h("div", { class: "sec", id: "sec-checks" }, h("h2", {}, `校验（${nFail} 项未通过）`),
    h("ul", { class: "checks" }, checks.filter((c) => c.status !== "pass" && c.status !== "na").map((c) => {
      const key = `check:${c.check_id}:${(c.field_refs || []).join(",")}`;
      const ref = (c.field_refs || [])[0];
      const item = { key, check: c, label: c.check_id, ref: ref ? `/records/${doc.r}${ref}` : null };
      doc.items.set(key, item);
      return h("li", { class: "check " + c.status, tabindex: "0", "data-key": key, "data-check": c.status },
        h("b", {}, c.check_id), " ", h("span", { class: "badge " + c.status }, CHECK_STATUS[c.status] || c.status), " ", c.message,
        c.expected !== undefined ? h("span", { class: "muted" }, ` 应为 ${c.expected}，实为 ${c.found}`) : null);
    })),
    h("details", {}, h("summary", {}, `通过/不适用 ${checks.filter((c) => c.status === "pass" || c.status === "na").length} 项`),
      h("ul", { class: "checks" }, checks.filter((c) => c.status === "pass" || c.status === "na").map((c) => h("li", { class: "check " + c.status }, h("b", {}, c.check_id), " ", c.message))))));
  for (const s of sections) {
    const sec = h("div", { class: "sec", id: "sec-" + s.id }, h("h2", {}, s.title));
    if (s.items) {
      for (const it of s.items) {
        doc.items.set(it.key, it);
        sec.append(h("div", { class: "item" + (isLow(it) ? " low" : "") },
          h("label", {}, it.label), valueControl(it), confBadge(it),
          it.raw !== undefined && it.raw !== null && show(it.raw) !== show(it.value) ? h("span", { class: "raw muted", title: "原文" }, show(it.raw)) : null));
      }
      for (const [label, v] of s.derived || []) sec.append(h("div", { class: "item derived" }, h("label", {}, label), h("span", { class: "val ro" }, show(v) || "–"), h("span", { class: "conf none" }, "计算")));
    } else {
      const table = h("table", { class: "grid list-" + s.id }, h("thead", {}, h("tr", {}, s.cols.map((c) => h("th", {}, c)), doc.edit ? h("th", {}, "") : null)));
      const tbody = h("tbody");
      for (const row of s.rows) {
        for (const it of row.items) doc.items.set(it.key, it);
        const first = row.items[0];
        tbody.append(h("tr", { class: isLow(first) ? "low" : "" },
          row.items.map((it, j) => h("td", {}, valueControl(it), j === 0 ? confBadge(it) : null)),
          h("td", { class: "muted quote" }, s.quote(row.node)),
          doc.edit ? h("td", {}, h("button", { type: "button", class: "del", tabindex: "-1", "data-edit-control": "", title: "删除此项（误提取）",
            onclick: () => removeItem(s.list, row.i, first.label + "：" + show(first.value)) }, "删除")) : null));
      }
      if (!s.rows.length) tbody.append(h("tr", {}, h("td", { colspan: String(s.cols.length + 1), class: "muted" }, "（无）")));
      table.append(tbody);
      sec.append(table);
      if (doc.edit) sec.append(addForm(s));
    }
    el.append(sec);
  }
}

function addForm(s) {
  const fields = {
    amounts: [["value", "金额（元）"], ["raw", "原文"], ["role", "用途"]],
    indicators: [["value", "指标名称"], ["target", "指标值"], ["actual", "实际完成值"]],
    problems: [["value", "问题"]], measures: [["value", "措施"]],
  }[s.list];
  const inputs = fields.map(([k, label]) => h("input", { type: "text", placeholder: label, "data-add": k, "aria-label": label }));
  const form = h("form", { class: "add", "data-edit-control": "", "data-list": s.list, hidden: true, onsubmit: async (e) => {
      e.preventDefault();
      const v = {};
      for (const i of inputs) v[i.dataset.add] = i.value.trim();
      if (!v.value) return toast("请填写内容", "error");
      if (s.list === "amounts") {
        const p = parseValue("money", v.value);
        if (!p.ok) return toast(p.msg, "error");
        v.raw = v.raw || v.value; v.value = p.value;
      }
      await save([{ op: "add", pointer: `/records/${doc.r}/${s.list}/-`, value: NEW_ITEM[s.list](v) }], null);
    } }, inputs, h("button", { type: "submit" }, "添加"));
  const open = h("button", { type: "button", class: "add-open", tabindex: "-1", "data-edit-control": "", onclick: () => { form.hidden = false; inputs[0].focus(); } }, "+ 补充漏提取的一项");
  return h("div", {}, open, form);
}

/* ---------------------------------------------------------------- history ------------------------ */
function renderHistory(item) {
  const el = $("#history");
  if (!el) return;
  if (!item || item.check) { el.replaceChildren(); return; }
  const base = item.base || item.key;
  const rows = [];
  for (const ev of doc.history.events) {
    if (ev.kind !== "corrected") continue;
    for (const c of ev.corrections || []) {
      if (c.pointer === base || c.pointer.startsWith(base + "/") || base.startsWith(c.pointer + "/")) rows.push(c);
    }
  }
  el.replaceChildren(h("h3", {}, `修改记录：${item.label}`),
    rows.length ? h("ol", { class: "hist" }, rows.map((c) => h("li", { class: "hist-item" },
      h("span", { class: "muted" }, (c.at || "").replace("T", " ").slice(0, 19), " ", c.by || ""), " ",
      h("span", { class: "op" }, { replace: "修改", add: "补充", remove: "删除" }[c.op] || c.op), " ",
      h("span", { class: "old" }, fmtJson(c.old_value)), " → ", h("span", { class: "new" }, c.op === "remove" ? "（删除）" : fmtJson(c.new_value)),
      h("div", { class: "muted" }, "原因：", c.reason || "")))) : h("p", { class: "muted" }, "机器提取值，未被修改过。"),
    item.prov && item.prov.quote ? h("p", { class: "muted" }, "原文：", h("q", {}, item.prov.quote)) : null);
}

/* ---------------------------------------------------------------- editing ------------------------ */
function focusables() {
  return $$("#record [data-key]");
}

function nextAfter(el, pred) {
  const all = focusables();
  const i = all.indexOf(el);
  for (let k = 1; k <= all.length; k++) {
    const c = all[(i + k + all.length) % all.length];
    if (pred(c)) return c;
  }
  return null;
}

function isAttention(el) {
  if (el.dataset.check) return el.dataset.check === "fail";
  return el.classList.contains("low") || el.classList.contains("dirty");
}

function jumpNextAttention() {
  const cur = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.key ? document.activeElement : focusables()[0];
  if (!cur) return;
  const nxt = isAttention(cur) && cur !== document.activeElement ? cur : nextAfter(cur, isAttention);
  if (nxt) nxt.focus(); else toast("没有低置信度字段或未通过的校验");
}

function onRecordKey(e) {
  const el = e.target;
  if (e.key === "Enter" && el.matches("input.val")) {
    e.preventDefault();
    commit(el);
  } else if (e.key === "Escape" && el.matches("input.val")) {
    el.value = el.dataset.orig;
    delete doc.drafts[el.dataset.key];
    el.classList.remove("dirty");
  } else if (e.key === "Enter" && el.matches("li.check")) {
    e.preventDefault();
    followCheck(doc.items.get(el.dataset.key));
  }
}

document.addEventListener("keydown", (e) => {
  if (!state.doc || !doc || !doc.items) return;
  const typing = e.target.matches && e.target.matches("input, textarea, select");
  if (e.key === "F8" || (e.altKey && (e.key === "n" || e.key === "N")) || (!typing && e.key === "n" && !e.ctrlKey && !e.metaKey)) {
    e.preventDefault();
    jumpNextAttention();
  }
});

document.addEventListener("focusin", (e) => {
  const el = e.target;
  if (!doc || !doc.items || !el.dataset || !el.dataset.key || !el.closest("#record")) return;
  const item = doc.items.get(el.dataset.key);
  if (!item) return;
  if (item.check) {
    $$(".selected").forEach((x) => x.classList.remove("selected"));
    el.classList.add("selected");
    const target = item.ref && [...doc.items.values()].find((it) => !it.check && (it.base === item.ref || (it.base || "").startsWith(item.ref + "/") || item.ref.startsWith(it.base + "/")));
    if (target && target.prov) { doc.selected = target; if (doc.layout.view === "pages") { target.prov.page && target.prov.page !== doc.page ? showPage(target.prov.page) : placeBox(); } else highlightText(target.prov); }
    renderHistory(null);
    return;
  }
  selectItem(item, false);
});

document.addEventListener("input", (e) => {
  const el = e.target;
  if (!doc || !el.matches || !el.matches("#record input.val")) return;
  if (el.value !== el.dataset.orig) { doc.drafts[el.dataset.key] = el.value; el.classList.add("dirty"); }
  else { delete doc.drafts[el.dataset.key]; el.classList.remove("dirty"); }
});

function followCheck(item) {
  if (!item || !item.ref) return;
  const target = [...doc.items.values()].find((it) => !it.check && (it.base === item.ref || (it.base || "").startsWith(item.ref + "/")));
  const el = target && $(`[data-key="${CSS.escape(target.key)}"]`);
  if (el) el.focus();
}

async function commit(el) {
  const item = doc.items.get(el.dataset.key);
  const next = nextAfter(el, (c) => !c.dataset.check);
  const nextKey = next ? next.dataset.key : null;
  if (el.value === el.dataset.orig) {  // accepted as it is
    delete doc.drafts[item.key];
    if (next) next.focus();
    return;
  }
  const p = parseValue(item.type, el.value);
  if (!p.ok) { toast(`${item.label}：${p.msg}`, "error"); el.classList.add("invalid"); return; }
  el.classList.remove("invalid");
  let op;
  if (item.missing && item.wrap) op = { op: "replace", pointer: item.base, value: item.wrap(p.value) };
  else if (item.wrap && item.value === null) op = { op: "replace", pointer: item.base, value: item.wrap(p.value) };
  else op = { op: "replace", pointer: item.ptr, value: p.value };
  await save([op], nextKey, [item.key]);
}

async function save(corrections, focusKey, draftKeys = []) {
  const reasonEl = $("#reason");
  const reason = (reasonEl ? reasonEl.value : "").trim();
  if (!reason) { toast("请填写修改原因", "error"); if (reasonEl) reasonEl.focus(); return false; }
  for (const c of corrections) c.reason = reason;
  try {
    const { data, etag } = await api(`/documents/${doc.id}/fields`, { method: "PATCH", body: { corrections }, headers: { "If-Match": `"${doc.version}"` } });
    for (const k of draftKeys) delete doc.drafts[k];
    doc.res = data; doc.version = versionOf(etag); doc.conflictNote = null;
    doc.info.status = data.review.status || doc.info.status;
    doc.history = (await api(`/documents/${doc.id}/history`)).data;
    renderDocument(focusKey);
    toast("已保存");
    return true;
  } catch (e) {
    if (e.status === 409 && e.code === "version_conflict") { await onConflict(corrections); return false; }
    if (e.status !== 401) toast(`未保存：${e.message}${e.hint ? "（" + e.hint + "）" : ""}`, "error");
    return false;
  }
}

async function onConflict(corrections) {
  const mine = doc.version;
  const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
  const [{ data: res, etag }, { data: hist }, { data: info }] = await Promise.all([
    api(`/documents/${doc.id}/result`), api(`/documents/${doc.id}/history`), api(`/documents/${doc.id}`)]);
  const others = hist.events.filter((ev) => ev.version > mine);
  const lines = [];
  for (const ev of others) {
    if (ev.kind === "corrected") for (const c of ev.corrections || []) lines.push(h("li", {}, `${ev.by || "?"} ${{ replace: "修改", add: "补充", remove: "删除" }[c.op] || c.op} `, h("code", {}, c.pointer), "：",
      h("span", { class: "old" }, fmtJson(c.old_value)), " → ", h("span", { class: "new" }, c.op === "remove" ? "（删除）" : fmtJson(c.new_value)), `（${c.reason || ""}）`));
    else lines.push(h("li", {}, `${ev.by || "?"}：${{ approved: "批准", reopened: "重新打开" }[ev.kind] || ev.kind}`));
  }
  doc.conflictNote = h("div", { class: "card conflict-note", id: "conflict" },
    h("h2", {}, `保存冲突：在您编辑期间，文档已被他人修改（版本 ${mine} → ${versionOf(etag)}）`),
    h("ul", {}, lines),
    h("p", {}, "您的修改没有保存，但输入内容已保留（黄色标记）。请核对上面的修改后，在字段中按 Enter 在最新版本上重新保存。"),
    corrections.some((c) => c.op !== "replace") ? h("p", {}, h("button", { type: "button", onclick: () => save(corrections, null) }, "在最新版本上重新提交")) : null);
  doc.res = res; doc.version = versionOf(etag); doc.history = hist; doc.info = info;
  renderDocument(active);
  toast("保存冲突：他人已修改此文档，您的输入已保留", "error");
}

async function removeItem(list, i, label) {
  if (!confirm(`删除「${label}」？（误提取的项目；原因：${($("#reason") || {}).value || ""}）`)) return;
  await save([{ op: "remove", pointer: `/records/${doc.r}/${list}/${i}` }], null);
}

async function transition(action) {
  const unsaved = Object.keys(doc.drafts).length;
  if (action === "approve" && unsaved && !confirm(`有 ${unsaved} 处修改尚未保存（黄色标记），仍然批准？`)) return;
  try {
    const { data, etag } = await api(`/documents/${doc.id}/${action}`, { method: "POST", headers: { "If-Match": `"${doc.version}"` } });
    doc.info = Object.assign(doc.info, data); doc.version = versionOf(etag);
    doc.res = (await api(`/documents/${doc.id}/result`)).data;
    doc.history = (await api(`/documents/${doc.id}/history`)).data;
    doc.conflictNote = null;
    renderDocument();
    toast(action === "approve" ? "已批准" : "已重新打开，可继续修改");
  } catch (e) {
    if (e.status === 409 && e.code === "version_conflict") { toast("文档已被他人修改，已重新加载，请核对后再操作", "error"); showDocument(doc.id, doc.r); return; }
    if (e.status !== 401) toast(e.message, "error");
  }
}

/* ---------------------------------------------------------------- routing ------------------------ */
function route() {
  if (!state.me) { if (sessionStorage.getItem(TOKEN_KEY)) start().catch((e) => { if (e.status !== 401) showLogin(e.message); }); return; }
  const m = location.hash.match(/^#\/doc\/(\d+)(?:\?r=(\d+))?/);
  if (m) showDocument(parseInt(m[1], 10), m[2] ? parseInt(m[2], 10) : 0);
  else showQueue();
}

window.addEventListener("hashchange", route);
window.addEventListener("beforeunload", (e) => { if (doc && doc.drafts && Object.keys(doc.drafts).length) e.preventDefault(); });
window.addEventListener("resize", () => { if (doc && doc.layout && doc.layout.view === "pages") placeBox(); });
$("#logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); state.me = null; showLogin(); });
start().catch((e) => { if (e.status !== 401) showLogin(e.message); });
