// Faceted class pages: filter the rendered rows by facet values, count, sort, page, download as CSV.
// The filtered view lives in the address (#programme=...&sector=...&sort=2&page=1), so it can be shared.
"use strict";
(function () {
  const PAGE = 50;
  document.addEventListener("DOMContentLoaded", () => {
    const table = document.getElementById("facet-rows");
    if (!table) return;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).map((tr) => ({ tr, facets: JSON.parse(tr.dataset.facets) }));
    const boxes = Array.from(document.querySelectorAll(".facet input[type=checkbox]"));
    let sort = null, descending = false, page = 0;

    function chosen() {
      const picked = {};
      for (const box of boxes) if (box.checked) (picked[box.name] = picked[box.name] || []).push(box.value);
      return picked;
    }
    function matches(row, picked, except) {
      for (const [facet, values] of Object.entries(picked)) {
        if (facet === except) continue;
        if (!values.some((v) => (row.facets[facet] || []).includes(v))) return false;
      }
      return true;
    }
    function writeHash(picked) {
      const params = new URLSearchParams();
      for (const [facet, values] of Object.entries(picked)) for (const v of values) params.append(facet, v);
      if (sort !== null) params.set("sort", (descending ? "-" : "") + sort);
      if (page) params.set("page", String(page + 1));
      const text = params.toString();
      history.replaceState(null, "", text ? "#" + text : window.location.pathname + window.location.search);
    }
    function readHash() {
      const params = new URLSearchParams(window.location.hash.slice(1));
      for (const box of boxes) box.checked = params.getAll(box.name).includes(box.value);
      const s = params.get("sort");
      if (s) { descending = s.startsWith("-"); sort = Number(s.replace("-", "")); }
      page = Math.max(0, Number(params.get("page") || "1") - 1);
    }
    function key(row) {
      const cell = row.tr.cells[sort];
      return cell ? (cell.dataset.sort || cell.textContent).toLowerCase() : "";
    }
    function render() {
      const picked = chosen();
      let shown = rows.filter((r) => matches(r, picked, null));
      if (sort !== null) {
        shown = shown.slice().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (descending ? -1 : 1));
      }
      const pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(page, pages - 1);
      for (const r of rows) r.tr.hidden = true;
      const visible = shown.slice(page * PAGE, (page + 1) * PAGE);
      for (const r of visible) { r.tr.hidden = false; body.appendChild(r.tr); }
      for (const box of boxes) {
        const count = rows.filter((r) => matches(r, picked, box.name) && (r.facets[box.name] || []).includes(box.value)).length;
        box.parentElement.querySelector(".count").textContent = String(count);
      }
      document.getElementById("facet-status").textContent =
        shown.length + " of " + rows.length + " shown" + (pages > 1 ? ", page " + (page + 1) + " of " + pages : "") + ".";
      const pager = document.getElementById("pager");
      pager.replaceChildren();
      if (pages > 1) {
        for (let i = 0; i < pages; i++) {
          const b = document.createElement("button");
          b.type = "button"; b.textContent = String(i + 1); b.className = "page";
          if (i === page) b.setAttribute("aria-current", "page");
          b.addEventListener("click", () => { page = i; update(); });
          pager.appendChild(b);
        }
      }
      for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
      if (sort !== null) table.tHead.rows[0].cells[sort].setAttribute("aria-sort", descending ? "descending" : "ascending");
      table._shown = shown;
    }
    function update() { writeHash(chosen()); render(); }
    function csvCell(text) { return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; }
    document.getElementById("csv-filtered").addEventListener("click", () => {
      const head = Array.from(table.tHead.rows[0].cells).map((c) => c.textContent.trim());
      const lines = [head.map(csvCell).join(",")];
      for (const r of table._shown) lines.push(Array.from(r.tr.cells).map((c) => csvCell(c.textContent.trim())).join(","));
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
      a.download = "gdegraph-filtered.csv";
      document.body.appendChild(a); a.click(); a.remove();
    });
    for (const box of boxes) box.addEventListener("change", () => { page = 0; update(); });
    for (const button of table.querySelectorAll("button.sort")) {
      button.addEventListener("click", () => {
        const column = Number(button.dataset.column);
        descending = sort === column ? !descending : false;
        sort = column;
        update();
      });
    }
    document.getElementById("clear-facets").addEventListener("click", () => {
      for (const box of boxes) box.checked = false;
      page = 0; update();
    });
    window.addEventListener("hashchange", () => { readHash(); render(); });
    readHash();
    render();
  });
})();
