// The interactive pairing network (Cytoscape.js over explore/network.js): every node opens its trust's
// page, checkboxes filter pairings by sector and status, and, when statuses are dated (gde:statusDate),
// a slider shows the network as of a date (a pairing counts from its first dated step, with that step's status).
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";
  document.addEventListener("DOMContentLoaded", () => {
    for (const swatch of document.querySelectorAll(".swatch[data-colour]")) swatch.style.background = swatch.dataset.colour;
    const data = window.GDE_NETWORK, element = document.getElementById("network");
    if (!data || !element || !window.cytoscape) return;
    const elements = data.nodes.map((n) => ({ group: "nodes", data: { ...n, label: n.name, colour: data.roles[n.role] || "#768692" } }))
      .concat(data.edges.map((e) => ({ group: "edges", data: e })));
    const cy = window.cytoscape({
      container: element, elements, wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 9,
          "text-wrap": "wrap", "text-max-width": 110, width: 14, height: 14, color: "#1d1d1f" } },
        { selector: "edge", style: { width: 2, "line-color": "#9aa5b1", "curve-style": "bezier" } },
        { selector: ".hidden", style: { display: "none" } },
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 60 },
    });
    cy.on("tap", "node", (event) => { window.location.href = root + event.target.id() + ".html"; });
    const form = document.getElementById("network-filters");
    const slider = document.getElementById("as-of");
    const dates = Array.from(new Set(data.edges.flatMap((e) => e.dates.map((d) => d[0])))).sort();
    if (slider && dates.length) {
      slider.max = String(dates.length - 1);
      slider.value = String(dates.length - 1);
    }
    function statusAt(edge) {
      if (!slider || !dates.length || !edge.dates.length) return edge.status;
      const day = dates[Number(slider.value)];
      const steps = edge.dates.filter((d) => d[0] <= day);
      return steps.length ? steps[steps.length - 1][1] : null;
    }
    function apply() {
      const sectors = new Set(Array.from(form.querySelectorAll("input[name=sector]:checked")).map((b) => b.value));
      const statuses = new Set(Array.from(form.querySelectorAll("input[name=status]:checked")).map((b) => b.value));
      if (slider) document.getElementById("as-of-value").textContent = dates[Number(slider.value)] || "";
      let shown = 0;
      cy.batch(() => {
        cy.edges().forEach((edge) => {
          const status = statusAt(edge.data());
          const keep = sectors.has(edge.data("sector")) && status !== null && statuses.has(status);
          edge.toggleClass("hidden", !keep);
          shown += keep ? 1 : 0;
        });
        cy.nodes().forEach((node) => node.toggleClass("hidden", node.connectedEdges(":visible").length === 0));
      });
      document.getElementById("network-status").textContent = shown + " of " + data.edges.length + " pairings shown.";
      element.dataset.shown = String(shown);
    }
    form.addEventListener("change", apply);
    if (slider) slider.addEventListener("input", apply);
    apply();
  });
})();
