// The interactive pairing network (Cytoscape.js over explore/network.js). Each trust is labelled with its
// name as of the date shown (the name it had when paired, from the query library's `pairings` query) and
// the side panel says what became of it; selecting a trust shows it there with a link to its page, a
// double click opens the page. Checkboxes filter pairings by sector and status (the statuses and their
// line styles come from the data: rank 0, withdrawn, starts unticked), and the slider shows the network
// as of each date a status changed: a pairing shows with its status then, or not at all before it was
// made. The filters and the date live in the address (#as-of=2018-01-01&status=...), so a view can be shared.
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";
  const CELL = 160, ROW = 165, DEPTH = 60, GAP = 20; // the layout grid, in pixels at zoom 1

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  // Components (a star of one exemplar and its followers, mostly) in rows, grouped by sector, each laid out
  // breadth-first from its exemplars (labelled above, their followers below, so no edge crosses a label), one
  // label-wide column per trust of its widest level: no two labels overlap. Of the row widths tried, the one
  // that lets the whole fit the view at the largest zoom wins.
  function layout(cy, view) {
    const components = cy.elements().components().map((c) => {
      const roots = c.nodes().filter((n) => n.indegree(false) === 0);
      const sector = c.edges().length ? c.edges()[0].data("sector") : "";
      const across = Math.max(roots.length, c.nodes().length - roots.length, 1) * CELL;
      return { c, roots, sector, across, size: c.nodes().length, key: roots.length ? roots[0].data("name") : "" };
    });
    components.sort((a, b) => (a.sector < b.sector ? -1 : a.sector > b.sector ? 1 : 0) || b.size - a.size
      || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    function place(width) { // [x, y] of each component's box, and the whole's size
      let x = 0, y = 0, right = 0, sector = null;
      const at = components.map((item) => {
        if (x > 0 && (x + item.across > width || item.sector !== sector)) { x = 0; y += ROW; }
        sector = item.sector;
        const box = [x, y];
        x += item.across + GAP;
        right = Math.max(right, x - GAP);
        return box;
      });
      return { at, zoom: Math.min(view.clientWidth / (right + CELL), view.clientHeight / (y + ROW)) };
    }
    let best = place(0);
    for (let columns = 2; columns * CELL < components.reduce((sum, item) => sum + item.across + GAP, 0); columns++) {
      const tried = place(columns * (CELL + GAP));
      if (tried.zoom > best.zoom) best = tried;
    }
    components.forEach((item, i) => {
      const [x, y] = best.at[i];
      item.c.layout({ name: "breadthfirst", roots: item.roots, directed: true, fit: false, animate: false,
        padding: 0, spacingFactor: 1, avoidOverlap: false,
        boundingBox: { x1: x + CELL / 2, y1: y, w: Math.max(1, item.across - CELL), h: DEPTH } }).run();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const swatch of document.querySelectorAll(".swatch[data-colour]")) swatch.style.background = swatch.dataset.colour;
    const data = window.GDE_NETWORK, element = document.getElementById("network");
    if (!data || !element || !window.cytoscape) return;
    const form = document.getElementById("network-filters");
    const slider = document.getElementById("as-of");
    const panel = document.getElementById("network-detail");
    const dates = data.dates || [];
    const statuses = Object.entries(data.statuses || {}).sort((a, b) => b[1].rank - a[1].rank || (a[0] < b[0] ? -1 : 1));
    const statusBox = document.getElementById("status-filter");
    for (const [name, style] of statuses) {
      const label = el("label"), box = el("input", "", { type: "checkbox", name: "status", value: name });
      box.checked = box.defaultChecked = style.checked;
      label.append(box, " ", el("span", "", { class: "line-swatch line-" + style.line }), " " + name + " ");
      statusBox.append(label, " ");
    }
    if (slider && dates.length) {
      slider.max = String(dates.length - 1);
      slider.value = String(dates.length - 1);
    }
    const boxes = Array.from(form.querySelectorAll("input[type=checkbox]"));
    const elements = data.nodes.map((n) => ({ group: "nodes", data: { ...n, label: n.name, colour: data.roles[n.role] || "#768692" } }))
      .concat(data.edges.map((e) => ({ group: "edges", data: { ...e, line: "solid" } })));
    const cy = window.cytoscape({
      container: element, elements, minZoom: 0.3, maxZoom: 3,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 10,
          "text-wrap": "wrap", "text-max-width": CELL - 20, "text-valign": "bottom", "text-margin-y": 3,
          width: 14, height: 14, color: "#1d1d1f", "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-background-padding": 1, "min-zoomed-font-size": 6 } },
        { selector: "node[[indegree = 0]]", style: { "text-valign": "top", "text-margin-y": -3 } }, // exemplars: above
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#1d1d1f" } },
        { selector: "edge", style: { width: 2, "line-color": "#6b7785", "curve-style": "straight", "line-style": "data(line)" } },
        { selector: ".hidden", style: { display: "none" } },
      ],
      layout: { name: "preset" }, autoungrabify: true,
    });
    layout(cy, element);
    cy.fit(undefined, 20);
    window.gdeNetwork = cy;

    const day = () => (slider && dates.length ? dates[Number(slider.value)] : null);
    const statusAt = (edge) => (day() === null ? edge.status : edge.asOf[day()] || null);

    let chosen = null;
    function show(node) {
      panel.replaceChildren();
      if (!node) {
        panel.append(el("p", "Point at or select a trust to see its name then, what it is now and its page."));
        return;
      }
      const d = node.data(), page = root + d.id + ".html";
      const heading = el("h2"), link = el("a", d.label, { href: page });
      heading.append(link);
      panel.append(heading, el("p", [d.code && "ODS code " + d.code, d.role, d.region].filter(Boolean).join(" · ")));
      const when = day() ? "as of " + day() : "when paired";
      panel.append(el("p", "Named as when paired (NHS ODS reference files), shown " + when + "."));
      if (d.now && d.now !== d.label) panel.append(el("p", "Now: " + d.now, { class: "now" }));
      const partners = node.connectedEdges().filter((e) => !e.hasClass("hidden")).map((e) => {
        const other = e.source().id() === d.id ? e.target() : e.source();
        return (e.source().id() === d.id ? "exemplar for " : "fast follower of ") + other.data("label") + " (" + statusAt(e.data()) + ")";
      });
      if (partners.length) {
        const list = el("ul");
        for (const p of partners) list.append(el("li", p));
        panel.append(list);
      }
      const open = el("p");
      open.append(el("a", "Open the trust's page", { href: page }));
      panel.append(open);
    }

    function writeHash() {
      const params = new URLSearchParams();
      if (day()) params.set("as-of", day());
      for (const name of ["sector", "status"]) {
        const group = boxes.filter((b) => b.name === name);
        if (group.some((b) => b.checked !== b.defaultChecked)) {
          const ticked = group.filter((b) => b.checked);
          if (ticked.length) for (const b of ticked) params.append(name, b.value); else params.set(name, "");
        }
      }
      history.replaceState(null, "", "#" + params.toString());
    }
    function readHash() {
      const params = new URLSearchParams(window.location.hash.slice(1));
      // The address is the whole state: a group it does not name is at its defaults, whatever the browser
      // restored into the server-rendered boxes (it does on a reload or a visit to the same address).
      for (const b of boxes) b.checked = params.has(b.name) ? params.getAll(b.name).includes(b.value) : b.defaultChecked;
      const wanted = params.get("as-of");
      if (slider && dates.length && wanted) {
        let index = 0; // the latest step on or before the date asked for (the network is the same until the next)
        dates.forEach((d, i) => { if (d <= wanted) index = i; });
        slider.value = String(index);
      }
    }

    function apply() {
      const sectors = new Set(boxes.filter((b) => b.name === "sector" && b.checked).map((b) => b.value));
      const ticked = new Set(boxes.filter((b) => b.name === "status" && b.checked).map((b) => b.value));
      if (slider) document.getElementById("as-of-value").textContent = day() || "";
      let shown = 0;
      cy.batch(() => {
        cy.edges().forEach((edge) => {
          const status = statusAt(edge.data());
          const keep = sectors.has(edge.data("sector")) && status !== null && ticked.has(status);
          edge.toggleClass("hidden", !keep);
          if (status !== null) edge.data("line", (data.statuses[status] || {}).line || "solid");
          shown += keep ? 1 : 0;
        });
        cy.nodes().forEach((node) => {
          node.toggleClass("hidden", node.connectedEdges().filter((e) => !e.hasClass("hidden")).length === 0);
          node.data("label", (day() && node.data("names")[day()]) || node.data("name"));
        });
      });
      const nodes = cy.nodes().filter((n) => !n.hasClass("hidden")).length;
      document.getElementById("network-status").textContent = shown + " of " + data.edges.length + " pairings and "
        + nodes + " trusts shown" + (day() ? ", as of " + day() : "") + ".";
      element.dataset.shown = String(shown);
      element.dataset.nodes = String(nodes);
      element.dataset.asOf = day() || "";
      if (chosen && chosen.hasClass("hidden")) { cy.elements().unselect(); chosen = null; }
      show(chosen);
    }

    cy.on("mouseover", "node", (event) => show(event.target));
    cy.on("mouseout", "node", () => show(chosen));
    cy.on("tap", "node", (event) => { chosen = event.target; show(chosen); });
    cy.on("tap", (event) => { if (event.target === cy) { chosen = null; show(null); } });
    cy.on("dbltap", "node", (event) => { window.location.href = root + event.target.id() + ".html"; });
    readHash();
    form.addEventListener("change", () => { apply(); writeHash(); });
    if (slider) slider.addEventListener("input", () => { apply(); writeHash(); });
    window.addEventListener("hashchange", () => { readHash(); apply(); });
    apply();
    cy.resize(); // the status line above the view now has its text: the view may have moved down
  });
})();
